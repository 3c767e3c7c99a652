#include "checks/tls_session.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

namespace connspec {

std::optional<TlsVersion> parse_tls_version(std::string_view text)
{
    if (text == "1.0") return TlsVersion::v1_0;
    if (text == "1.1") return TlsVersion::v1_1;
    if (text == "1.2") return TlsVersion::v1_2;
    if (text == "1.3") return TlsVersion::v1_3;
    return std::nullopt;
}

std::string_view tls_version_name(TlsVersion version)
{
    switch (version) {
    case TlsVersion::v1_0: return "TLSv1.0";
    case TlsVersion::v1_1: return "TLSv1.1";
    case TlsVersion::v1_2: return "TLSv1.2";
    case TlsVersion::v1_3: return "TLSv1.3";
    }
    return "TLS?";
}

bool is_ip_literal(std::string_view host)
{
    std::string text(host);
    if (text.size() > 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    std::array<unsigned char, 16> buffer{};
    return inet_pton(AF_INET, text.c_str(), buffer.data()) == 1
        || inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1;
}

std::string server_name_for(const std::string& preferred, const std::string& host)
{
    // RFC 6066: a literal IP address is not permitted as a server name.
    if (!preferred.empty() && !is_ip_literal(preferred)) return preferred;
    if (!host.empty() && !is_ip_literal(host)) return host;
    return {};
}

namespace {

int openssl_version(TlsVersion version)
{
    switch (version) {
    case TlsVersion::v1_0: return TLS1_VERSION;
    case TlsVersion::v1_1: return TLS1_1_VERSION;
    case TlsVersion::v1_2: return TLS1_2_VERSION;
    case TlsVersion::v1_3: return TLS1_3_VERSION;
    }
    return 0;
}

struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};

// OpenSSL writes to the socket with write(2): a peer that already closed would raise
// SIGPIPE and end the whole run. Ignore it, unless the program chose a handler itself.
void ignore_sigpipe_once()
{
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction current {};
        if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
            std::signal(SIGPIPE, SIG_IGN);
    });
}

// Never prompt on the terminal for a key passphrase: a run must not hang.
int refuse_passphrase(char*, int, int, void*)
{
    return 0;
}

// What the server did, seen through OpenSSL's message callback.
struct HandshakeTrace {
    bool client_hello_sent = false;
    bool server_hello_seen = false;
    bool certificate_request_seen = false;
    bool session_ticket_seen = false;  // TLS 1.3: the server accepted our certificate (or none)
    int alert_received = -1;  // description of the first alert from the server
    bool alert_received_before_server_hello = false;
    int alert_sent = -1;      // description of the first alert we sent
};

void trace_message(int write_p, int, int content_type, const void* buf, std::size_t len, SSL*,
                   void* arg)
{
    auto& trace = *static_cast<HandshakeTrace*>(arg);
    const auto* bytes = static_cast<const unsigned char*>(buf);
    if (len == 0) return;
    if (content_type == SSL3_RT_HANDSHAKE) {
        if (write_p && bytes[0] == SSL3_MT_CLIENT_HELLO) trace.client_hello_sent = true;
        if (!write_p && bytes[0] == SSL3_MT_SERVER_HELLO) trace.server_hello_seen = true;
        if (!write_p && bytes[0] == SSL3_MT_CERTIFICATE_REQUEST)
            trace.certificate_request_seen = true;
        if (!write_p && bytes[0] == SSL3_MT_NEWSESSION_TICKET) trace.session_ticket_seen = true;
    } else if (content_type == SSL3_RT_ALERT && len >= 2) {
        if (!write_p && trace.alert_received < 0) {
            trace.alert_received = bytes[1];
            trace.alert_received_before_server_hello = !trace.server_hello_seen;
        }
        if (write_p && trace.alert_sent < 0) trace.alert_sent = bytes[1];
    }
}

std::string alert_name(int description)
{
    return SSL_alert_desc_string_long(description);
}

