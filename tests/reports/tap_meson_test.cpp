// The TAP report read by the consumer it is written for: Meson 1.0's own TAP parser, in a
// throwaway Meson project whose test prints a report. Meson's JUnit log of that project says
// how it counted every point.
#include <sstream>
#include <string>

#include <boost/test/unit_test.hpp>
#include <pugixml.hpp>

#include "reports/reports.hpp"
#include "tests/lab/lab.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

// The first line of `text` that contains `part`, or empty.
std::string line_with(const std::string& text, const std::string& part)
{
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.find(part) != std::string::npos) return line;
    return {};
}

BOOST_AUTO_TEST_CASE(meson_parses_the_tap_report_and_counts_it_right)
{
    // The sample run, with a '#' in the suite name that must not cut the descriptions short.
    auto run = test::sample_run();
    for (auto& target : run.description.targets) target.suite = "ware#house";
    std::ostringstream tap;
    auto reporter = make_tap_reporter(tap);
    test::replay(run, *reporter);

    lab::TempDir dir;
    dir.write("report.tap", tap.str());
    // A report Meson must reject, to show that this harness notices a parse error at all.
    dir.write("misordered.tap", "TAP version 14\n1..2\nok 2 - second\nok 1 - first\n");
    dir.write("meson.build",
              "project('tap-check', meson_version: '>=1.0.0')\n"
              "cat = find_program('cat')\n"
              "test('connspec-tap', cat, args: [meson.current_source_dir() / 'report.tap'],\n"
              "     protocol: 'tap')\n"
              "test('misordered', cat, args: [meson.current_source_dir() / 'misordered.tap'],\n"
              "     protocol: 'tap')\n");
    const auto build = dir.path() + "/build";
    const auto setup = lab::run({"meson", "setup", dir.path(), build});
    BOOST_REQUIRE_MESSAGE(setup.exit_code == 0, setup.out + setup.err);
    const auto tested = lab::run({"meson", "test", "-C", build, "--no-rebuild"});
    BOOST_TEST_MESSAGE(tested.out);

    // Our report: its failures fail the test, but it parses cleanly; the other is an error.
    const auto ours = line_with(tested.out, "connspec-tap ");
    BOOST_TEST(ours.find(" FAIL ") != std::string::npos, ours);
    BOOST_TEST(ours.find("3/6 subtests passed") != std::string::npos, ours);
    BOOST_TEST(line_with(tested.out, "misordered ").find(" ERROR ") != std::string::npos);

    pugi::xml_document log;
    BOOST_REQUIRE(log.load_file((build + "/meson-logs/testlog.junit.xml").c_str()));
    auto suite = log.child("testsuites")
                     .find_child_by_attribute("testsuite", "name", "tap-check.connspec-tap");
    BOOST_REQUIRE(suite);
    BOOST_TEST(suite.attribute("tests").as_int() == 7);
    BOOST_TEST(suite.attribute("failures").as_int() == 3);
    BOOST_TEST(suite.attribute("errors").as_int() == 0);
    BOOST_TEST(suite.attribute("skipped").as_int() == 1);

    // Points in plan order, with whole descriptions.
    std::ostringstream names;
    for (auto testcase : suite.children("testcase"))
        names << testcase.attribute("name").value() << "\n";
    BOOST_TEST(names.str() == "1 - ware_house.primary.resolves\n"
                              "2 - ware_house.primary.port_open\n"
                              "3 - ware_house.primary.tls\n"
                              "4 - ware_house.primary.certificate\n"
                              "5 - ware_house.primary.login\n"
                              "6 - ware_house.replica.port_open\n"
                              "7 - ware_house.replica.login\n");
    auto certificate = suite.find_child_by_attribute("testcase", "name",
                                                     "4 - ware_house.primary.certificate");
    BOOST_TEST(certificate.child("skipped"));
    BOOST_TEST(certificate.child("system-out").text().get()
               == std::string("blocked by primary.tls"));
}

}  // namespace
}  // namespace connspec
