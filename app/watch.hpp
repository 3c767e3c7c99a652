// `connspec watch`: runs the suites every interval (never overlapping) and serves the latest
// run to Prometheus (/metrics), as JSON (/results.json) and /healthz, until SIGTERM/SIGINT.
#pragma once

#include <ostream>
#include <string>

#include "app/commands.hpp"

namespace connspec {

struct WatchRequest {
    RunRequest run;                       // suites, selection, --jobs, --timeout, --vantage
    std::string interval = "30s";         // --interval, as typed
    std::string listen = "127.0.0.1:9469";  // --listen, as typed
};

// 0 when stopped by SIGTERM/SIGINT; 2 for a usage or suite error or an address it cannot
// listen on.
int watch_command(const WatchRequest& request, std::ostream& out, std::ostream& err);

}  // namespace connspec
