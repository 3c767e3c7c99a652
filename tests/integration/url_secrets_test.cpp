// `url`, `password_command` and the run's secrets, against a lab server: logins through a
// DATABASE_URL, token-printing commands (one that works, one that fails, one that hangs), and
// distinctive passwords that must not appear in the console, JUnit, JSON or stderr, even where
// a query echoes them into a message.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "core/run_secrets.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec;

namespace {

const std::string lab_password = "Persimmon-Lab-Secret-3390";
// Characters a URI must percent-encode, so both forms are exercised.
const std::string url_password = "Kumquat:Url@Secret-7731";

lab::PgLab& shared_lab()
{
    static lab::PgLab lab = [] {
        lab::PgLab::Options o;
        o.password = lab_password;
        return lab::PgLab(o);
    }();
    static bool role = [] {
        lab.sql(fmt::format("CREATE ROLE urluser LOGIN PASSWORD '{}'", url_password));
        return true;
    }();
    (void)role;
    return lab;
}

std::string database_url(const lab::PgLab& lab)
{
    return fmt::format("postgresql://urluser:{}@localhost:{}/app?sslmode=verify-full&sslrootcert={}",
                       percent_encode(url_password), lab.port(), lab.ca());
}

void expect_no_secret(const std::string& where, const std::string& text)
{
    for (const std::string& secret : {lab_password, url_password, percent_encode(url_password)})
        BOOST_TEST(text.find(secret) == std::string::npos, where + " contains a password");
    BOOST_TEST(text.find("Kumquat") == std::string::npos, where + " contains part of the url password");
    BOOST_TEST(text.find("Persimmon") == std::string::npos, where + " contains part of the lab password");
}

std::string script(const lab::TempDir& dir, const std::string& name, const std::string& body)
{
    auto path = dir.write(name, "#!/bin/sh\n" + body + "\n");
    ::chmod(path.c_str(), 0755);
    return path;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_database_url_logs_in_and_no_output_shows_its_password)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto suite = fmt::format(R"(
[suite]
name = "urls"
timeout = "5s"
[[target]]
name = "viaurl"
url = "${{DATABASE_URL}}"
port_open = true
login = {{ expect = "1" }}
sessions = {{ count = 3, hold = "10ms" }}
[[target]]
name = "urlleak"
url = "${{DATABASE_URL}}"
login = {{ query = "SELECT '${{URL_PW_COPY}}'", expect = "x" }}
[[target]]
name = "envleak"
host = "127.0.0.1"
port = {0}
login = {{ user = "app", database = "app", password_env = "LAB_PW", query = "SELECT '${{LAB_PW}}'", expect = "x" }}
[[target]]
name = "override"
url = "${{DATABASE_URL}}"
login = {{ database = "no_such_db" }}
[[target]]
name = "nodns"
url = "postgresql://urluser:${{URL_PW_ENC}}@no-such-host.invalid:{0}/app"
resolves = true
login = true
)",
                             lab.port());
    std::map<std::string, std::string> env{{"DATABASE_URL", database_url(lab)},
                                           {"URL_PW_COPY", url_password},
                                           {"URL_PW_ENC", percent_encode(url_password)},
                                           {"LAB_PW", lab_password}};
    auto json = dir.path() + "/report.json";
    auto run = lab::run_suite(dir, suite, {"--json", json}, env);
    BOOST_TEST(run.at("viaurl.login").status == "passed", run.at("viaurl.login").message);
    BOOST_TEST(run.at("viaurl.sessions").status == "passed", run.at("viaurl.sessions").message);
    BOOST_TEST(run.property("viaurl.login.tls") == "yes");
    // The query echoed a password into the message: the run's secrets mask it.
    BOOST_TEST(run.at("urlleak.login").category == "pg.query");
    BOOST_TEST(run.at("urlleak.login").message.find("***") != std::string::npos, run.at("urlleak.login").message);
    BOOST_TEST(run.at("envleak.login").category == "pg.query");
    BOOST_TEST(run.at("envleak.login").message.find("***") != std::string::npos, run.at("envleak.login").message);
    // A key written in the suite wins over the url's.
    BOOST_TEST(run.at("override.login").category == "pg.database", run.at("override.login").message);
    BOOST_TEST(run.at("nodns.resolves").status == "failed");
    BOOST_TEST(run.at("nodns.login").status == "skipped");

    expect_no_secret("console", run.command.out);
    expect_no_secret("stderr", run.command.err);
    expect_no_secret("JUnit", lab::read_file(dir.path() + "/junit.xml"));
    expect_no_secret("JSON", lab::read_file(json));
    auto tap = lab::run_connspec({"run", "--tap", dir.path() + "/suite.toml"}, std::chrono::milliseconds{60000}, env);
    expect_no_secret("TAP", tap.out);
}

