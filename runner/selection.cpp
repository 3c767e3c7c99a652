#include "runner/selection.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cstdio>

namespace connspec {

bool selects(const Selection& selection, const Target& target)
{
    auto glob_matches = [&](const std::string& glob) {
        return ::fnmatch(glob.c_str(), target.name.c_str(), 0) == 0;
    };
    auto has_tag = [&](const std::string& tag) {
        return std::find(target.tags.begin(), target.tags.end(), tag) != target.tags.end();
    };
    bool by_name = selection.target_globs.empty() ||
                   std::any_of(selection.target_globs.begin(), selection.target_globs.end(),
                               glob_matches);
    bool by_tag = selection.tags.empty() ||
                  std::any_of(selection.tags.begin(), selection.tags.end(), has_tag);
    return by_name && by_tag;
}

std::optional<Shard> parse_shard(const std::string& text)
{
    int k = 0, n = 0;
    char slash = 0, extra = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &k, &slash, &n, &extra) != 3 || slash != '/')
        return std::nullopt;
    if (n < 1 || k < 1 || k > n) return std::nullopt;
    return Shard{k, n};
}

Selected select_targets(const Plan& plan, const Selection& selection)
{
    Selected selected;
    Plan& out = selected.plan;
    out.suites = plan.suites;
    out.secrets = plan.secrets;
    std::vector<std::optional<std::size_t>> new_target(plan.targets.size());
    for (std::size_t t = 0; t < plan.targets.size(); ++t) {
        if (!selects(selection, plan.targets[t])) continue;
        std::size_t position = selected.matching++;
        if (selection.shard &&
            static_cast<int>(position % static_cast<std::size_t>(selection.shard->count)) + 1 !=
                selection.shard->index)
            continue;
        new_target[t] = out.targets.size();
        out.targets.push_back(plan.targets[t]);
    }
    // Prerequisites never cross targets, so a kept case's prerequisite is kept too.
    std::vector<std::optional<std::size_t>> new_case(plan.cases.size());
    for (std::size_t c = 0; c < plan.cases.size(); ++c) {
        const auto& planned = plan.cases[c];
        if (!new_target[planned.target_index]) continue;
        new_case[c] = out.cases.size();
        PlannedCase copy = planned;
        copy.target_index = *new_target[planned.target_index];
        if (copy.prerequisite) copy.prerequisite = new_case[*copy.prerequisite];
        out.cases.push_back(std::move(copy));
    }
    return selected;
}

}  // namespace connspec
