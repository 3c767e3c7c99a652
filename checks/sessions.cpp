// `sessions` case: `count` sessions opened at the same time from this one thread (every
// connection started with PQconnectStartParams, all advanced by one poll loop), each runs
// `query`, all are held open together for `hold`, then closed. Connect latency percentiles,
// the success rate and the server's headroom are reported.
#include <fmt/format.h>
#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <map>

#include "checks/check_kind.hpp"
#include "checks/net.hpp"
#include "checks/pg_connect.hpp"
#include "checks/pg_options.hpp"
#include "checks/proxy_relay.hpp"
#include "checks/target_way.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

constexpr std::int64_t max_count = 100000;
// Asked of the first session that connects: how close the server is to its limit.
constexpr const char* headroom_query =
    "SELECT current_setting('max_connections') || ' ' || "
    "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')";

struct Spec : CaseSpec {
    PgLoginOptions login;
    int count = 1;
    Duration hold{1000};
    double min_success_rate = 1.0;
    std::optional<Duration> max_connect_p95;
};

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    spec->login = read_pg_login_options(options, "login");
    if (auto count = options.integer("count", 1, max_count))
        spec->count = static_cast<int>(*count);
    else if (!options.has("count"))
        options.error("", "sessions needs `count`, the number of sessions to open at once");
    if (auto hold = options.duration("hold")) spec->hold = *hold;
    if (auto rate = options.number("min_success_rate", 0.0, 1.0)) spec->min_success_rate = *rate;
    spec->max_connect_p95 = options.duration("max_connect_p95");
    return spec;
}

std::string ms(double seconds)
{
    return fmt::format("{:.3f} ms", seconds * 1000.0);
}

// One socket per session; the runner raises the open-file limit for all of them at start.
std::size_t descriptors(const CaseSpec& base)
{
    return static_cast<std::size_t>(static_cast<const Spec&>(base).count) + 4;
}

// The soft open-file limit now, for messages.
std::string open_file_limit()
{
    rlimit limits{};
    if (::getrlimit(RLIMIT_NOFILE, &limits) != 0 || limits.rlim_cur == RLIM_INFINITY) return "unlimited";
    return std::to_string(limits.rlim_cur);
}

double percentile(std::vector<double> sorted_values, double p)
{
    if (sorted_values.empty()) return 0;
    // Nearest rank: the smallest value with at least p of the values at or below it.
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted_values.size())));
    return sorted_values[std::clamp<std::size_t>(rank, 1, sorted_values.size()) - 1];
}

