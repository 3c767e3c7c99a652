#include "checks/pg_errors.hpp"

#include <fmt/format.h>

#include <regex>

#include "core/redact.hpp"

namespace connspec {
namespace {

bool contains(std::string_view text, std::string_view part)
{
    return text.find(part) != std::string_view::npos;
}

std::string trim(std::string text)
{
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

}  // namespace

PgError parse_pg_error(std::string_view message, const std::vector<std::string>& secrets)
{
    std::string clean = redact(message, secrets);
    PgError error;
    // "FATAL:  28P01: password authentication failed": severity, then the SQLSTATE.
    static const std::regex with_sqlstate{R"((ERROR|FATAL|PANIC):\s+([0-9A-Z]{5}):\s+)"};
    std::smatch match;
    if (std::regex_search(clean, match, with_sqlstate)) {
        error.sqlstate = match[2];
        clean = match.prefix().str() + match[1].str() + ":  " + match.suffix().str();
    }
    // Keep the lines that say something; LOCATION points into the server's source code.
    std::string text;
    std::size_t start = 0;
    while (start <= clean.size()) {
        auto end = clean.find('\n', start);
        if (end == std::string::npos) end = clean.size();
        auto line = trim(clean.substr(start, end - start));
        if (!line.empty() && !line.starts_with("LOCATION:")) {
            if (!text.empty()) text += "; ";
            text += line;
        }
        start = end + 1;
    }
    error.text = text.empty() ? "connection failed without a message" : text;
    return error;
}

std::string pg_connect_category(const PgError& error)
{
    const auto& s = error.sqlstate;
    const auto& t = error.text;
    if (s == "28P01") return "pg.auth";
    if (s == "28000") {
        // A role that does not exist is a credentials problem, not a pg_hba rule.
        if (contains(t, "role \"") && contains(t, "does not exist")) return "pg.auth";
        return "pg.hba";
    }
    if (s == "3D000") return "pg.database";
    if (s == "53300" || contains(t, "too many clients") ||
        contains(t, "remaining connection slots are reserved"))
        return "pg.too_many_connections";
    if (s.starts_with("28")) return "pg.auth";
    if (!s.empty()) return "pg.connect";
    // This machine could not even make a socket: its own shortage, never the server's.
    if (contains(t, "could not create socket") || contains(t, "Too many open files"))
        return "internal";
    // libpq's own failures: TLS and certificates, before the server said anything.
    if (contains(t, "server does not support SSL")) return "pg.ssl_required";
    if (contains(t, "does not match host name")) return "cert.hostname";
    if (contains(t, "certificate has expired")) return "cert.expired";
    if (contains(t, "certificate is not yet valid")) return "cert.not_yet_valid";
    if (contains(t, "certificate verify failed") || contains(t, "root certificate file") ||
        contains(t, "self-signed certificate") || contains(t, "unable to get local issuer"))
        return "cert.untrusted";
    if (contains(t, "password authentication failed") || contains(t, "no password supplied") ||
        contains(t, "password is required"))
        return "pg.auth";
    if (contains(t, "Connection refused")) return "tcp.refused";
    if (contains(t, "No route to host") || contains(t, "Network is unreachable"))
        return "tcp.unreachable";
    return "pg.connect";
}

std::string pg_hint(std::string_view category)
{
    if (category == "pg.auth")
        return "the server rejected the credentials: check the user name and the password in the "
               "variable named by password_env (or the password file), and the role's password "
               "(ALTER ROLE ... PASSWORD) and password_encryption on the server";
    if (category == "pg.hba")
        return "no pg_hba.conf line admits this connection: add a hostssl line for this user, "
               "database and client address (above any reject rule) and reload the server";
    if (category == "pg.database")
        return "the database does not exist: create it or fix `database` (names are "
               "case-sensitive)";
    if (category == "pg.too_many_connections")
        return "the server is at max_connections: find idle clients in pg_stat_activity, put a "
               "pooler (PgBouncer) in front, or raise max_connections";
    if (category == "pg.ssl_required")
        return "the server does not offer TLS: set ssl = on with a certificate in "
               "postgresql.conf, or lower sslmode only if plain text is acceptable on this link";
    if (category == "cert.untrusted")
        return "the server certificate does not verify against sslrootcert: point sslrootcert "
               "(or certificate.ca) at the CA that issued it, and check that the certificate "
               "has not expired";
    if (category == "cert.hostname")
        return "the server certificate does not name the target host: connect by a name in its "
               "subjectAltName list or reissue the certificate for this name";
    if (category == "cert.expired") return "the server certificate has expired: renew it";
    if (category == "cert.not_yet_valid")
        return "the server certificate is not valid yet: check the clocks of server and client";
    if (category == "pg.timeout")
        return "the server did not finish the startup (TLS, authentication, query) in time: "
               "check its load, a proxy or pooler in the path, or slow authentication "
               "(LDAP/RADIUS), or raise the timeout";
    if (category == "pg.query")
        return "the query failed or returned something else: check the query, the user's "
               "privileges and `expect`";
    if (category == "pg.connect")
        return "libpq could not complete the startup: see the message; check that the port "
               "is a PostgreSQL server and the protocol/sslmode settings";
    if (category == "tcp.refused")
        return "nothing accepted the connection: the server is not running, listens on another "
               "port or only on localhost, or a firewall rejects it";
    if (category == "tcp.unreachable")
        return "no route to the address: check routing, VPN and security groups";
    return {};
}

bool pg_is_decision(std::string_view category)
{
    return category == "pg.auth" || category == "pg.hba" || category == "pg.database" ||
           category == "pg.ssl_required" || category.starts_with("cert.");
}

Outcome pg_connect_failure(const PgError& error, std::string_view where, std::string category)
{
    if (category.empty()) category = pg_connect_category(error);
    std::string message = where.empty() ? error.text : fmt::format("{}: {}", where, error.text);
    if (!error.sqlstate.empty()) message += fmt::format(" (SQLSTATE {})", error.sqlstate);
    // Our side could not try (libpq missing, out of memory): no verdict on the server.
    if (category == "internal")
        return errored(std::move(category), std::move(message),
                       "this machine could not make the attempt (out of file descriptors or "
                       "memory?): not the server's doing");
    auto hint = pg_hint(category);
    return failed(std::move(category), std::move(message), std::move(hint));
}

}  // namespace connspec
