// A run spread over agents end to end: one suite run as --shard 1/3, 2/3, 3/3 with --vantage,
// the JUnit files merged by `connspec merge`; every target exactly once, right totals, a valid
// report, and merge's exit code gating on failures.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "tests/integration/tcp_lab.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

constexpr int shard_count = 3;
const std::vector<std::string> target_names{"orders", "billing", "search", "auth", "reports",
                                            "audit", "cache"};

// Each target has port_open and ports_closed (2 cases). Targets in `failing` point port_open at
// a closed port.
std::string suite(int open_port, int closed_port, const std::set<std::string>& failing)
{
    std::string text = "[suite]\nname = \"fleet\"\ntimeout = \"2s\"\n";
    for (const auto& name : target_names)
        text += fmt::format(R"(
[[target]]
name = "{}"
host = "127.0.0.1"
protocol = "tcp"
port = {}
port_open = true
ports_closed = {{ ports = [{}] }}
)",
                            name, failing.count(name) ? closed_port : open_port, closed_port);
    return text;
}

struct Report {
    std::vector<std::string> suites;  // testsuite names, in order
    std::set<std::string> hostnames;
    int tests = 0, failures = 0, errors = 0, skipped = 0;  // recounted from the test cases
    int root_tests = -1, root_failures = -1, root_errors = -1;  // as <testsuites> states them
};

Report read_report(const std::string& file)
{
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file(file.c_str())), file);
    Report r;
    auto root = doc.child("testsuites");
    r.root_tests = root.attribute("tests").as_int(-1);
    r.root_failures = root.attribute("failures").as_int(-1);
    r.root_errors = root.attribute("errors").as_int(-1);
    for (auto s : root.children("testsuite")) {
        r.suites.push_back(s.attribute("name").value());
        r.hostnames.insert(s.attribute("hostname").value());
        int tests = 0;
        for (auto tc : s.children("testcase")) {
            ++tests;
            if (tc.child("failure")) ++r.failures;
            if (tc.child("error")) ++r.errors;
            if (tc.child("skipped")) ++r.skipped;
        }
        BOOST_TEST(s.attribute("tests").as_int(-1) == tests, "tests of " << r.suites.back());
        r.tests += tests;
    }
    return r;
}

bool valid_junit(const std::string& file)
{
    auto schema = lab::source_root() + "/tests/reports/jenkins-junit.xsd";
    auto result = lab::run({"xmllint", "--noout", "--schema", schema, file});
    BOOST_TEST_MESSAGE(result.err);
    return result.exit_code == 0;
}

struct ShardedRun {
    std::vector<std::string> files;  // one JUnit file per shard
    std::vector<int> exit_codes;
};

// Runs every shard of `suite_file` as a separate agent would, each with its own JUnit file.
ShardedRun run_shards(const lab::TempDir& dir, const std::string& suite_file, const std::string& vantage,
                      const std::string& prefix)
{
    ShardedRun run;
    for (int k = 1; k <= shard_count; ++k) {
        std::string junit = fmt::format("{}/{}-shard-{}.xml", dir.path(), prefix, k);
        auto result = lab::run_connspec({"run", suite_file, "--shard", fmt::format("{}/{}", k, shard_count),
                                         "--vantage", vantage, "--junit", junit});
        BOOST_TEST_INFO("shard " << k << ": " << result.out << result.err);
        BOOST_TEST((result.exit_code == 0 || result.exit_code == 1));
        run.files.push_back(junit);
        run.exit_codes.push_back(result.exit_code);
    }
    return run;
}

std::vector<std::string> merge_args(const std::string& output, const std::vector<std::string>& inputs)
{
    std::vector<std::string> args{"merge", "-o", output};
    args.insert(args.end(), inputs.begin(), inputs.end());
    return args;
}

}  // namespace

