#include "tests/lab/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace connspec::lab {

void wait_for_carrier(const std::string& name, const std::string& interface)
{
    // Both ends of a veth report carrier a moment after the second one goes up.
    bool up = wait_until(
        [&] {
            auto shown = lab::run({"ip", "-n", name, "-o", "link", "show", interface}, milliseconds{10000});
            return shown.out.find("LOWER_UP") != std::string::npos;
        },
        milliseconds{5000});
    if (!up) throw std::runtime_error("the veth link " + interface + " in " + name + " did not come up");
}

namespace {

// Namespace names are "csfault-PID-N-c" / "-s": the owner's pid lets a later run find the
// namespaces of a test that was killed before its destructors ran.
constexpr const char* name_prefix = "csfault-";
constexpr const char* netns_folder = "/run/netns";
constexpr const char* client_interface = "veth-c";
constexpr const char* server_interface = "veth-s";
constexpr const char* prefix_length = "/30";

bool process_alive(pid_t pid)
{
    return ::kill(pid, 0) == 0 || errno != ESRCH;
}

// Deletes namespaces whose owning test process no longer exists.
void remove_abandoned_namespaces()
{
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(netns_folder, ec)) {
        std::string name = entry.path().filename().string();
        if (name.rfind(name_prefix, 0) != 0) continue;
        std::string rest = name.substr(std::strlen(name_prefix));
        pid_t owner = 0;
        try {
            owner = static_cast<pid_t>(std::stol(rest));
        } catch (...) {
            continue;
        }
        if (owner > 0 && !process_alive(owner)) delete_namespace(name);
    }
}

}  // namespace

std::string trimmed(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

void run_or_throw(const std::vector<std::string>& argv)
{
    auto result = run(argv, milliseconds{30000});
    if (result.exit_code != 0) {
        std::string command;
        for (const auto& part : argv) command += (command.empty() ? "" : " ") + part;
        throw std::runtime_error(command + " failed: " + trimmed(result.err));
    }
}

void delete_namespace(const std::string& name) noexcept
{
    try {
        run({"ip", "netns", "delete", name}, milliseconds{30000});
    } catch (...) {
        // Nothing more to do: a leftover is removed by the next run's sweep.
    }
}

std::string fault_namespace_name(const char* role)
{
    static std::atomic<int> counter{0};
    return name_prefix + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + role;
}

void sweep_abandoned_namespaces()
{
    static std::once_flag swept;
    std::call_once(swept, remove_abandoned_namespaces);
}

void enter_namespace(const std::string& name)
{
    std::string path = std::string(netns_folder) + "/" + name;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    int rc = ::setns(fd, CLONE_NEWNET);
    int saved = errno;
    ::close(fd);
    if (rc != 0)
        throw std::runtime_error("setns into " + name + " failed: " + std::strerror(saved));
}

namespace {

NetnsSupport probe_support()
{
    if (::geteuid() != 0)
        return {false, "network namespaces need root (CAP_SYS_ADMIN and CAP_NET_ADMIN)"};
    for (const char* tool : {"ip", "iptables"}) {
        try {
            auto found = run({"sh", "-c", std::string("command -v ") + tool}, milliseconds{10000});
            if (found.exit_code != 0)
                return {false, std::string("the ") + tool + " command is not installed"};
        } catch (const std::exception& e) {
            return {false, e.what()};
        }
    }
    std::string probe = fault_namespace_name("probe");
    auto created = run({"ip", "netns", "add", probe}, milliseconds{30000});
    if (created.exit_code != 0)
        return {false, "ip netns add failed: " + trimmed(created.err)};
    // The rule kinds the fault tests use, so a kernel without them is a skip, not a failure.
    auto rule = run({"ip", "netns", "exec", probe, "iptables", "-A", "INPUT", "-p", "tcp",
                     "--dport", "9", "-j", "REJECT", "--reject-with", "tcp-reset"},
                    milliseconds{30000});
    delete_namespace(probe);
    if (rule.exit_code != 0)
        return {false, "iptables does not work inside a network namespace: " + trimmed(rule.err)};
    return {true, ""};
}

}  // namespace

const NetnsSupport& NetnsPair::support()
{
    static const NetnsSupport probed = probe_support();
    return probed;
}

NetnsPair::NetnsPair() : client_(fault_namespace_name("c")), server_(fault_namespace_name("s"))
{
    sweep_abandoned_namespaces();
    try {
        for (const auto& name : {client_, server_}) {
            run_or_throw({"ip", "netns", "add", name});
            created_.push_back(name);
        }
        // Created straight inside the namespaces: nothing ever appears in the host's own.
        run_or_throw({"ip", "link", "add", client_interface, "netns", client_, "type", "veth", "peer",
              "name", server_interface, "netns", server_});
        run_or_throw({"ip", "-n", client_, "address", "add", std::string(client_address) + prefix_length,
              "dev", client_interface});
        run_or_throw({"ip", "-n", server_, "address", "add", std::string(server_address) + prefix_length,
              "dev", server_interface});
        for (const auto& [name, interface] :
             {std::pair{client_, client_interface}, std::pair{server_, server_interface}}) {
            run_or_throw({"ip", "-n", name, "link", "set", "lo", "up"});
            run_or_throw({"ip", "-n", name, "link", "set", interface, "up"});
        }
        wait_for_carrier(client_, client_interface);
    } catch (...) {
        remove_all();
        throw;
    }
}

NetnsPair::~NetnsPair()
{
    remove_all();
}

void NetnsPair::remove_all() noexcept
{
    // Deleting a namespace removes its end of the veth pair (and so both ends) and its rules.
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) delete_namespace(*it);
    created_.clear();
}

CommandResult NetnsPair::run(Side side, const std::vector<std::string>& argv,
                             milliseconds limit) const
{
    std::vector<std::string> full{"ip", "netns", "exec", name(side)};
    full.insert(full.end(), argv.begin(), argv.end());
    return lab::run(full, limit);
}

void NetnsPair::add_server_rule(const std::vector<std::string>& rule) const
{
    std::vector<std::string> argv{"iptables"};
    argv.insert(argv.end(), rule.begin(), rule.end());
    auto result = run(Side::server, argv);
    if (result.exit_code != 0)
        throw std::runtime_error("iptables rule refused in " + server_ + ": " +
                                 trimmed(result.err));
}

void NetnsPair::enter(Side side) const
{
    enter_namespace(name(side));
}

}  // namespace connspec::lab