// The first queued OpenSSL error as text, or empty.
std::string openssl_error_text()
{
    unsigned long code = ERR_peek_error();
    if (code == 0) return {};
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

bool is_unexpected_eof(unsigned long code)
{
    return ERR_GET_LIB(code) == ERR_LIB_SSL
        && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

std::string describe_byte(unsigned char byte)
{
    if (byte >= 0x20 && byte < 0x7f) return fmt::format("'{}' (0x{:02x})", char(byte), byte);
    return fmt::format("0x{:02x}", byte);
}

TlsHandshake ended(TlsEnd end, std::string detail)
{
    TlsHandshake h;
    h.end = end;
    h.detail = std::move(detail);
    return h;
}

// Waits for `events` on fd; nullopt when ready, else the handshake's end.
std::optional<TlsHandshake> wait_for(int fd, short events, Deadline deadline,
                                     const StopSignal& stop, const char* waiting_for)
{
    switch (wait_fd(fd, events, deadline, stop)) {
    case WaitStatus::ready: return std::nullopt;
    case WaitStatus::stopped: return ended(TlsEnd::stopped, "interrupted");
    case WaitStatus::timeout:
        return ended(TlsEnd::timeout, fmt::format("no {} before the deadline", waiting_for));
    }
    return std::nullopt;
}

// PostgreSQL's SSLRequest: length 8, code 80877103; the server answers one byte
// (read_ssl_answer).
std::optional<TlsHandshake> send_ssl_request(int fd, Deadline deadline, const StopSignal& stop)
{
    static constexpr std::array<unsigned char, 8> request{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    std::size_t sent = 0;
    while (sent < request.size()) {
        ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (auto end = wait_for(fd, POLLOUT, deadline, stop, "room to send the SSLRequest"))
                return end;
            continue;
        }
        return ended(TlsEnd::failed,
                     fmt::format("sending the SSLRequest failed: {}", std::strerror(errno)));
    }
    return std::nullopt;
}

// 'S': go on with the handshake (nullopt); 'N': no TLS; anything else is a failure.
std::optional<TlsHandshake> read_ssl_answer(int fd, Deadline deadline, const StopSignal& stop)
{
    for (;;) {
        unsigned char answer = 0;
        // Exactly one byte: anything after 'S' belongs to the TLS handshake.
        ssize_t n = ::recv(fd, &answer, 1, 0);
        if (n == 1) {
            if (answer == 'S') return std::nullopt;
            if (answer == 'N') return ended(TlsEnd::unsupported, "server does not offer TLS");
            return ended(TlsEnd::failed,
                         fmt::format("server answered the SSLRequest with {} instead of 'S' or 'N'",
                                     describe_byte(answer)));
        }
        if (n == 0)
            return ended(TlsEnd::failed, "server closed the connection after the SSLRequest");
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            if (auto end = wait_for(fd, POLLIN, deadline, stop, "answer to the SSLRequest"))
                return end;
            continue;
        }
        return ended(TlsEnd::failed, fmt::format("reading the answer to the SSLRequest failed: {}",
                                                 std::strerror(errno)));
    }
}

// Everything but the versions, which each connection sets (see SharedTlsContext).
std::unique_ptr<SSL_CTX, SslCtxFree> client_context(const TlsClientOptions& options,
                                                    std::string& problem)
{
    std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
        problem = "cannot create a TLS context: " + openssl_error_text();
        return nullptr;
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // the certificate case judges it
    SSL_CTX_set_default_passwd_cb(ctx.get(), refuse_passphrase);
    if (options.security_level_zero) {
        SSL_CTX_set_security_level(ctx.get(), 0);
        if (SSL_CTX_set_cipher_list(ctx.get(), "DEFAULT:@SECLEVEL=0") != 1) {
            problem = "this client cannot enable legacy ciphers: " + openssl_error_text();
            return nullptr;
        }
    }
    if (!options.client_cert.empty()) {
        if (SSL_CTX_use_certificate_chain_file(ctx.get(), options.client_cert.c_str()) != 1) {
            problem = fmt::format("cannot load the client certificate {}: {}", options.client_cert,
                                  openssl_error_text());
            return nullptr;
        }
        const std::string& key = options.client_key.empty() ? options.client_cert
                                                            : options.client_key;
        if (SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1
            || SSL_CTX_check_private_key(ctx.get()) != 1) {
            problem = fmt::format("cannot load the client key {} (it must be an unencrypted PEM "
                                  "key matching the certificate): {}",
                                  key, openssl_error_text());
            return nullptr;
        }
    }
    return ctx;
}

CertificateChain peer_chain(SSL* ssl)
{
    CertificateChain chain;
    STACK_OF(X509)* stack = SSL_get_peer_cert_chain(ssl);
    if (!stack) return chain;
    for (int i = 0; i < sk_X509_num(stack); ++i) {
        X509* cert = sk_X509_value(stack, i);
        X509_up_ref(cert);
        chain.emplace_back(cert);
    }
    return chain;
}

// TLS 1.3 completes on the client before the server has judged the client certificate;
// when the server asked for one, give it a moment to reject ours with an alert. A session
// ticket means it accepted: OpenSSL servers send one right after checking the certificate.
std::optional<std::string> late_rejection(SSL* ssl, int fd, const HandshakeTrace& trace,
                                          Deadline deadline, const StopSignal& stop)
{
    Deadline until = std::min(deadline, Clock::now() + std::chrono::milliseconds(300));
    for (;;) {
        if (trace.session_ticket_seen) return std::nullopt;
        ERR_clear_error();
        std::array<char, 512> discard{};
        int n = SSL_read(ssl, discard.data(), static_cast<int>(discard.size()));
        if (n > 0) return std::nullopt;  // the server talks to us: it accepted
        int error = SSL_get_error(ssl, n);
        if (error == SSL_ERROR_WANT_READ) {
            if (wait_fd(fd, POLLIN, until, stop) != WaitStatus::ready) return std::nullopt;
            continue;
        }
        if (error == SSL_ERROR_WANT_WRITE) {
            if (wait_fd(fd, POLLOUT, until, stop) != WaitStatus::ready) return std::nullopt;
            continue;
        }
        if (error == SSL_ERROR_ZERO_RETURN)
            return std::string("server closed the TLS session right after the handshake");
        std::string why = openssl_error_text();
        return "server rejected the session after the handshake"
               + (why.empty() ? std::string() : ": " + why);
    }
}

TlsHandshake classify_failure(const HandshakeTrace& trace, int ssl_error, int saved_errno,
                              const TlsClientOptions& options)
{
    unsigned long code = ERR_peek_error();
    std::string why = openssl_error_text();
    if (!trace.client_hello_sent) {
        return ended(TlsEnd::not_offered,
                     fmt::format("this client cannot offer {}{}: {}",
                                 tls_version_name(options.min_version),
                                 options.min_version == options.max_version
                                     ? std::string()
                                     : fmt::format("-{}", tls_version_name(options.max_version)),
                                 why.empty() ? "no ClientHello could be built" : why));
    }
    if (trace.alert_received >= 0 && trace.alert_received_before_server_hello) {
        int alert = trace.alert_received;
        TlsEnd end = (alert == SSL3_AD_HANDSHAKE_FAILURE || alert == SSL_AD_PROTOCOL_VERSION)
                         ? TlsEnd::refused
                         : TlsEnd::failed;
        return ended(end, fmt::format("server sent alert {} before its ServerHello",
                                      alert_name(alert)));
    }
    bool closed = (ssl_error == SSL_ERROR_SYSCALL && (code == 0 || saved_errno == ECONNRESET
                                                      || saved_errno == EPIPE))
                  || is_unexpected_eof(code) || ssl_error == SSL_ERROR_ZERO_RETURN;
    if (!trace.server_hello_seen) {
        if (closed)
            return ended(TlsEnd::refused, "server closed the connection before its ServerHello");
        return ended(TlsEnd::failed, fmt::format("handshake failed before the ServerHello: {}",
                                                 why.empty() ? std::strerror(saved_errno) : why));
    }
    // The server answered with a ServerHello. If we objected to its version, it did not
    // accept ours; otherwise it did, and something later went wrong.
    if (trace.alert_sent == SSL_AD_PROTOCOL_VERSION)
        return ended(TlsEnd::refused,
                     fmt::format("server answered with a version this client did not offer: {}",
                                 why));
    TlsHandshake h;
    h.end = TlsEnd::failed;
    h.server_hello_seen = true;
    if (trace.alert_received >= 0)
        h.detail = fmt::format("server sent alert {} after its ServerHello",
                               alert_name(trace.alert_received));
    else if (closed)
        h.detail = "server closed the connection during the handshake";
    else
        h.detail = "handshake failed after the ServerHello: " + why;
    return h;
}

}  // namespace

