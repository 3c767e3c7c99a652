// The certificate chain a `tls` case received, handed by the runner to the `certificate` case
// that depends on it, so the chain is judged without one more handshake.
#pragma once

#include <string>
#include <vector>

#include "core/outcome.hpp"
#include "checks/tls_session.hpp"

namespace connspec {

struct ReceivedChain : Handoff {
    CertificateChain chain;
    std::string sni;       // asked for: another server name may be given another chain
    std::string endpoint;  // where it came from, for the log
    // The OCSP response the server stapled in that handshake (asked for with
    // status_request); empty: none sent.
    std::vector<unsigned char> stapled_ocsp;
};

}  // namespace connspec
