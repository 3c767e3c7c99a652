// watch's parts without a server: --listen parsing, the cadence of runs and overruns, the
// snapshot history that keeps the last runs of every case.
#include <boost/test/unit_test.hpp>

#include "app/cadence.hpp"
#include "app/listen_address.hpp"
#include "app/watch_snapshot.hpp"

namespace connspec {
namespace {

BOOST_AUTO_TEST_SUITE(watch_parts)

BOOST_AUTO_TEST_CASE(listen_addresses)
{
    auto v4 = parse_listen_address("127.0.0.1:9469");
    BOOST_REQUIRE(v4.address);
    BOOST_TEST(v4.address->host == "127.0.0.1");
    BOOST_TEST(v4.address->port == 9469);
    BOOST_TEST(v4.address->is_loopback());

    auto v6 = parse_listen_address("[::1]:80");
    BOOST_REQUIRE(v6.address);
    BOOST_TEST(v6.address->host == "::1");
    BOOST_TEST(v6.address->is_loopback());
    BOOST_TEST(v6.address->text() == "[::1]:80");

    auto port_only = parse_listen_address(":9000");
    BOOST_REQUIRE(port_only.address);
    BOOST_TEST(port_only.address->host == "127.0.0.1");

    auto any = parse_listen_address("0.0.0.0:9469");
    BOOST_REQUIRE(any.address);
    BOOST_TEST(!any.address->is_loopback());
    BOOST_TEST(!parse_listen_address("[::]:9469").address->is_loopback());

    for (const char* bad : {"9469", "localhost:9469", "127.0.0.1:", "127.0.0.1:65536",
                            "::1:9469", "127.0.0.1:x"}) {
        auto parsed = parse_listen_address(bad);
        BOOST_TEST(!parsed.address, bad);
        BOOST_TEST(parsed.error.find(bad) != std::string::npos, parsed.error);
    }
}

BOOST_AUTO_TEST_CASE(cadence_keeps_time_and_counts_overruns)
{
    using std::chrono::seconds;
    Cadence cadence(seconds{10});
    Clock::time_point t0{};
    BOOST_TEST((cadence.started(t0) == t0 + seconds{10}));
    BOOST_TEST(!cadence.finished(t0 + seconds{3}));  // on time: the next run waits
    BOOST_TEST((cadence.next_start() == t0 + seconds{10}));

    cadence.started(t0 + seconds{10});
    BOOST_TEST(cadence.finished(t0 + seconds{25}));  // 15 s run: the next starts at once
    BOOST_TEST((cadence.next_start() == t0 + seconds{25}));
    BOOST_TEST(cadence.overruns() == 1u);

    cadence.started(t0 + seconds{25});
    BOOST_TEST(!cadence.finished(t0 + seconds{26}));
    BOOST_TEST((cadence.next_start() == t0 + seconds{35}));
    BOOST_TEST(cadence.overruns() == 1u);
}

BOOST_AUTO_TEST_CASE(snapshots_keep_the_last_runs_of_each_case)
{
    auto description = std::make_shared<RunDescription>();
    description->targets.push_back({"s", "db"});
    description->cases.push_back({0, "port_open"});
    description->cases.push_back({0, "login"});
    auto snapshot = initial_snapshot(description, "127.0.0.1:9469", std::chrono::seconds{10});
    BOOST_TEST(!snapshot->has_run);
    BOOST_TEST(snapshot->results_json.empty());
    BOOST_TEST(!snapshot->result());

    RunInfo info{"host", "", std::chrono::system_clock::now()};
    for (int i = 0; i < 75; ++i) {
        Outcome port = i % 2 ? passed() : failed("tcp.refused", "refused", "start it");
        RunResult result{*description, info, {port, skipped("blocked")}, std::chrono::milliseconds{5}, false};
        snapshot = next_snapshot(*snapshot, result, 0);
    }
    BOOST_TEST(snapshot->has_run);
    BOOST_TEST(snapshot->totals.runs == 75u);
    BOOST_TEST(snapshot->history.cases() == 2u);
    auto port_runs = snapshot->history.runs(0);
    BOOST_TEST(port_runs.size() == watch_history_depth);
    BOOST_TEST((port_runs.back().status == Status::failed));  // run 74 (even)
    BOOST_TEST(port_runs.back().category == "tcp.refused");
    BOOST_TEST((port_runs[port_runs.size() - 2].status == Status::passed));  // run 73
    BOOST_TEST(port_runs.front().category == "");  // run 15 (odd) passed
    BOOST_TEST((snapshot->history.runs(1).back().status == Status::skipped));
    BOOST_TEST(snapshot->totals.cases[0].failures.at("tcp.refused") == 38u);
    BOOST_TEST(snapshot->results_json.find("\"case\": \"login\"") != std::string::npos);
    BOOST_TEST(snapshot->metrics.find("connspec_runs_total 75\n") != std::string::npos);

    // The page at "/" draws what the snapshot kept: 60 cells per case, the latest chain.
    const std::string& page = snapshot->status_page();
    BOOST_TEST(page.find("<meta http-equiv=\"refresh\" content=\"10\">") != std::string::npos);
    BOOST_TEST(page.find("75 runs recorded") != std::string::npos);
    std::size_t cells = 0;
    for (auto at = page.find("<span class=\"cell "); at != std::string::npos; at = page.find("<span class=\"cell ", at + 1))
        ++cells;
    BOOST_TEST(cells == 2 * watch_history_depth);
    BOOST_TEST(page.find("start it") != std::string::npos);
    BOOST_TEST(&page == &snapshot->status_page());  // rendered once
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
