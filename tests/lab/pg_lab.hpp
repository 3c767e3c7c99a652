// A throwaway PostgreSQL server (15, or another major from tests/lab/pg-fetch) for one test: tests/lab/pg-lab started in a fresh TempDir,
// stopped (and its folder removed) on destruction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/lab/lab.hpp"

namespace connspec::lab {

class PgLab {
public:
    struct Options {
        std::vector<std::string> conf;  // postgresql.conf lines, "max_connections = 20"
        std::vector<std::string> hba;   // pg_hba.conf lines placed before the lab's own
        bool ssl = true;
        int port = 0;                   // 0: a free port
        std::string password;           // of user app; empty: the lab's default
        std::string bin;                // server programs (PgLab::fetch(17)); empty: Debian's 15
    };

    // The folder of PostgreSQL `major`'s server programs (tests/lab/pg-fetch); throws when
    // they cannot be had.
    static std::string fetch(int major);

    PgLab();
    explicit PgLab(Options options);
    ~PgLab();
    PgLab(const PgLab&) = delete;
    PgLab& operator=(const PgLab&) = delete;

    static std::string script();  // the pg-lab script in the source tree

    const std::string& dir() const { return dir_.path(); }
    std::string host() const { return "127.0.0.1"; }
    int port() const { return port_; }
    std::string ca() const { return dir() + "/certs/ca.crt"; }
    std::string client_cert() const { return dir() + "/certs/client.crt"; }
    std::string client_key() const { return dir() + "/certs/client.key"; }
    std::string user() const { return "app"; }
    std::string database() const { return "app"; }
    const std::string& password() const { return password_; }
    // PGHOST, PGPORT, LAB_CA, ... and LAB_PASSWORD, as DIR/env sets them.
    std::map<std::string, std::string> env() const;

    // Runs SQL as the superuser over the lab's unix socket; the rows unaligned, "|"-separated.
    // Throws when psql fails.
    std::string sql(const std::string& statement) const;

private:
    TempDir dir_;
    std::string password_;
    std::string bin_;
    int port_ = 0;
};

}  // namespace connspec::lab
