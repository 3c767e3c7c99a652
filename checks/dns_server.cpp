// IP literals and DNS server addresses as suites write them: pure text, no network.
#include "checks/dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace connspec {

std::optional<std::string> normalize_ip_literal(std::string_view text)
{
    std::string host(text);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    char buffer[INET6_ADDRSTRLEN] = {};
    in_addr v4{};
    if (::inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return std::string(::inet_ntop(AF_INET, &v4, buffer, sizeof buffer));
    in6_addr v6{};
    if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1)
        return std::string(::inet_ntop(AF_INET6, &v6, buffer, sizeof buffer));
    return std::nullopt;
}

bool is_ipv4_literal(std::string_view numeric)
{
    return numeric.find(':') == std::string_view::npos;
}

std::optional<DnsServer> parse_dns_server(std::string_view text)
{
    auto port_of = [](std::string_view digits) -> std::optional<int> {
        int port = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (ec != std::errc{} || end != digits.data() + digits.size() || port < 1 || port > 65535)
            return std::nullopt;
        return port;
    };
    if (text.empty()) return std::nullopt;
    DnsServer server;
    if (text.front() == '[') {  // "[v6]" or "[v6]:port"
        auto close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        auto host = text.substr(1, close - 1);
        if (!normalize_ip_literal(host) || is_ipv4_literal(host)) return std::nullopt;
        server.host = std::string(host);
        auto rest = text.substr(close + 1);
        if (rest.empty()) return server;
        if (rest.front() != ':') return std::nullopt;
        auto port = port_of(rest.substr(1));
        if (!port) return std::nullopt;
        server.port = *port;
        return server;
    }
    if (std::count(text.begin(), text.end(), ':') > 1) {  // a bare IPv6 address
        if (!normalize_ip_literal(text)) return std::nullopt;
        server.host = std::string(text);
        return server;
    }
    auto colon = text.find(':');
    auto host = text.substr(0, colon);
    if (host.empty()) return std::nullopt;
    // A name: letters, digits, '-', '.', '_' only.
    for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
            return std::nullopt;
    server.host = std::string(host);
    if (colon != std::string_view::npos) {
        auto port = port_of(text.substr(colon + 1));
        if (!port) return std::nullopt;
        server.port = *port;
    }
    return server;
}

}  // namespace connspec
