// A target's `via`: the proxy every TCP connection of the target goes through, as written in
// the suite (plain data; the tunnel itself is checks/proxy_tunnel).
//
//   socks5://[user[:password]@]host:port   SOCKS5 (RFC 1928); connspec resolves the target
//   socks5h://...                          SOCKS5; the proxy resolves the target's name
//   http://[user[:password]@]host:port     HTTP CONNECT, Basic authentication with a user
//
// The password is a secret: from the URL, or at run time from `via_password_env`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace connspec {

enum class ProxyScheme { socks5, socks5h, http };

struct Proxy {
    ProxyScheme scheme = ProxyScheme::socks5;
    std::string host;          // name or numeric address (IPv6 without brackets)
    int port = 0;
    std::string user;          // empty: no authentication offered
    std::string password;      // from the URL (a secret); see password_env
    std::string password_env;  // via_password_env: the variable holding the password

    // The proxy resolves the target's name (socks5h): connspec does not.
    bool resolves_names() const { return scheme == ProxyScheme::socks5h; }
    // "socks5://proxy.internal:1080", never the user or password.
    std::string display() const;
};

std::string_view to_string(ProxyScheme scheme);

struct ProxyParse {
    std::optional<Proxy> proxy;
    std::string problem;  // why `text` is not a proxy URL; never quotes the password
};

// Parses a `via` URL. Percent-escapes in the user and password are decoded.
ProxyParse parse_proxy_url(std::string_view text);

}  // namespace connspec
