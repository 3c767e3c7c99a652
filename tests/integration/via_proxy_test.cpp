// `via` end to end: port_open, ports_closed, tls, certificate, login and sessions through real
// proxies started here on loopback (danted with and without a user, tinyproxy with Basic
// authentication and a ConnectPort rule, `ssh -D` to a throwaway sshd), and the proxy.*
// categories for refusing rules, wrong proxy passwords, a stalled proxy and no proxy at all.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "tests/lab/pg_lab.hpp"
#include "tests/lab/proxies.hpp"
#include "tests/lab/stall_server.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

// A distinctive proxy password that must never show anywhere.
const std::string proxy_password = "Pr0xy-S3cret-9f4c1e";

lab::PgLab& shared_lab()
{
    static lab::PgLab lab([] {
        lab::PgLab::Options o;
        o.conf = {"max_connections = 150"};
        return o;
    }());
    return lab;
}

// A target through `via` with every case that goes through it.
std::string full_target(const std::string& name, const std::string& via, int closed_port,
                        const std::string& extra = {}, int sessions = 20)
{
    auto& lab = shared_lab();
    return fmt::format(R"(
[[target]]
name = "{}"
host = "localhost"
port = {}
via = "{}"
{}
port_open = true
ports_closed = {{ ports = [{}] }}
tls = {{ min_version = "1.2" }}
certificate = {{ ca = "{}", min_days_valid = 1 }}
login = {{ user = "app", database = "app", password_env = "T_PASSWORD", sslmode = "verify-full" }}
sessions = {{ count = {}, hold = "100ms" }}
)",
                       name, lab.port(), via, extra, closed_port, lab.ca(), sessions);
}

std::map<std::string, std::string> env()
{
    return {{"T_PASSWORD", shared_lab().password()}, {"T_PROXY_PASSWORD", proxy_password}};
}

std::string dump(const lab::SuiteRun& run)
{
    return "exit " + std::to_string(run.command.exit_code) + "\n" + run.command.out + run.command.err;
}

void expect_all_passed(const lab::SuiteRun& run, const std::string& target)
{
    for (auto c : {"port_open", "ports_closed", "tls", "certificate", "login", "sessions"}) {
        auto r = run.at(target + "." + c);
        BOOST_TEST(r.status == "passed", target << "." << c << ": " << r.category << " " << r.message
                                                << "\n" << r.body << dump(run));
    }
}

void expect_no_proxy_password(const lab::TempDir& dir, const lab::SuiteRun& run)
{
    BOOST_TEST(run.command.out.find(proxy_password) == std::string::npos);
    BOOST_TEST(run.command.err.find(proxy_password) == std::string::npos);
    BOOST_TEST(lab::read_file(dir.path() + "/junit.xml").find(proxy_password) == std::string::npos);
}

const std::string header = R"(
[suite]
name = "via"
timeout = "20s"
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(via_proxy)

BOOST_AUTO_TEST_CASE(danted_without_a_user_carries_every_case_and_names_its_refusals)
{
    int closed = lab::free_port();
    int blocked = lab::free_port();
    lab::Danted danted({.require_user = false, .blocked_ports = {blocked}});
    lab::TempDir dir;
    auto toml = header + full_target("db", danted.url(), closed, {}, 100) + fmt::format(R"(
[[target]]
name = "closed"
host = "127.0.0.1"
port = {}
protocol = "tcp"
via = "{}"
port_open = true

[[target]]
name = "blocked"
host = "127.0.0.1"
port = {}
protocol = "tcp"
via = "{}"
port_open = true
ports_closed = {{ ports = [{}] }}
)",
                                                                                   closed, danted.url(),
                                                                                   blocked, danted.url(), blocked);
    auto run = lab::run_suite(dir, toml, {}, env(), 120000ms);
    expect_all_passed(run, "db");
    BOOST_TEST(run.property("db.sessions.opened") == "100");
    BOOST_TEST(run.property("db.login.via") == danted.url());
    BOOST_TEST(run.property("db.tls.via") == danted.url());

    auto closed_case = run.at("closed.port_open");
    BOOST_TEST(closed_case.status == "failed");
    BOOST_TEST(closed_case.category == "proxy.refused");
    BOOST_TEST(closed_case.message.find("SOCKS reply 5 (connection refused)") != std::string::npos,
               closed_case.message);

    auto blocked_case = run.at("blocked.port_open");
    BOOST_TEST(blocked_case.category == "proxy.refused");
    BOOST_TEST(blocked_case.message.find("SOCKS reply 2 (connection not allowed by ruleset)") !=
                   std::string::npos,
               blocked_case.message);
    // A port the proxy may not reach is closed as seen through it.
    BOOST_TEST(run.at("blocked.ports_closed").status == "passed", run.at("blocked.ports_closed").message);
}

