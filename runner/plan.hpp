// The plan: every case of every loaded suite with its resolved options, prerequisite and
// deadline. Made once by the loader; nothing after it reads TOML.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/check_kind.hpp"
#include "core/run_secrets.hpp"
#include "core/target.hpp"
#include "reports/run_description.hpp"
#include "runner/retry_policy.hpp"

namespace connspec {

struct PlannedCase {
    std::size_t target_index = 0;  // into Plan::targets
    const CheckKind* kind = nullptr;
    std::shared_ptr<const CaseSpec> spec;
    // The nearest *declared* prerequisite of this target (index into Plan::cases), if any.
    std::optional<std::size_t> prerequisite;
    RetryPolicy retry;  // the target's, else the suite's
};

struct Suite {
    std::string name;
    std::string file;  // as given on the command line
    std::optional<int> jobs;
};

struct Plan {
    std::vector<Suite> suites;
    std::vector<Target> targets;    // suite order, then file order
    std::vector<PlannedCase> cases; // targets in order, inside a target the registry's order
    // What no outcome may show: filled by the loader, added to by checks as they learn more,
    // applied by the runner to every outcome.
    std::shared_ptr<RunSecrets> secrets = std::make_shared<RunSecrets>();

    const Target& target_of(const PlannedCase& c) const { return targets[c.target_index]; }
    // "TARGET.CASE", as prerequisites and skips name it.
    std::string case_id(const PlannedCase& c) const;
};

// What reports are told about the plan: names and order, nothing they could run.
RunDescription describe(const Plan& plan);

}  // namespace connspec
