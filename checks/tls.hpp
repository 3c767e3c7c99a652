// The `tls` case: the handshake succeeds at a version >= min_version, and every version
// below it (and above max_version) is refused by the server, proven by probing.
#pragma once

#include <optional>
#include <string>

#include "checks/check_kind.hpp"
#include "checks/tls_session.hpp"

namespace connspec {

struct TlsSpec : CaseSpec {
    TlsVersion min_version = TlsVersion::v1_2;
    std::optional<TlsVersion> max_version;
    bool probe_below = true;
    std::string sni;  // empty: the target's host name (never an IP literal)
};

Outcome run_tls(const TlsSpec& spec, const Target& target, CheckContext& context);

CheckKind tls_kind();

}  // namespace connspec
