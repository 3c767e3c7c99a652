// Keeps secrets out of text that reaches an outcome, a log line or a report. libpq's error
// texts can echo connection strings, so every libpq message passes through here first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace connspec {

// `text` with every occurrence of each non-empty secret, every `password=VALUE` fragment of a
// connection string and every URI password (`scheme://user:PASSWORD@`) replaced by "***".
std::string redact(std::string_view text, const std::vector<std::string>& secrets = {});

}  // namespace connspec
