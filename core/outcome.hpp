// What one case observed: the only thing reports ever see of a check.
#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace connspec {

enum class Status { passed, failed, error, skipped };

std::string_view to_string(Status status);
std::ostream& operator<<(std::ostream& out, Status status);  // for test diagnostics

// Observed values, in the order the check recorded them ("version" -> "TLSv1.3").
// Keys are the bare observation name; reports prefix them with the case name.
struct Property {
    std::string key;
    std::string value;
};
using Properties = std::vector<Property>;

// Data a case hands to the cases that depend on it, never reported (the addresses `resolves`
// found, the certificate chain `tls` received). Each kind derives its own.
struct Handoff {
    virtual ~Handoff() = default;
};

struct Outcome {
    Status status = Status::passed;
    std::string category;  // stable failure category ("tcp.refused"); empty when passed
    std::string message;   // one line: what was observed
    std::string hint;      // what the on-call engineer can do about it
    Properties properties;
    int attempts = 1;
    std::chrono::duration<double> duration{};  // wall time of all attempts, set by the runner
    std::vector<std::string> log;              // the case's log lines (JUnit system-out)
    // What this case leaves for the cases that depend on it (directly or further down its
    // chain of prerequisites); the runner passes it on, reports never see it.
    std::shared_ptr<const Handoff> handoff;

    Outcome& property(std::string key, std::string value)
    {
        properties.push_back({std::move(key), std::move(value)});
        return *this;
    }
    // The value of a property, or empty.
    std::string_view find(std::string_view key) const;
};

Outcome passed(std::string message = {});
Outcome failed(std::string category, std::string message, std::string hint);
Outcome errored(std::string category, std::string message, std::string hint);
Outcome skipped(std::string reason);
// The outcome of an attempt cut short by a stop request.
Outcome interrupted();

// Categories that may clear up by themselves: only these are retried.
bool is_transient(std::string_view category);

}  // namespace connspec
