// The loopback relay for libpq: accept, tunnel through the proxy, then copy bytes both ways,
// every connection advanced by one poll loop on the relay's thread.
#include "checks/proxy_relay.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <list>

#include <fmt/format.h>

namespace connspec {
namespace {

constexpr std::size_t buffer_size = 32 * 1024;

// A non-blocking connect to a numeric address, started (EINPROGRESS) or done; empty on failure
// with `err` set.
UniqueFd start_connect(const std::string& address, int port, int& err)
{
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    auto service = std::to_string(port);
    if (::getaddrinfo(address.c_str(), service.c_str(), &hints, &found) != 0 || !found) {
        err = EINVAL;
        return {};
    }
    UniqueFd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        err = errno;
        ::freeaddrinfo(found);
        return {};
    }
    int rc = ::connect(fd.get(), found->ai_addr, found->ai_addrlen);
    ::freeaddrinfo(found);
    if (rc != 0 && errno != EINPROGRESS) {
        err = errno;
        return {};
    }
    return fd;
}

// One direction of a relayed connection.
struct Pipe {
    std::array<char, buffer_size> data{};
    std::size_t begin = 0, end = 0;
    bool eof = false;       // the source ended
    bool shut = false;      // the end was passed on (shutdown of the destination's writes)
    bool empty() const { return begin == end; }
};

}  // namespace

struct ProxyRelay::Connection {
    enum class State { connecting, handshaking, relaying } state = State::connecting;
    UniqueFd client;
    UniqueFd upstream;
    std::optional<ProxyHandshake> handshake;
    Clock::time_point started = Clock::now();
    Pipe up;    // client -> upstream
    Pipe down;  // upstream -> client
    bool broken = false;
    // PostgreSQL and TLS need no half-closed connections: once either side ended and what it
    // sent was passed on, the connection is over.
    bool finished() const { return broken || up.shut || down.shut; }
};

std::unique_ptr<ProxyRelay> ProxyRelay::start(const ProxyRoute& route, std::string destination,
                                              int port, Deadline deadline, const StopSignal& stop,
                                              std::string& problem)
{
    std::unique_ptr<ProxyRelay> relay(
        new ProxyRelay(route, std::move(destination), port, deadline, stop));
    if (relay->port_ == 0) {
        problem = fmt::format("cannot listen on a loopback port for the relay to the proxy: {}",
                              std::strerror(errno));
        return nullptr;
    }
    relay->thread_ = std::thread([r = relay.get()] { r->run(); });
    return relay;
}

ProxyRelay::ProxyRelay(const ProxyRoute& route, std::string destination, int port,
                       Deadline deadline, const StopSignal& stop)
    : route_(route), destination_(std::move(destination)), destination_port_(port), stop_(stop)
{
    // Tunnels give up a little before the case does, so the case names the proxy's failure
    // instead of libpq's timeout.
    auto now = Clock::now();
    auto left = deadline > now ? deadline - now : Clock::duration::zero();
    handshake_deadline_ = now + left * 19 / 20;

    wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!wake_ || !listener_) return;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_.get(), SOMAXCONN) != 0 ||
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return;
    port_ = ntohs(address.sin_port);
}

ProxyRelay::~ProxyRelay()
{
    if (thread_.joinable()) {
        std::uint64_t one = 1;
        [[maybe_unused]] auto written = ::write(wake_.get(), &one, sizeof one);
        thread_.join();
    }
}

ProxyRelay::Tally ProxyRelay::tally() const
{
    std::lock_guard lock(mutex_);
    return tally_;
}

void ProxyRelay::record_failure(Outcome failure)
{
    std::lock_guard lock(mutex_);
    ++tally_.failed;
    if (!tally_.first_failure) tally_.first_failure = std::move(failure);
}

