// `route` on a namespace path client — router 1 — router 2 — server: with the path open it
// passes, listing each router and the server as its hops (as traceroute -T does); with router
// 2 dropping the port it fails route.blocked naming router 2 as the last hop that answered and
// hop 3 as the first silent one, within the deadline.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "tests/integration/chain_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

constexpr int port = 7000;

std::string suite(const std::string& host, const std::string& route = "true")
{
    return fmt::format(R"(
[suite]
name = "path"
timeout = "5s"

[[target]]
name = "db"
host = "{}"
port = {}
protocol = "tcp"
port_open = true
route = {}
)",
                       host, port, route);
}

struct TwoRouterPath {
    lab::NetnsChain chain{2};
    std::unique_ptr<lab::TcpListener> listener = chain.inside(
        chain.server(), [&] { return std::make_unique<lab::TcpListener>(chain.server_address(), port); });
};

lab::TimedCommand traceroute(const lab::NetnsChain& chain)
{
    return lab::timed_from_client(chain, {"traceroute", "-n", "-T", "-p", std::to_string(port), "-w", "1",
                                          "-q", "1", chain.server_address()});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(route)

BOOST_AUTO_TEST_CASE(an_open_path_passes_listing_each_router_and_the_server,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    TwoRouterPath path;
    const auto& chain = path.chain;
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address(), "{ probes = 2 }"));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("db.route").status == "passed");
        BOOST_TEST(timed.run.property("db.route.destination_hop") == "3");
        auto hops = timed.run.property("db.route.hops");
        BOOST_TEST(hops.find("1  " + lab::NetnsChain::left_address(chain.router(1)) + "  ") == 0, hops);
        BOOST_TEST(hops.find("\n2  " + lab::NetnsChain::left_address(chain.router(2)) + "  ") != std::string::npos, hops);
        BOOST_TEST(hops.find("\n3  " + chain.server_address() + "  ") != std::string::npos, hops);
        // Two probes a hop, each answered: "3  198.18.3.2  0.1 ms open  0.1 ms open".
        auto last = hops.substr(hops.rfind('\n') + 1);
        BOOST_TEST(last.find("open") != last.rfind("open"), hops);
        BOOST_TEST(hops.find('*') == std::string::npos, hops);
        BOOST_TEST(timed.elapsed < 5s);
    }
    auto tr = traceroute(chain);
    BOOST_TEST(tr.result.exit_code == 0, tr.result.out + tr.result.err);
    for (int router : {1, 2})
        BOOST_TEST(tr.result.out.find(lab::NetnsChain::left_address(router)) != std::string::npos, tr.result.out);
    std::cout << fmt::format("# open path: connspec route {} in {:.2f} s (whole run with port_open); traceroute -T {:.2f} s\n",
                             timed.run.at("db.route").status, timed.elapsed.count(), tr.elapsed.count());
}

BOOST_AUTO_TEST_CASE(a_router_dropping_the_port_fails_route_blocked_naming_it,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    TwoRouterPath path;
    const auto& chain = path.chain;
    chain.add_rule(chain.router(2), {"-A", "FORWARD", "-p", "tcp", "--dport", std::to_string(port), "-j", "DROP"});
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address()));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        const auto& r = timed.run.at("db.route");
        BOOST_TEST(r.status == "failed");
        BOOST_TEST(r.category == "route.blocked");
        auto router2 = lab::NetnsChain::left_address(chain.router(2));
        BOOST_TEST(r.message.find("last hop that answered: hop 2 (" + router2 + ")") != std::string::npos, r.message);
        BOOST_TEST(r.message.find("first silent hop: hop 3") != std::string::npos, r.message);
        BOOST_TEST(timed.run.property("db.route.last_hop") == router2);
        BOOST_TEST(timed.run.at("db.port_open").category == "tcp.timeout");
        BOOST_TEST(timed.elapsed < 6s);
    }
    auto tr = traceroute(chain);
    std::cout << fmt::format("# port dropped at router 2: connspec route {} in {:.2f} s (whole run with port_open); "
                             "traceroute -T {:.2f} s\n{}",
                             timed.run.at("db.route").category, timed.elapsed.count(), tr.elapsed.count(),
                             tr.result.out);
}

BOOST_AUTO_TEST_CASE(a_router_rejecting_the_port_fails_route_blocked_naming_it,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    TwoRouterPath path;
    const auto& chain = path.chain;
    chain.add_rule(chain.router(2), {"-A", "FORWARD", "-p", "tcp", "--dport", std::to_string(port), "-j", "REJECT",
                                     "--reject-with", "icmp-admin-prohibited"});
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address()));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        const auto& r = timed.run.at("db.route");
        BOOST_TEST(r.category == "route.blocked");
        BOOST_TEST(r.message.find("administratively prohibited") != std::string::npos, r.message);
        BOOST_TEST(timed.run.property("db.route.last_hop") == lab::NetnsChain::left_address(chain.router(2)));
        BOOST_TEST(timed.elapsed < 2s);
    }
}

// A closed port answers with RST: the destination, named by its address.
BOOST_AUTO_TEST_CASE(a_closed_port_ends_the_route_at_the_host_with_its_rst,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsChain chain(1);
    lab::TempDir dir;
    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address(), "{ probes = 3 }"));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("db.route").status == "passed");
        auto hops = timed.run.property("db.route.hops");
        BOOST_TEST(hops.find("\n2  " + chain.server_address() + "  ") != std::string::npos, hops);
        BOOST_TEST(hops.find("refused") != std::string::npos, hops);
        BOOST_TEST(hops.find('*') == std::string::npos, hops);
        BOOST_TEST(timed.run.at("db.port_open").category == "tcp.refused");
    }
}

BOOST_AUTO_TEST_CASE(ipv6_an_open_path_passes_listing_each_router_and_the_server,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsChain chain(2);
    auto listener = chain.inside(chain.server(), [&] {
        return std::make_unique<lab::TcpListener>(chain.server_address6(), port);
    });
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address6()));
    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("db.route").status == "passed");
        BOOST_TEST(timed.run.property("db.route.destination_hop") == "3");
        auto hops = timed.run.property("db.route.hops");
        BOOST_TEST(hops.find("1  " + lab::NetnsChain::left_address6(chain.router(1)) + "  ") == 0, hops);
        BOOST_TEST(hops.find("\n2  " + lab::NetnsChain::left_address6(chain.router(2)) + "  ") != std::string::npos, hops);
        BOOST_TEST(hops.find("\n3  " + chain.server_address6() + "  ") != std::string::npos, hops);
    }
}

BOOST_AUTO_TEST_SUITE_END()
