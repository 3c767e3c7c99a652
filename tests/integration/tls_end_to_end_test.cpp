// tls and certificate through the connspec binary: suites in, JUnit out, exit status.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "tests/lab/certs.hpp"
#include "tests/lab/pg_lab.hpp"
#include "tests/lab/stall_server.hpp"
#include "tests/lab/tls_server.hpp"

using namespace connspec;
using lab::Credential;

BOOST_AUTO_TEST_SUITE(tls_end_to_end)

BOOST_AUTO_TEST_CASE(lab_postgres_passes_verify_full_grade_checks)
{
    lab::PgLab::Options options;
    options.conf.push_back("ssl_min_protocol_version = 'TLSv1.2'");
    lab::PgLab pg(options);
    lab::TempDir dir;
    auto run = lab::run_suite(dir, fmt::format(R"(
[suite]
name = "e2e"
timeout = "5s"

[[target]]
name = "pg"
host = "127.0.0.1"
port = {}
port_open = true
tls = {{ min_version = "1.2" }}
certificate = {{ ca = "{}", min_days_valid = 30 }}

[[target]]
name = "pg-floor-13"
host = "127.0.0.1"
port = {}
tls = {{ min_version = "1.3" }}
certificate = {{ ca = "{}" }}
)", pg.port(), pg.ca(), pg.port(), pg.ca()));
    BOOST_TEST(run.command.exit_code == 1, run.command.out << run.command.err);
    BOOST_TEST(run.at("pg.tls").status == "passed", run.at("pg.tls").message);
    BOOST_TEST(run.at("pg.certificate").status == "passed", run.at("pg.certificate").message);
    BOOST_TEST(run.property("pg.tls.version") == "TLSv1.3");
    BOOST_TEST(run.property("pg.tls.refused_versions") == "TLSv1.0, TLSv1.1");
    BOOST_TEST(run.property("pg.certificate.sans").find("IP:127.0.0.1") != std::string::npos);
    BOOST_TEST(!run.property("pg.certificate.days_left").empty());
    // The lab accepts TLS 1.2: a 1.3 floor fails, and the certificate waits on tls.
    BOOST_TEST(run.at("pg-floor-13.tls").category == "tls.version");
    BOOST_TEST(run.at("pg-floor-13.tls").message.find("TLSv1.2") != std::string::npos);
    BOOST_TEST(run.at("pg-floor-13.certificate").status == "skipped");
}

// `certificate` judges the chain its `tls` prerequisite received (handed over by the runner)
// instead of a second handshake: the server here accepts exactly two connections, the
// readiness poll's and the tls case's, then exits.
BOOST_AUTO_TEST_CASE(certificate_judges_the_chain_tls_received_without_connecting_again)
{
    lab::TempDir dir;
    Credential ca = Credential::root_ca("handoff CA");
    Credential leaf = ca.issue({"server", {"localhost"}, {"127.0.0.1"}, -1, 365, false});
    std::string ca_file = lab::write_certificates(dir.path(), "ca", {&ca});
    lab::TlsServer::Options o;
    o.cert = lab::write_certificates(dir.path(), "leaf", {&leaf});
    o.key = lab::write_key(dir.path(), "leaf", leaf);
    o.extra = {"-naccept", "2", "-min_protocol", "TLSv1.2"};
    lab::TlsServer server(o);
    auto run = lab::run_suite(dir, fmt::format(R"(
[suite]
name = "handoff"
timeout = "3s"
[[target]]
name = "once"
host = "localhost"
port = {}
protocol = "tls"
tls = {{ min_version = "1.2", probe_below = false }}
certificate = {{ ca = "{}" }}
)", server.port(), ca_file));
    BOOST_TEST(run.at("once.tls").status == "passed", run.command.out);
    BOOST_TEST(run.at("once.certificate").status == "passed", run.command.out << run.at("once.certificate").message);
    // The server has gone: a second handshake would have been refused.
    BOOST_TEST(!lab::wait_for_port("127.0.0.1", server.port(), std::chrono::milliseconds{50}));
}

BOOST_AUTO_TEST_CASE(bad_servers_give_status_and_category)
{
    lab::TempDir dir;
    Credential ca = Credential::root_ca("e2e CA");
    Credential good = ca.issue({"server", {"localhost"}, {"127.0.0.1"}, -1, 365, false});
    Credential expired = ca.issue({"server", {"localhost"}, {"127.0.0.1"}, -90, -1, false});
    std::string ca_file = lab::write_certificates(dir.path(), "ca", {&ca});
    auto serve = [&](const Credential& leaf, const std::string& name, std::vector<std::string> extra) {
        lab::TlsServer::Options o;
        o.cert = lab::write_certificates(dir.path(), name, {&leaf});
        o.key = lab::write_key(dir.path(), name, leaf);
        o.extra = std::move(extra);
        return std::make_unique<lab::TlsServer>(o);
    };
    auto old_only = serve(good, "old", {"-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"});
    auto every = serve(good, "every", {"-min_protocol", "TLSv1", "-cipher", "DEFAULT:@SECLEVEL=0"});
    auto stale = serve(expired, "expired", {"-min_protocol", "TLSv1.2"});
    lab::StallServer silent({}, false);
    lab::StallServer says_s("S");
    lab::PgLab::Options no_ssl;
    no_ssl.ssl = false;
    lab::PgLab plain(no_ssl);

    std::string suite = R"(
[suite]
name = "bad"
timeout = "1500ms"
[defaults]
protocol = "tls"
)";
    auto target = [&](const char* name, int port, const char* protocol) {
        suite += fmt::format(R"(
[[target]]
name = "{}"
host = "localhost"
port = {}
protocol = "{}"
tls = {{ min_version = "1.2" }}
certificate = {{ ca = "{}" }}
)", name, port, protocol, ca_file);
    };
    target("tls11-only", old_only->port(), "tls");
    target("every-version", every->port(), "tls");
    target("expired", stale->port(), "tls");
    target("silent", silent.port(), "tls");
    target("stalls-after-S", says_s.port(), "postgres");
    target("ssl-off", plain.port(), "postgres");

    auto start = std::chrono::steady_clock::now();
    auto run = lab::run_suite(dir, suite);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(run.command.exit_code == 1, run.command.out << run.command.err);
    BOOST_TEST(seconds < 6.0);

    BOOST_TEST(run.at("tls11-only.tls").category == "tls.version", run.at("tls11-only.tls").message);
    BOOST_TEST(run.at("every-version.tls").category == "tls.version");
    BOOST_TEST(run.at("every-version.tls").message.find("TLSv1.0, TLSv1.1") != std::string::npos);
    BOOST_TEST(run.at("expired.tls").status == "passed", run.at("expired.tls").message);
    BOOST_TEST(run.at("expired.certificate").status == "failed");
    BOOST_TEST(run.at("expired.certificate").category == "cert.expired");
    BOOST_TEST(run.at("silent.tls").category == "tls.timeout", run.at("silent.tls").message);
    BOOST_TEST(run.at("stalls-after-S.tls").category == "tls.timeout");
    BOOST_TEST(run.at("ssl-off.tls").category == "tls.unsupported");
    BOOST_TEST(run.at("ssl-off.tls").message == "server does not offer TLS");
    BOOST_TEST(run.at("ssl-off.certificate").status == "skipped");
}

BOOST_AUTO_TEST_SUITE_END()
