#include "tests/reports/sample_run.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "tests/lab/lab.hpp"

namespace connspec::test {

void add_target(RunDescription& run, const std::string& suite, const std::string& name,
                const std::vector<std::string>& cases)
{
    run.targets.push_back({suite, name});
    for (const auto& case_name : cases) run.cases.push_back({run.targets.size() - 1, case_name});
}

SampleRun sample_run()
{
    using namespace std::chrono;
    SampleRun run;
    add_target(run.description, "warehouse", "primary",
               {"resolves", "port_open", "tls", "certificate", "login"});
    add_target(run.description, "warehouse", "replica", {"port_open", "login"});

    run.info.hostname = "ci-runner-1";
    run.info.vantage = "eu-west";
    run.info.started = sys_days{year{2024} / 5 / 1} + hours{12} + minutes{34} + seconds{56};

    Outcome resolves = passed();
    resolves.property("addresses", "10.0.0.5, 10.0.0.6");
    resolves.duration = duration<double>{0.002};
    resolves.log = {"asked the system resolver for db.internal"};

    Outcome port_open = passed();
    port_open.property("latency_ms", "0.4").property("address", "10.0.0.5");
    port_open.duration = duration<double>{0.004};

    Outcome tls = failed("tls.version", "server accepted TLSv1.0, below the floor 1.2",
                         "disable TLS 1.0 and 1.1 on the server (ssl_min_protocol_version)");
    tls.property("version", "TLSv1.3").property("cipher", "TLS_AES_256_GCM_SHA384");
    tls.property("accepted_below_floor", "TLSv1.0");
    tls.duration = duration<double>{0.120};

    Outcome certificate = skipped("blocked by primary.tls");

    Outcome login = interrupted();
    login.duration = duration<double>{0.5};

    // Everything a server or a suite could put in a text, at once.
    Outcome refused = failed("tcp.refused",
                             "connection refused by \"db\" <10.0.0.7> & Zürich \xe2\x98\x83 "
                             "\x01\x1b[31mred\ttab\x7f\xff end",
                             "start the service, or check the port\nsecond line: \\ backslash");
    refused.attempts = 3;
    refused.property("address", "10.0.0.7 <b>\"q\" & 'a'</b>");
    refused.property("note", "bell\x07 nul-free \xc3\x28 bad");
    refused.duration = duration<double>{3.0125};
    refused.log = {"attempt 1: refused", "attempt 2: refused \x1b[0m", "attempt 3: refused ü"};

    Outcome replica_login = passed("server version 15.4");
    replica_login.property("server_version", "15.4");
    replica_login.duration = duration<double>{0.031};

    run.outcomes = {resolves, port_open, tls, certificate, login, refused, replica_login};
    run.completion_order = {1, 0, 5, 3, 2, 6, 4};
    return run;
}

void replay(const SampleRun& run, Reporter& reporter)
{
    reporter.run_started(run.description, run.info);
    for (std::size_t index : run.completion_order)
        reporter.case_finished(index, run.outcomes[index]);
    reporter.run_finished(run.result());
}

std::string golden(const std::string& name, const std::string& actual)
{
    const std::string path = lab::source_root() + "/tests/reports/golden/" + name;
    const char* update = std::getenv("CONNSPEC_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        std::ofstream out(path, std::ios::binary);
        out << actual;
    }
    return lab::read_file(path);
}

}  // namespace connspec::test
