// One HTTP exchange of a DER object (an OCSP request and response, a CRL) with a plain-HTTP
// URL from a certificate, under the case deadline: OpenSSL's own HTTP client, driven
// non-blocking over a socket connected here, every wait a poll woken by the stop signal.
#pragma once

#include <openssl/asn1.h>

#include <string>

#include "checks/check_kind.hpp"

namespace connspec {

struct HttpFetch {
    ASN1_VALUE* value = nullptr;  // the decoded response (caller frees it with ASN1_item_free)
    std::string problem;          // when value is null: what went wrong, one line
    bool timed_out = false;
    bool stopped = false;
};

// GET `url` (request null) or POST `request` as `content_type`; decode the answer as
// `response_it`. Follows no redirects; https is refused (OCSP and CRLs are plain HTTP).
HttpFetch http_fetch_asn1(const std::string& url, const ASN1_ITEM* request_it,
                          const ASN1_VALUE* request, const char* content_type,
                          const ASN1_ITEM* response_it, Deadline deadline, const StopSignal& stop);

}  // namespace connspec
