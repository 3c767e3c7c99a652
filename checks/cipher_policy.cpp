#include "checks/cipher_policy.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace connspec {

bool CipherPolicy::allows(std::string_view cipher) const
{
    return std::find(allowed.begin(), allowed.end(), cipher) != allowed.end();
}

bool CipherPolicy::allows_group(std::string_view group) const
{
    return !judge_groups || std::find(groups.begin(), groups.end(), group) != groups.end();
}

std::string CipherPolicy::describe() const
{
    if (name == "list") return "the suite's cipher list";
    return fmt::format("{} (Mozilla guidelines {})", name, mozilla_guidelines_version);
}

std::optional<CipherPolicy> mozilla_profile(std::string_view name)
{
    // https://wiki.mozilla.org/Security/Server_Side_TLS, version 5.7.
    // Modern: TLS 1.3 only; no TLS 1.2 cipher is allowed.
    // Both profiles: groups X25519, prime256v1 (P-256), secp384r1.
    const std::vector<std::string> groups{"X25519", "prime256v1", "secp384r1"};
    if (name == "mozilla-modern") return CipherPolicy{"mozilla-modern", {}, groups, true};
    // Intermediate: TLS 1.2 with these ciphers (and TLS 1.3), groups X25519, prime256v1,
    // secp384r1, DHE parameters of at least 2048 bits.
    if (name == "mozilla-intermediate")
        return CipherPolicy{"mozilla-intermediate",
                            {
                                "ECDHE-ECDSA-AES128-GCM-SHA256",
                                "ECDHE-RSA-AES128-GCM-SHA256",
                                "ECDHE-ECDSA-AES256-GCM-SHA384",
                                "ECDHE-RSA-AES256-GCM-SHA384",
                                "ECDHE-ECDSA-CHACHA20-POLY1305",
                                "ECDHE-RSA-CHACHA20-POLY1305",
                                "DHE-RSA-AES128-GCM-SHA256",
                                "DHE-RSA-AES256-GCM-SHA384",
                                "DHE-RSA-CHACHA20-POLY1305",
                            },
                            groups,
                            true};
    return std::nullopt;
}

}  // namespace connspec
