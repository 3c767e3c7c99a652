#include "tests/lab/stall_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace connspec::lab {

StallServer::StallServer(std::string reply, bool accept_connections) : reply_(std::move(reply))
{
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0
        || ::listen(listen_fd_, 64) != 0
        || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("StallServer: cannot listen on loopback");
    port_ = ntohs(address.sin_port);
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
    if (accept_connections) thread_ = std::thread([this] { serve(); });
}

StallServer::~StallServer()
{
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    for (int fd : connections_) ::close(fd);
    ::close(listen_fd_);
    ::close(stop_fd_);
}

void StallServer::serve()
{
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) continue;
        if (fds[1].revents) return;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        ++accepted_;
        if (!reply_.empty()) {
            // Wait for the client's first bytes (the SSLRequest), answer, then say nothing more.
            pollfd in[2] = {{fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
            if (::poll(in, 2, 10000) > 0 && !in[1].revents) {
                char request[64];
                [[maybe_unused]] auto r = ::recv(fd, request, sizeof request, 0);
                [[maybe_unused]] auto w = ::send(fd, reply_.data(), reply_.size(), MSG_NOSIGNAL);
            }
        }
        connections_.push_back(fd);  // held open, silent, until destruction
    }
}

}  // namespace connspec::lab
