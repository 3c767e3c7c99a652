// Hostile servers (tests/lab/hostile-server, one mode per behaviour): every case ends within
// its deadline + 20 % with the right category, nothing crashes, and no descriptor is leaked.
// The plan runs in this process (loader, scheduler and checks as `connspec run` uses them) so
// that /proc/self/fd, counted before and after, is connspec's own.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runner/scheduler.hpp"
#include "suites/loader.hpp"
#include "tests/lab/certs.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec;
using namespace connspec::lab;

namespace {

constexpr double deadline_seconds = 3.0;
constexpr double allowed_overrun = 1.2;  // deadline + 20 %

int open_descriptors()
{
    int count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        ++count;
    return count - 1;  // the iterator's own
}

// One hostile server of the given mode, on the port it wrote to its port file.
class Hostile {
public:
    Hostile(const TempDir& dir, const std::string& mode, std::vector<std::string> extra = {})
        : port_file_(dir.path() + "/" + mode + "-" + std::to_string(++started_) + ".port"),
          process_(argv(mode, extra))
    {
        BOOST_REQUIRE_MESSAGE(wait_until([&] { return std::filesystem::exists(port_file_); },
                                         milliseconds{10000}),
                              "hostile-server " << mode << " did not start");
        port_ = std::stoi(read_file(port_file_));
    }
    int port() const { return port_; }

private:
    std::vector<std::string> argv(const std::string& mode, std::vector<std::string> extra) const
    {
        std::vector<std::string> a{source_root() + "/tests/lab/hostile-server", mode,
                                   "--port-file", port_file_};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
    static inline int started_ = 0;
    std::string port_file_;
    Process process_;
    int port_ = 0;
};

class NoReport : public Reporter {
public:
    void run_started(const RunDescription&, const RunInfo&) override {}
    void case_finished(std::size_t, const Outcome&) override {}
    void run_finished(const RunResult&) override {}
};

// Loads `toml` and runs it here, as `connspec run` would; outcomes by "TARGET.CASE".
std::map<std::string, Outcome> run_here(const TempDir& dir, const std::string& toml)
{
    auto file = dir.write("suite.toml", "[suite]\nname = \"hostile\"\ntimeout = \"3s\"\n" + toml);
    LoadResult loaded = load_suites({file});
    std::string errors;
    for (const auto& e : loaded.errors) errors += e + "\n";
    BOOST_REQUIRE_MESSAGE(loaded.ok(), errors);
    const RunDescription description = describe(loaded.plan);
    NoReport reporter;
    StopSignal stop;
    RunInfo info{"test", "", std::chrono::system_clock::now()};
    auto outcomes = run_plan(loaded.plan, description, RunOptions{}, info, reporter, stop);
    std::map<std::string, Outcome> by_id;
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        by_id[loaded.plan.case_id(loaded.plan.cases[i])] = outcomes[i];
    return by_id;
}

std::string describe_outcome(const Outcome& o)
{
    return std::string(to_string(o.status)) + " [" + o.category + "] " + o.message + " (" +
           std::to_string(o.duration.count()) + " s)";
}

// The case ended as `status` with `category`, within the deadline + 20 %.
void expect(const std::map<std::string, Outcome>& outcomes, const std::string& id, Status status,
            const std::string& category)
{
    auto found = outcomes.find(id);
    BOOST_REQUIRE_MESSAGE(found != outcomes.end(), "no case " << id);
    const Outcome& o = found->second;
    BOOST_TEST_INFO(id << ": " << describe_outcome(o));
    BOOST_TEST(o.status == status);
    BOOST_TEST(o.category == category);
    BOOST_TEST(o.duration.count() <= deadline_seconds * allowed_overrun);
}

// Counts this process's descriptors around each test: whatever a case opened is closed.
struct DescriptorCount {
    int before = open_descriptors();
    ~DescriptorCount() { BOOST_TEST(open_descriptors() == before, "descriptors leaked"); }
};

std::string target(const std::string& name, int port, const std::string& protocol,
                   const std::string& cases)
{
    return "[[target]]\nname = \"" + name + "\"\nhost = \"127.0.0.1\"\nport = " +
           std::to_string(port) + "\nprotocol = \"" + protocol + "\"\n" + cases;
}

const std::string login_plain =
    "login = { user = \"app\", database = \"app\", sslmode = \"disable\" }\n";

}  // namespace

BOOST_AUTO_TEST_CASE(tls_server_sending_garbage_after_the_client_hello)
{
    TempDir dir;
    Hostile server(dir, "tls-garbage");
    DescriptorCount fds;
    auto o = run_here(dir, target("garbage", server.port(), "tls", "tls = true\n"));
    expect(o, "garbage.tls", Status::failed, "tls.handshake");
}

BOOST_AUTO_TEST_CASE(tls_server_closing_mid_handshake)
{
    TempDir dir;
    Hostile server(dir, "tls-close-mid");
    DescriptorCount fds;
    auto o = run_here(dir, target("closing", server.port(), "tls", "tls = true\n"));
    expect(o, "closing.tls", Status::failed, "tls.handshake");
}

BOOST_AUTO_TEST_CASE(slowloris_during_the_tls_handshake)
{
    TempDir dir;
    Hostile tls(dir, "tls-slowloris");
    Hostile pg(dir, "pg-ssl-slowloris");
    DescriptorCount fds;
    auto o = run_here(dir, target("slow", tls.port(), "tls", "tls = true\n") +
                               target("slowpg", pg.port(), "postgres", "tls = true\n"));
    expect(o, "slow.tls", Status::failed, "tls.timeout");
    expect(o, "slowpg.tls", Status::failed, "tls.timeout");
}

BOOST_AUTO_TEST_CASE(slowloris_during_the_postgres_startup)
{
    TempDir dir;
    Hostile server(dir, "pg-startup-slowloris");
    DescriptorCount fds;
    auto o = run_here(dir, target("slow", server.port(), "postgres", login_plain +
                                  "sessions = { count = 20, hold = \"0s\" }\n"));
    expect(o, "slow.login", Status::failed, "pg.timeout");
}

BOOST_AUTO_TEST_CASE(ssl_request_answered_s_then_a_plain_text_error)
{
    TempDir dir;
    Hostile server(dir, "pg-s-then-error");
    DescriptorCount fds;
    auto o = run_here(dir, target("liar", server.port(), "postgres",
                                  "tls = true\nlogin = { user = \"app\", database = \"app\" }\n"));
    expect(o, "liar.tls", Status::failed, "tls.handshake");
    // libpq drops what followed the 'S' and waits for the server's TLS answer, which never
    // comes while the server holds the connection open: the deadline ends it.
    expect(o, "liar.login", Status::failed, "pg.timeout");
}

BOOST_AUTO_TEST_CASE(postgres_server_closing_after_the_startup_message)
{
    TempDir dir;
    Hostile server(dir, "pg-close-after-startup");
    DescriptorCount fds;
    auto o = run_here(dir, target("closing", server.port(), "postgres", login_plain));
    expect(o, "closing.login", Status::failed, "pg.connect");
}

BOOST_AUTO_TEST_CASE(dns_server_with_truncated_malformed_and_mismatched_answers)
{
    TempDir dir;
    Hostile truncated(dir, "dns-truncated");
    Hostile malformed(dir, "dns-malformed");
    Hostile wrong_id(dir, "dns-wrong-id");
    DescriptorCount fds;
    auto dns_target = [](const std::string& name, int port) {
        return "[[target]]\nname = \"" + name + "\"\nhost = \"db.hostile.test\"\nport = 5432\n"
               "resolves = { server = \"127.0.0.1:" + std::to_string(port) + "\" }\n";
    };
    auto o = run_here(dir, dns_target("truncated", truncated.port()) +
                               dns_target("malformed", malformed.port()) +
                               dns_target("wrongid", wrong_id.port()));
    expect(o, "truncated.resolves", Status::failed, "dns.servfail");
    expect(o, "malformed.resolves", Status::failed, "dns.servfail");
    expect(o, "wrongid.resolves", Status::failed, "dns.timeout");
}

BOOST_AUTO_TEST_CASE(port_that_accepts_thousands_of_connections_and_never_reads)
{
    TempDir dir;
    Hostile server(dir, "accept-never-read");
    DescriptorCount fds;
    auto o = run_here(dir, target("silent", server.port(), "postgres",
                                  "port_open = true\ntls = true\n" + login_plain +
                                      "sessions = { count = 2000, hold = \"0s\" }\n"));
    expect(o, "silent.port_open", Status::passed, "");
    expect(o, "silent.tls", Status::failed, "tls.timeout");
    expect(o, "silent.login", Status::failed, "pg.timeout");
}

BOOST_AUTO_TEST_CASE(certificate_chains_of_40_certificates_and_of_200_kib)
{
    TempDir dir;
    // 40 certificates: a root, 38 intermediates, the leaf.
    std::vector<Credential> cas{Credential::root_ca("hostile root")};
    for (int i = 0; i < 38; ++i)
        cas.push_back(cas.back().issue({"intermediate " + std::to_string(i), {}, {}, -1, 365, true}));
    Credential leaf = cas.back().issue({"localhost", {"localhost"}, {"127.0.0.1"}, -1, 365, false});
    std::vector<const Credential*> long_chain{&leaf};
    for (auto it = cas.rbegin(); it != cas.rend(); ++it) long_chain.push_back(&*it);
    auto chain40 = write_certificates(dir.path(), "chain40", long_chain);
    auto key40 = write_key(dir.path(), "chain40", leaf);
    // 200 KiB: a leaf naming 5,000 hosts.
    std::vector<std::string> names;
    for (int i = 0; i < 5000; ++i) names.push_back("host-" + std::to_string(i) + ".hostile.example.test");
    Credential root = Credential::root_ca("big root");
    Credential big = root.issue({"localhost", names, {"127.0.0.1"}, -1, 365, false});
    auto chain_big = write_certificates(dir.path(), "big", {&big, &root});
    BOOST_TEST(std::filesystem::file_size(chain_big) > 200u * 1024);
    auto key_big = write_key(dir.path(), "big", big);
    auto ca40 = write_certificates(dir.path(), "ca40", {&cas.front()});

    Hostile forty(dir, "tls-chain", {"--cert-chain", chain40, "--key", key40});
    Hostile heavy(dir, "tls-chain", {"--cert-chain", chain_big, "--key", key_big});
    DescriptorCount fds;
    auto o = run_here(dir, target("forty", forty.port(), "tls",
                                  "tls = true\ncertificate = { ca = \"ca40.crt\" }\n") +
                               target("untrusted", forty.port(), "tls", "certificate = true\n") +
                               target("heavy", heavy.port(), "tls", "tls = true\ncertificate = true\n"));
    // 40 certificates verify against their root (OpenSSL's depth limit is 100); against the
    // system store they do not.
    expect(o, "forty.tls", Status::passed, "");
    expect(o, "forty.certificate", Status::passed, "");
    expect(o, "untrusted.certificate", Status::failed, "cert.untrusted");
    // 200 KiB is over the client's certificate-list limit (100 KiB): the handshake fails.
    expect(o, "heavy.tls", Status::failed, "tls.handshake");
}
