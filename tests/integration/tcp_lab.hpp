// Loopback TCP endpoints the tcp_* and dns_* tests bind themselves: a port that accepts, and
// a port that never answers (a filtered port, without touching any firewall).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace connspec::lab {

// A listening socket on `address` (127.0.0.1 or ::1) and `port` (0: one the kernel picks).
// The kernel completes handshakes by itself, so connections are accepted without accept().
class TcpListener {
public:
    explicit TcpListener(const std::string& address = "127.0.0.1", int port = 0, int backlog = 128)
        : address_(address)
    {
        bool v6 = address.find(':') != std::string::npos;
        fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        sockaddr_storage storage{};
        socklen_t length = 0;
        if (v6) {
            auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
            a->sin6_family = AF_INET6;
            a->sin6_port = htons(static_cast<uint16_t>(port));
            ::inet_pton(AF_INET6, address.c_str(), &a->sin6_addr);
            length = sizeof *a;
        } else {
            auto* a = reinterpret_cast<sockaddr_in*>(&storage);
            a->sin_family = AF_INET;
            a->sin_port = htons(static_cast<uint16_t>(port));
            ::inet_pton(AF_INET, address.c_str(), &a->sin_addr);
            length = sizeof *a;
        }
        auto* raw = reinterpret_cast<sockaddr*>(&storage);
        if (::bind(fd_, raw, length) != 0 || ::listen(fd_, backlog) != 0 ||
            ::getsockname(fd_, raw, &length) != 0) {
            ::close(fd_);
            throw std::runtime_error("cannot listen on " + address + ": " + std::strerror(errno));
        }
        port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                         : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
    }
    ~TcpListener() { ::close(fd_); }
    TcpListener(const TcpListener&) = delete;
    TcpListener& operator=(const TcpListener&) = delete;

    const std::string& address() const { return address_; }
    int port() const { return port_; }

private:
    std::string address_;
    int fd_ = -1;
    int port_ = 0;
};

// A port whose SYNs go unanswered, like one behind a firewall that drops packets: a listener
// with a backlog of one that never accepts, filled by one connection of its own. The kernel
// drops further SYNs while the accept queue is full.
class FilteredPort {
public:
    FilteredPort() : listener_("127.0.0.1", 0, 0)
    {
        filler_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(listener_.port()));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (filler_ < 0 || ::connect(filler_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            throw std::runtime_error("cannot fill the backlog");
    }
    ~FilteredPort() { ::close(filler_); }
    FilteredPort(const FilteredPort&) = delete;
    FilteredPort& operator=(const FilteredPort&) = delete;

    int port() const { return listener_.port(); }

private:
    TcpListener listener_;
    int filler_ = -1;
};

// Connections to 127.0.0.1:port still waiting for the SYN's answer (state SYN_SENT): a case
// blocked on a FilteredPort has sent its SYN.
inline int syn_sent_to(int port)
{
    char wanted[16];
    std::snprintf(wanted, sizeof wanted, ":%04X", port);
    std::ifstream table("/proc/net/tcp");
    std::string line;
    int count = 0;
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state;
        fields >> slot >> local >> remote >> state;
        if (state == "02" && remote.size() > 5 && remote.substr(remote.size() - 5) == wanted) ++count;
    }
    return count;
}

}  // namespace connspec::lab
