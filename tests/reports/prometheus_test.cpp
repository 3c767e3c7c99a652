// watch's /metrics: the contract's names and labels, counters that add up across runs,
// numbers from properties, no message text, and a document promtool accepts.
#include <boost/test/unit_test.hpp>

#include "reports/prometheus.hpp"
#include "tests/lab/lab.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

test::SampleRun run_with_observations()
{
    test::SampleRun run = test::sample_run();
    // primary.certificate passes with an expiry, replica.login carries session figures.
    run.outcomes[3] = passed();
    run.outcomes[3].property("not_after", "2030-01-02T03:04:05Z");
    run.outcomes[3].property("earliest_expiry", "2029-06-01T00:00:00Z (CN=Intermediate)");
    run.outcomes[6].property("connect_p95", "12.500 ms");
    run.outcomes[6].property("max_connections", "100");
    run.outcomes[6].property("connections_in_use", "7");
    return run;
}

BOOST_AUTO_TEST_SUITE(prometheus)

BOOST_AUTO_TEST_CASE(gauges_follow_the_latest_run)
{
    auto run = run_with_observations();
    auto result = run.result();
    WatchTotals totals;
    totals.add(result);
    std::string text = prometheus_exposition(run.description, &result, totals);

    const std::string primary = "suite=\"warehouse\",target=\"primary\"";
    BOOST_TEST(contains(text, "# TYPE connspec_case_up gauge\n"));
    BOOST_TEST(contains(text, "connspec_case_up{" + primary + ",case=\"port_open\"} 1\n"));
    BOOST_TEST(contains(text, "connspec_case_up{" + primary + ",case=\"tls\"} 0\n"));
    BOOST_TEST(contains(text, "connspec_case_duration_seconds{" + primary + ",case=\"tls\"} 0.120000\n"));
    BOOST_TEST(contains(text, "# TYPE connspec_case_runs_total counter\n"));
    BOOST_TEST(contains(text, "connspec_case_runs_total{" + primary + ",case=\"tls\",status=\"failed\"} 1\n"));
    BOOST_TEST(contains(text, "connspec_case_runs_total{" + primary + ",case=\"tls\",status=\"passed\"} 0\n"));
    BOOST_TEST(contains(text, "connspec_case_failures_total{" + primary + ",case=\"tls\",category=\"tls.version\"} 1\n"));
    // An interrupted case is an error with category internal; a skipped one is no failure.
    BOOST_TEST(contains(text, "connspec_case_failures_total{" + primary + ",case=\"login\",category=\"internal\"} 1\n"));
    BOOST_TEST(!contains(text, "case=\"certificate\",category="));
    BOOST_TEST(contains(text, "connspec_certificate_expiry_timestamp_seconds{" + primary +
                                  ",case=\"certificate\"} 1874966400\n"));
    BOOST_TEST(contains(text, "connspec_sessions_connect_p95_seconds{suite=\"warehouse\",target=\"replica\",case=\"login\"} 0.0125\n"));
    BOOST_TEST(contains(text, "connspec_pg_max_connections{suite=\"warehouse\",target=\"replica\",case=\"login\"} 100\n"));
    BOOST_TEST(contains(text, "connspec_last_run_timestamp_seconds{suite=\"warehouse\"} 1714566897.250\n"));
    BOOST_TEST(contains(text, "connspec_run_duration_seconds{suite=\"warehouse\"} 1.250000\n"));
    BOOST_TEST(contains(text, "connspec_runs_total 1\n"));
    BOOST_TEST(contains(text, "# TYPE connspec_runs_overrun_total counter\nconnspec_runs_overrun_total 0\n"));
}

BOOST_AUTO_TEST_CASE(no_message_hint_or_address_text)
{
    auto run = run_with_observations();
    auto result = run.result();
    WatchTotals totals;
    totals.add(result);
    std::string text = prometheus_exposition(run.description, &result, totals);
    BOOST_TEST(!contains(text, "refused by"));
    BOOST_TEST(!contains(text, "10.0.0.7"));
    BOOST_TEST(!contains(text, "start the service"));
    BOOST_TEST(!contains(text, "Intermediate"));
}

BOOST_AUTO_TEST_CASE(counters_add_up_across_runs)
{
    auto run = run_with_observations();
    auto result = run.result();
    WatchTotals totals;
    totals.add(result);
    totals.add(result);
    totals.add(result);
    totals.overruns = 2;
    std::string text = prometheus_exposition(run.description, &result, totals);
    BOOST_TEST(contains(text, "connspec_case_runs_total{suite=\"warehouse\",target=\"replica\",case=\"port_open\",status=\"failed\"} 3\n"));
    BOOST_TEST(contains(text, "connspec_case_failures_total{suite=\"warehouse\",target=\"replica\",case=\"port_open\",category=\"tcp.refused\"} 3\n"));
    BOOST_TEST(contains(text, "connspec_runs_total 3\n"));
    BOOST_TEST(contains(text, "connspec_runs_overrun_total 2\n"));
}

BOOST_AUTO_TEST_CASE(before_the_first_run_only_zero_counters)
{
    auto run = run_with_observations();
    WatchTotals totals;
    std::string text = prometheus_exposition(run.description, nullptr, totals);
    BOOST_TEST(!contains(text, "connspec_case_up"));
    BOOST_TEST(contains(text, "connspec_case_runs_total{suite=\"warehouse\",target=\"primary\",case=\"tls\",status=\"passed\"} 0\n"));
    BOOST_TEST(contains(text, "connspec_runs_total 0\n"));
}

BOOST_AUTO_TEST_CASE(label_values_are_escaped)
{
    BOOST_TEST(prometheus_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

// promtool (Debian's prometheus package) parses and lints the document.
BOOST_AUTO_TEST_CASE(promtool_accepts_the_document)
{
    auto run = run_with_observations();
    auto result = run.result();
    WatchTotals totals;
    totals.add(result);
    lab::TempDir dir;
    auto file = dir.write("metrics.txt", prometheus_exposition(run.description, &result, totals));
    auto checked = lab::run({"sh", "-c", "promtool check metrics < '" + file + "'"});
    BOOST_TEST(checked.exit_code == 0, checked.out + checked.err);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
