// Real proxies for one test, on loopback ports, stopped on destruction: dante's danted
// (SOCKS5, with or without a user), tinyproxy (HTTP CONNECT, Basic authentication and a
// ConnectPort allow list) and `ssh -D` to a throwaway sshd (a bastion: own host key, own
// authorized_keys). Each waits until its port accepts before the constructor returns.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/lab/lab.hpp"

namespace connspec::lab {

class Danted {
public:
    struct Options {
        bool require_user = false;      // socksmethod username (system users, see socks_user())
        std::vector<int> blocked_ports; // `socks block` rules for 127.0.0.1 and these ports
    };
    Danted();
    explicit Danted(Options options);
    int port() const { return port_; }
    std::string url() const;  // socks5://127.0.0.1:PORT
    std::string log() const;

private:
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<Process> process_;
};

// The system user danted authenticates (created with useradd when missing); its password
// is set to `password` with chpasswd. Returns the user's name; throws without root.
std::string socks_user(const std::string& password);

class Tinyproxy {
public:
    struct Options {
        std::string user;               // BasicAuth user; empty: no authentication
        std::string password;
        std::vector<int> connect_ports; // ConnectPort allow list; empty: any port
    };
    Tinyproxy();
    explicit Tinyproxy(Options options);
    int port() const { return port_; }
    std::string url() const;  // http://[USER@]127.0.0.1:PORT

private:
    Options options_;
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<Process> process_;
};

// sshd on a loopback port and `ssh -N -D` to it as the current user: a SOCKS5 proxy whose
// connections leave from the bastion.
class SshBastion {
public:
    SshBastion();
    int port() const { return socks_port_; }  // the SOCKS5 port of `ssh -D`
    std::string url() const;                  // socks5://127.0.0.1:PORT
    std::string sshd_log() const;

private:
    TempDir dir_;
    int sshd_port_ = 0;
    int socks_port_ = 0;
    std::unique_ptr<Process> sshd_;
    std::unique_ptr<Process> ssh_;
};

}  // namespace connspec::lab
