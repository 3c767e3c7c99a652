#include "app/bundle_contents.hpp"

#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "core/redact.hpp"

namespace connspec {

std::vector<std::string> password_variables(std::string_view suite_text)
{
    static const std::regex key(R"re(password_env\s*=\s*["']([A-Za-z_][A-Za-z0-9_]*)["'])re");
    std::vector<std::string> names;
    std::string text(suite_text);
    for (std::sregex_iterator it(text.begin(), text.end(), key), end; it != end; ++it)
        names.push_back((*it)[1]);
    return names;
}

std::string redact_suite(std::string_view suite_text, const std::vector<std::string>& secrets)
{
    // KEY = VALUE where KEY names a secret; the value is a quoted string or a bare word.
    static const std::regex secret_value(
        R"re(((?:^|[\s{,])[A-Za-z0-9_-]*(?:password|passwd|secret|token)[A-Za-z0-9_-]*\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^,}\s#]+))re",
        std::regex::icase);
    static const std::regex names_variable(R"(_env\s*=\s*$)", std::regex::icase);
    std::string text(suite_text), out;
    auto last = text.cbegin();
    for (std::sregex_iterator it(text.begin(), text.end(), secret_value), end; it != end; ++it) {
        const auto& m = *it;
        std::string key = m[1].str();
        out.append(last, m[0].first);
        // A *_env key holds a variable's name, not its value.
        bool names_a_variable = std::regex_search(key, names_variable);
        out += key + (names_a_variable ? m[2].str() : "\"***\"");
        last = m[0].second;
    }
    out.append(last, text.cend());
    return redact(out, secrets);
}

std::string matching_hosts_lines(std::string_view hosts_file, const std::vector<std::string>& hosts)
{
    std::istringstream in{std::string(hosts_file)};
    std::string line, out;
    while (std::getline(in, line)) {
        auto content = line.substr(0, line.find('#'));
        std::istringstream words(content);
        std::string word;
        bool match = false;
        while (words >> word)
            for (const auto& h : hosts) match = match || word == h;
        if (match) out += line + "\n";
    }
    return out;
}

std::string summary_text(const Plan& plan, const std::vector<Outcome>& outcomes, int exit_code)
{
    int counts[4] = {};
    for (const auto& o : outcomes) ++counts[static_cast<int>(o.status)];
    std::string text = fmt::format(
        "connspec support bundle\n\n{} passed, {} failed, {} errors, {} skipped (exit status {})\n",
        counts[0], counts[1], counts[2], counts[3], exit_code);
    bool any = false;
    for (std::size_t i = 0; i < outcomes.size() && i < plan.cases.size(); ++i) {
        const Outcome& o = outcomes[i];
        if (o.status != Status::failed && o.status != Status::error) continue;
        if (!any) text += "\nFailing cases:\n";
        any = true;
        const auto& c = plan.cases[i];
        text += fmt::format("\n{}.{}: {} {}\n  {}\n  attempts: {}\n", plan.target_of(c).suite,
                            plan.case_id(c), to_string(o.status), o.category, o.message, o.attempts);
        if (!o.hint.empty()) text += "  hint: " + o.hint + "\n";
    }
    if (!any) text += "\nNo case failed.\n";
    return text;
}

}  // namespace connspec
