#include "checks/pg_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "checks/conninfo.hpp"
#include "checks/password_command.hpp"
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

    // What the target's `url` says, where the suite does not say otherwise.
    const auto& url = options.target().url_options;
    auto from_url = [&](std::string_view keyword) -> std::optional<std::string> {
        if (auto found = url.find(keyword); found != url.end()) return found->second;
        return std::nullopt;
    };

    if (auto v = text("database")) out.database = *v;
    else if (auto u = from_url("dbname")) out.database = *u;
    if (auto v = text("user")) out.user = *v;
    else if (auto u = from_url("user")) out.user = *u;
    if (auto v = text("password_env")) {
        if (v->empty()) options.error("password_env", "`password_env` must name an environment variable");
        out.password_env = *v;
        options.secret_variable(*v);
    }
    if (options.has("password_command")) {
        if (auto argv = options.strings("password_command")) {
            if (argv->empty() || argv->front().empty())
                options.error("password_command",
                              "`password_command` must be an array whose first string names the "
                              "program, such as [\"vault\", \"read\", \"-field=password\", \"db/app\"]");
            out.password_command = *argv;
        }
    } else if (!inherit_from.empty()) {
        if (auto argv = options.sibling_strings(inherit_from, "password_command")) out.password_command = *argv;
    }
    static const std::vector<std::string_view> sslmodes{"disable", "allow", "prefer",
                                                        "require", "verify-ca", "verify-full"};
    if (options.has("sslmode")) {
        if (auto v = options.choice("sslmode", sslmodes)) out.sslmode = *v;
    } else if (!inherit_from.empty() && options.sibling_string(inherit_from, "sslmode")) {
        out.sslmode = *options.sibling_string(inherit_from, "sslmode");
    } else if (auto u = from_url("sslmode")) {
        out.sslmode = *u;
    }
    static const std::vector<std::string_view> negotiations{"postgres", "direct"};
    if (options.has("sslnegotiation")) {
        if (auto v = options.choice("sslnegotiation", negotiations)) out.sslnegotiation = *v;
    } else if (!inherit_from.empty() && options.sibling_string(inherit_from, "sslnegotiation")) {
        out.sslnegotiation = *options.sibling_string(inherit_from, "sslnegotiation");
    } else if (auto u = from_url("sslnegotiation")) {
        out.sslnegotiation = *u;
    }
    if (out.sslnegotiation == "postgres") out.sslnegotiation.clear();
    if (auto v = path("sslrootcert"))
        out.sslrootcert = *v;
    else if (auto u = from_url("sslrootcert"))
        out.sslrootcert = *u;
    else if (auto ca = options.sibling_path("certificate", "ca"))
        out.sslrootcert = *ca;
    if (auto v = path("sslcert"))
        out.sslcert = *v;
    else if (auto u = from_url("sslcert"))
        out.sslcert = *u;
    else
        out.sslcert = options.target().client_cert;
    if (auto v = path("sslkey"))
        out.sslkey = *v;
    else if (auto u = from_url("sslkey"))
        out.sslkey = *u;
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

PasswordResult find_password(const PgLoginOptions& options, const Target& target,
                             CheckContext& context)
{
    PasswordResult result;
    if (!options.password_command.empty()) {
        auto ran = run_password_command(options.password_command, context);
        result.password = std::move(ran.password);
        result.failure = std::move(ran.failure);
        return result;
    }
    if (!options.password_env.empty()) {
        const char* password = std::getenv(options.password_env.c_str());
        if (!password) {
            result.failure = errored("secret.unavailable",
                                     fmt::format("the environment variable {} (password_env) is not set",
                                                 options.password_env),
                                     "export the password in that variable before running connspec, "
                                     "or drop password_env to use libpq's password file");
            return result;
        }
        context.secret(password);
        result.password = password;
        return result;
    }
    if (target.url_password) {
        context.secret(*target.url_password);
        result.password = target.url_password;
    }
    return result;
}

PgParamsResult make_pg_params(const PgLoginOptions& options, const Target& target,
                              const std::string& address,
                              const std::optional<std::string>& password)
{
    PgParamsResult result;
    if (options.sslnegotiation == "direct" && libpq_version() < 170000) {
        result.failure = errored(
            "tls.unsupported",
            fmt::format("sslnegotiation = \"direct\" needs libpq 17 or newer; this connspec uses libpq {}",
                        libpq_version_text()),
            "run connspec with libpq 17+, or check direct TLS with `tls`/`certificate` and "
            "negotiation = \"direct\" (connspec's own TLS), and log in with sslnegotiation = \"postgres\"");
        return result;
    }
    auto& p = result.params;
    p.password = password;
    p.sslnegotiation = options.sslnegotiation;
    // What else the url set (connect_timeout, channel_binding, options, ...) goes to libpq as is.
    static const std::vector<std::string_view> handled{
        "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "sslrootcert",
        "sslcert", "sslkey", "sslnegotiation", "application_name", "gssencmode"};
    for (const auto& [key, value] : target.url_options)
        if (std::find(handled.begin(), handled.end(), key) == handled.end())
            p.extra.emplace_back(key, value);
    p.host = target.host;
    p.hostaddr = address;
    p.port = target.port;
    p.database = options.database;
    p.user = options.user;
    p.sslmode = options.sslmode;
    p.sslrootcert = options.sslrootcert;
    p.sslcert = options.sslcert;
    p.sslkey = options.sslkey;
    return result;
}

}  // namespace connspec
