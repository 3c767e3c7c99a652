// Text from servers and suite files may hold anything: these helpers make it safe for each
// report format (valid UTF-8, no characters the format or a terminal would choke on).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace connspec {

// Decodes the code point starting at `text[pos]` into `code_point` and returns how many bytes
// it took (at least 1). An invalid or truncated sequence decodes as U+FFFD, consuming its
// longest valid-looking prefix, so the caller always makes progress.
std::size_t next_code_point(std::string_view text, std::size_t pos, char32_t& code_point);

// Appends `code_point` encoded as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

// `text` as valid UTF-8: invalid sequences become U+FFFD, everything else is kept.
std::string valid_utf8(std::string_view text);

// `text` with only what XML 1.0 allows and recommends: valid UTF-8 without control characters
// (C0, DEL, C1; tab, newline and carriage return are kept) and without U+FFFE / U+FFFF.
std::string xml_text(std::string_view text);

// `text` on one line for a terminal or a TAP line: valid UTF-8, each run of control
// characters (C0, DEL, C1: newlines and escape sequences included) becomes one space.
std::string one_line(std::string_view text);

}  // namespace connspec
