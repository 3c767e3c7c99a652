// Shared network code that needs no server: endpoint text, IP literals, DNS server text,
// waits that end by deadline or stop signal, and lookups of literals (no DNS traffic).
#include <poll.h>
#include <sys/socket.h>

#include <boost/test/unit_test.hpp>

#include "checks/dns_server.hpp"
#include "checks/net.hpp"
#include "checks/resolved_addresses.hpp"
#include "checks/tcp_probe.hpp"

using namespace connspec;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(net)

BOOST_AUTO_TEST_CASE(endpoints_bracket_ipv6_only)
{
    BOOST_TEST(format_endpoint("127.0.0.1", 5432) == "127.0.0.1:5432");
    BOOST_TEST(format_endpoint("::1", 5432) == "[::1]:5432");
    BOOST_TEST(format_endpoint("fd00::6", 53) == "[fd00::6]:53");
    BOOST_TEST(format_endpoint("[::1]", 1) == "[::1]:1");
}

BOOST_AUTO_TEST_CASE(latency_is_milliseconds_with_three_decimals)
{
    BOOST_TEST(format_latency(std::chrono::duration<double>(0.000412)) == "0.412 ms");
    BOOST_TEST(format_latency(std::chrono::duration<double>(1.5)) == "1500.000 ms");
}

BOOST_AUTO_TEST_CASE(ip_literals_are_normalised)
{
    BOOST_TEST(normalize_ip_literal("10.0.0.5").value() == "10.0.0.5");
    BOOST_TEST(normalize_ip_literal("::0001").value() == "::1");
    BOOST_TEST(normalize_ip_literal("[FD00:0::6]").value() == "fd00::6");
    BOOST_TEST(!normalize_ip_literal("db.internal"));
    BOOST_TEST(!normalize_ip_literal("10.0.0.256"));
    BOOST_TEST(!normalize_ip_literal(""));
    BOOST_TEST(is_ipv4_literal("10.0.0.5"));
    BOOST_TEST(!is_ipv4_literal("::1"));
}

BOOST_AUTO_TEST_CASE(dns_servers_take_every_documented_form)
{
    auto s = parse_dns_server("127.0.0.1:5353");
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->host == "127.0.0.1");
    BOOST_TEST(s->port == 5353);

    s = parse_dns_server("10.0.0.2");
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->port == 53);

    s = parse_dns_server("[::1]:5353");
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->host == "::1");
    BOOST_TEST(s->port == 5353);

    s = parse_dns_server("::1");
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->port == 53);

    s = parse_dns_server("ns1.example.com:54");
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->host == "ns1.example.com");
    BOOST_TEST(s->port == 54);
}

BOOST_AUTO_TEST_CASE(dns_servers_reject_malformed_text)
{
    for (auto bad : {"", ":53", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:5x",
                     "[::1", "[10.0.0.1]:53", "[::1]53", "bad host:53", "::zz"})
        BOOST_TEST(!parse_dns_server(bad), "accepted '" << bad << "'");
}

BOOST_AUTO_TEST_CASE(an_ip_literal_resolves_to_itself_at_once)
{
    StopSignal stop;
    auto started = Clock::now();
    auto r = resolve_host("127.0.0.1", AddressFamily::any, std::nullopt, Clock::now() + 5s, stop);
    BOOST_TEST(r.ok());
    BOOST_TEST(r.addresses == std::vector<std::string>{"127.0.0.1"});
    r = resolve_host("::0001", AddressFamily::ipv6, std::nullopt, Clock::now() + 5s, stop);
    BOOST_TEST(r.ok());
    BOOST_TEST(r.addresses == std::vector<std::string>{"::1"});
    BOOST_TEST((Clock::now() - started < 1000ms));  // at once: no lookup, no wait
}

BOOST_AUTO_TEST_CASE(an_ip_literal_of_the_other_family_has_no_data)
{
    StopSignal stop;
    auto r = resolve_host("127.0.0.1", AddressFamily::ipv6, std::nullopt, Clock::now() + 5s, stop);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->category == "dns.nodata");
    BOOST_TEST(r.failure->status == Status::failed);
    BOOST_TEST(!r.failure->hint.empty());
}

BOOST_AUTO_TEST_CASE(a_stopped_lookup_is_interrupted)
{
    StopSignal stop;
    stop.request();
    auto r = resolve_host("db.internal", AddressFamily::any, std::nullopt, Clock::now() + 5s, stop);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->status == Status::error);
    BOOST_TEST(r.failure->message == "interrupted");
}

BOOST_AUTO_TEST_CASE(declared_addresses_are_used_without_a_lookup)
{
    StopSignal stop;
    std::vector<std::string> log;
    auto resolved = std::make_shared<ResolvedAddresses>();
    resolved->addresses = {"10.0.0.7", "fd00::7"};
    CheckContext context{Clock::now() + 5s, stop, log, {resolved}};
    Target target;
    target.host = "only-the-custom-server-knows.example";
    auto r = target_addresses(target, context);
    BOOST_TEST(r.ok());
    BOOST_TEST(r.addresses == (std::vector<std::string>{"10.0.0.7", "fd00::7"}));
}

BOOST_AUTO_TEST_CASE(wait_fd_ends_at_the_deadline)
{
    int fds[2];
    BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    UniqueFd a(fds[0]), b(fds[1]);
    StopSignal stop;
    auto started = Clock::now();
    BOOST_TEST((wait_fd(a.get(), POLLIN, started + 200ms, stop) == WaitStatus::timeout));
    auto took = Clock::now() - started;
    BOOST_TEST((took >= 200ms));
    // Upper bounds catch a second deadline or a hang, with room for a loaded CI machine;
    // how fast is bench/'s question.
    BOOST_TEST((took < 1000ms));
}

BOOST_AUTO_TEST_CASE(wait_fd_sees_readiness_and_stop)
{
    int fds[2];
    BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    UniqueFd a(fds[0]), b(fds[1]);
    StopSignal stop;
    BOOST_TEST((wait_fd(a.get(), POLLOUT, Clock::now() + 1s, stop) == WaitStatus::ready));
    BOOST_TEST(::write(b.get(), "x", 1) == 1);
    BOOST_TEST((wait_fd(a.get(), POLLIN, Clock::now() + 1s, stop) == WaitStatus::ready));
    stop.request();
    auto started = Clock::now();
    BOOST_TEST((wait_fd(a.get(), POLLIN, Clock::now() + 5s, stop) == WaitStatus::stopped));
    BOOST_TEST((Clock::now() - started < 1000ms));  // at once: no lookup, no wait
}

BOOST_AUTO_TEST_CASE(a_connect_to_a_non_numeric_address_is_an_internal_error)
{
    StopSignal stop;
    auto r = connect_tcp("db.internal", 5432, Clock::now() + 1s, stop);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->status == Status::error);
    BOOST_TEST(r.failure->category == "internal");
}

BOOST_AUTO_TEST_CASE(a_stopped_connect_is_interrupted)
{
    StopSignal stop;
    stop.request();
    auto r = connect_tcp("127.0.0.1", 1, Clock::now() + 1s, stop);
    BOOST_TEST_REQUIRE(!r.ok());
    BOOST_TEST(r.failure->message == "interrupted");
}

BOOST_AUTO_TEST_SUITE_END()
