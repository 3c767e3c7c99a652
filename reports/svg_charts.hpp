// The two small charts of the HTML pages, as inline SVG (no scripts, no fetches): a histogram
// of session connect times with p50 and p95 marked, and a time line of certificate days left.
#pragma once

#include <string>
#include <vector>

#include "core/outcome.hpp"

namespace connspec {

// Milliseconds from a sessions case's `connect_times_ms` property ("0.812 1.034 ..."):
// ascending; unparsable words are ignored.
std::vector<double> parse_times_ms(std::string_view text);

// Nearest-rank percentile of ascending values (0 when empty), as the sessions case computes it.
double percentile_of(const std::vector<double>& ascending, double p);

// A histogram of `ascending_ms` with vertical marks at p50 and p95 and a caption naming
// them and the count; `label` names the chart for screen readers.
std::string latency_histogram_svg(const std::vector<double>& ascending_ms, const std::string& label);

struct Expiry {
    std::string label;   // "suite › target"
    long days_left = 0;  // of the leaf (negative: expired)
    Status status = Status::passed;  // the certificate case's verdict
};

// Certificates on a time line of days from today (expired on the left, 2 years and beyond at
// the right edge), marks at 0, 30, 90, 180, 365 and 730 days; each mark coloured and shaped by
// its case's verdict, the soonest ones labelled.
std::string expiry_timeline_svg(std::vector<Expiry> expiries);

}  // namespace connspec
