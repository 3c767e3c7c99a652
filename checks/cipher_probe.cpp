#include "checks/cipher_probe.hpp"

#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace connspec {
namespace {

struct CipherTable {
    std::vector<std::string> offerable;
    std::vector<std::string> groups;
    std::map<std::string, int> auth;  // name -> NID_auth_*
    std::vector<std::string> tls13;
};

const CipherTable& cipher_table()
{
    static const CipherTable table = [] {
        CipherTable t;
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        if (!ctx) return t;
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
        if (SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:!PSK:!SRP:@SECLEVEL=0") == 1) {
            if (SSL* ssl = SSL_new(ctx)) {
                if (STACK_OF(SSL_CIPHER)* supported = SSL_get1_supported_ciphers(ssl)) {
                    for (int i = 0; i < sk_SSL_CIPHER_num(supported); ++i) {
                        const SSL_CIPHER* c = sk_SSL_CIPHER_value(supported, i);
                        std::string name = SSL_CIPHER_get_name(c);
                        t.offerable.push_back(name);
                        t.auth[name] = SSL_CIPHER_get_auth_nid(c);
                    }
                    sk_SSL_CIPHER_free(supported);
                }
                SSL_free(ssl);
            }
        }
        // Every group OpenSSL 3 knows for TLS, kept when this build accepts it.
        for (const char* group :
             {"X25519", "prime256v1", "secp384r1", "secp521r1", "X448", "ffdhe2048", "ffdhe3072",
              "ffdhe4096", "ffdhe6144", "ffdhe8192", "brainpoolP256r1", "brainpoolP384r1",
              "brainpoolP512r1", "secp256k1", "secp224r1", "secp224k1", "prime192v1", "secp192k1",
              "secp160k1", "secp160r1", "secp160r2", "sect163k1", "sect163r1", "sect163r2",
              "sect193r1", "sect193r2", "sect233k1", "sect233r1", "sect239k1", "sect283k1",
              "sect283r1", "sect409k1", "sect409r1", "sect571k1", "sect571r1"}) {
            if (SSL_CTX_set1_groups_list(ctx, group) == 1) t.groups.push_back(group);
        }
        ERR_clear_error();
        if (STACK_OF(SSL_CIPHER)* all = SSL_CTX_get_ciphers(ctx)) {
            for (int i = 0; i < sk_SSL_CIPHER_num(all); ++i) {
                // TLS 1.3 suites are the ones with IANA-style names.
                std::string name = SSL_CIPHER_get_name(sk_SSL_CIPHER_value(all, i));
                if (name.starts_with("TLS_")) t.tls13.push_back(name);
            }
        }
        SSL_CTX_free(ctx);
        ERR_clear_error();
        return t;
    }();
    return table;
}

bool contains(const std::vector<std::string>& list, std::string_view name)
{
    return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

const std::vector<std::string>& offerable_ciphers()
{
    return cipher_table().offerable;
}

const std::vector<std::string>& offerable_groups()
{
    return cipher_table().groups;
}

bool is_tls13_suite(std::string_view name)
{
    return contains(cipher_table().tls13, name);
}

CipherChain::CipherChain(std::string address, int port, TlsClientOptions base,
                         std::vector<std::string> offer, Deadline deadline,
                         SharedTlsContext* shared, Offer what, const ProxyRoute* route)
    : address_(std::move(address)), port_(port), base_(std::move(base)), offer_(std::move(offer)),
      what_(what), deadline_(deadline), shared_(shared), route_(route)
{
    // Ciphers: TLS 1.2 and below only, so the server cannot answer with a TLS 1.3 suite
    // instead. Groups: TLS 1.2 and 1.3, where they are negotiated.
    base_.min_version = what_ == Offer::ciphers ? TlsVersion::v1_0 : TlsVersion::v1_2;
    base_.max_version = what_ == Offer::ciphers ? TlsVersion::v1_2 : TlsVersion::v1_3;
    base_.request_ocsp_status = false;
    start();
}

void CipherChain::start()
{
    if (offer_.empty()) {
        done_ = true;
        return;
    }
    TlsClientOptions options = base_;
    if (what_ == Offer::ciphers)
        options.cipher_list = fmt::format("{}:@SECLEVEL=0", fmt::join(offer_, ":"));
    else
        options.groups_list = fmt::format("{}", fmt::join(offer_, ":"));
    current_ = std::make_unique<TlsAttempt>(std::vector<std::string>{address_}, port_, options,
                                            deadline_, shared_, route_);
    if (current_->finished()) advance();
}

void CipherChain::on_ready()
{
    current_->on_ready();
    if (current_->finished()) advance();
}

void CipherChain::on_due()
{
    current_->on_due();
    if (current_->finished()) advance();
}

void CipherChain::on_stop()
{
    if (current_ && !current_->finished()) current_->on_stop();
    stopped = true;
    done_ = true;
}

// One handshake ended: the server picked a cipher (drop it and offer the rest), refused
// them all (done), or ended so that nothing can be concluded.
void CipherChain::advance()
{
    TlsDial dial = current_->take_result();
    current_.reset();
    ++handshakes;
    const std::string offered =
        fmt::format("{} {}", offer_.size(), what_ == Offer::ciphers ? "ciphers" : "groups");
    if (dial.failure) {
        if (dial.failure->category == "tcp.timeout") timed_out = true;
        inconclusive.push_back(dial.failure->message);
        done_ = true;
        return;
    }
    const TlsHandshake& h = dial.handshake;
    if (what_ == Offer::groups && h.end == TlsEnd::established && h.group.empty()) {
        // Completed without any group (RSA key exchange, or DHE with the server's own
        // parameters): none of the offered groups is accepted.
        log.push_back(fmt::format("offered {}: completed without a group ({})", offered, h.cipher));
        done_ = true;
        return;
    }
    const std::string picked_name = what_ == Offer::ciphers ? h.cipher : h.group;
    const bool picked_one = what_ == Offer::ciphers ? h.server_hello_seen && !h.cipher.empty()
                                                    : h.end == TlsEnd::established;
    if (picked_one) {
        log.push_back(fmt::format("offered {}: server picked {}", offered, picked_name));
        auto picked = std::find(offer_.begin(), offer_.end(), picked_name);
        if (picked == offer_.end()) {
            inconclusive.push_back(
                fmt::format("the server picked {}, which was not offered", picked_name));
            done_ = true;
            return;
        }
        accepted.push_back(picked_name);
        offer_.erase(picked);
        start();
        return;
    }
    log.push_back(fmt::format("offered {}: {}", offered, h.detail));
    switch (h.end) {
    case TlsEnd::refused: done_ = true; return;
    case TlsEnd::timeout: timed_out = true; break;
    case TlsEnd::stopped: stopped = true; break;
    default: break;
    }
    inconclusive.push_back(fmt::format("offering {}: {}", offered, h.detail));
    done_ = true;
}

std::vector<std::unique_ptr<CipherChain>> cipher_chains(const CipherPolicy& policy,
                                                        const std::string& address, int port,
                                                        const TlsClientOptions& base,
                                                        Deadline deadline,
                                                        SharedTlsContext* shared,
                                                        const ProxyRoute* route)
{
    const CipherTable& table = cipher_table();
    // A server can only pick ciphers its certificate can sign for (and anonymous ones): one
    // chain per kind, so each chain's picks do not wait for another kind's.
    std::vector<std::string> rsa, ecdsa, rest;
    for (const auto& name : table.offerable) {
        if (policy.allows(name)) continue;
        int auth = table.auth.at(name);
        (auth == NID_auth_rsa ? rsa : auth == NID_auth_ecdsa ? ecdsa : rest).push_back(name);
    }
    std::vector<std::unique_ptr<CipherChain>> chains;
    for (auto* offer : {&ecdsa, &rsa, &rest})
        if (!offer->empty())
            chains.push_back(std::make_unique<CipherChain>(address, port, base, std::move(*offer),
                                                           deadline, shared,
                                                           CipherChain::Offer::ciphers, route));
    if (policy.judge_groups) {
        std::vector<std::string> groups;
        for (const auto& group : table.groups)
            if (!policy.allows_group(group)) groups.push_back(group);
        if (!groups.empty())
            chains.push_back(std::make_unique<CipherChain>(address, port, base, std::move(groups),
                                                           deadline, shared,
                                                           CipherChain::Offer::groups, route));
    }
    return chains;
}

}  // namespace connspec
