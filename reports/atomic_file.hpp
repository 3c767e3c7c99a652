// Report files are written whole or not at all: a pipeline never reads half a report, and a
// failed write never leaves a stray temporary file behind.
#pragma once

#include <string>
#include <string_view>

namespace connspec {

// Writes `content` to a new temporary file in the folder of `path`, flushes it to disk and
// renames it over `path`. On failure nothing new is left in the folder and std::runtime_error
// names the path and the reason.
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace connspec
