// A loopback relay for libpq, which knows no proxies: libpq connects to 127.0.0.1:port()
// (its `hostaddr`, while `host` keeps the real name for verify-full), and every connection
// accepted there is tunnelled through the target's proxy to the destination, then relayed
// byte for byte both ways. TLS stays end to end between libpq and the server.
//
// One thread per relay runs one poll loop over the listener and every connection (no thread
// per connection); tunnel handshakes end before the case deadline so that a proxy failure is
// recorded (and named by the case) before libpq gives up. The relay stops when destroyed, or
// when the stop signal comes.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "checks/proxy_tunnel.hpp"

namespace connspec {

class ProxyRelay {
public:
    // Listens on an ephemeral loopback port and starts relaying; nullptr with `problem` set
    // when it cannot listen. `route` must outlive the relay.
    static std::unique_ptr<ProxyRelay> start(const ProxyRoute& route, std::string destination,
                                             int port, Deadline deadline, const StopSignal& stop,
                                             std::string& problem);
    ~ProxyRelay();
    ProxyRelay(const ProxyRelay&) = delete;
    ProxyRelay& operator=(const ProxyRelay&) = delete;

    // The loopback port libpq connects to.
    int port() const { return port_; }

    struct Tally {
        int tunnels = 0;                     // connections tunnelled through the proxy
        int failed = 0;                      // tunnels that failed (each closed its client)
        std::optional<Outcome> first_failure;  // proxy.*: the first tunnel that failed
    };
    Tally tally() const;

private:
    struct Connection;
    ProxyRelay(const ProxyRoute& route, std::string destination, int port, Deadline deadline,
               const StopSignal& stop);
    void run();
    void record_failure(Outcome failure);

    const ProxyRoute& route_;
    std::string destination_;
    int destination_port_;
    Deadline handshake_deadline_;
    const StopSignal& stop_;
    UniqueFd listener_;
    UniqueFd wake_;  // eventfd: the destructor asks the thread to end
    int port_ = 0;
    mutable std::mutex mutex_;
    Tally tally_;
    std::thread thread_;
};

}  // namespace connspec
