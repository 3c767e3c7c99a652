// The login options shared by `login` and `sessions` (which inherits them from `login`), and
// the libpq parameters they become at run time.
#pragma once

#include <optional>
#include <string>

#include "core/outcome.hpp"
#include "checks/pg_connect.hpp"
#include "core/target.hpp"

namespace connspec {

class OptionReader;

struct PgLoginOptions {
    std::string database;
    std::string user;
    std::string password_env;  // a variable's name; empty: libpq's password file
    std::string sslmode = "require";
    std::string sslrootcert;
    std::string sslcert;
    std::string sslkey;
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

struct PgParamsResult {
    PgParams params;
    std::optional<Outcome> failure;  // password_env names an unset variable
};

// libpq parameters for connecting to `address`; the password is read from the environment now.
PgParamsResult make_pg_params(const PgLoginOptions& options, const Target& target,
                              const std::string& address);

}  // namespace connspec
