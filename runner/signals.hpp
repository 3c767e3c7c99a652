// SIGINT and SIGTERM become a stop request; SIGPIPE is ignored (a peer closing a socket is
// an outcome, not a reason to die).
#pragma once

#include "core/deadline.hpp"

namespace connspec {

// Routes SIGINT/SIGTERM to `stop` for the rest of the process's life.
void install_stop_signals(StopSignal& stop);

}  // namespace connspec
