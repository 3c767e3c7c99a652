// TLS with a target under the case deadline: a TCP connect, PostgreSQL's SSLRequest preamble
// or TLS from the first byte, one handshake, and what the server showed while doing it.
//
// A TlsAttempt is a state machine (connect, SSLRequest, answer, handshake) that advances when
// its non-blocking socket is ready: many attempts (the tls case's handshake, its version and
// cipher probes) run together in one poll loop (poll_loop.hpp), on the calling thread. A
// handshake never verifies the chain: the certificate case judges the chain it returns (see
// certificate_analysis.hpp).
#pragma once

#include <openssl/types.h>
#include <openssl/x509.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check_kind.hpp"
#include "checks/net.hpp"
#include "checks/proxy_tunnel.hpp"
#include "checks/poll_loop.hpp"

namespace connspec {

struct ProxyRoute;

enum class TlsVersion { v1_0, v1_1, v1_2, v1_3 };

inline constexpr TlsVersion all_tls_versions[] = {TlsVersion::v1_0, TlsVersion::v1_1,
                                                  TlsVersion::v1_2, TlsVersion::v1_3};

// "1.2" -> v1_2; nullopt for anything else.
std::optional<TlsVersion> parse_tls_version(std::string_view text);
// "TLSv1.2", as OpenSSL and PostgreSQL write it.
std::string_view tls_version_name(TlsVersion version);

struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
// Leaf first, as the server sent it.
using CertificateChain = std::vector<X509Ptr>;

struct TlsClientOptions {
    Protocol protocol = Protocol::tls;  // postgres: SSLRequest first
    std::string sni;                    // empty: no server name sent
    TlsVersion min_version = TlsVersion::v1_0;
    TlsVersion max_version = TlsVersion::v1_3;
    // OpenSSL security level 0 and every cipher, so TLS 1.0/1.1 are really offered.
    bool security_level_zero = false;
    std::string client_cert;  // PEM paths; presented when the server asks
    std::string client_key;
    // Per connection: the TLS 1.2-and-below cipher list offered (OpenSSL syntax); empty: the
    // context's. Lets one context serve probes that each offer other ciphers.
    std::string cipher_list;
    // Per connection: the groups offered (OpenSSL's colon-separated names); empty: default.
    std::string groups_list;
    // Ask for a stapled OCSP response (status_request) and keep what the server sends.
    bool request_ocsp_status = false;
    std::string alpn;  // offered ALPN protocol ("postgresql" for direct TLS); empty: none
};

// How one handshake ended.
enum class TlsEnd {
    established,    // handshake complete
    refused,        // the server declined before its ServerHello: protocol_version or
                    // handshake_failure alert, or it closed the connection
    unsupported,    // postgres answered 'N' to the SSLRequest
    failed,         // any other handshake failure (detail says what was seen)
    not_offered,    // this client could not offer the requested versions
    timeout,        // the deadline passed while waiting for the server
    stopped,        // the stop signal was raised
    client_setup,   // local problem before anything was sent (client cert unreadable, ...)
};

struct TlsHandshake {
    TlsEnd end = TlsEnd::failed;
    std::string detail;   // one line: what the server did ("received alert protocol_version")
    std::string version;  // negotiated, "TLSv1.3" (established only)
    // The cipher the server picked in its ServerHello (set whenever server_hello_seen, even
    // if the handshake failed after it).
    std::string cipher;
    // The key exchange group negotiated ("X25519", "secp521r1", "ffdhe2048"); empty when the
    // handshake did not complete or used none (RSA key exchange, DHE with the server's own
    // parameters in TLS 1.2).
    std::string group;
    // The server selected the offered version in its ServerHello (true also when the
    // handshake failed after it, e.g. for want of a client certificate).
    bool server_hello_seen = false;
    std::string alpn;  // the ALPN protocol the server selected (established only); empty: none
    CertificateChain chain;  // as presented; empty unless the server sent a Certificate
    // The stapled OCSP response (DER), when asked for and sent.
    std::vector<unsigned char> stapled_ocsp;
};

// One client context for several handshakes whose options differ only in their versions
// (the tls case's handshake and its probes; the versions are set per connection). OpenSSL 3
// spends about a millisecond making a context, most of it fetching algorithms, and handshakes
// making theirs at once each pay it. The first handshake that needs the context makes it,
// after its TCP connect, while the server is still forking its backend.
class SharedTlsContext {
public:
    explicit SharedTlsContext(TlsClientOptions options);
    ~SharedTlsContext();
    SharedTlsContext(const SharedTlsContext&) = delete;
    SharedTlsContext& operator=(const SharedTlsContext&) = delete;

