#include "checks/tls_session.hpp"

#include "checks/proxy_tunnel.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "checks/tcp_probe.hpp"

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

// What the server did, seen through OpenSSL's message callback.
struct TlsAttempt::Trace {
    bool client_hello_sent = false;
    bool server_hello_seen = false;
    bool certificate_request_seen = false;
    bool session_ticket_seen = false;  // TLS 1.3: the server accepted our certificate (or none)
    int alert_received = -1;  // description of the first alert from the server
    bool alert_received_before_server_hello = false;
    int alert_sent = -1;      // description of the first alert we sent
};

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

using HandshakeTrace = TlsAttempt::Trace;


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

namespace {

// PostgreSQL's SSLRequest: length 8, code 80877103; the server answers one byte.
constexpr std::array<unsigned char, 8> ssl_request{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};

// How long a TLS 1.3 client waits after its handshake for the server to reject its
// certificate (see step_late).
constexpr std::chrono::milliseconds late_rejection_wait{300};

}  // namespace

TlsAttempt::TlsAttempt(std::vector<std::string> addresses, int port, TlsClientOptions options,
                       Deadline deadline, SharedTlsContext* shared, const ProxyRoute* route)
    : addresses_(std::move(addresses)), port_(port), options_(std::move(options)),
      deadline_(deadline), shared_(shared), route_(route), due_(deadline),
      trace_(std::make_unique<Trace>())
{
    ignore_sigpipe_once();
    if (addresses_.empty()) {
        fail_connect(errored("internal", "no address to connect to", ""));
        return;
    }
    connect_next();
}

TlsAttempt::~TlsAttempt()
{
    SSL_free(ssl_);
    SSL_CTX_free(own_ctx_);
}

void TlsAttempt::fail_connect(Outcome failure)
{
    dial_.failure = std::move(failure);
    state_ = State::done;
    fd_.reset();
}

// Starts a connect to the next address; moves past those that fail at once.
void TlsAttempt::connect_next()
{
    while (next_address_ < addresses_.size()) {
        const std::string& address = addresses_[next_address_++];
        connect_started_ = Clock::now();
        // Through `via`: connect to the proxy, then tunnel (State::tunnelling).
        ConnectStart start = route_ ? start_connect(route_->addresses.front(), route_->proxy.port)
                                    : start_connect(address, port_);
        dial_.address = address;
        if (start.error == -1) {
            dial_.failure = errored("internal", "not a numeric address: " + address,
                                    "this is a bug in connspec: addresses are resolved first");
            continue;
        }
        if (start.error != 0) {
            dial_.failure = connect_failure(format_endpoint(address, port_), start.error,
                                            Clock::now() - connect_started_);
            if (route_) dial_.failure = proxy_connect_failure(route_->proxy, *dial_.failure);
            continue;
        }
        fd_ = std::move(start.fd);
        state_ = State::connecting;
        events_ = POLLOUT;
        due_ = deadline_;
        if (start.connected) connected();
        return;
    }
    state_ = State::done;
    fd_.reset();
}

void TlsAttempt::connected()
{
    dial_.failure.reset();
    if (route_ && !tunnel_) {
        // Connected to the proxy: the tunnel's handshake first.
        tunnel_.emplace(*route_, dial_.address, port_);
        state_ = State::tunnelling;
        events_ = tunnel_->events();
        step_tunnel();
        return;
    }
    if (options_.protocol == Protocol::postgres) {
        state_ = State::sending_request;
        events_ = POLLOUT;
        send_request();
    } else {
        begin_handshake();
    }
}

void TlsAttempt::on_ready()
{
    switch (state_) {
    case State::connecting: {
        int err = finish_connect(fd_.get());
        if (err == 0) {
            connected();
            return;
        }
        dial_.failure = connect_failure(format_endpoint(dial_.address, port_), err,
                                        Clock::now() - connect_started_);
        if (route_) dial_.failure = proxy_connect_failure(route_->proxy, *dial_.failure);
        fd_.reset();
        connect_next();
        return;
    }
    case State::tunnelling: step_tunnel(); return;
    case State::sending_request: send_request(); return;
    case State::reading_answer: read_answer(); return;
    case State::handshaking: step_handshake(); return;
    case State::late: step_late(); return;
    case State::done: return;
    }
}

void TlsAttempt::on_due()
{
    const char* waiting = nullptr;
    switch (state_) {
    case State::connecting:
        // The deadline of the whole attempt: the rest of the addresses get no time either.
        fail_connect(route_ ? proxy_connect_failure(route_->proxy,
                                                    connect_timed_out(format_endpoint(dial_.address, port_),
                                                                      Clock::now() - connect_started_))
                            : connect_timed_out(format_endpoint(dial_.address, port_),
                                                Clock::now() - connect_started_));
        return;
    case State::tunnelling:
        fail_connect(tunnel_->timed_out(Clock::now() - connect_started_));
        return;
    case State::sending_request: waiting = "room to send the SSLRequest"; break;
    case State::reading_answer: waiting = "answer to the SSLRequest"; break;
    case State::handshaking:
        waiting = trace_->server_hello_seen ? "end of the TLS handshake"
                  : trace_->client_hello_sent ? "ServerHello"
                                              : "room to send the ClientHello";
        break;
    case State::late: finish(std::move(established_)); return;  // no rejection came: accepted
    case State::done: return;
    }
    TlsHandshake h = ended(TlsEnd::timeout, fmt::format("no {} before the deadline", waiting));
    h.server_hello_seen = trace_->server_hello_seen;
    finish(std::move(h));
}

