#include "checks/chain_cache.hpp"

#include <map>
#include <mutex>

namespace connspec {
namespace {

struct Entry {
    CachedChain cached;
    Clock::time_point stored;
};

std::mutex& cache_mutex()
{
    static std::mutex mutex;
    return mutex;
}

std::map<std::string, Entry>& cache()
{
    static std::map<std::string, Entry> entries;
    return entries;
}

CertificateChain copy_of(const CertificateChain& chain)
{
    CertificateChain copy;
    for (const auto& cert : chain) {
        X509_up_ref(cert.get());
        copy.emplace_back(cert.get());
    }
    return copy;
}

}  // namespace

void remember_chain(const std::string& key, const CertificateChain& chain, std::string endpoint)
{
    if (chain.empty()) return;
    std::lock_guard lock(cache_mutex());
    cache()[key] = Entry{{copy_of(chain), std::move(endpoint)}, Clock::now()};
}

std::optional<CachedChain> take_chain(const std::string& key, std::chrono::seconds max_age)
{
    std::lock_guard lock(cache_mutex());
    auto found = cache().find(key);
    if (found == cache().end()) return std::nullopt;
    Entry entry = std::move(found->second);
    cache().erase(found);
    if (Clock::now() - entry.stored > max_age) return std::nullopt;
    return std::move(entry.cached);
}

std::string chain_key(const Target& target, const std::string& sni)
{
    // The host too: two suites of the same name (db.toml in two folders) may hold a target
    // of the same name pointing elsewhere, and with an IP literal there is no SNI to tell them
    // apart.
    return target.qualified_name() + "|" + target.host + "|" + std::to_string(target.port) + "|"
           + std::string(to_string(target.protocol)) + "|" + sni + "|" + target.client_cert;
}

}  // namespace connspec
