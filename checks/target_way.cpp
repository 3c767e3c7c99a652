#include "checks/target_way.hpp"

#include "checks/net.hpp"

namespace connspec {

TargetWay find_target_way(const Target& target, CheckContext& context)
{
    TargetWay way;
    ResolveResult resolved = target_addresses(target, context);
    if (!resolved.ok()) {
        way.failure = std::move(resolved.failure);
        return way;
    }
    way.addresses = std::move(resolved.addresses);
    RoutePrepared prepared = prepare_route(target, context.deadline, context.stop);
    if (prepared.failure) {
        way.failure = std::move(prepared.failure);
        return way;
    }
    way.route = std::move(prepared.route);
    if (way.route) context.note("through the " + proxy_name(way.route->proxy));
    return way;
}

}  // namespace connspec
