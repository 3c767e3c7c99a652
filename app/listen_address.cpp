#include "app/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>

#include <fmt/format.h>

namespace connspec {

bool ListenAddress::is_loopback() const
{
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

std::string ListenAddress::text() const
{
    if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

ParsedListen parse_listen_address(const std::string& text)
{
    auto bad = [&](const std::string& why) {
        return ParsedListen{std::nullopt, fmt::format("--listen: \"{}\" {} (like 127.0.0.1:9469, "
                                                      "[::1]:9469 or 0.0.0.0:9469)", text, why)};
    };
    auto colon = text.rfind(':');
    if (colon == std::string::npos) return bad("has no :PORT");
    std::string host = text.substr(0, colon);
    std::string port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string::npos) return bad("needs brackets around an IPv6 address");
    if (host.empty()) host = "127.0.0.1";
    int port = -1;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
        port < 0 || port > 65535)
        return bad("has no port between 0 and 65535");
    in_addr v4{};
    in6_addr v6{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) != 1 && ::inet_pton(AF_INET6, host.c_str(), &v6) != 1)
        return bad("is not an IP address and port");
    return ParsedListen{ListenAddress{host, port}, {}};
}

}  // namespace connspec
