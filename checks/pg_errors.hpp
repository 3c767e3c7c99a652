// PostgreSQL failures classified into connspec's categories. The SQLSTATE decides wherever the
// server sent one; libpq's own wording only where it failed before the server spoke (TLS,
// certificates, sockets).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/outcome.hpp"

namespace connspec {

struct PgError {
    std::string sqlstate;  // "28P01"; empty when libpq failed on its own
    std::string text;      // one line, secrets already removed
};

// Reads a libpq error message produced with PQERRORS_VERBOSE ("FATAL:  28P01: password ...",
// then a "LOCATION:" line), scrubbing `secrets` and connection-string passwords.
PgError parse_pg_error(std::string_view message, const std::vector<std::string>& secrets);

// pg.auth, pg.hba, pg.database, pg.too_many_connections, pg.ssl_required, cert.untrusted,
// cert.hostname, cert.expired, cert.not_yet_valid, tcp.refused, tcp.unreachable, pg.query
// (an error after the login), or pg.connect when nothing more precise applies.
std::string pg_connect_category(const PgError& error);

// What the on-call engineer can do about a category (empty for unknown ones).
std::string pg_hint(std::string_view category);

// True when trying the next address of the target cannot change the verdict: the server
// decided (credentials, pg_hba, database, certificate, TLS policy).
bool pg_is_decision(std::string_view category);

// A failed outcome for `error`, its message prefixed by `where`; `category` empty: classify it.
Outcome pg_connect_failure(const PgError& error, std::string_view where, std::string category = {});

}  // namespace connspec
