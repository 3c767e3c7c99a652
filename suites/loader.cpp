// Loader: NOT IMPLEMENTED YET (stub).
#include "suites/loader.hpp"

#include <cstdlib>

namespace connspec {

EnvLookup process_environment()
{
    return [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

LoadResult load_suites(const std::vector<std::string>& files, const EnvLookup&)
{
    LoadResult r;
    for (const auto& f : files) r.errors.push_back(f + ":1:1: loader not implemented");
    return r;
}

}  // namespace connspec
