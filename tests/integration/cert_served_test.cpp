// The certificate case against `openssl s_server`s serving each kind of bad certificate.
#include <boost/test/unit_test.hpp>

#include "tests/integration/tls_harness.hpp"
#include "tests/lab/certs.hpp"
#include "tests/lab/tls_server.hpp"

using namespace connspec;
using namespace connspec::test;
using lab::CertificateRequest;
using lab::Credential;
using lab::TlsServer;

namespace {

struct Pki {
    lab::TempDir dir;
    Credential ca = Credential::root_ca("cert test CA");
    std::string ca_file = lab::write_certificates(dir.path(), "ca", {&ca});

    // A server presenting `leaf` (and `chain` after it).
    TlsServer serve(const Credential& leaf, const std::string& name,
                    std::vector<const Credential*> chain = {}, std::vector<std::string> extra = {})
    {
        TlsServer::Options options;
        options.cert = lab::write_certificates(dir.path(), name, {&leaf});
        options.key = lab::write_key(dir.path(), name, leaf);
        if (!chain.empty()) options.chain = lab::write_certificates(dir.path(), name + "-chain", chain);
        options.extra = std::move(extra);
        return TlsServer(options);
    }
    Credential leaf(long until_days, std::vector<std::string> dns = {"localhost"},
                    std::vector<std::string> ips = {"127.0.0.1"}, long from_days = -1) const
    {
        return ca.issue({"server", std::move(dns), std::move(ips), from_days, until_days, false});
    }
    CertificateSpec spec() const
    {
        CertificateSpec s;
        s.ca = ca_file;
        return s;
    }
};

std::string status(const Outcome& o)
{
    return std::string(to_string(o.status));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cert_served)

BOOST_AUTO_TEST_CASE(good_certificate_passes_by_name_and_by_ip)
{
    Pki pki;
    auto leaf = pki.leaf(365);
    TlsServer server = pki.serve(leaf, "good");
    CaseRun run;
    Outcome o = run.certificate(pki.spec(), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("subject") == "CN=server");
    BOOST_TEST(o.find("issuer") == "CN=cert test CA");
    BOOST_TEST(o.find("sans") == "DNS:localhost, IP:127.0.0.1");
    // 365 days from the moment the certificate was made: 364 once a second has passed.
    BOOST_TEST((o.find("days_left") == "365" || o.find("days_left") == "364"), o.find("days_left"));
    o = run.certificate(pki.spec(), tls_target("127.0.0.1", server.port()));
    BOOST_TEST(status(o) == "passed", o.message);
}

BOOST_AUTO_TEST_CASE(each_bad_certificate_gets_its_category)
{
    Pki pki;
    CaseRun run;
    struct Bad {
        const char* name;
        Credential leaf;
        const char* category;
        const char* in_message;
    };
    Credential stranger = Credential::root_ca("stranger CA");
    std::vector<Bad> bad{
        {"expired", pki.leaf(-2, {"localhost"}, {"127.0.0.1"}, -100), "cert.expired", "expired 2 days ago"},
        {"expiring", pki.leaf(10), "cert.expiring", "CN=server expires in "},
        {"wrong-san", pki.leaf(365, {"db.elsewhere.test"}, {"10.9.8.7"}), "cert.hostname",
         "it serves DNS:db.elsewhere.test, IP:10.9.8.7"},
        {"untrusted", stranger.issue({"server", {"localhost"}, {"127.0.0.1"}, -1, 365, false}),
         "cert.untrusted", "does not verify"},
        {"future", pki.leaf(365, {"localhost"}, {"127.0.0.1"}, 3), "cert.not_yet_valid", "not valid before"},
    };
    for (const auto& b : bad) {
        TlsServer server = pki.serve(b.leaf, b.name);
        Outcome o = run.certificate(pki.spec(), tls_target("localhost", server.port()));
        BOOST_TEST_CONTEXT(b.name)
        {
            BOOST_TEST(status(o) == "failed", o.message);
            BOOST_TEST(o.category == b.category, o.message);
            BOOST_TEST(o.message.find(b.in_message) != std::string::npos, o.message);
            BOOST_TEST(o.find("subject") == "CN=server");  // observations even on failure
        }
    }
}

BOOST_AUTO_TEST_CASE(intermediate_expiring_before_the_leaf_is_caught)
{
    Pki pki;
    Credential intermediate = pki.ca.issue({"short-lived intermediate", {}, {}, -1, 6, true});
    Credential leaf = intermediate.issue({"server", {"localhost"}, {}, -1, 365, false});
    TlsServer server = pki.serve(leaf, "chained", {&intermediate});
    CaseRun run;
    Outcome o = run.certificate(pki.spec(), tls_target("localhost", server.port()));
    BOOST_TEST(o.category == "cert.expiring", o.message);
    BOOST_TEST(o.message.find("CN=short-lived intermediate expires in ") != std::string::npos,
               o.message);
    BOOST_TEST(o.message.find("min_days_valid 30") != std::string::npos, o.message);
    // Served without its intermediate, the same leaf does not chain to the CA.
    TlsServer bare = pki.serve(leaf, "bare");
    BOOST_TEST(run.certificate(pki.spec(), tls_target("localhost", bare.port())).category
               == "cert.untrusted");
}

BOOST_AUTO_TEST_CASE(sni_selects_the_certificate_and_hostname_option_overrides)
{
    Pki pki;
    auto default_leaf = pki.leaf(365);
    auto named = pki.ca.issue({"api", {"api.example.test"}, {}, -1, 365, false});
    std::string named_cert = lab::write_certificates(pki.dir.path(), "named", {&named});
    std::string named_key = lab::write_key(pki.dir.path(), "named", named);
    TlsServer server = pki.serve(default_leaf, "default", {},
                                 {"-servername", "api.example.test", "-cert2", named_cert, "-key2",
                                  named_key});
    CaseRun run;
    CertificateSpec spec = pki.spec();
    spec.hostname = "api.example.test";  // sent as SNI too: the server picks the named cert
    Outcome o = run.certificate(spec, tls_target("127.0.0.1", server.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("subject") == "CN=api");

    spec.hostname.clear();
    spec.sni = "api.example.test";  // tls.sni: the named cert, which does not name localhost
    o = run.certificate(spec, tls_target("localhost", server.port()));
    BOOST_TEST(o.category == "cert.hostname", o.message);

    spec.verify_hostname = false;
    BOOST_TEST(status(run.certificate(spec, tls_target("localhost", server.port()))) == "passed");
}

BOOST_AUTO_TEST_CASE(client_certificate_is_presented_when_required)
{
    Pki pki;
    auto leaf = pki.leaf(365);
    Credential client = pki.ca.issue({"app", {}, {}, -1, 365, false});
    TlsServer::Options options;
    options.cert = lab::write_certificates(pki.dir.path(), "server", {&leaf});
    options.key = lab::write_key(pki.dir.path(), "server", leaf);
    options.client_ca = pki.ca_file;
    options.extra = {"-no_tls1_3"};  // the rejection of a missing client cert comes in-handshake
    TlsServer server(options);
    Target target = tls_target("localhost", server.port());
    target.client_cert = lab::write_certificates(pki.dir.path(), "client", {&client});
    target.client_key = lab::write_key(pki.dir.path(), "client", client);
    CaseRun run;
    Outcome o = run.certificate(pki.spec(), target);
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(run.log_text().find("TLSv1.2") != std::string::npos, run.log_text());
}

BOOST_AUTO_TEST_SUITE_END()
