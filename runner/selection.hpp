// Choosing which targets of a plan run: --target globs, --tag, --shard.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "suites/plan.hpp"

namespace connspec {

struct Selection {
    std::vector<std::string> target_globs;  // any may match (shell globs on the target name)
    std::vector<std::string> tags;          // the target must carry one of them
};

bool selects(const Selection& selection, const Target& target);

// The plan restricted to the selected targets, with case indices renumbered.
Plan select_targets(const Plan& plan, const Selection& selection);

}  // namespace connspec