// Advances every unfinished session until all are done, the deadline passes or stop comes.
WaitStatus drive_all(std::vector<PgSession>& sessions, Deadline deadline, const StopSignal& stop)
{
    std::vector<pollfd> fds;
    std::vector<std::size_t> owners;
    fds.reserve(sessions.size() + 1);
    owners.reserve(sessions.size());
    for (;;) {
        fds.clear();
        owners.clear();
        fds.push_back({stop.fd(), POLLIN, 0});
        for (std::size_t i = 0; i < sessions.size(); ++i) {
            if (sessions[i].done()) continue;
            fds.push_back({sessions[i].socket(), sessions[i].events(), 0});
            owners.push_back(i);
        }
        if (owners.empty()) return WaitStatus::ready;
        int left = millis_left(deadline);
        if (left == 0) return WaitStatus::timeout;
        int ready = ::poll(fds.data(), fds.size(), left);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return WaitStatus::timeout;
        }
        if (fds[0].revents) return WaitStatus::stopped;
        for (std::size_t k = 1; k < fds.size(); ++k)
            if (fds[k].revents) sessions[owners[k - 1]].step();
    }
}

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);

    TargetWay way = find_target_way(target, context);
    if (!way.ok()) return *way.failure;
    const auto& address = way.addresses.front();
    auto endpoint = format_endpoint(address, target.port);
    auto password = find_password(spec.login, target, context);
    if (password.failure) return *password.failure;
    auto made = make_pg_params(spec.login, target, address, password.password);
    if (made.failure) return *made.failure;
    // libpq knows no proxies: every session connects to one loopback relay, whose one poll
    // loop tunnels each through `via`.
    std::unique_ptr<ProxyRelay> relay;
    if (const ProxyRoute* route = way.proxy()) {
        std::string problem;
        relay = ProxyRelay::start(*route, address, target.port, context.deadline, context.stop,
                                  problem);
        if (!relay) return errored("internal", problem, "this machine could not open a loopback port");
        made.params.hostaddr = "127.0.0.1";
        made.params.port = relay->port();
        context.note(fmt::format("relaying 127.0.0.1:{}", relay->port()));
    }

    context.note(fmt::format("opening {} sessions to {} at once", spec.count, endpoint));
    std::vector<PgSession> sessions;
    sessions.reserve(static_cast<std::size_t>(spec.count));
    for (int i = 0; i < spec.count; ++i) sessions.emplace_back(made.params, std::vector{spec.login.query});
    // Failed before connecting (libpq cannot be loaded): an error of ours, not a verdict.
    if (const PgSession& first = sessions.front();
        first.state() == PgSession::State::failed && first.category() == "internal")
        return first.failure(endpoint);

    auto waited = drive_all(sessions, context.deadline, context.stop);
    if (waited == WaitStatus::stopped) return interrupted();
    bool cut_short = waited == WaitStatus::timeout;
    for (auto& s : sessions) s.time_out();

    // Tally: successes (with the value expected) and failures by category.
    std::vector<double> latencies;
    std::map<std::string, int> failures;
    std::string first_message, local_message;
    PgSession* first_ok = nullptr;
    for (auto& s : sessions) {
        std::string category;
        if (s.state() == PgSession::State::failed) {
            category = s.category();
            if (first_message.empty()) first_message = s.failure(endpoint).message;
            if (category == "internal" && local_message.empty()) local_message = s.failure(endpoint).message;
        } else if (spec.login.expect && s.values().front() != spec.login.expect) {
            category = "pg.query";
            if (first_message.empty())
                first_message = fmt::format("the query returned \"{}\", expected \"{}\"",
                                            s.values().front().value_or("NULL"), *spec.login.expect);
        }
        if (!category.empty()) {
            ++failures[category];
            continue;
        }
        latencies.push_back(s.connect_time().count());
        if (!first_ok) first_ok = &s;
    }
    std::sort(latencies.begin(), latencies.end());
    int succeeded = static_cast<int>(latencies.size());
    int failed_count = spec.count - succeeded;

    // Sessions this machine could not even start (out of descriptors): the server was never
    // asked, so nothing here is its fault.
    if (auto local = failures.find("internal"); local != failures.end())
        return errored("internal",
                       fmt::format("{} of {} sessions could not be started on this machine "
                                   "(open-file limit {}): {}",
                                   local->second, spec.count, open_file_limit(), local_message),
                       "a shortage on the machine running connspec, not on the server: raise the "
                       "open-file hard limit (ulimit -Hn, LimitNOFILE in systemd), lower count, "
                       "or run fewer sessions cases at once (--jobs)");

    Outcome outcome = passed();
    outcome.property("address", endpoint);
    if (way.route) outcome.property("via", way.route->proxy.display());
    outcome.property("opened", std::to_string(succeeded));
    outcome.property("failed", std::to_string(failed_count));
    double rate = static_cast<double>(succeeded) / spec.count;
    outcome.property("success_rate", fmt::format("{:.3f}", rate));
    if (!latencies.empty()) {
        outcome.property("connect_p50", ms(percentile(latencies, 0.50)));
        outcome.property("connect_p95", ms(percentile(latencies, 0.95)));
        outcome.property("connect_max", ms(latencies.back()));
        // Every session's connect time, in milliseconds, ascending (the HTML report's histogram).
        std::string times;
        for (double l : latencies) times += fmt::format("{}{:.3f}", times.empty() ? "" : " ", l * 1000.0);
        outcome.property("connect_times_ms", std::move(times));
    }

    // Headroom, asked on the first session that succeeded while all the others are still open.
    // A failed headroom query (no right to read pg_stat_activity) leaves its session open:
    // it is held like the others.
    if (first_ok && !cut_short) {
        first_ok->run_more(headroom_query);
        if (drive(*first_ok, context.deadline, context.stop) == WaitStatus::stopped) return interrupted();
        if (first_ok->state() == PgSession::State::ready && first_ok->values().size() > 1 &&
            first_ok->values()[1]) {
            const auto& text = *first_ok->values()[1];
            auto space = text.find(' ');
            outcome.property("max_connections", text.substr(0, space));
            if (space != std::string::npos)
                outcome.property("connections_in_use", text.substr(space + 1));
        } else if (first_ok->state() == PgSession::State::failed) {
            context.note("the headroom query failed: " + first_ok->error().text);
        }
    }
    // What is really open now is what the hold holds.
    int held = 0;
    for (const auto& s : sessions) held += s.open();
    outcome.property("held", std::to_string(held));

    if (rate >= spec.min_success_rate && !cut_short) {
        // Enough open together: hold them for `hold`, still bounded by the deadline.
        auto hold_end = Clock::now() + spec.hold;
        if (hold_end > context.deadline) {
            cut_short = true;
        } else {
            pollfd stop_fd{context.stop.fd(), POLLIN, 0};
            while (Clock::now() < hold_end) {
                int got = ::poll(&stop_fd, 1, millis_left(hold_end));
                if (got > 0) return interrupted();
            }
        }
    }
    for (auto& s : sessions) s.close();

    auto failure_summary = [&] {
        std::string text = fmt::format("{} of {} failed:", failed_count, spec.count);
        bool first = true;
        for (const auto& [category, n] : failures) {
            text += fmt::format("{} {} ×{}", first ? "" : ",", category, n);
            first = false;
        }
        return text;
    };
    std::vector<std::pair<std::string, int>> by_count(failures.begin(), failures.end());
    std::stable_sort(by_count.begin(), by_count.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });

    auto with_properties = [&](Outcome o) {
        o.properties = outcome.properties;
        return o;
    };
    if (cut_short && rate >= spec.min_success_rate)
        return with_properties(failed("pg.timeout",
                                      fmt::format("the deadline ended before {} sessions were held for {}",
                                                  succeeded, ms(std::chrono::duration<double>(spec.hold).count())),
                                      pg_hint("pg.timeout")));
    // Sessions lost to failed tunnels: the proxy's category and message.
    if (rate < spec.min_success_rate && relay) {
        auto tally = relay->tally();
        if (tally.first_failure && tally.failed * 2 >= failed_count) {
            Outcome why = *tally.first_failure;
            why.message = fmt::format("{} of {} tunnels through the proxy failed (first: {})",
                                      tally.failed, tally.tunnels, why.message);
            return with_properties(why);
        }
    }
    if (rate < spec.min_success_rate) {
        const std::string& dominant = by_count.front().first;
        std::string category = dominant == "pg.too_many_connections" || dominant == "pg.timeout"
                                   ? dominant
                                   : std::string{"sessions.threshold"};
        auto message = failure_summary();
        if (!first_message.empty()) message += fmt::format(" (first: {})", first_message);
        auto hint = pg_hint(dominant);
        if (category == "sessions.threshold")
            hint = fmt::format("success rate {:.3f} is below min_success_rate {:.3f}; {}", rate,
                               spec.min_success_rate, hint);
        return with_properties(failed(category, message, hint));
    }
    double p95 = percentile(latencies, 0.95);
    if (spec.max_connect_p95 && p95 * 1000.0 > static_cast<double>(spec.max_connect_p95->count()))
        return with_properties(failed("sessions.threshold",
                                      fmt::format("connect p95 {} is above max_connect_p95 {}", ms(p95),
                                                  ms(static_cast<double>(spec.max_connect_p95->count()) / 1000.0)),
                                      "the server is slow to accept sessions: check its load, "
                                      "authentication cost (scram iterations, LDAP) and connection rate"));
    outcome.message = fmt::format("{} of {} sessions open together, held {}; connect p95 {}", held,
                                  spec.count, ms(std::chrono::duration<double>(spec.hold).count()),
                                  ms(p95));
    if (failed_count > 0) outcome.message += "; " + failure_summary();
    return outcome;
}

}  // namespace

CheckKind sessions_kind()
{
    return {"sessions", "login", {Protocol::postgres}, "pg.timeout", parse, run,
            /*options_may_hold_secrets=*/true, descriptors};
}

}  // namespace connspec
