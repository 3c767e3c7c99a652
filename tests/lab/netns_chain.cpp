#include "tests/lab/netns_chain.hpp"

#include <stdexcept>

namespace connspec::lab {
namespace {

// Link i's subnet: 198.18.(i+1).0/24.
std::string link_address(int link, int end)
{
    return "198.18." + std::to_string(link + 1) + "." + std::to_string(end);
}

std::string link_subnet(int link)
{
    return "198.18." + std::to_string(link + 1) + ".0/24";
}

std::string link_address6(int link, int end)
{
    return "2001:2:0:" + std::to_string(link + 1) + "::" + std::to_string(end);
}

std::string link_subnet6(int link)
{
    return "2001:2:0:" + std::to_string(link + 1) + "::/64";
}

}  // namespace

std::string NetnsChain::left_address(int node)
{
    return link_address(node - 1, 2);
}

std::string NetnsChain::right_address(int node)
{
    return link_address(node, 1);
}

std::string NetnsChain::left_address6(int node)
{
    return link_address6(node - 1, 2);
}

std::string NetnsChain::right_address6(int node)
{
    return link_address6(node, 1);
}

NetnsChain::NetnsChain(int routers)
{
    if (routers < 0) throw std::invalid_argument("a chain needs 0 or more routers");
    sweep_abandoned_namespaces();
    try {
        int nodes = routers + 2;
        for (int node = 0; node < nodes; ++node) {
            std::string role = node == 0 ? "c" : node == nodes - 1 ? "s" : "r" + std::to_string(node);
            names_.push_back(fault_namespace_name(role.c_str()));
            run_or_throw({"ip", "netns", "add", names_.back()});
            created_.push_back(names_.back());
            run_or_throw({"ip", "-n", names_.back(), "link", "set", "lo", "up"});
        }
        int links = nodes - 1;
        for (int link = 0; link < links; ++link) {
            const auto& left_node = name(link);
            const auto& right_node = name(link + 1);
            // Created straight inside the namespaces: nothing ever appears in the host's own.
            run_or_throw({"ip", "link", "add", "right", "netns", left_node, "type", "veth", "peer",
                          "name", "left", "netns", right_node});
            run_or_throw({"ip", "-n", left_node, "address", "add", link_address(link, 1) + "/24", "dev", "right"});
            run_or_throw({"ip", "-n", right_node, "address", "add", link_address(link, 2) + "/24", "dev", "left"});
            // nodad: usable at once, not after duplicate address detection's second.
            run_or_throw({"ip", "-n", left_node, "address", "add", link_address6(link, 1) + "/64", "dev", "right", "nodad"});
            run_or_throw({"ip", "-n", right_node, "address", "add", link_address6(link, 2) + "/64", "dev", "left", "nodad"});
            run_or_throw({"ip", "-n", left_node, "link", "set", "right", "up"});
            run_or_throw({"ip", "-n", right_node, "link", "set", "left", "up"});
        }
        for (int node = 0; node < nodes; ++node) {
            bool is_router = node > 0 && node < nodes - 1;
            if (is_router) {
                run_or_throw({"ip", "netns", "exec", name(node), "sysctl", "-qw", "net.ipv4.ip_forward=1"});
                run_or_throw({"ip", "netns", "exec", name(node), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"});
            }
            // Every subnet not attached: towards the client through the left neighbour,
            // towards the server through the right one.
            for (int link = 0; link < links; ++link) {
                if (link == node - 1 || link == node) continue;
                std::string via = link < node ? link_address(node - 1, 1) : link_address(node, 2);
                run_or_throw({"ip", "-n", name(node), "route", "add", link_subnet(link), "via", via});
                std::string via6 = link < node ? link_address6(node - 1, 1) : link_address6(node, 2);
                run_or_throw({"ip", "-n", name(node), "-6", "route", "add", link_subnet6(link), "via", via6});
            }
        }
        if (routers > 0) {
            run_or_throw({"ip", "-n", name(0), "route", "add", "default", "via", link_address(0, 2)});
            run_or_throw({"ip", "-n", name(0), "-6", "route", "add", "default", "via", link_address6(0, 2)});
        }
        for (int link = 0; link < links; ++link) wait_for_carrier(name(link), "right");
    } catch (...) {
        remove_all();
        throw;
    }
}

NetnsChain::~NetnsChain()
{
    remove_all();
}

void NetnsChain::remove_all() noexcept
{
    // Deleting a namespace removes its veth ends (and so their peers) and its rules.
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) delete_namespace(*it);
    created_.clear();
}

void NetnsChain::set_link_mtu(int link, int mtu) const
{
    run_or_throw({"ip", "-n", name(link), "link", "set", "right", "mtu", std::to_string(mtu)});
    run_or_throw({"ip", "-n", name(link + 1), "link", "set", "left", "mtu", std::to_string(mtu)});
}

void NetnsChain::add_rule(int node, const std::vector<std::string>& rule) const
{
    std::vector<std::string> argv{"ip", "netns", "exec", name(node), "iptables"};
    argv.insert(argv.end(), rule.begin(), rule.end());
    run_or_throw(argv);
}

void NetnsChain::add_rule6(int node, const std::vector<std::string>& rule) const
{
    std::vector<std::string> argv{"ip", "netns", "exec", name(node), "ip6tables"};
    argv.insert(argv.end(), rule.begin(), rule.end());
    run_or_throw(argv);
}

void NetnsChain::set_sysctl(int node, const std::string& key, const std::string& value) const
{
    run_or_throw({"ip", "netns", "exec", name(node), "sysctl", "-qw", key + "=" + value});
}

CommandResult NetnsChain::run(int node, const std::vector<std::string>& argv, milliseconds limit) const
{
    std::vector<std::string> full{"ip", "netns", "exec", name(node)};
    full.insert(full.end(), argv.begin(), argv.end());
    return lab::run(full, limit);
}

}  // namespace connspec::lab
