#include "runner/plan.hpp"

namespace connspec {

std::string Plan::case_id(const PlannedCase& c) const
{
    return target_of(c).name + "." + std::string(c.kind->name);
}

RunDescription describe(const Plan& plan)
{
    RunDescription run;
    run.targets.reserve(plan.targets.size());
    for (const auto& t : plan.targets) run.targets.push_back({t.suite, t.name});
    run.cases.reserve(plan.cases.size());
    for (const auto& c : plan.cases) run.cases.push_back({c.target_index, std::string(c.kind->name)});
    return run;
}

}  // namespace connspec
