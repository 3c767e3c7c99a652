// Which ciphers outside a policy a server accepts, in as few handshakes as possible: offer
// exactly the ciphers outside the policy (security level 0, so weak ones really go on the
// wire), remove the one the server picks, offer the rest again, until the server refuses.
// The ciphers are split by the kind of certificate they need (RSA, ECDSA, the rest), one such
// chain of handshakes each, all started together and driven by the caller's poll loop.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checks/cipher_policy.hpp"
#include "checks/poll_loop.hpp"
#include "checks/tls_session.hpp"

namespace connspec {

// The TLS 1.2-and-below ciphers this client can put in a ClientHello (OpenSSL names, in
// OpenSSL's order): every cipher this OpenSSL has at security level 0, but PSK and SRP ones
// (a server never picks those for a client without a pre-shared key or an SRP login).
const std::vector<std::string>& offerable_ciphers();
// The key exchange groups this client can offer (OpenSSL short names, "secp521r1", "X448",
// "ffdhe2048", legacy curves included).
const std::vector<std::string>& offerable_groups();
// Is `name` a TLS 1.3 suite OpenSSL knows ("TLS_AES_128_GCM_SHA256")?
bool is_tls13_suite(std::string_view name);

// One chain of handshakes over a shrinking offer of ciphers (TLS 1.0-1.2) or of groups (TLS
// 1.2-1.3, the group the server negotiated is the pick).
class CipherChain final : public PollTask {
public:
    enum class Offer { ciphers, groups };
    CipherChain(std::string address, int port, TlsClientOptions base,
                std::vector<std::string> offer, Deadline deadline, SharedTlsContext* shared,
                Offer what = Offer::ciphers, const ProxyRoute* route = nullptr);
    Offer what() const { return what_; }

    bool finished() const override { return done_; }
    int fd() const override { return current_ ? current_->fd() : -1; }
    short events() const override { return current_ ? current_->events() : 0; }
    Deadline due() const override { return current_ ? current_->due() : deadline_; }
    void on_ready() override;
    void on_due() override;
    void on_stop() override;

    std::vector<std::string> accepted;      // in the order the server picked them
    std::vector<std::string> inconclusive;  // why the chain ended without a refusal
    std::vector<std::string> log;           // one line per handshake
    int handshakes = 0;
    bool timed_out = false;
    bool stopped = false;

private:
    void start();
    void advance();

    std::string address_;
    int port_;
    TlsClientOptions base_;
    std::vector<std::string> offer_;
    Offer what_;
    Deadline deadline_;
    SharedTlsContext* shared_;
    const ProxyRoute* route_;  // the target's `via`, or null
    std::unique_ptr<TlsAttempt> current_;
    bool done_ = false;
};

// The chains for the ciphers (and, for the Mozilla profiles, the groups) outside `policy`, each
// with at least one to offer.
std::vector<std::unique_ptr<CipherChain>> cipher_chains(const CipherPolicy& policy,
                                                        const std::string& address, int port,
                                                        const TlsClientOptions& base,
                                                        Deadline deadline,
                                                        SharedTlsContext* shared,
                                                        const ProxyRoute* route = nullptr);

}  // namespace connspec
