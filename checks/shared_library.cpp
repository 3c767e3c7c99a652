#include "checks/shared_library.hpp"

#include <dlfcn.h>

namespace connspec {

SharedLibrary::SharedLibrary(const char* soname) : soname_(soname)
{
    // RTLD_LOCAL: its symbols stay out of the global scope, so nothing else binds to them.
    handle_ = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char* why = ::dlerror();
        error_ = "cannot load " + soname_ + (why ? std::string(": ") + why : std::string());
    }
}

void* SharedLibrary::find(const char* name)
{
    if (!handle_) return nullptr;
    ::dlerror();
    void* symbol = ::dlsym(handle_, name);
    if (!symbol && error_.empty()) error_ = soname_ + " has no function " + name;
    return symbol;
}

}  // namespace connspec
