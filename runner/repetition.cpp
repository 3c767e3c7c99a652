#include "runner/repetition.hpp"

#include <map>

#include <fmt/format.h>

namespace connspec {
namespace {

Outcome combine(const std::vector<Outcome>& runs)
{
    if (runs.empty()) return skipped("not run");
    int passed_runs = 0, attempts = 0;
    std::chrono::duration<double> duration{};
    std::map<std::string, int> others;  // what the other runs saw: category, or "skipped"
    const Outcome* last_passed = nullptr;
    const Outcome* last_not_passed = nullptr;
    const Outcome* last_failed = nullptr;  // failed or error
    for (const auto& o : runs) {
        attempts += o.attempts;
        duration += o.duration;
        if (o.status == Status::passed) {
            ++passed_runs;
            last_passed = &o;
            continue;
        }
        last_not_passed = &o;
        if (o.status == Status::skipped) {
            ++others["skipped"];
        } else {
            last_failed = &o;
            ++others[o.category.empty() ? std::string(to_string(o.status)) : o.category];
        }
    }
    const int n = static_cast<int>(runs.size());
    const double rate = static_cast<double>(passed_runs) / n;

    Outcome combined;
    if (passed_runs == n) {
        combined = *last_passed;
    } else if (passed_runs == 0) {
        // Never passed: the last failure (or error) speaks for the case, else the last skip.
        combined = last_failed ? *last_failed : *last_not_passed;
    } else {
        std::string seen;
        for (const auto& [what, count] : others)
            seen += fmt::format("{}{} \u00d7{}", seen.empty() ? "" : ", ", what, count);
        combined = failed("flaky",
                          fmt::format("passed {} of {} runs ({:.1f}%); the others: {}", passed_runs, n,
                                      rate * 100.0, seen),
                          last_failed && !last_failed->hint.empty()
                              ? "the expectation holds only some of the time; when it does not: " + last_failed->hint
                              : "the expectation holds only some of the time: look at what the failing runs saw");
        combined.properties = last_passed->properties;
        if (last_failed) combined.log.push_back(fmt::format("last failing run: {}: {}", last_failed->category,
                                                            last_failed->message));
    }
    combined.handoff.reset();
    combined.attempts = attempts;
    combined.duration = duration;
    combined.property("runs", std::to_string(n));
    combined.property("passed_runs", std::to_string(passed_runs));
    combined.property("success_rate", fmt::format("{:.3f}", rate));
    return combined;
}

}  // namespace

void Repetition::add(std::vector<Outcome> run)
{
    for (std::size_t i = 0; i < run.size() && i < runs_of_case_.size(); ++i) {
        run[i].handoff.reset();
        runs_of_case_[i].push_back(std::move(run[i]));
    }
    ++runs_;
}

std::vector<Outcome> Repetition::combined() const
{
    std::vector<Outcome> outcomes;
    outcomes.reserve(runs_of_case_.size());
    for (const auto& runs : runs_of_case_) outcomes.push_back(combine(runs));
    return outcomes;
}

}  // namespace connspec
