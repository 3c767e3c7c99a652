// Tunnels through SOCKS5 and HTTP CONNECT proxies: a handshake state machine per socket,
// driven for many sockets by one poll loop.
#include "checks/proxy_tunnel.hpp"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace connspec {
namespace {

constexpr std::size_t max_http_reply = 16384;

std::string socks_reply_text(int code)
{
    switch (code) {
    case 1: return "general SOCKS server failure";
    case 2: return "connection not allowed by ruleset";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return "unassigned code";
    }
}

std::string socks_reply_hint(int code)
{
    switch (code) {
    case 2:
        return "the proxy's rules do not allow this destination: ask for the destination and "
               "port to be allowed (dante: a socks pass rule), or use another proxy";
    case 3:
    case 4:
        return "the proxy has no route to the destination: check the address, and the routing "
               "and firewalls between the proxy and the server";
    case 5:
        return "the proxy reached the destination host but nothing accepts connections on that "
               "port there: the service is down, listens elsewhere, or a firewall rejects the "
               "proxy";
    case 6:
        return "the proxy's connection to the destination timed out: the packets are probably "
               "dropped between the proxy and the server";
    case 8:
        return "the proxy does not take this kind of address: use socks5h:// to send names, or "
               "socks5:// to send addresses";
    default: return "check the proxy's log for why it refused the connection";
    }
}

std::string http_status_hint(int status)
{
    if (status == 403)
        return "the proxy's rules forbid this destination or port (tinyproxy: ConnectPort, "
               "Allow/Deny; squid: http_access and SSL_ports): ask for it to be allowed";
    if (status == 502 || status == 503 || status == 504 || status == 500)
        return "the proxy could not connect to the destination: the service is down, listens "
               "elsewhere, or a firewall between the proxy and the server rejects it";
    if (status == 405 || status == 501)
        return "the proxy does not support CONNECT: use a proxy that tunnels, or socks5://";
    return "check the proxy's log for why it refused the tunnel";
}

std::string base64(const std::string& bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string destination_text(const std::string& destination, int port)
{
    return format_endpoint(destination, port);
}

std::string seconds_text(std::chrono::duration<double> d)
{
    return fmt::format("{:.2f} s", d.count());
}

}  // namespace

Outcome proxy_connect_failure(const Proxy& proxy, const Outcome& tcp)
{
    Outcome o;
    if (tcp.category == "tcp.timeout")
        o = failed("proxy.timeout",
                   fmt::format("the {} did not answer the connection: {}", proxy_name(proxy), tcp.message),
                   "the proxy's address or port is wrong, or a firewall drops the packets to it");
    else if (tcp.category == "tcp.refused" || tcp.category == "tcp.unreachable")
        o = failed("proxy.unreachable",
                   fmt::format("cannot reach the {}: {}", proxy_name(proxy), tcp.message),
                   "check `via`: the proxy is not running there, listens on another port, or "
                   "this machine has no path to it");
    else
        return tcp;
    o.property("proxy_stage", "connect");
    return o;
}

std::string proxy_name(const Proxy& proxy)
{
    std::string_view kind = proxy.scheme == ProxyScheme::http ? "HTTP proxy" : "SOCKS5 proxy";
    return fmt::format("{} {}", kind, format_endpoint(proxy.host, proxy.port));
}

std::optional<Outcome> skip_path_probe_via_proxy(const Target& target)
{
    if (!target.via) return std::nullopt;
    return skipped("the target is reached through the " + proxy_name(*target.via) +
                   ": ICMP and TTL-limited probes cannot go through it, and the path from here "
                   "is not the one its connections take");
}

std::vector<std::string> ProxyRoute::secrets() const
{
    if (password.empty()) return {};
    return {password};
}

RoutePrepared prepare_route(const Target& target, Deadline deadline, const StopSignal& stop)
{
    RoutePrepared prepared;
    if (!target.via) return prepared;
    ProxyRoute route;
    route.proxy = *target.via;
    route.password = target.via->password;
    if (!target.via->password_env.empty()) {
        const char* value = std::getenv(target.via->password_env.c_str());
        if (!value) {
            prepared.failure =
                errored("secret.unavailable",
                        fmt::format("the environment variable {} (via_password_env) is not set",
                                    target.via->password_env),
                        "export the proxy's password in that variable before running connspec");
            return prepared;
        }
        route.password = value;
    }
    auto resolved = resolve_host(route.proxy.host, AddressFamily::any, std::nullopt, deadline, stop);
    if (!resolved.ok()) {
        Outcome why = *resolved.failure;
        if (why.status == Status::error && why.message == "interrupted") {
            prepared.failure = why;
            return prepared;
        }
        Outcome o = failed("proxy.unreachable",
                           fmt::format("cannot resolve the {}: {}", proxy_name(route.proxy), why.message),
                           "check the proxy's host name in `via`");
        o.property("proxy_stage", "resolve");
        prepared.failure = std::move(o);
        return prepared;
    }
    route.addresses = std::move(resolved.addresses);
    prepared.route = std::move(route);
    return prepared;
}

ProxyHandshake::ProxyHandshake(const ProxyRoute& route, std::string destination, int port)
    : route_(route), destination_(std::move(destination)), port_(port)
{
    if (route_.proxy.scheme == ProxyScheme::http) {
        // A host name or an address; IPv6 addresses in brackets (RFC 9110 authority form).
        std::string authority = destination_text(destination_, port_);
        std::string request = fmt::format("CONNECT {0} HTTP/1.1\r\nHost: {0}\r\n", authority);
        if (!route_.proxy.user.empty())
            request += "Proxy-Authorization: Basic " +
                       base64(route_.proxy.user + ":" + route_.password) + "\r\n";
        request += "\r\n";
        queue(std::move(request), Stage::http_request);
        return;
    }
    // Greeting: no authentication, and username/password when a user is given.
    std::string greeting = route_.proxy.user.empty() ? std::string{"\x05\x01\x00", 3}
                                                     : std::string{"\x05\x02\x00\x02", 4};
    queue(std::move(greeting), Stage::greeting);
}

void ProxyHandshake::queue(std::string bytes, Stage sending)
{
    out_ = std::move(bytes);
    sent_ = 0;
    stage_ = sending;
}

short ProxyHandshake::events() const
{
    switch (stage_) {
    case Stage::greeting:
    case Stage::auth_sent:
    case Stage::request:
    case Stage::http_request: return POLLOUT;
    case Stage::done:
    case Stage::failed: return 0;
    default: return POLLIN;
    }
}

std::string_view ProxyHandshake::stage() const
{
    switch (stage_) {
    case Stage::greeting:
    case Stage::method: return "greeting";
    case Stage::auth_sent:
    case Stage::auth_reply: return "authentication";
    case Stage::done: return "done";
    case Stage::failed: return "failed";
    default: return "request";
    }
}

ProxyHandshake::Progress ProxyHandshake::fail(std::string category, std::string message,
                                              std::string hint)
{
    failure_ = failed(std::move(category), std::move(message), std::move(hint));
    failure_.property("proxy_stage", std::string{stage()});
    stage_ = Stage::failed;
    return Progress::failed;
}

Outcome ProxyHandshake::timed_out(std::chrono::duration<double> waited) const
{
    std::string what = stage_ == Stage::reply_head || stage_ == Stage::reply_rest ||
                               stage_ == Stage::http_reply
                           ? fmt::format("its answer to the connection to {}",
                                         destination_text(destination_, port_))
                           : fmt::format("its {}", stage());
    Outcome o = failed("proxy.timeout",
                       fmt::format("the {} did not complete {} within {}", proxy_name(route_.proxy),
                                   what, seconds_text(waited)),
                       stage() == "request"
                           ? "the proxy is still trying the destination: the packets between the "
                             "proxy and the server are probably dropped, or the proxy is overloaded"
                           : "the proxy accepted TCP but does not speak the protocol of `via` "
                             "there, or it is stalled: check the scheme and port in `via`");
    o.property("proxy_stage", std::string{stage()});
    return o;
}

ProxyHandshake::Progress ProxyHandshake::step(int fd)
{
    for (;;) {
        if (stage_ == Stage::done) return Progress::done;
        if (stage_ == Stage::failed) return Progress::failed;
        if (events() == POLLOUT) {
            while (sent_ < out_.size()) {
                ssize_t n = ::send(fd, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Progress::more;
                if (n < 0)
                    return fail("proxy.unreachable",
                                fmt::format("the {} closed the connection during its {}: {}",
                                            proxy_name(route_.proxy), stage(), std::strerror(errno)),
                                "the proxy dropped the connection: check its log, and the scheme "
                                "and port in `via`");
                sent_ += static_cast<std::size_t>(n);
            }
            in_.clear();
            switch (stage_) {
            case Stage::greeting: stage_ = Stage::method; need_ = 2; break;
            case Stage::auth_sent: stage_ = Stage::auth_reply; need_ = 2; break;
            case Stage::request: stage_ = Stage::reply_head; need_ = 5; request_sent_ = Clock::now(); break;
            case Stage::http_request: stage_ = Stage::http_reply; need_ = 0; request_sent_ = Clock::now(); break;
            default: break;
            }
            continue;
        }

        // Reading. SOCKS: exactly the bytes of the current message, so nothing of the
        // destination's data is taken. HTTP: peek, and take exactly up to the blank line.
        char buffer[2048];
        ssize_t n;
        if (stage_ == Stage::http_reply) {
            n = ::recv(fd, buffer, sizeof buffer, MSG_PEEK);
        } else {
            n = ::recv(fd, buffer, need_ - in_.size(), 0);
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Progress::more;
        if (n <= 0) {
            std::string why = n == 0 ? std::string{"closed the connection"}
                                     : fmt::format("broke the connection ({})", std::strerror(errno));
            // A refusal followed at once by a close may come short of the full reply.
            if (stage_ == Stage::reply_head && in_.size() >= 2 && in_[1] != 0) return received();
            // Closed instead of replying to the request: the proxy could not connect there
            // (ssh -D does so when the destination refuses).
            if (stage_ == Stage::reply_head && in_.empty())
                return fail("proxy.refused",
                            fmt::format("the {} {} instead of answering the request for {} (no "
                                        "SOCKS reply): it could not connect there",
                                        proxy_name(route_.proxy), why,
                                        destination_text(destination_, port_)),
                            "nothing accepts connections on that port as seen from the proxy, or "
                            "its rules forbid it: check the service, and the proxy's log (ssh -D: "
                            "the bastion's sshd log says \"connect_to ... failed\")");
            if (stage_ == Stage::method && route_.proxy.user.empty())
                return fail("proxy.auth",
                            fmt::format("the {} {} after the greeting without choosing a method",
                                        proxy_name(route_.proxy), why),
                            "the proxy may require a user: give one in `via` "
                            "(socks5://USER@HOST:PORT) and its password in via_password_env");
            return fail("proxy.unreachable",
                        fmt::format("the {} {} during its {}", proxy_name(route_.proxy), why, stage()),
                        "the proxy dropped the connection: check that `via` names a " +
                            std::string{route_.proxy.scheme == ProxyScheme::http ? "HTTP" : "SOCKS5"} +
                            " proxy, and the proxy's log");
        }
        if (stage_ == Stage::http_reply) {
            std::string combined = in_ + std::string(buffer, static_cast<std::size_t>(n));
            auto from = in_.size() >= 3 ? in_.size() - 3 : 0;
            auto end = combined.find("\r\n\r\n", from);
            std::size_t take = end == std::string::npos ? static_cast<std::size_t>(n)
                                                        : end + 4 - in_.size();
            ssize_t got = ::recv(fd, buffer, take, 0);
            if (got < 0) continue;
            in_.append(buffer, static_cast<std::size_t>(got));
            if (end == std::string::npos) {
                if (in_.size() > max_http_reply)
                    return fail("proxy.refused",
                                fmt::format("the {} sent an HTTP reply longer than {} bytes",
                                            proxy_name(route_.proxy), max_http_reply),
                                "`via` may not name an HTTP proxy");
                continue;
            }
            return received();
        }
        in_.append(buffer, static_cast<std::size_t>(n));
        if (in_.size() < need_) continue;
        if (received() != Progress::more) return stage_ == Stage::done ? Progress::done : Progress::failed;
    }
}

ProxyHandshake::Progress ProxyHandshake::received()
{
    const Proxy& proxy = route_.proxy;
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(in_[i]); };
    switch (stage_) {
    case Stage::method: {
        if (byte(0) != 5)
            return fail("proxy.refused",
                        fmt::format("the {} does not speak SOCKS5 (its reply starts with byte {})",
                                    proxy_name(proxy), byte(0)),
                        "check the scheme and port in `via`");
        int method = byte(1);
        if (method == 0xFF)
            return fail("proxy.auth",
                        proxy.user.empty()
                            ? fmt::format("the {} requires authentication (it accepts no "
                                          "connection without a user)",
                                          proxy_name(proxy))
                            : fmt::format("the {} accepts neither no authentication nor a user "
                                          "and password",
                                          proxy_name(proxy)),
                        proxy.user.empty()
                            ? "give the proxy's user in `via` (socks5://USER@HOST:PORT) and its "
                              "password in via_password_env"
                            : "the proxy wants another method (GSSAPI?): connspec offers RFC 1929 "
                              "user/password only");
        if (method == 0x02 && !proxy.user.empty()) {
            std::string auth{"\x01", 1};
            auth += static_cast<char>(proxy.user.size());
            auth += proxy.user;
            auth += static_cast<char>(route_.password.size());
            auth += route_.password;
            queue(std::move(auth), Stage::auth_sent);
            return Progress::more;
        }
        if (method != 0x00)
            return fail("proxy.auth",
                        fmt::format("the {} chose authentication method {}, which was not offered",
                                    proxy_name(proxy), method),
                        "check that `via` names a SOCKS5 proxy");
        break;  // no authentication: send the request
    }
    case Stage::auth_reply:
        if (byte(1) != 0)
            return fail("proxy.auth",
                        fmt::format("the {} rejected the user \"{}\" and its password (RFC 1929 "
                                    "status {})",
                                    proxy_name(proxy), proxy.user, byte(1)),
                        "check the proxy user in `via` and the password in its variable "
                        "(via_password_env)");
        break;
    case Stage::reply_head: {
        if (byte(0) != 5)
            return fail("proxy.refused",
                        fmt::format("the {} sent a reply that is not SOCKS5 (version byte {})",
                                    proxy_name(proxy), byte(0)),
                        "check the scheme and port in `via`");
        int code = byte(1);
        if (code != 0)
            return fail("proxy.refused",
                        fmt::format("the {} refused the connection to {}: SOCKS reply {} ({})",
                                    proxy_name(proxy), destination_text(destination_, port_),
                                    code, socks_reply_text(code)),
                        socks_reply_hint(code));
        // The bound address: IPv4 4 bytes, IPv6 16, a name its length byte (read already).
        int type = byte(3);
        std::size_t rest = type == 1 ? 4 + 2 - 1 : type == 4 ? 16 + 2 - 1 : type == 3 ? byte(4) + 2 : 0;
        if (rest == 0)
            return fail("proxy.refused",
                        fmt::format("the {} sent a reply with an unknown address type {}",
                                    proxy_name(proxy), type),
                        "check that `via` names a SOCKS5 proxy");
        need_ = in_.size() + rest;
        stage_ = Stage::reply_rest;
        return Progress::more;
    }
    case Stage::reply_rest:
        stage_ = Stage::done;
        return Progress::done;
    case Stage::http_reply: {
        // "HTTP/1.1 200 Connection established"
        auto line_end = in_.find("\r\n");
        std::string status_line = in_.substr(0, line_end);
        int status = 0;
        std::string reason;
        if (status_line.rfind("HTTP/", 0) == 0) {
            auto space = status_line.find(' ');
            if (space != std::string::npos) {
                status = std::atoi(status_line.c_str() + space + 1);
                auto second = status_line.find(' ', space + 1);
                if (second != std::string::npos) reason = status_line.substr(second + 1);
            }
        }
        if (status == 0)
            return fail("proxy.refused",
                        fmt::format("the {} did not answer in HTTP", proxy_name(proxy)),
                        "check the scheme and port in `via`");
        if (status >= 200 && status < 300) {
            stage_ = Stage::done;
            return Progress::done;
        }
        std::string status_text = reason.empty() ? fmt::format("HTTP {}", status)
                                                 : fmt::format("HTTP {} {}", status, reason);
        for (char& c : status_text)
            if (static_cast<unsigned char>(c) < 0x20) c = ' ';
        if (status == 407 || status == 401)
            return fail("proxy.auth",
                        fmt::format("the {} wants authentication for the tunnel to {}: {}",
                                    proxy_name(proxy), destination_text(destination_, port_),
                                    status_text),
                        proxy.user.empty()
                            ? "give the proxy's user in `via` (http://USER@HOST:PORT) and its "
                              "password in via_password_env"
                            : "check the proxy user in `via` and the password in its variable "
                              "(via_password_env)");
        return fail("proxy.refused",
                    fmt::format("the {} refused the tunnel to {}: {}", proxy_name(proxy),
                                destination_text(destination_, port_), status_text),
                    http_status_hint(status));
    }
    default: break;
    }

    // Send the CONNECT request.
    std::string request{"\x05\x01\x00", 3};
    in6_addr v6{};
    in_addr v4{};
    std::string host = destination_;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
        request += '\x01';
        request.append(reinterpret_cast<const char*>(&v4), 4);
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
        request += '\x04';
        request.append(reinterpret_cast<const char*>(&v6), 16);
    } else {
        if (host.size() > 255)
            return fail("internal", "the destination's name is longer than 255 bytes",
                        "SOCKS5 carries names of at most 255 bytes");
        request += '\x03';
        request += static_cast<char>(host.size());
        request += host;
    }
    request += static_cast<char>((port_ >> 8) & 0xFF);
    request += static_cast<char>(port_ & 0xFF);
    queue(std::move(request), Stage::request);
    return Progress::more;
}

ProbeResults tunnel_all(const ProxyRoute& route, const std::vector<Endpoint>& endpoints,
                        Deadline deadline, const StopSignal& stop, bool stop_at_first_accept,
                        std::optional<Duration> request_window)
{
    auto started = Clock::now();
    // A connection to the proxy per endpoint, all at once.
    std::vector<Endpoint> to_proxy(endpoints.size(), Endpoint{route.addresses.front(), route.proxy.port});
    ProbeResults probe = connect_all(to_proxy, deadline, stop, false);
    if (probe.stopped) return probe;

    struct Tunnel {
        std::size_t index;
        UniqueFd fd;
        ProxyHandshake handshake;
    };
    std::vector<Tunnel> pending;
    pending.reserve(endpoints.size());
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        auto& r = probe.results[i];
        if (!r) continue;
        if (!r->ok()) {
            r->failure = proxy_connect_failure(route.proxy, *r->failure);
            continue;
        }
        pending.push_back({i, std::move(r->fd), ProxyHandshake(route, endpoints[i].address, endpoints[i].port)});
        r.reset();
    }

