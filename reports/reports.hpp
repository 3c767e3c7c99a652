// The report formats. Each is one file in reports/; the runner creates them from here.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "reports/reporter.hpp"

namespace connspec {

// A line per case as it ends, then "N passed, N failed, N errors, N skipped in T s".
std::unique_ptr<Reporter> make_console_reporter(std::ostream& out, bool colour);
// TAP 14, streamed in plan order as cases end (for meson test).
std::unique_ptr<Reporter> make_tap_reporter(std::ostream& out);
// JUnit XML built from the whole run, written atomically to `path` at run_finished.
std::unique_ptr<Reporter> make_junit_reporter(std::string path);
// JSON results, written atomically to `path` at run_finished.
std::unique_ptr<Reporter> make_json_reporter(std::string path);

}  // namespace connspec
