// Many TCP connection attempts at once, under one deadline: the engine behind connect_tcp,
// `port_open` over several addresses and `ports_closed` over many ports.
#pragma once

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

// "0.412 ms": how every check writes a latency.
std::string format_latency(std::chrono::duration<double> latency);

}  // namespace connspec
