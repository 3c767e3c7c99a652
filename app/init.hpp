// `connspec init URL [-o FILE]`: a starter suite for a libpq connection string.
#pragma once

#include <ostream>
#include <string>

namespace connspec {

// The suite for `url` (parsed by libpq): one target with every case that fits the string
// (resolves, port_open, tls and certificate unless sslmode is disable, login, sessions), the
// password replaced by password_env. Empty with `problem` set when the string is not valid.
std::string starter_suite(const std::string& url, std::string& problem);

// Writes the suite to `output` (never over an existing file; whole or not at all) or to `out`
// when `output` is empty. 0, or 2 with the reason on `err`. Never prints the password.
int init_command(const std::string& url, const std::string& output, std::ostream& out,
                 std::ostream& err);

}  // namespace connspec
