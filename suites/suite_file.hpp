// What every part of loading one suite file shares: its name as given, its folder (for
// relative paths), the environment and where mistakes go.
#pragma once

#include <filesystem>
#include <string>

#include <toml++/toml.h>

#include "core/run_secrets.hpp"
#include "suites/loader.hpp"
#include "suites/mistakes.hpp"

namespace connspec {

struct SuiteFile {
    std::size_t index = 0;   // place on the command line
    std::string name;        // as given on the command line
    std::filesystem::path folder;  // absolute
    const EnvLookup* env = nullptr;
    Mistakes* mistakes = nullptr;
    RunSecrets* secrets = nullptr;  // the plan's: values no outcome may show

    void mistake(const toml::source_position& at, std::string message) const
    {
        mistakes->add(index, name, static_cast<int>(at.line), static_cast<int>(at.column),
                      std::move(message));
    }

    // A path written in the suite, relative to the suite file's folder.
    std::string resolve(const std::string& path) const
    {
        std::filesystem::path p(path);
        if (p.is_absolute()) return p.lexically_normal().string();
        return (folder / p).lexically_normal().string();
    }
};

}  // namespace connspec
