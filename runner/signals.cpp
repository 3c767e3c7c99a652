#include "runner/signals.hpp"

#include <signal.h>


namespace connspec {
namespace {

StopSignal* g_stop = nullptr;
extern "C" void on_stop_signal(int)
{
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

}  // namespace connspec
