// tls.ciphers against real servers: `openssl s_server` with a CBC-SHA1 cipher beside the
// intermediate ones (fails mozilla-intermediate), one with the modern suite only (passes), an
// explicit list, and the lab PostgreSQL with a weak ssl_ciphers. Debian's OpenSSL 3 is built
// without 3DES and RC4 (no s_server can be made to accept them here), so the weak cipher the
// servers accept is a CBC-SHA1 one. The verdicts are cross-checked with `openssl s_client
// -cipher`, one cipher at a time.
#include <boost/test/unit_test.hpp>

#include "checks/cipher_policy.hpp"
#include "checks/cipher_probe.hpp"
#include "tests/integration/tls_harness.hpp"
#include "tests/lab/certs.hpp"
#include "tests/lab/pg_lab.hpp"
#include "tests/lab/tls_server.hpp"

using namespace connspec;
using namespace connspec::test;
using lab::TlsServer;

namespace {

std::string status(const Outcome& o)
{
    return std::string(to_string(o.status));
}

struct Pki {
    lab::TempDir dir;
    lab::Credential ca = lab::Credential::root_ca("cipher test CA");
    lab::Credential server = ca.issue({"localhost", {"localhost"}, {"127.0.0.1"}, -1, 365, false});
    std::string server_cert = lab::write_certificates(dir.path(), "server", {&server});
    std::string server_key = lab::write_key(dir.path(), "server", server);

    // The profiles' groups only, unless `all_groups` (OpenSSL's default list: X448,
    // secp521r1 and the ffdhe groups too).
    TlsServer::Options options(std::vector<std::string> extra, bool all_groups = false) const
    {
        if (!all_groups) extra.insert(extra.end(), {"-groups", "X25519:P-256:P-384"});
        return {server_cert, server_key, "", "", std::move(extra)};
    }
};

TlsSpec with_ciphers(const char* profile)
{
    TlsSpec spec = tls_spec(TlsVersion::v1_2);
    spec.ciphers = mozilla_profile(profile);
    return spec;
}

// Does `openssl s_client` complete a TLS 1.2 handshake offering only `cipher`?
bool s_client_accepts(int port, const std::string& cipher)
{
    auto r = lab::run({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port),
                       "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0"},
                      std::chrono::milliseconds(10000));
    return r.exit_code == 0 && r.out.find("Cipher is " + cipher) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_ciphers)

BOOST_AUTO_TEST_CASE(cbc_sha1_cipher_fails_intermediate_naming_each_accepted_cipher)
{
    Pki pki;
    TlsServer server(pki.options({"-min_protocol", "TLSv1.2", "-cipher",
                                  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA:"
                                  "ECDHE-ECDSA-AES256-SHA"}));
    CaseRun run;
    Outcome o = run.tls(with_ciphers("mozilla-intermediate"), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) == "failed", o.message << "\n" << run.log_text());
    BOOST_TEST(o.category == "tls.cipher");
    BOOST_TEST(o.find("accepted_ciphers") == "ECDHE-ECDSA-AES256-SHA, ECDHE-ECDSA-AES128-SHA",
               o.find("accepted_ciphers"));
    BOOST_TEST(o.message.find("mozilla-intermediate (Mozilla guidelines 5.7)") != std::string::npos,
               o.message);
    // As few handshakes as the method allows: one per accepted cipher, one refusal per chain
    // (ECDSA, RSA and other ciphers, groups).
    BOOST_TEST(std::stoi(std::string(o.find("cipher_handshakes"))) <= 2 + 4,
               o.find("cipher_handshakes"));
    // openssl s_client agrees, cipher by cipher.
    BOOST_TEST(s_client_accepts(server.port(), "ECDHE-ECDSA-AES128-SHA"));
    BOOST_TEST(s_client_accepts(server.port(), "ECDHE-ECDSA-AES256-SHA"));
    BOOST_TEST(!s_client_accepts(server.port(), "ECDHE-ECDSA-AES128-SHA256"));
}

BOOST_AUTO_TEST_CASE(modern_only_server_passes_both_profiles)
{
    Pki pki;
    TlsServer server(pki.options({"-tls1_3"}));
    CaseRun run;
    for (const char* profile : {"mozilla-modern", "mozilla-intermediate"}) {
        Outcome o = run.tls(with_ciphers(profile), tls_target("localhost", server.port()));
        BOOST_TEST(status(o) == "passed", profile << ": " << o.message << "\n" << run.log_text());
        BOOST_TEST(o.find("accepted_ciphers").empty());
    }
}

