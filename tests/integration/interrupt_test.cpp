// SIGINT and SIGTERM end a run promptly with exit 130, and the reports are still written with
// every unfinished case as an "interrupted" error.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include <pugixml.hpp>

#include "tests/integration/tcp_lab.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec::lab;

namespace {

void interrupt_run(int signal_number)
{
    FilteredPort filtered;
    TempDir dir;
    std::string targets;
    for (int i = 0; i < 4; ++i)
        targets += "[[target]]\nname = \"f" + std::to_string(i) + "\"\nhost = \"127.0.0.1\"\nport = " +
                   std::to_string(filtered.port()) + "\nprotocol = \"tcp\"\nport_open = true\n";
    auto suite = dir.write("suite.toml", "[suite]\nname = \"long\"\ntimeout = \"30s\"\n" + targets);
    auto junit = dir.path() + "/junit.xml";
    auto json = dir.path() + "/results.json";
    auto console = dir.path() + "/console.txt";

    Process::Options options;
    options.output_file = console;
    options.new_process_group = false;
    // --jobs 2: two cases run and hang on the filtered port, two wait their turn.
    Process run({connspec_path(), "run", suite, "--jobs", "2", "--junit", junit, "--json", json},
                options);
    // Ready to interrupt once both running cases wait on their connects.
    BOOST_REQUIRE(wait_until([&] { return syn_sent_to(filtered.port()) >= 2; }, milliseconds{5000}));
    BOOST_REQUIRE(run.running());
    auto sent = std::chrono::steady_clock::now();
    ::kill(run.pid(), signal_number);
    BOOST_REQUIRE(wait_until([&] { return !run.running(); }, milliseconds{5000}));
    auto took = std::chrono::steady_clock::now() - sent;
    BOOST_TEST(run.stop() == 130);
    BOOST_TEST(std::chrono::duration<double>(took).count() < 2.0);

    pugi::xml_document doc;
    BOOST_REQUIRE(doc.load_file(junit.c_str()));
    int errors = 0;
    for (auto s : doc.child("testsuites").children("testsuite"))
        for (auto tc : s.children("testcase")) {
            auto error = tc.child("error");
            BOOST_TEST(error, "case " << s.attribute("name").value() << " is not an error");
            if (!error) continue;
            ++errors;
            BOOST_TEST(std::string(error.attribute("type").value()) == "internal");
            BOOST_TEST(std::string(error.attribute("message").value()) == "interrupted");
        }
    BOOST_TEST(errors == 4);
    BOOST_TEST(std::filesystem::exists(json));
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigint_ends_the_run_with_reports_and_exit_130)
{
    interrupt_run(SIGINT);
}

BOOST_AUTO_TEST_CASE(sigterm_does_the_same)
{
    interrupt_run(SIGTERM);
}
