// Durations as suites and the command line write them.
#include <boost/test/unit_test.hpp>

#include "core/duration.hpp"

using namespace connspec;
using std::chrono::milliseconds;

BOOST_AUTO_TEST_SUITE(durations)

BOOST_AUTO_TEST_CASE(every_unit_parses)
{
    BOOST_TEST(parse_duration("250ms")->count() == 250);
    BOOST_TEST(parse_duration("10s")->count() == 10'000);
    BOOST_TEST(parse_duration("2m")->count() == 120'000);
    BOOST_TEST(parse_duration("1h")->count() == 3'600'000);
    BOOST_TEST(parse_duration("0s")->count() == 0);
}

BOOST_AUTO_TEST_CASE(decimals_parse)
{
    BOOST_TEST(parse_duration("1.5s")->count() == 1500);
    BOOST_TEST(parse_duration("0.25s")->count() == 250);
    BOOST_TEST(parse_duration("1.5m")->count() == 90'000);
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused)
{
    for (const char* text : {"", "10", "s", "ms", "10 s", " 10s", "10s ", "10 seconds", "10sec",
                             "10S", "-1s", "+1s", ".5s", "5.s", "1..5s", "1.2.3s", "1e3ms", "10d",
                             "1h30m", "99999999999999h"})
        BOOST_TEST(!parse_duration(text).has_value(), "accepted \"" << text << "\"");
}

BOOST_AUTO_TEST_CASE(formats_the_shortest_exact_way)
{
    BOOST_TEST(format_duration(milliseconds{250}) == "250ms");
    BOOST_TEST(format_duration(milliseconds{1500}) == "1.5s");
    BOOST_TEST(format_duration(milliseconds{1250}) == "1.25s");
    BOOST_TEST(format_duration(milliseconds{10'000}) == "10s");
    BOOST_TEST(format_duration(milliseconds{90'000}) == "90s");
    BOOST_TEST(format_duration(milliseconds{120'000}) == "2m");
    BOOST_TEST(format_duration(milliseconds{7'200'000}) == "2h");
    BOOST_TEST(format_duration(milliseconds{0}) == "0s");
}

BOOST_AUTO_TEST_CASE(formatting_round_trips)
{
    for (long ms : {1L, 999L, 1000L, 1001L, 1500L, 59'999L, 60'000L, 61'500L, 3'600'000L, 3'601'000L})
        BOOST_TEST(parse_duration(format_duration(milliseconds{ms}))->count() == ms);
}

BOOST_AUTO_TEST_SUITE_END()