BOOST_AUTO_TEST_CASE(a_url_in_host_is_a_load_error_that_does_not_quote_it)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto run = lab::run_suite(dir, R"(
[[target]]
name = "db"
host = "${DATABASE_URL}"
login = true
)",
                              {}, {{"DATABASE_URL", database_url(lab)}});
    BOOST_TEST(run.command.exit_code == 2);
    BOOST_TEST(run.command.err.find("suite.toml:4:8: `host` holds a URL or connection string") != std::string::npos,
               run.command.err);
    BOOST_TEST(run.command.err.find("`url = ...`") != std::string::npos);
    expect_no_secret("stderr", run.command.err);
    expect_no_secret("stdout", run.command.out);

    // A key=value string in `url` works as well as a URI.
    auto kv = lab::run_suite(dir, R"(
[[target]]
name = "db"
url = "host=localhost port=${PORT} dbname=app user=urluser password='${PW}' sslmode=require"
login = true
)",
                             {}, {{"PORT", std::to_string(lab.port())}, {"PW", url_password}});
    BOOST_TEST(kv.at("db.login").status == "passed", kv.at("db.login").message + kv.command.err);
    expect_no_secret("console", kv.command.out);
}

BOOST_AUTO_TEST_CASE(password_command_gives_a_secret_or_an_unavailable_error)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    // A token-like password printed by a program, as cloud IAM and vault clients do.
    auto good = script(dir, "token.sh", fmt::format("printf '%s\\n' '{}'\necho 'token issued' >&2", lab_password));
    auto fails = script(dir, "fails.sh", "echo 'token service unavailable (403)' >&2\nexit 3");
    auto hangs = script(dir, "hangs.sh", "sleep 30");
    auto empty = script(dir, "empty.sh", "echo");
    auto suite = fmt::format(R"(
[suite]
name = "tokens"
timeout = "5s"
[defaults]
host = "127.0.0.1"
port = {0}
[[target]]
name = "good"
login = {{ user = "app", database = "app", password_command = ["{1}"], query = "SELECT '${{TOKEN_COPY}}'", expect = "x" }}
sessions = {{ count = 3, hold = "10ms", query = "SELECT 1" }}
[[target]]
name = "plain"
login = {{ user = "app", database = "app", password_command = ["sh", "{1}"] }}
[[target]]
name = "fails"
login = {{ user = "app", database = "app", password_command = ["{2}"] }}
[[target]]
name = "hangs"
timeout = "1s"
login = {{ user = "app", database = "app", password_command = ["{3}", "--ignored"] }}
[[target]]
name = "empty"
login = {{ user = "app", database = "app", password_command = ["{4}"] }}
[[target]]
name = "missing"
login = {{ user = "app", database = "app", password_command = ["{5}/no-such-program"] }}
[[target]]
name = "unset"
login = {{ user = "app", database = "app", password_env = "NO_SUCH_PASSWORD_VARIABLE" }}
)",
                             lab.port(), good, fails, hangs, empty, dir.path());
    auto json = dir.path() + "/report.json";
    auto run = lab::run_suite(dir, suite, {"--json", json}, {{"TOKEN_COPY", lab_password}});
    // Logged in with the token; the query echoing it is masked though nothing named it before.
    BOOST_TEST(run.at("good.login").category == "pg.query", run.at("good.login").message);
    BOOST_TEST(run.at("good.login").message.find("***") != std::string::npos, run.at("good.login").message);
    BOOST_TEST(run.at("good.sessions").status == "skipped");  // blocked by the failed login
    BOOST_TEST(run.at("plain.login").status == "passed", run.at("plain.login").message);
    BOOST_TEST(run.at("fails.login").status == "error");
    BOOST_TEST(run.at("fails.login").category == "secret.unavailable");
    BOOST_TEST(run.at("fails.login").message.find("exited with status 3: token service unavailable (403)") !=
                   std::string::npos,
               run.at("fails.login").message);
    BOOST_TEST(run.at("hangs.login").category == "secret.unavailable");
    BOOST_TEST(run.at("hangs.login").message.find("deadline") != std::string::npos, run.at("hangs.login").message);
    BOOST_TEST(run.at("empty.login").category == "secret.unavailable");
    BOOST_TEST(run.at("missing.login").category == "secret.unavailable");
    BOOST_TEST(run.at("unset.login").category == "secret.unavailable");
    BOOST_TEST(run.at("unset.login").status == "error");
    expect_no_secret("console", run.command.out);
    expect_no_secret("stderr", run.command.err);
    expect_no_secret("JUnit", lab::read_file(dir.path() + "/junit.xml"));
    expect_no_secret("JSON", lab::read_file(json));

    // sessions inherits password_command from login.
    auto sessions = lab::run_suite(dir, fmt::format(R"(
[[target]]
name = "pool"
host = "127.0.0.1"
port = {}
login = {{ user = "app", database = "app", password_command = ["{}"] }}
sessions = {{ count = 5, hold = "10ms" }}
)",
                                                    lab.port(), good));
    BOOST_TEST(sessions.at("pool.login").status == "passed", sessions.at("pool.login").message);
    BOOST_TEST(sessions.at("pool.sessions").status == "passed", sessions.at("pool.sessions").message);
}

