// Absolute deadlines and the stop signal every network wait honours.
#pragma once

#include <atomic>
#include <chrono>

namespace connspec {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;
using Duration = std::chrono::milliseconds;

// Milliseconds left until `deadline`, clamped at 0, rounded up so a poll never wakes early
// and spins.
int millis_left(Deadline deadline);

// A stop request that poll loops can wait on: `fd()` becomes readable once `request()`
// was called. request() is async-signal-safe (a write to an eventfd), so a signal handler
// may call it.
class StopSignal {
public:
    StopSignal();
    ~StopSignal();
    StopSignal(const StopSignal&) = delete;
    StopSignal& operator=(const StopSignal&) = delete;

    void request() noexcept;
    bool requested() const noexcept { return requested_.load(std::memory_order_relaxed); }
    int fd() const noexcept { return fd_; }

private:
    int fd_ = -1;
    std::atomic<bool> requested_{false};
};

}  // namespace connspec
