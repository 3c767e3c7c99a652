// The support bundle of a failing run against a real PostgreSQL: every part is there and the
// password is nowhere in it.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "capture/packet_capture.hpp"
#include "tests/lab/lab.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec::lab;
namespace fs = std::filesystem;

namespace {

// Unpacks `archive` into dir/x and returns the bundle's top folder (with a trailing '/').
std::string unpack(const TempDir& dir, const std::string& archive)
{
    auto unpacked = dir.path() + "/x";
    fs::create_directories(unpacked);
    BOOST_REQUIRE(run({"tar", "xzf", archive, "-C", unpacked}).exit_code == 0);
    return unpacked + "/connspec-bundle/";
}

}  // namespace

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

    auto top = unpack(dir, archive);
    auto unpacked = dir.path() + "/x";
    for (const char* part : {"summary.txt", "versions.txt", "suites/1-pipeline.toml", "reports/junit.xml",
                             "reports/results.json", "reports/report.html", "system/resolv.conf", "system/hosts-matching.txt",
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

BOOST_AUTO_TEST_CASE(bundle_with_capture_holds_the_failing_cases_packets_and_its_route)
{
    if (auto why = connspec::PacketCapture::unavailable()) {
        BOOST_TEST_MESSAGE("skipped: this machine does not let the tests capture packets: " << *why);
        return;
    }
    TempDir dir;
    int closed = free_port();
    auto suite = dir.write("pipeline.toml",
        "[suite]\nname = \"pipeline\"\ntimeout = \"3s\"\n"
        "[[target]]\nname = \"down\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(closed) + "\n"
        "protocol = \"tcp\"\nport_open = true\n");
    auto archive = dir.path() + "/support.tar.gz";
    auto r = run_connspec({"bundle", suite, "-o", archive, "--capture", dir.path() + "/captures"});
    BOOST_TEST(r.exit_code == 1, r.out << r.err);
    BOOST_REQUIRE(fs::exists(archive));
    auto top = unpack(dir, archive);
    // port_open failed at 127.0.0.1: a route result for it, ending at hop 1 (loopback).
    auto route = read_file(top + "network/pipeline.down.route.txt");
    BOOST_TEST(route.find("route to 127.0.0.1:" + std::to_string(closed) +
                          " (port_open of pipeline.down failed there)") != std::string::npos, route);
    BOOST_TEST(route.find("hops:") != std::string::npos, route);
    auto pcap = top + "captures/pipeline.down.port_open.pcap";
    BOOST_REQUIRE(fs::exists(pcap));
    auto packets = run({"tcpdump", "-r", pcap, "-nn"});
    BOOST_TEST(packets.exit_code == 0, packets.err);
    BOOST_TEST(packets.out.find("> 127.0.0.1." + std::to_string(closed) + ": Flags [S]") != std::string::npos,
               packets.out);
    BOOST_TEST(packets.out.find("Flags [R.]") != std::string::npos, packets.out);
}
