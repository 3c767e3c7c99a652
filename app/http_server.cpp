#include "app/http_server.hpp"

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <thread>

#include <httplib.h>

namespace connspec {

struct HttpServer::Impl {
    httplib::Server server;
    std::thread thread;
    std::atomic<bool> returned{false};  // listen_after_bind returned
};

HttpServer::HttpServer() : impl_(std::make_unique<Impl>())
{
    auto& server = impl_->server;
    // Two serving threads are plenty for a few scrapers, and cost no CPU while idle.
    server.new_task_queue = [] { return new httplib::ThreadPool(2); };
    // One request per connection, and short waits for a slow client: a worker that waits on
    // an idle connection delays stop() by at most about a second.
    server.set_keep_alive_max_count(1);
    server.set_keep_alive_timeout(1);
    server.set_read_timeout(1, 0);
    server.set_write_timeout(1, 0);
    server.set_payload_max_length(64 * 1024);
    // httplib's default sets SO_REUSEPORT, which would let a second watch bind the same port
    // and take half the scrapes: only SO_REUSEADDR (a restart may rebind at once).
    server.set_socket_options([](int sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
}

HttpServer::~HttpServer()
{
    stop();
}

void HttpServer::get(const std::string& path, Handler handler)
{
    std::string pattern;
    for (char ch : path) {
        // Paths are literal; httplib's patterns are regular expressions.
        if (std::string_view(".^$|()[]{}*+?\\").find(ch) != std::string_view::npos) pattern += '\\';
        pattern += ch;
    }
    impl_->server.Get(pattern, [handler = std::move(handler)](const httplib::Request& req,
                                                             httplib::Response& res) {
        HttpRequest request{req.path, {}};
        for (const auto& [key, value] : req.params) request.params.emplace(key, value);
        HttpResponse response;
        try {
            response = handler(request);
        } catch (const std::exception& e) {
            response = {500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n"};
        }
        res.status = response.status;
        res.set_content(std::move(response.body), response.content_type.c_str());
    });
}

std::optional<std::string> HttpServer::start(const ListenAddress& address)
{
    auto& server = impl_->server;
    if (address.port == 0) {
        port_ = server.bind_to_any_port(address.host);
        if (port_ <= 0) return "cannot listen on " + address.text() + ": " + std::strerror(errno);
    } else {
        if (!server.bind_to_port(address.host, address.port))
            return "cannot listen on " + address.text() + ": " + std::strerror(errno);
        port_ = address.port;
    }
    impl_->thread = std::thread([this] {
        impl_->server.listen_after_bind();
        impl_->returned = true;
    });
    // stop() only reaches a server that runs: wait for the thread to get there (microseconds).
    while (!server.is_running() && !impl_->returned) std::this_thread::yield();
    return std::nullopt;
}

void HttpServer::stop()
{
    if (!impl_->thread.joinable()) return;
    impl_->server.stop();
    impl_->thread.join();
}

}  // namespace connspec
