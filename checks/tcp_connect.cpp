// TCP connections under a deadline: non-blocking connect, then one poll over every pending
// socket and the stop signal, each wait bounded by the time left.
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "checks/tcp_probe.hpp"

namespace connspec {
namespace {

std::string seconds_text(std::chrono::duration<double> d)
{
    return fmt::format("{:.2f} s", d.count());
}

Outcome refused(const std::string& endpoint)
{
    return failed("tcp.refused", endpoint + " refused the connection",
                  "nothing accepts connections there: the service is not running, listens on "
                  "another port, is bound to localhost only, or a firewall rejects the "
                  "connection");
}

Outcome timed_out(const std::string& endpoint, std::chrono::duration<double> waited)
{
    return failed("tcp.timeout",
                  fmt::format("no answer from {} within {} (neither accepted nor refused)",
                              endpoint, seconds_text(waited)),
                  "the packets are probably dropped: a firewall or security group dropping "
                  "them silently, a wrong address, or a server too overloaded to answer");
}

Outcome unreachable(const std::string& endpoint, int err)
{
    return failed("tcp.unreachable",
                  fmt::format("no route to {} ({})", endpoint, std::strerror(err)),
                  "this machine has no path to the host: check routing, the VPN, security "
                  "groups and network ACLs between here and there, and that the address is "
                  "right");
}

}  // namespace

// The category of a connect that the kernel ended with `err`.
Outcome connect_failure(const std::string& endpoint, int err,
                        std::chrono::duration<double> waited)
{
    switch (err) {
    case ECONNREFUSED:
    case ECONNRESET:  // reset during the handshake: rejected, like a refusal
        return refused(endpoint);
    case ETIMEDOUT:  // the kernel gave up on its SYN retransmits before our deadline
        return timed_out(endpoint, waited);
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case EACCES:  // a local firewall rule forbids it
    case EPERM:
        return unreachable(endpoint, err);
    case EMFILE:
    case ENFILE:  // this machine's descriptors, never the target's doing
        return errored("internal",
                       fmt::format("cannot open a socket to {} on this machine: {}", endpoint,
                                   std::strerror(err)),
                       "a shortage on the machine running connspec, not on the target: raise the "
                       "open-file hard limit (ulimit -Hn, LimitNOFILE in systemd) or run fewer "
                       "cases at once (--jobs)");
    default:
        return errored("internal",
                       fmt::format("cannot connect to {}: {}", endpoint, std::strerror(err)),
                       "this machine could not make the attempt (out of sockets or ports?)");
    }
}

Outcome connect_timed_out(const std::string& endpoint, std::chrono::duration<double> waited)
{
    return timed_out(endpoint, waited);
}

// Resolves nothing: `address` must be numeric (brackets allowed).
bool numeric_sockaddr(const std::string& address, int port, sockaddr_storage& out,
                      socklen_t& length)
{
    std::string host = address;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    auto service = std::to_string(port);
    if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || !found)
        return false;
    std::memcpy(&out, found->ai_addr, found->ai_addrlen);
    length = found->ai_addrlen;
    ::freeaddrinfo(found);
    return true;
}

namespace {

struct Pending {
    std::size_t index;
    UniqueFd fd;
    Clock::time_point started;
};

}  // namespace

std::string format_endpoint(const std::string& address, int port)
{
    bool v6 = address.find(':') != std::string::npos && address.front() != '[';
    return v6 ? fmt::format("[{}]:{}", address, port) : fmt::format("{}:{}", address, port);
}

std::string format_latency(std::chrono::duration<double> latency)
{
    return fmt::format("{:.3f} ms", latency.count() * 1000.0);
}

