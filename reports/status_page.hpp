// watch's status page at "/": the latest run's chain per target (as in the HTML report) and,
// per case, its last runs as a strip of small coloured cells with their times. Kept apart
// from watch's HTTP serving: watch keeps the runs (app/watch_snapshot) and render_status_page
// is a pure function of what it kept.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "reports/reporter.hpp"

namespace connspec {

// One past run of one case.
struct PastRun {
    std::chrono::system_clock::time_point at;  // when the run ended
    Status status = Status::passed;
    double seconds = 0;                        // the case's duration
    std::string category;                      // of a failure or error
};

// Everything the page shows, copied out of the runs (no references into a finished run).
struct StatusPageData {
    RunDescription run;              // the latest run's targets and cases
    RunInfo info;                    // where and when it ran
    std::vector<Outcome> outcomes;   // its outcomes, run order (logs and handoffs dropped)
    double duration_seconds = 0;
    bool interrupted = false;
    std::vector<std::vector<PastRun>> history;  // per case of `run`: oldest first, the latest last
    std::size_t runs = 0;            // runs recorded since watch started
    int refresh_seconds = 10;        // the page reloads itself this often
};

// The page for `snapshot`: self-contained HTML (inline CSS, no scripts) that refreshes itself.
// With no run recorded yet it says so (and still refreshes).
std::string render_status_page(const StatusPageData& snapshot);

}  // namespace connspec
