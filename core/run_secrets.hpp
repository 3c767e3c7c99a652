// The run's secrets: every value that must never reach text. The loader adds what it knows
// (the values of the variables `password_env` names, the password inside a `url`,
// $PGPASSWORD); checks add what they learn while running (the output of `password_command`);
// the runner redacts every outcome with them (message, hint, log, properties) before any
// report, log or console line sees it. Shared between threads.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace connspec {

struct Outcome;

class RunSecrets {
public:
    // Records a secret (empty ones are ignored); a URL-encoded form is recorded too.
    void add(std::string_view secret);
    std::vector<std::string> list() const;
    bool empty() const;

    // `text` with every secret (and every conninfo or URI password) replaced by "***".
    std::string redact(std::string_view text) const;
    // Redacts every text of an outcome in place.
    void redact(Outcome& outcome) const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> secrets_;
};

// "p@ss word" -> "p%40ss%20word": how a password appears inside a URI.
std::string percent_encode(std::string_view text);

}  // namespace connspec
