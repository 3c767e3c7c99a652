// examples/meson-pipeline as a user runs it: copied out of the source tree, configured against
// the connspec under test, `meson test` against a lab PostgreSQL. Meson's own JUnit must list
// every connspec case with the same result connspec's JUnit gives it.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "tests/lab/lab.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string password = "Pipeline-Meson-Pw-7731";
const std::string project_name = "platform-connectivity";  // examples/meson-pipeline's project()
const std::vector<std::string> example_suites{"network", "database"};

lab::PgLab& shared_lab()
{
    static lab::PgLab lab([] {
        lab::PgLab::Options o;
        o.password = password;
        return o;
    }());
    return lab;
}

void replace_all(std::string& text, const std::string& from, const std::string& to)
{
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// A copy of the example with its suites pointed at `port` (the user writes their database's port).
struct ExampleCopy {
    lab::TempDir dir;
    std::string project = dir.path() + "/project";
    std::string build = dir.path() + "/build";

    explicit ExampleCopy(int port, int database_port)
    {
        auto copied = lab::run({"cp", "-r", lab::source_root() + "/examples/meson-pipeline", project});
        BOOST_TEST_REQUIRE(copied.exit_code == 0, copied.err);
        set_port("network", port);
        set_port("database", database_port);
    }
    void set_port(const std::string& suite, int port) const
    {
        std::string path = project + "/suites/" + suite + ".toml";
        std::string text = lab::read_file(path);
        BOOST_TEST_REQUIRE(text.find("port = 5432") != std::string::npos, path);
        replace_all(text, "port = 5432", fmt::format("port = {}", port));
        std::ofstream(path, std::ios::trunc) << text;
    }
};

// PATH with the folder of the connspec under test first, so find_program('connspec') finds it.
std::string path_with_connspec()
{
    const char* path = std::getenv("PATH");
    return fs::path(lab::connspec_path()).parent_path().string() + ":" + (path ? path : "/usr/bin:/bin");
}

// What `meson test` inherits: the lab's host and CA, the password only in a password file.
std::map<std::string, std::string> user_environment(const lab::TempDir& dir)
{
    std::string passfile = dir.write("pgpass", "*:*:app:app:" + password + "\n");
    fs::permissions(passfile, fs::perms::owner_read | fs::perms::owner_write);
    return {{"PATH", path_with_connspec()},
            {"PGHOST", shared_lab().host()},
            {"DB_CA", shared_lab().ca()},
            {"PGPASSFILE", passfile}};
}

lab::CommandResult meson_setup(const ExampleCopy& example, const std::map<std::string, std::string>& env,
                               const std::vector<std::string>& options = {})
{
    std::vector<std::string> argv{"meson", "setup", example.build, example.project};
    argv.insert(argv.end(), options.begin(), options.end());
    return lab::run(argv, 120s, env);
}

lab::CommandResult meson_test(const ExampleCopy& example, const std::map<std::string, std::string>& env)
{
    return lab::run({"meson", "test", "-C", example.build}, 240s, env);
}

// A case as a JUnit <testcase> shows it: passed, failed (failure or error), skipped.
std::string status_of(pugi::xml_node testcase)
{
    if (testcase.child("failure") || testcase.child("error")) return "failed";
    if (testcase.child("skipped")) return "skipped";
    return "passed";
}

struct CaseRow {
    std::string name;    // SUITE.TARGET.CASE
    std::string status;  // passed, failed, skipped
    bool operator==(const CaseRow&) const = default;
};

std::ostream& operator<<(std::ostream& out, const CaseRow& row)
{
    return out << row.name << '=' << row.status;
}

// Every case of connspec's JUnit file for one suite, in file order.
std::vector<CaseRow> connspec_cases(const std::string& junit_file)
{
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file(junit_file.c_str())), junit_file);
    std::vector<CaseRow> rows;
    for (auto suite : doc.child("testsuites").children("testsuite"))
        for (auto tc : suite.children("testcase"))
            rows.push_back({std::string(tc.attribute("classname").value()) + "." + tc.attribute("name").value(),
                            status_of(tc)});
    return rows;
}

// Every TAP subtest meson recorded for the test `test_name`, named "N - DESCRIPTION".
std::vector<CaseRow> meson_cases(const std::string& testlog, const std::string& test_name)
{
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file(testlog.c_str())), testlog);
    std::vector<CaseRow> rows;
    for (auto suite : doc.child("testsuites").children("testsuite")) {
        if (std::string(suite.attribute("name").value()) != project_name + "." + test_name) continue;
        int number = 0;
        for (auto tc : suite.children("testcase")) {
            std::string name = tc.attribute("name").value();
            std::string prefix = fmt::format("{} - ", ++number);
            BOOST_TEST(name.starts_with(prefix), name);
            rows.push_back({name.substr(std::min(name.size(), prefix.size())), status_of(tc)});
        }
    }
    return rows;
}

void check_meson_junit_matches_connspec(const ExampleCopy& example)
{
    std::string testlog = example.build + "/meson-logs/testlog.junit.xml";
    for (const auto& suite : example_suites) {
        BOOST_TEST_CONTEXT("suite " << suite)
        {
            auto expected = connspec_cases(example.build + "/" + suite + ".junit.xml");
            auto listed = meson_cases(testlog, suite);
            BOOST_TEST(!expected.empty());
            BOOST_TEST(listed == expected, boost::test_tools::per_element());
        }
    }
}

