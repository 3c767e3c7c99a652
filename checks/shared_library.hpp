// A shared library opened on first use (dlopen) instead of linked, for libraries whose
// dependency chains cost every start of connspec while only some runs need them.
// It stays loaded for the life of the process.
#pragma once

#include <string>

namespace connspec {

class SharedLibrary {
public:
    // Opens `soname` (e.g. "libpq.so.5"); on failure ok() is false and error() says why.
    explicit SharedLibrary(const char* soname);
    SharedLibrary(const SharedLibrary&) = delete;
    SharedLibrary& operator=(const SharedLibrary&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

    // Points `slot` at the function `name` (declared by the library's own header, so the
    // type is the header's); on failure ok() turns false.
    template <class Function>
    void bind(Function*& slot, const char* name)
    {
        slot = reinterpret_cast<Function*>(find(name));
    }

private:
    void* find(const char* name);

    std::string soname_;
    void* handle_ = nullptr;
    std::string error_;
};

}  // namespace connspec
