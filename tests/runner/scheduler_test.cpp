// The scheduler's rules: prerequisites, bounded parallelism, retries, deadlines, stop.
// Scheduling logic is tested with small scripted check kinds; real checks are tested against
// real servers in the integration suite.
#include <boost/test/unit_test.hpp>

#include <poll.h>

#include <atomic>
#include <map>
#include <thread>

#include "runner/retry_policy.hpp"
#include "runner/scheduler.hpp"
#include "runner/selection.hpp"

using namespace connspec;

namespace {

// What a scripted case does in each attempt.
struct Script : CaseSpec {
    std::vector<Outcome> attempts;  // the last one repeats
    int wait_ms = 0;                // waits this long (or until deadline/stop) first
    bool ignore_deadline = false;   // overrun the deadline on purpose
    bool ignore_stop = false;       // wait the whole wait_ms, then answer, stop or not
    bool throws = false;
    mutable std::atomic<int> calls{0};
    mutable std::vector<std::shared_ptr<const Handoff>> seen_handoffs;
};

std::atomic<int> running_now{0};
std::atomic<int> running_max{0};

Outcome run_script(const CaseSpec& spec, const Target&, CheckContext& context)
{
    const auto& s = static_cast<const Script&>(spec);
    int call = s.calls++;
    s.seen_handoffs = context.handoffs;
    int now = ++running_now;
    int seen = running_max.load();
    while (now > seen && !running_max.compare_exchange_weak(seen, now)) {}
    if (s.wait_ms > 0) {
        auto end = Clock::now() + std::chrono::milliseconds{s.wait_ms};
        Deadline limit = s.ignore_deadline ? end : std::min(end, context.deadline);
        pollfd p{context.stop.fd(), POLLIN, 0};
        if (s.ignore_stop)
            while (millis_left(limit) > 0) ::poll(nullptr, 0, millis_left(limit));
        while (millis_left(limit) > 0 && !context.stop.requested()) ::poll(&p, 1, millis_left(limit));
    }
    --running_now;
    if (s.throws) throw std::runtime_error("boom");
    if (context.stop.requested() && !s.ignore_stop) return interrupted();
    if (Clock::now() >= context.deadline && !s.ignore_deadline)
        return failed("tcp.timeout", "timed out", "");
    return s.attempts.at(std::min<std::size_t>(call, s.attempts.size() - 1));
}

CheckKind kind(std::string_view name, std::string_view prerequisite)
{
    return {name, prerequisite, {Protocol::tcp}, "tcp.timeout", nullptr, run_script};
}

const CheckKind resolves_k = kind("resolves", "");
const CheckKind first_k = kind("first", "resolves");
const CheckKind second_k = kind("second", "first");
const CheckKind third_k = kind("third", "second");

struct Recorder : Reporter {
    std::vector<std::size_t> order;
    bool started = false;
    void run_started(const RunDescription&, const RunInfo&) override { started = true; }
    void case_finished(std::size_t index, const Outcome&) override { order.push_back(index); }
    void run_finished(const RunResult&) override {}
};

// A plan builder: targets with a chain of scripted cases.
struct PlanBuilder {
    Plan plan;
    std::vector<std::shared_ptr<Script>> scripts;

    std::vector<RetryPolicy> retries;  // per target, copied into its cases

