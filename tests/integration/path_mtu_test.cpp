// `path_mtu` on a namespace path client — router 1 — router 2 — server whose last link carries
// 1400-byte packets: with router 2's "fragmentation needed" reaching the client the case fails
// path.mtu naming 1400 and router 2; with those messages dropped on router 1 (a PMTU black
// hole) it still finds 1400, by silence, within the deadline, also behind an echo rate limit;
// min = 1400 passes. ping -M do and tracepath on the same path agree.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <iostream>

#include "tests/integration/chain_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

constexpr int narrow_mtu = 1400;

std::string suite(const std::string& host, const std::string& path_mtu, const std::string& timeout = "5s")
{
    return fmt::format(R"(
[suite]
name = "path"
timeout = "{}"

[[target]]
name = "db"
host = "{}"
port = 7000
protocol = "tcp"
path_mtu = {}
)",
                       timeout, host, path_mtu);
}

// client — r1 — r2 — server, the r2 — server link at 1400 bytes.
struct NarrowPath {
    lab::NetnsChain chain{2};
    NarrowPath() { chain.set_link_mtu(chain.router(2), narrow_mtu); }
};

// `ping -M do` of a whole packet of `size` bytes: exit 0 when it got through.
lab::TimedCommand ping_dont_fragment(const lab::NetnsChain& chain, int size)
{
    return lab::timed_from_client(chain, {"ping", "-n", "-c", "1", "-W", "1", "-M", "do", "-s",
                                          std::to_string(size - 28), chain.server_address()});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(path_mtu)

BOOST_AUTO_TEST_CASE(a_1400_byte_link_fails_path_mtu_naming_1400_and_the_router,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    NarrowPath path;
    const auto& chain = path.chain;
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address(), "true"));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        const auto& r = timed.run.at("db.path_mtu");
        BOOST_TEST(r.status == "failed");
        BOOST_TEST(r.category == "path.mtu");
        BOOST_TEST(r.message.find("largest unfragmented packet 1400 bytes, 1500 needed") != std::string::npos, r.message);
        BOOST_TEST(timed.run.property("db.path_mtu.path_mtu") == "1400");
        BOOST_TEST(timed.run.property("db.path_mtu.found_by").find(lab::NetnsChain::left_address(chain.router(2))) !=
                   std::string::npos);
        BOOST_TEST(timed.elapsed < 5s);
    }
    // The guide's tools on the same path.
    auto tracepath = lab::timed_from_client(chain, {"tracepath", "-n", chain.server_address()});
    BOOST_TEST(tracepath.result.out.find("pmtu 1400") != std::string::npos, tracepath.result.out);
    BOOST_TEST(ping_dont_fragment(chain, 1400).result.exit_code == 0);
    BOOST_TEST(ping_dont_fragment(chain, 1401).result.exit_code != 0);
    std::cout << fmt::format("# mtu 1400, ICMP allowed: connspec path_mtu {} ({}) in {:.2f} s (whole run); tracepath {:.2f} s\n",
                             timed.run.property("db.path_mtu.path_mtu"), timed.run.property("db.path_mtu.found_by"),
                             timed.elapsed.count(), tracepath.elapsed.count());
}

