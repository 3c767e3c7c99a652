// A pgbouncer (Debian's) in front of a lab server, as a TLS-terminating hop: clients must use
// TLS to reach it (client_tls_sslmode = require, the lab's server certificate), while it talks
// to the server in plain text (server_tls_sslmode = disable). Started on a free loopback port
// with its own configuration, stopped on destruction. As root it runs as the lab's system user
// (pgbouncer refuses to run as root).
#pragma once

#include <memory>
#include <string>

#include "tests/lab/lab.hpp"
#include "tests/lab/pg_lab.hpp"

namespace connspec::lab {

class PgBouncer {
public:
    // Pools database `app` of `server` for user app (with the lab's password).
    explicit PgBouncer(const PgLab& server);
    ~PgBouncer();
    PgBouncer(const PgBouncer&) = delete;
    PgBouncer& operator=(const PgBouncer&) = delete;

    std::string host() const { return "127.0.0.1"; }
    int port() const { return port_; }
    std::string log() const;

private:
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<Process> process_;
};

}  // namespace connspec::lab
