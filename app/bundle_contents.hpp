// The pure parts of the support bundle: what goes into each text, from data already gathered.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/outcome.hpp"
#include "runner/plan.hpp"

namespace connspec {

// Names of the environment variables a suite reads passwords from (`password_env = "NAME"`).
std::vector<std::string> password_variables(std::string_view suite_text);

// The suite text with every secret value replaced by "***": values of keys that name a
// password, secret or token (but not `*_env`, which holds a variable's name), connection
// string and URI passwords, and every occurrence of a value in `secrets`.
std::string redact_suite(std::string_view suite_text, const std::vector<std::string>& secrets);

// The lines of an /etc/hosts text that mention one of `hosts`.
std::string matching_hosts_lines(std::string_view hosts_file, const std::vector<std::string>& hosts);

// The bundle's summary: the totals, then each failing or erroring case with its category,
// message, attempts and hint.
std::string summary_text(const Plan& plan, const std::vector<Outcome>& outcomes, int exit_code);

}  // namespace connspec
