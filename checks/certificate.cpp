// `certificate` case: fetch the chain the server presents (one handshake, any version),
// then judge it with the pure functions of certificate_analysis.
#include "checks/certificate.hpp"

#include <ctime>

#include <fmt/format.h>

#include "checks/certificate_analysis.hpp"
#include "checks/received_chain.hpp"
#include "checks/net.hpp"
#include "checks/proxy_tunnel.hpp"
#include "checks/target_way.hpp"
#include "checks/tls.hpp"
#include "checks/tls_session.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<CertificateSpec>();
    if (auto days = options.integer("min_days_valid", 0, 36500)) spec->min_days_valid = *days;
    if (auto ca = options.path("ca")) spec->ca = *ca;
    if (auto verify = options.boolean("verify_hostname")) spec->verify_hostname = *verify;
    if (auto hostname = options.string("hostname")) {
        if (hostname->empty())
            options.error("hostname", "`hostname` must not be empty");
        else
            spec->hostname = *hostname;
    }
    if (auto sni = options.sibling_string("tls", "sni")) spec->sni = *sni;
    spec->direct = read_direct_negotiation(options);
    if (auto mode = options.choice("revocation", {"off", "ocsp", "crl", "any"})) {
        spec->revocation = *mode == "ocsp"  ? RevocationMode::ocsp
                           : *mode == "crl" ? RevocationMode::crl
                           : *mode == "any" ? RevocationMode::any
                                            : RevocationMode::off;
    }
    if (auto stapling = options.boolean("require_stapling")) spec->require_stapling = *stapling;
    if (auto bits = options.integer("min_key_bits", 256, 16384)) spec->min_key_bits = static_cast<int>(*bits);
    if (auto sha1 = options.boolean("forbid_sha1")) spec->forbid_sha1 = *sha1;
    return spec;
}

Outcome run(const CaseSpec& spec, const Target& target, CheckContext& context)
{
    return run_certificate(static_cast<const CertificateSpec&>(spec), target, context);
}

bool needs_valid_chain(const Outcome& o)
{
    return o.category == "cert.expired" || o.category == "cert.not_yet_valid"
        || o.category == "cert.untrusted" || o.category == "cert.hostname";
}

// The chain's verdict, then its revocation status: a revoked certificate fails before a weak
// or expiring one; an unknown status is an error only when nothing failed.
Outcome judge(const CertificateChain& chain, const std::vector<unsigned char>& stapled,
              const CertificatePolicy& policy, const RevocationPolicy& revocation,
              CheckContext& context)
{
    CertificateChain verified;
    Outcome outcome = analyse_chain(chain, policy, std::time(nullptr), &verified);
    if (revocation.mode == RevocationMode::off && !revocation.require_stapling) return outcome;
    if (needs_valid_chain(outcome) || verified.empty()) return outcome;
    RevocationVerdict verdict = check_revocation(verified, stapled, revocation, context.deadline,
                                                 context.stop);
    for (auto& line : verdict.log) context.note(std::move(line));
    Properties properties = outcome.properties;
    properties.insert(properties.end(), verdict.properties.begin(), verdict.properties.end());
    if (verdict.problem) {
        bool replaces = verdict.problem->category == "cert.revoked"
                        || verdict.problem->message == "interrupted"
                        || outcome.status == Status::passed;
        if (replaces) outcome = std::move(*verdict.problem);
    }
    outcome.properties = std::move(properties);
    return outcome;
}

}  // namespace

Outcome run_certificate(const CertificateSpec& spec, const Target& target, CheckContext& context)
{
    const std::string hostname = spec.hostname.empty() ? target.host : spec.hostname;
    TlsClientOptions options;
    options.protocol = target.protocol;
    options.sni = server_name_for(spec.sni.empty() ? hostname : spec.sni, target.host);
    // Versions are the tls case's business: take the chain whatever the server speaks.
    options.min_version = TlsVersion::v1_0;
    options.max_version = TlsVersion::v1_3;
    options.security_level_zero = true;
    options.client_cert = target.client_cert;
    options.client_key = target.client_key;
    options.request_ocsp_status = true;
    if (spec.direct) use_direct_negotiation(options);

    CertificatePolicy policy;
    policy.min_days_valid = spec.min_days_valid;
    policy.ca_file = spec.ca;
    policy.verify_hostname = spec.verify_hostname;
    policy.hostname = hostname;
    policy.min_key_bits = spec.min_key_bits;
    policy.forbid_sha1 = spec.forbid_sha1;
    RevocationPolicy revocation{spec.revocation, spec.require_stapling, spec.ca};
    // The chain this target's tls case just received, for the same server name, is the chain
    // the server presents: judge it rather than handshake again.
    const auto* received = context.handed<ReceivedChain>();
    if (received && received->sni == options.sni) {
        context.note(received->endpoint + ": the chain the tls case received");
        return judge(received->chain, received->stapled_ocsp, policy, revocation, context);
    }

    TargetWay way = find_target_way(target, context);
    if (!way.ok()) return *way.failure;
    const ProxyRoute* route = way.proxy();
    TlsDial dial = dial_tls(way.addresses, target.port, options, context.deadline, context.stop,
                            nullptr, route);
    if (dial.failure) return *dial.failure;
    TlsHandshake& h = dial.handshake;
    context.note(fmt::format("{}: {}", format_endpoint(dial.address, target.port), h.detail));
    switch (h.end) {
    case TlsEnd::stopped: return interrupted();
    case TlsEnd::timeout:
        return failed("tls.timeout", "fetching the certificate: " + h.detail,
                      "the server accepted TCP but did not complete TLS in time");
    case TlsEnd::unsupported:
        return failed("tls.unsupported", h.detail,
                      "enable TLS on the server (PostgreSQL: ssl = on with a certificate and key)");
    case TlsEnd::client_setup: return errored("internal", h.detail, "fix client_cert / client_key");
    case TlsEnd::not_offered:
        return errored("internal", h.detail, "this build of OpenSSL cannot make this handshake");
    default: break;
    }
    if (h.chain.empty()) {
        if (h.end == TlsEnd::established)
            return failed("cert.untrusted", "the server presented no certificate",
                          "configure a server certificate");
        return failed("tls.handshake", "no certificate received: " + h.detail,
                      "check the server's TLS setup and that this port speaks TLS");
    }

    if (spec.direct)
        if (auto alpn = check_direct_alpn(h)) return *alpn;
    Outcome outcome = judge(h.chain, h.stapled_ocsp, policy, revocation, context);
    if (h.end != TlsEnd::established)
        context.note("the handshake did not complete; the chain was judged as received");
    return outcome;
}

CheckKind certificate_kind()
{
    return {"certificate", "tls", {Protocol::postgres, Protocol::tls}, "tls.timeout", parse, run};
}

}  // namespace connspec
