#include "checks/libpq_api.hpp"

#include "checks/shared_library.hpp"

namespace connspec {
namespace {

struct LoadedLibPq {
    SharedLibrary library{"libpq.so.5"};  // libpq's soname since PostgreSQL 8.2
    LibPq api;

    LoadedLibPq()
    {
#define CONNSPEC_LIBPQ_BIND(name) library.bind(api.name, #name);
        CONNSPEC_LIBPQ_FUNCTIONS(CONNSPEC_LIBPQ_BIND)
#undef CONNSPEC_LIBPQ_BIND
    }
};

}  // namespace

const LibPq* libpq(std::string* error)
{
    static const LoadedLibPq loaded;  // thread-safe, once
    if (!loaded.library.ok()) {
        if (error) *error = loaded.library.error();
        return nullptr;
    }
    return &loaded.api;
}

}  // namespace connspec
