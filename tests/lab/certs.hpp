// Certificates made on the spot for tests: a CA, intermediates and leaves with chosen validity
// windows and subjectAltNames, via the OpenSSL API (P-256 keys: fast to generate).
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

namespace connspec::lab {

struct CertificateRequest {
    std::string common_name;
    std::vector<std::string> dns_names;     // subjectAltName DNS entries
    std::vector<std::string> ip_addresses;  // subjectAltName IP entries
    long valid_from_days = -1;              // notBefore, in days from now
    long valid_until_days = 365;            // notAfter, in days from now (negative: expired)
    bool is_ca = false;
};

// A certificate with its private key.
class Credential {
public:
    // A self-signed root CA.
    static Credential root_ca(const std::string& common_name, long valid_from_days = -1,
                              long valid_until_days = 3650);
    // A certificate signed by this credential (which should be a CA).
    Credential issue(const CertificateRequest& request) const;

    X509* certificate() const { return cert_.get(); }
    EVP_PKEY* key() const { return key_.get(); }
    std::string certificate_pem() const;
    std::string key_pem() const;

private:
    std::shared_ptr<X509> cert_;
    std::shared_ptr<EVP_PKEY> key_;
};

// Writes PEM files: `dir`/NAME.crt (the certificates given, in order) and returns its path.
std::string write_certificates(const std::string& dir, const std::string& name,
                               const std::vector<const Credential*>& certificates);
// Writes `dir`/NAME.key with the credential's key and returns its path.
std::string write_key(const std::string& dir, const std::string& name, const Credential& credential);

}  // namespace connspec::lab
