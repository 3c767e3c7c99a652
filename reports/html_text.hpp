// Text for HTML pages: whatever a server or a suite put in it becomes inert, valid text.
#pragma once

#include <string>
#include <string_view>

namespace connspec {

// `text` as HTML text or attribute value: valid UTF-8, no control characters but tab and
// newline, and & < > " ' escaped.
std::string html_escape(std::string_view text);

// Appends html_escape(text) to `out`.
void append_escaped(std::string& out, std::string_view text);

// A number with a thin separator every three digits, as people read counts: "10,000".
std::string count_text(std::size_t n);

}  // namespace connspec
