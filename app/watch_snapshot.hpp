// What watch serves: an immutable snapshot of the latest finished run (its outcomes, the
// counters since start, the last runs of every case, and the /metrics and /results.json texts
// rendered once), swapped whole when a run finishes. A scrape reads one snapshot, so it never
// sees half a run; an interrupted run is never published.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/watch_history.hpp"
#include "core/outcome.hpp"
#include "reports/prometheus.hpp"
#include "reports/reporter.hpp"

namespace connspec {

// How many runs of each case a snapshot keeps (the status page draws them).
constexpr std::size_t watch_history_depth = 60;

struct WatchSnapshot {
    std::shared_ptr<const RunDescription> run;  // names and order, the same for every run
    std::string listen;                         // "127.0.0.1:9469"
    std::chrono::milliseconds interval{};
    std::chrono::system_clock::time_point watch_started;

    // The latest finished run; empty (no outcomes) before the first one ends.
    RunInfo info;
    std::vector<Outcome> outcomes;  // one per run->cases entry, handoffs dropped
    std::chrono::duration<double> duration{};
    bool has_run = false;

    WatchTotals totals;                       // counters since watch started
    WatchHistory history;                     // every case's last watch_history_depth runs

    std::string metrics;       // the /metrics document
    std::string results_json;  // the /results.json document (empty before the first run)

    // The status page served at "/" (reports/status_page), rendered at its first request and
    // kept: a page of 10,000 targets is not rendered every interval when nobody looks.
    const std::string& status_page() const;

    // The latest run as reporters see it (valid while this snapshot lives); nullopt before any.
    std::optional<RunResult> result() const;

private:
    mutable std::once_flag page_rendered_;
    mutable std::string page_;
};

// The first snapshot: no run yet, counters at zero.
std::shared_ptr<const WatchSnapshot> initial_snapshot(std::shared_ptr<const RunDescription> run,
                                                      std::string listen,
                                                      std::chrono::milliseconds interval);
// The snapshot after `finished` (a whole, uninterrupted run of `previous->run`), with
// `overruns` runs started late so far.
std::shared_ptr<const WatchSnapshot> next_snapshot(const WatchSnapshot& previous,
                                                   const RunResult& finished,
                                                   std::uint64_t overruns);

// The current snapshot, shared between the run loop (which publishes) and the HTTP handlers
// (which read). Reading takes a reference; nothing is copied or rendered per request.
class WatchState {
public:
    explicit WatchState(std::shared_ptr<const WatchSnapshot> first) : latest_(std::move(first)) {}
    std::shared_ptr<const WatchSnapshot> latest() const
    {
        std::lock_guard lock(mutex_);
        return latest_;
    }
    void publish(std::shared_ptr<const WatchSnapshot> next)
    {
        std::lock_guard lock(mutex_);
        latest_.swap(next);
    }  // the old snapshot is freed here, outside readers' hands, once they drop it

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const WatchSnapshot> latest_;
};

}  // namespace connspec
