// `port_open` case: a TCP connection to the target's port is accepted.
//
// Every address is tried at once under the case deadline. Without `all_addresses` the first
// accepted connection passes; with it, every address must accept. A connection accepted
// slower than `max_latency` fails with category tcp.timeout (the contract has no latency
// category, and "too slow to answer" is the nearest), its message naming the latency and limit.
#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/net.hpp"
#include "checks/proxy_tunnel.hpp"
#include "checks/target_way.hpp"
#include "checks/tcp_probe.hpp"
#include "core/duration.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

struct Spec : CaseSpec {
    bool all_addresses = false;
    std::optional<Duration> max_latency;
};

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    if (auto all = options.boolean("all_addresses")) spec->all_addresses = *all;
    if (auto limit = options.duration("max_latency")) spec->max_latency = *limit;
    return spec;
}

// "accepted in 0.2 ms", "refused": one endpoint's result, for properties and messages.
std::string summary(const ConnectResult& r)
{
    if (r.ok()) return "accepted in " + format_latency(r.latency);
    const auto& category = r.failure->category;
    if (category == "tcp.refused") return "refused";
    if (category == "tcp.timeout") return "no answer";
    if (category == "tcp.unreachable") return "unreachable";
    if (category.starts_with("proxy.")) return category.substr(6) + " by the proxy";
    return r.failure->message;
}

bool too_slow(const Spec& spec, const ConnectResult& r)
{
    return spec.max_latency && r.latency > *spec.max_latency;
}

Outcome slow(const Spec& spec, const std::string& endpoint, const ConnectResult& r)
{
    return failed("tcp.timeout",
                  fmt::format("{} accepted the connection in {}, over max_latency {}", endpoint,
                              format_latency(r.latency), format_duration(*spec.max_latency)),
                  "the server or the path to it is slow: check the server's load, the network "
                  "path (VPN, cross-region routing), or raise max_latency if this is normal");
}

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);
    TargetWay way = find_target_way(target, context);
    if (!way.ok()) return std::move(*way.failure);
    const ProxyRoute* route = way.proxy();

    std::vector<Endpoint> endpoints;
    for (const auto& a : way.addresses) endpoints.push_back({a, target.port});
    auto probe = connect_all_via(route, endpoints, context.deadline, context.stop, !spec.all_addresses);
    if (probe.stopped) return interrupted();

    // Every finished endpoint, in address order, for the log and (with several) properties.
    Properties per_address;
    const ConnectResult* first_accepted = nullptr;
    std::size_t first_index = 0;
    std::vector<std::string> failures;  // "10.0.0.5:5432 refused"
    const Outcome* first_failure = nullptr;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        const auto& r = probe.results[i];
        if (!r) continue;  // abandoned: another address was accepted first
        auto endpoint = format_endpoint(endpoints[i].address, endpoints[i].port);
        context.note(endpoint + ": " + summary(*r));
        per_address.push_back({endpoint, summary(*r)});
        if (r->ok()) {
            if (!first_accepted) {
                first_accepted = &*r;
                first_index = i;
            }
            if (spec.all_addresses && too_slow(spec, *r))
                failures.push_back(fmt::format("{} too slow ({})", endpoint, format_latency(r->latency)));
        } else {
            failures.push_back(endpoint + " " + summary(*r));
            if (!first_failure) first_failure = &*r->failure;
        }
    }

    Outcome outcome;
    if (first_accepted && (!spec.all_addresses || failures.empty())) {
        auto endpoint = format_endpoint(endpoints[first_index].address, target.port);
        outcome = too_slow(spec, *first_accepted)
                      ? slow(spec, endpoint, *first_accepted)
                      : passed(fmt::format("{} accepted in {}", endpoint,
                                           format_latency(first_accepted->latency)));
        outcome.property("address", endpoints[first_index].address);
        outcome.property("latency", format_latency(first_accepted->latency));
    } else if (endpoints.size() == 1 && first_failure) {
        outcome = *first_failure;
    } else {
        // Several addresses: name each one that failed; the category is the first failure's
        // (or the latency's, when every address answered but too slowly).
        if (first_failure) {
            outcome = *first_failure;
        } else {
            outcome = slow(spec, "every address", *first_accepted);
        }
        outcome.message = fmt::format("{} of {} addresses failed: {}", failures.size(),
                                      endpoints.size(), fmt::join(failures, "; "));
    }
    if (endpoints.size() > 1)
        for (auto& p : per_address) outcome.property(std::move(p.key), std::move(p.value));
    if (route) outcome.property("via", route->proxy.display());
    return outcome;
}

}  // namespace

CheckKind port_open_kind()
{
    return {"port_open", "resolves", {Protocol::postgres, Protocol::tls, Protocol::tcp}, "tcp.timeout", parse, run};
}

}  // namespace connspec
