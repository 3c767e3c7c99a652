// Running the tls and certificate kinds directly against servers the tests start, with a
// real deadline and stop signal, as the runner would.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "checks/certificate.hpp"
#include "checks/resolved_addresses.hpp"
#include "checks/tls.hpp"

namespace connspec::test {

inline Target tls_target(const std::string& host, int port, Protocol protocol = Protocol::tls)
{
    Target t;
    t.suite = "it";
    t.name = "server";
    t.host = host;
    t.port = port;
    t.protocol = protocol;
    return t;
}

struct CaseRun {
    std::chrono::milliseconds timeout{8000};
    std::vector<std::string> addresses{"127.0.0.1"};
    std::vector<std::string> log;
    std::chrono::duration<double> elapsed{};

    template <class Spec, class Run>
    Outcome run(const Spec& spec, const Target& target, Run run_case)
    {
        StopSignal stop;
        log.clear();
        auto resolved = std::make_shared<ResolvedAddresses>();
        resolved->addresses = addresses;
        CheckContext context{Clock::now() + timeout, stop, log, {resolved}};
        auto start = Clock::now();
        Outcome outcome = run_case(spec, target, context);
        elapsed = Clock::now() - start;
        return outcome;
    }
    Outcome tls(const TlsSpec& spec, const Target& target) { return run(spec, target, run_tls); }
    Outcome certificate(const CertificateSpec& spec, const Target& target)
    {
        return run(spec, target, run_certificate);
    }
    std::string log_text() const
    {
        std::string text;
        for (const auto& line : log) text += line + "\n";
        return text;
    }
};

inline TlsSpec tls_spec(TlsVersion min, std::optional<TlsVersion> max = std::nullopt)
{
    TlsSpec spec;
    spec.min_version = min;
    spec.max_version = max;
    return spec;
}

}  // namespace connspec::test
