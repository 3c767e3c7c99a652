// Helpers for the watch tests: a watch process on a free loopback port, scraped over HTTP
// (cpp-httplib's client), and samples read from the exposition text.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <httplib.h>

#include "tests/lab/lab.hpp"

namespace connspec::lab {

struct HttpAnswer {
    int status = 0;  // 0: no answer
    std::string body;
};

inline HttpAnswer http_get(int port, const std::string& path)
{
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    auto answer = client.Get(path.c_str());
    if (!answer) return {};
    return {answer->status, answer->body};
}

// The value of the sample whose name and labels start with `prefix` ("name{a=\"b\"" or
// "name "), or nullopt.
inline std::optional<double> sample(const std::string& exposition, const std::string& prefix)
{
    std::istringstream lines(exposition);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(prefix, 0) != 0) continue;
        auto space = line.rfind(' ');
        return std::stod(line.substr(space + 1));
    }
    return std::nullopt;
}

// Sum of every sample of `name` (all label sets) whose line contains `part`.
inline double sum_samples(const std::string& exposition, const std::string& name, const std::string& part = "")
{
    std::istringstream lines(exposition);
    std::string line;
    double sum = 0;
    while (std::getline(lines, line)) {
        if (line.rfind(name + "{", 0) != 0 || line.find(part) == std::string::npos) continue;
        sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
}

// `connspec watch SUITE --interval INTERVAL --listen 127.0.0.1:PORT` with its output in a file.
class WatchProcess {
public:
    WatchProcess(const TempDir& dir, const std::string& suite, const std::string& interval,
                 std::vector<std::string> extra = {})
        : port_(free_port()), output_(dir.path() + "/watch-output.txt"),
          process_(argv(suite, interval, port_, extra), options(output_))
    {
    }
    int port() const { return port_; }
    Process& process() { return process_; }
    std::string output() const { return read_file(output_); }
    // Waits until /metrics shows at least `runs` finished runs.
    bool wait_for_runs(int runs, milliseconds limit)
    {
        return wait_until([&] {
            auto answer = http_get(port_, "/metrics");
            auto n = sample(answer.body, "connspec_runs_total ");
            return answer.status == 200 && n && *n >= runs;
        }, limit);
    }

private:
    static std::vector<std::string> argv(const std::string& suite, const std::string& interval, int port,
                                         const std::vector<std::string>& extra)
    {
        std::vector<std::string> a{connspec_path(), "watch", suite, "--interval", interval, "--listen",
                                   "127.0.0.1:" + std::to_string(port)};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    static Process::Options options(const std::string& output)
    {
        Process::Options o;
        o.output_file = output;
        return o;
    }
    int port_;
    std::string output_;
    Process process_;
};

}  // namespace connspec::lab
