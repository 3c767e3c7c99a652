// connspec watch against real loopback endpoints: /metrics, /results.json and /healthz over
// HTTP, scrapes that never see half a run, loopback by default, and a clean end on SIGTERM.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include "tests/integration/tcp_lab.hpp"
#include "tests/integration/watch_http.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec::lab;

namespace {

std::string two_targets(int open_port, int closed_port)
{
    return "[suite]\nname = \"edge\"\ntimeout = \"2s\"\n"
           "[[target]]\nname = \"up\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(open_port) +
           "\nprotocol = \"tcp\"\nport_open = true\n"
           "[[target]]\nname = \"down\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(closed_port) +
           "\nprotocol = \"tcp\"\nport_open = true\nports_closed = { ports = [" + std::to_string(closed_port) + "] }\n";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(serves_metrics_results_and_health_and_ends_on_sigterm)
{
    TcpListener open;
    TempDir dir;
    auto suite = dir.write("edge.toml", two_targets(open.port(), free_port()));
    WatchProcess watch(dir, suite, "100ms");
    BOOST_REQUIRE_MESSAGE(watch.wait_for_runs(3, milliseconds{20000}), watch.output());

    auto metrics = http_get(watch.port(), "/metrics");
    BOOST_TEST(metrics.status == 200);
    const std::string up = "{suite=\"edge\",target=\"up\",case=\"port_open\"}";
    const std::string down = "{suite=\"edge\",target=\"down\",case=\"port_open\"}";
    BOOST_TEST(sample(metrics.body, "connspec_case_up" + up).value_or(-1) == 1.0);
    BOOST_TEST(sample(metrics.body, "connspec_case_up" + down).value_or(-1) == 0.0);
    BOOST_TEST(sample(metrics.body, "connspec_case_failures_total{suite=\"edge\",target=\"down\",case=\"port_open\",category=\"tcp.refused\"").value_or(-1) >= 3);
    BOOST_TEST(sample(metrics.body, "connspec_case_up{suite=\"edge\",target=\"down\",case=\"ports_closed\"").value_or(-1) == 1.0);
    BOOST_TEST(contains(metrics.body, "# TYPE connspec_case_runs_total counter"));
    BOOST_TEST(contains(metrics.body, "# TYPE connspec_case_duration_seconds gauge"));
    BOOST_TEST(sample(metrics.body, "connspec_last_run_timestamp_seconds{suite=\"edge\"}").has_value());

    auto results = http_get(watch.port(), "/results.json");
    BOOST_TEST(results.status == 200);
    TempDir parsed;
    auto json = parsed.write("results.json", results.body);
    auto check = run({"python3", "-c",
                      "import json,sys; d=json.load(open(sys.argv[1])); "
                      "print(sorted((c['target'], c['case'], c['status']) for c in d['cases']))",
                      json});
    BOOST_TEST(check.exit_code == 0, check.err);
    BOOST_TEST(check.out == "[('down', 'port_open', 'failed'), ('down', 'ports_closed', 'passed'), "
                            "('up', 'port_open', 'passed')]\n");

    auto health = http_get(watch.port(), "/healthz");
    BOOST_TEST(health.status == 200);
    BOOST_TEST(contains(health.body, "ok"));
    BOOST_TEST(http_get(watch.port(), "/nothing-here").status == 404);

    // SIGTERM: a clean end (exit 0), not the SIGKILL Process::stop sends after 2 s.
    BOOST_TEST(watch.process().stop() == 0);
    BOOST_TEST(contains(watch.output(), "loopback only"), watch.output());
    BOOST_TEST(contains(watch.output(), "connspec watch: stopped after"), watch.output());
}

// Every scrape shows whole runs: each case's runs by status add up to the runs finished.
BOOST_AUTO_TEST_CASE(scrapes_never_see_half_a_run)
{
    TcpListener open;
    TempDir dir;
    auto suite = dir.write("edge.toml", two_targets(open.port(), free_port()));
    WatchProcess watch(dir, suite, "10ms");
    BOOST_REQUIRE_MESSAGE(watch.wait_for_runs(1, milliseconds{20000}), watch.output());
    for (int i = 0; i < 200; ++i) {
        auto metrics = http_get(watch.port(), "/metrics");
        BOOST_REQUIRE(metrics.status == 200);
        double runs = *sample(metrics.body, "connspec_runs_total ");
        for (const char* c : {"target=\"up\",case=\"port_open\"", "target=\"down\",case=\"port_open\"",
                              "target=\"down\",case=\"ports_closed\""})
            BOOST_TEST(sum_samples(metrics.body, "connspec_case_runs_total", c) == runs, c);
    }
    BOOST_TEST(watch.process().stop() == 0);
}

BOOST_AUTO_TEST_CASE(says_when_it_is_reachable_from_the_network)
{
    TempDir dir;
    TcpListener open;
    auto suite = dir.write("edge.toml", two_targets(open.port(), free_port()));
    int port = free_port();
    Process::Options options;
    options.output_file = dir.path() + "/out.txt";
    Process watch({connspec_path(), "watch", suite, "--listen", "0.0.0.0:" + std::to_string(port)}, options);
    BOOST_REQUIRE(wait_for_port("127.0.0.1", port, milliseconds{20000}));
    BOOST_TEST(watch.stop() == 0);
    BOOST_TEST(contains(read_file(dir.path() + "/out.txt"), "reachable from the network"));
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_usage_errors)
{
    TempDir dir;
    TcpListener open;
    auto suite = dir.write("edge.toml", two_targets(open.port(), free_port()));
    auto bad_listen = run_connspec({"watch", suite, "--listen", "localhost:9469"});
    BOOST_TEST(bad_listen.exit_code == 2);
    BOOST_TEST(contains(bad_listen.err, "--listen: \"localhost:9469\""), bad_listen.err);
    auto bad_interval = run_connspec({"watch", suite, "--interval", "soon"});
    BOOST_TEST(bad_interval.exit_code == 2);
    BOOST_TEST(contains(bad_interval.err, "--interval"), bad_interval.err);
    auto bad_suite = run_connspec({"watch", dir.write("bad.toml", "[suite]\nnmae = 1\n")});
    BOOST_TEST(bad_suite.exit_code == 2);
    TcpListener taken;
    auto busy = run_connspec({"watch", suite, "--listen", "127.0.0.1:" + std::to_string(taken.port())});
    BOOST_TEST(busy.exit_code == 2);
    BOOST_TEST(contains(busy.err, "cannot listen on"), busy.err);
}
