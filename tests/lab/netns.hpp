// A fault lab made of network namespaces: a client and a server namespace joined by a veth
// pair, with addresses from 198.18.0.0/15 (the benchmarking range, which routes nowhere), so
// tests can firewall, drop and unroute traffic without touching the machine's own network.
// Everything is deleted on destruction, and namespaces left by a killed test run are removed
// by the next one.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "tests/lab/lab.hpp"

namespace connspec::lab {

// The pieces every namespace lab shares (NetnsPair, NetnsChain).
// A fresh namespace name "csfault-PID-N-ROLE": the owner's pid lets a later run find the
// namespaces of a test that was killed before its destructors ran.
std::string fault_namespace_name(const char* role);
// Deletes, once per process, namespaces whose owning test process no longer exists.
void sweep_abandoned_namespaces();
// Runs argv; throws with its error output when it fails.
void run_or_throw(const std::vector<std::string>& argv);
void delete_namespace(const std::string& name) noexcept;
// Moves the calling thread into namespace `name`.
void enter_namespace(const std::string& name);
std::string trimmed(std::string text);
// Waits until veth `interface` in namespace `name` has carrier; throws after 5 s.
void wait_for_carrier(const std::string& name, const std::string& interface);

// Runs `work` on a fresh thread that entered namespace `name`, waits for it, and returns its
// result (or rethrows its exception).
template <class Work>
auto run_inside(const std::string& name, Work&& work) -> std::invoke_result_t<Work&>;

// Whether this machine lets a test create namespaces, and why not when it does not.
struct NetnsSupport {
    bool available = false;
    std::string reason;  // empty when available
};

class NetnsPair {
public:
    enum class Side { client, server };

    // Addresses on the veth pair (a /30) and one outside it that the client has no route to.
    static constexpr const char* client_address = "198.18.0.1";
    static constexpr const char* server_address = "198.18.0.2";
    static constexpr const char* unrouted_address = "198.19.255.1";

    // Probed once per process: root, `ip netns add` works, iptables works inside a namespace.
    static const NetnsSupport& support();

    // Creates both namespaces (loopback up in each), the veth pair and its addresses.
    // The client namespace gets no default route. Throws when any step fails.
    NetnsPair();
    ~NetnsPair();
    NetnsPair(const NetnsPair&) = delete;
    NetnsPair& operator=(const NetnsPair&) = delete;

    const std::string& name(Side side) const { return side == Side::client ? client_ : server_; }

    // `ip netns exec NAME argv...`, captured like lab::run.
    CommandResult run(Side side, const std::vector<std::string>& argv,
                      milliseconds limit = milliseconds{30000}) const;
    // Appends an iptables rule to the server namespace's filter table ("-A INPUT ...").
    // Throws when iptables refuses it.
    void add_server_rule(const std::vector<std::string>& rule) const;

    // Moves the calling thread into a namespace (sockets it creates and processes it starts
    // live there). For threads the caller owns; others use inside().
    void enter(Side side) const;

    // Runs `work` on a fresh thread that entered `side`, waits for it, and returns its result
    // (or rethrows its exception). Servers and clients started there stay in that namespace.
    template <class Work>
    auto inside(Side side, Work&& work) const -> std::invoke_result_t<Work&>;

private:
    void remove_all() noexcept;

    std::string client_;
    std::string server_;
    std::vector<std::string> created_;  // namespaces to delete, in creation order
};

// --- implementation of the templates ---
template <class Work>
auto NetnsPair::inside(Side side, Work&& work) const -> std::invoke_result_t<Work&>
{
    return run_inside(name(side), std::forward<Work>(work));
}

template <class Work>
auto run_inside(const std::string& name, Work&& work) -> std::invoke_result_t<Work&>
{
    using Result = std::invoke_result_t<Work&>;
    std::exception_ptr failure;
    if constexpr (std::is_void_v<Result>) {
        std::thread worker([&] {
            try {
                enter_namespace(name);
                work();
            } catch (...) {
                failure = std::current_exception();
            }
        });
        worker.join();
        if (failure) std::rethrow_exception(failure);
    } else {
        std::optional<Result> result;
        std::thread worker([&] {
            try {
                enter_namespace(name);
                result.emplace(work());
            } catch (...) {
                failure = std::current_exception();
            }
        });
        worker.join();
        if (failure) std::rethrow_exception(failure);
        return std::move(*result);
    }
}

}  // namespace connspec::lab
