// Certificate chains that a `tls` case just received, so the `certificate` case of the same
// target judges that chain instead of opening one more handshake to fetch the same bytes.
// An entry is taken once and only while fresh; otherwise `certificate` dials by itself.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "checks/tls_session.hpp"

namespace connspec {

struct CachedChain {
    CertificateChain chain;
    std::string endpoint;  // where it came from, for the log
};

// `key` names the target and everything that can change what a server presents (SNI).
void remember_chain(const std::string& key, const CertificateChain& chain, std::string endpoint);
std::optional<CachedChain> take_chain(const std::string& key, std::chrono::seconds max_age);

// The key for a target's handshake with `sni`.
std::string chain_key(const Target& target, const std::string& sni);

}  // namespace connspec
