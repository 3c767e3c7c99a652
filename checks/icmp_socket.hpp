// ICMP echo for `reachable` and `path_mtu`: one socket per case carrying all its requests.
//
// Unprivileged ICMP datagram sockets (SOCK_DGRAM + IPPROTO_ICMP/IPPROTO_ICMPV6) where
// net.ipv4.ping_group_range lets this process's group use them; the kernel then writes the
// identifier and checksum and hands the socket only its own replies, matched by sequence.
// Otherwise raw sockets (CAP_NET_RAW): we write our own identifier (and the IPv4 checksum) and
// drop every reply that carries another one. Errors about our requests ("unreachable",
// "fragmentation needed", "packet too big") come from the socket's error queue in both cases.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/outcome.hpp"
#include "core/unique_fd.hpp"

namespace connspec {

enum class IcmpSocketKind { datagram, raw };

std::string_view to_string(IcmpSocketKind kind);  // "datagram", "raw"

struct IcmpSocket {
    UniqueFd fd;  // non-blocking, error queue enabled
    IcmpSocketKind kind = IcmpSocketKind::datagram;
    bool v6 = false;
    std::uint16_t identifier = 0;  // raw sockets: the one we write and filter on
    sockaddr_storage peer{};       // the echoed host
    socklen_t peer_length = 0;
    std::string address;           // the echoed host, numeric
};

struct IcmpOpenResult {
    std::optional<IcmpSocket> socket;
    std::optional<Outcome> failure;  // an error naming why neither kind could be opened
};

// An ICMP socket towards numeric `address`: datagram where allowed, else raw.
IcmpOpenResult open_icmp_socket(const std::string& address);

// IP and ICMP header bytes around an echo payload: a whole packet of N bytes (as
// `ping -M do -s N-28` counts it for IPv4) carries N - icmp_overhead bytes of payload.
constexpr std::size_t icmp_overhead(bool v6)
{
    return v6 ? 40 + 8 : 20 + 8;
}

// Sends one echo request with `payload_bytes` of payload; 0 or the errno of the send.
int send_echo(const IcmpSocket& socket, std::uint16_t sequence, std::size_t payload_bytes);

// Sets the don't-fragment probing mode (IP_PMTUDISC_PROBE / IPV6_PMTUDISC_PROBE): every
// request leaves with DF set, sized by the interface MTU alone (not a learnt path MTU).
bool set_dont_fragment_probing(const IcmpSocket& socket);

// Something that came back about one of our requests.
struct IcmpEvent {
    enum class Kind { reply, too_big, unreachable, time_exceeded, local_error } kind = Kind::reply;
    std::optional<std::uint16_t> sequence;  // the request it answers (none for local errors)
    std::string from;                       // who answered; empty for this host
    std::uint32_t mtu = 0;                  // too_big: the next-hop MTU reported
    std::string description;                // "host unreachable", "fragmentation needed (MTU 1400)"
    int error = 0;                          // local_error / too_big raised on this host: errno
};

// Everything readable now on the socket (its error queue, then its replies) that concerns our
// requests; other hosts' echo traffic a raw socket sees is dropped here.
std::vector<IcmpEvent> drain_icmp_events(const IcmpSocket& socket);

}  // namespace connspec
