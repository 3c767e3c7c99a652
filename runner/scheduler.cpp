#include "runner/scheduler.hpp"

#include <poll.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "runner/case_capture.hpp"
#include "runner/retry_policy.hpp"

namespace connspec {
namespace {

using Handoffs = std::vector<std::shared_ptr<const Handoff>>;

// Slack a check may take past its deadline before the runner calls it a timeout anyway.
constexpr auto deadline_slack = std::chrono::milliseconds{100};

// Pauses for `delay` unless stop is requested first.
void pause_unless_stopped(Duration delay, const StopSignal& stop)
{
    pollfd p{stop.fd(), POLLIN, 0};
    auto end = Clock::now() + delay;
    while (!stop.requested()) {
        int left = millis_left(end);
        if (left <= 0) return;
        ::poll(&p, 1, left);
    }
}

// One attempt of a case, with faults turned into outcomes and the deadline enforced.
Outcome run_attempt(const PlannedCase& planned, const Target& target, Duration timeout,
                    const Handoffs& handoffs, const StopSignal& stop, std::vector<std::string>& log,
                    RunSecrets* secrets)
{
    Deadline deadline = Clock::now() + timeout;
    CheckContext context{deadline, stop, log, handoffs, secrets};
    Outcome outcome;
    try {
        outcome = planned.kind->run(*planned.spec, target, context);
    } catch (const std::exception& e) {
        outcome = errored("internal", fmt::format("internal fault: {}", e.what()),
                          "this is a connspec bug; please report it with the suite");
    } catch (...) {
        outcome = errored("internal", "internal fault", "this is a connspec bug; please report it");
    }
    // Never green past the deadline: a check that overran it has not shown the expectation
    // holds within the time the suite allows.
    if (Clock::now() > deadline + deadline_slack && outcome.status == Status::passed) {
        outcome = failed(std::string(planned.kind->timeout_category),
                         fmt::format("did not finish within {} ms", timeout.count()),
                         "the service answered too slowly for the configured timeout");
    }
    return outcome;
}

class Scheduler {
public:
    Scheduler(const Plan& plan, const RunOptions& options, Reporter& reporter,
              const StopSignal& stop)
        : plan_(plan), options_(options), reporter_(reporter), stop_(stop),
          outcomes_(plan.cases.size()), state_(plan.cases.size(), State::waiting),
          dependants_(plan.cases.size())
    {
        if (!options.capture_dir.empty()) captures_.emplace(options.capture_dir, plan.secrets);
        for (std::size_t i = 0; i < plan.cases.size(); ++i)
            if (auto pre = plan.cases[i].prerequisite) dependants_[*pre].push_back(i);
    }

    std::vector<Outcome> run()
    {
        for (std::size_t i = 0; i < plan_.cases.size(); ++i)
            if (!plan_.cases[i].prerequisite) ready_.push_back(i);

        int jobs = std::max(1, options_.jobs);
        jobs = static_cast<int>(std::min<std::size_t>(jobs, std::max<std::size_t>(1, plan_.cases.size())));
        std::vector<std::thread> workers;
        for (int w = 0; w < jobs; ++w) workers.emplace_back([this, w] { work(w); });

        deliver_until_done();

        {
            std::lock_guard lock(mutex_);
            closing_ = true;
        }
        work_cv_.notify_all();
        for (auto& t : workers) t.join();
        return std::move(outcomes_);
    }

private:
    enum class State { waiting, ready, running, done };

    struct Finished {
        std::size_t index;
        Outcome outcome;
    };

    // Worker: takes ready cases and runs their attempts.
    void work(int worker)
    {
        std::mt19937_64 random(std::random_device{}() + static_cast<unsigned>(worker));
        for (;;) {
            std::size_t index;
            Handoffs handoffs;
            {
                std::unique_lock lock(mutex_);
                work_cv_.wait(lock, [&] { return closing_ || (!ready_.empty() && !stop_.requested()); });
                if (closing_) return;
                index = ready_.front();
                ready_.pop_front();
                state_[index] = State::running;
                handoffs = handoffs_for(index);
                started_.push_back(index);
            }
            done_cv_.notify_one();
            Outcome outcome = run_case(index, handoffs, random);
            {
                std::lock_guard lock(mutex_);
                finished_.push_back({index, std::move(outcome)});
            }
            done_cv_.notify_one();
        }
    }

