// resolve_host against real DNS servers on loopback: dnsmasq with known records, a validating
// dnsmasq that answers SERVFAIL, a silent UDP socket, and a port where nothing listens.
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include <boost/test/unit_test.hpp>

#include "checks/net.hpp"
#include "tests/lab/dnsmasq.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

lab::Dnsmasq::Options records()
{
    lab::Dnsmasq::Options o;
    o.records = {
        {"one.test", {"10.0.0.1"}},
        {"multi.test", {"10.0.0.2", "10.0.0.3", "10.0.0.4"}},
        {"dual.test", {"10.0.0.5", "fd00::5"}},
        {"six.test", {"fd00::6"}},
        {"loop.test", {"127.0.0.1"}},
    };
    return o;
}

// A fresh dnsmasq for each test case (Boost builds the fixture per case); it starts in a few
// milliseconds.
struct DnsFixture {
    lab::Dnsmasq dns{records()};
    StopSignal stop;

    ResolveResult resolve(const std::string& name, AddressFamily family = AddressFamily::any,
                          Clock::duration limit = 3s)
    {
        return resolve_host(name, family, dns.server(), Clock::now() + limit, stop);
    }
};

std::vector<std::string> sorted(std::vector<std::string> v)
{
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(dns_resolve, DnsFixture)

BOOST_AUTO_TEST_CASE(a_name_with_one_address)
{
    auto r = resolve("one.test");
    BOOST_TEST_REQUIRE(r.ok(), (r.failure ? r.failure->message : "") << "\n" << dns.log());
    BOOST_TEST(r.addresses == std::vector<std::string>{"10.0.0.1"});
}

BOOST_AUTO_TEST_CASE(a_name_with_several_addresses)
{
    auto r = resolve("multi.test");
    BOOST_TEST_REQUIRE(r.ok(), (r.failure ? r.failure->message : ""));
    BOOST_TEST(sorted(r.addresses) == (std::vector<std::string>{"10.0.0.2", "10.0.0.3", "10.0.0.4"}));
}

BOOST_AUTO_TEST_CASE(families_select_a_or_aaaa)
{
    auto any = resolve("dual.test");
    BOOST_TEST_REQUIRE(any.ok());
    BOOST_TEST(sorted(any.addresses) == (std::vector<std::string>{"10.0.0.5", "fd00::5"}));

    auto v4 = resolve("dual.test", AddressFamily::ipv4);
    BOOST_TEST_REQUIRE(v4.ok());
    BOOST_TEST(v4.addresses == std::vector<std::string>{"10.0.0.5"});

    auto v6 = resolve("dual.test", AddressFamily::ipv6);
    BOOST_TEST_REQUIRE(v6.ok());
    BOOST_TEST(v6.addresses == std::vector<std::string>{"fd00::5"});

    auto only6 = resolve("six.test");
    BOOST_TEST_REQUIRE(only6.ok());
    BOOST_TEST(only6.addresses == std::vector<std::string>{"fd00::6"});
}

BOOST_AUTO_TEST_CASE(an_unknown_name_is_nxdomain)
{
    auto r = resolve("nope.test");
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->status == Status::failed);
    BOOST_TEST(r.failure->category == "dns.nxdomain");
    BOOST_TEST(r.failure->message.find("nope.test") != std::string::npos);
    BOOST_TEST(r.failure->message.find(dns.server()) != std::string::npos);
    BOOST_TEST(!r.failure->hint.empty());
}

BOOST_AUTO_TEST_CASE(a_name_without_that_family_is_nodata)
{
    auto r = resolve("one.test", AddressFamily::ipv6);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->category == "dns.nodata");
    BOOST_TEST(r.failure->message.find("AAAA") != std::string::npos);

    r = resolve("six.test", AddressFamily::ipv4);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->category == "dns.nodata");
}

BOOST_AUTO_TEST_CASE(a_refused_query_is_a_server_failure)
{
    // dnsmasq has no upstream: it refuses names outside its local domain.
    auto r = resolve("db.example");
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->category == "dns.servfail");
    BOOST_TEST(r.failure->message.find(dns.server()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_servfail_answer_is_a_server_failure)
{
    lab::Dnsmasq::Options validating;
    validating.domain = "unused.invalid";
    validating.extra_args =
        lab::Dnsmasq::bogus_dnssec_args("127.0.0.1#" + std::to_string(dns.port()));
    lab::Dnsmasq resolver(validating);
    auto started = Clock::now();
    auto r = resolve_host("one.test", AddressFamily::ipv4, resolver.server(), Clock::now() + 3s, stop);
    BOOST_TEST_REQUIRE(!r.ok(), resolver.log());
    BOOST_TEST(r.failure->category == "dns.servfail");
    BOOST_TEST(r.failure->message.find("one.test") != std::string::npos);
    BOOST_TEST(seconds_since(started) < 2.0);  // an answer, not the 3 s deadline
}

BOOST_AUTO_TEST_CASE(a_silent_server_times_out_at_the_deadline)
{
    lab::SilentDnsServer silent;
    auto started = Clock::now();
    auto r = resolve_host("one.test", AddressFamily::any, silent.server(), started + 1s, stop);
    double took = seconds_since(started);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->category == "dns.timeout");
    BOOST_TEST(r.failure->message.find(silent.server()) != std::string::npos);
    BOOST_TEST(took >= 0.95);
    // Upper bounds catch a second deadline or a hang, with room for a loaded CI machine;
    // how fast is bench/'s question.
    BOOST_TEST(took < 2.0);
}

BOOST_AUTO_TEST_CASE(a_port_without_a_server_is_a_failure_not_a_hang)
{
    // UDP to a closed port: the ICMP error ends the query quickly (refused) or the deadline
    // does (some kernels drop it); either way no pass and no hang.
    int port = lab::free_port();
    auto started = Clock::now();
    auto r = resolve_host("one.test", AddressFamily::any, "127.0.0.1:" + std::to_string(port),
                          started + 1s, stop);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST((r.failure->category == "dns.servfail" || r.failure->category == "dns.timeout"),
               r.failure->category);
    BOOST_TEST(seconds_since(started) < 2.0);  // the 1 s deadline at most, with room for load
}

BOOST_AUTO_TEST_CASE(a_stop_request_ends_a_pending_lookup)
{
    lab::SilentDnsServer silent;
    std::thread stopper([&] {
        ::poll(nullptr, 0, 200);
        stop.request();
    });
    auto started = Clock::now();
    auto r = resolve_host("one.test", AddressFamily::any, silent.server(), started + 10s, stop);
    stopper.join();
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->message == "interrupted");
    BOOST_TEST(seconds_since(started) < 3.0);  // the stop at 0.2 s, not the 10 s deadline
}

BOOST_AUTO_TEST_CASE(the_system_resolver_reads_the_hosts_file)
{
    // "localhost" comes from /etc/hosts: no query leaves this machine.
    auto r = resolve_host("localhost", AddressFamily::ipv4, std::nullopt, Clock::now() + 3s, stop);
    BOOST_TEST_REQUIRE(r.ok(), (r.failure ? r.failure->message : ""));
    BOOST_TEST(r.addresses == std::vector<std::string>{"127.0.0.1"});
}

BOOST_AUTO_TEST_CASE(many_threads_resolve_at_once)
{
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            auto r = resolve_host("multi.test", AddressFamily::ipv4, dns.server(),
                                  Clock::now() + 3s, stop);
            if (r.ok() && r.addresses.size() == 3) ++good;
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(good.load() == 16);
}

BOOST_AUTO_TEST_SUITE_END()
