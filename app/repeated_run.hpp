// `run --repeat N [--interval D]`: the plan run N times, D from one start to the next (never
// overlapping), combined into one outcome per case (runner/repetition.hpp).
#pragma once

#include <ostream>
#include <vector>

#include "runner/scheduler.hpp"

namespace connspec {

// Runs `plan` `times` times; progress lines ("run 2 of 10: ...") go to `progress`. After a stop
// request no further run starts; the interrupted run counts with its interrupted cases.
std::vector<Outcome> run_repeatedly(const Plan& plan, const RunDescription& description,
                                    const RunOptions& options, const RunInfo& info, int times,
                                    Duration interval, const StopSignal& stop, std::ostream& progress);

}  // namespace connspec
