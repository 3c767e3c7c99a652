// "Did you mean": the known key closest to a mistyped one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace connspec {

// Optimal string alignment distance (insertions, deletions, substitutions and swaps of two
// neighbours), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known key nearest to `wrong`, when it is close enough to be a likely typo (at most one
// edit for keys up to 3 characters, two up to 6, three beyond); the first one wins a tie.
std::optional<std::string> nearest_key(std::string_view wrong, const std::vector<std::string>& known);

}  // namespace connspec
