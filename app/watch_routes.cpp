#include "app/watch_routes.hpp"

#include <fmt/format.h>

namespace connspec {

void add_watch_routes(HttpServer& server, const WatchState& state)
{
    // The status page: the latest run's chain per target and each case's last runs.
    server.get("/", [&state](const HttpRequest&) {
        auto snapshot = state.latest();
        return HttpResponse{200, "text/html; charset=utf-8", snapshot->status_page()};
    });
    server.get("/metrics", [&state](const HttpRequest&) {
        auto snapshot = state.latest();
        return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", snapshot->metrics};
    });
    server.get("/results.json", [&state](const HttpRequest&) {
        auto snapshot = state.latest();
        if (!snapshot->has_run)
            return HttpResponse{503, "application/json",
                                "{\"error\": \"no run has finished yet\"}\n"};
        return HttpResponse{200, "application/json", snapshot->results_json};
    });
    // Alive and serving; says how many runs finished (a run that hangs shows as a count that
    // stops growing, which connspec_last_run_timestamp_seconds makes alertable).
    server.get("/healthz", [&state](const HttpRequest&) {
        auto snapshot = state.latest();
        return HttpResponse{200, "text/plain; charset=utf-8",
                            fmt::format("ok: {} run{} finished\n", snapshot->totals.runs,
                                        snapshot->totals.runs == 1 ? "" : "s")};
    });
}

}  // namespace connspec
