#include "core/duration.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

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
    std::string in_ms = std::to_string(ms) + "ms";
    if (ms < 1000 && ms > -1000) return in_ms;
    // Whole seconds and up to three decimals without trailing zeros: 1500 -> "1.5s".
    std::string fraction = std::to_string(std::abs(ms % 1000) + 1000).substr(1);
    while (fraction.back() == '0') fraction.pop_back();
    std::string in_seconds = std::to_string(ms / 1000) + "." + fraction + "s";
    return in_seconds.size() <= in_ms.size() ? in_seconds : in_ms;
}

}  // namespace connspec
