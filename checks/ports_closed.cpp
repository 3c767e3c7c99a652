// `ports_closed` case: none of `ports` accepts a TCP connection on any target address.
//
// Every address × port is probed at once. A refusal is closed; so is silence (a firewall
// dropping the SYN) once the probe window ends: the window is short (kProbeWindow) and always
// ends before the case deadline, so filtered ports never turn the case into a timeout.
#include <algorithm>

#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/net.hpp"
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

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);
    auto resolved = target_addresses(target, context);
    if (!resolved.ok()) return std::move(*resolved.failure);

    std::vector<Endpoint> endpoints;
    for (const auto& a : resolved.addresses)
        for (int port : spec.ports) endpoints.push_back({a, port});
    auto probe = connect_all(endpoints, probe_end(context.deadline), context.stop, false);
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
    return outcome;
}

}  // namespace

CheckKind ports_closed_kind()
{
    return {"ports_closed", "resolves", {Protocol::postgres, Protocol::tls, Protocol::tcp}, "tcp.timeout", parse, run};
}

}  // namespace connspec
