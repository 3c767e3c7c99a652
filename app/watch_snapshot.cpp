#include "app/watch_snapshot.hpp"

#include <algorithm>

#include "reports/reports.hpp"
#include "reports/status_page.hpp"

namespace connspec {

std::optional<RunResult> WatchSnapshot::result() const
{
    if (!has_run) return std::nullopt;
    return RunResult{*run, info, outcomes, duration, false};
}

const std::string& WatchSnapshot::status_page() const
{
    std::call_once(page_rendered_, [this] {
        StatusPageData data;
        data.run = *run;
        data.runs = totals.runs;
        // Reload about as often as a new run can appear: every interval, at least every 10 s.
        data.refresh_seconds = static_cast<int>(
            std::clamp<long long>(std::chrono::duration_cast<std::chrono::seconds>(interval).count(), 1, 10));
        if (has_run) {
            data.info = info;
            data.outcomes = outcomes;
            for (auto& o : data.outcomes) o.log.clear();
            data.duration_seconds = duration.count();
        }
        data.history.reserve(history.cases());
        for (std::size_t c = 0; c < history.cases(); ++c) data.history.push_back(history.runs(c));
        page_ = render_status_page(data);
    });
    return page_;
}

std::shared_ptr<const WatchSnapshot> initial_snapshot(std::shared_ptr<const RunDescription> run,
                                                      std::string listen,
                                                      std::chrono::milliseconds interval)
{
    auto first = std::make_shared<WatchSnapshot>();
    first->run = std::move(run);
    first->listen = std::move(listen);
    first->interval = interval;
    first->watch_started = std::chrono::system_clock::now();
    first->totals.cases.resize(first->run->cases.size());
    first->history = WatchHistory(first->run->cases.size(), watch_history_depth);
    first->metrics = prometheus_exposition(*first->run, nullptr, first->totals);
    return first;
}

std::shared_ptr<const WatchSnapshot> next_snapshot(const WatchSnapshot& previous,
                                                   const RunResult& finished,
                                                   std::uint64_t overruns)
{
    auto next = std::make_shared<WatchSnapshot>();
    next->run = previous.run;
    next->listen = previous.listen;
    next->interval = previous.interval;
    next->watch_started = previous.watch_started;
    next->has_run = true;
    next->info = finished.info;
    next->duration = finished.duration;
    next->outcomes.reserve(finished.outcomes.size());
    for (const auto& o : finished.outcomes) {
        Outcome kept = o;
        kept.handoff.reset();  // a certificate chain has no place in a report
        next->outcomes.push_back(std::move(kept));
    }
    next->totals = previous.totals;
    next->totals.add(finished);
    next->totals.overruns = overruns;

    auto ended = finished.info.started +
                 std::chrono::duration_cast<std::chrono::system_clock::duration>(finished.duration);
    next->history = previous.history;  // one block, the same size every run
    next->history.record(ended, finished.outcomes);

    RunResult latest{*next->run, next->info, next->outcomes, next->duration, false};
    next->metrics = prometheus_exposition(*next->run, &latest, next->totals);
    next->results_json = json_document(latest);
    return next;
}

}  // namespace connspec
