// Shared by the fault_* tests: the skip condition, a listener that starts late inside a
// namespace, and a timed connspec run inside the client namespace.
#pragma once

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "tests/integration/tcp_lab.hpp"
#include "tests/lab/lab.hpp"
#include "tests/lab/netns.hpp"

namespace connspec::lab {

// Boost.Test precondition: the test is reported skipped, with the reason, where this machine
// cannot create network namespaces (not root, no iproute2 or iptables, no kernel support).
inline boost::test_tools::assertion_result netns_usable(boost::unit_test::test_unit_id)
{
    const NetnsSupport& support = NetnsPair::support();
    boost::test_tools::assertion_result result(support.available);
    if (!support.available)
        result.message() << "network namespaces unavailable: " << support.reason;
    return result;
}

// A listener on the server side that appears only after `delay`, like a server still booting.
// The pause is the scenario itself, not a wait for a server.
class LateListener {
public:
    LateListener(const NetnsPair& net, int port, std::chrono::milliseconds delay)
        : thread_([this, &net, port, delay](std::stop_token stop) {
              serve(net, port, delay, stop);
          })
    {
    }
    LateListener(const LateListener&) = delete;
    LateListener& operator=(const LateListener&) = delete;

    // When the listener started; empty while it has not (or failed: see error()).
    std::optional<std::chrono::steady_clock::time_point> started() const
    {
        std::lock_guard lock(mutex_);
        return started_;
    }
    std::string error() const
    {
        std::lock_guard lock(mutex_);
        return error_;
    }

private:
    void serve(const NetnsPair& net, int port, std::chrono::milliseconds delay,
               std::stop_token stop)
    {
        std::unique_lock lock(mutex_);
        try {
            net.enter(NetnsPair::Side::server);
            changed_.wait_for(lock, stop, delay, [] { return false; });
            if (stop.stop_requested()) return;
            TcpListener listener(NetnsPair::server_address, port);
            started_ = std::chrono::steady_clock::now();
            changed_.wait(lock, stop, [] { return false; });  // listen until the test ends
        } catch (const std::exception& e) {
            error_ = e.what();
        }
    }

    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    std::optional<std::chrono::steady_clock::time_point> started_;
    std::string error_;
    // Last: it starts once the members it uses exist, and its destruction (stop, join) comes
    // before theirs.
    std::jthread thread_;
};

// A connspec run of `toml` from inside the client namespace, with its wall time.
struct TimedRun {
    SuiteRun run;
    std::chrono::duration<double> elapsed{};
};

inline TimedRun run_suite_from_client(const NetnsPair& net, const TempDir& dir,
                                      const std::string& toml,
                                      const std::map<std::string, std::string>& env = {})
{
    auto begin = std::chrono::steady_clock::now();
    SuiteRun run = net.inside(NetnsPair::Side::client,
                              [&] { return run_suite(dir, toml, {}, env, milliseconds{60000}); });
    return {std::move(run), std::chrono::steady_clock::now() - begin};
}

// What connspec printed, for the context of a failed assertion.
inline std::string transcript(const SuiteRun& run)
{
    return "connspec exit " + std::to_string(run.command.exit_code) + "\n--- stdout\n" +
           run.command.out + "--- stderr\n" + run.command.err;
}

}  // namespace connspec::lab
