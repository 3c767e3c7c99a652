#include "checks/conninfo.hpp"

#include <libpq-fe.h>

#include <fmt/format.h>


namespace connspec {

Conninfo parse_conninfo(const std::string& text)
{
    Conninfo out;
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &error);
    if (!options) {
        std::string message = error ? error : "libpq could not parse it (out of memory?)";
        if (error) PQfreemem(error);
        // libpq quotes the piece it stumbled on, which may be part of the password: quoted
        // pieces longer than one character (not the "=" it expected) are left out.
        std::string cleaned;
        for (std::size_t at = 0; at < message.size();) {
            auto open = message.find('"', at);
            auto close = open == std::string::npos ? open : message.find('"', open + 1);
            if (close == std::string::npos) {
                cleaned += message.substr(at);
                break;
            }
            cleaned += message.substr(at, open - at);
            cleaned += close - open - 1 > 1 ? std::string("(...)") : message.substr(open, close - open + 1);
            at = close + 1;
        }
        message = cleaned;
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        out.error = message.empty() ? "libpq could not parse it" : message;
        return out;
    }
    for (const PQconninfoOption* o = options; o->keyword; ++o)
        if (o->val && *o->val) out.options.emplace_back(o->keyword, o->val);
    PQconninfoFree(options);
    return out;
}

int libpq_version()
{
    return PQlibVersion();
}

std::string libpq_version_text()
{
    int v = PQlibVersion();
    return fmt::format("{}.{}", v / 10000, v % 10000);
}

}  // namespace connspec
