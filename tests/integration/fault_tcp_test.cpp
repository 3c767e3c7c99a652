// The fault lab, TCP side: a listener in the server namespace, connspec in the client one, and
// the network broken on purpose between them (dropped, reset, unrouted). Each verdict must name
// the fault, and a dropped connection must end at its deadline, not after it.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <memory>

#include "tests/integration/fault_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;
using Side = lab::NetnsPair::Side;

namespace {

constexpr int healthy_port = 7001;  // a fresh namespace: any port is free
constexpr int faulty_port = 7000;

// Two port_open targets on the server: `healthy` (untouched) and `faulty` (the one under test).
std::string two_targets(const std::string& faulty_host, const std::string& timeout)
{
    return fmt::format(R"(
[suite]
name = "fault"
timeout = "{}"

[[target]]
name = "healthy"
host = "{}"
port = {}
protocol = "tcp"
port_open = true

[[target]]
name = "faulty"
host = "{}"
port = {}
protocol = "tcp"
port_open = true
)",
                       timeout, lab::NetnsPair::server_address, healthy_port, faulty_host,
                       faulty_port);
}

// Listeners on both ports inside the server namespace.
struct ServerListeners {
    std::unique_ptr<lab::TcpListener> healthy, faulty;
    explicit ServerListeners(const lab::NetnsPair& net)
    {
        net.inside(Side::server, [&] {
            const std::string address = lab::NetnsPair::server_address;
            healthy = std::make_unique<lab::TcpListener>(address, healthy_port);
            faulty = std::make_unique<lab::TcpListener>(address, faulty_port);
        });
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_tcp)

BOOST_AUTO_TEST_CASE(iptables_drop_is_a_timeout_that_ends_at_the_deadline,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsPair net;
    ServerListeners listeners(net);
    net.add_server_rule(
        {"-A", "INPUT", "-p", "tcp", "--dport", std::to_string(faulty_port), "-j", "DROP"});
    lab::TempDir dir;

    auto timed =
        lab::run_suite_from_client(net, dir, two_targets(lab::NetnsPair::server_address, "1s"));

    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("healthy.port_open").status == "passed");
        BOOST_TEST(timed.run.at("faulty.port_open").status == "failed");
        BOOST_TEST(timed.run.at("faulty.port_open").category == "tcp.timeout");
        BOOST_TEST(timed.run.property("faulty.port_open.attempts") == "1");
        BOOST_TEST(timed.run.command.exit_code == 1);
        // It waited for the deadline (the SYNs really went unanswered) and not much longer.
        BOOST_TEST(timed.elapsed.count() >= 0.9);
        BOOST_TEST(timed.elapsed.count() < 2.0);
    }
}

BOOST_AUTO_TEST_CASE(iptables_reject_with_tcp_reset_is_refused,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsPair net;
    ServerListeners listeners(net);
    net.add_server_rule({"-A", "INPUT", "-p", "tcp", "--dport", std::to_string(faulty_port), "-j",
                         "REJECT", "--reject-with", "tcp-reset"});
    lab::TempDir dir;

    auto timed =
        lab::run_suite_from_client(net, dir, two_targets(lab::NetnsPair::server_address, "5s"));

    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("healthy.port_open").status == "passed");
        BOOST_TEST(timed.run.at("faulty.port_open").status == "failed");
        BOOST_TEST(timed.run.at("faulty.port_open").category == "tcp.refused");
        BOOST_TEST(timed.run.command.exit_code == 1);
        // A reset answers at once: far below the 5 s deadline.
        BOOST_TEST(timed.elapsed.count() < 2.0);
    }
}

BOOST_AUTO_TEST_CASE(an_address_without_a_route_is_unreachable,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsPair net;
    ServerListeners listeners(net);
    // The client namespace knows only the veth /30: no default route to anything else.
    auto route = net.run(Side::client, {"ip", "route", "get", lab::NetnsPair::unrouted_address});
    BOOST_TEST_REQUIRE(route.exit_code != 0, "the client namespace has a route: " << route.out);
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(net, dir,
                                            two_targets(lab::NetnsPair::unrouted_address, "5s"));

    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("healthy.port_open").status == "passed");
        BOOST_TEST(timed.run.at("faulty.port_open").status == "failed");
        BOOST_TEST(timed.run.at("faulty.port_open").category == "tcp.unreachable");
        BOOST_TEST(timed.run.command.exit_code == 1);
        BOOST_TEST(timed.elapsed.count() < 2.0);
    }
}

BOOST_AUTO_TEST_SUITE_END()