SharedTlsContext::SharedTlsContext(TlsClientOptions options) : options_(std::move(options)) {}

SharedTlsContext::~SharedTlsContext()
{
    SSL_CTX_free(ctx_);
}

SSL_CTX* SharedTlsContext::get(std::string& problem)
{
    std::call_once(made_, [this] {
        ctx_ = client_context(options_, problem_).release();
        ERR_clear_error();
    });
    if (!ctx_) problem = problem_;
    return ctx_;
}

TlsHandshake tls_handshake(int fd, const TlsClientOptions& options, Deadline deadline,
                           const StopSignal& stop, SharedTlsContext* shared)
{
    ignore_sigpipe_once();
    const bool postgres = options.protocol == Protocol::postgres;
    // The SSLRequest first: the server answers it while this side makes its TLS context.
    if (postgres) {
        if (auto end = send_ssl_request(fd, deadline, stop)) return std::move(*end);
    }
    std::string problem;
    std::unique_ptr<SSL_CTX, SslCtxFree> own;
    SSL_CTX* ctx = shared ? shared->get(problem) : (own = client_context(options, problem)).get();
    if (!ctx) {
        ERR_clear_error();
        return ended(TlsEnd::client_setup, problem);
    }
    if (postgres) {
        if (auto end = read_ssl_answer(fd, deadline, stop)) return std::move(*end);
    }

    std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx));
    if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) {
        auto h = ended(TlsEnd::client_setup, "cannot set up the TLS session: " + openssl_error_text());
        ERR_clear_error();
        return h;
    }
    // Per connection, so that one context serves every version; they override any
    // MinProtocol of the system configuration.
    if (SSL_set_min_proto_version(ssl.get(), openssl_version(options.min_version)) != 1
        || SSL_set_max_proto_version(ssl.get(), openssl_version(options.max_version)) != 1) {
        auto h = ended(TlsEnd::client_setup,
                       "this client cannot restrict the TLS versions: " + openssl_error_text());
        ERR_clear_error();
        return h;
    }
    HandshakeTrace trace;
    SSL_set_msg_callback(ssl.get(), trace_message);
    SSL_set_msg_callback_arg(ssl.get(), &trace);
    if (!options.sni.empty()) SSL_set_tlsext_host_name(ssl.get(), options.sni.c_str());

    TlsHandshake result;
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int r = SSL_connect(ssl.get());
        if (r == 1) {
            result.end = TlsEnd::established;
            break;
        }
        int error = SSL_get_error(ssl.get(), r);
        int saved_errno = errno;
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            const char* waiting = trace.server_hello_seen ? "end of the TLS handshake"
                                  : trace.client_hello_sent ? "ServerHello"
                                                            : "room to send the ClientHello";
            if (auto end = wait_for(fd, error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
                                    deadline, stop, waiting)) {
                end->server_hello_seen = trace.server_hello_seen;
                ERR_clear_error();
                return std::move(*end);
            }
            continue;
        }
        result = classify_failure(trace, error, saved_errno, options);
        result.chain = peer_chain(ssl.get());
        ERR_clear_error();
        return result;
    }

    result.server_hello_seen = true;
    result.version = SSL_get_version(ssl.get());
    result.cipher = SSL_get_cipher_name(ssl.get());
    result.chain = peer_chain(ssl.get());
    result.detail = fmt::format("{} ({})", result.version, result.cipher);
    // PostgreSQL never rejects a missing client certificate in the handshake (pg_hba does,
    // later), only one it cannot verify: wait there only when we presented one.
    bool may_reject_late = trace.certificate_request_seen
                           && SSL_version(ssl.get()) == TLS1_3_VERSION
                           && (options.protocol != Protocol::postgres || !options.client_cert.empty());
    if (may_reject_late) {
        if (auto rejection = late_rejection(ssl.get(), fd, trace, deadline, stop)) {
            result.end = TlsEnd::failed;
            result.detail = *rejection;
        }
    }
    SSL_shutdown(ssl.get());  // one close_notify, no wait for the answer
    ERR_clear_error();
    return result;
}

TlsDial dial_tls(const std::vector<std::string>& addresses, int port,
                 const TlsClientOptions& options, Deadline deadline, const StopSignal& stop,
                 SharedTlsContext* shared)
{
    TlsDial dial;
    if (addresses.empty()) {
        dial.failure = errored("internal", "no address to connect to", "");
        return dial;
    }
    for (const auto& address : addresses) {
        ConnectResult connection = connect_tcp(address, port, deadline, stop);
        if (!connection.ok()) {
            dial.failure = connection.failure;
            if (stop.requested() || millis_left(deadline) == 0) break;
            continue;
        }
        dial.failure.reset();
        dial.address = address;
        dial.handshake = tls_handshake(connection.fd.get(), options, deadline, stop, shared);
        return dial;
    }
    return dial;
}

}  // namespace connspec
