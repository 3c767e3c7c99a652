// The resolves case end to end: suites run by the connspec binary against dnsmasq on
// loopback, read back from the JUnit report.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>

#include "tests/integration/tcp_lab.hpp"
#include "tests/lab/dnsmasq.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string dump(const lab::SuiteRun& run)
{
    return "exit " + std::to_string(run.command.exit_code) + "\n" + run.command.out + run.command.err;
}

lab::Dnsmasq::Options records()
{
    lab::Dnsmasq::Options o;
    o.records = {
        {"one.test", {"10.0.0.1"}},
        {"multi.test", {"10.0.0.2", "10.0.0.3", "10.0.0.4"}},
        {"loop.test", {"127.0.0.1"}},
    };
    return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dns_cases)

BOOST_AUTO_TEST_CASE(every_resolves_outcome_gets_its_status_and_category)
{
    lab::Dnsmasq dns(records());
    lab::TempDir dir;
    auto toml = fmt::format(R"(
[suite]
name = "dns"
timeout = "2s"

[defaults]
port = 5432
protocol = "tcp"

[[target]]
name = "one"
host = "one.test"
resolves = {{ server = "{0}", addresses = ["10.0.0.1"], exact = true }}

[[target]]
name = "multi"
host = "multi.test"
resolves = {{ server = "{0}", addresses = ["10.0.0.4", "10.0.0.2"] }}

[[target]]
name = "multi_exact"
host = "multi.test"
resolves = {{ server = "{0}", addresses = ["10.0.0.2", "10.0.0.3"], exact = true }}

[[target]]
name = "moved"
host = "one.test"
resolves = {{ server = "{0}", addresses = ["10.0.0.9"] }}

[[target]]
name = "missing"
host = "nope.test"
resolves = {{ server = "{0}" }}
port_open = true

[[target]]
name = "no_ipv6"
host = "one.test"
resolves = {{ server = "{0}", family = "ipv6" }}

[[target]]
name = "refused"
host = "db.example"
resolves = {{ server = "{0}" }}

[[target]]
name = "literal"
host = "127.0.0.1"
resolves = {{ addresses = ["127.0.0.1"], exact = true }}
)",
                            dns.server());
    auto run = lab::run_suite(dir, toml);
    BOOST_TEST(run.command.exit_code == 1, dump(run));

    BOOST_TEST(run.at("one.resolves").status == "passed", dump(run));
    BOOST_TEST(run.property("one.resolves.addresses") == "10.0.0.1");
    BOOST_TEST(run.at("multi.resolves").status == "passed", dump(run));
    BOOST_TEST(run.property("multi.resolves.addresses").size() == std::string("10.0.0.2,10.0.0.3,10.0.0.4").size());

    auto exact = run.at("multi_exact.resolves");
    BOOST_TEST(exact.status == "failed");
    BOOST_TEST(exact.category == "dns.mismatch");
    BOOST_TEST(exact.message.find("unexpected 10.0.0.4") != std::string::npos, exact.message);

    auto moved = run.at("moved.resolves");
    BOOST_TEST(moved.category == "dns.mismatch");
    BOOST_TEST(moved.message.find("missing 10.0.0.9") != std::string::npos, moved.message);
    BOOST_TEST(moved.message.find("10.0.0.1") != std::string::npos, moved.message);

    auto missing = run.at("missing.resolves");
    BOOST_TEST(missing.status == "failed");
    BOOST_TEST(missing.category == "dns.nxdomain");
    BOOST_TEST(missing.message.find("nope.test") != std::string::npos);
    BOOST_TEST(missing.message.find(dns.server()) != std::string::npos);
    auto blocked = run.at("missing.port_open");
    BOOST_TEST(blocked.status == "skipped");
    BOOST_TEST(blocked.message.find("missing.resolves") != std::string::npos, blocked.message);

    BOOST_TEST(run.at("no_ipv6.resolves").category == "dns.nodata");
    BOOST_TEST(run.at("refused.resolves").category == "dns.servfail");
    BOOST_TEST(run.at("literal.resolves").status == "passed", dump(run));
}

BOOST_AUTO_TEST_CASE(dependants_connect_to_what_resolves_found)
{
    // loop.test is known only to this dnsmasq: port_open can only reach the listener
    // through the address `resolves` handed over.
    lab::Dnsmasq dns(records());
    lab::TcpListener listener;
    lab::TempDir dir;
    auto run = lab::run_suite(dir, fmt::format(R"(
[[target]]
name = "app"
host = "loop.test"
port = {}
protocol = "tcp"
resolves = {{ server = "{}" }}
port_open = true
ports_closed = {{ ports = [{}] }}
)",
                                               listener.port(), dns.server(), lab::free_port()));
    BOOST_TEST(run.command.exit_code == 0, dump(run));
    BOOST_TEST(run.at("app.resolves").status == "passed");
    BOOST_TEST(run.at("app.port_open").status == "passed", dump(run));
    BOOST_TEST(run.at("app.ports_closed").status == "passed", dump(run));
    BOOST_TEST(run.property("app.port_open.address") == "127.0.0.1");
}

BOOST_AUTO_TEST_CASE(a_silent_dns_server_times_out_at_the_deadline)
{
    lab::SilentDnsServer silent;
    lab::TempDir dir;
    auto started = std::chrono::steady_clock::now();
    auto run = lab::run_suite(dir, fmt::format(R"(
[suite]
timeout = "1s"

[[target]]
name = "db"
host = "one.test"
port = 5432
resolves = {{ server = "{}" }}
)",
                                               silent.server()));
    double took = seconds_since(started);
    auto c = run.at("db.resolves");
    BOOST_TEST(c.status == "failed", dump(run));
    BOOST_TEST(c.category == "dns.timeout");
    BOOST_TEST(took >= 1.0);
    // The case's own time (not the process's start-up on a loaded machine) stays near its deadline.
    BOOST_TEST(c.seconds < 1.5);
}

BOOST_AUTO_TEST_CASE(a_servfail_is_a_server_failure)
{
    lab::Dnsmasq upstream(records());
    lab::Dnsmasq::Options validating;
    validating.domain = "unused.invalid";
    validating.extra_args =
        lab::Dnsmasq::bogus_dnssec_args("127.0.0.1#" + std::to_string(upstream.port()));
    lab::Dnsmasq resolver(validating);
    lab::TempDir dir;
    auto run = lab::run_suite(dir, fmt::format(R"(
[[target]]
name = "db"
host = "one.test"
port = 5432
resolves = {{ server = "{}", family = "ipv4" }}
)",
                                               resolver.server()));
    auto c = run.at("db.resolves");
    BOOST_TEST(c.status == "failed", dump(run));
    BOOST_TEST(c.category == "dns.servfail");
}

BOOST_AUTO_TEST_CASE(resolves_option_mistakes_are_load_errors)
{
    lab::TempDir dir;
    auto run = lab::run_suite(dir, R"([[target]]
name = "db"
host = "db.internal"
resolves = { addresses = ["10.0.0.300"], server = "127.0.0.1:99999", family = "ipv5" }
)");
    BOOST_TEST(run.command.exit_code == 2, dump(run));
    BOOST_TEST(run.cases.empty());
    const auto& err = run.command.err;
    BOOST_TEST(err.find("suite.toml:4:") != std::string::npos, err);
    BOOST_TEST(err.find("10.0.0.300") != std::string::npos, err);
    BOOST_TEST(err.find("127.0.0.1:99999") != std::string::npos, err);
    BOOST_TEST(err.find("ipv5") != std::string::npos, err);
}

BOOST_AUTO_TEST_SUITE_END()