BOOST_AUTO_TEST_CASE(a_pmtu_black_hole_is_found_by_silence_within_the_deadline,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    NarrowPath path;
    const auto& chain = path.chain;
    // Router 1 drops the "fragmentation needed" router 2 sends back: nothing says why big
    // packets vanish.
    chain.add_rule(chain.router(1), {"-A", "FORWARD", "-p", "icmp", "--icmp-type", "fragmentation-needed", "-j", "DROP"});
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address(), "true"));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        const auto& r = timed.run.at("db.path_mtu");
        BOOST_TEST(r.status == "failed");
        BOOST_TEST(r.category == "path.mtu");
        BOOST_TEST(r.message.find("largest unfragmented packet 1400 bytes, 1500 needed") != std::string::npos, r.message);
        BOOST_TEST(r.message.find("black hole") != std::string::npos, r.message);
        BOOST_TEST(timed.run.property("db.path_mtu.path_mtu") == "1400");
        BOOST_TEST(timed.run.property("db.path_mtu.found_by") == "silence");
        BOOST_TEST(timed.elapsed < 5s);
    }
    // ping hears nothing back for 1401 bytes either, and no "frag needed".
    auto big = ping_dont_fragment(chain, 1401);
    BOOST_TEST(big.result.exit_code != 0);
    BOOST_TEST(big.result.out.find("100% packet loss") != std::string::npos, big.result.out);
    BOOST_TEST(ping_dont_fragment(chain, 1400).result.exit_code == 0);
    // tracepath waits for an answer that never comes: it is stopped after 5 s, with no pmtu.
    auto tracepath = lab::timed_from_client(chain, {"tracepath", "-n", chain.server_address()}, 5000ms);
    BOOST_TEST(tracepath.result.out.find("Resume") == std::string::npos, tracepath.result.out);
    std::cout << fmt::format("# mtu 1400, black hole: connspec path_mtu {} ({}) in {:.2f} s (whole run); "
                             "tracepath stopped after {:.2f} s without a verdict:\n{}",
                             timed.run.property("db.path_mtu.path_mtu"), timed.run.property("db.path_mtu.found_by"),
                             timed.elapsed.count(), tracepath.elapsed.count(), tracepath.result.out);
}

BOOST_AUTO_TEST_CASE(a_black_hole_behind_an_echo_rate_limit_is_still_1400,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    NarrowPath path;
    const auto& chain = path.chain;
    chain.add_rule(chain.router(1), {"-A", "FORWARD", "-p", "icmp", "--icmp-type", "fragmentation-needed", "-j", "DROP"});
    // The server answers two echo requests a second: most of a round of probes goes unanswered
    // whatever its size, and that silence must not pass for "too big".
    chain.add_rule(chain.server(), {"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-m", "limit",
                                    "--limit", "2/s", "--limit-burst", "2", "-j", "ACCEPT"});
    chain.add_rule(chain.server(), {"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j", "DROP"});
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address(), "true", "10s"));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        const auto& r = timed.run.at("db.path_mtu");
        BOOST_TEST(r.category == "path.mtu");
        BOOST_TEST(timed.run.property("db.path_mtu.path_mtu") == "1400");
        BOOST_TEST(timed.elapsed < 10s);
    }
    std::cout << fmt::format("# mtu 1400, black hole, echo limited to 2/s: connspec path_mtu {} in {:.2f} s\n",
                             timed.run.property("db.path_mtu.path_mtu"), timed.elapsed.count());
}

BOOST_AUTO_TEST_CASE(min_1400_passes_on_the_1400_byte_path,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    NarrowPath path;
    const auto& chain = path.chain;
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address(), "{ min = 1400 }"));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("db.path_mtu").status == "passed");
        BOOST_TEST(timed.run.property("db.path_mtu.path_mtu") == "1400");
    }
}

BOOST_AUTO_TEST_CASE(ipv6_packet_too_big_fails_path_mtu_naming_1400_and_the_router,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    NarrowPath path;
    const auto& chain = path.chain;
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address6(), "true"));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        const auto& r = timed.run.at("db.path_mtu");
        BOOST_TEST(r.category == "path.mtu");
        BOOST_TEST(r.message.find("largest unfragmented packet 1400 bytes, 1500 needed") != std::string::npos, r.message);
        BOOST_TEST(timed.run.property("db.path_mtu.found_by").find(lab::NetnsChain::left_address6(chain.router(2))) !=
                   std::string::npos);
    }
    auto tracepath = lab::timed_from_client(chain, {"tracepath", "-n", chain.server_address6()});
    BOOST_TEST(tracepath.result.out.find("pmtu 1400") != std::string::npos, tracepath.result.out);
}

BOOST_AUTO_TEST_SUITE_END()
