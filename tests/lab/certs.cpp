#include "tests/lab/certs.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <functional>
#include <stdexcept>

namespace connspec::lab {
namespace {

std::shared_ptr<EVP_PKEY> new_key()
{
    EVP_PKEY* key = EVP_EC_gen("P-256");
    if (!key) throw std::runtime_error("cannot generate a P-256 key");
    return {key, EVP_PKEY_free};
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) throw std::runtime_error("bad certificate extension " + value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

std::shared_ptr<X509> make_certificate(const CertificateRequest& request, EVP_PKEY* subject_key,
                                       X509* issuer, EVP_PKEY* issuer_key)
{
    std::shared_ptr<X509> cert(X509_new(), X509_free);
    X509* x = cert.get();
    X509_set_version(x, 2);  // v3
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_time_adj_ex(X509_getm_notBefore(x), static_cast<int>(request.valid_from_days), 0, nullptr);
    X509_time_adj_ex(X509_getm_notAfter(x), static_cast<int>(request.valid_until_days), 0, nullptr);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(request.common_name.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(x, subject_key);

    X509* signer = issuer ? issuer : x;
    add_extension(x, signer, NID_basic_constraints,
                  request.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_extension(x, signer, NID_key_usage,
                  request.is_ca ? "critical,keyCertSign,cRLSign"
                                : "critical,digitalSignature,keyEncipherment");
    add_extension(x, signer, NID_subject_key_identifier, "hash");
    if (issuer) add_extension(x, signer, NID_authority_key_identifier, "keyid");
    std::string sans;
    for (const auto& dns : request.dns_names) sans += (sans.empty() ? "" : ",") + ("DNS:" + dns);
    for (const auto& ip : request.ip_addresses) sans += (sans.empty() ? "" : ",") + ("IP:" + ip);
    if (!sans.empty()) add_extension(x, signer, NID_subject_alt_name, sans);

    if (X509_sign(x, issuer_key ? issuer_key : subject_key, EVP_sha256()) == 0)
        throw std::runtime_error("cannot sign the certificate " + request.common_name);
    return cert;
}

std::string to_pem(const std::function<int(BIO*)>& write)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (write(bio.get()) != 1) throw std::runtime_error("cannot write PEM");
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void write_text(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

Credential Credential::root_ca(const std::string& common_name, long valid_from_days,
                               long valid_until_days)
{
    Credential ca;
    ca.key_ = new_key();
    CertificateRequest request{common_name, {}, {}, valid_from_days, valid_until_days, true};
    ca.cert_ = make_certificate(request, ca.key_.get(), nullptr, nullptr);
    return ca;
}

Credential Credential::issue(const CertificateRequest& request) const
{
    Credential issued;
    issued.key_ = new_key();
    issued.cert_ = make_certificate(request, issued.key_.get(), cert_.get(), key_.get());
    return issued;
}

std::string Credential::certificate_pem() const
{
    return to_pem([this](BIO* bio) { return PEM_write_bio_X509(bio, cert_.get()); });
}

std::string Credential::key_pem() const
{
    return to_pem([this](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
}

std::string write_certificates(const std::string& dir, const std::string& name,
                               const std::vector<const Credential*>& certificates)
{
    std::string text;
    for (const auto* credential : certificates) text += credential->certificate_pem();
    std::string path = dir + "/" + name + ".crt";
    write_text(path, text);
    return path;
}

std::string write_key(const std::string& dir, const std::string& name, const Credential& credential)
{
    std::string path = dir + "/" + name + ".key";
    write_text(path, credential.key_pem());
    return path;
}

}  // namespace connspec::lab
