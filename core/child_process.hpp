// Running a program (argv, no shell) under a time limit, capturing its output: the bundle's
// diagnostics (ip, ss) and anything else that must run a helper program without hanging.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace connspec {

struct ProcessOutput {
    std::string command;  // as run, for the bundle's text
    std::string output;   // standard output, then standard error
    int exit_code = -1;
    bool missing = false;    // the tool is not installed
    bool timed_out = false;  // killed at the deadline
};

// Runs argv (argv[0] looked up in PATH) with no input, capturing its output, and kills it
// when `limit` passes. Never throws for a missing tool: `missing` says so.
ProcessOutput run_process(const std::vector<std::string>& argv, std::chrono::milliseconds limit);

// The probe as one text block for the bundle: "$ command", the output, and a note on
// absence, timeout or exit status.
std::string describe(const ProcessOutput& probe);

}  // namespace connspec
