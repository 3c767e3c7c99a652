#pragma once
// Trust anchors parsed once per CA file and shared: watch runs the same certificate checks
// every interval, and re-reading and decoding the PEM file each time was a tenth of its CPU.

#include <openssl/x509_vfy.h>

#include <memory>
#include <string>

namespace connspec {

struct TrustStoreFree {
    void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
using TrustStore = std::unique_ptr<X509_STORE, TrustStoreFree>;

// The anchors in `ca_file` (the system store when empty), or null when they cannot be loaded.
// The caller owns a reference; the store is shared read-only between cases and runs. A file
// changed on disk (size, mtime or inode) is read again, so a rotated CA is seen by the next run.
TrustStore trust_store(const std::string& ca_file);

}  // namespace connspec
