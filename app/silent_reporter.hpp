// A reporter that ignores every event: for runs whose results go elsewhere (watch's snapshots,
// the single runs of --repeat before they are combined).
#pragma once

#include "reports/reporter.hpp"

namespace connspec {

class SilentReporter : public Reporter {
public:
    void run_started(const RunDescription&, const RunInfo&) override {}
    void case_finished(std::size_t, const Outcome&) override {}
    void run_finished(const RunResult&) override {}
};

}  // namespace connspec
