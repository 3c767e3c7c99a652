// TLS over a connected TCP socket, under the case deadline: PostgreSQL's SSLRequest preamble
// or TLS from the first byte, one handshake, and what the server showed while doing it.
//
// The handshake is driven by OpenSSL on the non-blocking socket; every wait is wait_fd with
// the deadline and the stop signal. A handshake never verifies the chain: the certificate
// case judges the chain it returns (see certificate_analysis.hpp).
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

namespace connspec {

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
    std::string cipher;
    // The server selected the offered version in its ServerHello (true also when the
    // handshake failed after it, e.g. for want of a client certificate).
    bool server_hello_seen = false;
    CertificateChain chain;  // as presented; empty unless the server sent a Certificate
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

// Runs the preamble and one handshake on `fd` (connected, non-blocking), then closes the
// TLS session politely. Never blocks past `deadline`. Uses `shared` when given (made from
// the same options but the versions), else a context of its own.
TlsHandshake tls_handshake(int fd, const TlsClientOptions& options, Deadline deadline,
                           const StopSignal& stop, SharedTlsContext* shared = nullptr);

// A handshake with a target: the first of its addresses that accepts TCP, then
// tls_handshake. `failure` is set (tcp.*, dns.*, internal) when no connection was made.
struct TlsDial {
    std::optional<Outcome> failure;
    std::string address;  // the numeric address that accepted
    TlsHandshake handshake;
};
// `addresses`: the addresses to try in order (see target_addresses()).
TlsDial dial_tls(const std::vector<std::string>& addresses, int port,
                 const TlsClientOptions& options, Deadline deadline, const StopSignal& stop,
                 SharedTlsContext* shared = nullptr);

// The SNI a case should send: `preferred` when given, else `host`; never an IP literal.
std::string server_name_for(const std::string& preferred, const std::string& host);
bool is_ip_literal(std::string_view host);

}  // namespace connspec
