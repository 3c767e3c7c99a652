// SIGINT and SIGTERM become a stop request; SIGPIPE is ignored (a peer closing a socket is
// an outcome, not a reason to die).
#pragma once

#include "core/deadline.hpp"

namespace connspec {

// The process's one stop signal: created and routed from SIGINT/SIGTERM on first use, and
// never destroyed, so a signal at any moment (running cases, writing reports, writing a
// bundle, exiting) finds a live StopSignal and its own eventfd, never a reused descriptor.
StopSignal& process_stop_signal();

}  // namespace connspec
