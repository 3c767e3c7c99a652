// Secrets in captured bytes: a failed login over plain TCP may carry a password (PostgreSQL's
// cleartext password message), so every occurrence of a run secret is overwritten with '*'
// before a packet reaches a file. Same length, so packet and file structure stay valid.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace connspec {

// Overwrites every occurrence of each secret in `bytes`; true when anything was overwritten.
inline bool mask_secrets(std::string& bytes, const std::vector<std::string>& secrets)
{
    bool masked = false;
    for (const auto& secret : secrets) {
        if (secret.empty()) continue;
        for (auto at = bytes.find(secret); at != std::string::npos; at = bytes.find(secret, at + secret.size())) {
            bytes.replace(at, secret.size(), secret.size(), '*');
            masked = true;
        }
    }
    return masked;
}

}  // namespace connspec
