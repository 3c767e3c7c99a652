// A check kind: how one case key of a target is parsed at load and run at run time.
//
// Adding a kind is one new file in checks/ that defines `CheckKind NAME_kind()` plus one
// line in checks/registry.cpp. The registry is the only list of kinds: the loader, the
// runner and the reports all read it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/deadline.hpp"
#include "core/outcome.hpp"
#include "core/run_secrets.hpp"
#include "core/target.hpp"

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
    std::vector<std::string>& log;  // the case's log lines (never a secret)
    // What the passed cases up this case's chain of declared prerequisites left for it
    // (Outcome::handoff), nearest first: the one channel between the cases of a target.
    std::vector<std::shared_ptr<const Handoff>> handoffs;
    // The run's secrets: a check that learns one (a password_command's output) adds it, so the
    // runner redacts it from every outcome. Null in tests that run a check on its own.
    RunSecrets* secrets = nullptr;

    void secret(std::string_view value) const
    {
        if (secrets) secrets->add(value);
    }

    void note(std::string line) const { log.push_back(std::move(line)); }

    // The nearest handoff of type T (the addresses `resolves` found, the chain `tls`
    // received), or null.
    template <class T>
    const T* handed() const
    {
        for (const auto& h : handoffs)
            if (const T* found = dynamic_cast<const T*>(h.get())) return found;
        return nullptr;
    }
};

using ParseFn = std::unique_ptr<CaseSpec> (*)(OptionReader& options);
using RunFn = Outcome (*)(const CaseSpec& spec, const Target& target, CheckContext& context);
// How many file descriptors one case of a kind may hold open at once (sockets, pipes).
using DescriptorsFn = std::size_t (*)(const CaseSpec& spec);

// The peer ports a case's packets go to, for `--capture`'s filter.
using CapturePortsFn = std::vector<int> (*)(const CaseSpec& spec);

// What a case of a kind without its own `descriptors` holds at most: a few sockets.
inline constexpr std::size_t default_case_descriptors = 8;

struct CheckKind {
    std::string_view name;            // the case key: "port_open"
    std::string_view prerequisite;    // the kind this one needs to have passed, or empty
    std::vector<Protocol> protocols;  // the target protocols it fits
    std::string_view timeout_category;  // category when an attempt hits its deadline
    ParseFn parse;
    RunFn run;
    // Its options may hold secrets (user names, queries with literals): load errors about them
    // quote keys and variable names, never values.
    bool options_may_hold_secrets = false;
    // Null: default_case_descriptors. The runner raises the open-file limit once, at start,
    // to what the cases it may run together need.
    DescriptorsFn descriptors = nullptr;
    // Whether its cases use the target's `port` (ports_closed names its own ports): a target
    // whose cases all say no needs no `port`.
    bool uses_target_port = true;
    // Null: the target's port (and a `via` proxy's). ports_closed names its own ports; resolves
    // asks DNS servers.
    CapturePortsFn capture_ports = nullptr;

    bool fits(Protocol p) const;
    std::size_t descriptors_for(const CaseSpec& spec) const
    {
        return descriptors ? descriptors(spec) : default_case_descriptors;
    }
};

// Every kind, in report order (the order of the contract's table).
const std::vector<CheckKind>& check_kinds();
// The kind named `name`, or nullptr.
const CheckKind* find_check_kind(std::string_view name);

}  // namespace connspec
