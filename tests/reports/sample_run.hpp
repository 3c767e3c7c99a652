// A hand-made run and its outcomes for the report tests: every status, properties, log
// lines, retries, and awkward text (quotes, markup, non-ASCII, control characters, invalid
// UTF-8). Durations and the start time are fixed so reports can be compared byte for byte.
#pragma once

#include <string>
#include <vector>

#include "reports/reporter.hpp"

namespace connspec::test {

struct SampleRun {
    RunDescription description;
    RunInfo info;
    std::vector<Outcome> outcomes;  // run order
    std::vector<std::size_t> completion_order;
    std::chrono::duration<double> duration{1.25};
    bool interrupted = false;

    RunResult result() const { return RunResult{description, info, outcomes, duration, interrupted}; }
};

// A target of `suite` with the named cases, appended to `run`.
void add_target(RunDescription& run, const std::string& suite, const std::string& name,
                const std::vector<std::string>& cases);

SampleRun sample_run();

// Sends the run's events to `reporter`: run_started, case_finished in completion order,
// run_finished.
void replay(const SampleRun& run, Reporter& reporter);

// The golden file tests/reports/golden/NAME. With CONNSPEC_UPDATE_GOLDEN=1 set, `actual` is
// written there first (to refresh the files after an intended change).
std::string golden(const std::string& name, const std::string& actual);

}  // namespace connspec::test
