#include "core/run_secrets.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/outcome.hpp"
#include "core/redact.hpp"

namespace connspec {

std::string percent_encode(std::string_view text)
{
    std::string out;
    for (unsigned char c : text) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_' || c == '.' || c == '~';
        if (plain) out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

void RunSecrets::add(std::string_view secret)
{
    if (secret.empty()) return;
    std::lock_guard lock(mutex_);
    for (std::string form : {std::string(secret), percent_encode(secret)})
        if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end())
            secrets_.push_back(std::move(form));
}

std::vector<std::string> RunSecrets::list() const
{
    std::lock_guard lock(mutex_);
    return secrets_;
}

bool RunSecrets::empty() const
{
    std::lock_guard lock(mutex_);
    return secrets_.empty();
}

std::string RunSecrets::redact(std::string_view text) const
{
    return connspec::redact(text, list());
}

void RunSecrets::redact(Outcome& outcome) const
{
    auto secrets = list();
    auto clean = [&](std::string& text) { text = connspec::redact(text, secrets); };
    clean(outcome.category);
    clean(outcome.message);
    clean(outcome.hint);
    for (auto& line : outcome.log) clean(line);
    for (auto& p : outcome.properties) {
        clean(p.key);
        clean(p.value);
    }
}

}  // namespace connspec
