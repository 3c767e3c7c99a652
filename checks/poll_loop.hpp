// One poll loop driving many non-blocking sockets at once: each task says which descriptor and
// events it waits for and until when (its own deadline, at most the case's); the loop sleeps in
// one poll(2) over all of them and the stop signal's descriptor, and wakes each task on
// readiness, at its due time, or on stop. No thread per connection, no sleeps.
#pragma once

#include <vector>

#include "core/deadline.hpp"

namespace connspec {

class PollTask {
public:
    virtual ~PollTask() = default;
    virtual bool finished() const = 0;
    // The descriptor to wait on and the events (POLLIN/POLLOUT); fd -1: wait only for due().
    virtual int fd() const = 0;
    virtual short events() const = 0;
    // When the task wants on_due() if nothing happened before (a deadline, or an earlier
    // moment of its own).
    virtual Deadline due() const = 0;
    virtual void on_ready() = 0;  // the descriptor is ready (or in error: the next I/O says)
    virtual void on_due() = 0;    // due() passed
    virtual void on_stop() = 0;   // the stop signal came: end now
};

// Runs until every task has finished; false when the stop signal ended it (every unfinished
// task was told with on_stop()).
bool run_poll_loop(const std::vector<PollTask*>& tasks, const StopSignal& stop);

}  // namespace connspec
