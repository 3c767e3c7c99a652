// "Did you mean": suggestions for mistyped keys.
#include <boost/test/unit_test.hpp>

#include "suites/nearest_key.hpp"

using namespace connspec;

BOOST_AUTO_TEST_SUITE(nearest_keys)

BOOST_AUTO_TEST_CASE(edit_distance_counts_edits_and_swaps)
{
    BOOST_TEST(edit_distance("host", "host") == 0u);
    BOOST_TEST(edit_distance("hots", "host") == 1u);  // a swap
    BOOST_TEST(edit_distance("hst", "host") == 1u);
    BOOST_TEST(edit_distance("hoste", "host") == 1u);
    BOOST_TEST(edit_distance("HOST", "host") == 0u);
    BOOST_TEST(edit_distance("", "abc") == 3u);
    BOOST_TEST(edit_distance("kitten", "sitting") == 3u);
}

BOOST_AUTO_TEST_CASE(typos_get_the_nearest_key)
{
    std::vector<std::string> known{"name", "host", "port", "protocol", "port_open", "ports_closed"};
    BOOST_TEST(nearest_key("hots", known).value_or("") == "host");
    BOOST_TEST(nearest_key("prot", known).value_or("") == "port");
    BOOST_TEST(nearest_key("protocl", known).value_or("") == "protocol");
    BOOST_TEST(nearest_key("port_opne", known).value_or("") == "port_open");
    BOOST_TEST(nearest_key("ports_close", known).value_or("") == "ports_closed");
    BOOST_TEST(nearest_key("Name", known).value_or("") == "name");
}

BOOST_AUTO_TEST_CASE(distant_keys_get_no_suggestion)
{
    std::vector<std::string> known{"name", "host", "port"};
    BOOST_TEST(!nearest_key("flavour", known).has_value());
    BOOST_TEST(!nearest_key("xy", known).has_value());
    BOOST_TEST(!nearest_key("anything", {}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