    auto finish = [&](Tunnel& t, bool ok) {
        ConnectResult r;
        r.latency = Clock::now() - started;
        if (ok)
            r.fd = std::move(t.fd);
        else
            r.failure = t.handshake.failure();
        probe.results[t.index] = std::move(r);
    };

    // The end of one tunnel's wait: the deadline, or its request window.
    auto end_of = [&](const Tunnel& t) {
        auto sent = t.handshake.request_sent();
        if (!request_window || !sent) return deadline;
        return std::min(deadline, *sent + *request_window);
    };
    std::vector<pollfd> fds;
    while (!pending.empty()) {
        if (stop.requested()) {
            probe.stopped = true;
            return probe;
        }
        // Tunnels whose request window passed end now; the rest wait until the nearest end.
        Deadline nearest = deadline;
        {
            std::vector<Tunnel> waiting;
            for (auto& t : pending) {
                auto end = end_of(t);
                if (end < deadline && Clock::now() >= end) {
                    ConnectResult r;
                    r.latency = Clock::now() - started;
                    r.failure = t.handshake.timed_out(Clock::now() - *t.handshake.request_sent());
                    probe.results[t.index] = std::move(r);
                    continue;
                }
                nearest = std::min(nearest, end);
                waiting.push_back(std::move(t));
            }
            pending = std::move(waiting);
            if (pending.empty()) break;
        }
        // Advance what can move without waiting (a first send), then poll the rest.
        bool accepted = false;
        std::vector<Tunnel> still;
        still.reserve(pending.size());
        fds.clear();
        for (auto& t : pending) {
            fds.push_back({t.fd.get(), t.handshake.events(), 0});
        }
        fds.push_back({stop.fd(), POLLIN, 0});
        int left = millis_left(nearest);
        int n = ::poll(fds.data(), fds.size(), left);
        if (n < 0 && errno != EINTR) break;
        if (n > 0 && fds.back().revents) {
            probe.stopped = true;
            return probe;
        }
        for (std::size_t k = 0; k < pending.size(); ++k) {
            Tunnel& t = pending[k];
            if (n > 0 && fds[k].revents) {
                auto progress = t.handshake.step(t.fd.get());
                if (progress != ProxyHandshake::Progress::more) {
                    finish(t, progress == ProxyHandshake::Progress::done);
                    accepted |= progress == ProxyHandshake::Progress::done;
                    continue;
                }
            }
            still.push_back(std::move(t));
        }
        pending = std::move(still);
        if (accepted && stop_at_first_accept) return probe;
        if (n == 0 && millis_left(deadline) == 0) break;
    }
    for (auto& t : pending) {
        ConnectResult r;
        r.latency = Clock::now() - started;
        r.failure = t.handshake.timed_out(r.latency);
        probe.results[t.index] = std::move(r);
    }
    return probe;
}

ProbeResults connect_all_via(const ProxyRoute* route, const std::vector<Endpoint>& endpoints,
                             Deadline deadline, const StopSignal& stop, bool stop_at_first_accept)
{
    if (!route) return connect_all(endpoints, deadline, stop, stop_at_first_accept);
    return tunnel_all(*route, endpoints, deadline, stop, stop_at_first_accept);
}

ConnectResult connect_via(const ProxyRoute* route, const std::string& address, int port,
                          Deadline deadline, const StopSignal& stop)
{
    if (!route) return connect_tcp(address, port, deadline, stop);
    auto probe = tunnel_all(*route, {{address, port}}, deadline, stop, true);
    if (probe.stopped || !probe.results[0]) {
        ConnectResult r;
        r.failure = interrupted();
        return r;
    }
    return std::move(*probe.results[0]);
}

}  // namespace connspec
