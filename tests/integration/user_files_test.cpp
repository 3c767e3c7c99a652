// Nothing a user wrote is ever overwritten, and what a user typed gets a straight answer:
// a report path that is a suite file or the other report is a usage error; a report that
// cannot be written ends the run with exit 1, naming it, with the other reports written; an
// empty suite says it has no targets; `-` reads the suite from standard input; a target with
// nothing but ports_closed needs no port.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "tests/lab/lab.hpp"

using namespace connspec::lab;
namespace fs = std::filesystem;

namespace {

std::string closed_ports_suite(int port)
{
    return "[suite]\nname = \"s\"\ntimeout = \"5s\"\n[[target]]\nname = \"edge\"\nhost = \"127.0.0.1\"\n"
           "protocol = \"tcp\"\nports_closed = { ports = [" + std::to_string(port) + "] }\n";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_report_on_a_suite_file_is_a_usage_error_and_the_suite_is_kept)
{
    TempDir dir;
    const auto text = closed_ports_suite(free_port());
    auto suite = dir.write("a.toml", text);
    for (const char* option : {"--junit", "--json"}) {
        auto r = run_connspec({"run", suite, option, suite});
        BOOST_TEST(r.exit_code == 2, option << ": " << r.out << r.err);
        BOOST_TEST(contains(r.err, "a report never overwrites a suite"), r.err);
        BOOST_TEST(read_file(suite) == text);
    }
    // The same file by another name (./, a symbolic link) is still the suite.
    fs::create_symlink(suite, dir.path() + "/link.toml");
    auto r = run_connspec({"run", suite, "--junit", dir.path() + "/./link.toml"});
    BOOST_TEST(r.exit_code == 2, r.err);
    BOOST_TEST(read_file(suite) == text);
    auto b = run_connspec({"bundle", suite, "-o", suite});
    BOOST_TEST(b.exit_code == 2, b.err);
    BOOST_TEST(read_file(suite) == text);
}

BOOST_AUTO_TEST_CASE(junit_and_json_on_the_same_file_is_a_usage_error)
{
    TempDir dir;
    auto suite = dir.write("a.toml", closed_ports_suite(free_port()));
    auto report = dir.path() + "/out.xml";
    auto r = run_connspec({"run", suite, "--junit", report, "--json", dir.path() + "/../" +
                                                                        fs::path(dir.path()).filename().string() + "/out.xml"});
    BOOST_TEST(r.exit_code == 2, r.out << r.err);
    BOOST_TEST(contains(r.err, "--junit writes the same file"), r.err);
    BOOST_TEST(!fs::exists(report));
}

BOOST_AUTO_TEST_CASE(a_console_report_that_cannot_be_written_fails_the_run_and_the_junit_is_written)
{
    TempDir dir;
    auto suite = dir.write("a.toml", closed_ports_suite(free_port()));
    auto junit = dir.path() + "/junit.xml";
    auto json = dir.path() + "/results.json";
    // Standard output on a full disk.
    auto r = run({"sh", "-c", "exec \"$0\" run \"$1\" --junit \"$2\" --json \"$3\" > /dev/full",
                  connspec_path(), suite, junit, json});
    BOOST_TEST(r.exit_code == 1, r.err);
    BOOST_TEST(contains(r.err, "cannot write the console report"), r.err);
    BOOST_TEST(contains(read_file(junit), "<testcase"));
    BOOST_TEST(contains(read_file(json), "\"ports_closed\""));
}

BOOST_AUTO_TEST_CASE(an_empty_suite_says_it_has_no_targets)
{
    TempDir dir;
    auto suite = dir.write("empty.toml", "[suite]\nname = \"empty\"\n");
    auto r = run_connspec({"run", suite});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(contains(r.err, "the suite declares no target"), r.err);
    BOOST_TEST(!contains(r.err, "--target"), r.err);
}

BOOST_AUTO_TEST_CASE(a_dash_reads_the_suite_from_standard_input)
{
    TempDir dir;
    auto suite = dir.write("a.toml", closed_ports_suite(free_port()));
    auto junit = dir.path() + "/junit.xml";
    auto r = run({"sh", "-c", "exec \"$0\" run - --junit \"$2\" < \"$1\"", connspec_path(), suite, junit});
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
    BOOST_TEST(contains(r.out, "edge"), r.out);
    BOOST_TEST(contains(read_file(junit), "ports_closed"));
    // A mistake in it is located in <stdin>.
    auto bad = dir.write("bad.toml", "[suite]\nname = \"s\"\n[[target]]\nname = \"x\"\nhost = \"h\"\nprotocol = \"tcp\"\nport_open = true\n");
    auto v = run({"sh", "-c", "exec \"$0\" validate - < \"$1\"", connspec_path(), bad});
    BOOST_TEST(v.exit_code == 2);
    BOOST_TEST(contains(v.err, "<stdin>:"), v.err);
}

BOOST_AUTO_TEST_CASE(a_target_with_only_ports_closed_needs_no_port)
{
    TempDir dir;
    auto run = run_suite(dir, closed_ports_suite(free_port()));
    BOOST_TEST(run.command.exit_code == 0, run.command.out << run.command.err);
    BOOST_TEST(run.at("edge.ports_closed").status == "passed");
    // Any case that connects to the target's port still needs one.
    auto missing = run_connspec({"validate", dir.write("b.toml",
        "[[target]]\nname = \"x\"\nhost = \"127.0.0.1\"\nprotocol = \"tcp\"\nport_open = true\n"
        "ports_closed = { ports = [1] }\n")});
    BOOST_TEST(missing.exit_code == 2);
    BOOST_TEST(contains(missing.err, "missing required key `port`"), missing.err);
}
