// `tls` case: negotiate at or above the floor, then prove that every version below it (and
// above max_version) is refused, each with a fresh connection offering exactly that version.
#include "checks/tls.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "checks/cipher_probe.hpp"
#include "checks/received_chain.hpp"
#include "checks/net.hpp"
#include "checks/proxy_tunnel.hpp"
#include "checks/target_way.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<TlsSpec>();
    std::string min_text = "1.2";
    if (auto text = options.tls_version("min_version")) {
        if (auto version = parse_tls_version(*text)) spec->min_version = *version;
        min_text = *text;
    }
    if (auto text = options.tls_version("max_version")) {
        spec->max_version = parse_tls_version(*text);
        if (spec->max_version && *spec->max_version < spec->min_version)
            options.error("max_version",
                          fmt::format("`max_version` must be at least `min_version` \"{}\", not "
                                      "\"{}\"",
                                      min_text, *text));
    }
    if (auto probe = options.boolean("probe_below")) spec->probe_below = *probe;
    if (auto sni = options.string("sni")) spec->sni = *sni;
    spec->direct = read_direct_negotiation(options);
    if (auto list = options.string_or_strings("ciphers")) {
        if (list->size() == 1 && (*list)[0].starts_with("mozilla-")) {
            spec->ciphers = mozilla_profile((*list)[0]);
            if (!spec->ciphers)
                options.error("ciphers", fmt::format("unknown profile \"{}\": use \"mozilla-modern\", "
                                                     "\"mozilla-intermediate\" or a list of "
                                                     "OpenSSL cipher names",
                                                     (*list)[0]));
        } else {
            CipherPolicy policy;
            policy.name = "list";
            // Names one by one, or OpenSSL's colon-separated form.
            for (const auto& item : *list) {
                std::string_view rest = item;
                while (!rest.empty()) {
                    auto colon = rest.find(':');
                    auto name = rest.substr(0, colon);
                    if (!name.empty()) policy.allowed.emplace_back(name);
                    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
                }
            }
            if (policy.allowed.empty())
                options.error("ciphers", "`ciphers` names no cipher");
            spec->ciphers = std::move(policy);
        }
    }
    return spec;
}

Outcome run(const CaseSpec& spec, const Target& target, CheckContext& context)
{
    return run_tls(static_cast<const TlsSpec&>(spec), target, context);
}

std::string names(const std::vector<TlsVersion>& versions)
{
    std::vector<std::string_view> texts;
    for (auto v : versions) texts.push_back(tls_version_name(v));
    return fmt::format("{}", fmt::join(texts, ", "));
}

// What to change on the server: its minimum for versions accepted below the floor, its
// maximum for versions accepted above max_version.
std::string version_hint(const TlsSpec& spec, const std::vector<TlsVersion>& accepted)
{
    bool below = false, above = false;
    for (auto v : accepted) {
        below |= v < spec.min_version;
        above |= spec.max_version && v > *spec.max_version;
    }
    std::vector<std::string> steps, settings;
    if (below || !above) {
        steps.push_back("raise the server's minimum protocol version");
        settings.push_back(
            fmt::format("ssl_min_protocol_version = '{}'", tls_version_name(spec.min_version)));
    }
    if (above) {
        steps.push_back("lower the server's maximum protocol version");
        settings.push_back(
            fmt::format("ssl_max_protocol_version = '{}'", tls_version_name(*spec.max_version)));
    }
    return fmt::format("{} (PostgreSQL: {})", fmt::join(steps, " and "), fmt::join(settings, ", "));
}

// The versions that must be refused: below the floor, and above the ceiling if any.
std::vector<TlsVersion> versions_to_probe(const TlsSpec& spec)
{
    std::vector<TlsVersion> probes;
    for (auto v : all_tls_versions) {
        bool below = v < spec.min_version;
        bool above = spec.max_version && v > *spec.max_version;
        if (below || above) probes.push_back(v);
    }
    return probes;
}

// An ended handshake that is not a verdict on versions, as the case's outcome.
std::optional<Outcome> transport_outcome(const TlsHandshake& h, const std::string& step)
{
    switch (h.end) {
    case TlsEnd::stopped: return interrupted();
    case TlsEnd::timeout:
        return failed("tls.timeout", fmt::format("{}: {}", step, h.detail),
                      "the server accepted TCP but did not complete TLS in time: check that this "
                      "port is the TLS service and that the server is not overloaded");
    case TlsEnd::unsupported:
        return failed("tls.unsupported", h.detail,
                      "enable TLS on the server (PostgreSQL: ssl = on with a certificate and key)");
    case TlsEnd::client_setup:
        return errored("internal", fmt::format("{}: {}", step, h.detail),
                       "fix client_cert / client_key of this target");
    default: return std::nullopt;
    }
}

