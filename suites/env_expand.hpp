// ${NAME}, ${NAME:-default} and $$ in suite strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "suites/loader.hpp"

namespace connspec {

// Why a string could not be expanded. Names the variable, never a value.
struct ExpansionProblem {
    enum class Kind { unset_variable, unterminated, bad_reference } kind = Kind::bad_reference;
    std::string variable;  // for unset_variable
};

struct Expansion {
    std::optional<std::string> value;  // nullopt when `problem` applies
    ExpansionProblem problem;
};

// `${NAME}` is the variable's value (empty if set but empty); `${NAME:-default}` uses the
// (itself expanded) default when NAME is unset or empty, like the shell; `$$` is one `$`.
// Any other `$` stays as written. NAME is [A-Za-z_][A-Za-z0-9_]*.
Expansion expand_variables(std::string_view text, const EnvLookup& env);

}  // namespace connspec
