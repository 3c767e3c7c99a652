#include "checks/revocation.hpp"
#include "checks/trust_store.hpp"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include <array>
#include <ctime>
#include <memory>

#include <fmt/format.h>

#include "checks/http_fetch.hpp"

namespace connspec {
namespace {

enum class RevStatus { good, revoked, unknown };

struct CertStatus {
    RevStatus status = RevStatus::unknown;
    std::string detail;       // "revoked 2026-01-01T00:00:00Z (keyCompromise)", why unknown
    std::string source;       // "stapled OCSP response", "OCSP responder http://...", "CRL http://..."
    std::string next_update;  // when the answer stops being valid
    bool stopped = false;
};

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, Deleter<OCSP_RESPONSE, OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, Deleter<OCSP_BASICRESP, OCSP_BASICRESP_free>>;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST, OCSP_REQUEST_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID, OCSP_CERTID_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;

struct StackFree {
    void operator()(STACK_OF(X509)* s) const { sk_X509_free(s); }
};
struct StringStackFree {
    void operator()(STACK_OF(OPENSSL_STRING)* s) const { X509_email_free(s); }
};
struct DistPointsFree {
    void operator()(STACK_OF(DIST_POINT)* s) const { sk_DIST_POINT_pop_free(s, DIST_POINT_free); }
};

std::string openssl_problem()
{
    unsigned long code = ERR_peek_last_error();
    if (code == 0) return "no details";
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    return text.data();
}

std::string time_text(const ASN1_TIME* time)
{
    struct tm parts {};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1) return "?";
    std::array<char, 32> text{};
    std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text.data();
}

std::string subject_of(X509* cert)
{
    std::array<char, 256> text{};
    X509_NAME_oneline(X509_get_subject_name(cert), text.data(), static_cast<int>(text.size()));
    return text.data();
}

std::string which(std::size_t index, X509* cert)
{
    if (index == 0) return fmt::format("leaf certificate {}", subject_of(cert));
    return fmt::format("chain certificate #{} {}", index + 1, subject_of(cert));
}

CertStatus unknown(std::string source, std::string detail)
{
    CertStatus s;
    s.source = std::move(source);
    s.detail = std::move(detail);
    return s;
}

// Judges an OCSP response about `cert` (issued by `issuer`); `request` to check its nonce.
CertStatus judge_ocsp(OCSP_RESPONSE* response, X509* cert, X509* issuer, STACK_OF(X509)* chain,
                      X509_STORE* store, OCSP_REQUEST* request, std::string source)
{
    int response_status = OCSP_response_status(response);
    if (response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        return unknown(source, fmt::format("the responder answered {}",
                                           OCSP_response_status_str(response_status)));
    OcspBasicPtr basic(OCSP_response_get1_basic(response));
    if (!basic) return unknown(source, "the response holds no basic OCSP response");
    if (request && OCSP_check_nonce(request, basic.get()) == 0)
        return unknown(source, "the response's nonce does not match the request's");
    ERR_clear_error();
    if (OCSP_basic_verify(basic.get(), chain, store, 0) <= 0) {
        auto why = openssl_problem();
        ERR_clear_error();
        return unknown(source, "the response's signature does not verify: " + why);
    }
    OcspCertIdPtr id(OCSP_cert_to_id(nullptr, cert, issuer));
    int status = 0, reason = 0;
    ASN1_GENERALIZEDTIME *revoked_at = nullptr, *this_update = nullptr, *next_update = nullptr;
    if (!id
        || OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at,
                                 &this_update, &next_update)
               != 1)
        return unknown(source, "the response is not about this certificate");
    CertStatus s;
    s.source = std::move(source);
    s.next_update = next_update ? time_text(next_update) : "none";
    if (OCSP_check_validity(this_update, next_update, 300, -1) != 1) {
        ERR_clear_error();
        s.detail = fmt::format("the response is out of date (thisUpdate {}, nextUpdate {})",
                               time_text(this_update), s.next_update);
        return s;
    }
    if (status == V_OCSP_CERTSTATUS_GOOD) {
        s.status = RevStatus::good;
        s.detail = "good";
    } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
        s.status = RevStatus::revoked;
        s.detail = fmt::format("revoked {}{}", time_text(revoked_at),
                               reason >= 0 ? fmt::format(" ({})", OCSP_crl_reason_str(reason))
                                           : std::string());
    } else {
        s.detail = "the responder does not know this certificate";
    }
    return s;
}