constexpr const char* postgres_alpn = "postgresql";

}  // namespace

bool read_direct_negotiation(OptionReader& options)
{
    static const std::vector<std::string_view> choices{"postgres", "direct"};
    if (options.has("negotiation")) return options.choice("negotiation", choices) == "direct";
    return options.sibling_string("tls", "negotiation") == "direct";
}

void use_direct_negotiation(TlsClientOptions& options)
{
    options.protocol = Protocol::tls;
    options.alpn = postgres_alpn;
}

std::optional<Outcome> check_direct_alpn(const TlsHandshake& handshake)
{
    if (handshake.end != TlsEnd::established || handshake.alpn == postgres_alpn) return std::nullopt;
    return failed("tls.alpn",
                  handshake.alpn.empty()
                      ? fmt::format("direct TLS completed ({}) but the server selected no ALPN protocol, "
                                    "not \"postgresql\"",
                                    handshake.version)
                      : fmt::format("direct TLS completed ({}) but the server selected ALPN \"{}\", "
                                    "not \"postgresql\"",
                                    handshake.version, handshake.alpn),
                  "this port is not a PostgreSQL 17+ server accepting direct TLS (sslnegotiation=direct): "
                  "a proxy or another TLS service answers; use negotiation = \"postgres\" or point at the server");
}

