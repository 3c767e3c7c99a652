// certificate's policy options against real servers: a CA made with `openssl ca` that revokes
// certificates, its CRL served over HTTP on loopback and `openssl ocsp` as its responder;
// s_server stapling a response (-status_file) or not; a revoked intermediate; an RSA-1024 and
// a SHA-1-signed intermediate. Verdicts are cross-checked with `openssl verify -crl_check`.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "tests/integration/tls_harness.hpp"
#include "tests/lab/openssl_ca.hpp"
#include "tests/lab/tls_server.hpp"

using namespace connspec;
using namespace connspec::test;
using lab::TlsServer;

namespace {

std::string status(const Outcome& o)
{
    return std::string(to_string(o.status));
}

// A root CA whose certificates name its OCSP responder and its CRL on loopback.
struct RevokingCa {
    lab::TempDir dir;
    std::string www = dir.path() + "/www";
    int ocsp_port = lab::free_port();
    int http_port = lab::free_port();
    lab::OpensslCa root{dir.path(), "root",
                        {"http://127.0.0.1:" + std::to_string(ocsp_port),
                         "http://127.0.0.1:" + std::to_string(http_port) + "/root.crl"}};

    RevokingCa() { std::filesystem::create_directories(www); }
    void publish_crl() { root.write_crl(www + "/root.crl"); }
    TlsServer server(const lab::OpensslCa::Issued& issued, std::vector<std::string> extra = {},
                     const std::string& chain = "")
    {
        return TlsServer({issued.cert, issued.key, chain, "", std::move(extra)});
    }
};

CertificateSpec checking(const std::string& ca, RevocationMode mode)
{
    CertificateSpec spec;
    spec.ca = ca;
    spec.revocation = mode;
    return spec;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cert_policy)

BOOST_AUTO_TEST_CASE(ocsp_responder_and_crl_tell_revoked_from_good)
{
    RevokingCa pki;
    auto good = pki.root.issue("good");
    auto revoked = pki.root.issue("revoked");
    pki.root.revoke(revoked.cert);
    pki.publish_crl();
    lab::OcspResponder responder(pki.root, pki.ocsp_port);
    lab::HttpFileServer http(pki.www, pki.http_port);
    TlsServer good_server = pki.server(good);
    TlsServer revoked_server = pki.server(revoked);
    CaseRun run;

    for (RevocationMode mode : {RevocationMode::ocsp, RevocationMode::crl, RevocationMode::any}) {
        Outcome o = run.certificate(checking(pki.root.cert(), mode),
                                    tls_target("localhost", good_server.port()));
        BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
        BOOST_TEST(o.find("stapled") == "no");
        o = run.certificate(checking(pki.root.cert(), mode),
                            tls_target("localhost", revoked_server.port()));
        BOOST_TEST(status(o) == "failed", o.message << "\n" << run.log_text());
        BOOST_TEST(o.category == "cert.revoked");
        BOOST_TEST(o.message.find("CN=revoked") != std::string::npos, o.message);
    }
    Outcome o = run.certificate(checking(pki.root.cert(), RevocationMode::ocsp),
                                tls_target("localhost", good_server.port()));
    BOOST_TEST(o.find("ocsp_status") == "good");
    BOOST_TEST(!o.find("ocsp_next_update").empty());
    o = run.certificate(checking(pki.root.cert(), RevocationMode::crl),
                        tls_target("localhost", good_server.port()));
    BOOST_TEST(!o.find("crl_next_update").empty());

    // openssl verify -crl_check agrees.
    std::string crl_pem = pki.root.dir() + "/crl.pem";
    auto verify = [&](const std::string& cert) {
        return lab::run({"openssl", "verify", "-crl_check", "-CAfile", pki.root.cert(), "-CRLfile",
                         crl_pem, cert})
            .exit_code;
    };
    BOOST_TEST(verify(good.cert) == 0);
    BOOST_TEST(verify(revoked.cert) != 0);

    // The responder gone: OCSP cannot tell, which is an error, never a pass; `any` falls
    // back to the CRL.
    responder.stop();
    o = run.certificate(checking(pki.root.cert(), RevocationMode::ocsp),
                        tls_target("localhost", good_server.port()));
    BOOST_TEST(status(o) == "error", o.message << "\n" << run.log_text());
    BOOST_TEST(o.category == "cert.revocation_unknown");
    BOOST_TEST(o.find("ocsp_status") == "unknown");
    o = run.certificate(checking(pki.root.cert(), RevocationMode::any),
                        tls_target("localhost", good_server.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
}

BOOST_AUTO_TEST_CASE(stapled_responses_and_require_stapling)
{
    RevokingCa pki;  // no responder and no CRL server: only stapled answers count
    auto good = pki.root.issue("good");
    auto revoked = pki.root.issue("revoked");
    pki.root.revoke(revoked.cert);
    std::string good_response = pki.dir.path() + "/good.ocsp";
    std::string revoked_response = pki.dir.path() + "/revoked.ocsp";
    pki.root.write_ocsp_response(good.cert, good_response);
    pki.root.write_ocsp_response(revoked.cert, revoked_response);
    TlsServer stapling = pki.server(good, {"-status_file", good_response});
    TlsServer stapling_revoked = pki.server(revoked, {"-status_file", revoked_response});
    TlsServer not_stapling = pki.server(good);
    CaseRun run;

    CertificateSpec spec = checking(pki.root.cert(), RevocationMode::ocsp);
    spec.require_stapling = true;
    Outcome o = run.certificate(spec, tls_target("localhost", stapling.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("stapled") == "yes");
    BOOST_TEST(o.find("ocsp_status") == "good");

    o = run.certificate(spec, tls_target("localhost", stapling_revoked.port()));
    BOOST_TEST(o.category == "cert.revoked", o.message << "\n" << run.log_text());

    o = run.certificate(spec, tls_target("localhost", not_stapling.port()));
    BOOST_TEST(status(o) == "failed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.category == "cert.revocation_unknown");
    BOOST_TEST(o.find("stapled") == "no");

    // The chain handed over by the tls case carries the staple too.
    StopSignal stop;
    std::vector<std::string> log;
    auto resolved = std::make_shared<ResolvedAddresses>();
    resolved->addresses = {"127.0.0.1"};
    CheckContext context{Clock::now() + std::chrono::seconds(8), stop, log, {resolved}};
    Outcome tls = run_tls(tls_spec(TlsVersion::v1_2), tls_target("localhost", stapling.port()), context);
    BOOST_REQUIRE(tls.handoff);
    CheckContext after{Clock::now() + std::chrono::seconds(8), stop, log, {tls.handoff, resolved}};
    o = run_certificate(spec, tls_target("localhost", stapling.port()), after);
    BOOST_TEST(status(o) == "passed", o.message);
    BOOST_TEST(o.find("stapled") == "yes");
}

BOOST_AUTO_TEST_CASE(revoked_intermediate_fails_cert_revoked)
{
    RevokingCa pki;
    int inter_http = pki.http_port;
    lab::OpensslCa inter(pki.dir.path(), "inter",
                         {"", "http://127.0.0.1:" + std::to_string(inter_http) + "/inter.crl"},
                         pki.root);
    auto leaf = inter.issue("leaf");
    pki.root.revoke(inter.cert());
    pki.publish_crl();
    inter.write_crl(pki.www + "/inter.crl");
    lab::HttpFileServer http(pki.www, pki.http_port);
    TlsServer server = pki.server(leaf, {}, inter.cert());
    CaseRun run;
    Outcome o = run.certificate(checking(pki.root.cert(), RevocationMode::crl),
                                tls_target("localhost", server.port()));
    BOOST_TEST(o.category == "cert.revoked", o.message << "\n" << run.log_text());
    BOOST_TEST(o.message.find("chain certificate #2") != std::string::npos, o.message);
    BOOST_TEST(o.message.find("CN=inter") != std::string::npos, o.message);
}

BOOST_AUTO_TEST_CASE(rsa_1024_and_sha1_intermediates_are_cert_weak)
{
    RevokingCa pki;
    lab::OpensslCa small(pki.dir.path(), "small", {}, pki.root, {true, "rsa:1024", "sha256"});
    lab::OpensslCa sha1(pki.dir.path(), "sha1", {}, pki.root, {true, "ec", "sha1"});
    auto small_leaf = small.issue("leaf-small");
    auto sha1_leaf = sha1.issue("leaf-sha1");
    std::vector<std::string> legacy{"-cipher", "DEFAULT:@SECLEVEL=0"};
    TlsServer small_server = pki.server(small_leaf, legacy, small.cert());
    TlsServer sha1_server = pki.server(sha1_leaf, legacy, sha1.cert());
    CaseRun run;

    CertificateSpec spec;
    spec.ca = pki.root.cert();
    spec.min_key_bits = 2048;
    Outcome o = run.certificate(spec, tls_target("localhost", small_server.port()));
    BOOST_TEST(o.category == "cert.weak", o.message << "\n" << run.log_text());
    BOOST_TEST(o.message.find("chain certificate #2 CN=small has a RSA 1024-bit key") != std::string::npos,
               o.message);
    BOOST_TEST(o.find("key_bits") == "EC 256, RSA 1024", o.find("key_bits"));
    // The P-256 leaf is as strong as RSA-3072: it passes a 2048 floor, the rest of the chain
    // with it (the anchor is never judged).
    o = run.certificate(spec, tls_target("localhost", sha1_server.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("signature_algorithms").find("ecdsa-with-SHA1") != std::string_view::npos,
               o.find("signature_algorithms"));

    spec.min_key_bits.reset();
    spec.forbid_sha1 = true;
    o = run.certificate(spec, tls_target("localhost", sha1_server.port()));
    BOOST_TEST(o.category == "cert.weak", o.message << "\n" << run.log_text());
    BOOST_TEST(o.message.find("chain certificate #2 CN=sha1 is signed with ecdsa-with-SHA1")
                   != std::string::npos,
               o.message);
    o = run.certificate(spec, tls_target("localhost", small_server.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());
}

BOOST_AUTO_TEST_SUITE_END()
