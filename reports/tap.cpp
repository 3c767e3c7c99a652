// TAP 14 for `meson test` (protocol 'tap'): the plan first, then test points numbered in plan
// order. Cases end out of order, so finished outcomes wait here until every earlier case has
// ended, and the ready prefix is written at once.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/json_writer.hpp"
#include "reports/reports.hpp"
#include "reports/stream_error.hpp"
#include "reports/utf8.hpp"

namespace connspec {
namespace {

// "SUITE.TARGET.CASE" on one line. TAP readers (Meson's among them) end a description at the
// first '#', so none may appear in it.
std::string description(const RunDescription& run, const DescribedCase& planned)
{
    const DescribedTarget& target = run.target_of(planned);
    std::string text = one_line(target.qualified_name() + "." + std::string(planned.name));
    for (char& c : text)
        if (c == '#') c = '_';
    return text;
}

class TapReporter : public Reporter {
public:
    explicit TapReporter(std::ostream& out) : out_(out) {}

    void run_started(const RunDescription& run, const RunInfo&) override
    {
        run_ = &run;
        pending_.assign(run.cases.size(), std::nullopt);
        next_ = 0;
        line("TAP version 14");
        line("1.." + std::to_string(run.cases.size()));
    }

    void case_finished(std::size_t index, const Outcome& outcome) override
    {
        if (!run_ || index >= pending_.size() || index < next_) return;
        pending_[index] = outcome;
        flush_ready();
    }

    void run_finished(const RunResult& result) override
    {
        // Cases that never reported (an interrupted run) still get their point, from the
        // final outcomes, so the count always matches the plan.
        for (std::size_t i = next_; i < pending_.size() && i < result.outcomes.size(); ++i)
            if (!pending_[i]) pending_[i] = result.outcomes[i];
        flush_ready();
    }

private:
    void line(const std::string& text)
    {
        out_ << text << '\n';
        out_.flush();
        if (!out_) throw_unwritable();
    }

    void flush_ready()
    {
        while (next_ < pending_.size() && pending_[next_]) {
            write_point(next_, *pending_[next_]);
            pending_[next_].reset();
            ++next_;
        }
    }

    void write_point(std::size_t index, const Outcome& outcome)
    {
        const std::string number = std::to_string(index + 1);
        const std::string name = description(*run_, run_->cases[index]);
        switch (outcome.status) {
        case Status::passed:
            line("ok " + number + " - " + name);
            return;
        case Status::skipped:
            line("ok " + number + " - " + name + " # SKIP " + one_line(outcome.message));
            return;
        case Status::failed:
        case Status::error:
            line("not ok " + number + " - " + name);
            write_diagnostics(outcome);
            return;
        }
    }

    // A YAML block; every string is double-quoted with JSON escapes (valid YAML), so no value
    // can break the block's indentation or end it early.
    void write_diagnostics(const Outcome& outcome)
    {
        line("  ---");
        line("  status: " + json_quoted(to_string(outcome.status)));
        line("  category: " + json_quoted(outcome.category));
        line("  message: " + json_quoted(outcome.message));
        line("  hint: " + json_quoted(outcome.hint));
        line("  attempts: " + std::to_string(outcome.attempts));
        if (outcome.properties.empty()) {
            line("  properties: {}");
        } else {
            line("  properties:");
            for (const auto& property : outcome.properties)
                line("    " + json_quoted(property.key) + ": " + json_quoted(property.value));
        }
        line("  ...");
    }

    std::ostream& out_;
    const RunDescription* run_ = nullptr;
    std::vector<std::optional<Outcome>> pending_;
    std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Reporter> make_tap_reporter(std::ostream& out)
{
    return std::make_unique<TapReporter>(out);
}

}  // namespace connspec
