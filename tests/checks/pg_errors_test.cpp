// Classification of libpq failures: SQLSTATE first, libpq's own wording only before the server spoke.
#include <boost/test/unit_test.hpp>

#include "core/outcome.hpp"
#include "checks/pg_errors.hpp"
#include "checks/pg_options.hpp"

using namespace connspec;

namespace {
std::string category_of(const std::string& libpq_message)
{
    return pg_connect_category(parse_pg_error(libpq_message, {}));
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_sqlstate_is_read_from_a_verbose_message_and_location_dropped)
{
    auto e = parse_pg_error(
        "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  28P01: password "
        "authentication failed for user \"app\"\nLOCATION:  auth_failed, auth.c:323\n",
        {});
    BOOST_TEST(e.sqlstate == "28P01");
    BOOST_TEST(e.text.find("LOCATION") == std::string::npos);
    BOOST_TEST(e.text.find("28P01") == std::string::npos);
    BOOST_TEST(e.text.find("password authentication failed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(server_decisions_map_by_sqlstate)
{
    BOOST_TEST(category_of("FATAL:  28P01: password authentication failed for user \"a\"") == "pg.auth");
    BOOST_TEST(category_of("FATAL:  28000: pg_hba.conf rejects connection for host") == "pg.hba");
    BOOST_TEST(category_of("FATAL:  28000: no pg_hba.conf entry for host \"1.2.3.4\"") == "pg.hba");
    BOOST_TEST(category_of("FATAL:  3D000: database \"nope\" does not exist") == "pg.database");
    BOOST_TEST(category_of("FATAL:  53300: sorry, too many clients already") ==
               "pg.too_many_connections");
    BOOST_TEST(category_of("FATAL:  53300: remaining connection slots are reserved for "
                           "non-replication superuser connections") == "pg.too_many_connections");
}

BOOST_AUTO_TEST_CASE(libpq_failures_before_the_server_spoke_map_by_wording)
{
    BOOST_TEST(category_of("server does not support SSL, but SSL was required") == "pg.ssl_required");
    BOOST_TEST(category_of("server certificate for \"localhost\" does not match host name \"db\"") ==
               "cert.hostname");
    BOOST_TEST(category_of("SSL error: certificate verify failed") == "cert.untrusted");
    BOOST_TEST(category_of("SSL error: certificate has expired") == "cert.expired");
    BOOST_TEST(category_of("fe_sendauth: no password supplied") == "pg.auth");
    BOOST_TEST(category_of("something nobody expected") == "pg.connect");
}

BOOST_AUTO_TEST_CASE(decisions_are_never_worth_another_address_or_retry)
{
    for (auto c : {"pg.auth", "pg.hba", "pg.database", "pg.ssl_required", "cert.untrusted",
                   "cert.hostname", "cert.expired"}) {
        BOOST_TEST(pg_is_decision(c));
        BOOST_TEST(!is_transient(c));
    }
    BOOST_TEST(is_transient("pg.too_many_connections"));
    BOOST_TEST(is_transient("pg.timeout"));
    BOOST_TEST(!pg_is_decision("pg.timeout"));
}

BOOST_AUTO_TEST_CASE(every_category_has_a_hint)
{
    for (auto c : {"pg.auth", "pg.hba", "pg.database", "pg.too_many_connections", "pg.ssl_required",
                   "cert.untrusted", "cert.hostname", "cert.expired", "pg.timeout", "pg.query",
                   "pg.connect"})
        BOOST_TEST(!pg_hint(c).empty(), c);
}

BOOST_AUTO_TEST_CASE(failure_messages_never_carry_the_password)
{
    auto e = parse_pg_error("could not connect: host=db password=Sup3r-S3cret user=app Sup3r-S3cret",
                            {"Sup3r-S3cret"});
    auto o = pg_connect_failure(e, "127.0.0.1:5432");
    BOOST_TEST(o.message.find("Sup3r-S3cret") == std::string::npos);
    BOOST_TEST(o.message.find("127.0.0.1:5432") == 0u);
}

BOOST_AUTO_TEST_CASE(server_versions_parse_as_libpq_counts_them)
{
    BOOST_TEST(parse_server_version("14").value() == 140000);
    BOOST_TEST(parse_server_version("14.2").value() == 140002);
    BOOST_TEST(parse_server_version("9.6").value() == 90600);
    BOOST_TEST(!parse_server_version("14.x"));
    BOOST_TEST(!parse_server_version(""));
    BOOST_TEST(!parse_server_version("v15"));
}
