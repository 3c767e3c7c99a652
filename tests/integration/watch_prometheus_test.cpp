// A real Prometheus (Debian's prometheus, started here on loopback) scrapes connspec watch,
// which watches a lab PostgreSQL. The test stops the server and asks Prometheus' HTTP API until
// login is down and the tcp.refused failures have grown, then starts it and sees login recover.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <fmt/format.h>

#include "tests/integration/watch_http.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec::lab;

namespace {

const std::string password = "Watch-Prom-Pw-4471";
const std::string pg_bin = "/usr/lib/postgresql/15/bin";

// pg_ctl as the user the lab's server runs as (pg-lab: connspec-lab when run as root).
std::vector<std::string> as_server(std::vector<std::string> argv)
{
    if (::geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "connspec-lab", "--"});
    return argv;
}

// The query's result vector from Prometheus' API: true when it holds at least one sample.
bool prometheus_has(int port, const std::string& query)
{
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    auto answer = client.Get("/api/v1/query", httplib::Params{{"query", query}}, httplib::Headers{});
    if (!answer || answer->status != 200) return false;
    return answer->body.find("\"status\":\"success\"") != std::string::npos &&
           answer->body.find("\"result\":[]") == std::string::npos;
}

// The value of a single-sample query, or -1.
double prometheus_value(int port, const std::string& query)
{
    httplib::Client client("127.0.0.1", port);
    auto answer = client.Get("/api/v1/query", httplib::Params{{"query", query}}, httplib::Headers{});
    if (!answer || answer->status != 200) return -1;
    auto at = answer->body.find("\"value\":[");
    if (at == std::string::npos) return -1;
    auto quote = answer->body.find(",\"", at);
    auto end = answer->body.find('"', quote + 2);
    return std::stod(answer->body.substr(quote + 2, end - quote - 2));
}

}  // namespace

BOOST_AUTO_TEST_CASE(prometheus_sees_login_go_down_and_recover)
{
    PgLab::Options options;
    options.password = password;
    PgLab pg(options);
    TempDir dir;
    auto suite = dir.write("prod.toml", fmt::format(R"([suite]
name = "prod"
timeout = "2s"
[[target]]
name = "primary"
host = "127.0.0.1"
port = {}
port_open = true
login = {{ user = "app", database = "app", password_env = "WATCH_PG_PASSWORD", sslmode = "require" }}
)", pg.port()));
    Process::Options watch_options;
    watch_options.output_file = dir.path() + "/watch.txt";
    watch_options.env = {{"WATCH_PG_PASSWORD", password}};
    int watch_port = free_port();
    Process watch({connspec_path(), "watch", suite, "--interval", "300ms", "--listen",
                   "127.0.0.1:" + std::to_string(watch_port)},
                  watch_options);

    int prom_port = free_port();
    auto config = dir.write("prometheus.yml", fmt::format(R"(global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: connspec
    scrape_interval: 1s
    scrape_timeout: 900ms
    static_configs:
      - targets: ["127.0.0.1:{}"]
)", watch_port));
    Process::Options prom_options;
    prom_options.output_file = dir.path() + "/prometheus.txt";
    Process prometheus({"prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.path() + "/tsdb",
                        "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                       prom_options);

    const milliseconds limit{60000};
    BOOST_REQUIRE_MESSAGE(wait_until([&] { return prometheus_has(prom_port, "connspec_case_up{case=\"login\"} == 1"); }, limit),
                          read_file(dir.path() + "/prometheus.txt") + read_file(dir.path() + "/watch.txt"));
    BOOST_TEST(prometheus_has(prom_port, "connspec_case_up{case=\"port_open\"} == 1"));
    double refused_before = prometheus_value(prom_port, "sum(connspec_case_failures_total{category=\"tcp.refused\"}) or vector(0)");
    BOOST_TEST(refused_before == 0.0);

    auto stopped = run(as_server({pg_bin + "/pg_ctl", "-D", pg.dir() + "/data", "-m", "fast", "stop"}));
    BOOST_REQUIRE_MESSAGE(stopped.exit_code == 0, stopped.out + stopped.err);
    BOOST_TEST(wait_until([&] { return prometheus_has(prom_port, "connspec_case_up{case=\"login\"} == 0"); }, limit));
    BOOST_TEST(wait_until([&] {
        return prometheus_has(prom_port, fmt::format(
            "sum(connspec_case_failures_total{{case=\"port_open\",category=\"tcp.refused\"}}) > {}", refused_before));
    }, limit));

    auto started = run(as_server({pg_bin + "/pg_ctl", "-D", pg.dir() + "/data", "-l", pg.dir() + "/postgres.log",
                                  "-W", "start"}));
    BOOST_REQUIRE_MESSAGE(started.exit_code == 0, started.out + started.err);
    BOOST_TEST(wait_until([&] { return prometheus_has(prom_port, "connspec_case_up{case=\"login\"} == 1"); }, limit));
    BOOST_TEST(prometheus_has(prom_port, "connspec_case_runs_total{case=\"login\",status=\"skipped\"} > 0"));
    BOOST_TEST(watch.stop() == 0);
}
