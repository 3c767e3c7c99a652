// Fuzz target: the suite loader (TOML parsing, ${VAR} expansion, [defaults], every kind's
// options). Any input must end as a plan or as FILE:LINE:COL mistakes: never a crash, an
// abort or a mistake without its position.
#include "fuzz/fuzz_targets.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "suites/loader.hpp"

namespace connspec::fuzz {

void suite_loader(const std::uint8_t* data, std::size_t size)
{
    // The loader reads files; one per process, rewritten for each input.
    static const std::string path = [] {
        const char* tmp = std::getenv("TMPDIR");
        return std::string(tmp && *tmp ? tmp : "/tmp") + "/connspec-fuzz-" +
               std::to_string(::getpid()) + ".toml";
    }();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    // A fixed environment: two variables set, every other one unset.
    EnvLookup env = [](std::string_view name) -> std::optional<std::string> {
        if (name == "PGHOST") return "127.0.0.1";
        if (name == "PGPORT") return "5432";
        return std::nullopt;
    };
    LoadResult loaded = load_suites({path}, env);
    for (const auto& e : loaded.errors)
        if (e.rfind(path + ":", 0) != 0) {
            std::fprintf(stderr, "mistake without FILE:LINE:COL: %s\n", e.c_str());
            std::abort();
        }
    if (loaded.ok()) (void)describe(loaded.plan);
    std::remove(path.c_str());
}

}  // namespace connspec::fuzz

#ifndef CONNSPEC_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    connspec::fuzz::suite_loader(data, size);
    return 0;
}
#endif
