// The console report: a line per case as it ends, for a person watching the run.
//   PASS  primary › port_open  0.003 s  latency_ms=0.4
//   FAIL  primary › login  0.120 s  pg.auth: password authentication failed for user "app"
//         hint: check the password in APP_DB_PASSWORD
#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "reports/reports.hpp"
#include "reports/stream_error.hpp"
#include "reports/tally.hpp"
#include "reports/time_format.hpp"
#include "reports/utf8.hpp"

namespace connspec {
namespace {

struct Style {
    std::string_view word;
    std::string_view colour;  // ANSI SGR parameters
};

Style style_of(Status status)
{
    switch (status) {
    case Status::passed: return {"PASS", "32"};
    case Status::failed: return {"FAIL", "1;31"};
    case Status::error: return {"ERROR", "1;33"};
    case Status::skipped: return {"SKIP", "36"};
    }
    return {"ERROR", "1;33"};
}

// What the line shows after the time: the observation for a pass, the reason for a skip,
// "category: message" for a failure or error.
std::string observed(const Outcome& outcome)
{
    if (outcome.status == Status::failed || outcome.status == Status::error)
        return outcome.category + ": " + outcome.message;
    if (!outcome.message.empty() || outcome.properties.empty()) return outcome.message;
    const auto& first = outcome.properties.front();
    return first.key + "=" + first.value;
}

class ConsoleReporter : public Reporter {
public:
    ConsoleReporter(std::ostream& out, bool colour) : out_(out), colour_(colour) {}

    void run_started(const RunDescription& run, const RunInfo&) override
    {
        run_ = &run;
        printed_.assign(run.cases.size(), false);
    }

    void case_finished(std::size_t index, const Outcome& outcome) override
    {
        if (!run_ || index >= printed_.size() || printed_[index]) return;
        printed_[index] = true;
        print_case(*run_, run_->cases[index], outcome);
    }

    void run_finished(const RunResult& result) override
    {
        // Cases that never reported (an interrupted run) are shown with their final outcome.
        for (std::size_t i = 0; i < result.outcomes.size() && i < result.run.cases.size(); ++i)
            if (i >= printed_.size() || !printed_[i]) 
                print_case(result.run, result.run.cases[i], result.outcomes[i]);

        Tally tally;
        for (const auto& outcome : result.outcomes) tally.add(outcome);
        if (result.interrupted)
            out_ << paint("1;33", "interrupted") << ": unfinished cases count as errors\n";
        const double seconds = std::max(0.0, result.duration.count());
        out_ << fmt::format("{} passed, {} failed, {} errors, {} skipped in {:.2f} s\n",
                            tally.passed, paint_count("1;31", tally.failed),
                            paint_count("1;33", tally.errors), tally.skipped, seconds);
        flushed();
    }

private:
    std::string paint(std::string_view colour, std::string_view text) const
    {
        if (!colour_) return std::string(text);
        return fmt::format("\x1b[{}m{}\x1b[0m", colour, text);
    }

    // A count that needs attention is coloured only when it is not zero.
    std::string paint_count(std::string_view colour, int count) const
    {
        return count == 0 ? std::to_string(count) : paint(colour, std::to_string(count));
    }

    void print_case(const RunDescription& run, const DescribedCase& planned, const Outcome& outcome)
    {
        const Style style = style_of(outcome.status);
        const DescribedTarget& target = run.target_of(planned);
        // Pad the status word before colouring so the columns line up either way.
        std::string line = paint(style.colour, fmt::format("{:<5}", style.word));
        line += fmt::format(" {} \u203a {}  {} s", one_line(target.name), planned.name,
                            seconds_text(outcome.duration));
        const std::string detail = one_line(observed(outcome));
        if (!detail.empty()) line += "  " + detail;
        out_ << line << '\n';
        const bool needs_hint = outcome.status == Status::failed || outcome.status == Status::error;
        if (needs_hint && !outcome.hint.empty())
            out_ << "      " << paint("2", "hint: " + one_line(outcome.hint)) << '\n';
        flushed();
    }

    // Flushes; a stream that could not take the text (a full disk, a closed pipe) is a
    // failure of this report, thrown for the runner to report.
    void flushed()
    {
        out_.flush();
        if (!out_) throw_unwritable();
    }

    std::ostream& out_;
    bool colour_;
    const RunDescription* run_ = nullptr;
    std::vector<bool> printed_;
};

}  // namespace

std::unique_ptr<Reporter> make_console_reporter(std::ostream& out, bool colour)
{
    return std::make_unique<ConsoleReporter>(out, colour);
}

}  // namespace connspec
