#include "checks/certificate_analysis.hpp"
#include "checks/trust_store.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <array>
#include <cmath>
#include <memory>

#include <fmt/format.h>

namespace connspec {
namespace {

struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct StoreCtxFree {
    void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
};
struct StackFree {
    void operator()(STACK_OF(X509)* stack) const { sk_X509_free(stack); }
};
struct NamesFree {
    void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

std::string name_text(const X509_NAME* name)
{
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio || !name) return {};
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::time_t asn1_time(const ASN1_TIME* time)
{
    struct tm parts {};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) return 0;
    return timegm(&parts);
}

std::string ip_text(const ASN1_OCTET_STRING* ip)
{
    std::array<char, INET6_ADDRSTRLEN> text{};
    int length = ASN1_STRING_length(ip);
    const unsigned char* bytes = ASN1_STRING_get0_data(ip);
    int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : 0;
    if (family == 0 || !inet_ntop(family, bytes, text.data(), text.size())) return "?";
    return text.data();
}

std::vector<std::string> subject_alt_names(X509* cert)
{
    std::vector<std::string> sans;
    std::unique_ptr<GENERAL_NAMES, NamesFree> names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return sans;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS) {
            const auto* text = ASN1_STRING_get0_data(name->d.dNSName);
            sans.push_back("DNS:" + std::string(reinterpret_cast<const char*>(text),
                                                static_cast<std::size_t>(
                                                    ASN1_STRING_length(name->d.dNSName))));
        } else if (name->type == GEN_IPADD) {
            sans.push_back("IP:" + ip_text(name->d.iPAddress));
        }
    }
    return sans;
}

std::string joined(const std::vector<std::string>& items)
{
    return fmt::format("{}", fmt::join(items, ", "));
}

// "leaf certificate CN=db" / "certificate #2 CN=Intermediate" as a message names it.
std::string which_certificate(std::size_t index, const CertificateFacts& facts)
{
    if (index == 0) return fmt::format("leaf certificate {}", facts.subject);
    return fmt::format("chain certificate #{} {}", index + 1, facts.subject);
}

std::string days_text(long days)
{
    return fmt::format("{} day{}", days, days == 1 || days == -1 ? "" : "s");
}

std::string strip_brackets(const std::string& host)
{
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        return host.substr(1, host.size() - 2);
    return host;
}

}  // namespace

std::string format_utc(std::time_t when)
{
    struct tm parts {};
    gmtime_r(&when, &parts);
    std::array<char, 32> text{};
    std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text.data();
}

CertificateFacts certificate_facts(X509* cert, std::time_t now)
{
    CertificateFacts facts;
    facts.subject = name_text(X509_get_subject_name(cert));
    facts.issuer = name_text(X509_get_issuer_name(cert));
    facts.sans = subject_alt_names(cert);
    facts.not_before = asn1_time(X509_get0_notBefore(cert));
    facts.not_after = asn1_time(X509_get0_notAfter(cert));
    facts.days_left = static_cast<long>(
        std::floor(std::difftime(facts.not_after, now) / 86400.0));
    return facts;
}

ChainVerification verify_chain(const CertificateChain& chain, const std::string& ca_file)
{
    ChainVerification result;
    if (chain.empty()) {
        result.problem = "the server presented no certificate";
        return result;
    }
    TrustStore store = trust_store(ca_file);
    if (!store) {
        result.problem = ca_file.empty() ? "cannot load the system certificate store"
                                         : fmt::format("cannot read CA file {}", ca_file);
        return result;
    }
    std::unique_ptr<STACK_OF(X509), StackFree> intermediates(sk_X509_new_null());
    for (std::size_t i = 1; i < chain.size(); ++i) sk_X509_push(intermediates.get(), chain[i].get());

    std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), intermediates.get()) != 1) {
        result.problem = "cannot set up chain verification";
        ERR_clear_error();
        return result;
    }
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    // Dates are judged per certificate by analyse_chain, with days left in the message.
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_NO_CHECK_TIME);
    if (X509_verify_cert(ctx.get()) == 1) {
        result.trusted = true;
        STACK_OF(X509)* verified = X509_STORE_CTX_get0_chain(ctx.get());
        for (int i = 0; verified && i < sk_X509_num(verified); ++i) {
            X509* cert = sk_X509_value(verified, i);
            X509_up_ref(cert);
            result.verified.emplace_back(cert);
        }
    } else {
        int error = X509_STORE_CTX_get_error(ctx.get());
        X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
        result.problem = X509_verify_cert_error_string(error);
        if (at) result.problem += fmt::format(" (at {})", name_text(X509_get_subject_name(at)));
    }
    ERR_clear_error();
    return result;
}

