// The chain a tls case leaves for the certificate case of the same target, and only of it.
#include <boost/test/unit_test.hpp>

#include "checks/chain_cache.hpp"

using namespace connspec;

namespace {

Target target_at(const std::string& host)
{
    Target t;
    t.suite = "db";
    t.name = "primary";
    t.host = host;
    t.port = 5432;
    t.protocol = Protocol::postgres;
    return t;
}

CertificateChain one_certificate()
{
    CertificateChain chain;
    chain.emplace_back(X509_new());
    return chain;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chain_cache)

BOOST_AUTO_TEST_CASE(a_chain_is_taken_once_by_the_same_target)
{
    Target t = target_at("10.0.0.5");
    remember_chain(chain_key(t, ""), one_certificate(), "10.0.0.5:5432");
    auto taken = take_chain(chain_key(t, ""), std::chrono::seconds(30));
    BOOST_TEST_REQUIRE(taken.has_value());
    BOOST_TEST(taken->chain.size() == 1u);
    BOOST_TEST(!take_chain(chain_key(t, ""), std::chrono::seconds(30)).has_value());
}

BOOST_AUTO_TEST_CASE(same_suite_and_target_name_on_another_host_is_another_chain)
{
    // Two suite files named db.toml, each with a target `primary` given by IP address: no SNI
    // tells them apart, so the host must.
    Target staging = target_at("10.0.0.5");
    Target production = target_at("10.0.0.6");
    remember_chain(chain_key(staging, ""), one_certificate(), "10.0.0.5:5432");
    BOOST_TEST(!take_chain(chain_key(production, ""), std::chrono::seconds(30)).has_value());
    BOOST_TEST(take_chain(chain_key(staging, ""), std::chrono::seconds(30)).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