std::string status_in(const std::vector<CaseRow>& rows, const std::string& name)
{
    for (const auto& row : rows)
        if (row.name == name) return row.status;
    return "missing";
}

void check_no_password_in(const std::string& folder)
{
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        if (!entry.is_regular_file() || entry.file_size() > 10'000'000) continue;
        auto text = lab::read_file(entry.path().string());
        BOOST_TEST(text.find(password) == std::string::npos, "password in " << entry.path());
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(meson_test_passes_for_healthy_suites_and_its_junit_lists_every_case)
{
    auto& lab = shared_lab();
    ExampleCopy example(lab.port(), lab.port());
    auto env = user_environment(example.dir);

    auto setup = meson_setup(example, env);
    BOOST_TEST_REQUIRE(setup.exit_code == 0, setup.out + setup.err);
    // The installed route: the connspec on PATH, which here is the one under test.
    BOOST_TEST(setup.out.find("Program connspec found: YES") != std::string::npos, setup.out);
    BOOST_TEST(setup.out.find(lab::connspec_path()) != std::string::npos, setup.out);

    auto tested = meson_test(example, env);
    BOOST_TEST(tested.exit_code == 0, tested.out + tested.err);
    BOOST_TEST(tested.out.find("3 subtests passed") != std::string::npos, tested.out);
    BOOST_TEST(tested.out.find("5 subtests passed") != std::string::npos, tested.out);

    check_meson_junit_matches_connspec(example);
    auto database = meson_cases(example.build + "/meson-logs/testlog.junit.xml", "database");
    BOOST_TEST(database.size() == 5u);
    for (const char* c : {"port_open", "tls", "certificate", "login", "sessions"})
        BOOST_TEST(status_in(database, std::string("database.primary.") + c) == "passed", c);

    // meson logs the environment it inherited; the password file keeps the secret out of it.
    check_no_password_in(example.build);
}

BOOST_AUTO_TEST_CASE(meson_test_fails_for_a_broken_suite_and_its_junit_shows_failed_and_skipped_cases)
{
    auto& lab = shared_lab();
    int closed = lab::free_port();
    ExampleCopy example(lab.port(), closed);  // database.toml now points at a closed port
    auto env = user_environment(example.dir);

    auto setup = meson_setup(example, env);
    BOOST_TEST_REQUIRE(setup.exit_code == 0, setup.out + setup.err);
    auto tested = meson_test(example, env);
    BOOST_TEST(tested.exit_code == 1, tested.out + tested.err);
    // Why it failed is in meson's text log: connspec's TAP diagnostics under the failed case.
    auto text_log = lab::read_file(example.build + "/meson-logs/testlog.txt");
    BOOST_TEST(text_log.find("not ok 1 - database.primary.port_open") != std::string::npos, text_log);
    BOOST_TEST(text_log.find("category: \"tcp.refused\"") != std::string::npos, text_log);

    check_meson_junit_matches_connspec(example);
    std::string testlog = example.build + "/meson-logs/testlog.junit.xml";
    auto database = meson_cases(testlog, "database");
    BOOST_TEST(status_in(database, "database.primary.port_open") == "failed");
    for (const char* c : {"tls", "certificate", "login", "sessions"})
        BOOST_TEST(status_in(database, std::string("database.primary.") + c) == "skipped", c);
    auto network = meson_cases(testlog, "network");
    BOOST_TEST(network.size() == 3u);
    for (const auto& row : network) BOOST_TEST(row.status == "passed", row.name);

    // connspec's own JUnit for the suite has the category meson's lacks.
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file((example.build + "/database.junit.xml").c_str())));
    auto failure = doc.select_node("//testcase[@name='port_open']/failure").node();
    BOOST_TEST(std::string(failure.attribute("type").value()) == "tcp.refused");
    check_no_password_in(example.build);
}

BOOST_AUTO_TEST_CASE(the_subproject_route_registers_the_subprojects_connspec)
{
    // Configure only: building connspec a second time would cost minutes and prove nothing new.
    ExampleCopy example(5432, 5432);
    fs::create_directory(example.project + "/subprojects");
    fs::create_directory_symlink(lab::source_root(), example.project + "/subprojects/connspec");
    // PATH without the connspec under test: the subproject must be what find_program returns.
    auto setup = meson_setup(example, {}, {"-Dconnspec=subproject"});
    BOOST_TEST_REQUIRE(setup.exit_code == 0, setup.out + setup.err);
    BOOST_TEST(setup.out.find("Program connspec found: YES") != std::string::npos, setup.out);
    BOOST_TEST(setup.out.find("(overridden)") != std::string::npos, setup.out);

    auto tests = lab::run({"meson", "introspect", "--tests", example.build});
    BOOST_TEST_REQUIRE(tests.exit_code == 0, tests.err);
    std::string subproject_binary = example.build + "/subprojects/connspec/connspec";
    for (const auto& suite : example_suites) {
        BOOST_TEST(tests.out.find(fmt::format("\"name\": \"{}\"", suite)) != std::string::npos, tests.out);
    }
    BOOST_TEST(tests.out.find("\"cmd\": [\"" + subproject_binary + "\", \"run\", \"--tap\", \"--junit\"") !=
                   std::string::npos,
               tests.out);
    BOOST_TEST(tests.out.find("\"protocol\": \"tap\"") != std::string::npos, tests.out);
}
