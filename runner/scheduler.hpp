// Runs a plan: bounded parallelism, prerequisites, deadlines, retries, stop requests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/deadline.hpp"
#include "reports/reporter.hpp"
#include "runner/plan.hpp"

namespace connspec {

struct RunOptions {
    int jobs = 16;                    // most cases at once
    std::optional<Duration> timeout;  // --timeout: overrides every case's deadline
    // --capture: the folder that gets a pcap of each failing or erroring case's packets; empty:
    // no captures. Set only once capturing is known to work here (PacketCapture::unavailable).
    std::string capture_dir;
};

// Runs every case of `plan`, sending events to `reporter` on the calling thread, and returns
// the outcomes in plan order. After `stop` is requested no new case starts; running cases
// end as soon as their waits notice, and every unfinished case is an "interrupted" error.
// `description` is describe(plan), kept alive by the caller for the reporters.
std::vector<Outcome> run_plan(const Plan& plan, const RunDescription& description,
                              const RunOptions& options, const RunInfo& info, Reporter& reporter,
                              const StopSignal& stop);

}  // namespace connspec
