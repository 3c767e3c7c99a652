#include "checks/pg_options.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <regex>

#include "core/option_reader.hpp"

namespace connspec {

std::optional<int> parse_server_version(std::string_view text)
{
    static const std::regex form{R"((\d{1,3})(?:\.(\d{1,3}))?)"};
    std::match_results<std::string_view::const_iterator> match;
    if (!std::regex_match(text.begin(), text.end(), match, form)) return std::nullopt;
    int major = std::stoi(match[1].str());
    int minor = match[2].matched ? std::stoi(match[2].str()) : 0;
    // Before 10 the version had three parts: 9.6.x is 90600 + x.
    if (major < 10) return major * 10000 + minor * 100;
    return major * 10000 + minor;
}

PgLoginOptions read_pg_login_options(OptionReader& options, std::string_view inherit_from)
{
    PgLoginOptions out;
    auto text = [&](std::string_view key) -> std::optional<std::string> {
        if (options.has(key)) return options.string(key);
        if (!inherit_from.empty()) return options.sibling_string(inherit_from, key);
        return std::nullopt;
    };
    auto path = [&](std::string_view key) -> std::optional<std::string> {
        if (options.has(key)) return options.path(key);
        if (!inherit_from.empty()) return options.sibling_path(inherit_from, key);
        return std::nullopt;
    };

    if (auto v = text("database")) out.database = *v;
    if (auto v = text("user")) out.user = *v;
    if (auto v = text("password_env")) {
        if (v->empty()) options.error("password_env", "`password_env` must name an environment variable");
        out.password_env = *v;
    }
    static const std::vector<std::string_view> sslmodes{"disable", "allow", "prefer",
                                                        "require", "verify-ca", "verify-full"};
    if (options.has("sslmode")) {
        if (auto v = options.choice("sslmode", sslmodes)) out.sslmode = *v;
    } else if (!inherit_from.empty()) {
        if (auto v = options.sibling_string(inherit_from, "sslmode")) out.sslmode = *v;
    }
    if (auto v = path("sslrootcert"))
        out.sslrootcert = *v;
    else if (auto ca = options.sibling_path("certificate", "ca"))
        out.sslrootcert = *ca;
    if (auto v = path("sslcert"))
        out.sslcert = *v;
    else
        out.sslcert = options.target().client_cert;
    if (auto v = path("sslkey"))
        out.sslkey = *v;
    else
        out.sslkey = options.target().client_key;
    if (auto v = text("query")) {
        if (v->empty()) options.error("query", "`query` must not be empty");
        out.query = *v;
    }
    out.expect = text("expect");
    if (auto v = text("server_version_min")) {
        out.server_version_min = parse_server_version(*v);
        out.server_version_min_text = *v;
        if (!out.server_version_min && options.has("server_version_min"))
            options.error("server_version_min",
                          "`server_version_min` must be a PostgreSQL version such as \"14\" or \"14.2\"");
    }
    return out;
}

PgParamsResult make_pg_params(const PgLoginOptions& options, const Target& target,
                              const std::string& address)
{
    PgParamsResult result;
    auto& p = result.params;
    p.host = target.host;
    p.hostaddr = address;
    p.port = target.port;
    p.database = options.database;
    p.user = options.user;
    p.sslmode = options.sslmode;
    p.sslrootcert = options.sslrootcert;
    p.sslcert = options.sslcert;
    p.sslkey = options.sslkey;
    if (!options.password_env.empty()) {
        const char* password = std::getenv(options.password_env.c_str());
        if (!password) {
            result.failure = errored("internal",
                                     fmt::format("the environment variable {} (password_env) is not set",
                                                 options.password_env),
                                     "export the password in that variable before running connspec, "
                                     "or drop password_env to use libpq's password file");
            return result;
        }
        p.password = password;
    }
    return result;
}

}  // namespace connspec