WaitStatus wait_fd(int fd, short events, Deadline deadline, const StopSignal& stop)
{
    for (;;) {
        if (stop.requested()) return WaitStatus::stopped;
        int left = millis_left(deadline);
        pollfd fds[2] = {{fd, events, 0}, {stop.fd(), POLLIN, 0}};
        int n = ::poll(fds, 2, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return WaitStatus::timeout;  // cannot wait: treat as no answer in time
        if (fds[1].revents) return WaitStatus::stopped;
        if (fds[0].revents) return WaitStatus::ready;
        if (left == 0 || millis_left(deadline) == 0) return WaitStatus::timeout;
    }
}

ConnectStart start_connect(const std::string& address, int port)
{
    ConnectStart start;
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (!numeric_sockaddr(address, port, storage, length)) {
        start.error = -1;
        return start;
    }
    UniqueFd fd(::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        start.error = errno;
        return start;
    }
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&storage), length) == 0)
        start.connected = true;
    else if (errno != EINPROGRESS) {
        start.error = errno;
        return start;
    }
    start.fd = std::move(fd);
    return start;
}

int finish_connect(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    return err;
}

ProbeResults connect_all(const std::vector<Endpoint>& endpoints, Deadline deadline,
                         const StopSignal& stop, bool stop_at_first_accept)
{
    ProbeResults probe;
    probe.results.resize(endpoints.size());
    if (stop.requested()) {
        probe.stopped = true;
        return probe;
    }

    auto finish = [&](std::size_t i, int err, Clock::time_point started, UniqueFd fd) {
        ConnectResult r;
        r.latency = Clock::now() - started;
        auto endpoint = format_endpoint(endpoints[i].address, endpoints[i].port);
        if (err == 0)
            r.fd = std::move(fd);
        else
            r.failure = connect_failure(endpoint, err, r.latency);
        probe.results[i] = std::move(r);
        return err == 0;
    };

    std::vector<Pending> pending;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        const auto& e = endpoints[i];
        sockaddr_storage address{};
        socklen_t length = 0;
        if (!numeric_sockaddr(e.address, e.port, address, length)) {
            ConnectResult r;
            r.failure = errored("internal", "not a numeric address: " + e.address,
                                "this is a bug in connspec: addresses are resolved first");
            probe.results[i] = std::move(r);
            continue;
        }
        auto started = Clock::now();
        UniqueFd fd(::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd) {
            finish(i, errno, started, {});
            continue;
        }
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0) {
            if (finish(i, 0, started, std::move(fd)) && stop_at_first_accept) return probe;
        } else if (errno == EINPROGRESS) {
            pending.push_back({i, std::move(fd), started});
        } else {
            finish(i, errno, started, {});
        }
    }

    std::vector<pollfd> fds;
    while (!pending.empty()) {
        if (stop.requested()) {
            probe.stopped = true;
            return probe;
        }
        int left = millis_left(deadline);
        fds.clear();
        for (const auto& p : pending) fds.push_back({p.fd.get(), POLLOUT, 0});
        fds.push_back({stop.fd(), POLLIN, 0});
        int n = ::poll(fds.data(), fds.size(), left);
        if (n < 0 && errno != EINTR) break;  // cannot wait: the rest count as no answer
        if (n > 0 && fds.back().revents) {
            probe.stopped = true;
            return probe;
        }
        bool accepted = false;
        std::vector<Pending> still;
        for (std::size_t k = 0; k < pending.size(); ++k) {
            if (!fds[k].revents) {
                still.push_back(std::move(pending[k]));
                continue;
            }
            int err = 0;
            socklen_t len = sizeof err;
            if (::getsockopt(pending[k].fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                err = errno;
            accepted |= finish(pending[k].index, err, pending[k].started, std::move(pending[k].fd));
        }
        pending = std::move(still);
        if (accepted && stop_at_first_accept) return probe;
        if (n == 0 && (left == 0 || millis_left(deadline) == 0)) break;
    }
    for (auto& p : pending) {
        ConnectResult r;
        r.latency = Clock::now() - p.started;
        r.failure = timed_out(format_endpoint(endpoints[p.index].address, endpoints[p.index].port),
                              r.latency);
        probe.results[p.index] = std::move(r);
    }
    return probe;
}

ConnectResult connect_tcp(const std::string& address, int port, Deadline deadline,
                          const StopSignal& stop)
{
    auto probe = connect_all({{address, port}}, deadline, stop, true);
    if (probe.stopped || !probe.results[0]) {
        ConnectResult r;
        r.failure = interrupted();
        return r;
    }
    return std::move(*probe.results[0]);
}

}  // namespace connspec