BOOST_AUTO_TEST_CASE(danted_with_a_user_needs_the_right_password_and_never_shows_it)
{
    auto user = lab::socks_user(proxy_password);
    lab::Danted danted({.require_user = true, .blocked_ports = {}});
    lab::TempDir dir;
    auto with_user = fmt::format("socks5://{}@127.0.0.1:{}", user, danted.port());
    auto toml = header +
                full_target("good", with_user, lab::free_port(), "via_password_env = \"T_PROXY_PASSWORD\"") +
                fmt::format(R"(
[[target]]
name = "wrong"
host = "localhost"
port = {0}
via = "{1}"
via_password_env = "T_WRONG"
login = {{ user = "app", database = "app", password_env = "T_PASSWORD" }}

[[target]]
name = "nouser"
host = "localhost"
port = {0}
via = "{2}"
login = {{ user = "app", database = "app", password_env = "T_PASSWORD" }}

[[target]]
name = "inurl"
host = "localhost"
port = {0}
via = "socks5://{3}:{4}@127.0.0.1:{5}"
tls = true
)",
                            shared_lab().port(), with_user, danted.url(), user, proxy_password, danted.port());
    auto e = env();
    e["T_WRONG"] = "not-the-password";
    auto run = lab::run_suite(dir, toml, {}, e, 120000ms);
    expect_all_passed(run, "good");
    BOOST_TEST(run.at("wrong.login").category == "proxy.auth", run.at("wrong.login").message);
    BOOST_TEST(run.at("nouser.login").category == "proxy.auth", run.at("nouser.login").message);
    BOOST_TEST(run.at("inurl.tls").status == "passed", run.at("inurl.tls").message);
    expect_no_proxy_password(dir, run);
}

BOOST_AUTO_TEST_CASE(tinyproxy_connect_with_basic_auth_and_a_port_rule)
{
    int denied = lab::free_port();
    lab::Tinyproxy tinyproxy({.user = "proxyuser", .password = proxy_password,
                              .connect_ports = {shared_lab().port()}});
    lab::TempDir dir;
    auto toml = header +
                full_target("db", tinyproxy.url(), denied, "via_password_env = \"T_PROXY_PASSWORD\"", 100) +
                fmt::format(R"(
[[target]]
name = "denied"
host = "127.0.0.1"
port = {0}
protocol = "tcp"
via = "{1}"
via_password_env = "T_PROXY_PASSWORD"
port_open = true

[[target]]
name = "wrong"
host = "localhost"
port = {2}
via = "{1}"
via_password_env = "T_WRONG"
tls = true
)",
                            denied, tinyproxy.url(), shared_lab().port());
    auto e = env();
    e["T_WRONG"] = "not-the-password";
    auto run = lab::run_suite(dir, toml, {}, e, 120000ms);
    expect_all_passed(run, "db");
    BOOST_TEST(run.property("db.sessions.opened") == "100");
    auto d = run.at("denied.port_open");
    BOOST_TEST(d.category == "proxy.refused");
    BOOST_TEST(d.message.find("HTTP 403") != std::string::npos, d.message);
    BOOST_TEST(run.at("wrong.tls").category == "proxy.auth", run.at("wrong.tls").message);
    expect_no_proxy_password(dir, run);
}

