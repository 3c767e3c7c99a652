// Each report format against its golden file, for a run with every status and awkward text.
// Durations and the start time are injected, so the files hold no masked values.
#include <sstream>

#include <boost/test/unit_test.hpp>

#include "reports/reports.hpp"
#include "tests/lab/lab.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

BOOST_AUTO_TEST_SUITE(report_golden_files)

BOOST_AUTO_TEST_CASE(junit_matches_golden)
{
    lab::TempDir dir;
    const auto path = dir.path() + "/report.xml";
    auto reporter = make_junit_reporter(path);
    test::replay(test::sample_run(), *reporter);
    const auto actual = lab::read_file(path);
    BOOST_TEST(actual == test::golden("junit.xml", actual));
}

BOOST_AUTO_TEST_CASE(json_matches_golden)
{
    lab::TempDir dir;
    const auto path = dir.path() + "/report.json";
    auto reporter = make_json_reporter(path);
    test::replay(test::sample_run(), *reporter);
    const auto actual = lab::read_file(path);
    BOOST_TEST(actual == test::golden("report.json", actual));
}

BOOST_AUTO_TEST_CASE(tap_matches_golden)
{
    std::ostringstream out;
    auto reporter = make_tap_reporter(out);
    test::replay(test::sample_run(), *reporter);
    BOOST_TEST(out.str() == test::golden("report.tap", out.str()));
}

BOOST_AUTO_TEST_CASE(console_without_colour_matches_golden)
{
    std::ostringstream out;
    auto reporter = make_console_reporter(out, false);
    test::replay(test::sample_run(), *reporter);
    BOOST_TEST(out.str() == test::golden("console.txt", out.str()));
    BOOST_TEST(out.str().find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(console_with_colour_paints_status_words)
{
    std::ostringstream out;
    auto reporter = make_console_reporter(out, true);
    test::replay(test::sample_run(), *reporter);
    const std::string painted_pass = "\x1b[32mPASS \x1b[0m primary \u203a port_open";
    BOOST_TEST(out.str().find(painted_pass) != std::string::npos);
    BOOST_TEST(out.str().find("\x1b[1;31mFAIL \x1b[0m") != std::string::npos);
    // The only escape sequences are ours: the one inside the message was neutralised.
    BOOST_TEST(out.str().find("\x1b[31mred") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