    Outcome run_case(std::size_t index, const Handoffs& handoffs, std::mt19937_64& random)
    {
        const PlannedCase& planned = plan_.cases[index];
        const Target& target = plan_.target_of(planned);
        Duration timeout = options_.timeout.value_or(target.timeout);
        auto started = Clock::now();
        std::vector<std::string> log;
        // The capture spans every attempt, so a retried case's file shows them all.
        std::optional<PacketCapture> capture;
        if (captures_) capture = captures_->start(planned, target, handoffs, log);
        Outcome outcome;
        int attempt = 1;
        for (;; ++attempt) {
            outcome = run_attempt(planned, target, timeout, handoffs, stop_, log, plan_.secrets.get());
            // After a stop, no retry. What the attempt found stands: a check cut short by the
            // stop says interrupted itself; one that had already failed (a wrong password)
            // keeps its verdict.
            if (stop_.requested()) break;
            if (!should_retry(planned.retry, attempt, outcome)) break;
            Duration delay = backoff_delay(planned.retry, attempt, random);
            log.push_back(fmt::format("attempt {} {}: {} ({}); retrying in {} ms", attempt,
                                      to_string(outcome.status), outcome.category,
                                      outcome.message, delay.count()));
            pause_unless_stopped(delay, stop_);
            if (stop_.requested()) {
                outcome = interrupted();
                break;
            }
        }
        outcome.attempts = attempt;
        outcome.duration = Clock::now() - started;
        log.insert(log.end(), std::make_move_iterator(outcome.log.begin()),
                   std::make_move_iterator(outcome.log.end()));
        outcome.log = std::move(log);
        if (captures_) captures_->finish(std::move(capture), target, *planned.kind, outcome);
        // Nothing a report, the console or a log shows may hold a secret of the run.
        if (plan_.secrets) plan_.secrets->redact(outcome);
        return outcome;
    }

    // What the cases up this case's chain of declared prerequisites left, nearest first
    // (mutex held). A case only runs once its prerequisites passed, so all of them are done.
    Handoffs handoffs_for(std::size_t index) const
    {
        Handoffs handoffs;
        for (auto p = plan_.cases[index].prerequisite; p; p = plan_.cases[*p].prerequisite)
            if (state_[*p] == State::done && outcomes_[*p].handoff)
                handoffs.push_back(outcomes_[*p].handoff);
        return handoffs;
    }

    // Main thread: hands finished cases to the reporter, releases or skips their dependants.
    void deliver_until_done()
    {
        std::size_t delivered = 0;
        bool stop_seen = false;
        while (delivered < plan_.cases.size()) {
            std::deque<Finished> batch;
            std::vector<std::size_t> started;
            {
                std::unique_lock lock(mutex_);
                // Wakes periodically to notice a stop request (signal handlers cannot notify).
                done_cv_.wait_for(lock, std::chrono::milliseconds{20},
                                  [&] { return !finished_.empty() || !started_.empty(); });
                batch.swap(finished_);
                started.swap(started_);
                if (stop_.requested() && !stop_seen) {
                    stop_seen = true;
                    // Cases that never started end now, as interrupted errors.
                    for (std::size_t i = 0; i < state_.size(); ++i) {
                        if (state_[i] == State::waiting || state_[i] == State::ready) {
                            state_[i] = State::running;
                            batch.push_back({i, interrupted()});
                        }
                    }
                    ready_.clear();
                }
            }
            // A case starts before it finishes: its start is in this batch or an earlier one.
            for (std::size_t index : started) reporter_.case_started(index);
            while (!batch.empty()) {
                Finished f = std::move(batch.front());
                batch.pop_front();
                std::vector<Finished> released = finish(f.index, std::move(f.outcome));
                ++delivered;
                for (auto& r : released) batch.push_back(std::move(r));
            }
            work_cv_.notify_all();
            reporter_.tick();
        }
    }

    // Records an outcome, reports it, and decides the fate of the case's dependants: run
    // them, or skip them at once (returned, to be finished in turn).
    std::vector<Finished> finish(std::size_t index, Outcome outcome)
    {
        std::vector<Finished> skipped_now;
        {
            std::lock_guard lock(mutex_);
            outcomes_[index] = std::move(outcome);
            state_[index] = State::done;
            const Outcome& done = outcomes_[index];
            for (std::size_t dep : dependants_[index]) {
                if (state_[dep] != State::waiting) continue;
                if (done.status == Status::passed) {
                    state_[dep] = State::ready;
                    ready_.push_back(dep);
                } else {
                    state_[dep] = State::running;
                    Outcome s = skipped("blocked by " + plan_.case_id(plan_.cases[index]));
                    s.attempts = 0;
                    skipped_now.push_back({dep, std::move(s)});
                }
            }
        }
        reporter_.case_finished(index, outcomes_[index]);
        return skipped_now;
    }

    const Plan& plan_;
    const RunOptions& options_;
    Reporter& reporter_;
    const StopSignal& stop_;
    std::optional<CaseCaptures> captures_;  // with --capture

    std::mutex mutex_;
    std::condition_variable work_cv_, done_cv_;
    std::vector<Outcome> outcomes_;
    std::vector<State> state_;
    std::vector<std::vector<std::size_t>> dependants_;
    std::deque<std::size_t> ready_;
    std::deque<Finished> finished_;
    std::vector<std::size_t> started_;  // cases whose start is not yet reported
    bool closing_ = false;
};

}  // namespace

std::vector<Outcome> run_plan(const Plan& plan, const RunDescription& description,
                              const RunOptions& options, const RunInfo& info, Reporter& reporter,
                              const StopSignal& stop)
{
    reporter.run_started(description, info);
    return Scheduler(plan, options, reporter, stop).run();
}

}  // namespace connspec
