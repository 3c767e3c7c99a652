// Where `connspec watch` serves: "ADDR:PORT", "[IPV6]:PORT" or ":PORT" (loopback).
#pragma once

#include <optional>
#include <string>

namespace connspec {

struct ListenAddress {
    std::string host = "127.0.0.1";  // an IP literal (IPv6 without brackets)
    int port = 9469;

    bool is_loopback() const;
    // "127.0.0.1:9469", "[::1]:9469".
    std::string text() const;
};

// Parses --listen; an error message (naming the value) when it is not ADDR:PORT with an IP
// address and a port 0..65535 (0: any free port). ":PORT" means 127.0.0.1.
struct ParsedListen {
    std::optional<ListenAddress> address;
    std::string error;
};
ParsedListen parse_listen_address(const std::string& text);

}  // namespace connspec
