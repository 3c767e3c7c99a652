// tls and certificate against the lab PostgreSQL over its SSLRequest: floors 1.2 and 1.3, and
// a server with ssl = off.
#include <boost/test/unit_test.hpp>

#include "tests/integration/tls_harness.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec;
using namespace connspec::test;

namespace {

std::string status(const Outcome& o)
{
    return std::string(to_string(o.status));
}

lab::PgLab with_floor(const char* version)
{
    lab::PgLab::Options options;
    options.conf.push_back(std::string("ssl_min_protocol_version = '") + version + "'");
    return lab::PgLab(options);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_postgres)

BOOST_AUTO_TEST_CASE(floor_tls_1_2_passes_and_refuses_1_0_and_1_1)
{
    lab::PgLab pg = with_floor("TLSv1.2");
    Target target = tls_target(pg.host(), pg.port(), Protocol::postgres);
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2), target);
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("version") == "TLSv1.3");
    BOOST_TEST(o.find("refused_versions") == "TLSv1.0, TLSv1.1");

    // The server accepts 1.2, so a 1.3 floor fails naming it.
    o = run.tls(tls_spec(TlsVersion::v1_3), target);
    BOOST_TEST(o.category == "tls.version", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("accepted_versions") == "TLSv1.2");

    // verify-full grade: the lab CA, and the IP SAN 127.0.0.1 for the host 127.0.0.1.
    CertificateSpec cert;
    cert.ca = pg.ca();
    o = run.certificate(cert, target);
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("sans").find("IP:127.0.0.1") != std::string_view::npos, o.find("sans"));

    // Without the lab CA the system store does not trust it.
    o = run.certificate(CertificateSpec{}, target);
    BOOST_TEST(o.category == "cert.untrusted", o.message);

    cert.hostname = "db.not-this-server.test";
    o = run.certificate(cert, target);
    BOOST_TEST(o.category == "cert.hostname", o.message);
}

BOOST_AUTO_TEST_CASE(floor_tls_1_3_passes_a_1_3_floor)
{
    lab::PgLab pg = with_floor("TLSv1.3");
    Target target = tls_target(pg.host(), pg.port(), Protocol::postgres);
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_3), target);
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("refused_versions") == "TLSv1.0, TLSv1.1, TLSv1.2");
    // A ceiling of 1.2 cannot be met by a 1.3-only server: no handshake completes.
    o = run.tls(tls_spec(TlsVersion::v1_2, TlsVersion::v1_2), target);
    BOOST_TEST(o.category == "tls.version", o.message << "\n" << run.log_text());
}

BOOST_AUTO_TEST_CASE(ssl_off_is_tls_unsupported)
{
    lab::PgLab::Options options;
    options.ssl = false;
    lab::PgLab pg(options);
    Target target = tls_target(pg.host(), pg.port(), Protocol::postgres);
    CaseRun run;
    Outcome o = run.tls(tls_spec(TlsVersion::v1_2), target);
    BOOST_TEST(status(o) == "failed");
    BOOST_TEST(o.category == "tls.unsupported", o.message);
    BOOST_TEST(o.message == "server does not offer TLS");
    o = run.certificate(CertificateSpec{}, target);
    BOOST_TEST(o.category == "tls.unsupported", o.message);
}

BOOST_AUTO_TEST_SUITE_END()
