#include "core/proxy.hpp"

#include <fmt/format.h>

#include <cctype>

namespace connspec {
namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX decoded; nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

ProxyParse problem(std::string text)
{
    ProxyParse p;
    p.problem = std::move(text);
    return p;
}

}  // namespace

std::string_view to_string(ProxyScheme scheme)
{
    switch (scheme) {
    case ProxyScheme::socks5: return "socks5";
    case ProxyScheme::socks5h: return "socks5h";
    case ProxyScheme::http: return "http";
    }
    return "socks5";
}

std::string Proxy::display() const
{
    bool v6 = host.find(':') != std::string::npos;
    return v6 ? fmt::format("{}://[{}]:{}", to_string(scheme), host, port)
              : fmt::format("{}://{}:{}", to_string(scheme), host, port);
}

ProxyParse parse_proxy_url(std::string_view text)
{
    constexpr std::string_view expected =
        "`via` must be socks5://HOST:PORT, socks5h://HOST:PORT or http://HOST:PORT, with an "
        "optional USER@ before the host";
    Proxy proxy;
    auto sep = text.find("://");
    if (sep == std::string_view::npos) return problem(std::string{expected});
    std::string scheme;
    for (char c : text.substr(0, sep)) scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme == "socks5")
        proxy.scheme = ProxyScheme::socks5;
    else if (scheme == "socks5h")
        proxy.scheme = ProxyScheme::socks5h;
    else if (scheme == "http")
        proxy.scheme = ProxyScheme::http;
    else if (scheme == "https" || scheme == "socks4" || scheme == "socks4a" || scheme == "socks")
        return problem(fmt::format("`via` scheme \"{}\" is not supported: use socks5://, "
                                   "socks5h:// or http:// (HTTP CONNECT)",
                                   scheme));
    else
        return problem(std::string{expected});

    std::string_view rest = text.substr(sep + 3);
    // A trailing slash is harmless; any other path, query or fragment is a mistake.
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.find_first_of("/?#") != std::string_view::npos)
        return problem("`via` is a proxy address only: no path, query or fragment");

    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        std::string_view user = userinfo, password;
        bool has_password = false;
        if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
            user = userinfo.substr(0, colon);
            password = userinfo.substr(colon + 1);
            has_password = true;
        }
        auto decoded_user = percent_decode(user);
        auto decoded_password = percent_decode(password);
        if (!decoded_user || !decoded_password)
            return problem("`via` has a broken %-escape in its user or password");
        if (decoded_user->empty()) return problem("`via` has an empty user before `@`");
        if (decoded_user->size() > 255 || decoded_password->size() > 255)
            return problem("`via` user and password must be at most 255 bytes each (RFC 1929)");
        proxy.user = *decoded_user;
        if (has_password) proxy.password = *decoded_password;
    }

    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string_view::npos) return problem("`via` has an unclosed `[` in its host");
        proxy.host = std::string{rest.substr(1, close - 1)};
        rest = rest.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return problem(std::string{expected});
        if (!rest.empty()) port_text = rest.substr(1);
    } else {
        auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) {
            proxy.host = std::string{rest};
        } else {
            proxy.host = std::string{rest.substr(0, colon)};
            port_text = rest.substr(colon + 1);
        }
    }
    if (proxy.host.empty()) return problem("`via` names no proxy host");
    if (port_text.empty()) {
        if (proxy.scheme == ProxyScheme::http)
            return problem("`via` needs the proxy's port (http://HOST:PORT, often 3128 or 8080)");
        return problem("`via` needs the proxy's port (socks5://HOST:PORT, usually 1080)");
    }
    int port = 0;
    for (char c : port_text) {
        if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535)
            return problem("`via` port must be a number from 1 to 65535");
        port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return problem("`via` port must be a number from 1 to 65535");
    proxy.port = port;
    ProxyParse parsed;
    parsed.proxy = std::move(proxy);
    return parsed;
}

}  // namespace connspec