BOOST_AUTO_TEST_CASE(groups_outside_the_profile_fail_naming_each_one)
{
    Pki pki;
    TlsServer server(pki.options({"-tls1_3"}, true));
    CaseRun run;
    Outcome o = run.tls(with_ciphers("mozilla-modern"), tls_target("localhost", server.port()));
    BOOST_TEST(o.category == "tls.cipher", o.message << "\n" << run.log_text());
    const std::string groups(o.find("accepted_groups"));
    for (const char* group : {"X448", "secp521r1", "ffdhe2048"})
        BOOST_TEST(groups.find(group) != std::string::npos, groups);
    BOOST_TEST(groups.find("X25519") == std::string::npos, groups);
    BOOST_TEST(o.find("accepted_ciphers").empty());
    // openssl s_client agrees: it completes a TLS 1.3 handshake offering only X448.
    auto r = lab::run({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(server.port()),
                       "-groups", "X448"},
                      std::chrono::milliseconds(10000));
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
}

BOOST_AUTO_TEST_CASE(intermediate_server_passes_intermediate_and_fails_modern)
{
    Pki pki;
    TlsServer server(pki.options({"-min_protocol", "TLSv1.2", "-cipher",
                                  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                                  "ECDHE-ECDSA-CHACHA20-POLY1305"}));
    CaseRun run;
    Outcome o = run.tls(with_ciphers("mozilla-intermediate"), tls_target("localhost", server.port()));
    BOOST_TEST(status(o) == "passed", o.message << "\n" << run.log_text());

    o = run.tls(with_ciphers("mozilla-modern"), tls_target("localhost", server.port()));
    BOOST_TEST(o.category == "tls.cipher", o.message << "\n" << run.log_text());
    BOOST_TEST(o.find("accepted_ciphers")
                   == "ECDHE-ECDSA-AES256-GCM-SHA384, ECDHE-ECDSA-CHACHA20-POLY1305, "
                      "ECDHE-ECDSA-AES128-GCM-SHA256",
               o.find("accepted_ciphers"));

    // An explicit list: only what it names may be accepted.
    TlsSpec listed = tls_spec(TlsVersion::v1_2);
    listed.ciphers = CipherPolicy();
    listed.ciphers->name = "list";
    listed.ciphers->allowed = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"};
    o = run.tls(listed, tls_target("localhost", server.port()));
    BOOST_TEST(o.category == "tls.cipher", o.message);
    BOOST_TEST(o.find("accepted_ciphers") == "ECDHE-ECDSA-CHACHA20-POLY1305");
}

BOOST_AUTO_TEST_CASE(every_offerable_cipher_is_tls_1_2_or_below)
{
    const auto& ciphers = offerable_ciphers();
    BOOST_TEST(ciphers.size() > 50u);
    // Weak ones really go on the wire: NULL and anonymous ciphers are among them.
    BOOST_TEST((std::find(ciphers.begin(), ciphers.end(), "NULL-SHA") != ciphers.end()));
    BOOST_TEST((std::find(ciphers.begin(), ciphers.end(), "ADH-AES128-SHA") != ciphers.end()));
    BOOST_TEST((std::find(ciphers.begin(), ciphers.end(), "TLS_AES_128_GCM_SHA256") == ciphers.end()));
    BOOST_TEST(is_tls13_suite("TLS_AES_128_GCM_SHA256"));
}

BOOST_AUTO_TEST_CASE(lab_postgres_with_weak_ssl_ciphers_fails_intermediate)
{
    lab::PgLab::Options options;
    options.conf.push_back("ssl_ciphers = 'AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:"
                           "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256'");
    options.conf.push_back("ssl_min_protocol_version = 'TLSv1.2'");
    lab::PgLab pg(options);
    CaseRun run;
    Outcome o = run.tls(with_ciphers("mozilla-intermediate"),
                        tls_target(pg.host(), pg.port(), Protocol::postgres));
    BOOST_TEST(o.category == "tls.cipher", o.message << "\n" << run.log_text());
    BOOST_TEST(o.message.find("-AES128-SHA") != std::string::npos, o.message);
    BOOST_TEST(o.find("accepted_ciphers").find("GCM") == std::string_view::npos,
               o.find("accepted_ciphers"));
}

BOOST_AUTO_TEST_SUITE_END()