BOOST_AUTO_TEST_CASE(three_shards_cover_every_target_once_and_merge_to_a_valid_report)
{
    lab::TcpListener listener;
    int closed = lab::free_port();
    lab::TempDir dir;
    auto suite_file = dir.write("fleet.toml", suite(listener.port(), closed, {"auth"}));
    auto run = run_shards(dir, suite_file, "agent-pool", "red");

    std::map<std::string, int> seen;  // target -> shards it ran in
    int shard_tests = 0;
    for (std::size_t i = 0; i < run.files.size(); ++i) {
        auto shard = read_report(run.files[i]);
        for (const auto& name : shard.suites) ++seen[name];
        shard_tests += shard.tests;
        // A shard fails exactly when it holds the failing target.
        bool has_auth = std::find(shard.suites.begin(), shard.suites.end(), "auth") != shard.suites.end();
        BOOST_TEST(run.exit_codes[i] == (has_auth ? 1 : 0), "shard " << i + 1);
        BOOST_TEST((shard.hostnames == std::set<std::string>{"agent-pool"} || shard.suites.empty()));
    }
    for (const auto& name : target_names) BOOST_TEST(seen[name] == 1, name);
    BOOST_TEST(seen.size() == target_names.size());
    BOOST_TEST(shard_tests == 2 * static_cast<int>(target_names.size()));

    // Sharding is deterministic: shard 2 again runs the same targets.
    std::string again = dir.path() + "/again.xml";
    auto rerun = lab::run_connspec({"run", suite_file, "--shard", "2/3", "--vantage", "agent-pool", "--junit", again});
    BOOST_TEST((rerun.exit_code == 0 || rerun.exit_code == 1));
    BOOST_TEST(read_report(again).suites == read_report(run.files[1]).suites, boost::test_tools::per_element());

    std::string merged_file = dir.path() + "/merged.xml";
    auto merged = lab::run_connspec(merge_args(merged_file, run.files));
    BOOST_TEST(merged.exit_code == 1, merged.out + merged.err);  // auth.port_open failed
    auto merged_report = read_report(merged_file);
    std::multiset<std::string> merged_names(merged_report.suites.begin(), merged_report.suites.end());
    for (const auto& name : target_names) BOOST_TEST(merged_names.count(name) == 1u, name);
    BOOST_TEST(merged_report.suites.size() == target_names.size());
    BOOST_TEST(merged_report.tests == 14);
    BOOST_TEST(merged_report.failures == 1);
    BOOST_TEST(merged_report.errors == 0);
    BOOST_TEST(merged_report.skipped == 0);
    BOOST_TEST(merged_report.root_tests == 14);
    BOOST_TEST(merged_report.root_failures == 1);
    BOOST_TEST(merged_report.root_errors == 0);
    BOOST_TEST((merged_report.hostnames == std::set<std::string>{"agent-pool"}));
    BOOST_TEST(valid_junit(merged_file));
}

BOOST_AUTO_TEST_CASE(merge_of_passing_shards_exits_0)
{
    lab::TcpListener listener;
    int closed = lab::free_port();
    lab::TempDir dir;
    auto suite_file = dir.write("fleet.toml", suite(listener.port(), closed, {}));
    auto run = run_shards(dir, suite_file, "agent-pool", "green");
    for (std::size_t i = 0; i < run.exit_codes.size(); ++i) BOOST_TEST(run.exit_codes[i] == 0, "shard " << i + 1);

    std::string merged_file = dir.path() + "/merged.xml";
    auto merged = lab::run_connspec(merge_args(merged_file, run.files));
    BOOST_TEST(merged.exit_code == 0, merged.out + merged.err);
    auto report = read_report(merged_file);
    BOOST_TEST(report.suites.size() == target_names.size());
    BOOST_TEST(report.tests == 14);
    BOOST_TEST(report.failures + report.errors == 0);
    BOOST_TEST(valid_junit(merged_file));
}

BOOST_AUTO_TEST_CASE(shards_from_two_vantage_points_merge_with_the_places_kept_apart)
{
    lab::TcpListener listener;
    int closed = lab::free_port();
    lab::TempDir dir;
    auto suite_file = dir.write("fleet.toml", suite(listener.port(), closed, {}));
    auto eu = run_shards(dir, suite_file, "eu-west", "eu");
    auto us = run_shards(dir, suite_file, "us-east", "us");
    std::vector<std::string> inputs = eu.files;
    inputs.insert(inputs.end(), us.files.begin(), us.files.end());

    std::string merged_file = dir.path() + "/merged.xml";
    auto merged = lab::run_connspec(merge_args(merged_file, inputs));
    BOOST_TEST(merged.exit_code == 0, merged.out + merged.err);
    auto report = read_report(merged_file);
    std::multiset<std::string> names(report.suites.begin(), report.suites.end());
    for (const auto& name : target_names)
        for (const char* place : {"eu-west", "us-east"})
            BOOST_TEST(names.count(name + "@" + place) == 1u, name << "@" << place);
    BOOST_TEST(report.tests == 28);
    BOOST_TEST((report.hostnames == std::set<std::string>{"eu-west", "us-east"}));
    BOOST_TEST(valid_junit(merged_file));
}
