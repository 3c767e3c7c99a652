// One target as the HTML pages draw it: its chain of cases (DNS → TCP → TLS → certificate →
// login → sessions) as coloured steps with status words, the first failure's category,
// message and hint, and the observed properties on demand. Shared by the HTML report and
// watch's status page, with the style sheet both inline.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/outcome.hpp"
#include "reports/run_description.hpp"

namespace connspec {

// A target's cases: run.cases[first, first + count).
struct TargetCases {
    std::size_t target = 0;
    std::size_t first = 0;
    std::size_t count = 0;
};

// The run's targets with their cases, in run order (cases of a target are contiguous).
std::vector<TargetCases> group_by_target(const RunDescription& run);

// How a step is drawn: skipped because a prerequisite did not pass is "blocked".
enum class StepKind { passed, failed, error, skipped, blocked };
StepKind step_kind(const Outcome& outcome);
std::string_view step_word(StepKind kind);   // PASS FAIL ERROR SKIP BLOCKED
std::string_view step_class(StepKind kind);  // passed failed error skipped blocked

// The first failed or erroring case of the target, or npos.
std::size_t first_problem(const TargetCases& t, const std::vector<Outcome>& outcomes);
// No case failed, errored or was blocked.
bool target_ok(const TargetCases& t, const std::vector<Outcome>& outcomes);

// <ol class="chain">: one <li> per case with its status word, name and time.
void append_chain(std::string& out, const RunDescription& run, const TargetCases& t,
                  const std::vector<Outcome>& outcomes);

// The first failure's category, message and hint (nothing when the target is ok).
void append_problem(std::string& out, const RunDescription& run, const TargetCases& t,
                    const std::vector<Outcome>& outcomes);

// <details> with each case's properties, message and log.
void append_details(std::string& out, const RunDescription& run, const TargetCases& t,
                    const std::vector<Outcome>& outcomes);

// The style sheet of both pages: readable without colour, printable.
std::string_view html_style();

}  // namespace connspec
