// The `server` a resolves case asks: "host:port", "host" (port 53), "[v6]:port" or a bare v6.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace connspec {

struct DnsServer {
    std::string host;  // an IP literal or a name, without brackets
    int port = 53;
};

// nullopt when `text` is not one of the accepted forms (or the port is out of 1..65535).
std::optional<DnsServer> parse_dns_server(std::string_view text);

// The numeric form of an IP literal ("::0001" -> "::1"; brackets allowed), or nullopt for
// anything that is not an IPv4/IPv6 literal. Never touches the network.
std::optional<std::string> normalize_ip_literal(std::string_view text);

// True for "10.0.0.5", false for "::1" (which must be a valid literal).
bool is_ipv4_literal(std::string_view numeric);

}  // namespace connspec
