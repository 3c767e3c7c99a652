// A small HTTP server for watch, over cpp-httplib (Debian's libcpp-httplib-dev): GET routes
// registered before start, served from a few threads, stopped within a second. Handlers get
// the request's path and query parameters and return a whole response; nothing else of
// httplib shows outside app/http_server.cpp.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "app/listen_address.hpp"

namespace connspec {

struct HttpRequest {
    std::string path;
    std::map<std::string, std::string> params;  // the query string, decoded
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

class HttpServer {
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;

    HttpServer();
    ~HttpServer();  // stops
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Serves GET (and HEAD) `path` (exact match) with `handler`; call before start().
    void get(const std::string& path, Handler handler);

    // Binds and starts serving on its own threads; an error message when it cannot bind.
    std::optional<std::string> start(const ListenAddress& address);
    // The bound port (the chosen one when the address asked for port 0).
    int port() const { return port_; }
    // Stops accepting and ends the serving threads; returns within about a second.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int port_ = 0;
};

}  // namespace connspec
