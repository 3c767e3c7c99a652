// The `certificate` case: the served chain verifies, names the host, and every certificate
// in it stays valid for min_days_valid days.
#pragma once

#include <string>

#include <optional>

#include "checks/check_kind.hpp"
#include "checks/revocation.hpp"

namespace connspec {

struct CertificateSpec : CaseSpec {
    long min_days_valid = 30;
    std::string ca;  // CA file; empty: the system store
    bool verify_hostname = true;
    std::string hostname;  // empty: the target's host
    std::string sni;       // tls.sni of the same target, if set
    RevocationMode revocation = RevocationMode::off;
    bool require_stapling = false;
    std::optional<int> min_key_bits;
    bool forbid_sha1 = false;
    bool direct = false;   // negotiation = "direct" (or the tls case's)
};

Outcome run_certificate(const CertificateSpec& spec, const Target& target, CheckContext& context);

CheckKind certificate_kind();

}  // namespace connspec
