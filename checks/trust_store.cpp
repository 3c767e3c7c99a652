#include "checks/trust_store.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <map>
#include <mutex>
#include <tuple>

namespace connspec {
namespace {

// What identifies a version of a file on disk; all zero when it cannot be read.
using FileVersion = std::tuple<dev_t, ino_t, off_t, long, long>;

FileVersion version_of(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return {st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
}

struct Cached {
    FileVersion version;
    TrustStore store;
};

TrustStore load(const std::string& ca_file)
{
    TrustStore store(X509_STORE_new());
    bool loaded = store
                  && (ca_file.empty() ? X509_STORE_set_default_paths(store.get()) == 1
                                      : X509_STORE_load_file(store.get(), ca_file.c_str()) == 1);
    ERR_clear_error();
    if (!loaded) store.reset();
    return store;
}

TrustStore share(X509_STORE* store)
{
    if (!store || X509_STORE_up_ref(store) != 1) return nullptr;
    return TrustStore(store);
}

}  // namespace

TrustStore trust_store(const std::string& ca_file)
{
    static std::mutex mutex;
    static std::map<std::string, Cached> cache;
    // The system store: its bundle file stands for it (the hashed folder is read lazily anyway).
    FileVersion version = version_of(ca_file.empty() ? X509_get_default_cert_file() : ca_file);

    std::lock_guard lock(mutex);
    auto found = cache.find(ca_file);
    if (found != cache.end() && found->second.version == version && found->second.store)
        return share(found->second.store.get());
    TrustStore fresh = load(ca_file);
    if (!fresh) {
        cache.erase(ca_file);  // not cached: a file that appears later is read then
        return nullptr;
    }
    TrustStore handed_out = share(fresh.get());
    cache[ca_file] = Cached{version, std::move(fresh)};
    return handed_out;
}

}  // namespace connspec
