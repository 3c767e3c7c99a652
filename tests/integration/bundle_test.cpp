// The support bundle of a failing run against a real PostgreSQL: every part is there and the
// password is nowhere in it.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "tests/lab/lab.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec::lab;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(bundle_of_a_failing_run_has_every_part_and_no_secret)
{
    const std::string password = "Bundle-Pa55word-7f3a91";
    PgLab pg;
    TempDir dir;
    int closed = free_port();
    auto suite = dir.write("pipeline.toml",
        "[suite]\nname = \"pipeline\"\ntimeout = \"5s\"\n"
        "[[target]]\nname = \"db\"\nhost = \"localhost\"\nport = " + std::to_string(pg.port()) + "\n"
        "port_open = true\n"
        "login = { user = \"app\", database = \"app\", password_env = \"BUNDLE_PW\", sslmode = \"require\" }\n"
        "[[target]]\nname = \"down\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(closed) + "\n"
        "protocol = \"tcp\"\nport_open = true\n");
    auto archive = dir.path() + "/support.tar.gz";
    // A wrong password, so libpq's failure texts are in play too.
    auto r = run_connspec({"bundle", suite, "-o", archive}, std::chrono::milliseconds{60000},
                          {{"BUNDLE_PW", password}});
    BOOST_TEST(r.exit_code == 1, r.out << r.err);
    BOOST_REQUIRE(fs::exists(archive));

    auto unpacked = dir.path() + "/x";
    fs::create_directories(unpacked);
    BOOST_REQUIRE(run({"tar", "xzf", archive, "-C", unpacked}).exit_code == 0);
    auto top = unpacked + "/connspec-bundle/";
    for (const char* part : {"summary.txt", "versions.txt", "suites/1-pipeline.toml", "reports/junit.xml",
                             "reports/results.json", "system/resolv.conf", "system/hosts-matching.txt",
                             "network/pipeline.db.txt", "network/pipeline.down.txt"})
        BOOST_TEST(fs::exists(top + part), part);

    auto summary = read_file(top + "summary.txt");
    BOOST_TEST(summary.find("pipeline.db.login: failed pg.auth") != std::string::npos, summary);
    BOOST_TEST(summary.find("pipeline.down.port_open: failed tcp.refused") != std::string::npos, summary);
    BOOST_TEST(summary.find("hint:") != std::string::npos);
    auto versions = read_file(top + "versions.txt");
    for (const char* lib : {"connspec", "OpenSSL", "libpq", "c-ares"})
        BOOST_TEST(versions.find(lib) != std::string::npos, lib);
    auto network = read_file(top + "network/pipeline.db.txt");
    BOOST_TEST(network.find("$ ip route get 127.0.0.1") != std::string::npos, network);
    BOOST_TEST(network.find("$ ss -tn dst 127.0.0.1") != std::string::npos, network);

    auto grep = run({"grep", "-r", "-l", password, unpacked});
    BOOST_TEST(grep.exit_code == 1, "password found in: " << grep.out);
    BOOST_TEST(r.out.find(password) == std::string::npos);
    BOOST_TEST(r.err.find(password) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_bundle_when_the_suite_does_not_load)
{
    TempDir dir;
    auto suite = dir.write("bad.toml", "[[target]]\nname = \"x\"\nhots = \"db\"\n");
    auto archive = dir.path() + "/support.tar.gz";
    auto r = run_connspec({"bundle", suite, "-o", archive});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(!fs::exists(archive));
}
