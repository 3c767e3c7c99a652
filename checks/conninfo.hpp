// libpq connection strings (`url`, `connspec init`), parsed by libpq itself (PQconninfoParse):
// URIs (postgresql://user:password@host:5432/db?sslmode=verify-full) and key=value strings.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace connspec {

struct Conninfo {
    // The keywords the string sets, with their values, in libpq's order ("host", "port",
    // "dbname", "user", "password", "sslmode", ...); percent-decoding done.
    std::vector<std::pair<std::string, std::string>> options;
    // Why libpq refused it; quoted fragments are left out (they may hold the password).
    std::string error;
    bool ok() const { return error.empty(); }
};

Conninfo parse_conninfo(const std::string& text);

// The version of the libpq this process uses, as PQlibVersion counts (150005), and as text ("15.5").
int libpq_version();
std::string libpq_version_text();

}  // namespace connspec
