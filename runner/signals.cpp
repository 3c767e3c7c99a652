#include "runner/signals.hpp"

#include <signal.h>

#include <atomic>

namespace connspec {
namespace {

// Set once, before the handlers are installed; never reset, never freed.
std::atomic<StopSignal*> g_stop{nullptr};

extern "C" void on_stop_signal(int)
{
    if (StopSignal* stop = g_stop.load(std::memory_order_acquire)) stop->request();
}

StopSignal& install()
{
    // Deliberately leaked: static storage would be destroyed at exit while a late signal
    // could still arrive.
    auto* stop = new StopSignal;
    g_stop.store(stop, std::memory_order_release);
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);
    return *stop;
}

}  // namespace

StopSignal& process_stop_signal()
{
    static StopSignal& stop = install();
    return stop;
}

}  // namespace connspec
