#include "runner/signals.hpp"

#include <signal.h>

#include <atomic>

namespace connspec {
namespace {

StopSignal* g_stop = nullptr;
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig)
{
    g_signal.store(sig);
    if (g_stop) g_stop->request();
}

}  // namespace

void install_stop_signals(StopSignal& stop)
{
    g_stop = &stop;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

int stop_signal_number()
{
    return g_signal.load();
}

}  // namespace connspec