BOOST_AUTO_TEST_CASE(ssh_dynamic_forwarding_is_a_bastion)
{
    lab::SshBastion bastion;
    lab::TempDir dir;
    int closed = lab::free_port();
    auto toml = header + full_target("db", bastion.url(), closed, {}, 100) + fmt::format(R"(
[[target]]
name = "closed"
host = "127.0.0.1"
port = {}
protocol = "tcp"
via = "{}"
port_open = true
)",
                                                                                    closed, bastion.url());
    auto run = lab::run_suite(dir, toml, {}, env(), 120000ms);
    expect_all_passed(run, "db");
    BOOST_TEST(run.property("db.sessions.opened") == "100");
    BOOST_TEST(run.at("closed.port_open").category == "proxy.refused", run.at("closed.port_open").message);
    BOOST_TEST(bastion.sshd_log().find("Accepted publickey") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(socks5h_lets_the_proxy_resolve_the_name)
{
    lab::Danted danted;
    lab::TempDir dir;
    auto via = fmt::format("socks5h://127.0.0.1:{}", danted.port());
    auto toml = header + fmt::format(R"(
[[target]]
name = "db"
host = "localhost"
port = {}
via = "{}"
port_open = true
tls = true
login = {{ user = "app", database = "app", password_env = "T_PASSWORD", sslmode = "verify-full", sslrootcert = "{}" }}
)",
                                     shared_lab().port(), via, shared_lab().ca());
    auto run = lab::run_suite(dir, toml, {}, env());
    for (auto c : {"db.port_open", "db.tls", "db.login"})
        BOOST_TEST(run.at(c).status == "passed", c << ": " << run.at(c).message << dump(run));
    BOOST_TEST(run.property("db.port_open.address") == "localhost");
}

BOOST_AUTO_TEST_CASE(a_stalled_or_missing_proxy_is_named)
{
    lab::StallServer stalled;
    int nothing = lab::free_port();
    lab::TempDir dir;
    auto toml = fmt::format(R"(
[suite]
name = "via"
timeout = "1s"

[[target]]
name = "stalled"
host = "localhost"
port = {0}
via = "socks5://127.0.0.1:{1}"
port_open = true
login = {{ user = "app", database = "app", password_env = "T_PASSWORD" }}

[[target]]
name = "missing"
host = "localhost"
port = {0}
via = "http://127.0.0.1:{2}"
port_open = true
login = {{ user = "app", database = "app", password_env = "T_PASSWORD" }}

[[target]]
name = "unset"
host = "localhost"
port = {0}
via = "socks5://someone@127.0.0.1:{2}"
via_password_env = "T_UNSET_PROXY_PASSWORD"
port_open = true
)",
                            shared_lab().port(), stalled.port(), nothing);
    auto start = std::chrono::steady_clock::now();
    auto run = lab::run_suite(dir, toml, {}, env());
    BOOST_TEST(run.at("stalled.port_open").category == "proxy.timeout", run.at("stalled.port_open").message);
    BOOST_TEST(run.at("missing.port_open").category == "proxy.unreachable");
    BOOST_TEST(run.at("unset.port_open").category == "secret.unavailable");
    BOOST_TEST(run.at("unset.port_open").status == "error");
    // login is blocked by port_open; run it alone to see the relay name the proxy.
    auto only_login = fmt::format(R"(
[suite]
name = "via"
timeout = "1s"

[[target]]
name = "stalled"
host = "localhost"
port = {0}
via = "socks5://127.0.0.1:{1}"
login = {{ user = "app", database = "app", password_env = "T_PASSWORD" }}

[[target]]
name = "missing"
host = "localhost"
port = {0}
via = "http://127.0.0.1:{2}"
login = {{ user = "app", database = "app", password_env = "T_PASSWORD" }}
)",
                                  shared_lab().port(), stalled.port(), nothing);
    lab::TempDir dir2;
    auto run2 = lab::run_suite(dir2, only_login, {}, env());
    BOOST_TEST(run2.at("stalled.login").category == "proxy.timeout", run2.at("stalled.login").message);
    BOOST_TEST(run2.at("missing.login").category == "proxy.unreachable", run2.at("missing.login").message);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 10s));
}

BOOST_AUTO_TEST_CASE(a_bad_via_is_a_load_error_that_never_quotes_it)
{
    lab::TempDir dir;
    auto run = lab::run_suite(dir, R"(
[[target]]
name = "db"
host = "localhost"
via = "socks4://user:Pr0xy-S3cret-9f4c1e@proxy:1080"
port_open = true
)");
    BOOST_TEST(run.command.exit_code == 2);
    BOOST_TEST(run.command.err.find("suite.toml:5:7:") != std::string::npos, run.command.err);
    BOOST_TEST(run.command.err.find("not supported") != std::string::npos, run.command.err);
    BOOST_TEST(run.command.err.find(proxy_password) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
