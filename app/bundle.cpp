#include "app/bundle.hpp"

#include <ares.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "checks/net.hpp"
#include "checks/resolved_addresses.hpp"
#include "core/redact.hpp"
#include "app/bundle_contents.hpp"
#include "core/child_process.hpp"
#include "app/tar_writer.hpp"

namespace connspec {
namespace {

constexpr auto probe_limit = std::chrono::milliseconds{3000};
constexpr auto resolve_limit = std::chrono::milliseconds{3000};

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
    StopSignal never;
    for (std::size_t t = 0; t < plan.targets.size(); ++t) {
        std::vector<std::string> addresses;
        for (std::size_t i = 0; i < plan.cases.size() && i < outcomes.size(); ++i)
            if (const auto* resolved = dynamic_cast<const ResolvedAddresses*>(outcomes[i].handoff.get());
                resolved && plan.cases[i].target_index == t)
                addresses = resolved->addresses;
        if (addresses.empty()) {
            auto found = resolve_host(plan.targets[t].host, AddressFamily::any, std::nullopt,
                                      Clock::now() + resolve_limit, never);
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
    ScratchDir scratch;
    RunRequest run = request.run;
    run.junit_file = scratch.path + "/junit.xml";
    run.json_file = scratch.path + "/results.json";
    RunRecord record = execute_run(run, out, err);
    if (!record.plan) return record.exit_code;  // nothing ran: no bundle
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
        for (const auto& [file, name] : {std::pair{run.junit_file, "junit.xml"}, std::pair{run.json_file, "results.json"}})
            if (std::filesystem::exists(file)) archive.add(top + "reports/" + name, clean(read_text(file)));

        std::vector<std::string> hosts;
        for (const auto& t : plan.targets) hosts.push_back(t.host);
        archive.add(top + "system/resolv.conf", read_text("/etc/resolv.conf"));
        archive.add(top + "system/hosts-matching.txt",
                    matching_hosts_lines(read_text("/etc/hosts"), hosts));

        for (const auto& [target, addresses] : target_addresses_of(plan, record.outcomes)) {
            std::string text = fmt::format("target {} (host {}, port {})\n", target->qualified_name(),
                                           target->host, target->port);
            if (addresses.empty()) text += "(the host did not resolve: no address to look at)\n";
            for (const auto& address : addresses) {
                text += "\n" + describe(run_process({"ip", "route", "get", address}, probe_limit));
                text += "\n" + describe(run_process({"ss", "-tn", "dst", address}, probe_limit));
            }
            archive.add(top + "network/" + safe_name(target->qualified_name()) + ".txt", clean(text));
        }
        archive.commit();
    } catch (const std::exception& e) {
        err << "connspec bundle: " << e.what() << '\n';
        return exit_usage;
    }
    out << "support bundle written to " << request.output << '\n';
    return record.exit_code;
}

}  // namespace connspec
