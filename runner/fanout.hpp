// Sends each run event to every active report, in the order they were added.
#pragma once

#include <memory>
#include <vector>

#include "reports/reporter.hpp"

namespace connspec {

class Fanout : public Reporter {
public:
    void add(std::unique_ptr<Reporter> reporter) { reporters_.push_back(std::move(reporter)); }

    void run_started(const RunDescription& run, const RunInfo& info) override
    {
        for (auto& r : reporters_) r->run_started(run, info);
    }
    void case_finished(std::size_t index, const Outcome& outcome) override
    {
        for (auto& r : reporters_) r->case_finished(index, outcome);
    }
    // Every report gets its chance to write even if an earlier one fails; the first failure
    // is rethrown afterwards.
    void run_finished(const RunResult& result) override
    {
        std::exception_ptr first;
        for (auto& r : reporters_) {
            try {
                r->run_finished(result);
            } catch (...) {
                if (!first) first = std::current_exception();
            }
        }
        if (first) std::rethrow_exception(first);
    }

private:
    std::vector<std::unique_ptr<Reporter>> reporters_;
};

}  // namespace connspec
