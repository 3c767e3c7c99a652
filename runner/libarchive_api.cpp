#include "runner/libarchive_api.hpp"

#include "checks/shared_library.hpp"

namespace connspec {
namespace {

struct LoadedLibArchive {
    SharedLibrary library{"libarchive.so.13"};  // libarchive 3's soname
    LibArchive api;

    LoadedLibArchive()
    {
#define CONNSPEC_LIBARCHIVE_BIND(name) library.bind(api.name, #name);
        CONNSPEC_LIBARCHIVE_FUNCTIONS(CONNSPEC_LIBARCHIVE_BIND)
#undef CONNSPEC_LIBARCHIVE_BIND
    }
};

}  // namespace

const LibArchive* libarchive(std::string* error)
{
    static const LoadedLibArchive loaded;  // thread-safe, once
    if (!loaded.library.ok()) {
        if (error) *error = loaded.library.error();
        return nullptr;
    }
    return &loaded.api;
}

}  // namespace connspec
