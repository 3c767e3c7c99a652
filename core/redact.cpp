#include "core/redact.hpp"

#include <algorithm>
#include <regex>

namespace connspec {

namespace {

constexpr std::string_view mask = "***";

void replace_all(std::string& text, const std::string& secret)
{
    if (secret.empty()) return;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + mask.size()))
        text.replace(at, secret.size(), mask);
}

}  // namespace

std::string redact(std::string_view text, const std::vector<std::string>& secrets)
{
    std::string out{text};
    // Longest first, so a secret that contains another is masked whole.
    std::vector<std::string> ordered = secrets;
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& secret : ordered) replace_all(out, secret);

    // password='quoted \' value' or password=bare, as libpq's conninfo syntax allows.
    static const std::regex conninfo_password{R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'"]+))",
                                              std::regex::icase};
    out = std::regex_replace(out, conninfo_password, "$1***");
    // postgresql://user:secret@host
    static const std::regex uri_password{R"((\w+://[^:/@\s]*:)[^@\s]*@)"};
    out = std::regex_replace(out, uri_password, "$1***@");
    return out;
}

}  // namespace connspec
