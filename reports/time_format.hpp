// How reports write times: the same text in every format.
#pragma once

#include <chrono>
#include <string>

namespace connspec {

// Seconds with '.' and exactly three decimals, whatever the locale: "1.250".
std::string seconds_text(std::chrono::duration<double> duration);

// ISO 8601 in UTC, to the second: "2024-05-01T12:34:56Z".
std::string iso8601_utc(std::chrono::system_clock::time_point when);

}  // namespace connspec
