#include "tests/lab/proxies.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

namespace connspec::lab {
namespace {

constexpr milliseconds start_limit{30000};

void must(const CommandResult& r, const std::string& what)
{
    if (r.exit_code != 0)
        throw std::runtime_error(what + " failed (exit " + std::to_string(r.exit_code) + "): " + r.out + r.err);
}

void wait_or_throw(int port, const std::string& what, const std::string& log_path)
{
    if (!wait_for_port("127.0.0.1", port, start_limit))
        throw std::runtime_error(what + " did not start listening on port " + std::to_string(port) +
                                 ": " + read_file(log_path));
}

}  // namespace

Danted::Danted() : Danted(Options{}) {}

Danted::Danted(Options options)
{
    port_ = free_port();
    std::string rules;
    for (int p : options.blocked_ports)
        rules += fmt::format("socks block {{ from: 0.0.0.0/0 to: 127.0.0.1/32 port = {} }}\n", p);
    auto conf = dir_.write("danted.conf", fmt::format(R"(logoutput: {0}/danted.log
internal: 127.0.0.1 port = {1}
external: 127.0.0.1
socksmethod: {2}
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {{ from: 127.0.0.0/8 to: 0.0.0.0/0 }}
{3}socks pass {{ from: 127.0.0.0/8 to: 0.0.0.0/0 }}
)",
                                                      dir_.path(), port_,
                                                      options.require_user ? "username" : "none", rules));
    dir_.write("danted.log", "");
    Process::Options o;
    o.output_file = dir_.path() + "/danted.out";
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"danted", "-f", conf, "-p", dir_.path() + "/danted.pid", "-N", "2"}, o);
    wait_or_throw(port_, "danted", dir_.path() + "/danted.out");
}

std::string Danted::url() const { return fmt::format("socks5://127.0.0.1:{}", port_); }
std::string Danted::log() const { return read_file(dir_.path() + "/danted.log"); }

std::string socks_user(const std::string& password)
{
    const std::string user = "connspec-socks";
    if (!::getpwnam(user.c_str()))
        must(run({"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user}),
             "useradd " + user);
    TempDir dir;
    auto input = dir.write("chpasswd", user + ":" + password + "\n");
    must(run({"sh", "-c", "chpasswd < " + input}), "chpasswd");
    return user;
}

Tinyproxy::Tinyproxy() : Tinyproxy(Options{}) {}

Tinyproxy::Tinyproxy(Options options) : options_(std::move(options))
{
    port_ = free_port();
    std::string conf = fmt::format(R"(Port {}
Listen 127.0.0.1
Timeout 60
MaxClients 400
LogLevel Info
Allow 127.0.0.1
)",
                                   port_);
    if (getuid() == 0) conf += "User nobody\nGroup nogroup\n";
    for (int p : options_.connect_ports) conf += fmt::format("ConnectPort {}\n", p);
    if (!options_.user.empty()) conf += fmt::format("BasicAuth {} {}\n", options_.user, options_.password);
    auto path = dir_.write("tinyproxy.conf", conf);
    Process::Options o;
    o.output_file = dir_.path() + "/tinyproxy.out";
    process_ = std::make_unique<Process>(std::vector<std::string>{"tinyproxy", "-d", "-c", path}, o);
    wait_or_throw(port_, "tinyproxy", dir_.path() + "/tinyproxy.out");
}

std::string Tinyproxy::url() const
{
    if (options_.user.empty()) return fmt::format("http://127.0.0.1:{}", port_);
    return fmt::format("http://{}@127.0.0.1:{}", options_.user, port_);
}

SshBastion::SshBastion()
{
    namespace fs = std::filesystem;
    const std::string d = dir_.path();
    must(run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", d + "/host_key"}), "ssh-keygen (host)");
    must(run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", d + "/client_key"}), "ssh-keygen (client)");
    fs::copy_file(d + "/client_key.pub", d + "/authorized_keys");
    // sshd needs its privilege separation folder (made by the service normally).
    std::error_code ignored;
    fs::create_directories("/run/sshd", ignored);
    sshd_port_ = free_port();
    auto conf = dir_.write("sshd_config", fmt::format(R"(Port {}
ListenAddress 127.0.0.1
HostKey {}/host_key
AuthorizedKeysFile {}/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding yes
PidFile none
MaxStartups 200
)",
                                                      sshd_port_, d, d));
    Process::Options o;
    o.output_file = d + "/sshd.log";
    sshd_ = std::make_unique<Process>(std::vector<std::string>{"/usr/sbin/sshd", "-D", "-e", "-f", conf}, o);
    wait_or_throw(sshd_port_, "sshd", d + "/sshd.log");

    const passwd* me = ::getpwuid(::getuid());
    std::string user = me ? me->pw_name : "root";
    socks_port_ = free_port();
    Process::Options so;
    so.output_file = d + "/ssh.log";
    ssh_ = std::make_unique<Process>(
        std::vector<std::string>{"ssh", "-N", "-D", fmt::format("127.0.0.1:{}", socks_port_), "-i",
                                 d + "/client_key", "-o", "StrictHostKeyChecking=no", "-o",
                                 "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o",
                                 "ExitOnForwardFailure=yes", "-p", std::to_string(sshd_port_),
                                 user + "@127.0.0.1"},
        so);
    wait_or_throw(socks_port_, "ssh -D", d + "/ssh.log");
}

std::string SshBastion::url() const { return fmt::format("socks5://127.0.0.1:{}", socks_port_); }
std::string SshBastion::sshd_log() const { return read_file(dir_.path() + "/sshd.log"); }

}  // namespace connspec::lab
