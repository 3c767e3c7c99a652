// connspec's JUnit as CI systems read it: Debian's python3-junitparser (the library behind
// several CI report plugins) must see the counts, names, classnames, failure types and skip
// reasons of the run, the same as connspec's JSON report of that run.
#include <boost/test/unit_test.hpp>

#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tests/integration/tcp_lab.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

// The script runs on Debian's python, where python3-junitparser is installed.
const std::string debian_python = "/usr/bin/python3";

using Row = std::vector<std::string>;  // one tab-separated line of pipeline_junit_read.py

std::vector<Row> read_as_ci(const std::string& junit, const std::string& json)
{
    auto script = lab::source_root() + "/tests/integration/pipeline_junit_read.py";
    auto result = lab::run({debian_python, script, junit, json}, 60s);
    BOOST_TEST_REQUIRE(result.exit_code == 0, result.err);
    std::vector<Row> rows;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
        Row row;
        std::istringstream fields(line);
        for (std::string field; std::getline(fields, field, '\t');) row.push_back(field);
        rows.push_back(row);
    }
    return rows;
}

std::vector<Row> rows_of(const std::vector<Row>& rows, const std::string& kind)
{
    std::vector<Row> found;
    for (const auto& row : rows)
        if (!row.empty() && row[0] == kind) found.emplace_back(row.begin() + 1, row.end());
    return found;
}

std::string joined(const Row& row)
{
    return fmt::format("{}", fmt::join(row, " | "));
}

// Target `up`: resolves and port_open pass. `down`: port_open is refused, login is skipped.
// `exposed`: ports_closed finds its port open.
std::string mixed_suite(int open_port, int closed_port)
{
    return fmt::format(R"(
[suite]
name = "ci"
timeout = "2s"

[[target]]
name = "up"
host = "localhost"
protocol = "tcp"
port = {0}
resolves = true
port_open = true

[[target]]
name = "down"
host = "127.0.0.1"
port = {1}
port_open = true
login = {{ user = "app", database = "app" }}

[[target]]
name = "exposed"
host = "127.0.0.1"
protocol = "tcp"
port = {0}
ports_closed = {{ ports = [{0}] }}
)",
                       open_port, closed_port);
}

}  // namespace

BOOST_AUTO_TEST_CASE(junitparser_reads_counts_names_classnames_and_failure_types_of_the_run)
{
    lab::TcpListener listener;
    int closed = lab::free_port();
    lab::TempDir dir;
    std::string json = dir.path() + "/report.json";
    auto run = lab::run_suite(dir, mixed_suite(listener.port(), closed),
                              {"--json", json, "--vantage", "ci-runner-7"});
    BOOST_TEST_REQUIRE(run.command.exit_code == 1, run.command.out + run.command.err);

    auto rows = read_as_ci(dir.path() + "/junit.xml", json);

    // Totals as a CI system shows them: 5 tests, 2 failures, 0 errors, 1 skipped.
    auto total = rows_of(rows, "total");
    BOOST_TEST_REQUIRE(total.size() == 1u);
    BOOST_TEST(joined(total[0]) == "5 | 2 | 0 | 1");

    // One testsuite per target, in file order, with its counts; the vantage is the hostname.
    std::vector<std::string> suites;
    for (const auto& row : rows_of(rows, "suite")) suites.push_back(joined(row));
    std::vector<std::string> expected_suites{"up | 2 | 0 | 0 | 0 | ci-runner-7",
                                             "down | 2 | 1 | 0 | 1 | ci-runner-7",
                                             "exposed | 1 | 1 | 0 | 0 | ci-runner-7"};
    BOOST_TEST(suites == expected_suites, boost::test_tools::per_element());

    // Each case: classname SUITE.TARGET, name = case, status, failure type (the category).
    std::vector<std::string> cases;
    for (const auto& row : rows_of(rows, "case")) cases.push_back(joined(Row(row.begin(), row.begin() + 4)));
    std::vector<std::string> expected_cases{
        "ci.up | resolves | passed | -",
        "ci.up | port_open | passed | -",
        "ci.down | port_open | failed | tcp.refused",
        "ci.down | login | skipped | -",
        "ci.exposed | ports_closed | failed | tcp.open",
    };
    BOOST_TEST(cases == expected_cases, boost::test_tools::per_element());

    for (const auto& row : rows_of(rows, "case")) {
        BOOST_TEST_REQUIRE(row.size() == 5u);
        if (row[1] == "login") BOOST_TEST(row[4] == "blocked by down.port_open");
        // The message names what was observed: the refused port, the port found open.
        int observed_port = row[1] == "port_open" ? closed : listener.port();
        if (row[2] == "failed")
            BOOST_TEST(row[4].find(fmt::format("127.0.0.1:{}", observed_port)) != std::string::npos, row[4]);
    }

    // The JUnit file says what the run said (its JSON report), case for case, message included.
    auto from_junit = rows_of(rows, "case");
    auto from_run = rows_of(rows, "run");
    std::vector<std::string> junit_text, run_text;
    for (const auto& row : from_junit) junit_text.push_back(joined(row));
    for (const auto& row : from_run) run_text.push_back(joined(row));
    BOOST_TEST(junit_text == run_text, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(junitparser_reads_an_all_passing_run_as_no_failures)
{
    lab::TcpListener listener;
    lab::TempDir dir;
    std::string json = dir.path() + "/report.json";
    auto run = lab::run_suite(dir, fmt::format(R"(
[suite]
name = "green"
[[target]]
name = "a"
host = "127.0.0.1"
protocol = "tcp"
port = {}
port_open = true
)",
                                               listener.port()),
                              {"--json", json});
    BOOST_TEST_REQUIRE(run.command.exit_code == 0, run.command.out + run.command.err);
    auto rows = read_as_ci(dir.path() + "/junit.xml", json);
    auto total = rows_of(rows, "total");
    BOOST_TEST_REQUIRE(total.size() == 1u);
    BOOST_TEST(joined(total[0]) == "1 | 0 | 0 | 0");
    auto cases = rows_of(rows, "case");
    BOOST_TEST_REQUIRE(cases.size() == 1u);
    BOOST_TEST(joined(cases[0]) == "green.a | port_open | passed | - | -");
}
