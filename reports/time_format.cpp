#include "reports/time_format.hpp"

#include <cmath>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace connspec {

std::string seconds_text(std::chrono::duration<double> duration)
{
    double seconds = duration.count();
    // A clock step can make a duration slightly negative; a report never shows that.
    if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
    return fmt::format("{:.3f}", seconds);
}

std::string iso8601_utc(std::chrono::system_clock::time_point when)
{
    const auto whole_seconds = std::chrono::floor<std::chrono::seconds>(when);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", whole_seconds);
}

}  // namespace connspec
