#include "app/watch.hpp"

#include <malloc.h>
#include <poll.h>

#include <fmt/format.h>

#include "app/cadence.hpp"
#include "app/http_server.hpp"
#include "app/listen_address.hpp"
#include "app/silent_reporter.hpp"
#include "app/watch_routes.hpp"
#include "app/watch_snapshot.hpp"
#include "core/duration.hpp"
#include "reports/tally.hpp"
#include "runner/descriptors.hpp"
#include "runner/signals.hpp"

namespace connspec {
namespace {

// Waits until `when` or a stop request, whichever comes first.
void wait_until_or_stopped(Clock::time_point when, const StopSignal& stop)
{
    pollfd p{stop.fd(), POLLIN, 0};
    while (!stop.requested()) {
        int left = millis_left(when);
        if (left <= 0) return;
        ::poll(&p, 1, left);
    }
}

// glibc gives each worker thread one of up to 8 x cores malloc arenas, and an arena keeps its
// high-water mark. Every run of watch starts new workers, which take the arenas in turn, so the
// marks only rise: RSS grew for minutes (+2.7 MiB from minute 1 to 5 at 100 targets x 4 cases).
// One arena is flat from the first minute, smaller, and no slower (bench/README.md, watch).
// Called before any thread starts; arenas made earlier would stay.
void use_one_malloc_arena()
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
#endif
}

}  // namespace

int watch_command(const WatchRequest& request, std::ostream& out, std::ostream& err)
{
    use_one_malloc_arena();
    auto interval = parse_duration(request.interval);
    if (!interval || interval->count() <= 0) {
        err << fmt::format("--interval: \"{}\" is not a duration (like 10s, 30s, 1m)\n", request.interval);
        return exit_usage;
    }
    ParsedListen listen = parse_listen_address(request.listen);
    if (!listen.address) {
        err << listen.error << '\n';
        return exit_usage;
    }
    if (!request.run.junit_file.empty() || !request.run.json_file.empty() || request.run.tap) {
        err << "watch writes no report files: scrape /metrics or fetch /results.json instead\n";
        return exit_usage;
    }
    auto prepared = prepare_run(request.run, err);
    if (!prepared) return exit_usage;
    const Plan& plan = prepared->plan;

    StopSignal& stop = process_stop_signal();
    raise_descriptor_limit(plan, prepared->options.jobs);  // once, for every run to come
    auto description = std::make_shared<const RunDescription>(describe(plan));
    HttpServer server;
    WatchState state(initial_snapshot(description, listen.address->text(), *interval));
    add_watch_routes(server, state);
    if (auto problem = server.start(*listen.address)) {
        err << "connspec watch: " << *problem << '\n';
        return exit_usage;
    }
    ListenAddress bound = *listen.address;
    bound.port = server.port();
    out << fmt::format("connspec watch: {} case{} every {}; serving http://{}/ (status page), /metrics, "
                       "/results.json and /healthz ({})\n",
                       plan.cases.size(), plan.cases.size() == 1 ? "" : "s", request.interval,
                       bound.text(),
                       bound.is_loopback()
                           ? "loopback only: use --listen ADDR:PORT to be reachable from other hosts"
                           : "reachable from the network: anyone who can connect sees the results");
    out.flush();

    const std::string hostname = request.run.vantage.empty() ? this_hostname() : request.run.vantage;
    Cadence cadence(*interval);
    SilentReporter silent;  // watch reports only through its snapshots
    std::uint64_t runs = 0;
    while (!stop.requested()) {
        auto started = Clock::now();
        cadence.started(started);
        RunInfo info{hostname, request.run.vantage, std::chrono::system_clock::now()};
        auto outcomes = run_plan(plan, *description, prepared->options, info, silent, stop);
        if (stop.requested()) break;  // an interrupted run is never published
        auto ended = Clock::now();
        bool overran = cadence.finished(ended);
        RunResult result{*description, info, std::move(outcomes), ended - started, false};
        state.publish(next_snapshot(*state.latest(), result, cadence.overruns()));
        ++runs;

        Tally tally;
        for (const auto& o : result.outcomes) tally.add(o);
        out << fmt::format("run {}: {} passed, {} failed, {} errors, {} skipped in {:.3f} s{}\n", runs,
                           tally.passed, tally.failed, tally.errors, tally.skipped,
                           result.duration.count(),
                           overran ? " (longer than the interval: the next run starts now)" : "");
        out.flush();
        wait_until_or_stopped(cadence.next_start(), stop);
    }
    server.stop();
    out << fmt::format("connspec watch: stopped after {} run{}\n", runs, runs == 1 ? "" : "s");
    return exit_passed;
}

}  // namespace connspec
