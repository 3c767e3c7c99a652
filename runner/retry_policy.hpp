// When a failed attempt is tried again, and after how long.
#pragma once

#include <random>

#include "core/deadline.hpp"
#include "core/outcome.hpp"

namespace connspec {

// How a case is tried again: the suite's or target's `retry` table.
struct RetryPolicy {
    int attempts = 1;  // 1: run once, no retry
    Duration initial_delay{1000};
    Duration max_delay{30000};
    double multiplier = 2.0;
    bool jitter = true;
};

// True when `outcome` (of attempt number `attempt`, 1-based) should be tried again: it did
// not pass, its category is transient, and the policy has attempts left.
bool should_retry(const RetryPolicy& policy, int attempt, const Outcome& outcome);

// The pause after attempt number `attempt` failed: initial_delay × multiplier^(attempt-1),
// capped at max_delay; with jitter, a random point in the upper half of that, so that many
// cases retrying together do not hit a recovering server at the same instant.
Duration backoff_delay(const RetryPolicy& policy, int attempt, std::mt19937_64& random);

}  // namespace connspec
