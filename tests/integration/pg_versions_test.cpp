// tls, certificate, login and sessions against PostgreSQL 15 (Debian's), 17 and 18 (real server
// builds fetched by tests/lab/pg-fetch), and negotiation = "direct" (TLS from the first byte
// with ALPN "postgresql") against 17 and 18, which accept it with ssl = on; 15 and 16 do not,
// and a TLS server that selects no ALPN fails tls.alpn. login with sslnegotiation = "direct"
// needs libpq 17: with Debian 12's libpq 15 it is an error naming the version.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "tests/lab/certs.hpp"
#include "tests/lab/pg_lab.hpp"
#include "tests/lab/tls_server.hpp"

using namespace connspec;

namespace {

const std::string password = "Versions-Pw-4471";

std::unique_ptr<lab::PgLab> start(int major)
{
    lab::PgLab::Options o;
    o.password = password;
    if (major != 15) o.bin = lab::PgLab::fetch(major);
    return std::make_unique<lab::PgLab>(o);
}

std::string login(const lab::PgLab& lab, const std::string& more = "")
{
    return fmt::format(R"(login = {{ user = "app", database = "app", password_env = "PW", sslmode = "verify-full", sslrootcert = "{}"{} }})",
                       lab.ca(), more);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_pg_case_passes_against_15_17_and_18)
{
    for (int major : {15, 17, 18}) {
        BOOST_TEST_CONTEXT("PostgreSQL " << major)
        {
            auto lab = start(major);
            lab::TempDir dir;
            auto suite = fmt::format(R"(
[suite]
name = "v{0}"
timeout = "10s"
[[target]]
name = "db"
host = "localhost"
port = {1}
tls = {{ min_version = "1.2" }}
certificate = {{ ca = "{2}" }}
{3}
sessions = {{ count = 20, hold = "10ms" }}
)",
                                     major, lab->port(), lab->ca(),
                                     login(*lab, fmt::format(R"(, server_version_min = "{}", server_sees_tls = true, min_free_connections = 5)", major)));
            auto run = lab::run_suite(dir, suite, {}, {{"PW", password}});
            for (const char* id : {"db.tls", "db.certificate", "db.login", "db.sessions"})
                BOOST_TEST(run.at(id).status == "passed", id << ": " << run.at(id).message << run.command.err);
            BOOST_TEST(run.property("db.login.server_version").starts_with(std::to_string(major) + "."),
                       run.property("db.login.server_version"));
            BOOST_TEST(run.property("db.login.server_tls") == "yes");
            BOOST_TEST(run.property("db.sessions.opened") == "20");
        }
    }
}

BOOST_AUTO_TEST_CASE(direct_tls_passes_against_17_and_18_and_fails_before)
{
    for (int major : {15, 16, 17, 18}) {
        BOOST_TEST_CONTEXT("PostgreSQL " << major)
        {
            auto lab = start(major);
            lab::TempDir dir;
            auto suite = fmt::format(R"(
[suite]
name = "direct{0}"
timeout = "5s"
[[target]]
name = "db"
host = "localhost"
port = {1}
tls = {{ negotiation = "direct", min_version = "1.2" }}
certificate = {{ ca = "{2}" }}
{3}
)",
                                     major, lab->port(), lab->ca(), login(*lab, R"(, sslnegotiation = "direct")"));
            auto run = lab::run_suite(dir, suite, {}, {{"PW", password}});
            if (major >= 17) {
                BOOST_TEST(run.at("db.tls").status == "passed", run.at("db.tls").message);
                BOOST_TEST(run.property("db.tls.alpn") == "postgresql");
                BOOST_TEST(run.at("db.certificate").status == "passed", run.at("db.certificate").message);
            } else {
                // The server reads the ClientHello as a startup packet and hangs up.
                BOOST_TEST(run.at("db.tls").status == "failed");
                BOOST_TEST(run.at("db.tls").category == "tls.handshake", run.at("db.tls").message);
            }
            // Debian 12's libpq is 15: direct TLS in login is an error naming it, not a pass.
            if (major >= 17) {
                BOOST_TEST(run.at("db.login").status == "error");
                BOOST_TEST(run.at("db.login").category == "tls.unsupported");
                BOOST_TEST(run.at("db.login").message.find("needs libpq 17 or newer; this connspec uses libpq 15") !=
                               std::string::npos,
                           run.at("db.login").message);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_tls_server_that_selects_no_alpn_fails_tls_alpn)
{
    lab::TempDir dir;
    lab::Credential ca = lab::Credential::root_ca("alpn CA");
    lab::Credential leaf = ca.issue({"server", {"localhost"}, {"127.0.0.1"}, -1, 365, false});
    lab::TlsServer::Options o;
    o.cert = lab::write_certificates(dir.path(), "leaf", {&leaf});
    o.key = lab::write_key(dir.path(), "leaf", leaf);
    lab::TlsServer server(o);
    auto run = lab::run_suite(dir, fmt::format(R"(
[[target]]
name = "web"
host = "localhost"
port = {}
tls = {{ negotiation = "direct", probe_below = false }}
)",
                                               server.port()));
    BOOST_TEST(run.at("web.tls").status == "failed");
    BOOST_TEST(run.at("web.tls").category == "tls.alpn", run.at("web.tls").message);
    BOOST_TEST(run.property("web.tls.alpn") == "none");
}
