#include "checks/poll_loop.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace connspec {

bool run_poll_loop(const std::vector<PollTask*>& tasks, const StopSignal& stop)
{
    std::vector<pollfd> fds;
    std::vector<PollTask*> waiting;
    auto stop_all = [&] {
        for (PollTask* task : tasks)
            if (!task->finished()) task->on_stop();
        return false;
    };
    for (;;) {
        if (stop.requested()) return stop_all();
        // Tasks whose time came first: they may finish or move on to a new wait.
        Deadline next = Deadline::max();
        bool any = false;
        for (PollTask* task : tasks) {
            if (task->finished()) continue;
            if (task->due() <= Clock::now()) task->on_due();
            if (task->finished()) continue;
            any = true;
            next = std::min(next, task->due());
        }
        if (!any) return true;

        fds.clear();
        waiting.clear();
        for (PollTask* task : tasks) {
            if (task->finished() || task->fd() < 0) continue;
            fds.push_back({task->fd(), task->events(), 0});
            waiting.push_back(task);
        }
        fds.push_back({stop.fd(), POLLIN, 0});
        int n = ::poll(fds.data(), fds.size(), millis_left(next));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return stop_all();  // cannot wait at all (out of memory): end every task
        if (fds.back().revents) return stop_all();
        for (std::size_t i = 0; i < waiting.size(); ++i)
            if (fds[i].revents && !waiting[i]->finished()) waiting[i]->on_ready();
    }
}

}  // namespace connspec