void TlsAttempt::on_stop()
{
    if (state_ == State::done) return;
    if (state_ == State::connecting) {
        fail_connect(interrupted());
        return;
    }
    TlsHandshake h = ended(TlsEnd::stopped, "interrupted");
    h.server_hello_seen = trace_->server_hello_seen;
    finish(std::move(h));
}

void TlsAttempt::finish(TlsHandshake handshake)
{
    if (ssl_) {
        if (handshake.end == TlsEnd::established) SSL_shutdown(ssl_);  // one close_notify
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    ERR_clear_error();
    dial_.handshake = std::move(handshake);
    state_ = State::done;
    fd_.reset();
}

// The SSLRequest first: the server answers it while this side makes its TLS context.
void TlsAttempt::send_request()
{
    while (request_sent_ < ssl_request.size()) {
        ssize_t n = ::send(fd_.get(), ssl_request.data() + request_sent_,
                           ssl_request.size() - request_sent_, MSG_NOSIGNAL);
        if (n > 0) {
            request_sent_ += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
        finish(ended(TlsEnd::failed,
                     fmt::format("sending the SSLRequest failed: {}", std::strerror(errno))));
        return;
    }
    // Made (once) while the server answers.
    std::string problem;
    if (!context(problem)) {
        finish(ended(TlsEnd::client_setup, problem));
        return;
    }
    state_ = State::reading_answer;
    events_ = POLLIN;
    read_answer();
}

// 'S': go on with the handshake; 'N': no TLS; anything else is a failure.
void TlsAttempt::read_answer()
{
    unsigned char answer = 0;
    // Exactly one byte: anything after 'S' belongs to the TLS handshake.
    ssize_t n = ::recv(fd_.get(), &answer, 1, 0);
    if (n == 1) {
        if (answer == 'S') {
            begin_handshake();
        } else if (answer == 'N') {
            finish(ended(TlsEnd::unsupported, "server does not offer TLS"));
        } else {
            finish(ended(TlsEnd::failed,
                         fmt::format("server answered the SSLRequest with {} instead of 'S' or 'N'",
                                     describe_byte(answer))));
        }
        return;
    }
    if (n == 0) {
        finish(ended(TlsEnd::failed, "server closed the connection after the SSLRequest"));
        return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    finish(ended(TlsEnd::failed, fmt::format("reading the answer to the SSLRequest failed: {}",
                                             std::strerror(errno))));
}

SSL_CTX* TlsAttempt::context(std::string& problem)
{
    if (shared_) return shared_->get(problem);
    if (!own_ctx_) {
        own_ctx_ = client_context(options_, problem).release();
        ERR_clear_error();
    }
    if (!own_ctx_ && problem.empty()) problem = "cannot create a TLS context";
    return own_ctx_;
}

void TlsAttempt::begin_handshake()
{
    std::string problem;
    SSL_CTX* ctx = context(problem);
    if (!ctx) {
        finish(ended(TlsEnd::client_setup, problem));
        return;
    }
    ssl_ = SSL_new(ctx);
    if (!ssl_ || SSL_set_fd(ssl_, fd_.get()) != 1) {
        finish(ended(TlsEnd::client_setup, "cannot set up the TLS session: " + openssl_error_text()));
        return;
    }
    // Per connection, so that one context serves every version; they override any
    // MinProtocol of the system configuration.
    if (SSL_set_min_proto_version(ssl_, openssl_version(options_.min_version)) != 1
        || SSL_set_max_proto_version(ssl_, openssl_version(options_.max_version)) != 1) {
        finish(ended(TlsEnd::client_setup,
                     "this client cannot restrict the TLS versions: " + openssl_error_text()));
        return;
    }
    if (!options_.cipher_list.empty()
        && SSL_set_cipher_list(ssl_, options_.cipher_list.c_str()) != 1) {
        finish(ended(TlsEnd::not_offered,
                     fmt::format("this client cannot offer the ciphers {}: {}",
                                 options_.cipher_list, openssl_error_text())));
        return;
    }
    if (!options_.groups_list.empty()
        && SSL_set1_groups_list(ssl_, options_.groups_list.c_str()) != 1) {
        finish(ended(TlsEnd::not_offered,
                     fmt::format("this client cannot offer the groups {}: {}",
                                 options_.groups_list, openssl_error_text())));
        return;
    }
    if (options_.request_ocsp_status) SSL_set_tlsext_status_type(ssl_, TLSEXT_STATUSTYPE_ocsp);
    SSL_set_msg_callback(ssl_, trace_message);
    SSL_set_msg_callback_arg(ssl_, trace_.get());
    if (!options_.sni.empty()) SSL_set_tlsext_host_name(ssl_, options_.sni.c_str());
    if (!options_.alpn.empty()) {
        // Wire format: each protocol name preceded by its length.
        std::string wire = static_cast<char>(options_.alpn.size()) + options_.alpn;
        SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
    }
    state_ = State::handshaking;
    events_ = POLLOUT;
    step_handshake();
}

void TlsAttempt::step_handshake()
{
    ERR_clear_error();
    errno = 0;
    int r = SSL_connect(ssl_);
    if (r != 1) {
        int error = SSL_get_error(ssl_, r);
        int saved_errno = errno;
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            events_ = error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
            return;
        }
        TlsHandshake h = classify_failure(*trace_, error, saved_errno, options_);
        h.chain = peer_chain(ssl_);
        if (trace_->server_hello_seen) {
            if (const SSL_CIPHER* picked = SSL_get_current_cipher(ssl_))
                h.cipher = SSL_CIPHER_get_name(picked);
        }
        finish(std::move(h));
        return;
    }

    TlsHandshake h;
    h.end = TlsEnd::established;
    h.server_hello_seen = true;
    h.version = SSL_get_version(ssl_);
    h.cipher = SSL_get_cipher_name(ssl_);
    {
        const unsigned char* selected = nullptr;
        unsigned length = 0;
        SSL_get0_alpn_selected(ssl_, &selected, &length);
        if (selected) h.alpn.assign(reinterpret_cast<const char*>(selected), length);
    }
    if (int nid = SSL_get_negotiated_group(ssl_); nid > 0 && (nid & TLSEXT_nid_unknown) == 0) {
        if (const char* name = OBJ_nid2sn(nid)) h.group = name;
    }
    h.chain = peer_chain(ssl_);
    h.detail = fmt::format("{} ({})", h.version, h.cipher);
    if (options_.request_ocsp_status) {
        const unsigned char* response = nullptr;
        long length = SSL_get_tlsext_status_ocsp_resp(ssl_, &response);
        if (response && length > 0) h.stapled_ocsp.assign(response, response + length);
    }
    // TLS 1.3 completes on the client before the server has judged the client certificate;
    // when the server asked for one, give it a moment to reject ours with an alert. A session
    // ticket means it accepted: OpenSSL servers send one right after checking the certificate.
    // PostgreSQL never rejects a missing client certificate in the handshake (pg_hba does,
    // later), only one it cannot verify: wait there only when we presented one.
    bool may_reject_late = trace_->certificate_request_seen
                           && SSL_version(ssl_) == TLS1_3_VERSION
                           && (options_.protocol != Protocol::postgres
                               || !options_.client_cert.empty());
    if (!may_reject_late) {
        finish(std::move(h));
        return;
    }
    established_ = std::move(h);
    state_ = State::late;
    events_ = POLLIN;
    due_ = std::min(deadline_, Clock::now() + late_rejection_wait);
    step_late();
}

void TlsAttempt::step_late()
{
    if (trace_->session_ticket_seen) {
        finish(std::move(established_));
        return;
    }
    ERR_clear_error();
    std::array<char, 512> discard{};
    int n = SSL_read(ssl_, discard.data(), static_cast<int>(discard.size()));
    if (n > 0 || trace_->session_ticket_seen) {  // the server talks to us: it accepted
        finish(std::move(established_));
        return;
    }
    int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        events_ = error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        return;
    }
    TlsHandshake h = std::move(established_);
    h.end = TlsEnd::failed;
    if (error == SSL_ERROR_ZERO_RETURN) {
        h.detail = "server closed the TLS session right after the handshake";
    } else {
        std::string why = openssl_error_text();
        h.detail = "server rejected the session after the handshake"
                   + (why.empty() ? std::string() : ": " + why);
    }
    finish(std::move(h));
}

void TlsAttempt::step_tunnel()
{
    switch (tunnel_->step(fd_.get())) {
    case ProxyHandshake::Progress::more: events_ = tunnel_->events(); return;
    case ProxyHandshake::Progress::done: connected(); return;
    case ProxyHandshake::Progress::failed: {
        // The proxy decided (refused, wrong credentials): another address would fare the same
        // only if it is the same refusal, so try the next one like a refused connect.
        dial_.failure = tunnel_->failure();
        tunnel_.reset();
        fd_.reset();
        connect_next();
        return;
    }
    }
}

TlsDial dial_tls(const std::vector<std::string>& addresses, int port,
                 const TlsClientOptions& options, Deadline deadline, const StopSignal& stop,
                 SharedTlsContext* shared, const ProxyRoute* route)
{
    TlsAttempt attempt(addresses, port, options, deadline, shared, route);
    run_poll_loop({&attempt}, stop);
    return attempt.take_result();
}

}  // namespace connspec
