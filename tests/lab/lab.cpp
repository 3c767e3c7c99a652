#include "tests/lab/lab.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include <pugixml.hpp>

extern char** environ;

namespace connspec::lab {
namespace {

// argv/envp arrays for posix_spawn, owning their strings.
struct CStrings {
    std::vector<std::string> owned;
    std::vector<char*> pointers;
    explicit CStrings(std::vector<std::string> items) : owned(std::move(items))
    {
        for (auto& s : owned) pointers.push_back(s.data());
        pointers.push_back(nullptr);
    }
};

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra)
{
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string entry(*e);
        auto name = entry.substr(0, entry.find('='));
        if (!extra.count(name)) env.push_back(entry);
    }
    for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
    return env;
}

int decode_status(int status)
{
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            posix_spawn_file_actions_t* actions, bool new_group)
{
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (new_group) flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setflags(&attr, flags);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);

    CStrings args(argv), envp(merged_environment(env));
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, args.pointers[0], actions, &attr, args.pointers.data(),
                          envp.pointers.data());
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        throw std::runtime_error("cannot start " + argv.at(0) + ": " + std::strerror(rc));
    return pid;
}

// Waits for `pid` up to `limit`; true when it was reaped (status in *status).
bool reap_within(pid_t pid, milliseconds limit, int* status)
{
    return wait_until([&] { return ::waitpid(pid, status, WNOHANG) == pid; }, limit);
}

}  // namespace

void poll_pause()
{
    ::poll(nullptr, 0, 10);
}

Process::Process(std::vector<std::string> argv) : Process(std::move(argv), Options{}) {}

Process::Process(std::vector<std::string> argv, Options options)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string out = options.output_file.empty() ? "/dev/null" : options.output_file;
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
    try {
        pid_ = spawn(argv, options.env, &actions, options.new_process_group);
    } catch (...) {
        posix_spawn_file_actions_destroy(&actions);
        throw;
    }
    posix_spawn_file_actions_destroy(&actions);
    group_ = options.new_process_group;
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(other.status_), group_(other.group_)
{
}

Process::~Process()
{
    stop();
}

bool Process::running()
{
    if (pid_ < 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = decode_status(status);
        pid_ = -1;
        return false;
    }
    return true;
}

int Process::stop()
{
    if (!running()) return status_;
    auto signal_it = [&](int sig) { group_ ? ::kill(-pid_, sig) : ::kill(pid_, sig); };
    signal_it(SIGTERM);
    int status = 0;
    if (!reap_within(pid_, milliseconds{2000}, &status)) {
        signal_it(SIGKILL);
        ::waitpid(pid_, &status, 0);
    } else if (group_) {
        ::kill(-pid_, SIGKILL);  // leftovers of the group
    }
    status_ = decode_status(status);
    pid_ = -1;
    return status_;
}

int free_port()
{
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool wait_for_port(const std::string& address, int port, milliseconds limit)
{
    return wait_until(
        [&] {
            bool v6 = address.find(':') != std::string::npos;
            int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) return false;
            bool ok = false;
            if (v6) {
                sockaddr_in6 a{};
                a.sin6_family = AF_INET6;
                a.sin6_port = htons(static_cast<uint16_t>(port));
                ::inet_pton(AF_INET6, address.c_str(), &a.sin6_addr);
                ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
            } else {
                sockaddr_in a{};
                a.sin_family = AF_INET;
                a.sin_port = htons(static_cast<uint16_t>(port));
                ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
                ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
            }
            ::close(fd);
            return ok;
        },
        limit);
}

TempDir::TempDir()
{
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/connspec-test-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const
{
    std::string full = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    std::ofstream out(full, std::ios::binary);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + full);
    return full;
}

CommandResult run(const std::vector<std::string>& argv, milliseconds limit,
                  const std::map<std::string, std::string>& env)
{
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    pid_t pid = -1;
    try {
        pid = spawn(argv, env, &actions, true);
    } catch (...) {
        posix_spawn_file_actions_destroy(&actions);
        for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
        throw;
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);

    CommandResult result;
    auto end = std::chrono::steady_clock::now() + limit;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_pipes = 2;
    while (open_pipes > 0) {
        auto left = std::chrono::duration_cast<milliseconds>(end - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(-pid, SIGKILL);
            break;
        }
        if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[65536];
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_pipes;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) ::close(f.fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = decode_status(status);
    return result;
}

std::string source_root()
{
    const char* root = std::getenv("CONNSPEC_SOURCE_ROOT");
    if (!root) throw std::runtime_error("CONNSPEC_SOURCE_ROOT is not set (run through meson test)");
    return root;
}

std::string connspec_path()
{
    const char* exe = std::getenv("CONNSPEC");
    if (!exe) throw std::runtime_error("CONNSPEC is not set (run through meson test)");
    return exe;
}

CommandResult run_connspec(const std::vector<std::string>& args, milliseconds limit,
                           const std::map<std::string, std::string>& env)
{
    std::vector<std::string> argv{connspec_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, limit, env);
}

CaseResult SuiteRun::at(const std::string& id) const
{
    auto it = cases.find(id);
    if (it == cases.end()) return CaseResult{"missing", "", "", ""};
    return it->second;
}

std::string SuiteRun::property(const std::string& key) const
{
    auto it = properties.find(key);
    return it == properties.end() ? std::string{} : it->second;
}

SuiteRun run_suite(const TempDir& dir, const std::string& toml,
                   const std::vector<std::string>& extra_args,
                   const std::map<std::string, std::string>& env, milliseconds limit)
{
    std::string suite = dir.write("suite.toml", toml);
    std::string junit = dir.path() + "/junit.xml";
    std::filesystem::remove(junit);
    std::vector<std::string> args{"run", suite, "--junit", junit};
    args.insert(args.end(), extra_args.begin(), extra_args.end());

    SuiteRun result;
    result.command = run_connspec(args, limit, env);
    pugi::xml_document doc;
    if (!std::filesystem::exists(junit) || !doc.load_file(junit.c_str())) return result;
    for (auto suite_node : doc.child("testsuites").children("testsuite")) {
        std::string target = suite_node.attribute("name").value();
        for (auto p : suite_node.child("properties").children("property"))
            result.properties[target + "." + p.attribute("name").value()] =
                p.attribute("value").value();
        for (auto tc : suite_node.children("testcase")) {
            CaseResult c{"passed", "", "", "", tc.attribute("time").as_double()};
            for (const char* kind : {"failure", "error", "skipped"}) {
                auto node = tc.child(kind);
                if (!node) continue;
                c.status = std::string(kind) == "failure" ? "failed"
                           : std::string(kind) == "error" ? "error"
                                                          : "skipped";
                c.category = node.attribute("type").value();
                c.message = node.attribute("message").value();
                c.body = node.text().get();
                if (c.status == "skipped" && c.message.empty()) c.message = c.body;
            }
            result.cases[target + "." + tc.attribute("name").value()] = c;
        }
    }
    return result;
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace connspec::lab
