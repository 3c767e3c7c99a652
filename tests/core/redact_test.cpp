// Secrets never survive redact(): literal values, conninfo password= fragments, URI passwords.
#include <boost/test/unit_test.hpp>

#include "core/redact.hpp"

using connspec::redact;

BOOST_AUTO_TEST_CASE(a_known_secret_is_masked_everywhere)
{
    auto out = redact("failed for s3cr3t and again s3cr3t.", {"s3cr3t"});
    BOOST_TEST(out == "failed for *** and again ***.");
}

BOOST_AUTO_TEST_CASE(the_longer_of_two_overlapping_secrets_is_masked_whole)
{
    auto out = redact("pw=abcdef", {"abc", "abcdef"});
    BOOST_TEST(out == "pw=***");
}

BOOST_AUTO_TEST_CASE(conninfo_password_fragments_are_masked_without_knowing_the_value)
{
    BOOST_TEST(redact("host=db password=hunter2 user=app") == "host=db password=*** user=app");
    BOOST_TEST(redact("host=db password = 'it\\'s x' user=app") == "host=db password = *** user=app");
    BOOST_TEST(redact("PASSWORD=Hunter2").find("Hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(uri_passwords_are_masked)
{
    BOOST_TEST(redact("postgresql://app:hunter2@db:5432/app") == "postgresql://app:***@db:5432/app");
}

BOOST_AUTO_TEST_CASE(text_without_secrets_is_unchanged)
{
    BOOST_TEST(redact("FATAL: database \"x\" does not exist", {""}) ==
               "FATAL: database \"x\" does not exist");
}
