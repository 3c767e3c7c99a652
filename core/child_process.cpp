// Boost.Process is slow to compile: this is its only translation unit. Children are waited
// for through an asio io_context (on_exit + run_for), not child::wait_for, which in Boost
// 1.74 waits out its whole timeout and is unsafe from several threads.
#include "core/child_process.hpp"

#include <future>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <fmt/format.h>

namespace connspec {

namespace bp = boost::process;

ProcessOutput run_process(const std::vector<std::string>& argv, std::chrono::milliseconds limit)
{
    ProcessOutput probe;
    for (const auto& a : argv) probe.command += (probe.command.empty() ? "" : " ") + a;
    auto exe = bp::search_path(argv.at(0));
    if (exe.empty()) {
        probe.missing = true;
        return probe;
    }

    boost::asio::io_context io;
    std::future<std::string> out, err;
    bool exited = false;
    std::vector<std::string> args(argv.begin() + 1, argv.end());
    try {
        bp::child child(exe, bp::args(args), bp::std_in < bp::null, bp::std_out > out,
                        bp::std_err > err, io,
                        bp::on_exit([&](int code, const std::error_code&) {
                            exited = true;
                            probe.exit_code = code;
                        }));
        io.run_for(limit);
        if (!exited) {
            probe.timed_out = true;
            std::error_code ignored;
            child.terminate(ignored);
            // Let the pipes drain now that the child is gone.
            io.restart();
            io.run_for(std::chrono::milliseconds{500});
        }
    } catch (const std::exception& e) {
        probe.output = fmt::format("could not run: {}\n", e.what());
        return probe;
    }
    for (auto* f : {&out, &err})
        if (f->valid() && f->wait_for(std::chrono::seconds{0}) == std::future_status::ready)
            probe.output += f->get();
    return probe;
}

std::string describe(const ProcessOutput& probe)
{
    std::string text = "$ " + probe.command + "\n";
    if (probe.missing) return text + "(not installed on this machine)\n";
    text += probe.output;
    if (!text.empty() && text.back() != '\n') text += '\n';
    if (probe.timed_out) text += "(stopped at its deadline)\n";
    else if (probe.exit_code != 0) text += fmt::format("(exit status {})\n", probe.exit_code);
    return text;
}

}  // namespace connspec
