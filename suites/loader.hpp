// Loading suite files into a Plan: TOML parsing, ${VAR} expansion, [defaults] merge,
// validation. Every mistake of every file is collected; a plan is only usable without any.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/plan.hpp"

namespace connspec {

// Looks up an environment variable; tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_environment();

struct LoadResult {
    Plan plan;
    // "FILE:LINE:COL: message", in file order then position order. Never a password value.
    std::vector<std::string> errors;
    bool ok() const { return errors.empty(); }
};

LoadResult load_suites(const std::vector<std::string>& files,
                       const EnvLookup& env = process_environment());

}  // namespace connspec
