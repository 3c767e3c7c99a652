// `via` URLs as written in suites: schemes, users, passwords, IPv6 and the mistakes.
#include <boost/test/unit_test.hpp>

#include "core/proxy.hpp"

using namespace connspec;

BOOST_AUTO_TEST_CASE(schemes_users_passwords_and_addresses)
{
    auto p = parse_proxy_url("socks5://proxy.internal:1080");
    BOOST_REQUIRE(p.proxy);
    BOOST_TEST((p.proxy->scheme == ProxyScheme::socks5));
    BOOST_TEST(p.proxy->host == "proxy.internal");
    BOOST_TEST(p.proxy->port == 1080);
    BOOST_TEST(p.proxy->user.empty());
    BOOST_TEST(!p.proxy->resolves_names());

    p = parse_proxy_url("SOCKS5H://bastion@10.0.0.1:1081/");
    BOOST_REQUIRE(p.proxy);
    BOOST_TEST(p.proxy->resolves_names());
    BOOST_TEST(p.proxy->user == "bastion");

    p = parse_proxy_url("http://me:p%40ss%3Aword@[::1]:3128");
    BOOST_REQUIRE(p.proxy);
    BOOST_TEST((p.proxy->scheme == ProxyScheme::http));
    BOOST_TEST(p.proxy->host == "::1");
    BOOST_TEST(p.proxy->user == "me");
    BOOST_TEST(p.proxy->password == "p@ss:word");
    BOOST_TEST(p.proxy->display() == "http://[::1]:3128");  // never the user or password
}

BOOST_AUTO_TEST_CASE(mistakes_are_explained_without_the_password)
{
    for (const char* bad : {"proxy:1080", "socks4://u:SECRETX@proxy:1080", "https://u:SECRETX@p:443",
                            "socks5://u:SECRETX@proxy", "socks5://u:SECRETX@proxy:99999",
                            "http://u:SECRETX@proxy:3128/path", "socks5://u:SECRETX%zz@proxy:1",
                            "socks5://:SECRETX@proxy:1080", "socks5://[::1:1080"}) {
        auto p = parse_proxy_url(bad);
        BOOST_TEST(!p.proxy, bad);
        BOOST_TEST(!p.problem.empty(), bad);
        BOOST_TEST(p.problem.find("SECRETX") == std::string::npos, p.problem);
    }
}
