// What the kernel queued on a socket about its packets (IP_RECVERR / IPV6_RECVERR): the ICMP
// errors routers sent back ("time exceeded", "fragmentation needed", "unreachable") with the
// router that sent each, and the errors this host raised itself (a packet over the interface's
// MTU). Shared by `route` (TCP sockets) and the ICMP sockets of `reachable` and `path_mtu`.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace connspec {

struct QueuedError {
    int error = 0;           // what the socket was told: EHOSTUNREACH, EMSGSIZE, ...
    bool from_icmp = false;  // a router or host answered with ICMP; false: raised on this host
    bool v6 = false;         // ICMPv6 types and codes
    int type = 0;            // the ICMP type and code (from_icmp only)
    int code = 0;
    std::uint32_t info = 0;  // the next-hop MTU of "fragmentation needed" / "packet too big"
    std::string offender;    // who sent it, numeric; empty when raised on this host
    // The start of the packet it is about, from its transport header on (an ICMP socket's own
    // echo request: identifier and sequence); may be empty.
    std::vector<unsigned char> payload;

    bool time_exceeded() const;  // TTL / hop limit ran out at `offender`
    bool too_big() const;        // fragmentation needed / packet too big (MTU in `info`)
    bool unreachable() const;    // destination unreachable of any other kind
    // "time exceeded", "host unreachable", "fragmentation needed (MTU 1400)", "port
    // unreachable", "administratively prohibited", or strerror(error) for local ones.
    std::string describe() const;
};

// Asks the kernel to queue errors on `fd` (IP_RECVERR or IPV6_RECVERR); false with errno set.
bool enable_error_queue(int fd, bool v6);

// The next queued error on `fd` (MSG_ERRQUEUE, non-blocking), or nullopt when none is queued.
std::optional<QueuedError> read_queued_error(int fd);

// "198.18.0.1", "2001:db8::1": a socket address without its port.
std::string numeric_address(const sockaddr* address);

}  // namespace connspec
