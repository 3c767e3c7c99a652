// Test helpers for starting real servers and running connspec: child processes that are
// always stopped and reaped, free loopback ports, readiness polling, temporary folders.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace connspec::lab {

using std::chrono::milliseconds;

// A child process, stopped (SIGTERM, then SIGKILL after 2 s) and reaped when destroyed.
class Process {
public:
    struct Options {
        std::string output_file;                  // stdout+stderr go here; empty: /dev/null
        std::map<std::string, std::string> env;   // added to (or replacing in) the environment
        std::string cwd;
        bool new_process_group = true;            // so stop() also ends its children
    };
    explicit Process(std::vector<std::string> argv);
    Process(std::vector<std::string> argv, Options options);
    ~Process();
    Process(Process&& other) noexcept;
    Process& operator=(Process&&) = delete;
    Process(const Process&) = delete;

    pid_t pid() const { return pid_; }
    bool running();  // not yet exited
    int stop();      // stops and reaps; returns the exit status (or 128+signal)

private:
    pid_t pid_ = -1;
    int status_ = -1;
    bool group_ = true;
};

// A loopback TCP port that nothing listens on right now.
int free_port();
// Polls until a TCP connect to address:port succeeds; false when `limit` passes first.
bool wait_for_port(const std::string& address, int port, milliseconds limit);
// The pause between two readiness polls (10 ms).
void poll_pause();
// Polls until `predicate` returns true; false when `limit` passes first.
template <class Predicate>
bool wait_until(Predicate predicate, milliseconds limit);

// A fresh folder under $TMPDIR, removed (recursively) on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    // Writes `content` to path()/name and returns the full path.
    std::string write(const std::string& name, const std::string& content) const;

private:
    std::string path_;
};

struct CommandResult {
    int exit_code = -1;  // 128+signal when killed
    std::string out;     // standard output
    std::string err;     // standard error
    bool timed_out = false;
};

// Runs a command to completion (killed after `limit`), capturing its output.
CommandResult run(const std::vector<std::string>& argv, milliseconds limit = milliseconds{60000},
                  const std::map<std::string, std::string>& env = {});
// Runs the connspec executable under test ($CONNSPEC) with `args`.
CommandResult run_connspec(const std::vector<std::string>& args,
                           milliseconds limit = milliseconds{60000},
                           const std::map<std::string, std::string>& env = {});

// One case as a run's JUnit report shows it.
struct CaseResult {
    std::string status;    // passed, failed, error, skipped
    std::string category;  // the failure's or error's type
    std::string message;   // failure/error message, or the skip reason
    std::string body;      // failure/error text
    double seconds = 0;    // the case's own run time (JUnit `time`), without process start-up
};

struct SuiteRun {
    CommandResult command;
    std::map<std::string, CaseResult> cases;        // by "TARGET.CASE"
    std::map<std::string, std::string> properties;  // by "TARGET.CASE.KEY"
    // The case, or a CaseResult with status "missing".
    CaseResult at(const std::string& id) const;
    std::string property(const std::string& key) const;  // empty when absent
};

// Writes `toml` to dir/suite.toml, runs `connspec run suite.toml --junit dir/junit.xml` plus
// `extra_args`, and reads the cases back from the JUnit file (when one was written).
SuiteRun run_suite(const TempDir& dir, const std::string& toml,
                   const std::vector<std::string>& extra_args = {},
                   const std::map<std::string, std::string>& env = {},
                   milliseconds limit = milliseconds{60000});

// The source tree ($CONNSPEC_SOURCE_ROOT) and the connspec executable ($CONNSPEC).
std::string source_root();
std::string connspec_path();
std::string read_file(const std::string& path);

// --- implementation of the template ---
template <class Predicate>
bool wait_until(Predicate predicate, milliseconds limit)
{
    auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (predicate()) return true;
        if (std::chrono::steady_clock::now() >= end) return false;
        poll_pause();
    }
}

}  // namespace connspec::lab
