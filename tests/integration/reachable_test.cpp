// `reachable` on a namespace path (client — router — server): ICMP echo dropped by the server
// while TCP passes fails icmp.loss and skips nothing; a healthy path passes with loss and RTT
// statistics, over raw sockets and over unprivileged datagram sockets; an address no router
// knows is icmp.unreachable naming the router that said so; without either kind of socket the
// case is an error saying why. Each verdict is compared with ping's on the same path.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "tests/integration/chain_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

constexpr int port = 7000;

std::string suite(const std::string& host, const std::string& reachable)
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
reachable = {}
port_open = true
)",
                       host, port, reachable);
}

std::unique_ptr<lab::TcpListener> listen_on_server(const lab::NetnsChain& chain)
{
    return chain.inside(chain.server(),
                        [&] { return std::make_unique<lab::TcpListener>(chain.server_address(), port); });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reachable)

BOOST_AUTO_TEST_CASE(icmp_echo_dropped_fails_icmp_loss_while_port_open_passes,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsChain chain(1);
    auto listener = listen_on_server(chain);
    chain.add_rule(chain.server(), {"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j", "DROP"});
    lab::TempDir dir;

    auto timed = lab::run_suite_from_client(chain, dir, suite(chain.server_address(),
                                                              R"({ count = 3, interval = "100ms" })"));
    auto ping = lab::timed_from_client(chain, {"ping", "-n", "-c", "3", "-i", "0.1", "-W", "2",
                                               chain.server_address()});

    BOOST_TEST_CONTEXT(lab::transcript(timed.run))
    {
        BOOST_TEST(timed.run.at("db.reachable").status == "failed");
        BOOST_TEST(timed.run.at("db.reachable").category == "icmp.loss");
        BOOST_TEST(timed.run.property("db.reachable.sent") == "3");
        BOOST_TEST(timed.run.property("db.reachable.received") == "0");
        BOOST_TEST(timed.run.property("db.reachable.loss") == "1.00");
        // ICMP filtered skips nothing: TCP is judged on its own.
        BOOST_TEST(timed.run.at("db.port_open").status == "passed");
        BOOST_TEST(timed.elapsed < 5s);
    }
    // ping agrees: every request lost.
    BOOST_TEST(ping.result.exit_code == 1, ping.result.out);
    BOOST_TEST(ping.result.out.find("100% packet loss") != std::string::npos, ping.result.out);
    std::cout << fmt::format("# echo dropped: connspec reachable {} in {:.2f} s (whole run); ping -c 3: exit {} in {:.2f} s\n",
                             timed.run.at("db.reachable").category, timed.elapsed.count(),
                             ping.result.exit_code, ping.elapsed.count());
}

BOOST_AUTO_TEST_CASE(a_healthy_path_passes_with_loss_and_rtt_statistics_on_either_socket_kind,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsChain chain(1);
    auto listener = listen_on_server(chain);
    lab::TempDir dir;
    const std::string options = R"({ count = 5, interval = "50ms", max_rtt = "1s" })";

    // A fresh namespace allows no group unprivileged ICMP sockets ("1 0"): raw sockets.
    auto raw = lab::run_suite_from_client(chain, dir, suite(chain.server_address(), options));
    chain.set_sysctl(chain.client(), "net.ipv4.ping_group_range", "0 2147483647");
    auto datagram = lab::run_suite_from_client(chain, dir, suite(chain.server_address(), options));

    for (const auto* timed : {&raw, &datagram}) {
        BOOST_TEST_CONTEXT(lab::transcript(timed->run))
        {
            BOOST_TEST(timed->run.at("db.reachable").status == "passed");
            BOOST_TEST(timed->run.property("db.reachable.sent") == "5");
            BOOST_TEST(timed->run.property("db.reachable.received") == "5");
            BOOST_TEST(timed->run.property("db.reachable.loss") == "0.00");
            for (const char* key : {"rtt_min", "rtt_avg", "rtt_max", "rtt_mdev"})
                BOOST_TEST(timed->run.property(std::string("db.reachable.") + key).ends_with(" ms"), key);
            BOOST_TEST(timed->run.at("db.port_open").status == "passed");
        }
    }
    BOOST_TEST(raw.run.property("db.reachable.socket") == "raw");
    BOOST_TEST(datagram.run.property("db.reachable.socket") == "datagram");

    auto ping = lab::timed_from_client(chain, {"ping", "-n", "-c", "5", "-i", "0.05", chain.server_address()});
    BOOST_TEST(ping.result.exit_code == 0, ping.result.out);
    BOOST_TEST(ping.result.out.find(" 0% packet loss") != std::string::npos, ping.result.out);
    std::cout << fmt::format("# healthy: connspec reachable (raw) {:.2f} s, (datagram) {:.2f} s (whole runs); ping -c 5 {:.2f} s\n",
                             raw.elapsed.count(), datagram.elapsed.count(), ping.elapsed.count());
}

