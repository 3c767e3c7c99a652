// The sessions case end to end: N sessions at once from one thread against lab servers.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "tests/lab/pg_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

std::string suite(const lab::PgLab& lab, const std::string& sessions, const std::string& timeout = "20s")
{
    return fmt::format(R"(
[suite]
name = "t"
timeout = "{}"
[[target]]
name = "db"
host = "localhost"
port = {}
login = {{ user = "app", database = "app", password_env = "T_PASSWORD", sslmode = "verify-full", sslrootcert = "{}" }}
sessions = {{ {} }}
)",
                       timeout, lab.port(), lab.ca(), sessions);
}

int client_backends(const lab::PgLab& lab)
{
    return std::stoi(lab.sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name = 'connspec'"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(thirty_sessions_against_max_connections_20_fail_with_counts)
{
    lab::PgLab::Options o;
    o.conf = {"max_connections = 20"};
    lab::PgLab lab(o);
    lab::TempDir dir;
    auto run = lab::run_suite(dir, suite(lab, R"(count = 30, hold = "100ms")"), {},
                              {{"T_PASSWORD", lab.password()}});
    auto s = run.at("db.sessions");
    BOOST_TEST(s.status == "failed");
    BOOST_TEST(s.category == "pg.too_many_connections");
    BOOST_TEST(s.message.find("of 30 failed: pg.too_many_connections ×") != std::string::npos, s.message);
    int opened = std::stoi(run.property("db.sessions.opened"));
    BOOST_TEST(opened >= 10);
    BOOST_TEST(opened <= 17);
    BOOST_TEST(run.property("db.sessions.max_connections") == "20");
    BOOST_TEST(client_backends(lab) == 0);  // every session closed
}

BOOST_AUTO_TEST_CASE(a_hundred_sessions_pass_on_a_larger_server_and_are_all_closed)
{
    lab::PgLab::Options o;
    o.conf = {"max_connections = 150"};
    lab::PgLab lab(o);
    lab::TempDir dir;
    auto run = lab::run_suite(dir, suite(lab, R"(count = 100, hold = "200ms", max_connect_p95 = "15s")"),
                              {}, {{"T_PASSWORD", lab.password()}});
    auto s = run.at("db.sessions");
    BOOST_TEST(s.status == "passed", s.message);
    BOOST_TEST(run.property("db.sessions.opened") == "100");
    BOOST_TEST(run.property("db.sessions.max_connections") == "150");
    BOOST_TEST(std::stoi(run.property("db.sessions.connections_in_use")) >= 100);
    BOOST_TEST(!run.property("db.sessions.connect_p95").empty());
    BOOST_TEST(lab::wait_until([&] { return client_backends(lab) == 0; }, 3000ms));
}

BOOST_AUTO_TEST_CASE(a_deadline_during_the_hold_fails_pg_timeout_and_closes_everything)
{
    lab::PgLab lab;
    lab::TempDir dir;
    auto start = std::chrono::steady_clock::now();
    auto run = lab::run_suite(dir, suite(lab, R"(count = 5, hold = "10s")", "1s"), {},
                              {{"T_PASSWORD", lab.password()}});
    BOOST_TEST(run.at("db.sessions").category == "pg.timeout");
    // The 1 s deadline ends the 10 s hold: the case's own time, and the run's with room for load.
    BOOST_TEST(run.at("db.sessions").seconds < 2.0);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 6s));
    BOOST_TEST(lab::wait_until([&] { return client_backends(lab) == 0; }, 3000ms));
}

BOOST_AUTO_TEST_CASE(a_missed_p95_threshold_is_sessions_threshold)
{
    lab::PgLab lab;
    lab::TempDir dir;
    auto run = lab::run_suite(dir, suite(lab, R"(count = 10, hold = "10ms", max_connect_p95 = "1ms")"), {},
                              {{"T_PASSWORD", lab.password()}});
    BOOST_TEST(run.at("db.sessions").category == "sessions.threshold");
}

BOOST_AUTO_TEST_CASE(sessions_that_meet_min_success_rate_are_still_held_for_hold)
{
    lab::PgLab::Options o;
    o.conf = {"max_connections = 8", "superuser_reserved_connections = 2"};
    lab::PgLab lab(o);
    lab::TempDir dir;
    auto start = std::chrono::steady_clock::now();
    auto run = lab::run_suite(dir, suite(lab, R"(count = 10, hold = "1500ms", min_success_rate = 0.3)"), {},
                              {{"T_PASSWORD", lab.password()}});
    auto s = run.at("db.sessions");
    BOOST_TEST(s.status == "passed", s.message);
    BOOST_TEST(std::stoi(run.property("db.sessions.failed")) > 0);
    BOOST_TEST((std::chrono::steady_clock::now() - start >= 1500ms));
}
