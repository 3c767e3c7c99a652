// When watch's next run starts: every interval after the previous start, never overlapping.
// A run that takes longer than the interval makes the next one start at once, counted as an
// overrun, and the schedule continues from that late start (no burst of catch-up runs).
#pragma once

#include <cstdint>

#include "core/deadline.hpp"

namespace connspec {

class Cadence {
public:
    explicit Cadence(Duration interval) : interval_(interval) {}

    // A run starts at `now`; returns when the next one is due.
    Clock::time_point started(Clock::time_point now)
    {
        next_ = now + interval_;
        return next_;
    }
    // The run that started last ended at `now`: true (and counted) when it overran, so the
    // next run is due at once.
    bool finished(Clock::time_point now)
    {
        if (now <= next_) return false;
        ++overruns_;
        next_ = now;
        return true;
    }
    Clock::time_point next_start() const { return next_; }
    std::uint64_t overruns() const { return overruns_; }
    Duration interval() const { return interval_; }

private:
    Duration interval_;
    Clock::time_point next_{};
    std::uint64_t overruns_ = 0;
};

}  // namespace connspec
