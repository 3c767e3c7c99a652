// The filter --capture gives a case, run by libpcap's own BPF on hand-made IP packets: its
// TCP to and from its peers and ports, ICMP with its peers, and routers' ICMP errors about its
// packets (time exceeded, unreachable) are taken; other ports and other peers are not.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <cstdint>
#include <string>
#include <vector>

#include "capture/packet_filter.hpp"

using connspec::PacketScope;
using connspec::packet_filter;

namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::size_t at, unsigned v)
{
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}

void put_address(Bytes& b, std::size_t at, const char* address, int family)
{
    std::uint8_t raw[16];
    ::inet_pton(family, address, raw);
    std::copy(raw, raw + (family == AF_INET ? 4 : 16), b.begin() + static_cast<std::ptrdiff_t>(at));
}

// An IPv4 packet (20-byte header) carrying `payload` with protocol `protocol`.
Bytes ipv4(const char* from, const char* to, int protocol, const Bytes& payload)
{
    Bytes b(20, 0);
    b[0] = 0x45;
    put16(b, 2, static_cast<unsigned>(20 + payload.size()));
    b[8] = 64;
    b[9] = static_cast<std::uint8_t>(protocol);
    put_address(b, 12, from, AF_INET);
    put_address(b, 16, to, AF_INET);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

Bytes ipv6(const char* from, const char* to, int next_header, const Bytes& payload)
{
    Bytes b(40, 0);
    b[0] = 0x60;
    put16(b, 4, static_cast<unsigned>(payload.size()));
    b[6] = static_cast<std::uint8_t>(next_header);
    b[7] = 64;
    put_address(b, 8, from, AF_INET6);
    put_address(b, 24, to, AF_INET6);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

// A TCP header with ports (flags SYN), or the 8 bytes of one an ICMP error quotes.
Bytes tcp(int source_port, int destination_port)
{
    Bytes b(20, 0);
    put16(b, 0, static_cast<unsigned>(source_port));
    put16(b, 2, static_cast<unsigned>(destination_port));
    b[12] = 0x50;
    b[13] = 0x02;
    return b;
}

// An ICMP (or ICMPv6) message of `type` quoting `quoted` (an IP packet).
Bytes icmp(int type, const Bytes& quoted)
{
    Bytes b(8, 0);
    b[0] = static_cast<std::uint8_t>(type);
    b.insert(b.end(), quoted.begin(), quoted.end());
    return b;
}

// Whether the filter for `scope` takes `packet` (a raw IP packet).
bool takes(const PacketScope& scope, const Bytes& packet)
{
    pcap_t* dead = pcap_open_dead(DLT_RAW, 256);
    bpf_program program{};
    std::string filter = packet_filter(scope);
    BOOST_REQUIRE_MESSAGE(pcap_compile(dead, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0,
                          filter << ": " << pcap_geterr(dead));
    pcap_pkthdr header{};
    header.caplen = header.len = static_cast<bpf_u_int32>(packet.size());
    bool taken = pcap_offline_filter(&program, &header, packet.data()) != 0;
    pcap_freecode(&program);
    pcap_close(dead);
    return taken;
}

constexpr int tcp_protocol = 6, icmp_protocol = 1, icmp6_protocol = 58;

}  // namespace

BOOST_AUTO_TEST_CASE(its_peers_on_its_ports_and_nothing_else)
{
    PacketScope scope{{"10.0.0.5", "2001:db8::5"}, {5432}};
    BOOST_TEST(takes(scope, ipv4("10.9.9.9", "10.0.0.5", tcp_protocol, tcp(40000, 5432))));
    BOOST_TEST(takes(scope, ipv4("10.0.0.5", "10.9.9.9", tcp_protocol, tcp(5432, 40000))));
    BOOST_TEST(takes(scope, ipv6("2001:db8::9", "2001:db8::5", tcp_protocol, tcp(40000, 5432))));
    BOOST_TEST(!takes(scope, ipv4("10.9.9.9", "10.0.0.5", tcp_protocol, tcp(40000, 22))));
    BOOST_TEST(!takes(scope, ipv4("10.9.9.9", "10.0.0.6", tcp_protocol, tcp(40000, 5432))));
    BOOST_TEST(!takes(scope, ipv6("2001:db8::9", "2001:db8::6", tcp_protocol, tcp(40000, 5432))));
}

BOOST_AUTO_TEST_CASE(icmp_with_its_peers_and_routers_errors_about_its_packets)
{
    PacketScope scope{{"10.0.0.5", "2001:db8::5"}, {5432}};
    // Echo to the peer, and its reply.
    BOOST_TEST(takes(scope, ipv4("10.9.9.9", "10.0.0.5", icmp_protocol, icmp(8, {}))));
    BOOST_TEST(takes(scope, ipv4("10.0.0.5", "10.9.9.9", icmp_protocol, icmp(0, {}))));
    // A router's time exceeded / unreachable about a SYN to the peer's port.
    auto syn4 = ipv4("10.9.9.9", "10.0.0.5", tcp_protocol, tcp(40000, 5432));
    BOOST_TEST(takes(scope, ipv4("10.1.1.1", "10.9.9.9", icmp_protocol, icmp(11, syn4))));
    BOOST_TEST(takes(scope, ipv4("10.1.1.1", "10.9.9.9", icmp_protocol, icmp(3, syn4))));
    auto syn6 = ipv6("2001:db8::9", "2001:db8::5", tcp_protocol, tcp(40000, 5432));
    BOOST_TEST(takes(scope, ipv6("2001:db8::1", "2001:db8::9", icmp6_protocol, icmp(3, syn6))));
    BOOST_TEST(takes(scope, ipv6("2001:db8::1", "2001:db8::9", icmp6_protocol, icmp(2, syn6))));
    // About another port of the peer, or another peer: not this case's.
    auto other_port = ipv4("10.9.9.9", "10.0.0.5", tcp_protocol, tcp(40000, 22));
    BOOST_TEST(!takes(scope, ipv4("10.1.1.1", "10.9.9.9", icmp_protocol, icmp(11, other_port))));
    auto other_peer = ipv4("10.9.9.9", "10.0.0.7", tcp_protocol, tcp(40000, 5432));
    BOOST_TEST(!takes(scope, ipv4("10.1.1.1", "10.9.9.9", icmp_protocol, icmp(11, other_peer))));
    auto other_peer6 = ipv6("2001:db8::9", "2001:db8::7", tcp_protocol, tcp(40000, 5432));
    BOOST_TEST(!takes(scope, ipv6("2001:db8::1", "2001:db8::9", icmp6_protocol, icmp(3, other_peer6))));
    // An echo request to the peer that a router could not deliver (a `reachable` case).
    auto echo = ipv4("10.9.9.9", "10.0.0.5", icmp_protocol, icmp(8, {}));
    BOOST_TEST(takes(scope, ipv4("10.1.1.1", "10.9.9.9", icmp_protocol, icmp(3, echo))));
    // Echo between other hosts.
    BOOST_TEST(!takes(scope, ipv4("10.9.9.9", "10.0.0.8", icmp_protocol, icmp(8, {}))));
}

BOOST_AUTO_TEST_CASE(without_peers_the_ports_alone)
{
    PacketScope scope{{}, {53}};
    BOOST_TEST(takes(scope, ipv4("10.9.9.9", "10.0.0.53", 17, tcp(40000, 53))));
    BOOST_TEST(!takes(scope, ipv4("10.9.9.9", "10.0.0.53", 17, tcp(40000, 54))));
}

BOOST_AUTO_TEST_CASE(names_and_bad_ports_never_reach_the_filter_text)
{
    BOOST_TEST(packet_filter({{"db.internal", "1.2.3.4 or port 1"}, {0, 70000}}).empty());
    BOOST_TEST(packet_filter({{}, {}}).empty());
    auto filter = packet_filter({{"fe80::1%eth0", "db.internal"}, {5432}});
    BOOST_TEST(filter.find("fe80::1") != std::string::npos, filter);
    BOOST_TEST(filter.find("eth0") == std::string::npos, filter);
    BOOST_TEST(filter.find("db.internal") == std::string::npos, filter);
}
