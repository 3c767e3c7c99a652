// Tunnels through a target's `via` proxy: SOCKS5 (RFC 1928, username/password RFC 1929),
// socks5h (the proxy resolves the name) and HTTP CONNECT (Basic authentication).
//
// A tunnel is a non-blocking handshake on a socket connected to the proxy, advanced as the
// socket becomes ready; many tunnels are driven by one poll loop under the case deadline and
// the stop signal. A finished tunnel is a connected socket like connect_tcp's, handed to the
// same TCP/TLS/libpq code. Failures are outcomes with the proxy.* categories: the proxy cannot
// be reached (proxy.unreachable), refused the destination (proxy.refused, naming the SOCKS
// reply code or the HTTP status), refused the credentials (proxy.auth), or stalled
// (proxy.timeout); the outcome's property `proxy_stage` says where it ended.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/net.hpp"
#include "checks/tcp_probe.hpp"
#include "core/proxy.hpp"

namespace connspec {

// A proxy ready to tunnel through: its address resolved and its password read.
struct ProxyRoute {
    Proxy proxy;
    std::string password;               // a secret: never in any text
    std::vector<std::string> addresses; // the proxy's numeric addresses
    // Texts that must never be shown (the password), for redact().
    std::vector<std::string> secrets() const;
};

struct RoutePrepared {
    std::optional<ProxyRoute> route;  // nullopt without `via` (connect directly)
    std::optional<Outcome> failure;   // secret.unavailable, proxy.unreachable (name), internal
};

// The target's route: nothing without `via`; else the proxy's host resolved with the system
// resolver and its password read (URL, or via_password_env now).
RoutePrepared prepare_route(const Target& target, Deadline deadline, const StopSignal& stop);

// One tunnel handshake on `fd`, a non-blocking socket connected to the proxy.
class ProxyHandshake {
public:
    enum class Progress { more, done, failed };

    // `destination`: numeric address, or a host name (socks5h, HTTP CONNECT).
    ProxyHandshake(const ProxyRoute& route, std::string destination, int port);

    // POLLIN or POLLOUT: what the socket must become before step().
    short events() const;
    // Sends or reads what the socket allows; a spurious call is harmless.
    Progress step(int fd);
    // The failure (after step() returned failed).
    const Outcome& failure() const { return failure_; }
    // Where it stands: "greeting", "authentication", "request", "done".
    std::string_view stage() const;
    // The outcome when the deadline ends the handshake at its current stage.
    Outcome timed_out(std::chrono::duration<double> waited) const;
    // When the request went out, once the handshake waits for the proxy's answer to it.
    std::optional<Clock::time_point> request_sent() const { return request_sent_; }

private:
    enum class Stage { greeting, method, auth_sent, auth_reply, request, reply_head, reply_rest,
                       http_request, http_reply, done, failed };
    void queue(std::string bytes, Stage sending);
    Progress fail(std::string category, std::string message, std::string hint);
    Progress received();  // the bytes of the current read are all in: decide

    const ProxyRoute& route_;
    std::string destination_;
    int port_;
    Stage stage_;
    std::string out_;          // bytes to send
    std::size_t sent_ = 0;
    std::string in_;           // bytes read in the current read stage
    std::size_t need_ = 0;     // bytes the current read stage needs in all (SOCKS)
    std::optional<Clock::time_point> request_sent_;
    Outcome failure_;
};

// Tunnels to every endpoint at once, like connect_all (same result shapes: a tunnel that
// failed carries its proxy.* or tcp.* outcome). `endpoints[i].address` may be a host name
// when the proxy resolves names. With `request_window`, a tunnel whose request the proxy has
// not answered that long after it went out ends then (proxy.timeout at stage "request": the
// destination is silent), however long the proxy took to get there.
ProbeResults tunnel_all(const ProxyRoute& route, const std::vector<Endpoint>& endpoints,
                        Deadline deadline, const StopSignal& stop, bool stop_at_first_accept,
                        std::optional<Duration> request_window = std::nullopt);

// connect_all, through `route` when given.
ProbeResults connect_all_via(const ProxyRoute* route, const std::vector<Endpoint>& endpoints,
                             Deadline deadline, const StopSignal& stop, bool stop_at_first_accept);
// connect_tcp, through `route` when given.
ConnectResult connect_via(const ProxyRoute* route, const std::string& address, int port,
                          Deadline deadline, const StopSignal& stop);

// What a failed TCP connect to the proxy (tcp.*) becomes: proxy.unreachable or proxy.timeout.
Outcome proxy_connect_failure(const Proxy& proxy, const Outcome& tcp);

// "socks5 proxy 127.0.0.1:1080": how messages name the proxy.
std::string proxy_name(const Proxy& proxy);

// Cases that probe the network path itself (ICMP, TTL-limited connects) cannot go through a
// proxy, and the path from here is not the one the target's connections take: skipped with the
// reason for a target with `via`, nullopt otherwise.
std::optional<Outcome> skip_path_probe_via_proxy(const Target& target);

}  // namespace connspec
