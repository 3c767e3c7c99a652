#include "app/repeated_run.hpp"

#include <poll.h>

#include <fmt/format.h>

#include "app/cadence.hpp"
#include "app/silent_reporter.hpp"
#include "reports/tally.hpp"
#include "runner/repetition.hpp"

namespace connspec {

std::vector<Outcome> run_repeatedly(const Plan& plan, const RunDescription& description,
                                    const RunOptions& options, const RunInfo& info, int times,
                                    Duration interval, const StopSignal& stop, std::ostream& progress)
{
    Repetition repetition(plan.cases.size());
    Cadence cadence(interval);
    SilentReporter silent;
    for (int run = 1; run <= times; ++run) {
        cadence.started(Clock::now());
        auto outcomes = run_plan(plan, description, options, info, silent, stop);
        Tally tally;
        for (const auto& o : outcomes) tally.add(o);
        repetition.add(std::move(outcomes));
        progress << fmt::format("run {} of {}: {} passed, {} failed, {} errors, {} skipped\n", run, times,
                                tally.passed, tally.failed, tally.errors, tally.skipped);
        progress.flush();
        if (stop.requested() || run == times) break;
        cadence.finished(Clock::now());
        pollfd p{stop.fd(), POLLIN, 0};
        while (!stop.requested()) {
            int left = millis_left(cadence.next_start());
            if (left <= 0) break;
            ::poll(&p, 1, left);
        }
        if (stop.requested()) break;
    }
    return repetition.combined();
}

}  // namespace connspec