BOOST_AUTO_TEST_CASE(an_unrouted_address_is_icmp_unreachable_naming_who_said_so,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::TempDir dir;
    // Router 1 has no route to the address: it answers "network unreachable".
    {
        lab::NetnsChain chain(1);
        auto timed = lab::run_suite_from_client(chain, dir, suite(lab::NetnsChain::unrouted_address, "true"));
        BOOST_TEST_CONTEXT(lab::transcript(timed.run))
        {
            const auto& r = timed.run.at("db.reachable");
            BOOST_TEST(r.status == "failed");
            BOOST_TEST(r.category == "icmp.unreachable");
            BOOST_TEST(r.message.find(lab::NetnsChain::left_address(chain.router(1))) != std::string::npos, r.message);
            BOOST_TEST(timed.elapsed < 5s);
        }
        auto ping = lab::timed_from_client(chain, {"ping", "-n", "-c", "1", "-W", "2", lab::NetnsChain::unrouted_address});
        BOOST_TEST(ping.result.out.find("Unreachable") != std::string::npos, ping.result.out);
    }
    // The client alone knows no route: this host says so.
    {
        lab::NetnsChain chain(0);
        auto timed = lab::run_suite_from_client(chain, dir, suite(lab::NetnsChain::unrouted_address, "true"));
        BOOST_TEST_CONTEXT(lab::transcript(timed.run))
        {
            const auto& r = timed.run.at("db.reachable");
            BOOST_TEST(r.status == "failed");
            BOOST_TEST(r.category == "icmp.unreachable");
            BOOST_TEST(r.message.find("this host") != std::string::npos, r.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(without_datagram_or_raw_sockets_the_case_is_an_error_saying_why,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsChain chain(0);
    lab::TempDir dir;
    auto path = dir.write("suite.toml", suite(chain.server_address(), "true"));
    // Root without CAP_NET_RAW, and a ping_group_range that admits no group.
    auto result = chain.run(chain.client(), {"setpriv", "--bounding-set", "-net_raw", "--inh-caps", "-net_raw",
                                             lab::connspec_path(), "run", path, "--json", dir.path() + "/out.json"});
    auto json = lab::read_file(dir.path() + "/out.json");
    BOOST_TEST(result.exit_code == 1, result.out + result.err);
    BOOST_TEST(json.find("\"status\": \"error\"") != std::string::npos, json);
    BOOST_TEST(json.find("ping_group_range") != std::string::npos, json);
    BOOST_TEST(json.find("CAP_NET_RAW") != std::string::npos, json);
}

BOOST_AUTO_TEST_CASE(ipv6_echo_passes_on_either_socket_kind_and_dropped_echo_fails_icmp_loss,
                     *boost::unit_test::precondition(lab::netns_usable))
{
    lab::NetnsChain chain(1);
    auto listener = chain.inside(chain.server(), [&] {
        return std::make_unique<lab::TcpListener>(chain.server_address6(), port);
    });
    lab::TempDir dir;
    const std::string options = R"({ count = 3, interval = "50ms" })";

    auto raw = lab::run_suite_from_client(chain, dir, suite(chain.server_address6(), options));
    chain.set_sysctl(chain.client(), "net.ipv4.ping_group_range", "0 2147483647");
    auto datagram = lab::run_suite_from_client(chain, dir, suite(chain.server_address6(), options));
    for (const auto* timed : {&raw, &datagram}) {
        BOOST_TEST_CONTEXT(lab::transcript(timed->run))
        {
            BOOST_TEST(timed->run.at("db.reachable").status == "passed");
            BOOST_TEST(timed->run.property("db.reachable.received") == "3");
        }
    }
    BOOST_TEST(raw.run.property("db.reachable.socket") == "raw");
    BOOST_TEST(datagram.run.property("db.reachable.socket") == "datagram");

    chain.add_rule6(chain.server(), {"-A", "INPUT", "-p", "icmpv6", "--icmpv6-type", "echo-request", "-j", "DROP"});
    auto dropped = lab::run_suite_from_client(chain, dir, suite(chain.server_address6(), options));
    BOOST_TEST_CONTEXT(lab::transcript(dropped.run))
    {
        BOOST_TEST(dropped.run.at("db.reachable").category == "icmp.loss");
        BOOST_TEST(dropped.run.at("db.port_open").status == "passed");
    }
}

// Through a proxy the path from here is not the connections' path: the three path cases are
// skipped with the reason, never run around the proxy.
BOOST_AUTO_TEST_CASE(through_a_proxy_the_path_cases_are_skipped_with_the_reason)
{
    lab::TempDir dir;
    auto run = lab::run_suite(dir, R"(
[suite]
name = "path"
timeout = "2s"

[[target]]
name = "db"
host = "127.0.0.1"
port = 7000
protocol = "tcp"
via = "socks5://127.0.0.1:1"
reachable = true
path_mtu = true
route = true
)");
    BOOST_TEST_CONTEXT(lab::transcript(run))
    {
        for (const char* id : {"db.reachable", "db.path_mtu", "db.route"}) {
            BOOST_TEST(run.at(id).status == "skipped", id);
            BOOST_TEST(run.at(id).message.find("through the SOCKS5 proxy 127.0.0.1:1") != std::string::npos, id);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
