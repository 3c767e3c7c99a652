// `resolves` case: the host resolves within the deadline, to the expected addresses.
#include <algorithm>

#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/dns_server.hpp"
#include "checks/net.hpp"
#include "checks/resolved_addresses.hpp"
#include "checks/tcp_probe.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

struct Spec : CaseSpec {
    std::vector<std::string> addresses;  // numeric, normalised; each must be among the answers
    bool exact = false;                  // the answers must be exactly `addresses`
    AddressFamily family = AddressFamily::any;
    std::optional<std::string> server;   // "host:port"; the system resolver when absent
};

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    if (auto family = options.choice("family", {"any", "ipv4", "ipv6"})) {
        if (*family == "ipv4") spec->family = AddressFamily::ipv4;
        if (*family == "ipv6") spec->family = AddressFamily::ipv6;
    }
    if (auto addresses = options.strings("addresses")) {
        for (const auto& text : *addresses) {
            auto numeric = normalize_ip_literal(text);
            if (!numeric) {
                options.error("addresses",
                              fmt::format("`addresses` must hold IP addresses, not \"{}\"", text));
                continue;
            }
            bool v4 = is_ipv4_literal(*numeric);
            if ((spec->family == AddressFamily::ipv4 && !v4) ||
                (spec->family == AddressFamily::ipv6 && v4)) {
                options.error("addresses",
                              fmt::format("`addresses` holds {}, an {} address, but `family` is "
                                          "\"{}\"",
                                          text, v4 ? "IPv4" : "IPv6", v4 ? "ipv6" : "ipv4"));
                continue;
            }
            spec->addresses.push_back(*numeric);
        }
    }
    if (auto exact = options.boolean("exact")) {
        spec->exact = *exact;
        if (*exact && !options.has("addresses"))
            options.error("exact", "`exact = true` needs `addresses` to compare the answers with");
    }
    if (auto server = options.string("server")) {
        if (!parse_dns_server(*server))
            options.error("server", fmt::format("`server` must be \"host:port\" or \"host\" (port "
                                                "53), not \"{}\"",
                                                *server));
        spec->server = *server;
    }
    return spec;
}

std::string join(const std::vector<std::string>& items)
{
    return items.empty() ? std::string("nothing") : fmt::format("{}", fmt::join(items, ", "));
}

bool contains(const std::vector<std::string>& list, const std::string& item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);
    auto started = Clock::now();
    auto result = resolve_host(target.host, spec.family, spec.server, context.deadline,
                               context.stop);
    auto took = format_latency(Clock::now() - started);
    if (!result.ok()) {
        auto outcome = std::move(*result.failure);
        outcome.property("time", took);
        return outcome;
    }
    context.note(fmt::format("{} resolved to {} in {}", target.host, join(result.addresses), took));

    std::vector<std::string> missing, unexpected;
    for (const auto& want : spec.addresses)
        if (!contains(result.addresses, want)) missing.push_back(want);
    if (spec.exact)
        for (const auto& got : result.addresses)
            if (!contains(spec.addresses, got)) unexpected.push_back(got);

    Outcome outcome;
    if (missing.empty() && unexpected.empty()) {
        outcome = passed(fmt::format("{} resolved to {}", target.host, join(result.addresses)));
        auto handoff = std::make_shared<ResolvedAddresses>();
        handoff->addresses = result.addresses;
        outcome.handoff = std::move(handoff);
    } else {
        std::string detail;
        if (!missing.empty()) detail += "missing " + join(missing);
        if (!unexpected.empty())
            detail += (detail.empty() ? "" : ", ") + std::string("unexpected ") + join(unexpected);
        outcome = failed("dns.mismatch",
                         fmt::format("{} resolved to {}; expected {}{} ({})", target.host,
                                     join(result.addresses), spec.exact ? "exactly " : "",
                                     join(spec.addresses), detail),
                         "the DNS record differs from the suite: update the record, or the "
                         "suite if the move was intended (a stale cache or a split-horizon view "
                         "can also serve old answers)");
    }
    outcome.property("addresses", fmt::format("{}", fmt::join(result.addresses, ",")));
    outcome.property("time", took);
    return outcome;
}

// Its packets are DNS queries: to `server`'s port, else to port 53 of the system's servers.
std::vector<int> capture_ports(const CaseSpec& base)
{
    const auto& spec = static_cast<const Spec&>(base);
    auto server = spec.server ? parse_dns_server(*spec.server) : std::nullopt;
    return {server ? server->port : 53};
}

}  // namespace

CheckKind resolves_kind()
{
    return {"resolves", "", {Protocol::postgres, Protocol::tls, Protocol::tcp}, "dns.timeout", parse, run,
            /*options_may_hold_secrets=*/false, nullptr, /*uses_target_port=*/false,
            capture_ports};
}

}  // namespace connspec
