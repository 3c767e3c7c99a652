// The addresses a declared `resolves` found, handed to every case down its chain of
// prerequisites: they connect to these instead of asking the system resolver again (so a name
// only `resolves.server` knows still works).
#pragma once

#include <string>
#include <vector>

#include "core/outcome.hpp"

namespace connspec {

struct ResolvedAddresses : Handoff {
    std::vector<std::string> addresses;  // numeric, in the order the resolver gave them
};

}  // namespace connspec
