// Version names and the server name a handshake sends.
#include <boost/test/unit_test.hpp>

#include "checks/tls_session.hpp"

using namespace connspec;

BOOST_AUTO_TEST_SUITE(tls_names)

BOOST_AUTO_TEST_CASE(versions_parse_and_print_as_openssl_names)
{
    BOOST_TEST(tls_version_name(*parse_tls_version("1.0")) == "TLSv1.0");
    BOOST_TEST(tls_version_name(*parse_tls_version("1.3")) == "TLSv1.3");
    BOOST_TEST(!parse_tls_version("1.4"));
    BOOST_TEST(!parse_tls_version("TLSv1.2"));
    BOOST_TEST((*parse_tls_version("1.1") < *parse_tls_version("1.2")));
}

BOOST_AUTO_TEST_CASE(sni_is_never_an_ip_literal)
{
    BOOST_TEST(server_name_for("", "db.internal") == "db.internal");
    BOOST_TEST(server_name_for("front.example", "db.internal") == "front.example");
    BOOST_TEST(server_name_for("", "127.0.0.1") == "");
    BOOST_TEST(server_name_for("", "::1") == "");
    BOOST_TEST(server_name_for("", "[::1]") == "");
    BOOST_TEST(server_name_for("10.0.0.1", "db.internal") == "db.internal");
    BOOST_TEST(is_ip_literal("192.168.0.1"));
    BOOST_TEST(!is_ip_literal("localhost"));
}

BOOST_AUTO_TEST_SUITE_END()
