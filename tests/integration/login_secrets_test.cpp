// A distinctive password never appears in any output: console, TAP, JUnit, JSON, stderr,
// for passing and failing logins and sessions alike.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "tests/lab/pg_lab.hpp"

using namespace connspec;

namespace {

const std::string password = "Zebra-Quartz-Secret-90210";

std::string suite(const lab::PgLab& lab)
{
    return fmt::format(R"(
[suite]
name = "secrets"
timeout = "5s"
[[target]]
name = "good"
host = "localhost"
port = {0}
login = {{ user = "app", database = "app", password_env = "GOOD_PW", sslmode = "verify-full", sslrootcert = "{1}" }}
sessions = {{ count = 3, hold = "10ms" }}
[[target]]
name = "wrong"
host = "127.0.0.1"
port = {0}
login = {{ user = "app", database = "app", password_env = "WRONG_PW", query = "SELECT '{{oops'::int" }}
sessions = {{ count = 3, hold = "10ms" }}
[[target]]
name = "badquery"
host = "127.0.0.1"
port = {0}
login = {{ user = "app", database = "app", password_env = "GOOD_PW", query = "SELECT 'x' || current_setting('no.such') " }}
)",
                       lab.port(), lab.ca());
}

void expect_no_secret(const std::string& where, const std::string& text)
{
    BOOST_TEST(text.find(password) == std::string::npos, where + " contains the password");
    BOOST_TEST(text.find("Zebra-Quartz") == std::string::npos, where + " contains part of it");
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_output_of_any_format_contains_the_password)
{
    lab::PgLab::Options o;
    o.password = password;
    lab::PgLab lab(o);
    lab::TempDir dir;
    std::map<std::string, std::string> env{{"GOOD_PW", password}, {"WRONG_PW", password + "-x"},
                                           {"PGPASSWORD", password}};
    auto json = dir.path() + "/report.json";
    auto run = lab::run_suite(dir, suite(lab), {"--json", json}, env);
    BOOST_TEST(run.at("good.login").status == "passed", run.at("good.login").message);
    BOOST_TEST(run.at("good.sessions").status == "passed", run.at("good.sessions").message);
    BOOST_TEST(run.at("wrong.login").category == "pg.auth");
    BOOST_TEST(run.at("badquery.login").category == "pg.query");
    expect_no_secret("console", run.command.out);
    expect_no_secret("stderr", run.command.err);
    expect_no_secret("JUnit", lab::read_file(dir.path() + "/junit.xml"));
    expect_no_secret("JSON", lab::read_file(json));

    auto tap = lab::run_connspec({"run", "--tap", dir.path() + "/suite.toml"}, std::chrono::milliseconds{60000}, env);
    BOOST_TEST(tap.out.find("TAP version 14") != std::string::npos);
    expect_no_secret("TAP", tap.out);
    expect_no_secret("TAP stderr", tap.err);
    expect_no_secret("server log", lab::read_file(lab.dir() + "/postgres.log"));
}
