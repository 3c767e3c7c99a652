#include "suites/duration.hpp"

#include <charconv>
#include <cmath>

namespace connspec {

std::optional<Duration> parse_duration(std::string_view text)
{
    std::size_t digits = 0;
    while (digits < text.size() &&
           ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.'))
        ++digits;
    if (digits == 0 || digits == text.size()) return std::nullopt;
    std::string_view number = text.substr(0, digits), unit = text.substr(digits);
    if (number.front() == '.' || number.back() == '.') return std::nullopt;

    double value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc{} || end != number.data() + number.size()) return std::nullopt;

    double scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else return std::nullopt;

    double ms = std::round(value * scale);
    if (!std::isfinite(ms) || ms > 1e12) return std::nullopt;
    return Duration{static_cast<Duration::rep>(ms)};
}

std::string format_duration(Duration d)
{
    auto ms = d.count();
    if (ms % 3'600'000 == 0 && ms != 0) return std::to_string(ms / 3'600'000) + "h";
    if (ms % 60'000 == 0 && ms != 0) return std::to_string(ms / 60'000) + "m";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

}  // namespace connspec
