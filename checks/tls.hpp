// The `tls` case: the handshake succeeds at a version >= min_version, and every version
// below it (and above max_version) is refused by the server, proven by probing.
#pragma once

#include <optional>
#include <string>

#include "checks/check_kind.hpp"
#include "checks/cipher_policy.hpp"
#include "checks/tls_session.hpp"

namespace connspec {

struct TlsSpec : CaseSpec {
    TlsVersion min_version = TlsVersion::v1_2;
    std::optional<TlsVersion> max_version;
    bool probe_below = true;
    std::string sni;  // empty: the target's host name (never an IP literal)
    // TLS 1.2-and-below ciphers the server may accept; none: not judged.
    std::optional<CipherPolicy> ciphers;
    // negotiation = "direct": TLS from the first byte with ALPN "postgresql" (PostgreSQL 17+)
    // instead of the SSLRequest; the server must select that ALPN (else tls.alpn).
    bool direct = false;
};

// negotiation = "postgres" | "direct" of `tls` or `certificate` (which inherits tls's).
bool read_direct_negotiation(OptionReader& options);
// The handshake options for direct TLS.
void use_direct_negotiation(TlsClientOptions& options);
// tls.alpn when a direct handshake did not select ALPN "postgresql", else nullopt.
std::optional<Outcome> check_direct_alpn(const TlsHandshake& handshake);

Outcome run_tls(const TlsSpec& spec, const Target& target, CheckContext& context);

CheckKind tls_kind();

}  // namespace connspec
