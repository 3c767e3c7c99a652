// The support bundle's `route` results: for every address whose port_open failed, where on the
// path packets to the port stop (the route kind from the registry, with its defaults).
#pragma once

#include <string>
#include <vector>

#include "core/deadline.hpp"
#include "core/outcome.hpp"
#include "runner/plan.hpp"

namespace connspec {

struct FailedAddress {
    std::size_t target_index = 0;  // into the run's Plan::targets
    std::string address;           // numeric
};

// The addresses a failed or errored port_open could not connect to: its target's addresses
// (`addresses[target index]`), less those its per-address properties show accepted. A target
// that goes through `via` has none (its connections went to the proxy).
std::vector<FailedAddress> failed_port_open_addresses(
    const Plan& plan, const std::vector<Outcome>& outcomes,
    const std::vector<std::vector<std::string>>& addresses);

// Runs `route` against each failed address and the target's port, at most `jobs` at once, each
// under `limit`, woken by `stop`; the outcomes in the order of `failed`. Empty when this
// connspec has no route kind.
std::vector<Outcome> trace_routes(const Plan& plan, const std::vector<FailedAddress>& failed,
                                  int jobs, Duration limit, const StopSignal& stop);

// What the bundle shows of one route result.
std::string route_text(const Plan& plan, const FailedAddress& failed, const Outcome& outcome);

}  // namespace connspec
