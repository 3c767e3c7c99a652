#include "checks/icmp_socket.hpp"

#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "checks/error_queue.hpp"
#include "checks/tcp_probe.hpp"

namespace connspec {
namespace {

// Raw sockets see every echo reply of the host: each case writes its own identifier, distinct
// from the other cases of this process that run at the same time.
std::uint16_t next_identifier()
{
    static std::atomic<std::uint16_t> counter{static_cast<std::uint16_t>(std::random_device{}())};
    return counter.fetch_add(1, std::memory_order_relaxed);
}

std::uint16_t internet_checksum(const unsigned char* data, std::size_t length)
{
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < length; i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
    if (length % 2) sum += static_cast<std::uint32_t>(data[length - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

std::uint16_t read16(const unsigned char* p)
{
    return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

std::string ping_group_range()
{
    std::ifstream file("/proc/sys/net/ipv4/ping_group_range");
    std::string low, high;
    if (!(file >> low >> high)) return "unreadable";
    return low + " " + high;
}

bool make_nonblocking(int fd)
{
    int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

Outcome neither_allowed(int datagram_error, int raw_error)
{
    return errored(
        "internal",
        fmt::format("cannot send ICMP echo from this machine: unprivileged ICMP sockets are not "
                    "allowed for group {} (net.ipv4.ping_group_range = \"{}\": {}) and raw "
                    "sockets need CAP_NET_RAW ({})",
                    ::getegid(), ping_group_range(), std::strerror(datagram_error),
                    std::strerror(raw_error)),
        "let connspec's group use ICMP sockets (sysctl -w net.ipv4.ping_group_range=\"0 "
        "2147483647\", or a range holding its group), or give it raw sockets (setcap "
        "cap_net_raw+ep on the binary, AmbientCapabilities=CAP_NET_RAW in systemd)");
}

// The ICMP message inside what a socket received: raw IPv4 sockets get the IP header first.
const unsigned char* icmp_start(const IcmpSocket& socket, const unsigned char* data, std::size_t& length)
{
    if (socket.kind != IcmpSocketKind::raw || socket.v6) return data;
    if (length < sizeof(iphdr)) return nullptr;
    std::size_t header = static_cast<std::size_t>(data[0] & 0x0f) * 4;
    if (header < sizeof(iphdr) || length < header) return nullptr;
    length -= header;
    return data + header;
}

// The sequence of our echo request at the start of `icmp` (an error queue's payload), or none
// when it is not one of ours.
std::optional<std::uint16_t> our_request(const IcmpSocket& socket, const std::vector<unsigned char>& icmp)
{
    if (icmp.size() < 8) return std::nullopt;
    int request_type = socket.v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    if (icmp[0] != request_type) return std::nullopt;
    if (socket.kind == IcmpSocketKind::raw && read16(&icmp[4]) != socket.identifier) return std::nullopt;
    return read16(&icmp[6]);
}

IcmpEvent event_from(const QueuedError& queued, const IcmpSocket& socket)
{
    IcmpEvent event;
    event.description = queued.describe();
    event.from = queued.offender;
    event.error = queued.error;
    if (queued.from_icmp) event.sequence = our_request(socket, queued.payload);
    if (queued.too_big()) {
        event.kind = IcmpEvent::Kind::too_big;
        event.mtu = queued.info;
    } else if (queued.time_exceeded()) {
        event.kind = IcmpEvent::Kind::time_exceeded;
    } else if (queued.from_icmp) {
        event.kind = IcmpEvent::Kind::unreachable;
    } else {
        event.kind = IcmpEvent::Kind::local_error;
    }
    return event;
}

}  // namespace

std::string_view to_string(IcmpSocketKind kind)
{
    return kind == IcmpSocketKind::raw ? "raw" : "datagram";
}

IcmpOpenResult open_icmp_socket(const std::string& address)
{
    IcmpOpenResult result;
    IcmpSocket socket;
    socket.address = address;
    if (!numeric_sockaddr(address, 0, socket.peer, socket.peer_length)) {
        result.failure = errored("internal", "not a numeric address: " + address,
                                 "a bug in connspec: the case was given an unresolved name");
        return result;
    }
    socket.v6 = socket.peer.ss_family == AF_INET6;
    // Replies are matched on their sender as the kernel writes it.
    socket.address = numeric_address(reinterpret_cast<const sockaddr*>(&socket.peer));
    int family = socket.v6 ? AF_INET6 : AF_INET;
    int protocol = socket.v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);

    socket.fd = UniqueFd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, protocol));
    int datagram_error = socket.fd ? 0 : errno;
    if (!socket.fd) {
        socket.fd = UniqueFd(::socket(family, SOCK_RAW | SOCK_CLOEXEC, protocol));
        if (!socket.fd) {
            result.failure = neither_allowed(datagram_error, errno);
            return result;
        }
        socket.kind = IcmpSocketKind::raw;
        socket.identifier = next_identifier();
        if (socket.v6) {
            // Only echo replies on the ordinary path; errors come through the error queue.
            icmp6_filter filter;
            ICMP6_FILTER_SETBLOCKALL(&filter);
            ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
            ::setsockopt(socket.fd.get(), IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
        }
    }
    if (!make_nonblocking(socket.fd.get()) || !enable_error_queue(socket.fd.get(), socket.v6)) {
        result.failure = errored("internal",
                                 fmt::format("cannot set up an ICMP socket: {}", std::strerror(errno)),
                                 "this machine could not make the probe");
        return result;
    }
    result.socket = std::move(socket);
    return result;
}

bool set_dont_fragment_probing(const IcmpSocket& socket)
{
    int mode = socket.v6 ? IPV6_PMTUDISC_PROBE : IP_PMTUDISC_PROBE;
    return socket.v6 ? ::setsockopt(socket.fd.get(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, &mode, sizeof mode) == 0
                     : ::setsockopt(socket.fd.get(), IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof mode) == 0;
}

int send_echo(const IcmpSocket& socket, std::uint16_t sequence, std::size_t payload_bytes)
{
    std::vector<unsigned char> packet(8 + payload_bytes);
    packet[0] = static_cast<unsigned char>(socket.v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO);
    packet[4] = static_cast<unsigned char>(socket.identifier >> 8);
    packet[5] = static_cast<unsigned char>(socket.identifier & 0xff);
    packet[6] = static_cast<unsigned char>(sequence >> 8);
    packet[7] = static_cast<unsigned char>(sequence & 0xff);
    for (std::size_t i = 8; i < packet.size(); ++i) packet[i] = static_cast<unsigned char>(i);
    // The kernel writes the checksum of datagram sockets and of every ICMPv6 socket.
    if (socket.kind == IcmpSocketKind::raw && !socket.v6) {
        std::uint16_t sum = internet_checksum(packet.data(), packet.size());
        packet[2] = static_cast<unsigned char>(sum >> 8);
        packet[3] = static_cast<unsigned char>(sum & 0xff);
    }
    ssize_t sent;
    do {
        sent = ::sendto(socket.fd.get(), packet.data(), packet.size(), 0,
                        reinterpret_cast<const sockaddr*>(&socket.peer), socket.peer_length);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? errno : 0;
}

std::vector<IcmpEvent> drain_icmp_events(const IcmpSocket& socket)
{
    std::vector<IcmpEvent> events;
    while (auto queued = read_queued_error(socket.fd.get())) {
        auto event = event_from(*queued, socket);
        // An ICMP error about someone else's packet (a raw socket hears them all): not ours.
        if (queued->from_icmp && !event.sequence) continue;
        events.push_back(std::move(event));
    }
    std::array<unsigned char, 65536> buffer;
    for (;;) {
        sockaddr_storage from{};
        socklen_t from_length = sizeof from;
        ssize_t got = ::recvfrom(socket.fd.get(), buffer.data(), buffer.size(), MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&from), &from_length);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;  // nothing more now (or an error the error queue explains)
        std::size_t length = static_cast<std::size_t>(got);
        const unsigned char* icmp = icmp_start(socket, buffer.data(), length);
        if (!icmp || length < 8) continue;
        int reply_type = socket.v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
        if (icmp[0] != reply_type) continue;
        if (socket.kind == IcmpSocketKind::raw && read16(icmp + 4) != socket.identifier) continue;
        std::string sender = numeric_address(reinterpret_cast<const sockaddr*>(&from));
        if (sender != socket.address) continue;
        IcmpEvent event;
        event.kind = IcmpEvent::Kind::reply;
        event.sequence = read16(icmp + 6);
        event.from = std::move(sender);
        events.push_back(std::move(event));
    }
    return events;
}

}  // namespace connspec
