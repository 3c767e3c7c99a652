// How a case reaches its target: the addresses to connect to and, when the target has `via`,
// the proxy to tunnel through. Every kind that connects to the target's port starts here, so a
// name that does not resolve or a proxy that cannot be used fails the same way in each.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/check_kind.hpp"
#include "checks/proxy_tunnel.hpp"

namespace connspec {

struct TargetWay {
    std::vector<std::string> addresses;  // numeric (see target_addresses())
    std::optional<ProxyRoute> route;     // nullopt: connect directly
    std::optional<Outcome> failure;      // dns.*, secret.unavailable, proxy.unreachable, internal
    bool ok() const { return !failure; }
    const ProxyRoute* proxy() const { return route ? &*route : nullptr; }
};

// The target's addresses, then its route; the case's log says which proxy it goes through.
TargetWay find_target_way(const Target& target, CheckContext& context);

}  // namespace connspec