Outcome run_tls(const TlsSpec& spec, const Target& target, CheckContext& context)
{
    TargetWay way = find_target_way(target, context);
    if (!way.ok()) return *way.failure;
    const ProxyRoute* route = way.proxy();

    TlsClientOptions options;
    options.protocol = target.protocol;
    options.sni = server_name_for(spec.sni, target.host);
    options.min_version = spec.min_version;
    options.max_version = spec.max_version.value_or(TlsVersion::v1_3);
    // tls judges versions only: security level 0, so a floor of 1.0 or 1.1 is really offered
    // and a weak key or cipher does not fail the handshake (certificate's job, not ours).
    options.security_level_zero = true;
    options.client_cert = target.client_cert;
    options.client_key = target.client_key;
    if (spec.direct) use_direct_negotiation(options);

    // Each probe is its own connection: they run at once in one poll loop on this thread
    // (beside the main handshake when there is one address to try), and are judged
    // afterwards in version order.
    const std::vector<TlsVersion> probes = spec.probe_below ? versions_to_probe(spec)
                                                            : std::vector<TlsVersion>{};
    // The probes differ from the handshake only in their versions: one context for all.
    SharedTlsContext shared(options);
    std::vector<std::unique_ptr<TlsAttempt>> probing;
    auto start_probes = [&](const std::string& address) {
        for (TlsVersion version : probes) {
            TlsClientOptions probe = options;
            probe.min_version = probe.max_version = version;
            probing.push_back(std::make_unique<TlsAttempt>(
                std::vector<std::string>{address}, target.port, probe, context.deadline, &shared,
                route));
        }
    };
    // The cipher chains likewise (see cipher_probe.hpp).
    std::vector<std::unique_ptr<CipherChain>> chains;
    auto start_chains = [&](const std::string& address) {
        if (spec.ciphers)
            chains = cipher_chains(*spec.ciphers, address, target.port, options, context.deadline,
                                   &shared, route);
    };
    auto tasks = [&](PollTask* first) {
        std::vector<PollTask*> all;
        if (first) all.push_back(first);
        for (auto& p : probing) all.push_back(p.get());
        for (auto& c : chains) all.push_back(c.get());
        return all;
    };
    // The handshake asks for a stapled OCSP response, for the certificate case's revocation.
    TlsClientOptions main_options = options;
    main_options.request_ocsp_status = true;
    TlsAttempt main_attempt(way.addresses, target.port, main_options, context.deadline, &shared,
                            route);
    if (way.addresses.size() == 1) {
        start_probes(way.addresses.front());
        start_chains(way.addresses.front());
    }
    // With one address the probes run beside the handshake; with several, once it is known
    // which address accepted.
    run_poll_loop(tasks(&main_attempt), context.stop);
    TlsDial main = main_attempt.take_result();
    if (main.failure) return *main.failure;
    const TlsHandshake& negotiated = main.handshake;
    const std::string endpoint = format_endpoint(main.address, target.port);
    context.note(fmt::format("{} {}-{}: {}", endpoint, tls_version_name(options.min_version),
                             tls_version_name(options.max_version), negotiated.detail));
    if (auto outcome = transport_outcome(negotiated, "handshake")) return *outcome;
    if (negotiated.end == TlsEnd::not_offered)
        return errored("tls.version", negotiated.detail,
                       "this build of OpenSSL cannot offer the requested versions");

    if (way.addresses.size() != 1) {
        start_probes(main.address);
        start_chains(main.address);
        run_poll_loop(tasks(nullptr), context.stop);
    }
    if (context.stop.requested()) return interrupted();

    std::vector<TlsVersion> refused, accepted;
    std::vector<std::string> inconclusive;
    if (spec.probe_below) {
        std::vector<TlsDial> dials;
        for (auto& p : probing) dials.push_back(p->take_result());
        for (std::size_t i = 0; i < probes.size(); ++i) {
            const TlsVersion version = probes[i];
            const TlsDial& dial = dials[i];
            const std::string step = fmt::format("probing {}", tls_version_name(version));
            if (dial.failure) {
                if (context.stop.requested()) return interrupted();
                if (dial.failure->category == "tcp.timeout")
                    return failed("tls.timeout", fmt::format("{}: {}", step, dial.failure->message),
                                  dial.failure->hint);
                inconclusive.push_back(fmt::format("{}: {}", step, dial.failure->message));
                continue;
            }
            const TlsHandshake& h = dial.handshake;
            context.note(fmt::format("{} {}: {}", endpoint, step, h.detail));
            if (h.end == TlsEnd::stopped || h.end == TlsEnd::timeout) return *transport_outcome(h, step);
            if (h.end == TlsEnd::established || h.server_hello_seen)
                accepted.push_back(version);
            else if (h.end == TlsEnd::refused)
                refused.push_back(version);
            else
                inconclusive.push_back(fmt::format("{}: {}", step, h.detail));
        }
    }

    // The ciphers outside the policy that the server picked, in OpenSSL's order.
    std::vector<std::string> accepted_ciphers, accepted_groups, cipher_inconclusive;
    bool cipher_timeout = false;
    int cipher_handshakes = 0;
    for (const auto& chain : chains) {
        for (const auto& line : chain->log) context.note(fmt::format("{} ciphers: {}", endpoint, line));
        auto& into = chain->what() == CipherChain::Offer::groups ? accepted_groups : accepted_ciphers;
        into.insert(into.end(), chain->accepted.begin(), chain->accepted.end());
        cipher_inconclusive.insert(cipher_inconclusive.end(), chain->inconclusive.begin(),
                                   chain->inconclusive.end());
        cipher_timeout |= chain->timed_out;
        cipher_handshakes += chain->handshakes;
    }
    if (spec.ciphers) {
        const auto& order = offerable_ciphers();
        std::sort(accepted_ciphers.begin(), accepted_ciphers.end(), [&](const auto& a, const auto& b) {
            return std::find(order.begin(), order.end(), a) < std::find(order.begin(), order.end(), b);
        });
        for (const auto& name : spec.ciphers->allowed)
            if (!is_tls13_suite(name)
                && std::find(order.begin(), order.end(), name) == order.end())
                context.note(fmt::format("ciphers: {} is not a cipher this client knows; it is "
                                         "allowed but never offered", name));
    }

    Outcome outcome;
    if (!accepted.empty()) {
        std::string where = spec.max_version
            ? fmt::format("outside {}-{}", tls_version_name(spec.min_version),
                          tls_version_name(*spec.max_version))
            : fmt::format("below the floor {}", tls_version_name(spec.min_version));
        outcome = failed("tls.version",
                         fmt::format("server accepts {} {}", names(accepted), where),
                         version_hint(spec, accepted));
    } else if (negotiated.end != TlsEnd::established) {
        outcome = failed("tls.handshake",
                         fmt::format("no handshake from {} completes: {}",
                                     tls_version_name(spec.min_version), negotiated.detail),
                         "check the server's TLS setup (certificate, key, protocol versions, "
                         "client certificate) and that this port speaks TLS");
    } else if (!accepted_ciphers.empty() || !accepted_groups.empty()) {
        std::vector<std::string> what;
        if (!accepted_ciphers.empty())
            what.push_back(fmt::format("{} cipher{} ({})", accepted_ciphers.size(),
                                       accepted_ciphers.size() == 1 ? "" : "s",
                                       fmt::join(accepted_ciphers, ", ")));
        if (!accepted_groups.empty())
            what.push_back(fmt::format("{} group{} ({})", accepted_groups.size(),
                                       accepted_groups.size() == 1 ? "" : "s",
                                       fmt::join(accepted_groups, ", ")));
        outcome = failed("tls.cipher",
                         fmt::format("server accepts {} outside {}", fmt::join(what, " and "),
                                     spec.ciphers->describe()),
                         !accepted_groups.empty() && accepted_ciphers.empty()
                             ? fmt::format("allow only the groups {} (PostgreSQL: ssl_ecdh_curve = "
                                           "'prime256v1')",
                                           fmt::join(spec.ciphers->groups, ", "))
                         : spec.ciphers->allowed.empty()
                             ? "allow no TLS 1.2 cipher: serve TLS 1.3 only (PostgreSQL: "
                               "ssl_min_protocol_version = 'TLSv1.3')"
                             : fmt::format("allow only the policy's ciphers (PostgreSQL: "
                                           "ssl_ciphers = '{}')",
                                           fmt::join(spec.ciphers->allowed, ":")));
    } else if (cipher_timeout) {
        outcome = failed("tls.timeout",
                         fmt::format("probing ciphers: {}", fmt::join(cipher_inconclusive, "; ")),
                         "the server accepted TCP but did not complete TLS in time: check that this "
                         "port is the TLS service and that the server is not overloaded");
    } else if (!inconclusive.empty()) {
        outcome = errored("tls.version",
                          fmt::format("inconclusive: {}", fmt::join(inconclusive, "; ")),
                          "a refusal is only counted from a protocol_version or handshake_failure "
                          "alert, or a close, before the ServerHello; rerun, or check the "
                          "server's log for why it answered otherwise");
    } else if (!cipher_inconclusive.empty()) {
        outcome = errored("tls.cipher",
                          fmt::format("cipher probe inconclusive: {}",
                                      fmt::join(cipher_inconclusive, "; ")),
                          "a cipher counts as refused only when the server refuses the whole "
                          "offer (an alert or a close before its ServerHello); rerun, or check "
                          "the server's log");
    } else if (auto alpn = spec.direct ? check_direct_alpn(negotiated) : std::nullopt) {
        outcome = std::move(*alpn);
    } else {
        std::string message = fmt::format("{} ({})", negotiated.version, negotiated.cipher);
        if (spec.ciphers) message += fmt::format("; no cipher outside {}", spec.ciphers->name);
        if (!refused.empty()) message += fmt::format("; refused {}", names(refused));
        outcome = passed(message);
    }
    if (negotiated.end == TlsEnd::established) {
        if (!negotiated.chain.empty()) {
            auto received = std::make_shared<ReceivedChain>();
            received->chain = std::move(main.handshake.chain);  // last use of the chain here
            received->sni = options.sni;
            received->endpoint = endpoint;
            received->stapled_ocsp = std::move(main.handshake.stapled_ocsp);
            outcome.handoff = std::move(received);
        }
        outcome.property("version", negotiated.version);
        outcome.property("cipher", negotiated.cipher);
        if (spec.direct) outcome.property("alpn", negotiated.alpn.empty() ? "none" : negotiated.alpn);
    }
    if (spec.probe_below) outcome.property("refused_versions", refused.empty() ? "none" : names(refused));
    if (!accepted.empty()) outcome.property("accepted_versions", names(accepted));
    if (spec.ciphers) {
        outcome.property("cipher_policy", spec.ciphers->describe());
        outcome.property("cipher_handshakes", std::to_string(cipher_handshakes));
        if (!accepted_ciphers.empty())
            outcome.property("accepted_ciphers", fmt::format("{}", fmt::join(accepted_ciphers, ", ")));
        if (!accepted_groups.empty())
            outcome.property("accepted_groups", fmt::format("{}", fmt::join(accepted_groups, ", ")));
    }
    outcome.property("endpoint", endpoint);
    if (route) outcome.property("via", route->proxy.display());
    return outcome;
}

CheckKind tls_kind()
{
    return {"tls", "port_open", {Protocol::postgres, Protocol::tls}, "tls.timeout", parse, run};
}

}  // namespace connspec
