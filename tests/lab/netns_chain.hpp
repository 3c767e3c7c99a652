// A line of network namespaces for path tests: client — router 1 — ... — router N — server,
// joined by veth links, with addresses from 198.18.0.0/15, forwarding on the routers and
// routes both ways, so traceroutes see every router and MTUs and firewalls can differ per link
// and per namespace. Built and removed like NetnsPair (same names, same sweep of namespaces
// left by killed runs).
//
// Nodes are numbered 0 (client) to routers + 1 (server); link i joins node i and node i + 1,
// with 198.18.(i+1).1 on node i ("right") and 198.18.(i+1).2 on node i + 1 ("left"), and in
// IPv6 2001:2:0:(i+1)::1 and ::2 (2001:2::/48, the IPv6 benchmarking range). The client routes
// everything else to router 1, so an address no router knows is reported unreachable by
// router 1.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tests/lab/netns.hpp"

namespace connspec::lab {

class NetnsChain {
public:
    // An address in no namespace's routes (router 1 answers "network unreachable").
    static constexpr const char* unrouted_address = "198.19.255.1";

    // Builds the chain with `routers` routers (0: client and server on one link). Throws when
    // any step fails; check NetnsPair::support() first.
    explicit NetnsChain(int routers);
    ~NetnsChain();
    NetnsChain(const NetnsChain&) = delete;
    NetnsChain& operator=(const NetnsChain&) = delete;

    int client() const { return 0; }
    int server() const { return static_cast<int>(names_.size()) - 1; }
    int router(int k) const { return k; }  // 1-based, as hops count
    const std::string& name(int node) const { return names_.at(static_cast<std::size_t>(node)); }

    // Node's address on the link towards the client ("left") or towards the server ("right").
    static std::string left_address(int node);
    static std::string right_address(int node);
    std::string server_address() const { return left_address(server()); }
    std::string client_address() const { return right_address(client()); }
    // The same in IPv6.
    static std::string left_address6(int node);
    static std::string right_address6(int node);
    std::string server_address6() const { return left_address6(server()); }

    // Sets the MTU of both ends of link `link` (between node `link` and node `link` + 1).
    void set_link_mtu(int link, int mtu) const;
    // Appends an iptables rule to node's filter table ("-A FORWARD ..."). Throws when refused.
    void add_rule(int node, const std::vector<std::string>& rule) const;
    // The same for IPv6 (ip6tables).
    void add_rule6(int node, const std::vector<std::string>& rule) const;
    // sysctl -w key=value inside node. Throws when refused.
    void set_sysctl(int node, const std::string& key, const std::string& value) const;

    // `ip netns exec NAME argv...`, captured like lab::run.
    CommandResult run(int node, const std::vector<std::string>& argv,
                      milliseconds limit = milliseconds{30000}) const;

    // Runs `work` on a fresh thread inside node's namespace (see run_inside).
    template <class Work>
    auto inside(int node, Work&& work) const -> std::invoke_result_t<Work&>
    {
        return run_inside(name(node), std::forward<Work>(work));
    }

private:
    void remove_all() noexcept;

    std::vector<std::string> names_;    // by node
    std::vector<std::string> created_;  // namespaces to delete, in creation order
};

}  // namespace connspec::lab