bool certificate_matches_host(X509* leaf, const std::string& host)
{
    std::string bare = strip_brackets(host);
    if (is_ip_literal(bare)) return X509_check_ip_asc(leaf, bare.c_str(), 0) == 1;
    return X509_check_host(leaf, bare.data(), bare.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                           nullptr)
        == 1;
}

KeyFacts key_facts(X509* cert)
{
    KeyFacts facts;
    EVP_PKEY* key = X509_get0_pubkey(cert);
    if (!key) return facts;
    facts.bits = EVP_PKEY_get_bits(key);
    facts.security_bits = EVP_PKEY_get_security_bits(key);
    const char* type = EVP_PKEY_get0_type_name(key);
    facts.type = type ? type : "?";
    if (facts.type == "rsaEncryption" || facts.type == "RSA-PSS") facts.type = "RSA";
    return facts;
}

std::string signature_algorithm(X509* cert)
{
    return OBJ_nid2ln(X509_get_signature_nid(cert));
}

bool signed_with_sha1_or_weaker(X509* cert)
{
    int digest = NID_undef, key = NID_undef;
    if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &digest, &key) != 1) return false;
    return digest == NID_sha1 || digest == NID_md5 || digest == NID_md4 || digest == NID_md2
        || digest == NID_md5_sha1;
}

