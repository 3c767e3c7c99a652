// Fuzz target: what connspec reads from servers itself. The first byte picks the parser:
//   0  PostgreSQL's SSLRequest answer and the TLS handshake after it (the rest: the server's bytes)
//   1  a TLS handshake from the first byte (the rest: the server's bytes)
//   2  a DER certificate, as certificate_facts describes a served one
//   3  a libpq error message, parsed and classified (pg_errors)
// Server bytes come from a loopback connection (TlsAttempt driven by run_poll_loop, as the tls
// case drives it) whose server side then shuts its sending half: the handshake reads exactly
// them and then end-of-file, under a short deadline.
#include "fuzz/fuzz_targets.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include <openssl/x509.h>

#include "checks/certificate_analysis.hpp"
#include "checks/pg_errors.hpp"
#include "checks/poll_loop.hpp"
#include "checks/tls_session.hpp"

namespace connspec::fuzz {
namespace {

// A loopback listener for the whole process: each input is one connection to it.
int listener(int& port)
{
    static int fd = -1;
    static int bound = 0;
    if (fd < 0) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd, 16) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            std::abort();
        bound = ntohs(address.sin_port);
    }
    port = bound;
    return fd;
}

void handshake(const std::uint8_t* data, std::size_t size, Protocol protocol)
{
    int port = 0;
    int server = listener(port);
    TlsClientOptions options;
    options.protocol = protocol;
    options.sni = "db.example";
    options.security_level_zero = true;  // every version and cipher offered
    // Connects at once; the server side then says exactly `data` and closes its sending side.
    TlsAttempt attempt({"127.0.0.1"}, port, options, Clock::now() + std::chrono::milliseconds{500});
    pollfd ready{server, POLLIN, 0};
    if (::poll(&ready, 1, 2000) != 1) std::abort();
    int peer = ::accept4(server, nullptr, nullptr, SOCK_CLOEXEC);
    if (peer < 0) std::abort();
    std::size_t sent = 0;
    while (sent < size) {  // loopback buffers take far more than a fuzz input
        auto n = ::write(peer, data + sent, size - sent);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(peer, SHUT_WR);
    StopSignal stop;
    run_poll_loop({&attempt}, stop);
    const TlsDial& dial = attempt.result();
    for (const auto& cert : dial.handshake.chain) (void)certificate_facts(cert.get(), std::time(nullptr));
    ::close(peer);
}

}  // namespace

void replies(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return;
    const std::uint8_t* rest = data + 1;
    std::size_t length = size - 1;
    switch (data[0] % 4) {
    case 0: handshake(rest, length, Protocol::postgres); break;
    case 1: handshake(rest, length, Protocol::tls); break;
    case 2: {
        const unsigned char* p = rest;
        X509* cert = d2i_X509(nullptr, &p, static_cast<long>(length));
        if (cert) {
            (void)certificate_facts(cert, std::time(nullptr));
            X509_free(cert);
        }
        break;
    }
    case 3: {
        std::string_view text(reinterpret_cast<const char*>(rest), length);
        PgError error = parse_pg_error(text, {"s3cret"});
        if (error.text.find("s3cret") != std::string::npos) {
            std::fprintf(stderr, "a secret survived parse_pg_error: %s\n", error.text.c_str());
            std::abort();
        }
        std::string category = pg_connect_category(error);
        (void)pg_hint(category);
        (void)pg_is_decision(category);
        break;
    }
    }
}

}  // namespace connspec::fuzz

#ifndef CONNSPEC_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    connspec::fuzz::replies(data, size);
    return 0;
}
#endif
