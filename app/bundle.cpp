#include "app/bundle.hpp"

#include <ares.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "checks/net.hpp"
#include "checks/resolved_addresses.hpp"
#include "core/redact.hpp"
#include "app/bundle_contents.hpp"
#include "app/bundle_routes.hpp"
#include "core/child_process.hpp"
#include "app/tar_writer.hpp"
#include "capture/mask_secrets.hpp"
#include "runner/signals.hpp"

namespace connspec {
namespace {

constexpr auto probe_limit = std::chrono::milliseconds{3000};
constexpr auto resolve_limit = std::chrono::milliseconds{3000};
// A `route` case's deadline: its silent hops are judged after 3 s.
constexpr auto route_limit = std::chrono::milliseconds{8000};
constexpr int route_jobs = 8;

std::string read_text(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) return fmt::format("(cannot read {})\n", path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string versions_text()
{
    int pq = PQlibVersion();
    return fmt::format("connspec {}\nOpenSSL {}\nlibpq {}.{}\nc-ares {}\n", CONNSPEC_VERSION,
                       OpenSSL_version(OPENSSL_VERSION), pq / 10000, pq % 10000,
                       ares_version(nullptr));
}

// A folder for the run's reports, removed afterwards.
struct ScratchDir {
    std::string path;
    ScratchDir()
    {
        auto base = std::filesystem::temp_directory_path() / "connspec-bundle-XXXXXX";
        std::string pattern = base.string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
        path = pattern;
    }
    ~ScratchDir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

// The addresses each target connects to: those its `resolves` found, else a fresh lookup.
std::vector<std::pair<const Target*, std::vector<std::string>>> target_addresses_of(
    const Plan& plan, const std::vector<Outcome>& outcomes)
{
    std::vector<std::pair<const Target*, std::vector<std::string>>> result;
    const StopSignal& stop = process_stop_signal();
    for (std::size_t t = 0; t < plan.targets.size(); ++t) {
        std::vector<std::string> addresses;
        for (std::size_t i = 0; i < plan.cases.size() && i < outcomes.size(); ++i)
            if (const auto* resolved = dynamic_cast<const ResolvedAddresses*>(outcomes[i].handoff.get());
                resolved && plan.cases[i].target_index == t)
                addresses = resolved->addresses;
        if (addresses.empty()) {
            auto found = resolve_host(plan.targets[t].host, AddressFamily::any, std::nullopt,
                                      Clock::now() + resolve_limit, stop);
            addresses = found.addresses;
        }
        result.emplace_back(&plan.targets[t], std::move(addresses));
    }
    return result;
}

std::string safe_name(std::string name)
{
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
    return name;
}

}  // namespace

int bundle_command(const BundleRequest& request, std::ostream& out, std::ostream& err)
{
    if (auto problem = unwritable_report(request.output)) {
        err << *problem << '\n';
        return exit_usage;
    }
    if (auto problem = overwrites_input(request.run.suites, {{"--output", request.output}})) {
        err << *problem << '\n';
        return exit_usage;
    }
    for (const auto& suite : request.run.suites)
        if (suite == "-") {
            err << "bundle copies its suite files into the archive: give it files, not -\n";
            return exit_usage;
        }
    // A Ctrl-C at any moment, during the run or while the archive is written, ends the
    // command with exit 130 and no archive (half an archive is worse than none).
    const StopSignal& stop = process_stop_signal();
    auto interrupted_now = [&] {
        if (!stop.requested()) return false;
        err << "connspec bundle: interrupted; no bundle written\n";
        return true;
    };
    ScratchDir scratch;
    RunRequest run = request.run;
    run.junit_file = scratch.path + "/junit.xml";
    run.json_file = scratch.path + "/results.json";
    run.html_file = scratch.path + "/report.html";
    RunRecord record = execute_run(run, out, err);
    if (!record.plan) return record.exit_code;  // nothing ran: no bundle
    if (interrupted_now()) return exit_interrupted;
    const Plan& plan = *record.plan;

    // Secrets: the values of every password variable the suites name. They are redacted from
    // every text in the bundle, whatever printed them.
    std::vector<std::string> suite_texts, secrets;
    for (const auto& suite : run.suites) {
        suite_texts.push_back(read_text(suite));
        for (const auto& name : password_variables(suite_texts.back()))
            if (const char* value = std::getenv(name.c_str()); value && *value) secrets.emplace_back(value);
    }
    auto clean = [&](std::string_view text) { return redact(text, secrets); };

    try {
        TarGzWriter archive(request.output);
        const std::string top = "connspec-bundle/";
        archive.add(top + "summary.txt", clean(summary_text(plan, record.outcomes, record.exit_code)));
        archive.add(top + "versions.txt", versions_text());
        for (std::size_t i = 0; i < run.suites.size(); ++i) {
            auto name = std::filesystem::path(run.suites[i]).filename().string();
            archive.add(top + fmt::format("suites/{}-{}", i + 1, name), redact_suite(suite_texts[i], secrets));
        }
        for (const auto& [file, name] : {std::pair{run.junit_file, "junit.xml"}, std::pair{run.json_file, "results.json"},
                                   std::pair{run.html_file, "report.html"}})
            if (std::filesystem::exists(file)) archive.add(top + "reports/" + name, clean(read_text(file)));

        std::vector<std::string> hosts;
        for (const auto& t : plan.targets) hosts.push_back(t.host);
        archive.add(top + "system/resolv.conf", read_text("/etc/resolv.conf"));
        archive.add(top + "system/hosts-matching.txt",
                    matching_hosts_lines(read_text("/etc/hosts"), hosts));

        auto per_target = target_addresses_of(plan, record.outcomes);
        for (const auto& [target, addresses] : per_target) {
            if (stop.requested()) break;
            std::string text = fmt::format("target {} (host {}, port {})\n", target->qualified_name(),
                                           target->host, target->port);
            if (addresses.empty()) text += "(the host did not resolve: no address to look at)\n";
            for (const auto& address : addresses) {
                if (stop.requested()) break;
                text += "\n" + describe(run_process({"ip", "route", "get", address}, probe_limit));
                text += "\n" + describe(run_process({"ss", "-tn", "dst", address}, probe_limit));
            }
            archive.add(top + "network/" + safe_name(target->qualified_name()) + ".txt", clean(text));
        }
        // Where on the path the packets to each address that refused or ignored port_open stop.
        std::vector<std::vector<std::string>> addresses;
        for (const auto& entry : per_target) addresses.push_back(entry.second);
        auto failed = failed_port_open_addresses(plan, record.outcomes, addresses);
        auto routes = trace_routes(plan, failed, run.jobs.value_or(route_jobs), route_limit, stop);
        if (interrupted_now()) return exit_interrupted;
        std::map<std::size_t, std::string> route_texts;  // by target
        for (std::size_t i = 0; i < routes.size() && i < failed.size(); ++i)
            route_texts[failed[i].target_index] += route_text(plan, failed[i], routes[i]) + "\n";
        for (const auto& [index, text] : route_texts)
            archive.add(top + "network/" + safe_name(plan.targets[index].qualified_name()) + ".route.txt",
                        clean(text));

        // --capture: the pcap files this run wrote (named by their cases' outcomes, so older
        // files in the folder stay out), passwords masked like every other file.
        for (const auto& outcome : record.outcomes) {
            auto path = std::string(outcome.find("capture"));
            if (path.empty() || !std::filesystem::exists(path)) continue;
            std::string bytes = read_text(path);
            mask_secrets(bytes, secrets);
            archive.add(top + "captures/" + std::filesystem::path(path).filename().string(), bytes);
        }
        if (interrupted_now()) return exit_interrupted;  // the archive's destructor removes it
        archive.commit();
    } catch (const std::exception& e) {
        err << "connspec bundle: " << e.what() << '\n';
        return exit_usage;
    }
    out << "support bundle written to " << request.output << '\n';
    return record.exit_code;
}

}  // namespace connspec
