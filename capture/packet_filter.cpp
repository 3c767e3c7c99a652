#include "capture/packet_filter.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace connspec {
namespace {

struct Numeric {
    std::vector<std::string> v4, v6;  // as inet_ntop writes them
    std::vector<std::uint32_t> v4_words;
    std::vector<std::array<std::uint32_t, 4>> v6_words;
};

// Only numeric addresses reach the filter text (a scope id like %eth0 is dropped: the filter
// language has no use for it).
Numeric numeric_hosts(const std::vector<std::string>& hosts)
{
    Numeric n;
    for (const auto& host : hosts) {
        std::string address = host.substr(0, host.find('%'));
        in_addr v4{};
        in6_addr v6{};
        char text[INET6_ADDRSTRLEN] = {};
        if (::inet_pton(AF_INET, address.c_str(), &v4) == 1) {
            ::inet_ntop(AF_INET, &v4, text, sizeof text);
            n.v4.emplace_back(text);
            n.v4_words.push_back(ntohl(v4.s_addr));
        } else if (::inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
            ::inet_ntop(AF_INET6, &v6, text, sizeof text);
            n.v6.emplace_back(text);
            std::array<std::uint32_t, 4> words{};
            for (std::size_t i = 0; i < 4; ++i) {
                std::uint32_t w = 0;
                std::memcpy(&w, &v6.s6_addr[i * 4], 4);
                words[i] = ntohl(w);
            }
            n.v6_words.push_back(words);
        }
    }
    return n;
}

std::string any_of(const std::vector<std::string>& terms)
{
    if (terms.empty()) return "";
    if (terms.size() == 1) return terms.front();
    std::string joined;
    for (const auto& t : terms) joined += (joined.empty() ? "(" : " or ") + t;
    return joined + ")";
}

// ICMP errors quote the packet they are about right after their 8-byte header: for IPv4 an IP
// header of variable length (its destination at byte 16, its protocol at byte 9), then the
// TCP/UDP ports; for IPv6 a fixed 40-byte header (destination at byte 24; extension headers
// in the quoted packet are not looked through).
constexpr const char* icmp4_error =
    "icmp and (icmp[icmptype] == icmp-unreach or icmp[icmptype] == icmp-timxceed or "
    "icmp[icmptype] == icmp-paramprob or icmp[icmptype] == icmp-sourcequench)";
constexpr const char* icmp6_error = "icmp6 and icmp6[icmp6type] < 128";

std::string quoted_port4(int port)
{
    return fmt::format("icmp[8 + ((icmp[8] & 0xf) << 2) + 2:2] == {}", port);
}

std::string quoted_port6(int port)
{
    return fmt::format("icmp6[50:2] == {}", port);
}

}  // namespace

std::string packet_filter(const PacketScope& scope)
{
    Numeric hosts = numeric_hosts(scope.hosts);
    std::vector<std::string> ports, quoted4, quoted6;
    for (int p : scope.ports) {
        if (p < 1 || p > 65535) continue;
        ports.push_back(fmt::format("port {}", p));
        quoted4.push_back(quoted_port4(p));
        quoted6.push_back(quoted_port6(p));
    }
    // An ICMP error about ICMP (an echo request a router could not deliver) has no ports.
    quoted4.push_back("icmp[17] == 1");
    quoted6.push_back("icmp6[14] == 58");

    if (hosts.v4.empty() && hosts.v6.empty()) {
        // Peers unknown: the ports alone, and the errors about packets to those ports.
        if (ports.empty()) return "";
        quoted4.pop_back();
        quoted6.pop_back();
        return fmt::format("{} or ({} and {}) or ({} and {})", any_of(ports), icmp4_error,
                           any_of(quoted4), icmp6_error, any_of(quoted6));
    }

    std::vector<std::string> peers, errors;
    for (const auto& a : hosts.v4) peers.push_back("host " + a);
    for (const auto& a : hosts.v6) peers.push_back("host " + a);
    std::vector<std::string> own = ports;
    own.push_back("icmp");
    own.push_back("icmp6");
    std::string filter = fmt::format("({} and {})", any_of(peers), any_of(own));
    for (auto word : hosts.v4_words)
        filter += fmt::format(" or ({} and icmp[24:4] == 0x{:08x} and {})", icmp4_error, word,
                              any_of(quoted4));
    for (const auto& words : hosts.v6_words)
        filter += fmt::format(
            " or ({} and icmp6[32:4] == 0x{:08x} and icmp6[36:4] == 0x{:08x} and "
            "icmp6[40:4] == 0x{:08x} and icmp6[44:4] == 0x{:08x} and {})",
            icmp6_error, words[0], words[1], words[2], words[3], any_of(quoted6));
    return filter;
}

}  // namespace connspec