Outcome analyse_chain(const CertificateChain& chain, const CertificatePolicy& policy,
                      std::time_t now, CertificateChain* verified_out)
{
    if (chain.empty())
        return failed("cert.untrusted", "the server presented no certificate",
                      "configure a server certificate and key on the server");

    std::vector<CertificateFacts> facts;
    for (const auto& cert : chain) facts.push_back(certificate_facts(cert.get(), now));
    const CertificateFacts& leaf = facts.front();

    std::size_t earliest = 0;
    for (std::size_t i = 1; i < facts.size(); ++i)
        if (facts[i].not_after < facts[earliest].not_after) earliest = i;

    Properties observed{
        {"subject", leaf.subject},
        {"issuer", leaf.issuer},
        {"sans", leaf.sans.empty() ? "none" : joined(leaf.sans)},
        {"not_after", format_utc(leaf.not_after)},
        {"days_left", std::to_string(leaf.days_left)},
        {"earliest_expiry", fmt::format("{} ({})", format_utc(facts[earliest].not_after),
                                        facts[earliest].subject)},
    };
    auto with_observations = [&](Outcome outcome) {
        outcome.properties = observed;
        return outcome;
    };

    for (std::size_t i = 0; i < facts.size(); ++i) {
        if (facts[i].not_after < now)
            return with_observations(failed(
                "cert.expired",
                fmt::format("{} expired {} ago (not after {})", which_certificate(i, facts[i]),
                            // Whole days since the expiry: days_left is floored towards the
                            // future, so it counts one day too many for an expired one.
                            days_text(static_cast<long>(
                                std::difftime(now, facts[i].not_after) / 86400.0)),
                            format_utc(facts[i].not_after)),
                "renew the certificate on the server and serve the new chain"));
    }
    for (std::size_t i = 0; i < facts.size(); ++i) {
        if (facts[i].not_before > now)
            return with_observations(failed(
                "cert.not_yet_valid",
                fmt::format("{} is not valid before {}", which_certificate(i, facts[i]),
                            format_utc(facts[i].not_before)),
                "check the clocks of the server and of this host, or the certificate's start "
                "date"));
    }

    ChainVerification verification = verify_chain(chain, policy.ca_file);
    if (!verification.trusted)
        return with_observations(failed(
            "cert.untrusted",
            fmt::format("the chain does not verify against {}: {}",
                        policy.ca_file.empty() ? "the system store" : policy.ca_file,
                        verification.problem),
            "serve the full chain up to a CA in certificate.ca, or point certificate.ca at the "
            "issuing CA"));

    // The certificates a weak key or digest matters in: the verified chain but its anchor.
    const CertificateChain& verified = verification.verified;
    std::vector<std::string> key_texts, signature_texts;
    for (std::size_t i = 0; i + 1 < verified.size() || (verified.size() == 1 && i == 0); ++i) {
        KeyFacts key = key_facts(verified[i].get());
        key_texts.push_back(fmt::format("{} {}", key.type, key.bits));
        signature_texts.push_back(signature_algorithm(verified[i].get()));
    }
    observed.push_back({"key_bits", joined(key_texts)});
    observed.push_back({"signature_algorithms", joined(signature_texts)});
    if (verified_out) {
        verified_out->clear();
        for (const auto& cert : verified) {
            X509_up_ref(cert.get());
            verified_out->emplace_back(cert.get());
        }
    }

    if (policy.verify_hostname && !certificate_matches_host(chain.front().get(), policy.hostname))
        return with_observations(failed(
            "cert.hostname",
            fmt::format("the certificate does not name {}; it serves {}", policy.hostname,
                        leaf.sans.empty() ? "no SANs (subject " + leaf.subject + ")"
                                          : joined(leaf.sans)),
            "connect by a name the certificate lists, set certificate.hostname, or reissue it "
            "with the right subjectAltName"));

    // A self-signed leaf is its own anchor: judged all the same, it is what the server shows.
    const std::size_t judged = verified.size() > 1 ? verified.size() - 1 : verified.size();
    std::vector<std::string> weak;
    int min_security = policy.min_key_bits ? BN_security_bits(*policy.min_key_bits, -1) : 0;
    for (std::size_t i = 0; i < judged; ++i) {
        X509* cert = verified[i].get();
        CertificateFacts f = certificate_facts(cert, now);
        if (policy.min_key_bits) {
            KeyFacts key = key_facts(cert);
            bool counted_in_bits = key.type == "RSA" || key.type == "DSA" || key.type == "DH";
            bool too_small = counted_in_bits ? key.bits < *policy.min_key_bits
                                             : key.security_bits < min_security;
            if (too_small)
                weak.push_back(fmt::format("{} has a {} {}-bit key (min_key_bits {})",
                                           which_certificate(i, f), key.type, key.bits,
                                           *policy.min_key_bits));
        }
        if (policy.forbid_sha1 && signed_with_sha1_or_weaker(cert))
            weak.push_back(fmt::format("{} is signed with {}", which_certificate(i, f),
                                       signature_algorithm(cert)));
    }
    if (!weak.empty())
        return with_observations(failed(
            "cert.weak", fmt::format("{}", fmt::join(weak, "; ")),
            "reissue the named certificates with RSA keys of at least min_key_bits bits (or an "
            "ECDSA P-256 key) and a SHA-256 signature, and serve the new chain"));

    std::size_t soonest = 0;
    for (std::size_t i = 1; i < facts.size(); ++i)
        if (facts[i].days_left < facts[soonest].days_left) soonest = i;
    if (facts[soonest].days_left < policy.min_days_valid)
        return with_observations(failed(
            "cert.expiring",
            fmt::format("{} expires in {} ({}), below min_days_valid {}",
                        which_certificate(soonest, facts[soonest]),
                        days_text(facts[soonest].days_left), format_utc(facts[soonest].not_after),
                        policy.min_days_valid),
            "renew the certificate on the server before it expires"));

    return with_observations(passed(fmt::format("{}, {} left, issued by {}", leaf.subject,
                                                days_text(leaf.days_left), leaf.issuer)));
}

}  // namespace connspec
