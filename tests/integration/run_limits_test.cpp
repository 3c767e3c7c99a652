// The run's own limits and signals, against real servers: a descriptor shortage on this
// machine is an internal error (never blamed on the server); a failed headroom query does not
// drop a session from the hold; Ctrl-C while `bundle` writes its archive ends it with exit 130
// and no archive.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <filesystem>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "tests/lab/lab.hpp"
#include "tests/lab/pg_lab.hpp"
#include "tests/lab/stall_server.hpp"

using namespace connspec::lab;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace

// Two sessions cases of 600 run together under a hard limit of 1000 open files: each fits
// alone, both together do not. The shortage is this machine's: error `internal`, never
// pg.connect.
BOOST_AUTO_TEST_CASE(a_local_descriptor_shortage_is_an_internal_error_not_the_servers)
{
    StallServer silent({}, /*accept_connections=*/false);
    TempDir dir;
    std::string targets;
    for (const char* name : {"a", "b"})
        targets += fmt::format("[[target]]\nname = \"{}\"\nhost = \"127.0.0.1\"\nport = {}\n"
                               "sessions = {{ count = 600, hold = \"10ms\", user = \"app\", "
                               "database = \"app\", sslmode = \"disable\" }}\n",
                               name, silent.port());
    auto suite = dir.write("s.toml", "[suite]\nname = \"s\"\ntimeout = \"3s\"\n" + targets);
    auto junit = dir.path() + "/junit.xml";
    auto r = run({"sh", "-c", "ulimit -n 1000 && exec \"$0\" run \"$1\" --jobs 2 --junit \"$2\"",
                  connspec_path(), suite, junit});
    BOOST_TEST(r.exit_code == 1, r.out << r.err);
    pugi::xml_document doc;
    BOOST_REQUIRE(doc.load_file(junit.c_str()));
    int internal = 0;
    for (auto s : doc.child("testsuites").children("testsuite"))
        for (auto tc : s.children("testcase")) {
            auto problem = tc.child("error") ? tc.child("error") : tc.child("failure");
            BOOST_REQUIRE(problem);
            std::string type = problem.attribute("type").value();
            std::string message = problem.attribute("message").value();
            BOOST_TEST(type != "pg.connect", message);
            if (type == "internal") {
                ++internal;
                BOOST_TEST(std::string(problem.name()) == "error");
                BOOST_TEST(contains(message, "Too many open files"), message);
            }
        }
    BOOST_TEST(internal >= 1, r.out);
}

// The headroom query needs pg_stat_activity; without the right to read it, the session that
// asked is still held with the others, and the counts say so.
BOOST_AUTO_TEST_CASE(a_failed_headroom_query_keeps_its_session_in_the_hold)
{
    PgLab lab;
    // In database postgres, where lab.sql runs (each database has its own catalog).
    lab.sql("REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC");
    TempDir dir;
    auto run = run_suite(dir, fmt::format(R"([suite]
name = "t"
timeout = "20s"
[[target]]
name = "db"
host = "localhost"
port = {}
sessions = {{ count = 3, hold = "200ms", user = "app", database = "postgres", password_env = "T_PASSWORD", sslmode = "verify-full", sslrootcert = "{}" }}
)", lab.port(), lab.ca()), {}, {{"T_PASSWORD", lab.password()}});
    auto s = run.at("db.sessions");
    BOOST_TEST(s.status == "passed", s.message);
    BOOST_TEST(run.property("db.sessions.held") == "3");
    BOOST_TEST(run.property("db.sessions.max_connections").empty());
    BOOST_TEST(contains(read_file(dir.path() + "/junit.xml"), "the headroom query failed"));
}

// The stop signal outlives the run: a Ctrl-C while the bundle is being written (after the
// run's reports) ends the command with 130 and leaves no archive, whole or partial.
BOOST_AUTO_TEST_CASE(ctrl_c_while_the_bundle_is_written_leaves_no_archive)
{
    TempDir dir;
    int closed = free_port();
    std::string targets;
    // Many targets: the bundle looks at routes and sockets for each, long enough to interrupt.
    for (int i = 0; i < 300; ++i)
        targets += fmt::format("[[target]]\nname = \"t{}\"\nhost = \"127.0.0.1\"\nport = {}\n"
                               "protocol = \"tcp\"\nport_open = true\n",
                               i, closed);
    auto suite = dir.write("s.toml", "[suite]\nname = \"s\"\ntimeout = \"5s\"\n" + targets);
    auto archive = dir.path() + "/support.tar.gz";
    auto console = dir.path() + "/console.txt";
    Process::Options options;
    options.output_file = console;
    options.new_process_group = false;
    Process bundle({connspec_path(), "bundle", suite, "-o", archive}, options);
    // The run is over once its summary line is out; the bundle is being written then.
    BOOST_REQUIRE(wait_until([&] { return contains(read_file(console), " skipped in "); }, 60000ms));
    BOOST_REQUIRE(bundle.running());
    ::kill(bundle.pid(), SIGINT);
    BOOST_REQUIRE(wait_until([&] { return !bundle.running(); }, 10000ms));
    BOOST_TEST(bundle.stop() == 130, read_file(console));
    BOOST_TEST(contains(read_file(console), "interrupted; no bundle written"), read_file(console));
    BOOST_TEST(!fs::exists(archive));
    for (const auto& entry : fs::directory_iterator(dir.path()))
        BOOST_TEST(!contains(entry.path().filename().string(), "support.tar.gz"), entry.path());
}
