// `ports_closed` case: none of `ports` accepts a TCP connection on any target address.
//
// Every address × port is probed at once. A refusal is closed; so is silence (a firewall
// dropping the SYN) once the probe window ends: the window is short (kProbeWindow) and always
// ends before the case deadline, so filtered ports never turn the case into a timeout.
#include <algorithm>

#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/net.hpp"
#include "checks/proxy_tunnel.hpp"
#include "checks/target_way.hpp"
#include "checks/tcp_probe.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

// How long a port may stay silent before it counts as filtered. A handshake on any sane
// network completes well within it.
constexpr std::chrono::milliseconds kProbeWindow{2000};

struct Spec : CaseSpec {
    std::vector<int> ports;
};

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    auto ports = options.ports("ports");  // asked first, so misspellings get a suggestion
    if (!options.has("ports")) {
        options.error("", "missing required key `ports`");
    } else if (ports) {
        if (ports->empty()) options.error("ports", "`ports` must list at least one port");
        spec->ports = *ports;
    }
    return spec;
}

// Every port probed at once, on up to two addresses (IPv4 and IPv6) as a rule.
std::size_t descriptors(const CaseSpec& base)
{
    return 2 * static_cast<const Spec&>(base).ports.size() + 4;
}

// Its packets go to its own ports, not the target's.
std::vector<int> capture_ports(const CaseSpec& base)
{
    return static_cast<const Spec&>(base).ports;
}

// The end of the probe window: kProbeWindow from now, but at most 90% of the time left, so
// the case reports before its deadline.
Deadline probe_end(Deadline deadline)
{
    auto now = Clock::now();
    auto left = deadline - now;
    if (left <= Clock::duration::zero()) return now;
    auto bounded = std::min<Clock::duration>(kProbeWindow, left * 9 / 10);
    return now + bounded;
}

// Through a proxy: 90% of the time left, each port's silence still counted from its request.
Deadline probe_end_via_proxy(Deadline deadline)
{
    auto now = Clock::now();
    auto left = deadline - now;
    if (left <= Clock::duration::zero()) return now;
    return now + left * 9 / 10;
}

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);
    TargetWay way = find_target_way(target, context);
    if (!way.ok()) return std::move(*way.failure);
    const ProxyRoute* route = way.proxy();

    std::vector<Endpoint> endpoints;
    for (const auto& a : way.addresses)
        for (int port : spec.ports) endpoints.push_back({a, port});
    // Through a proxy the window starts when the proxy has the request: how long the proxy takes
    // to greet and authenticate is not the destination's silence.
    auto probe = route ? tunnel_all(*route, endpoints, probe_end_via_proxy(context.deadline),
                                    context.stop, false, kProbeWindow)
                       : connect_all(endpoints, probe_end(context.deadline), context.stop, false);
    if (probe.stopped) return interrupted();

    std::vector<std::string> open, refused, filtered;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        const auto& r = probe.results[i];
        auto endpoint = format_endpoint(endpoints[i].address, endpoints[i].port);
        if (!r) continue;
        if (r->ok()) {
            open.push_back(endpoint);
            context.note(endpoint + ": open (accepted in " + format_latency(r->latency) + ")");
        } else if (r->failure->category == "tcp.refused") {
            refused.push_back(endpoint);
            context.note(endpoint + ": closed (refused)");
        } else if (r->failure->category == "proxy.refused") {
            // Through a proxy, a port it cannot or may not reach is closed from here.
            refused.push_back(endpoint);
            context.note(endpoint + ": closed (" + r->failure->message + ")");
        } else if (r->failure->category == "proxy.timeout" &&
                   r->failure->find("proxy_stage") == "request") {
            // The proxy took the request and is still waiting for the destination: filtered.
            filtered.push_back(endpoint);
            context.note(endpoint + ": closed (filtered: " + r->failure->message + ")");
        } else if (r->failure->category == "tcp.timeout" ||
                   r->failure->category == "tcp.unreachable") {
            filtered.push_back(endpoint);
            context.note(endpoint + ": closed (filtered: " + r->failure->message + ")");
        } else {
            return *r->failure;  // the probe itself could not be made: undecided
        }
    }
    auto list = [](const std::vector<std::string>& items) {
        return fmt::format("{}", fmt::join(items, ","));
    };

    Outcome outcome;
    if (!open.empty()) {
        outcome = failed("tcp.open",
                         fmt::format("{} accepted a connection: {}",
                                     open.size() == 1 ? "a port that must be closed"
                                                      : fmt::format("{} ports that must be closed", open.size()),
                                     fmt::join(open, ", ")),
                         "close the port in the service configuration, or block it in the "
                         "firewall or security group; if it is meant to be open, remove it "
                         "from ports_closed");
        outcome.property("open", list(open));
    } else {
        outcome = passed(fmt::format("{} closed ({} refused, {} filtered)", endpoints.size(),
                                     refused.size(), filtered.size()));
    }
    outcome.property("refused", list(refused));
    outcome.property("filtered", list(filtered));
    if (route) outcome.property("via", route->proxy.display());
    return outcome;
}

}  // namespace

CheckKind ports_closed_kind()
{
    return {"ports_closed", "resolves", {Protocol::postgres, Protocol::tls, Protocol::tcp}, "tcp.timeout",
            parse, run, /*options_may_hold_secrets=*/false, descriptors, /*uses_target_port=*/false,
            capture_ports};
}

}  // namespace connspec
