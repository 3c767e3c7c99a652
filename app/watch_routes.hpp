// watch's HTTP routes: /metrics (Prometheus text format), /results.json (the latest run, as
// the JSON report), /healthz. Every handler reads one published snapshot.
#pragma once

#include "app/http_server.hpp"
#include "app/watch_snapshot.hpp"

namespace connspec {

void add_watch_routes(HttpServer& server, const WatchState& state);

}  // namespace connspec
