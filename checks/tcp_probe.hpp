// Many TCP connection attempts at once, under one deadline: the engine behind connect_tcp,
// `port_open` over several addresses and `ports_closed` over many ports.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>
#include <vector>

#include "checks/net.hpp"

namespace connspec {

struct Endpoint {
    std::string address;  // numeric
    int port = 0;
};

struct ProbeResults {
    // One per endpoint, in the same order. nullopt: abandoned unfinished, because another
    // endpoint was accepted first (with stop_at_first_accept) or the stop signal came.
    std::vector<std::optional<ConnectResult>> results;
    bool stopped = false;  // the stop signal ended the wait
};

// Starts every connection at once and waits for each until `deadline` (an attempt still
// pending then fails with tcp.timeout). With `stop_at_first_accept`, returns as soon as one
// endpoint accepts.
ProbeResults connect_all(const std::vector<Endpoint>& endpoints, Deadline deadline,
                         const StopSignal& stop, bool stop_at_first_accept);

// One non-blocking connect begun: `fd` is connecting (or connected when `connected`), or
// `error` is the errno it failed with at once (-1: `address` is not numeric).
struct ConnectStart {
    UniqueFd fd;
    bool connected = false;
    int error = 0;
};
ConnectStart start_connect(const std::string& address, int port);
// The connection's result once its socket is writable: 0 connected, else the errno.
int finish_connect(int fd);
// How a connect that ended with `err` after `waited` is reported (tcp.refused, ...).
Outcome connect_failure(const std::string& endpoint, int err, std::chrono::duration<double> waited);
// A connect still pending at the deadline (tcp.timeout).
Outcome connect_timed_out(const std::string& endpoint, std::chrono::duration<double> waited);

// The socket address of a numeric `address` (brackets allowed) and `port`; false when the
// address is not numeric. Resolves nothing.
bool numeric_sockaddr(const std::string& address, int port, sockaddr_storage& out,
                      socklen_t& length);

// "0.412 ms": how every check writes a latency.
std::string format_latency(std::chrono::duration<double> latency);

}  // namespace connspec
