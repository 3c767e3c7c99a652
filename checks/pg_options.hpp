// The login options shared by `login` and `sessions` (which inherits them from `login`), and
// the libpq parameters they become at run time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/outcome.hpp"
#include "checks/check_kind.hpp"
#include "checks/pg_connect.hpp"
#include "core/target.hpp"

namespace connspec {

class OptionReader;

struct PgLoginOptions {
    std::string database;
    std::string user;
    std::string password_env;  // a variable's name; empty: libpq's password file
    std::vector<std::string> password_command;  // argv whose first output line is the password
    std::string sslmode = "require";
    std::string sslrootcert;
    std::string sslcert;
    std::string sslkey;
    std::string sslnegotiation;  // "direct" (libpq 17+), or empty: PostgreSQL's SSLRequest
    std::string query = "SELECT 1";
    std::optional<std::string> expect;
    std::optional<int> server_version_min;  // as PQserverVersion counts: 140002 for "14.2"
    std::string server_version_min_text;
};

// Reads the login options of a case table. With `inherit_from` ("login"), an option the table
// does not set comes from that sibling case.
PgLoginOptions read_pg_login_options(OptionReader& options, std::string_view inherit_from = {});

// "14" -> 140000, "14.2" -> 140002, "9.6" -> 90600; nullopt for anything else.
std::optional<int> parse_server_version(std::string_view text);

struct PasswordResult {
    std::optional<std::string> password;  // none: libpq's password file or $PGPASSWORD
    std::optional<Outcome> failure;       // secret.unavailable, or interrupted
};

// The password of a case, found now: password_command (run under the deadline), else the
// variable password_env names, else the one inside the target's `url`. Each is a run secret.
PasswordResult find_password(const PgLoginOptions& options, const Target& target,
                             CheckContext& context);

struct PgParamsResult {
    PgParams params;
    std::optional<Outcome> failure;  // a setting this libpq cannot honour (sslnegotiation)
};

// libpq parameters for connecting to `address` with `password`.
PgParamsResult make_pg_params(const PgLoginOptions& options, const Target& target,
                              const std::string& address,
                              const std::optional<std::string>& password);

}  // namespace connspec