    std::size_t target(const std::string& name, RetryPolicy retry = {}, int timeout_ms = 1000)
    {
        Target t;
        t.suite = "s";
        t.name = name;
        t.host = "127.0.0.1";
        t.protocol = Protocol::tcp;
        retries.push_back(retry);
        t.timeout = Duration{timeout_ms};
        plan.targets.push_back(t);
        return plan.targets.size() - 1;
    }
    Script& add(std::size_t target, const CheckKind& k, std::optional<std::size_t> prerequisite,
                std::vector<Outcome> attempts = {passed()})
    {
        auto s = std::make_shared<Script>();
        s->attempts = std::move(attempts);
        scripts.push_back(s);
        plan.cases.push_back({target, &k, s, prerequisite, retries.at(target)});
        return *s;
    }
};

std::vector<Outcome> run(const Plan& plan, int jobs = 16, const StopSignal* stop_from = nullptr)
{
    StopSignal own;
    const StopSignal& stop = stop_from ? *stop_from : own;
    Recorder rec;
    RunInfo info;
    const RunDescription description = describe(plan);
    auto outcomes = run_plan(plan, description, RunOptions{jobs, std::nullopt, {}}, info, rec, stop);
    BOOST_TEST(rec.started);
    BOOST_TEST(rec.order.size() == plan.cases.size());
    return outcomes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dependants_of_a_failed_case_are_skipped_naming_the_nearest_failure)
{
    PlanBuilder b;
    auto t = b.target("db");
    b.add(t, resolves_k, std::nullopt);
    b.add(t, first_k, 0, {failed("tcp.refused", "refused", "hint")});
    b.add(t, second_k, 1);
    b.add(t, third_k, 2);
    auto out = run(b.plan);
    BOOST_TEST(out[0].status == Status::passed);
    BOOST_TEST(out[1].status == Status::failed);
    BOOST_TEST(out[2].status == Status::skipped);
    BOOST_TEST(out[2].message == "blocked by db.first");
    BOOST_TEST(out[3].status == Status::skipped);
    BOOST_TEST(out[3].message == "blocked by db.second");
    BOOST_TEST(b.scripts[2]->calls == 0);
    BOOST_TEST(b.scripts[3]->calls == 0);
}

BOOST_AUTO_TEST_CASE(handoffs_reach_every_case_down_the_chain_nearest_first)
{
    PlanBuilder b;
    auto t = b.target("db");
    Outcome resolved = passed();
    resolved.handoff = std::make_shared<Handoff>();
    Outcome with_handoff = passed();
    with_handoff.handoff = std::make_shared<Handoff>();
    b.add(t, resolves_k, std::nullopt, {resolved});
    b.add(t, first_k, 0, {with_handoff});
    b.add(t, second_k, 1);
    b.add(t, third_k, 2);
    auto other = b.target("other");
    b.add(other, first_k, std::nullopt);
    run(b.plan);
    using Handoffs = std::vector<std::shared_ptr<const Handoff>>;
    BOOST_TEST(b.scripts[0]->seen_handoffs.empty());
    BOOST_TEST((b.scripts[1]->seen_handoffs == Handoffs{resolved.handoff}));
    BOOST_TEST((b.scripts[2]->seen_handoffs == Handoffs{with_handoff.handoff, resolved.handoff}));
    // second handed nothing on; what first and resolves left still reaches third.
    BOOST_TEST((b.scripts[3]->seen_handoffs == Handoffs{with_handoff.handoff, resolved.handoff}));
    BOOST_TEST(b.scripts[4]->seen_handoffs.empty());  // another target's cases get nothing
}

BOOST_AUTO_TEST_CASE(a_case_finds_a_handoff_by_its_type)
{
    struct Addresses : Handoff {
        int n = 0;
    };
    struct Chain : Handoff {};
    std::vector<std::string> log;
    StopSignal stop;
    auto near = std::make_shared<Addresses>();
    near->n = 1;
    auto far = std::make_shared<Addresses>();
    far->n = 2;
    CheckContext context{Clock::now(), stop, log, {std::make_shared<Chain>(), near, far}};
    BOOST_TEST_REQUIRE(context.handed<Addresses>() != nullptr);
    BOOST_TEST(context.handed<Addresses>()->n == 1);
    CheckContext empty{Clock::now(), stop, log, {}};
    BOOST_TEST(empty.handed<Chain>() == nullptr);
}

BOOST_AUTO_TEST_CASE(never_more_cases_at_once_than_jobs)
{
    PlanBuilder b;
    for (int i = 0; i < 12; ++i) {
        auto t = b.target("t" + std::to_string(i));
        b.add(t, resolves_k, std::nullopt).wait_ms = 30;
    }
    running_max = 0;
    run(b.plan, 3);
    BOOST_TEST(running_max.load() == 3);
    running_max = 0;
    run(b.plan, 12);
    BOOST_TEST(running_max.load() > 3);
}

BOOST_AUTO_TEST_CASE(transient_failures_are_retried_and_attempts_recorded)
{
    PlanBuilder b;
    RetryPolicy retry{3, Duration{1}, Duration{5}, 2.0, false};
    auto t = b.target("db", retry);
    b.add(t, resolves_k, std::nullopt,
          {failed("tcp.refused", "r", ""), failed("tcp.timeout", "t", ""), passed()});
    auto u = b.target("auth", retry);
    b.add(u, resolves_k, std::nullopt, {failed("pg.auth", "wrong password", ""), passed()});
    auto out = run(b.plan);
    BOOST_TEST(out[0].status == Status::passed);
    BOOST_TEST(out[0].attempts == 3);
    BOOST_TEST(out[0].log.size() >= 2u);
    BOOST_TEST(out[1].status == Status::failed);
    BOOST_TEST(out[1].category == "pg.auth");
    BOOST_TEST(out[1].attempts == 1);
}

BOOST_AUTO_TEST_CASE(retries_stop_when_attempts_run_out)
{
    PlanBuilder b;
    auto t = b.target("db", RetryPolicy{2, Duration{1}, Duration{1}, 2.0, true});
    b.add(t, resolves_k, std::nullopt, {failed("tcp.refused", "r", "")});
    auto out = run(b.plan);
    BOOST_TEST(out[0].status == Status::failed);
    BOOST_TEST(out[0].attempts == 2);
    BOOST_TEST(b.scripts[0]->calls == 2);
}

BOOST_AUTO_TEST_CASE(backoff_grows_exponentially_and_is_capped)
{
    std::mt19937_64 random(1);
    RetryPolicy p{5, Duration{100}, Duration{350}, 2.0, false};
    BOOST_TEST(backoff_delay(p, 1, random).count() == 100);
    BOOST_TEST(backoff_delay(p, 2, random).count() == 200);
    BOOST_TEST(backoff_delay(p, 3, random).count() == 350);
    p.jitter = true;
    for (int i = 0; i < 50; ++i) {
        auto d = backoff_delay(p, 2, random).count();
        BOOST_TEST(d >= 100);
        BOOST_TEST(d <= 200);
    }
    BOOST_TEST(!should_retry(p, 5, failed("tcp.refused", "", "")));
    BOOST_TEST(should_retry(p, 4, failed("tcp.refused", "", "")));
    BOOST_TEST(!should_retry(p, 1, failed("cert.expired", "", "")));
    BOOST_TEST(!should_retry(p, 1, passed()));
}

BOOST_AUTO_TEST_CASE(a_check_that_overruns_its_deadline_is_not_green)
{
    PlanBuilder b;
    auto t = b.target("db", {}, 50);
    auto& s = b.add(t, resolves_k, std::nullopt);
    s.wait_ms = 300;
    s.ignore_deadline = true;
    auto out = run(b.plan);
    BOOST_TEST(out[0].status == Status::failed);
    BOOST_TEST(out[0].category == "tcp.timeout");
}

BOOST_AUTO_TEST_CASE(a_throwing_check_is_an_internal_error)
{
    PlanBuilder b;
    auto t = b.target("db");
    b.add(t, resolves_k, std::nullopt).throws = true;
    auto out = run(b.plan);
    BOOST_TEST(out[0].status == Status::error);
    BOOST_TEST(out[0].category == "internal");
}

BOOST_AUTO_TEST_CASE(stop_ends_running_and_waiting_cases_as_interrupted)
{
    PlanBuilder b;
    auto t = b.target("db", {}, 10000);
    b.add(t, resolves_k, std::nullopt).wait_ms = 10000;
    b.add(t, first_k, 0);
    auto u = b.target("fast");
    b.add(u, resolves_k, std::nullopt);
    StopSignal stop;
    std::thread stopper([&] {
        ::poll(nullptr, 0, 100);
        stop.request();
    });
    auto started = Clock::now();
    auto out = run(b.plan, 1, &stop);
    stopper.join();
    BOOST_TEST(std::chrono::duration<double>(Clock::now() - started).count() < 5.0);
    BOOST_TEST(out[0].status == Status::error);
    BOOST_TEST(out[0].message == "interrupted");
    BOOST_TEST(out[1].status != Status::passed);
    BOOST_TEST(out[2].status == Status::error);  // never started: jobs = 1
    BOOST_TEST(out[2].message == "interrupted");
}

// A stop relabels only what it cut short: a case that had genuinely failed (a wrong
// password) while the stop arrived keeps its category, and is not retried.
BOOST_AUTO_TEST_CASE(stop_keeps_the_verdict_of_a_case_that_had_already_failed)
{
    PlanBuilder b;
    auto t = b.target("db", RetryPolicy{3, Duration{1}, Duration{1}, 2.0, false}, 10000);
    auto& s = b.add(t, resolves_k, std::nullopt,
                    {failed("tcp.refused", "refused", "hint"), passed()});
    s.wait_ms = 300;
    s.ignore_stop = true;
    auto u = b.target("auth", {}, 10000);
    auto& a = b.add(u, resolves_k, std::nullopt, {failed("pg.auth", "wrong password", "hint")});
    a.wait_ms = 300;
    a.ignore_stop = true;
    StopSignal stop;
    std::thread stopper([&] {
        ::poll(nullptr, 0, 100);
        stop.request();
    });
    auto out = run(b.plan, 2, &stop);
    stopper.join();
    BOOST_TEST(out[0].status == Status::failed);
    BOOST_TEST(out[0].category == "tcp.refused");
    BOOST_TEST(out[0].attempts == 1);  // transient, but no retry after the stop
    BOOST_TEST(out[1].status == Status::failed);
    BOOST_TEST(out[1].category == "pg.auth");
    BOOST_TEST(out[1].message == "wrong password");
}

BOOST_AUTO_TEST_CASE(selection_keeps_whole_targets_and_renumbers_prerequisites)
{
    PlanBuilder b;
    auto a = b.target("api-1");
    b.add(a, resolves_k, std::nullopt);
    auto d = b.target("db-1");
    b.plan.targets[d].tags = {"prod"};
    b.add(d, resolves_k, std::nullopt);
    b.add(d, first_k, 1);
    Plan by_name = select_targets(b.plan, Selection{{"db-*"}, {}, {}}).plan;
    BOOST_TEST(by_name.targets.size() == 1u);
    BOOST_TEST(by_name.cases.size() == 2u);
    BOOST_TEST(*by_name.cases[1].prerequisite == 0u);
    BOOST_TEST(select_targets(b.plan, Selection{{}, {"prod"}, {}}).plan.targets.size() == 1u);
    auto none = select_targets(b.plan, Selection{{"api-*"}, {"prod"}, {}});
    BOOST_TEST(none.plan.targets.empty());
    BOOST_TEST(none.matching == 0u);
    BOOST_TEST(select_targets(b.plan, Selection{}).plan.cases.size() == 3u);
}

BOOST_AUTO_TEST_CASE(shards_cover_every_target_exactly_once)
{
    PlanBuilder b;
    for (int i = 0; i < 7; ++i) b.add(b.target("t" + std::to_string(i)), resolves_k, std::nullopt);
    std::map<std::string, int> seen;
    std::size_t largest = 0, smallest = 100;
    for (int k = 1; k <= 3; ++k) {
        auto part = select_targets(b.plan, Selection{{}, {}, Shard{k, 3}});
        BOOST_TEST(part.matching == 7u);
        for (const auto& t : part.plan.targets) ++seen[t.name];
        largest = std::max(largest, part.plan.targets.size());
        smallest = std::min(smallest, part.plan.targets.size());
    }
    BOOST_TEST(seen.size() == 7u);
    for (const auto& [name, count] : seen) BOOST_TEST(count == 1);
    BOOST_TEST(largest - smallest <= 1u);
    BOOST_TEST(parse_shard("2/3").has_value());
    BOOST_TEST(!parse_shard("0/3").has_value());
    BOOST_TEST(!parse_shard("4/3").has_value());
    BOOST_TEST(!parse_shard("1/3x").has_value());
    BOOST_TEST(!parse_shard("1").has_value());
}

// Live progress needs to know which cases are running: every case that runs is reported
// started once, before it finishes; a skipped case never starts; time passes in ticks.
BOOST_AUTO_TEST_CASE(cases_are_reported_started_before_finished_and_ticks_come_while_waiting)
{
    struct Events : Reporter {
        std::vector<std::string> seen;
        int ticks = 0;
        void run_started(const RunDescription&, const RunInfo&) override {}
        void case_started(std::size_t index) override { seen.push_back("start " + std::to_string(index)); }
        void case_finished(std::size_t index, const Outcome&) override
        {
            seen.push_back("end " + std::to_string(index));
        }
        void tick() override { ++ticks; }
        void run_finished(const RunResult&) override {}
    };
    PlanBuilder b;
    auto t = b.target("db");
    b.add(t, resolves_k, std::nullopt).wait_ms = 200;
    b.add(t, first_k, 0, {failed("tcp.refused", "refused", "hint")});
    b.add(t, second_k, 1);
    StopSignal stop;
    Events events;
    RunInfo info;
    const RunDescription description = describe(b.plan);
    run_plan(b.plan, description, RunOptions{4, std::nullopt, {}}, info, events, stop);
    const std::vector<std::string> expected{"start 0", "end 0", "start 1", "end 1", "end 2"};
    BOOST_TEST(events.seen == expected, boost::test_tools::per_element());
    // The first case waits 200 ms and the runner wakes about every 20 ms meanwhile.
    BOOST_TEST(events.ticks >= 2);
}
