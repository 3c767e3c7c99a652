// Live progress as text: the status line is drawn, erased before each console line and
// before the summary, and names the case that has waited longest. (Drawing on a real
// terminal and absence on a pipe: tests/integration/progress_tty_test.cpp.)
#include <sstream>
#include <thread>

#include <boost/test/unit_test.hpp>

#include "reports/reports.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

BOOST_AUTO_TEST_CASE(the_status_line_is_erased_before_each_case_line_and_the_summary)
{
    std::ostringstream out;
    auto reporter = make_progress_reporter(make_console_reporter(out, false), out, 60);
    auto run = test::sample_run();
    reporter->run_started(run.description, run.info);
    BOOST_TEST(out.str() == "\r\x1b[K[ 0/7 ] 0 failed");
    reporter->case_started(0);
    reporter->case_started(1);
    reporter->case_finished(1, run.outcomes[1]);
    // Erased, then the console line; the redraw waits for its 100 ms.
    BOOST_TEST(out.str().find("[ 0/7 ] 0 failed\r\x1b[KPASS  primary \u203a port_open") != std::string::npos, out.str());
    for (std::size_t i : {0, 2, 3, 4, 5, 6}) reporter->case_finished(i, run.outcomes[i]);
    reporter->run_finished(run.result());
    const std::string text = out.str();
    // The summary comes on a clean line, with nothing of the status line left after it.
    const auto summary = text.find("3 passed, ");
    BOOST_REQUIRE(summary != std::string::npos);
    BOOST_TEST((text[summary - 1] == '\n' || text.compare(summary - 4, 4, "\r\x1b[K") == 0), text);
    BOOST_TEST(text.find("[ ", summary) == std::string::npos);
    BOOST_TEST(text.find("\x1b[K", summary) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_line_names_the_case_that_has_waited_longest_and_fits_the_width)
{
    std::ostringstream out;
    auto reporter = make_progress_reporter(make_console_reporter(out, false), out, 200);
    auto run = test::sample_run();
    reporter->run_started(run.description, run.info);
    reporter->case_started(4);  // primary › login starts first
    reporter->case_started(5);
    // Let the 100 ms between two drawings pass (the reporter's own rate limit, not a server).
    std::this_thread::sleep_for(std::chrono::milliseconds{120});
    reporter->tick();
    const std::string text = out.str();
    BOOST_TEST(text.find("[ 0/7 ] 0 failed · 2 running · waiting longest: primary › login ") !=
                   std::string::npos,
               text);

    std::ostringstream narrow;
    auto small = make_progress_reporter(make_console_reporter(narrow, false), narrow, 20);
    small->run_started(run.description, run.info);
    // "\r\x1b[K" plus at most 19 columns.
    BOOST_TEST(narrow.str().size() <= 4u + 19u);
}

}  // namespace
}  // namespace connspec
