// `password_command`: a program (an argument array, no shell) whose first output line is the
// password: cloud IAM tokens, vault clients. It runs under the case deadline and is killed
// (with everything it started) when the deadline passes or a stop is requested.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/check_kind.hpp"

namespace connspec {

struct PasswordCommandResult {
    std::optional<std::string> password;  // the first line of its output
    std::optional<Outcome> failure;       // secret.unavailable, or interrupted
};

// Runs argv; the password it prints is added to the run's secrets before anything else sees it.
PasswordCommandResult run_password_command(const std::vector<std::string>& argv,
                                           CheckContext& context);

}  // namespace connspec
