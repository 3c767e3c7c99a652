// Judging a certificate chain the server already presented: pure functions, no network,
// so every rule is unit-testable on generated certificates.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/outcome.hpp"
#include "checks/tls_session.hpp"

namespace connspec {

// What one certificate says about itself.
struct CertificateFacts {
    std::string subject;  // one line, RFC 2253 ("CN=db.internal,O=Example")
    std::string issuer;
    std::vector<std::string> sans;  // "DNS:db.internal", "IP:127.0.0.1"
    std::time_t not_before = 0;
    std::time_t not_after = 0;
    long days_left = 0;  // whole days from `now` to not_after; negative once expired
};

CertificateFacts certificate_facts(X509* cert, std::time_t now);

// "2025-03-01T12:00:00Z"
std::string format_utc(std::time_t when);

struct ChainVerification {
    bool trusted = false;
    std::string problem;  // OpenSSL's reason and the certificate it concerns, when untrusted
    CertificateChain verified;  // when trusted: leaf first, the trust anchor last
};

// Verifies `chain` (leaf first, the rest as untrusted intermediates) against the CA
// certificates in `ca_file`, or the system store when empty. Validity dates are judged
// separately (see analyse_chain), so this answers only "does it chain to a trusted root".
ChainVerification verify_chain(const CertificateChain& chain, const std::string& ca_file);

// Does the leaf name `host`? IP literals match IP SANs only; names match DNS SANs
// (wildcards in the left-most label only).
bool certificate_matches_host(X509* leaf, const std::string& host);

struct CertificatePolicy {
    long min_days_valid = 30;
    std::string ca_file;  // empty: the system store
    bool verify_hostname = true;
    std::string hostname;  // what the leaf must name
    // Every certificate of the verified chain but the trust anchor: RSA/DSA/DH keys of at
    // least this many bits, other keys (EC, EdDSA) at least as strong (security bits).
    std::optional<int> min_key_bits;
    bool forbid_sha1 = false;  // nor a signature with SHA-1 (or MD5, MD4, MD2)
};

// One certificate's key as "RSA 2048", "EC 256"; its key's bits and security bits.
struct KeyFacts {
    std::string type;
    int bits = 0;
    int security_bits = 0;
};
KeyFacts key_facts(X509* cert);
// "sha256WithRSAEncryption"
std::string signature_algorithm(X509* cert);
// Is the certificate signed with SHA-1 or a weaker digest?
bool signed_with_sha1_or_weaker(X509* cert);

// The certificate case's verdict on a presented chain at time `now`: passed, or failed with
// cert.expired, cert.not_yet_valid, cert.untrusted, cert.hostname, cert.weak or cert.expiring,
// in that order of precedence; properties subject, issuer, sans, not_after, days_left,
// earliest_expiry, key_bits, signature_algorithms. `verified` receives the verified chain
// (leaf first, the anchor last) when it verifies.
Outcome analyse_chain(const CertificateChain& chain, const CertificatePolicy& policy,
                      std::time_t now, CertificateChain* verified = nullptr);

}  // namespace connspec
