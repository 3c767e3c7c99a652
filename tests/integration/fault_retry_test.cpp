// The fault lab, retries: a server that comes up late is waited for by retries (and the report
// says how many attempts it took), while a wrong password fails at the first attempt.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <optional>

#include "tests/integration/fault_lab.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;
using Side = lab::NetnsPair::Side;

namespace {

constexpr int late_port = 7000;

int count_of(const std::string& text, const std::string& needle)
{
    int n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_retry)

BOOST_AUTO_TEST_CASE(a_server_starting_late_passes_with_retries,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsPair net;
    lab::TempDir dir;
    // Attempts at about 0, 0.5, 1.5 and 3.5 s: refused until the server is up at 2 s.
    // `impatient` has no retry, so the same fault fails it: the retries are what make the pass.
    std::string toml = fmt::format(R"(
[suite]
name = "fault"
timeout = "1s"

[[target]]
name = "patient"
host = "{0}"
port = {1}
protocol = "tcp"
port_open = true
retry = {{ attempts = 5, initial_delay = "500ms", max_delay = "4s", multiplier = 2.0, jitter = false }}

[[target]]
name = "impatient"
host = "{0}"
port = {1}
protocol = "tcp"
port_open = true
)",
                                   lab::NetnsPair::server_address, late_port);

    auto begin = std::chrono::steady_clock::now();
    lab::LateListener server(net, late_port, 2000ms);
    auto timed = lab::run_suite_from_client(net, dir, toml);

    BOOST_TEST_REQUIRE(server.error().empty(), "late listener: " << server.error());
    BOOST_TEST_REQUIRE(server.started().has_value(), "the late listener never started");
    BOOST_TEST(std::chrono::duration<double>(*server.started() - begin).count() >= 1.9);
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("patient.port_open").status == "passed");
        int attempts = std::atoi(timed.run.property("patient.port_open.attempts").c_str());
        BOOST_TEST(attempts > 1);
        BOOST_TEST(attempts <= 5);
        BOOST_TEST(timed.run.at("impatient.port_open").status == "failed");
        BOOST_TEST(timed.run.at("impatient.port_open").category == "tcp.refused");
        BOOST_TEST(timed.run.property("impatient.port_open.attempts") == "1");
        // The pass can only come after the server started.
        BOOST_TEST(timed.elapsed.count() >= 1.9);
    }
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_not_retried,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsPair net;
    const std::string wrong_password = "Fault-Lab-Wrong-Pw-7731";
    // PostgreSQL inside the server namespace, listening on the veth address only.
    std::optional<lab::PgLab> pg;
    net.inside(Side::server, [&] {
        lab::PgLab::Options options;
        options.conf = {fmt::format("listen_addresses = '{}'", lab::NetnsPair::server_address)};
        options.hba = {
            fmt::format("host all all {}/30 scram-sha-256", lab::NetnsPair::client_address)};
        options.port = 5432;
        pg.emplace(options);
    });
    lab::TempDir dir;
    // Retries are configured and generous: only the category keeps the auth failure from them.
    std::string toml = fmt::format(R"(
[suite]
name = "fault"
timeout = "5s"
retry = {{ attempts = 4, initial_delay = "500ms", max_delay = "1s", multiplier = 2.0, jitter = false }}

[defaults]
host = "{}"
port = 5432
login = {{ user = "app", database = "app", sslmode = "require" }}

[[target]]
name = "wrong"
port_open = true
login = {{ password_env = "FAULT_WRONG_PASSWORD" }}

[[target]]
name = "right"
login = {{ password_env = "FAULT_RIGHT_PASSWORD" }}
)",
                                   lab::NetnsPair::server_address);

    auto timed = lab::run_suite_from_client(
        net, dir, toml,
        {{"FAULT_WRONG_PASSWORD", wrong_password}, {"FAULT_RIGHT_PASSWORD", pg->password()}});

    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        // The lab is reachable from the client namespace and the right password gets in.
        BOOST_TEST(timed.run.at("right.login").status == "passed");
        BOOST_TEST(timed.run.at("wrong.port_open").status == "passed");
        BOOST_TEST(timed.run.at("wrong.login").status == "failed");
        BOOST_TEST(timed.run.at("wrong.login").category == "pg.auth");
        BOOST_TEST(timed.run.property("wrong.login.attempts") == "1");
        BOOST_TEST(timed.run.command.exit_code == 1);
        // The server saw exactly one failed authentication: no retry reached it.
        auto log = lab::read_file(pg->dir() + "/postgres.log");
        BOOST_TEST(count_of(log, "password authentication failed for user \"app\"") == 1);
        // And no report or output carries either password.
        auto junit = lab::read_file(dir.path() + "/junit.xml");
        for (const std::string& secret : {wrong_password, pg->password()}) {
            BOOST_TEST(timed.run.command.out.find(secret) == std::string::npos);
            BOOST_TEST(timed.run.command.err.find(secret) == std::string::npos);
            BOOST_TEST(junit.find(secret) == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
