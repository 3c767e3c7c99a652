// Live progress on a real terminal: connspec runs in a pseudo-terminal (forkpty) while a case
// waits on a silent server; the status line shows up, names the waiting case, and is gone
// before the summary. On a pipe, and with --tap, there is none.
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include <fmt/format.h>

#include "tests/lab/lab.hpp"
#include "tests/lab/stall_server.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

struct TtyRun {
    std::string out;  // everything the terminal received
    int exit_code = -1;
};

// Runs connspec with `args` on a new 120-column pseudo-terminal and reads it until it exits.
TtyRun run_in_pty(const std::vector<std::string>& args)
{
    winsize size{};
    size.ws_col = 120;
    size.ws_row = 40;
    int master = -1;
    pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        ::setenv("TERM", "xterm", 1);
        ::setenv("NO_COLOR", "1", 1);  // plain summary text to search; progress does not depend on colour
        std::vector<char*> argv;
        std::string exe = lab::connspec_path();
        argv.push_back(exe.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(exe.c_str(), argv.data());
        ::_exit(127);
    }
    TtyRun r;
    auto end = std::chrono::steady_clock::now() + 60s;
    for (;;) {
        pollfd p{master, POLLIN, 0};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        if (left <= 0ms) {
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buf[4096];
        ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;  // EIO: the child closed the terminal
        r.out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

std::string suite(const lab::StallServer& stall)
{
    return fmt::format(R"(
[suite]
name = "p"
timeout = "1500ms"
[[target]]
name = "quick"
host = "127.0.0.1"
port = {0}
protocol = "tcp"
port_open = true
[[target]]
name = "stalled"
host = "127.0.0.1"
port = {0}
protocol = "tls"
tls = {{ probe_below = false }}
)",
                       stall.port());
}

}  // namespace

BOOST_AUTO_TEST_CASE(on_a_terminal_a_status_line_names_the_waiting_case_and_is_cleared_before_the_summary)
{
    lab::StallServer stall;
    lab::TempDir dir;
    auto file = dir.write("suite.toml", suite(stall));
    auto r = run_in_pty({"run", file});
    BOOST_TEST(r.exit_code == 1, r.out);
    // Drawn in place: carriage return and erase-line, then the counts.
    BOOST_TEST(r.out.find("\r\x1b[K[ ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("waiting longest: stalled \u203a tls") != std::string::npos, r.out);
    // The summary comes last, on a line of its own with nothing of the status line after it.
    const auto summary = r.out.rfind("1 passed, 1 failed, 0 errors, 0 skipped in ");
    BOOST_REQUIRE(summary != std::string::npos);
    BOOST_TEST(r.out.find("[ ", summary) == std::string::npos);
    BOOST_TEST(r.out.find("\x1b[K", summary) == std::string::npos);
    // The erase came before the last case line and the summary.
    BOOST_TEST(r.out.rfind("\x1b[K", summary) < r.out.rfind("stalled \u203a tls", summary));
}

BOOST_AUTO_TEST_CASE(on_a_pipe_and_with_tap_there_is_no_status_line)
{
    lab::StallServer stall;
    lab::TempDir dir;
    auto file = dir.write("suite.toml", suite(stall));
    auto piped = lab::run_connspec({"run", file});
    BOOST_TEST(piped.exit_code == 1);
    BOOST_TEST(piped.out.find("\x1b[K") == std::string::npos, piped.out);
    BOOST_TEST(piped.out.find("waiting longest") == std::string::npos);
    BOOST_TEST(piped.out.find("stalled \u203a tls") != std::string::npos);

    auto tap = run_in_pty({"run", "--tap", file});
    BOOST_TEST(tap.exit_code == 1);
    BOOST_TEST(tap.out.find("\x1b[K") == std::string::npos, tap.out);
    BOOST_TEST(tap.out.find("TAP version 14") != std::string::npos);
}