void ProxyRelay::run()
{
    std::list<Connection> connections;
    std::vector<pollfd> fds;
    std::vector<std::pair<Connection*, int>> owners;  // per pollfd after the first three: 0 client, 1 upstream

    auto fail = [&](Connection& c, Outcome why) {
        // Recorded before the client's socket closes, so libpq's failure comes after it.
        record_failure(std::move(why));
        c.broken = true;
    };
    auto begin_relay = [&](Connection& c) {
        c.state = Connection::State::relaying;
        c.handshake.reset();
    };
    // Moves bytes of `pipe` from `from` to `to` as far as the sockets allow.
    auto pump = [&](Connection& c, Pipe& pipe, int from, int to) {
        for (;;) {
            if (!pipe.empty()) {
                ssize_t n = ::send(to, pipe.data.data() + pipe.begin, pipe.end - pipe.begin, MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
                    c.broken = true;
                    return;
                }
                pipe.begin += static_cast<std::size_t>(n);
                if (pipe.empty()) pipe.begin = pipe.end = 0;
                continue;
            }
            if (pipe.eof) {
                if (!pipe.shut) {
                    ::shutdown(to, SHUT_WR);
                    pipe.shut = true;
                }
                return;
            }
            ssize_t n = ::recv(from, pipe.data.data(), pipe.data.size(), 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) return;
                c.broken = true;  // reset: end both sides
                return;
            }
            if (n == 0) {
                pipe.eof = true;
                continue;
            }
            pipe.begin = 0;
            pipe.end = static_cast<std::size_t>(n);
        }
    };

    for (;;) {
        fds.clear();
        owners.clear();
        fds.push_back({wake_.get(), POLLIN, 0});
        fds.push_back({stop_.fd(), POLLIN, 0});
        fds.push_back({listener_.get(), POLLIN, 0});
        bool handshaking = false;
        for (auto& c : connections) {
            switch (c.state) {
            case Connection::State::connecting:
                fds.push_back({c.upstream.get(), POLLOUT, 0});
                owners.push_back({&c, 1});
                handshaking = true;
                break;
            case Connection::State::handshaking:
                fds.push_back({c.upstream.get(), c.handshake->events(), 0});
                owners.push_back({&c, 1});
                handshaking = true;
                break;
            case Connection::State::relaying: {
                short client_events = 0, upstream_events = 0;
                if (!c.up.empty()) upstream_events |= POLLOUT;
                else if (!c.up.eof) client_events |= POLLIN;
                if (!c.down.empty()) client_events |= POLLOUT;
                else if (!c.down.eof) upstream_events |= POLLIN;
                fds.push_back({c.client.get(), client_events, 0});
                owners.push_back({&c, 0});
                fds.push_back({c.upstream.get(), upstream_events, 0});
                owners.push_back({&c, 1});
                break;
            }
            }
        }
        int timeout = handshaking ? millis_left(handshake_deadline_) : -1;
        int n = ::poll(fds.data(), fds.size(), timeout);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        if (fds[0].revents || fds[1].revents) break;

        if (fds[2].revents) {
            for (;;) {
                UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
                if (!client) break;
                Connection& c = connections.emplace_back();
                c.client = std::move(client);
                {
                    std::lock_guard lock(mutex_);
                    ++tally_.tunnels;
                }
                int err = 0;
                c.upstream = start_connect(route_.addresses.front(), route_.proxy.port, err);
                if (!c.upstream) {
                    Outcome why = failed("proxy.unreachable",
                                         fmt::format("cannot reach the {}: {}", proxy_name(route_.proxy),
                                                     std::strerror(err)),
                                         "check `via`: the proxy is not running there, listens "
                                         "on another port, or this machine has no path to it");
                    why.property("proxy_stage", "connect");
                    fail(c, std::move(why));
                }
            }
        }

        for (std::size_t k = 0; k < owners.size(); ++k) {
            pollfd& p = fds[k + 3];
            auto [c, side] = owners[k];
            if (!p.revents || c->broken) continue;
            if (c->state == Connection::State::connecting) {
                int err = 0;
                socklen_t len = sizeof err;
                if (::getsockopt(c->upstream.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
                if (err != 0) {
                    bool silent = err == ETIMEDOUT;
                    Outcome why = failed(silent ? "proxy.timeout" : "proxy.unreachable",
                                         fmt::format("cannot reach the {}: {}", proxy_name(route_.proxy),
                                                     std::strerror(err)),
                                         "check `via`: the proxy is not running there, listens "
                                         "on another port, or this machine has no path to it");
                    why.property("proxy_stage", "connect");
                    fail(*c, std::move(why));
                    continue;
                }
                c->state = Connection::State::handshaking;
                c->handshake.emplace(route_, destination_, destination_port_);
            }
            if (c->state == Connection::State::handshaking) {
                auto progress = c->handshake->step(c->upstream.get());
                if (progress == ProxyHandshake::Progress::failed)
                    fail(*c, c->handshake->failure());
                else if (progress == ProxyHandshake::Progress::done)
                    begin_relay(*c);
                continue;
            }
            // Relaying: move what each side allows, both directions.
            pump(*c, c->up, c->client.get(), c->upstream.get());
            pump(*c, c->down, c->upstream.get(), c->client.get());
        }

        // Handshakes past their deadline, and finished connections.
        bool past = Clock::now() >= handshake_deadline_;
        for (auto it = connections.begin(); it != connections.end();) {
            Connection& c = *it;
            if (!c.broken && past && c.state != Connection::State::relaying) {
                std::chrono::duration<double> waited = Clock::now() - c.started;
                if (c.state == Connection::State::handshaking) {
                    fail(c, c.handshake->timed_out(waited));
                } else {
                    Outcome why = failed("proxy.timeout",
                                         fmt::format("the {} did not answer the connection within {:.2f} s",
                                                     proxy_name(route_.proxy), waited.count()),
                                         "the proxy's address or port is wrong, or a firewall "
                                         "drops the packets to it");
                    why.property("proxy_stage", "connect");
                    fail(c, std::move(why));
                }
            }
            if (c.finished())
                it = connections.erase(it);
            else
                ++it;
        }
    }
}

}  // namespace connspec
