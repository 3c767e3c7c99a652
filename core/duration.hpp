// Durations as suites and the command line write them: "250ms", "1.5s", "2m", "1h".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/deadline.hpp"

namespace connspec {

// nullopt for anything else (no unit, unknown unit, negative, empty).
std::optional<Duration> parse_duration(std::string_view text);

// "1.5s", "250ms": the shortest exact way to write it.
std::string format_duration(Duration d);

}  // namespace connspec
