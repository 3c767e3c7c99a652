// Live progress on a terminal: one status line kept under the console report's lines.
//   [ 1,234/10,000 ] 3 failed · waiting longest: primary › sessions 12.4 s
// Redrawn in place ("\r" + erase line) at most 10 times a second, on case events and the
// runner's ticks; erased before each console line and before the summary, so it never shows
// up in what stays on the screen. Only made for a terminal (app/ decides), never with --tap.
#include <algorithm>
#include <chrono>
#include <map>
#include <ostream>
#include <vector>

#include <fmt/format.h>

#include "reports/reports.hpp"
#include "reports/utf8.hpp"

namespace connspec {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto redraw_interval = std::chrono::milliseconds{100};

// Cuts `text` to at most `columns` code points (the line must never wrap, or "\r" would
// redraw only its last row).
std::string fit(const std::string& text, int columns)
{
    std::string out;
    int used = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        char32_t c = 0;
        std::size_t n = next_code_point(text, pos, c);
        if (used + 1 > columns) break;
        out.append(text, pos, n);
        pos += n;
        ++used;
    }
    return out;
}

class ProgressReporter : public Reporter {
public:
    ProgressReporter(std::unique_ptr<Reporter> inner, std::ostream& out, int width)
        : inner_(std::move(inner)), out_(out), width_(std::max(20, width))
    {
    }

    void run_started(const RunDescription& run, const RunInfo& info) override
    {
        run_ = &run;
        total_ = run.cases.size();
        inner_->run_started(run, info);
        draw(true);
    }

    void case_started(std::size_t index) override
    {
        running_.emplace(index, SteadyClock::now());
        inner_->case_started(index);
        draw(false);
    }

    void case_finished(std::size_t index, const Outcome& outcome) override
    {
        running_.erase(index);
        ++done_;
        if (outcome.status == Status::failed || outcome.status == Status::error) ++failed_;
        erase();
        inner_->case_finished(index, outcome);
        draw(false);
    }

    void tick() override
    {
        inner_->tick();
        draw(false);
    }

    void run_finished(const RunResult& result) override
    {
        erase();
        inner_->run_finished(result);
    }

private:
    void erase()
    {
        if (!shown_) return;
        out_ << "\r\x1b[K";
        shown_ = false;
    }

    std::string line() const
    {
        std::string text = fmt::format("[ {}/{} ] {} failed", done_, total_, failed_);
        if (!running_.empty() && run_) {
            auto longest = std::min_element(running_.begin(), running_.end(),
                                            [](auto& a, auto& b) { return a.second < b.second; });
            const double waited =
                std::chrono::duration<double>(SteadyClock::now() - longest->second).count();
            const DescribedCase& c = run_->cases[longest->first];
            text += fmt::format(" \u00b7 {} running \u00b7 waiting longest: {} \u203a {} {:.1f} s", running_.size(),
                                one_line(run_->target_of(c).name), c.name, waited);
        }
        return fit(text, width_ - 1);
    }

    // Redraws when the last drawing is at least 100 ms old (or `now_anyway`).
    void draw(bool now_anyway)
    {
        const auto now = SteadyClock::now();
        if (!now_anyway && shown_ && now - last_draw_ < redraw_interval) return;
        if (!now_anyway && !shown_ && drawn_once_ && now - last_draw_ < redraw_interval) return;
        out_ << "\r\x1b[K" << line();
        out_.flush();
        shown_ = true;
        drawn_once_ = true;
        last_draw_ = now;
    }

    std::unique_ptr<Reporter> inner_;
    std::ostream& out_;
    int width_;
    const RunDescription* run_ = nullptr;
    std::size_t total_ = 0, done_ = 0, failed_ = 0;
    std::map<std::size_t, SteadyClock::time_point> running_;
    bool shown_ = false, drawn_once_ = false;
    SteadyClock::time_point last_draw_{};
};

}  // namespace

std::unique_ptr<Reporter> make_progress_reporter(std::unique_ptr<Reporter> inner, std::ostream& out, int width)
{
    return std::make_unique<ProgressReporter>(std::move(inner), out, width);
}

}  // namespace connspec
