// The login case end to end: connspec run against lab servers, verdicts read from JUnit.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "tests/integration/pg_shared_lab.hpp"
#include "tests/lab/pg_lab.hpp"
#include "tests/lab/stall_server.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

const std::string password = "Login-Run-Pw-5519";

lab::PgLab& shared_lab()
{
    return test::shared_lab_with_rejected_role(password);
}

// A suite with one target `db` (port_open + login) and the given login options.
std::string suite(const lab::PgLab& lab, const std::string& login, const std::string& extra = "")
{
    return fmt::format(R"(
[suite]
name = "t"
timeout = "5s"
{}
[[target]]
name = "db"
host = "localhost"
port = {}
port_open = true
login = {{ user = "app", database = "app", password_env = "T_PASSWORD", sslrootcert = "{}", {} }}
)",
                       extra, lab.port(), lab.ca(), login);
}

std::map<std::string, std::string> env(const std::string& pw = password)
{
    return {{"T_PASSWORD", pw}};
}

int auth_failures_logged(const lab::PgLab& lab)
{
    auto log = lab::read_file(lab.dir() + "/postgres.log");
    int n = 0;
    std::string needle = "password authentication failed for user \"app\"";
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(verify_full_login_passes_with_server_and_tls_properties)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto run = lab::run_suite(dir, suite(lab, R"(sslmode = "verify-full", expect = "1", server_version_min = "14.2")"), {}, env());
    auto login = run.at("db.login");
    BOOST_TEST(login.status == "passed", login.message + run.command.out + run.command.err);
    BOOST_TEST(run.command.exit_code == 0);
    BOOST_TEST(run.property("db.login.server_version").starts_with("15."));
    BOOST_TEST(run.property("db.login.tls") == "yes");
    BOOST_TEST(run.property("db.login.tls_version").starts_with("TLSv1."));
    BOOST_TEST(!run.property("db.login.connect_time").empty());
}

BOOST_AUTO_TEST_CASE(a_wrong_password_fails_pg_auth_after_one_attempt_despite_retries)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    int before = auth_failures_logged(lab);
    auto run = lab::run_suite(
        dir, suite(lab, R"(sslmode = "verify-full")",
                   R"(retry = { attempts = 3, initial_delay = "10ms" })"),
        {}, env("Wrong-" + password));
    auto login = run.at("db.login");
    BOOST_TEST(login.status == "failed");
    BOOST_TEST(login.category == "pg.auth");
    BOOST_TEST(run.command.exit_code == 1);
    BOOST_TEST(run.property("db.login.attempts") == "1");
    lab::wait_until([&] { return auth_failures_logged(lab) > before; }, 2000ms);
    BOOST_TEST(auth_failures_logged(lab) == before + 1);
}

BOOST_AUTO_TEST_CASE(a_pg_hba_reject_rule_for_one_user_is_pg_hba)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto toml = suite(lab, R"(sslmode = "verify-full")");
    toml.replace(toml.find("user = \"app\""), 12, "user = \"rejected\"");
    auto run = lab::run_suite(dir, toml, {}, env());
    BOOST_TEST(run.at("db.login").category == "pg.hba");
    BOOST_TEST(run.at("db.login").body.find("pg_hba.conf") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_database_is_pg_database)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto toml = suite(lab, R"(sslmode = "verify-full")");
    toml.replace(toml.find("database = \"app\""), 16, "database = \"nowhere\"");
    auto run = lab::run_suite(dir, toml, {}, env());
    BOOST_TEST(run.at("db.login").category == "pg.database");
    BOOST_TEST(run.at("db.login").message.find("nowhere") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_expect_mismatch_is_pg_query)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto run = lab::run_suite(dir, suite(lab, R"(query = "SELECT 'blue'", expect = "green")"), {}, env());
    BOOST_TEST(run.at("db.login").status == "failed");
    BOOST_TEST(run.at("db.login").category == "pg.query");
    BOOST_TEST(run.at("db.login").message.find("blue") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_server_version_below_the_minimum_fails)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto run = lab::run_suite(dir, suite(lab, R"(server_version_min = "99")"), {}, env());
    BOOST_TEST(run.at("db.login").status == "failed");
    BOOST_TEST(run.at("db.login").message.find("server_version_min") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sslmode_require_against_a_server_with_ssl_off_is_pg_ssl_required)
{
    lab::PgLab::Options o;
    o.ssl = false;
    o.password = password;
    lab::PgLab plain(o);
    lab::TempDir dir;
    auto run = lab::run_suite(dir, suite(plain, R"(sslmode = "require")"), {}, env());
    BOOST_TEST(run.at("db.login").category == "pg.ssl_required");
    BOOST_TEST(run.at("db.login").status == "failed");
}

BOOST_AUTO_TEST_CASE(a_server_that_answers_S_and_stalls_times_out_within_the_deadline)
{
    lab::StallServer stall("S");
    lab::TempDir dir;
    auto toml = fmt::format(R"(
[suite]
name = "t"
timeout = "1s"
[[target]]
name = "db"
host = "127.0.0.1"
port = {}
login = {{ user = "app", password_env = "T_PASSWORD" }}
)",
                            stall.port());
    auto start = std::chrono::steady_clock::now();
    auto run = lab::run_suite(dir, toml, {}, env());
    auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(run.at("db.login").category == "pg.timeout");
    BOOST_TEST(run.at("db.login").status == "failed");
    BOOST_TEST((took >= 1000ms));
    // The case's own time (not the process's start-up on a loaded machine) stays near its deadline.
    BOOST_TEST(run.at("db.login").seconds < 2.0);
}
