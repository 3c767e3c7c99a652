// The certificate rules on certificates made here: no network, no clock games (the analysis
// takes `now`).
#include <boost/test/unit_test.hpp>

#include <ctime>

#include "checks/certificate_analysis.hpp"
#include "tests/lab/certs.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;
using lab::CertificateRequest;
using lab::Credential;

namespace {

X509Ptr owned(X509* cert)
{
    X509_up_ref(cert);
    return X509Ptr(cert);
}

CertificateChain chain_of(std::initializer_list<const Credential*> credentials)
{
    CertificateChain chain;
    for (const auto* c : credentials) chain.push_back(owned(c->certificate()));
    return chain;
}

struct Pki {
    lab::TempDir dir;
    std::time_t now = std::time(nullptr);  // taken before any certificate is made
    Credential root = Credential::root_ca("connspec test root");
    std::string root_file = lab::write_certificates(dir.path(), "root", {&root});

    Credential leaf(long until_days, std::vector<std::string> dns = {"db.example.test"},
                    std::vector<std::string> ips = {}, long from_days = -1) const
    {
        return root.issue({"leaf", std::move(dns), std::move(ips), from_days, until_days, false});
    }
    CertificatePolicy policy(std::string hostname = "db.example.test", long min_days = 30) const
    {
        CertificatePolicy p;
        p.min_days_valid = min_days;
        p.ca_file = root_file;
        p.hostname = std::move(hostname);
        return p;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(certificate_analysis)

BOOST_AUTO_TEST_CASE(valid_for_a_year_passes_with_observations)
{
    Pki pki;
    auto leaf = pki.leaf(365);
    Outcome o = analyse_chain(chain_of({&leaf}), pki.policy(), pki.now);
    BOOST_TEST(to_string(o.status) == "passed");
    BOOST_TEST(o.find("subject") == "CN=leaf");
    BOOST_TEST(o.find("issuer") == "CN=connspec test root");
    BOOST_TEST(o.find("sans") == "DNS:db.example.test");
    BOOST_TEST(o.find("days_left") == "365");
    BOOST_TEST(o.find("not_after").size() == 20u);  // 2026-01-01T00:00:00Z
    BOOST_TEST(o.find("earliest_expiry").find("(CN=leaf)") != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(expired_leaf_is_cert_expired)
{
    Pki pki;
    auto leaf = pki.leaf(-3, {"db.example.test"}, {}, -30);
    Outcome o = analyse_chain(chain_of({&leaf}), pki.policy(), pki.now);
    BOOST_TEST(to_string(o.status) == "failed");
    BOOST_TEST(o.category == "cert.expired");
    BOOST_TEST(o.message.find("leaf certificate CN=leaf expired") != std::string::npos);
    BOOST_TEST(o.find("days_left") == "-3");
}

BOOST_AUTO_TEST_CASE(expired_message_counts_whole_days_since_the_expiry)
{
    Pki pki;
    auto leaf = pki.leaf(-3, {"db.example.test"}, {}, -30);
    // Three days and five hours after the expiry: it expired 3 days ago, not 4.
    Outcome o = analyse_chain(chain_of({&leaf}), pki.policy(), pki.now + 5 * 3600);
    BOOST_TEST(o.category == "cert.expired");
    BOOST_TEST(o.message.find("expired 3 days ago") != std::string::npos, o.message);
}

BOOST_AUTO_TEST_CASE(expiring_in_ten_days_is_cert_expiring_with_days_left)
{
    Pki pki;
    auto leaf = pki.leaf(10);
    Outcome o = analyse_chain(chain_of({&leaf}), pki.policy(), pki.now);
    BOOST_TEST(o.category == "cert.expiring");
    BOOST_TEST(o.message.find("CN=leaf expires in 10 days") != std::string::npos, o.message);
    BOOST_TEST(o.message.find("min_days_valid 30") != std::string::npos);
    // The same certificate is fine for a policy of 7 days.
    BOOST_TEST(to_string(analyse_chain(chain_of({&leaf}), pki.policy("db.example.test", 7), pki.now).status)
               == "passed");
}

BOOST_AUTO_TEST_CASE(not_yet_valid)
{
    Pki pki;
    auto leaf = pki.leaf(365, {"db.example.test"}, {}, 2);
    Outcome o = analyse_chain(chain_of({&leaf}), pki.policy(), pki.now);
    BOOST_TEST(o.category == "cert.not_yet_valid");
}

BOOST_AUTO_TEST_CASE(wrong_san_is_cert_hostname_listing_the_served_names)
{
    Pki pki;
    auto leaf = pki.leaf(365, {"other.example.test", "*.example.org"}, {"10.1.2.3"});
    Outcome o = analyse_chain(chain_of({&leaf}), pki.policy(), pki.now);
    BOOST_TEST(o.category == "cert.hostname");
    BOOST_TEST(o.message.find("does not name db.example.test") != std::string::npos, o.message);
    BOOST_TEST(o.message.find("DNS:other.example.test, DNS:*.example.org, IP:10.1.2.3")
                   != std::string::npos,
               o.message);
    CertificatePolicy lenient = pki.policy();
    lenient.verify_hostname = false;
    BOOST_TEST(to_string(analyse_chain(chain_of({&leaf}), lenient, pki.now).status) == "passed");
}

BOOST_AUTO_TEST_CASE(wildcard_matches_one_label_only)
{
    Pki pki;
    auto leaf = pki.leaf(365, {"*.example.test"});
    BOOST_TEST(certificate_matches_host(leaf.certificate(), "db.example.test"));
    BOOST_TEST(!certificate_matches_host(leaf.certificate(), "a.db.example.test"));
    BOOST_TEST(!certificate_matches_host(leaf.certificate(), "example.test"));
}

BOOST_AUTO_TEST_CASE(ip_addresses_match_ip_sans_only)
{
    Pki pki;
    auto by_ip = pki.leaf(365, {"localhost"}, {"127.0.0.1", "::1"});
    BOOST_TEST(certificate_matches_host(by_ip.certificate(), "127.0.0.1"));
    BOOST_TEST(certificate_matches_host(by_ip.certificate(), "::1"));
    BOOST_TEST(certificate_matches_host(by_ip.certificate(), "[::1]"));
    BOOST_TEST(!certificate_matches_host(by_ip.certificate(), "127.0.0.2"));
    auto ip_as_dns = pki.leaf(365, {"127.0.0.1"});
    BOOST_TEST(!certificate_matches_host(ip_as_dns.certificate(), "127.0.0.1"));
    Outcome o = analyse_chain(chain_of({&by_ip}), pki.policy("127.0.0.1"), pki.now);
    BOOST_TEST(to_string(o.status) == "passed", o.message);
    BOOST_TEST(o.find("sans") == "DNS:localhost, IP:127.0.0.1, IP:::1");
}

BOOST_AUTO_TEST_CASE(untrusted_ca_is_cert_untrusted)
{
    Pki pki;
    auto stranger = Credential::root_ca("someone else's root");
    auto leaf = stranger.issue({"leaf", {"db.example.test"}, {}, -1, 365, false});
    Outcome o = analyse_chain(chain_of({&leaf}), pki.policy(), pki.now);
    BOOST_TEST(o.category == "cert.untrusted");
    BOOST_TEST(o.message.find(pki.root_file) != std::string::npos, o.message);
    // ...and the system store does not know the test root either.
    CertificatePolicy system = pki.policy();
    system.ca_file.clear();
    BOOST_TEST(analyse_chain(chain_of({&leaf}), system, pki.now).category == "cert.untrusted");
}

BOOST_AUTO_TEST_CASE(missing_intermediate_is_cert_untrusted)
{
    Pki pki;
    auto intermediate = pki.root.issue({"intermediate", {}, {}, -1, 1000, true});
    auto leaf = intermediate.issue({"leaf", {"db.example.test"}, {}, -1, 365, false});
    BOOST_TEST(analyse_chain(chain_of({&leaf}), pki.policy(), pki.now).category
               == "cert.untrusted");
    BOOST_TEST(to_string(analyse_chain(chain_of({&leaf, &intermediate}), pki.policy(), pki.now).status)
               == "passed");
}

BOOST_AUTO_TEST_CASE(intermediate_expiring_before_the_leaf_is_named)
{
    Pki pki;
    auto intermediate = pki.root.issue({"intermediate", {}, {}, -1, 5, true});
    auto leaf = intermediate.issue({"leaf", {"db.example.test"}, {}, -1, 365, false});
    Outcome o = analyse_chain(chain_of({&leaf, &intermediate}), pki.policy(), pki.now);
    BOOST_TEST(o.category == "cert.expiring");
    BOOST_TEST(o.message.find("chain certificate #2 CN=intermediate expires in 5 days")
                   != std::string::npos,
               o.message);
    BOOST_TEST(o.find("days_left") == "365");  // the leaf's own
    BOOST_TEST(o.find("earliest_expiry").find("(CN=intermediate)") != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(expired_intermediate_is_cert_expired)
{
    Pki pki;
    auto intermediate = pki.root.issue({"intermediate", {}, {}, -60, -1, true});
    auto leaf = intermediate.issue({"leaf", {"db.example.test"}, {}, -1, 365, false});
    Outcome o = analyse_chain(chain_of({&leaf, &intermediate}), pki.policy(), pki.now);
    BOOST_TEST(o.category == "cert.expired");
    BOOST_TEST(o.message.find("CN=intermediate") != std::string::npos, o.message);
}

BOOST_AUTO_TEST_CASE(no_certificate_is_cert_untrusted)
{
    Pki pki;
    BOOST_TEST(analyse_chain({}, pki.policy(), pki.now).category == "cert.untrusted");
}

BOOST_AUTO_TEST_CASE(unreadable_ca_file_is_reported)
{
    Pki pki;
    auto leaf = pki.leaf(365);
    CertificatePolicy p = pki.policy();
    p.ca_file = pki.dir.path() + "/missing.pem";
    Outcome o = analyse_chain(chain_of({&leaf}), p, pki.now);
    BOOST_TEST(o.category == "cert.untrusted");
    BOOST_TEST(o.message.find("cannot read CA file") != std::string::npos, o.message);
}

// The parsed anchors are cached per file (watch re-checks every interval); a CA file replaced on
// disk, or one that appears after a failed read, is read again.
BOOST_AUTO_TEST_CASE(a_ca_file_replaced_on_disk_is_read_again)
{
    Pki pki;
    auto leaf = pki.leaf(365);
    BOOST_TEST(to_string(analyse_chain(chain_of({&leaf}), pki.policy(), pki.now).status) == "passed");

    auto stranger = Credential::root_ca("someone else's root, a longer name");
    BOOST_TEST(lab::write_certificates(pki.dir.path(), "root", {&stranger}) == pki.root_file);
    BOOST_TEST(analyse_chain(chain_of({&leaf}), pki.policy(), pki.now).category == "cert.untrusted");

    lab::write_certificates(pki.dir.path(), "root", {&pki.root});
    BOOST_TEST(to_string(analyse_chain(chain_of({&leaf}), pki.policy(), pki.now).status) == "passed");

    CertificatePolicy later = pki.policy();
    later.ca_file = pki.dir.path() + "/later.crt";
    BOOST_TEST(analyse_chain(chain_of({&leaf}), later, pki.now).message.find("cannot read CA file")
               != std::string::npos);
    lab::write_certificates(pki.dir.path(), "later", {&pki.root});
    BOOST_TEST(to_string(analyse_chain(chain_of({&leaf}), later, pki.now).status) == "passed");
}

BOOST_AUTO_TEST_SUITE_END()
