#include "runner/scheduler.hpp"
namespace connspec {
std::vector<Outcome> run_plan(const Plan& plan, const RunOptions&, const RunInfo&, Reporter&, const StopSignal&)
{
    return std::vector<Outcome>(plan.cases.size());
}
}  // namespace connspec
