// Choosing which targets of a plan run: --target globs, --tag, --shard.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/plan.hpp"

namespace connspec {

// One share of a run spread over several agents: shard `index` (1-based) of `count`.
struct Shard {
    int index = 1;
    int count = 1;
};

// "K/N" with 1 <= K <= N; nullopt otherwise.
std::optional<Shard> parse_shard(const std::string& text);

struct Selection {
    std::vector<std::string> target_globs;  // any may match (shell globs on the target name)
    std::vector<std::string> tags;          // the target must carry one of them
    std::optional<Shard> shard;             // of the targets the globs and tags leave
};

// Whether the target passes the --target and --tag filters (the shard aside).
bool selects(const Selection& selection, const Target& target);

struct Selected {
    Plan plan;                  // the selected targets, case indices renumbered
    std::size_t matching = 0;   // targets the filters left before sharding
};

// The plan restricted to the selected targets. Targets are dealt to shards round-robin in
// plan order (the i-th matching target goes to shard i mod N + 1): deterministic for the same
// suites and filters on every agent, every target in exactly one shard, shares balanced.
Selected select_targets(const Plan& plan, const Selection& selection);

}  // namespace connspec
