#include "runner/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace connspec {

bool should_retry(const RetryPolicy& policy, int attempt, const Outcome& outcome)
{
    return outcome.status != Status::passed && outcome.status != Status::skipped &&
           attempt < policy.attempts && is_transient(outcome.category);
}

Duration backoff_delay(const RetryPolicy& policy, int attempt, std::mt19937_64& random)
{
    double base = static_cast<double>(policy.initial_delay.count()) *
                  std::pow(policy.multiplier, std::max(0, attempt - 1));
    double capped = std::min(base, static_cast<double>(policy.max_delay.count()));
    if (policy.jitter && capped > 0) {
        std::uniform_real_distribution<double> upper_half(capped / 2, capped);
        capped = upper_half(random);
    }
    return Duration{static_cast<Duration::rep>(std::llround(capped))};
}

}  // namespace connspec
