#include "tests/lab/tls_server.hpp"

#include <stdexcept>

namespace connspec::lab {

TlsServer::TlsServer(Options options)
{
    // A free port can be taken between free_port() and the bind: try a few.
    for (int attempt = 0; attempt < 3 && !process_; ++attempt) {
        port_ = free_port();
        std::vector<std::string> argv{"openssl", "s_server", "-accept",
                                      "127.0.0.1:" + std::to_string(port_), "-cert", options.cert,
                                      "-key", options.key, "-www"};
        if (!options.chain.empty()) {
            argv.push_back("-cert_chain");
            argv.push_back(options.chain);
        }
        if (!options.client_ca.empty()) {
            argv.insert(argv.end(), {"-Verify", "1", "-CAfile", options.client_ca});
        }
        argv.insert(argv.end(), options.extra.begin(), options.extra.end());
        Process::Options process_options;
        process_options.output_file = dir_.path() + "/s_server.log";
        auto process = std::make_unique<Process>(argv, process_options);
        if (wait_for_port(host(), port_, milliseconds{10000})) {
            process_ = std::move(process);
        } else if (process->running()) {
            throw std::runtime_error("openssl s_server did not listen within 10 s: " + log());
        }
    }
    if (!process_) throw std::runtime_error("openssl s_server would not start: " + log());
}

TlsServer::~TlsServer() = default;

std::string TlsServer::log() const
{
    try {
        return read_file(dir_.path() + "/s_server.log");
    } catch (...) {
        return {};
    }
}

}  // namespace connspec::lab