CertStatus stapled_status(const std::vector<unsigned char>& stapled, X509* cert, X509* issuer,
                          STACK_OF(X509)* chain, X509_STORE* store)
{
    const unsigned char* p = stapled.data();
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(stapled.size())));
    if (!response) return unknown("stapled OCSP response", "the stapled response does not parse");
    return judge_ocsp(response.get(), cert, issuer, chain, store, nullptr, "stapled OCSP response");
}

CertStatus responder_status(X509* cert, X509* issuer, STACK_OF(X509)* chain, X509_STORE* store,
                            Deadline deadline, const StopSignal& stop)
{
    std::unique_ptr<STACK_OF(OPENSSL_STRING), StringStackFree> urls(X509_get1_ocsp(cert));
    if (!urls || sk_OPENSSL_STRING_num(urls.get()) == 0)
        return unknown("OCSP", "the certificate names no OCSP responder");
    std::string url = sk_OPENSSL_STRING_value(urls.get(), 0);
    std::string source = "OCSP responder " + url;
    OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(nullptr, cert, issuer);
    if (!request || !id || !OCSP_request_add0_id(request.get(), id)) {
        OCSP_CERTID_free(id);
        return unknown(source, "cannot make the OCSP request");
    }
    OCSP_request_add1_nonce(request.get(), nullptr, -1);
    HttpFetch fetch = http_fetch_asn1(url, ASN1_ITEM_rptr(OCSP_REQUEST),
                                      reinterpret_cast<const ASN1_VALUE*>(request.get()),
                                      "application/ocsp-request", ASN1_ITEM_rptr(OCSP_RESPONSE),
                                      deadline, stop);
    if (!fetch.value) {
        CertStatus s = unknown(source, fetch.problem);
        s.stopped = fetch.stopped;
        return s;
    }
    OcspResponsePtr response(reinterpret_cast<OCSP_RESPONSE*>(fetch.value));
    return judge_ocsp(response.get(), cert, issuer, chain, store, request.get(), source);
}

std::vector<std::string> crl_urls(X509* cert)
{
    std::vector<std::string> urls;
    std::unique_ptr<STACK_OF(DIST_POINT), DistPointsFree> points(static_cast<STACK_OF(DIST_POINT)*>(
        X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr)));
    for (int i = 0; points && i < sk_DIST_POINT_num(points.get()); ++i) {
        DIST_POINT* point = sk_DIST_POINT_value(points.get(), i);
        if (!point->distpoint || point->distpoint->type != 0) continue;
        GENERAL_NAMES* names = point->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
            GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
            if (name->type != GEN_URI) continue;
            const auto* text = ASN1_STRING_get0_data(name->d.uniformResourceIdentifier);
            std::string url(reinterpret_cast<const char*>(text),
                            static_cast<std::size_t>(ASN1_STRING_length(name->d.uniformResourceIdentifier)));
            if (url.starts_with("http://")) urls.push_back(url);
        }
    }
    return urls;
}

CertStatus crl_status(X509* cert, X509* issuer, Deadline deadline, const StopSignal& stop)
{
    auto urls = crl_urls(cert);
    if (urls.empty()) return unknown("CRL", "the certificate names no http CRL distribution point");
    const std::string& url = urls.front();
    std::string source = "CRL " + url;
    HttpFetch fetch = http_fetch_asn1(url, nullptr, nullptr, nullptr, ASN1_ITEM_rptr(X509_CRL),
                                      deadline, stop);
    if (!fetch.value) {
        CertStatus s = unknown(source, fetch.problem);
        s.stopped = fetch.stopped;
        return s;
    }
    CrlPtr crl(reinterpret_cast<X509_CRL*>(fetch.value));
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer)) != 0)
        return unknown(source, "the CRL is not issued by the certificate's issuer");
    if (X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer)) != 1) {
        ERR_clear_error();
        return unknown(source, "the CRL's signature does not verify with the issuer's key");
    }
    CertStatus s;
    s.source = source;
    const ASN1_TIME* this_update = X509_CRL_get0_lastUpdate(crl.get());
    const ASN1_TIME* next_update = X509_CRL_get0_nextUpdate(crl.get());
    s.next_update = next_update ? time_text(next_update) : "none";
    if (!this_update || X509_cmp_time(this_update, nullptr) > 0
        || (next_update && X509_cmp_time(next_update, nullptr) < 0)) {
        s.detail = fmt::format("the CRL is out of date (thisUpdate {}, nextUpdate {})",
                               time_text(this_update), s.next_update);
        return s;
    }
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl.get(), &entry, cert) == 1 && entry) {
        s.status = RevStatus::revoked;
        s.detail = fmt::format("revoked {}", time_text(X509_REVOKED_get0_revocationDate(entry)));
    } else {
        s.status = RevStatus::good;
        s.detail = "not on the CRL";
    }
    return s;
}

