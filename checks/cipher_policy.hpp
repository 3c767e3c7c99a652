// Which TLS 1.2-and-below ciphers a server may accept: Mozilla's published profiles, written
// down here with the version of the guidelines they come from, or a list the suite gives.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connspec {

// The Mozilla Server Side TLS guidelines the profiles below were copied from.
inline constexpr std::string_view mozilla_guidelines_version = "5.7";

struct CipherPolicy {
    std::string name;  // "mozilla-intermediate", "mozilla-modern" or "list"
    // OpenSSL names of the TLS 1.2-and-below ciphers allowed (TLS 1.3 suites are never
    // probed: every one of them is an AEAD with forward secrecy).
    std::vector<std::string> allowed;
    // Key exchange groups allowed (OpenSSL short names: "X25519", "prime256v1"); empty with
    // `judge_groups` false: groups are not judged (an explicit cipher list).
    std::vector<std::string> groups;
    bool judge_groups = false;
    bool allows_group(std::string_view group) const;
    bool allows(std::string_view cipher) const;
    // "mozilla-intermediate (Mozilla guidelines 5.7)", or "the suite's list".
    std::string describe() const;
};

// "mozilla-modern" or "mozilla-intermediate"; nullopt for other names.
std::optional<CipherPolicy> mozilla_profile(std::string_view name);

}  // namespace connspec
