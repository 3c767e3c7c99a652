// `openssl s_server -www` on a free loopback port, for the tls and certificate tests:
// started and polled until it accepts, stopped on destruction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/lab/lab.hpp"

namespace connspec::lab {

class TlsServer {
public:
    struct Options {
        std::string cert;   // PEM: the leaf
        std::string key;
        std::string chain;  // PEM: intermediates sent after the leaf; empty: none
        // Require a client certificate issued by this CA file; empty: none asked for.
        std::string client_ca;
        // More s_server arguments: {"-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"}.
        std::vector<std::string> extra;
    };

    explicit TlsServer(Options options);
    ~TlsServer();
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    std::string host() const { return "127.0.0.1"; }
    int port() const { return port_; }
    // The server's own output (its handshake errors), for failing tests.
    std::string log() const;

private:
    TempDir dir_;
    std::unique_ptr<Process> process_;
    int port_ = 0;
};

}  // namespace connspec::lab