const char* status_name(RevStatus s)
{
    switch (s) {
    case RevStatus::good: return "good";
    case RevStatus::revoked: return "revoked";
    case RevStatus::unknown: return "unknown";
    }
    return "unknown";
}

}  // namespace

RevocationVerdict check_revocation(const CertificateChain& verified,
                                   const std::vector<unsigned char>& stapled,
                                   const RevocationPolicy& policy, Deadline deadline,
                                   const StopSignal& stop)
{
    RevocationVerdict verdict;
    verdict.properties.push_back({"stapled", stapled.empty() ? "no" : "yes"});
    if (policy.mode == RevocationMode::off && !policy.require_stapling) return verdict;

    TrustStore store = trust_store(policy.ca_file);
    bool loaded = store != nullptr;
    std::unique_ptr<STACK_OF(X509), StackFree> chain(sk_X509_new_null());
    for (const auto& cert : verified) sk_X509_push(chain.get(), cert.get());

    std::vector<std::string> revoked, unknowns;
    bool stopped = false;
    std::string ocsp_leaf, ocsp_next, crl_next;
    // Every certificate but the anchor, each with its issuer.
    for (std::size_t i = 0; i + 1 < verified.size() && policy.mode != RevocationMode::off; ++i) {
        X509* cert = verified[i].get();
        X509* issuer = verified[i + 1].get();
        std::vector<CertStatus> tried;
        if (policy.mode == RevocationMode::ocsp || policy.mode == RevocationMode::any) {
            if (!loaded)
                tried.push_back(unknown("OCSP", "cannot load the trust anchors to check responses"));
            else if (i == 0 && !stapled.empty())
                tried.push_back(stapled_status(stapled, cert, issuer, chain.get(), store.get()));
            else
                tried.push_back(responder_status(cert, issuer, chain.get(), store.get(), deadline, stop));
            if (i == 0) {
                ocsp_leaf = status_name(tried.back().status);
                ocsp_next = tried.back().next_update;
            }
        }
        bool settled = !tried.empty() && tried.back().status != RevStatus::unknown;
        if (!settled && !stop.requested()
            && (policy.mode == RevocationMode::crl || policy.mode == RevocationMode::any)) {
            tried.push_back(crl_status(cert, issuer, deadline, stop));
            if (i == 0) crl_next = tried.back().next_update;
        }
        const CertStatus& last = tried.back();
        for (const auto& t : tried)
            verdict.log.push_back(fmt::format("{}: {}: {}", which(i, cert), t.source, t.detail));
        stopped |= last.stopped || stop.requested();
        if (last.status == RevStatus::revoked) {
            revoked.push_back(fmt::format("{} is {} (according to the {})", which(i, cert),
                                          last.detail, last.source));
        } else if (last.status == RevStatus::unknown) {
            std::vector<std::string> why;
            for (const auto& t : tried) why.push_back(fmt::format("{}: {}", t.source, t.detail));
            unknowns.push_back(fmt::format("{}: {}", which(i, cert), fmt::join(why, "; ")));
        }
    }
    if (!ocsp_leaf.empty()) verdict.properties.push_back({"ocsp_status", ocsp_leaf});
    if (!ocsp_next.empty()) verdict.properties.push_back({"ocsp_next_update", ocsp_next});
    if (!crl_next.empty()) verdict.properties.push_back({"crl_next_update", crl_next});

    if (!revoked.empty()) {
        verdict.problem = failed("cert.revoked", fmt::format("{}", fmt::join(revoked, "; ")),
                                 "replace the revoked certificate on the server (a new key and "
                                 "certificate) and serve the new chain");
    } else if (stopped) {
        verdict.problem = interrupted();
    } else if (policy.require_stapling && stapled.empty()) {
        verdict.problem = failed("cert.revocation_unknown",
                                 "the server sent no stapled OCSP response (require_stapling)",
                                 "enable OCSP stapling on the server or the proxy in front of "
                                 "it (PostgreSQL itself cannot staple)");
    } else if (!unknowns.empty()) {
        verdict.problem = errored("cert.revocation_unknown",
                                  fmt::format("revocation status unknown: {}", fmt::join(unknowns, "; ")),
                                  "make the OCSP responder or CRL distribution point named in the "
                                  "certificate reachable from here; an unknown status is never "
                                  "counted as good");
    }
    return verdict;
}

}  // namespace connspec
