// Shared by the path tests (reachable, path_mtu, route): a connspec run from the client end of a
// NetnsChain, and the tools of the troubleshooting guide run on the same path for comparison.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "tests/integration/fault_lab.hpp"
#include "tests/lab/netns_chain.hpp"

namespace connspec::lab {

// A connspec run of `toml` from inside the chain's client namespace, with its wall time.
inline TimedRun run_suite_from_client(const NetnsChain& chain, const TempDir& dir,
                                      const std::string& toml,
                                      const std::map<std::string, std::string>& env = {})
{
    auto begin = std::chrono::steady_clock::now();
    SuiteRun run = chain.inside(chain.client(),
                                [&] { return run_suite(dir, toml, {}, env, milliseconds{60000}); });
    return {std::move(run), std::chrono::steady_clock::now() - begin};
}

// A command run in the client namespace, with its wall time (ping, tracepath, traceroute).
struct TimedCommand {
    CommandResult result;
    std::chrono::duration<double> elapsed{};
};

// Stopped after `limit` (exit 128+signal): tracepath never ends in a PMTU black hole.
inline TimedCommand timed_from_client(const NetnsChain& chain, const std::vector<std::string>& argv,
                                      milliseconds limit = milliseconds{60000})
{
    auto begin = std::chrono::steady_clock::now();
    auto result = chain.run(chain.client(), argv, limit);
    return {std::move(result), std::chrono::steady_clock::now() - begin};
}

}  // namespace connspec::lab
