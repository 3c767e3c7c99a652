// Shared network code for every check kind: resolve, connect and wait, each bounded by the
// case deadline and woken by the stop signal. Failures come back as Outcome records with
// their category, message and hint already set, so every kind words them the same way.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "checks/check_kind.hpp"
#include "core/unique_fd.hpp"

namespace connspec {

enum class AddressFamily { any, ipv4, ipv6 };

struct ResolveResult {
    std::vector<std::string> addresses;  // numeric, in the order the resolver gave them
    std::optional<Outcome> failure;      // dns.nxdomain, dns.nodata, dns.servfail, dns.timeout, internal
    bool ok() const { return !failure; }
};

// Resolves `host` with c-ares: the system configuration, or `server` ("host:port" or "host",
// port 53) when given. An IP literal resolves to itself at once.
ResolveResult resolve_host(const std::string& host, AddressFamily family,
                           const std::optional<std::string>& server, Deadline deadline,
                           const StopSignal& stop);

// The addresses a case should connect to: those a declared `resolves` found (context), else
// the host resolved with the system resolver.
ResolveResult target_addresses(const Target& target, const CheckContext& context);

enum class WaitStatus { ready, timeout, stopped };

// Waits until `fd` has `events` (POLLIN/POLLOUT), the deadline passes, or stop is requested.
WaitStatus wait_fd(int fd, short events, Deadline deadline, const StopSignal& stop);

struct ConnectResult {
    UniqueFd fd;  // connected, non-blocking; empty on failure
    std::chrono::duration<double> latency{};
    std::optional<Outcome> failure;  // tcp.refused, tcp.timeout, tcp.unreachable, internal
    bool ok() const { return !failure; }
};

// Non-blocking TCP connect to a numeric address under the deadline.
ConnectResult connect_tcp(const std::string& address, int port, Deadline deadline,
                          const StopSignal& stop);

// "127.0.0.1:5432", "[::1]:5432".
std::string format_endpoint(const std::string& address, int port);

}  // namespace connspec
