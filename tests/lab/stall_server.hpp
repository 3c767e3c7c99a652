// A loopback TCP server that accepts, optionally sends fixed bytes (PostgreSQL's 'S'), and
// then stays silent: the case a deadline must cut short. With accept_connections = false it
// only listens, so the kernel completes TCP handshakes that nobody ever reads.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace connspec::lab {

class StallServer {
public:
    explicit StallServer(std::string reply = {}, bool accept_connections = true);
    ~StallServer();
    StallServer(const StallServer&) = delete;
    StallServer& operator=(const StallServer&) = delete;

    std::string host() const { return "127.0.0.1"; }
    int port() const { return port_; }
    int accepted() const { return accepted_.load(); }

private:
    void serve();

    std::string reply_;
    int listen_fd_ = -1;
    int stop_fd_ = -1;
    int port_ = 0;
    std::atomic<int> accepted_{0};
    std::vector<int> connections_;
    std::thread thread_;
};

}  // namespace connspec::lab
