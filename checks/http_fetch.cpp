#include "checks/http_fetch.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <poll.h>

#include <array>
#include <memory>

#include <fmt/format.h>

#include "checks/net.hpp"

namespace connspec {
namespace {

struct OpenSslString {
    char* text = nullptr;
    ~OpenSslString() { OPENSSL_free(text); }
};

std::string openssl_problem()
{
    unsigned long code = ERR_peek_last_error();
    if (code == 0) return "no details";
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

}  // namespace

HttpFetch http_fetch_asn1(const std::string& url, const ASN1_ITEM* request_it,
                          const ASN1_VALUE* request, const char* content_type,
                          const ASN1_ITEM* response_it, Deadline deadline, const StopSignal& stop)
{
    HttpFetch fetch;
    int ssl = 0, port = 0;
    OpenSslString user, host, port_text, path, query, fragment;
    ERR_clear_error();
    if (OSSL_HTTP_parse_url(url.c_str(), &ssl, &user.text, &host.text, &port_text.text, &port,
                            &path.text, &query.text, &fragment.text)
        != 1) {
        fetch.problem = fmt::format("cannot parse the URL {}", url);
        ERR_clear_error();
        return fetch;
    }
    if (ssl) {
        fetch.problem = fmt::format("{}: only plain http is fetched", url);
        return fetch;
    }
    ResolveResult resolved = resolve_host(host.text, AddressFamily::any, std::nullopt, deadline, stop);
    if (!resolved.ok()) {
        fetch.stopped = stop.requested();
        fetch.timed_out = resolved.failure->category == "dns.timeout";
        fetch.problem = fmt::format("{}: {}", url, resolved.failure->message);
        return fetch;
    }
    ConnectResult connection;
    for (const auto& address : resolved.addresses) {
        connection = connect_tcp(address, port, deadline, stop);
        if (connection.ok() || stop.requested() || millis_left(deadline) == 0) break;
    }
    if (!connection.ok()) {
        fetch.stopped = stop.requested();
        fetch.timed_out = connection.failure->category == "tcp.timeout";
        fetch.problem = fmt::format("{}: {}", url, connection.failure->message);
        return fetch;
    }
    const int fd = connection.fd.get();
    // Requests go straight to the socket; answers are read through a buffer, which gives the
    // client the line reads (BIO_gets) a socket BIO lacks.
    BIO* socket = BIO_new_socket(fd, BIO_NOCLOSE);
    BIO* buffer = BIO_new(BIO_f_buffer());
    if (buffer && socket) BIO_push(buffer, socket);
    else BIO_free(socket);
    std::unique_ptr<BIO, decltype(&BIO_free_all)> bio(buffer, BIO_free_all);
    std::unique_ptr<OSSL_HTTP_REQ_CTX, decltype(&OSSL_HTTP_REQ_CTX_free)> rctx(
        bio && socket ? OSSL_HTTP_REQ_CTX_new(socket, buffer, 0) : nullptr, OSSL_HTTP_REQ_CTX_free);
    std::string target = path.text ? path.text : "/";
    if (query.text && *query.text) target += std::string("?") + query.text;
    bool ready = rctx
                 && OSSL_HTTP_REQ_CTX_set_request_line(rctx.get(), request != nullptr, nullptr,
                                                       nullptr, target.c_str())
                        == 1
                 && OSSL_HTTP_REQ_CTX_add1_header(rctx.get(), "Host", host.text) == 1
                 && (!request
                     || OSSL_HTTP_REQ_CTX_set1_req(rctx.get(), content_type, request_it, request) == 1)
                 && OSSL_HTTP_REQ_CTX_set_expected(rctx.get(), nullptr, 1, 0, 0) == 1;
    if (!ready) {
        fetch.problem = fmt::format("{}: cannot make the HTTP request: {}", url, openssl_problem());
        ERR_clear_error();
        return fetch;
    }
    OSSL_HTTP_REQ_CTX_set_max_response_length(rctx.get(), 16 * 1024 * 1024);
    for (;;) {
        ERR_clear_error();
        ASN1_VALUE* value = nullptr;
        int r = OSSL_HTTP_REQ_CTX_nbio_d2i(rctx.get(), &value, response_it);
        if (r == 1 && value) {
            fetch.value = value;
            return fetch;
        }
        if (r != -1) {
            fetch.problem = fmt::format("{}: {}", url, openssl_problem());
            ERR_clear_error();
            return fetch;
        }
        short events = BIO_should_write(socket) ? POLLOUT : POLLIN;
        switch (wait_fd(fd, events, deadline, stop)) {
        case WaitStatus::ready: break;
        case WaitStatus::stopped:
            fetch.stopped = true;
            fetch.problem = "interrupted";
            return fetch;
        case WaitStatus::timeout:
            fetch.timed_out = true;
            fetch.problem = fmt::format("{}: no complete answer before the deadline", url);
            return fetch;
        }
    }
}

}  // namespace connspec
