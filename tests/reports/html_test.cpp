// The HTML report and watch's status page as text: the golden file (times masked), what each
// target's row says, inert markup from servers, and the size of a 10,000-target page. The
// same pages are opened in a real browser by tests/integration/html_browser_test.cpp.
#include <regex>

#include <boost/test/unit_test.hpp>

#include "reports/html_text.hpp"
#include "reports/reports.hpp"
#include "reports/status_page.hpp"
#include "reports/svg_charts.hpp"
#include "tests/lab/lab.hpp"
#include "tests/reports/sample_run.hpp"

namespace connspec {
namespace {

std::size_t count_of(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
    return n;
}

// Seconds ("0.120 s") and timestamps masked: the golden file checks the page, not the clock.
std::string masked(const std::string& html)
{
    static const std::regex seconds(R"(\d+\.\d{3} s\b)");
    static const std::regex stamps(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
    return std::regex_replace(std::regex_replace(html, seconds, "#.### s"), stamps, "YYYY-MM-DDTHH:MM:SSZ");
}

// The sample run plus a target whose certificate expires soon and whose sessions passed.
test::SampleRun html_run()
{
    auto run = test::sample_run();
    test::add_target(run.description, "warehouse", "pool", {"port_open", "certificate", "login", "sessions"});
    Outcome port_open = passed();
    port_open.property("latency", "0.300 ms");
    Outcome certificate = failed("cert.expiring", "certificate CN=pool expires in 12 days (minimum 30)",
                                 "renew the server certificate");
    certificate.property("days_left", "12").property("not_after", "2024-05-13T00:00:00Z");
    Outcome login = passed();
    Outcome sessions = passed();
    sessions.property("opened", "10").property("connect_p50", "2.000 ms").property("connect_p95", "9.000 ms");
    sessions.property("connect_times_ms", "1.000 1.500 2.000 2.000 2.000 2.500 3.000 4.000 8.000 9.000");
    for (Outcome* o : {&port_open, &certificate, &login, &sessions}) {
        o->duration = std::chrono::duration<double>{0.25};
        run.outcomes.push_back(*o);
        run.completion_order.push_back(run.outcomes.size() - 1);
    }
    return run;
}

BOOST_AUTO_TEST_SUITE(html_report)

BOOST_AUTO_TEST_CASE(html_matches_golden_with_times_masked)
{
    lab::TempDir dir;
    const auto path = dir.path() + "/report.html";
    auto reporter = make_html_reporter(path);
    test::replay(html_run(), *reporter);
    const auto actual = masked(lab::read_file(path));
    BOOST_TEST(actual == test::golden("report.html", actual));
}

BOOST_AUTO_TEST_CASE(each_target_shows_its_chain_and_first_failure_with_hint)
{
    const auto html = render_html_report(html_run().result());
    BOOST_TEST(count_of(html, "<article class=\"target ") == 3u);
    // Status words as well as colours.
    BOOST_TEST(html.find("<span class=\"word\">FAIL</span> <span class=\"case\">tls</span>") != std::string::npos);
    BOOST_TEST(html.find("<span class=\"word\">BLOCKED</span> <span class=\"case\">certificate</span>") != std::string::npos);
    BOOST_TEST(html.find("<span class=\"word\">ERROR</span> <span class=\"case\">login</span>") != std::string::npos);
    BOOST_TEST(html.find("disable TLS 1.0 and 1.1 on the server") != std::string::npos);
    BOOST_TEST(html.find("<span class=\"category\">tcp.refused</span>") != std::string::npos);
    BOOST_TEST(html.find("renew the server certificate") != std::string::npos);
    // The histogram with p50 and p95 marked, the certificate on the time line.
    BOOST_TEST(html.find("<line class=\"p50\"") != std::string::npos);
    BOOST_TEST(html.find("<line class=\"p95\"") != std::string::npos);
    BOOST_TEST(html.find("warehouse \u203a pool: 12 days left") != std::string::npos);
    // Self-contained: no scripts, nothing to fetch.
    BOOST_TEST(html.find("<script") == std::string::npos);
    BOOST_TEST(html.find("src=") == std::string::npos);
    BOOST_TEST(html.find("href=") == std::string::npos);
    BOOST_TEST(html.find("@import") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(markup_from_a_server_stays_text)
{
    const auto html = render_html_report(html_run().result());
    BOOST_TEST(html.find("<b>\"q\"") == std::string::npos);
    BOOST_TEST(html.find("&lt;b&gt;&quot;q&quot; &amp; &#39;a&#39;&lt;/b&gt;") != std::string::npos);
    BOOST_TEST(html.find('\x1b') == std::string::npos);
    BOOST_TEST(html.find('\x07') == std::string::npos);
    BOOST_TEST(html_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
}

BOOST_AUTO_TEST_CASE(ten_thousand_targets_stay_a_small_page)
{
    test::SampleRun run;
    for (int i = 0; i < 10000; ++i) {
        test::add_target(run.description, "fleet", "db-" + std::to_string(i),
                         {"resolves", "port_open", "tls", "certificate", "login"});
        for (int c = 0; c < 5; ++c) {
            Outcome o = passed();
            if (c == 3) o.property("days_left", std::to_string(40 + i % 300));
            if (i % 1000 == 7 && c == 4) o = failed("pg.auth", "password authentication failed", "check the password");
            o.duration = std::chrono::duration<double>{0.01};
            run.outcomes.push_back(o);
        }
    }
    const auto html = render_html_report(run.result());
    BOOST_TEST(html.size() < 3u * 1024 * 1024, html.size());
    BOOST_TEST(count_of(html, "<article class=\"target bad\"") == 10u);
    BOOST_TEST(html.find("9,990 targets passed") != std::string::npos);
    BOOST_TEST(html.find("fleet.db-9999") != std::string::npos);  // every name is still there
}

BOOST_AUTO_TEST_CASE(histogram_marks_nearest_rank_percentiles)
{
    const auto ms = parse_times_ms("3 1 2 x 4 -1");
    BOOST_TEST(ms.size() == 4u);
    BOOST_TEST(percentile_of(ms, 0.5) == 2.0);
    BOOST_TEST(percentile_of(ms, 0.95) == 4.0);
    const auto svg = latency_histogram_svg(ms, "t");
    BOOST_TEST(svg.find("p50 2.00 ms") != std::string::npos, svg);
    BOOST_TEST(svg.find("p95 4.00 ms") != std::string::npos, svg);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(status_page)

// What watch keeps after `runs` runs of `run`, each case's last 60, the replica's port_open
// failing every other run.
StatusPageData status_data(test::SampleRun run, int runs)
{
    StatusPageData data;
    data.run = run.description;
    data.history.resize(run.description.cases.size());
    for (int i = 0; i < runs; ++i) {
        run.info.started += std::chrono::seconds{30};
        run.outcomes[5] = i % 2 ? passed() : failed("tcp.refused", "refused", "start it");
        if (i < runs - 60) continue;
        for (std::size_t c = 0; c < data.history.size(); ++c) {
            const Outcome& o = run.outcomes[c];
            data.history[c].push_back({run.info.started, o.status, o.duration.count(), o.category});
        }
    }
    data.info = run.info;
    data.outcomes = run.outcomes;
    data.runs = static_cast<std::size_t>(runs);
    data.refresh_seconds = 10;
    return data;
}

BOOST_AUTO_TEST_CASE(before_the_first_run_the_page_says_so_and_refreshes)
{
    StatusPageData waiting;
    waiting.refresh_seconds = 7;
    const auto page = render_status_page(waiting);
    BOOST_TEST(page.find("<meta http-equiv=\"refresh\" content=\"7\">") != std::string::npos);
    BOOST_TEST(page.find("No run has finished yet") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(each_case_shows_its_last_runs_and_the_latest_chain)
{
    const auto page = render_status_page(status_data(html_run(), 65));
    BOOST_TEST(page.find("<meta http-equiv=\"refresh\" content=\"10\">") != std::string::npos);
    BOOST_TEST(page.find("65 runs recorded") != std::string::npos);
    // 11 cases (primary 5, replica 2, pool 4), 60 cells each.
    BOOST_TEST(count_of(page, "<span class=\"strip\" data-runs=\"60\">") == 11u);
    BOOST_TEST(count_of(page, "<span class=\"cell ") == 11u * 60);
    BOOST_TEST(page.find("<span class=\"cell failed\" title=\"2024-05-01T12:") != std::string::npos);
    BOOST_TEST(page.find("PASS 0.031 s") != std::string::npos);
    BOOST_TEST(page.find("<span class=\"word\">FAIL</span> <span class=\"case\">tls</span>") != std::string::npos);
    BOOST_TEST(page.find("<script") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace connspec
