// What a report receives. Reports only ever see these events and the read-only records in
// them; they never run checks.
//
// Events arrive on one thread: run_started once, case_finished once per planned case in the
// order cases end (not run order), run_finished once with every outcome in run order.
// Between them, case_started when a case begins its first attempt (cases skipped or
// interrupted before they ran never start) and tick about every 20 ms while the run goes on;
// both do nothing unless a report wants them (live progress does).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/outcome.hpp"
#include "reports/run_description.hpp"

namespace connspec {

struct RunInfo {
    std::string hostname;  // where the run happened (JUnit's hostname)
    std::string vantage;   // --vantage NAME, or empty
    std::chrono::system_clock::time_point started;
};

struct RunResult {
    const RunDescription& run;
    const RunInfo& info;
    std::vector<Outcome> outcomes;            // one per case, in run order
    std::chrono::duration<double> duration{};  // wall time of the whole run
    bool interrupted = false;
};

class Reporter {
public:
    virtual ~Reporter() = default;
    virtual void run_started(const RunDescription& run, const RunInfo& info) = 0;
    // `index` is the case's position in run.cases.
    virtual void case_finished(std::size_t index, const Outcome& outcome) = 0;
    // The case at `index` began running (it is then waiting on the network until it finishes).
    virtual void case_started(std::size_t /*index*/) {}
    // Time passes: a periodic wake-up while the run goes on, for reports that redraw.
    virtual void tick() {}
    // Cumulative reports write their file here; a failure to write throws std::runtime_error.
    virtual void run_finished(const RunResult& result) = 0;
};

}  // namespace connspec
