#include "app/bundle_routes.hpp"

#include <fmt/format.h>

#include "app/default_options.hpp"
#include "app/silent_reporter.hpp"
#include "checks/net.hpp"
#include "runner/descriptors.hpp"
#include "runner/scheduler.hpp"

namespace connspec {
namespace {

// The kinds the bundle asks the registry for: whose failure it follows up, and with what.
constexpr std::string_view port_open_name = "port_open";
constexpr std::string_view route_name = "route";

}  // namespace

std::vector<FailedAddress> failed_port_open_addresses(
    const Plan& plan, const std::vector<Outcome>& outcomes,
    const std::vector<std::vector<std::string>>& addresses)
{
    std::vector<FailedAddress> failed;
    for (std::size_t i = 0; i < plan.cases.size() && i < outcomes.size(); ++i) {
        const auto& planned = plan.cases[i];
        const auto& outcome = outcomes[i];
        if (planned.kind->name != port_open_name) continue;
        if (outcome.status != Status::failed && outcome.status != Status::error) continue;
        const Target& target = plan.target_of(planned);
        if (target.via || planned.target_index >= addresses.size()) continue;
        for (const auto& address : addresses[planned.target_index]) {
            // With several addresses port_open names each one's result ("accepted in ...").
            auto result = outcome.find(format_endpoint(address, target.port));
            if (result.starts_with("accepted")) continue;
            failed.push_back({planned.target_index, address});
        }
    }
    return failed;
}

std::vector<Outcome> trace_routes(const Plan& plan, const std::vector<FailedAddress>& failed,
                                  int jobs, Duration limit, const StopSignal& stop)
{
    const CheckKind* route = find_check_kind(route_name);
    if (!route || failed.empty()) return {};
    // A plan of its own: one target per address (the address as its host), one route case each.
    Plan routes;
    routes.suites.push_back({"route", "", std::nullopt});
    for (const auto& f : failed) {
        Target target = plan.targets[f.target_index];
        target.host = f.address;
        target.name = fmt::format("{}-{}", target.name, routes.targets.size() + 1);
        routes.targets.push_back(target);
        DefaultOptionReader defaults(routes.targets.back());
        PlannedCase planned;
        planned.target_index = routes.targets.size() - 1;
        planned.kind = route;
        planned.spec = route->parse(defaults);
        routes.cases.push_back(std::move(planned));
    }
    RunOptions options;
    options.jobs = jobs;
    options.timeout = limit;
    raise_descriptor_limit(routes, options.jobs);
    SilentReporter silent;
    RunInfo info{"", "", std::chrono::system_clock::now()};
    const RunDescription description = describe(routes);
    return run_plan(routes, description, options, info, silent, stop);
}

std::string route_text(const Plan& plan, const FailedAddress& failed, const Outcome& outcome)
{
    const Target& target = plan.targets[failed.target_index];
    std::string text = fmt::format("route to {} (port_open of {} failed there): {}",
                                   format_endpoint(failed.address, target.port),
                                   target.qualified_name(), to_string(outcome.status));
    if (!outcome.category.empty()) text += " " + outcome.category;
    text += "\n";
    if (!outcome.message.empty()) text += outcome.message + "\n";
    if (!outcome.hint.empty()) text += "hint: " + outcome.hint + "\n";
    for (const auto& p : outcome.properties) {
        bool lines = p.value.find('\n') != std::string::npos;
        text += fmt::format("{}:{}{}\n", p.key, lines ? "\n" : " ", p.value);
    }
    for (const auto& line : outcome.log) text += "  " + line + "\n";
    return text;
}

}  // namespace connspec
