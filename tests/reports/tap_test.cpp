// TAP streaming: plan first, points in plan order whatever the completion order, each line
// written as soon as it can be, no '#' in descriptions, SKIP only on ok lines.
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "reports/reports.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::vector<std::string> test_points(const std::string& text)
{
    std::vector<std::string> points;
    for (const auto& line : lines_of(text))
        if (line.rfind("ok ", 0) == 0 || line.rfind("not ok ", 0) == 0) points.push_back(line);
    return points;
}

RunDescription three_port_cases()
{
    RunDescription plan;
    test::add_target(plan, "net", "a", {"port_open"});
    test::add_target(plan, "net", "b", {"port_open"});
    test::add_target(plan, "net", "c", {"port_open"});
    return plan;
}

BOOST_AUTO_TEST_SUITE(tap_report)

BOOST_AUTO_TEST_CASE(plan_comes_first_and_points_wait_for_earlier_cases)
{
    const RunDescription plan = three_port_cases();
    const RunInfo info{"host", "", {}};
    std::ostringstream out;
    auto tap = make_tap_reporter(out);

    tap->run_started(plan, info);
    BOOST_TEST(out.str() == "TAP version 14\n1..3\n");

    // Case 3 ends first: nothing may be written yet, point 1 is still open.
    tap->case_finished(2, passed());
    BOOST_TEST(test_points(out.str()).empty());

    tap->case_finished(0, failed("tcp.refused", "refused", "start it"));
    auto points = test_points(out.str());
    BOOST_REQUIRE_EQUAL(points.size(), 1u);
    BOOST_TEST(points[0] == "not ok 1 - net.a.port_open");

    // Case 2 closes the gap: 2 and the waiting 3 follow at once, in order.
    tap->case_finished(1, skipped("blocked by a.resolves"));
    points = test_points(out.str());
    BOOST_REQUIRE_EQUAL(points.size(), 3u);
    BOOST_TEST(points[1] == "ok 2 - net.b.port_open # SKIP blocked by a.resolves");
    BOOST_TEST(points[2] == "ok 3 - net.c.port_open");

    const std::string before_end = out.str();
    tap->run_finished(RunResult{plan, info, {}, {}, false});
    BOOST_TEST(out.str() == before_end);
}

BOOST_AUTO_TEST_CASE(cases_that_never_ended_get_their_point_at_run_finished)
{
    const RunDescription plan = three_port_cases();
    const RunInfo info{"host", "", {}};
    std::ostringstream out;
    auto tap = make_tap_reporter(out);
    tap->run_started(plan, info);
    tap->case_finished(1, passed());

    // An interrupted run: cases 1 and 3 only appear in the final outcomes.
    tap->run_finished(RunResult{plan, info, {interrupted(), passed(), interrupted()}, {}, true});
    const auto points = test_points(out.str());
    BOOST_REQUIRE_EQUAL(points.size(), 3u);
    BOOST_TEST(points[0] == "not ok 1 - net.a.port_open");
    BOOST_TEST(points[1] == "ok 2 - net.b.port_open");
    BOOST_TEST(points[2] == "not ok 3 - net.c.port_open");
    BOOST_TEST(out.str().find("  message: \"interrupted\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(descriptions_never_contain_a_hash)
{
    RunDescription plan;
    test::add_target(plan, "ops#2", "db#1", {"port_open", "login"});
    const RunInfo info{"host", "", {}};
    std::ostringstream out;
    auto tap = make_tap_reporter(out);
    tap->run_started(plan, info);
    tap->case_finished(0, skipped("blocked by db#1.resolves"));
    tap->case_finished(1, failed("pg.auth", "bad # password", "fix #it"));

    const auto points = test_points(out.str());
    BOOST_REQUIRE_EQUAL(points.size(), 2u);
    // The only '#' on a point line is the SKIP directive's.
    BOOST_TEST(points[0] == "ok 1 - ops_2.db_1.port_open # SKIP blocked by db#1.resolves");
    BOOST_TEST(points[1] == "not ok 2 - ops_2.db_1.login");
}

BOOST_AUTO_TEST_CASE(skip_directive_only_on_ok_lines_and_yaml_only_after_not_ok)
{
    const auto run = test::sample_run();
    std::ostringstream out;
    auto tap = make_tap_reporter(out);
    test::replay(run, *tap);

    const auto lines = lines_of(out.str());
    std::size_t points = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& line = lines[i];
        if (line.rfind("not ok ", 0) == 0) {
            ++points;
            BOOST_TEST(line.find('#') == std::string::npos);
            BOOST_REQUIRE(i + 1 < lines.size());
            BOOST_TEST(lines[i + 1] == "  ---");
        } else if (line.rfind("ok ", 0) == 0) {
            ++points;
            if (i + 1 < lines.size()) BOOST_TEST(lines[i + 1] != "  ---");
        } else if (i >= 2) {
            // Inside a YAML block: indented, no raw control characters.
            BOOST_TEST(line.rfind("  ", 0) == 0);
            bool raw_control = false;
            for (char c : line)
                raw_control = raw_control || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
            BOOST_TEST(!raw_control, "raw control character in: " << line);
        }
    }
    BOOST_TEST(points == run.description.cases.size());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
