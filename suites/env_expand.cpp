#include "suites/env_expand.hpp"

namespace connspec {
namespace {

bool is_variable_name(std::string_view name)
{
    if (name.empty()) return false;
    auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
    if (!letter(name.front())) return false;
    for (char c : name)
        if (!letter(c) && !(c >= '0' && c <= '9')) return false;
    return true;
}

// Index of the `}` closing the reference that starts at `open` ("${"), or npos.
std::size_t closing_brace(std::string_view text, std::size_t open)
{
    int depth = 0;
    for (std::size_t i = open; i < text.size(); ++i) {
        bool dollar_next = text[i] == '$' && i + 1 < text.size();
        if (dollar_next && text[i + 1] == '$') {
            ++i;  // an escaped `$` cannot open a reference
        } else if (dollar_next && text[i + 1] == '{') {
            ++depth;
            ++i;
        } else if (text[i] == '}' && --depth == 0) {
            return i;
        }
    }
    return std::string_view::npos;
}

Expansion failure(ExpansionProblem::Kind kind, std::string variable = {})
{
    return {std::nullopt, {kind, std::move(variable)}};
}

}  // namespace

Expansion expand_variables(std::string_view text, const EnvLookup& env)
{
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c != '$' || i + 1 == text.size() || (text[i + 1] != '$' && text[i + 1] != '{')) {
            out += c;
            ++i;
            continue;
        }
        if (text[i + 1] == '$') {
            out += '$';
            i += 2;
            continue;
        }
        std::size_t close = closing_brace(text, i);
        if (close == std::string_view::npos) return failure(ExpansionProblem::Kind::unterminated);
        std::string_view inner = text.substr(i + 2, close - i - 2);
        std::size_t separator = inner.find(":-");
        std::string_view name = inner.substr(0, separator);
        if (!is_variable_name(name)) return failure(ExpansionProblem::Kind::bad_reference);

        std::optional<std::string> value = env(name);
        if (separator != std::string_view::npos && (!value || value->empty())) {
            Expansion fallback = expand_variables(inner.substr(separator + 2), env);
            if (!fallback.value) return fallback;
            out += *fallback.value;
        } else if (value) {
            out += *value;
        } else {
            return failure(ExpansionProblem::Kind::unset_variable, std::string(name));
        }
        i = close + 1;
    }
    return {std::move(out), {}};
}

}  // namespace connspec
