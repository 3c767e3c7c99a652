// `tls` case: negotiate at or above the floor, then prove that every version below it (and
// above max_version) is refused, each with a fresh connection offering exactly that version.
#include "checks/tls.hpp"

#include <future>

#include <fmt/format.h>

#include "checks/received_chain.hpp"
#include "checks/net.hpp"
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

}  // namespace

Outcome run_tls(const TlsSpec& spec, const Target& target, CheckContext& context)
{
    ResolveResult resolved = target_addresses(target, context);
    if (!resolved.ok()) return *resolved.failure;

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

    // Each probe is its own connection: they run at once (and, with one address to try,
    // beside the main handshake), and are judged afterwards in version order.
    const std::vector<TlsVersion> probes = spec.probe_below ? versions_to_probe(spec)
                                                            : std::vector<TlsVersion>{};
    // The probes differ from the handshake only in their versions: one context for all.
    SharedTlsContext shared(options);
    auto start_probes = [&](const std::string& address) {
        std::vector<std::future<TlsDial>> started;
        for (TlsVersion version : probes) {
            TlsClientOptions probe = options;
            probe.min_version = probe.max_version = version;
            auto dial = [&context, &target, &shared, address, probe] {
                return dial_tls({address}, target.port, probe, context.deadline, context.stop,
                                &shared);
            };
            started.push_back(std::async(std::launch::async, dial));
        }
        return started;
    };
    std::vector<std::future<TlsDial>> pending;
    if (resolved.addresses.size() == 1) pending = start_probes(resolved.addresses.front());

    TlsDial main = dial_tls(resolved.addresses, target.port, options, context.deadline,
                            context.stop, &shared);
    if (main.failure) return *main.failure;
    const TlsHandshake& negotiated = main.handshake;
    const std::string endpoint = format_endpoint(main.address, target.port);
    context.note(fmt::format("{} {}-{}: {}", endpoint, tls_version_name(options.min_version),
                             tls_version_name(options.max_version), negotiated.detail));
    if (auto outcome = transport_outcome(negotiated, "handshake")) return *outcome;
    if (negotiated.end == TlsEnd::not_offered)
        return errored("tls.version", negotiated.detail,
                       "this build of OpenSSL cannot offer the requested versions");

    std::vector<TlsVersion> refused, accepted;
    std::vector<std::string> inconclusive;
    if (spec.probe_below) {
        if (pending.empty()) pending = start_probes(main.address);
        std::vector<TlsDial> dials;
        for (auto& p : pending) dials.push_back(p.get());
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
    } else if (!inconclusive.empty()) {
        outcome = errored("tls.version",
                          fmt::format("inconclusive: {}", fmt::join(inconclusive, "; ")),
                          "a refusal is only counted from a protocol_version or handshake_failure "
                          "alert, or a close, before the ServerHello; rerun, or check the "
                          "server's log for why it answered otherwise");
    } else {
        std::string message = fmt::format("{} ({})", negotiated.version, negotiated.cipher);
        if (!refused.empty()) message += fmt::format("; refused {}", names(refused));
        outcome = passed(message);
    }
    if (negotiated.end == TlsEnd::established) {
        if (!negotiated.chain.empty()) {
            auto received = std::make_shared<ReceivedChain>();
            received->chain = std::move(main.handshake.chain);  // last use of the chain here
            received->sni = options.sni;
            received->endpoint = endpoint;
            outcome.handoff = std::move(received);
        }
        outcome.property("version", negotiated.version);
        outcome.property("cipher", negotiated.cipher);
    }
    if (spec.probe_below) outcome.property("refused_versions", refused.empty() ? "none" : names(refused));
    if (!accepted.empty()) outcome.property("accepted_versions", names(accepted));
    outcome.property("endpoint", endpoint);
    return outcome;
}

CheckKind tls_kind()
{
    return {"tls", "port_open", {Protocol::postgres, Protocol::tls}, "tls.timeout", parse, run};
}

}  // namespace connspec