BOOST_AUTO_TEST_CASE(init_writes_a_starter_suite_that_validates_runs_and_holds_no_password)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto file = dir.path() + "/starter.toml";
    auto init = lab::run_connspec({"init", database_url(lab), "-o", file});
    BOOST_TEST(init.exit_code == 0, init.err);
    auto suite = lab::read_file(file);
    expect_no_secret("the starter suite", suite);
    expect_no_secret("init's output", init.out + init.err);
    for (const char* line : {"host = \"localhost\"", "resolves = true", "port_open = true", "tls = {",
                             "certificate = {", "password_env = \"DATABASE_PASSWORD\"",
                             "sslmode = \"verify-full\"", "sessions = {"})
        BOOST_TEST(suite.find(line) != std::string::npos, line << " missing from\n" << suite);

    auto validate = lab::run_connspec({"validate", file});
    BOOST_TEST(validate.exit_code == 0, validate.err);
    auto run = lab::run_connspec({"run", file}, std::chrono::milliseconds{60000},
                                 {{"DATABASE_PASSWORD", url_password}});
    BOOST_TEST(run.exit_code == 0, run.out + run.err);
    expect_no_secret("the starter suite's run", run.out + run.err);

    // Nothing a user wrote is overwritten; a string libpq refuses is a usage error.
    auto again = lab::run_connspec({"init", database_url(lab), "-o", file});
    BOOST_TEST(again.exit_code == 2);
    BOOST_TEST(lab::read_file(file) == suite);
    auto bad = lab::run_connspec({"init", "host=db.internal password='Kumquat"});
    BOOST_TEST(bad.exit_code == 2);
    expect_no_secret("init's error", bad.out + bad.err);
}
