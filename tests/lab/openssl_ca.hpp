// A certificate authority made with the `openssl ca` command for revocation tests: its own
// folder, index and serial; certificates it issues name this CA's OCSP responder (AIA) and
// CRL distribution point; it revokes, writes its CRL (DER) and answers OCSP with `openssl
// ocsp` on loopback. Key types and digests are chosen per certificate (RSA-1024, SHA-1, ...).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/lab/lab.hpp"

namespace connspec::lab {

struct CaUrls {
    std::string ocsp;  // "http://127.0.0.1:PORT"; empty: no AIA in what the CA issues
    std::string crl;   // "http://127.0.0.1:PORT/NAME.crl"; empty: no CRL distribution point
};

struct IssueOptions {
    bool ca = false;                     // an intermediate CA
    std::string key = "ec";              // "ec" (P-256) or "rsa:BITS"
    std::string digest = "sha256";       // the issuer's signature digest
};

class OpensslCa {
public:
    // A self-signed root CA in `folder`/NAME; what it issues carries `urls`.
    OpensslCa(const std::string& folder, const std::string& name, CaUrls urls);
    // An intermediate CA issued by `parent` (with `parent`'s URLs in its certificate).
    OpensslCa(const std::string& folder, const std::string& name, CaUrls urls, OpensslCa& parent,
              IssueOptions options = {});

    struct Issued {
        std::string cert;  // PEM paths
        std::string key;
    };
    // A server certificate for localhost and 127.0.0.1 (or a CA with options.ca).
    Issued issue(const std::string& name, IssueOptions options = {});
    void revoke(const std::string& cert_path);
    // Writes this CA's current CRL in DER to `path`.
    void write_crl(const std::string& path);
    // Writes an OCSP response (DER) about `cert_path` to `path`, as a stapling server serves.
    void write_ocsp_response(const std::string& cert_path, const std::string& path);

    const std::string& cert() const { return cert_; }
    const std::string& key() const { return key_; }
    const std::string& dir() const { return dir_; }

private:
    void write_config();
    std::string dir_, name_, config_, cert_, key_;
    CaUrls urls_;
};

// `openssl ocsp` answering for `ca` on 127.0.0.1:`port` (signing with the CA's own key).
class OcspResponder {
public:
    OcspResponder(const OpensslCa& ca, int port);
    int port() const { return port_; }
    void stop() { process_.reset(); }

private:
    int port_;
    std::unique_ptr<Process> process_;
};

// A plain HTTP server for the files of `folder` on 127.0.0.1:`port` (python3 -m http.server).
class HttpFileServer {
public:
    HttpFileServer(const std::string& folder, int port);
    int port() const { return port_; }

private:
    int port_;
    std::unique_ptr<Process> process_;
};

}  // namespace connspec::lab
