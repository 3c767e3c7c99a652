// A check kind: how one case key of a target is parsed at load and run at run time.
//
// Adding a kind is one new file in checks/ that defines `CheckKind NAME_kind()` plus one
// line in checks/registry.cpp. The registry is the only list of kinds: the loader, the
// runner and the reports all read it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checks/deadline.hpp"
#include "checks/outcome.hpp"
#include "suites/target.hpp"

namespace connspec {

class OptionReader;

// A kind's parsed, defaulted options. Each kind derives its own Spec from this.
struct CaseSpec {
    virtual ~CaseSpec() = default;
};

// What a running case may use besides its spec and target.
struct CheckContext {
    Deadline deadline;        // absolute: every wait in the attempt ends by then
    const StopSignal& stop;   // poll its fd beside your sockets; on stop return interrupted()
    // Addresses a declared `resolves` of this target found (numeric strings). Empty when the
    // target declares no `resolves`: then resolve the host with the system resolver.
    std::vector<std::string> addresses;
    std::vector<std::string>& log;  // the case's log lines (never a secret)
    // What the nearest declared prerequisite handed over (Outcome::handoff), or null.
    std::shared_ptr<const Handoff> from_prerequisite;

    void note(std::string line) const { log.push_back(std::move(line)); }
};

using ParseFn = std::unique_ptr<CaseSpec> (*)(OptionReader& options);
using RunFn = Outcome (*)(const CaseSpec& spec, const Target& target, CheckContext& context);

struct CheckKind {
    std::string_view name;            // the case key: "port_open"
    std::string_view prerequisite;    // the kind this one needs to have passed, or empty
    std::vector<Protocol> protocols;  // the target protocols it fits
    std::string_view timeout_category;  // category when an attempt hits its deadline
    ParseFn parse;
    RunFn run;

    bool fits(Protocol p) const;
};

// Every kind, in report order (the order of the contract's table).
const std::vector<CheckKind>& check_kinds();
// The kind named `name`, or nullptr.
const CheckKind* find_check_kind(std::string_view name);

// The outcome of an attempt cut short by a stop request.
Outcome interrupted();

}  // namespace connspec
