// Sends each run event to every active report, in the order they were added. A report that
// fails (throws: a full disk, a closed stdout) is dropped from the rest of the run and its
// failure kept for the caller; the others carry on, so a failing report never takes the run,
// its worker threads or the other reports down with it.
#pragma once

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "reports/reporter.hpp"

namespace connspec {

class Fanout : public Reporter {
public:
    // `name` names the report in failure messages ("the JUnit report").
    void add(std::string name, std::unique_ptr<Reporter> reporter)
    {
        reporters_.push_back({std::move(name), std::move(reporter), false});
    }

    void run_started(const RunDescription& run, const RunInfo& info) override
    {
        each([&](Reporter& r) { r.run_started(run, info); });
    }
    void case_finished(std::size_t index, const Outcome& outcome) override
    {
        each([&](Reporter& r) { r.case_finished(index, outcome); });
    }
    void case_started(std::size_t index) override
    {
        each([&](Reporter& r) { r.case_started(index); });
    }
    void tick() override
    {
        each([&](Reporter& r) { r.tick(); });
    }
    void run_finished(const RunResult& result) override
    {
        each([&](Reporter& r) { r.run_finished(result); });
    }

    // "NAME: WHAT" for every report that failed, in the order they failed.
    const std::vector<std::string>& failures() const { return failures_; }

private:
    struct Entry {
        std::string name;
        std::unique_ptr<Reporter> reporter;
        bool failed;
    };

    template <class Event>
    void each(Event&& event)
    {
        for (auto& e : reporters_) {
            if (e.failed) continue;
            try {
                event(*e.reporter);
            } catch (const std::exception& ex) {
                e.failed = true;
                failures_.push_back(e.name + ": " + ex.what());
            } catch (...) {
                e.failed = true;
                failures_.push_back(e.name + ": unknown failure");
            }
        }
    }

    std::vector<Entry> reporters_;
    std::vector<std::string> failures_;
};

}  // namespace connspec
