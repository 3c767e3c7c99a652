// A guard in front of toml++ 3.3 (Debian 12's), whose character tables reach
// __builtin_unreachable for many non-ASCII characters (U+00A1..U+0499, U+2C3E..U+3037) when it
// asks whether they are whitespace: undefined behaviour that the fuzzer found. It asks only at
// places where TOML 1.0 allows no non-ASCII character anyway (outside strings and comments)
// and at one place where TOML does allow one (the first character after a line-ending
// backslash in a multi-line basic string). This scan finds both before toml++ sees the text,
// so each is a FILE:LINE:COL mistake instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace connspec {

struct TomlGuardProblem {
    int line = 1;
    int column = 1;  // in characters, as toml++ counts
    std::string message;
};

// The first place in `text` that toml++ 3.3 would mishandle, or nullopt.
std::optional<TomlGuardProblem> toml_guard_problem(std::string_view text);

}  // namespace connspec
