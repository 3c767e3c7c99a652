// The subcommands, free of any command-line library: runner/cli.cpp parses argv into these.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "runner/scheduler.hpp"
#include "runner/selection.hpp"

namespace connspec {

enum ExitCode : int { exit_passed = 0, exit_failed = 1, exit_usage = 2, exit_interrupted = 130 };

struct RunRequest {
    std::vector<std::string> suites;
    std::string junit_file;  // empty: none
    std::string json_file;   // empty: none
    std::string html_file;   // empty: none
    bool tap = false;        // TAP on stdout instead of the console report
    std::optional<int> jobs;
    std::optional<std::string> timeout;  // a duration, as typed
    Selection selection;
    std::optional<std::string> shard;  // "K/N", as typed
    std::string vantage;
    int repeat = 1;                              // --repeat N: run the selection N times
    std::optional<std::string> repeat_interval;  // --interval D between the repeated runs' starts
    std::string capture_dir;  // --capture DIR: a pcap per failing or erroring case; empty: none
};

// A finished (or refused) run: the exit status, and what ran when anything did.
struct RunRecord {
    int exit_code = exit_usage;
    std::optional<Plan> plan;       // empty when nothing ran
    std::vector<Outcome> outcomes;  // in plan order
};

// Runs the request and writes its reports; `run` is this plus the exit status, `bundle`
// uses the record.
// The checked options and the selected plan of a request: nullopt (with the reason on `err`)
// for a usage or suite error. execute_run and watch start from here.
struct PreparedRun {
    Plan plan;
    RunOptions options;
};
std::optional<PreparedRun> prepare_run(const RunRequest& request, std::ostream& err);
// This machine's name (JUnit's hostname when no --vantage is given).
std::string this_hostname();

RunRecord execute_run(const RunRequest& request, std::ostream& out, std::ostream& err);
int run_command(const RunRequest& request, std::ostream& out, std::ostream& err);
// Why `file` cannot be written (missing or read-only folder), or nullopt when it can.
std::optional<std::string> unwritable_report(const std::string& file);

// Why writing any of `reports` ({option, file}; empty file: none) would overwrite a suite or
// another report of the same run, or nullopt when none would.
std::optional<std::string> overwrites_input(
    const std::vector<std::string>& suites,
    const std::vector<std::pair<std::string, std::string>>& reports);

// Loads only; every mistake on `err`; 0 or 2.
int validate_command(const std::vector<std::string>& suites, std::ostream& out, std::ostream& err);
// The cases, one a line, with their prerequisites.
int list_command(const std::vector<std::string>& suites, std::ostream& out, std::ostream& err);
// Merges JUnit files into `output`; 0 when every merged case passed or was skipped, 1 when
// any failed or errored, 2 when an input is unreadable (nothing written).
int merge_command(const std::vector<std::string>& inputs, const std::string& output,
                  std::ostream& out, std::ostream& err);

}  // namespace connspec
