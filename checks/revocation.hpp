// Is any certificate of a verified chain (but its trust anchor) revoked? OCSP (the response
// the server stapled, else the responder named in the certificate's AIA, asked with OpenSSL's
// OCSP and HTTP client under the case deadline) and CRLs (the distribution point, fetched
// over HTTP). A response counts only when its signature verifies, it is about this very
// certificate, and thisUpdate/nextUpdate hold; otherwise the status is unknown, never good.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/check_kind.hpp"
#include "checks/tls_session.hpp"

namespace connspec {

enum class RevocationMode { off, ocsp, crl, any };

struct RevocationPolicy {
    RevocationMode mode = RevocationMode::off;
    bool require_stapling = false;
    std::string ca_file;  // the trust anchors responses must chain to; empty: the system store
};

struct RevocationVerdict {
    // cert.revoked (failed), cert.revocation_unknown (error; failed for a missing staple).
    std::optional<Outcome> problem;
    Properties properties;  // stapled, ocsp_status, ocsp_next_update, crl_next_update
    std::vector<std::string> log;
};

// `verified`: leaf first, the trust anchor last. `stapled`: the DER OCSP response the server
// sent in the handshake (empty: none).
RevocationVerdict check_revocation(const CertificateChain& verified,
                                   const std::vector<unsigned char>& stapled,
                                   const RevocationPolicy& policy, Deadline deadline,
                                   const StopSignal& stop);

}  // namespace connspec
