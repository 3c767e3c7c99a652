#include "checks/password_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/unique_fd.hpp"

extern char** environ;

namespace connspec {
namespace {

constexpr std::size_t max_output = 64 * 1024;  // a token is a few KiB at most
constexpr std::size_t max_error_shown = 200;

const char* hint_text =
    "run the command by hand as the user connspec runs as; check its credentials (cloud role, "
    "vault login) and that it prints the password on its first line";

std::string program_name(const std::vector<std::string>& argv)
{
    return argv.empty() ? std::string{} : argv.front();
}

Outcome unavailable(const std::vector<std::string>& argv, std::string what)
{
    return errored("secret.unavailable",
                   fmt::format("password_command {} {}", program_name(argv), what), hint_text);
}

// The first line of `text`, without its line end, shortened for a message.
std::string first_line(const std::string& text, std::size_t limit)
{
    auto line = text.substr(0, text.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > limit) line = line.substr(0, limit) + "...";
    return line;
}

}  // namespace

PasswordCommandResult run_password_command(const std::vector<std::string>& argv,
                                           CheckContext& context)
{
    PasswordCommandResult result;
    if (argv.empty() || argv.front().empty()) {
        result.failure = unavailable(argv, "is empty");
        return result;
    }

    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        result.failure = unavailable(argv, fmt::format("could not start: {}", std::strerror(errno)));
        return result;
    }
    UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
    if (::pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        result.failure = unavailable(argv, fmt::format("could not start: {}", std::strerror(errno)));
        return result;
    }
    UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group, so a timeout kills whatever it started too.
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                              POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int spawned = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    out_write.reset();
    err_write.reset();
    if (spawned != 0) {
        result.failure = unavailable(argv, fmt::format("could not start: {}", std::strerror(spawned)));
        return result;
    }
    context.note(fmt::format("running password_command {} (pid {})", program_name(argv), pid));

    // Read both pipes and wait for the exit (its pidfd turns readable), under the deadline and
    // the stop signal. Once it exited, what is left in the pipes is read and the rest (held
    // open by something it left behind) is not waited for.
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    std::string out, err;
    bool out_open = true, err_open = true, exited = false;
    int status = 0;
    enum class End { done, timeout, stopped } end = End::done;
    auto collect = [&] {
        pid_t waited;
        while ((waited = ::waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
        }
        if (waited == pid || (waited < 0 && errno == ECHILD)) exited = true;
    };
    char buffer[4096];
    auto read_pipe = [&](int i, int fd) {
        for (;;) {
            ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n > 0) {
                std::string& into = i == 0 ? out : err;
                if (into.size() < max_output) into.append(buffer, static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n == 0 || errno != EAGAIN) (i == 0 ? out_open : err_open) = false;
            return;
        }
    };
    if (!pidfd) collect();
    while (!exited) {
        pollfd fds[4] = {{out_open ? out_read.get() : -1, POLLIN, 0},
                         {err_open ? err_read.get() : -1, POLLIN, 0},
                         {pidfd.get(), POLLIN, 0},
                         {context.stop.fd(), POLLIN, 0}};
        int left = millis_left(context.deadline);
        if (left <= 0) {
            end = End::timeout;
            break;
        }
        // Without a pidfd (an old kernel) the exit is noticed when both pipes close.
        if (!pidfd && !out_open && !err_open) {
            collect();
            if (exited) break;
            left = std::min(left, 5);
        }
        int ready = ::poll(fds, 4, left);
        if (ready < 0 && errno == EINTR) continue;
        if (context.stop.requested()) {
            end = End::stopped;
            break;
        }
        for (int i = 0; i < 2; ++i)
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) read_pipe(i, fds[i].fd);
        if (pidfd && (fds[2].revents & POLLIN)) collect();
    }
    if (exited) {
        if (out_open) read_pipe(0, out_read.get());
        if (err_open) read_pipe(1, err_read.get());
    }
    // Whatever it printed may be the password: never show it.
    if (!out.empty()) context.secret(first_line(out, out.size()));

    if (end != End::done) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (end == End::stopped) {
            result.failure = interrupted();
            return result;
        }
        result.failure = unavailable(argv, "did not finish before the deadline (it was stopped)");
        return result;
    }
    // Anything it left behind in its process group goes with it.
    ::kill(-pid, SIGKILL);

    std::string error_line = first_line(err, max_error_shown);
    if (WIFSIGNALED(status)) {
        result.failure = unavailable(argv, fmt::format("was killed by signal {}", WTERMSIG(status)) +
                                               (error_line.empty() ? "" : ": " + error_line));
        return result;
    }
    if (WEXITSTATUS(status) != 0) {
        result.failure = unavailable(argv, fmt::format("exited with status {}", WEXITSTATUS(status)) +
                                               (error_line.empty() ? "" : ": " + error_line));
        return result;
    }
    std::string password = first_line(out, out.size());
    if (password.empty()) {
        result.failure = unavailable(argv, "printed no password (its first output line is empty)");
        return result;
    }
    context.secret(password);
    context.note(fmt::format("password_command {} gave a password of {} characters", program_name(argv),
                             password.size()));
    result.password = std::move(password);
    return result;
}

}  // namespace connspec