    // The context, or nullptr with `problem` set (client certificate unreadable, ...).
    // Thread-safe.
    SSL_CTX* get(std::string& problem);

private:
    TlsClientOptions options_;
    std::once_flag made_;
    SSL_CTX* ctx_ = nullptr;
    std::string problem_;
};

// A handshake with a target: the first of its addresses that accepts TCP, then the handshake.
// `failure` is set (tcp.*, dns.*, internal) when no connection was made.
struct TlsDial {
    std::optional<Outcome> failure;
    std::string address;  // the numeric address that accepted
    TlsHandshake handshake;
};

// One connection's way through connect, preamble and handshake, advanced by a poll loop.
// Starts connecting when made; result() once finished(). Uses `shared` when given (made from
// the same options but the versions and cipher list), else a context of its own.
class TlsAttempt final : public PollTask {
public:
    // `addresses`: tried in order until one accepts TCP (see target_addresses()).
    // Through `route` (the target's `via` proxy) when given.
    TlsAttempt(std::vector<std::string> addresses, int port, TlsClientOptions options,
               Deadline deadline, SharedTlsContext* shared = nullptr,
               const ProxyRoute* route = nullptr);
    ~TlsAttempt() override;
    TlsAttempt(const TlsAttempt&) = delete;
    TlsAttempt& operator=(const TlsAttempt&) = delete;

    bool finished() const override { return state_ == State::done; }
    int fd() const override { return fd_.get(); }
    short events() const override { return events_; }
    Deadline due() const override { return due_; }
    void on_ready() override;
    void on_due() override;
    void on_stop() override;

    const TlsDial& result() const { return dial_; }
    TlsDial take_result() { return std::move(dial_); }

    struct Trace;  // what the server did, seen through OpenSSL's message callback

private:
    enum class State { connecting, tunnelling, sending_request, reading_answer, handshaking, late, done };
    void connect_next();
    void connected();
    void step_tunnel();
    void send_request();
    void read_answer();
    SSL_CTX* context(std::string& problem);
    void begin_handshake();
    void step_handshake();
    void step_late();
    void finish(TlsHandshake handshake);
    void fail_connect(Outcome failure);

    std::vector<std::string> addresses_;
    std::size_t next_address_ = 0;
    int port_;
    TlsClientOptions options_;
    Deadline deadline_;
    SharedTlsContext* shared_;
    const ProxyRoute* route_ = nullptr;
    std::optional<ProxyHandshake> tunnel_;
    SSL_CTX* own_ctx_ = nullptr;

    State state_ = State::connecting;
    UniqueFd fd_;
    short events_ = 0;
    Deadline due_;
    Clock::time_point connect_started_{};
    std::size_t request_sent_ = 0;
    SSL* ssl_ = nullptr;
    std::unique_ptr<Trace> trace_;
    TlsHandshake established_;  // kept while waiting for a late rejection
    TlsDial dial_;
};

// Runs one attempt to its end in a poll loop of its own.
TlsDial dial_tls(const std::vector<std::string>& addresses, int port,
                 const TlsClientOptions& options, Deadline deadline, const StopSignal& stop,
                 SharedTlsContext* shared = nullptr, const ProxyRoute* route = nullptr);

// The SNI a case should send: `preferred` when given, else `host`; never an IP literal.
std::string server_name_for(const std::string& preferred, const std::string& host);
bool is_ip_literal(std::string_view host);

}  // namespace connspec
