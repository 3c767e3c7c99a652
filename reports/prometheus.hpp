// Prometheus text exposition (format 0.0.4) for `connspec watch`: gauges from the latest
// finished run, counters kept across runs. A report format: it formats results, it never runs
// checks. The metric names are the contract's (second edition); labels `suite`, `target`,
// `case`, plus `status` on the runs counter and `category` on the failures counter only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "reports/reporter.hpp"

namespace connspec {

// What the counters have seen, case by case, since watch started.
struct CaseTotals {
    std::array<std::uint64_t, 4> runs{};            // by Status (passed, failed, error, skipped)
    std::map<std::string, std::uint64_t> failures;  // failed or errored runs, by category
};

struct WatchTotals {
    std::vector<CaseTotals> cases;  // one per RunDescription::cases entry
    std::uint64_t runs = 0;         // finished runs
    std::uint64_t overruns = 0;     // runs that started late because the previous one overran

    // Counts a finished run's outcomes (one per case of `result.run`).
    void add(const RunResult& result);
};

// The whole /metrics document. `latest` is the last finished run, if any (without one only the
// counters are written, all zero). Nothing from a message, a hint or a secret is ever written:
// only names from the suites, statuses, categories and numbers parsed from properties.
std::string prometheus_exposition(const RunDescription& run, const RunResult* latest,
                                  const WatchTotals& totals);

// `text` escaped as a label value (backslash, double quote, newline).
std::string prometheus_label_value(const std::string& text);

}  // namespace connspec
