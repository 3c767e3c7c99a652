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
// The JSON document of a whole run, as make_json_reporter writes it (watch's /results.json).
std::string json_document(const RunResult& result);
// The HTML report: one self-contained page (inline CSS and SVG), written atomically to `path`
// at run_finished; render_html_report is the same page as text.
std::unique_ptr<Reporter> make_html_reporter(std::string path);
std::string render_html_report(const RunResult& result);

// Live progress on a terminal: wraps the console report `inner` (which writes to `out` too)
// and keeps one status line under its lines — cases done/total, failures so far, the case
// that has waited longest — redrawn in place at most 10 times a second and cleared before
// the summary. `width` is the terminal's width in columns (the line is cut to fit).
std::unique_ptr<Reporter> make_progress_reporter(std::unique_ptr<Reporter> inner, std::ostream& out,
                                                 int width);

}  // namespace connspec
