// --capture DIR: a failing case's own packets in DIR/SUITE.TARGET.CASE.pcap (read back with
// tcpdump), nothing for a passing case, and without the right to capture one warning and a run
// exactly like one without --capture.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>

#include "capture/packet_capture.hpp"
#include "tests/integration/tcp_lab.hpp"
#include "tests/lab/lab.hpp"

using namespace connspec::lab;
namespace fs = std::filesystem;

namespace {

// Runs connspec without CAP_NET_RAW (and CAP_NET_ADMIN): dropped from the bounding set, so
// even root's connspec starts without them.
const std::vector<std::string> without_capture_rights{
    "setpriv", "--inh-caps=-all", "--bounding-set=-net_raw,-net_admin"};

bool can_capture()
{
    if (auto why = connspec::PacketCapture::unavailable()) {
        BOOST_TEST_MESSAGE("skipped: this machine does not let the tests capture packets: " << *why);
        return false;
    }
    return true;
}

// `tcpdump -r FILE -nn`: one line per packet.
std::string packets_in(const std::string& pcap)
{
    auto r = run({"tcpdump", "-r", pcap, "-nn"});
    BOOST_TEST(r.exit_code == 0, "tcpdump -r " << pcap << ": " << r.err);
    return r.out;
}

std::size_t count(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::string tcp_target(const std::string& name, const std::string& host, int port,
                       const std::string& cases = "port_open = true\n")
{
    return "[[target]]\nname = \"" + name + "\"\nhost = \"" + host + "\"\nport = " +
           std::to_string(port) + "\nprotocol = \"tcp\"\n" + cases;
}

// A report with what changes from run to run (times, dates, latencies) taken out: every
// number becomes '#'. Names, statuses, categories, messages and properties stay.
std::string steady(const std::string& report)
{
    static const std::regex number("[0-9]+");
    return std::regex_replace(report, number, "#");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_refused_port_open_leaves_its_syn_and_rst_and_nothing_else)
{
    if (!can_capture()) return;
    TcpListener open_port;
    int refused = free_port();
    int other = free_port();
    while (other == refused) other = free_port();
    TempDir dir;
    auto captures = dir.path() + "/captures";  // made by connspec
    // Retries keep both refused cases on the wire together for a while (a refusal is
    // retried), so each capture's window holds the other case's packets too, were the filter
    // to let them in.
    auto result = run_suite(dir,
        "[suite]\nname = \"cap\"\ntimeout = \"3s\"\n"
        "retry = { attempts = 4, initial_delay = \"100ms\", multiplier = 1.0, jitter = false }\n" +
            tcp_target("down", "127.0.0.1", refused) +
            tcp_target("elsewhere", "127.0.0.1", other) +
            tcp_target("up", "127.0.0.1", open_port.port()),
        {"--capture", captures});
    BOOST_TEST(result.command.exit_code == 1, result.command.out << result.command.err);
    BOOST_TEST(result.command.err.find("warning") == std::string::npos, result.command.err);
    BOOST_TEST(result.at("down.port_open").category == "tcp.refused");
    BOOST_TEST(result.at("up.port_open").status == "passed");

    auto down = captures + "/cap.down.port_open.pcap";
    BOOST_REQUIRE(fs::exists(down));
    BOOST_TEST(result.property("down.port_open.capture") == down);
    auto packets = packets_in(down);
    auto to_port = "127.0.0.1." + std::to_string(refused);
    // The SYN to the refused port, and the RST (with ACK) that refused it: once per attempt.
    BOOST_TEST(count(packets, "> " + to_port + ": Flags [S]") == 4, packets);
    BOOST_TEST(count(packets, to_port + " > 127.0.0.1.") >= 1, packets);
    BOOST_TEST(packets.find("Flags [R.]") != std::string::npos, packets);
    // Only its own packets: not those of the other failing case running beside it, nor the
    // passing one's.
    BOOST_TEST(packets.find("." + std::to_string(other) + ":") == std::string::npos, packets);
    BOOST_TEST(packets.find("." + std::to_string(other) + " >") == std::string::npos, packets);
    BOOST_TEST(packets.find("." + std::to_string(open_port.port())) == std::string::npos, packets);

    // The other failing case has its own file, without the first one's packets; the passing
    // case none.
    auto elsewhere = captures + "/cap.elsewhere.port_open.pcap";
    BOOST_REQUIRE(fs::exists(elsewhere));
    auto its_packets = packets_in(elsewhere);
    BOOST_TEST(count(its_packets, "> 127.0.0.1." + std::to_string(other) + ": Flags [S]") == 4, its_packets);
    BOOST_TEST(its_packets.find("." + std::to_string(refused) + ":") == std::string::npos, its_packets);
    BOOST_TEST(!fs::exists(captures + "/cap.up.port_open.pcap"));
    // Written atomically: no temporary file is left behind.
    for (const auto& entry : fs::directory_iterator(captures))
        BOOST_TEST(entry.path().filename().string().front() != '.', entry.path());
}

BOOST_AUTO_TEST_CASE(cases_after_resolves_capture_the_addresses_it_found)
{
    if (!can_capture()) return;
    int refused = free_port();
    TempDir dir;
    auto captures = dir.path() + "/c";
    // localhost resolves to 127.0.0.1 (and ::1 where configured); port_open tries them all.
    auto result = run_suite(dir,
        "[suite]\nname = \"cap\"\ntimeout = \"3s\"\n" +
            tcp_target("named", "localhost", refused,
                       "resolves = true\nport_open = { all_addresses = true }\n"),
        {"--capture", captures});
    BOOST_TEST(result.command.exit_code == 1, result.command.out << result.command.err);
    BOOST_TEST(result.at("named.resolves").status == "passed");
    BOOST_TEST(!fs::exists(captures + "/cap.named.resolves.pcap"));
    auto file = captures + "/cap.named.port_open.pcap";
    BOOST_REQUIRE(fs::exists(file));
    auto packets = packets_in(file);
    BOOST_TEST(packets.find("> 127.0.0.1." + std::to_string(refused) + ": Flags [S]") != std::string::npos,
               packets);
    BOOST_TEST(packets.find("Flags [R.]") != std::string::npos, packets);
}

BOOST_AUTO_TEST_CASE(ctrl_c_still_ends_a_capturing_run_at_once_and_keeps_the_interrupted_capture)
{
    if (!can_capture()) return;
    FilteredPort filtered;
    TempDir dir;
    auto suite = dir.write("suite.toml", "[suite]\nname = \"cap\"\ntimeout = \"30s\"\n" +
                                             tcp_target("stalled", "127.0.0.1", filtered.port()));
    auto captures = dir.path() + "/c";
    Process::Options options;
    options.output_file = dir.path() + "/console.txt";
    options.new_process_group = false;
    Process run({connspec_path(), "run", suite, "--capture", captures}, options);
    // The case waits 30 s for an answer that never comes; interrupted once its SYN is out.
    BOOST_REQUIRE(wait_until([&] { return syn_sent_to(filtered.port()) >= 1; }, milliseconds{5000}));
    auto sent = std::chrono::steady_clock::now();
    ::kill(run.pid(), SIGINT);
    BOOST_REQUIRE(wait_until([&] { return !run.running(); }, milliseconds{3000}));
    auto took = std::chrono::steady_clock::now() - sent;
    BOOST_TEST(run.stop() == 130);
    BOOST_TEST(std::chrono::duration_cast<milliseconds>(took).count() < 1500);
    // An interrupted case is an error: its packets so far are kept.
    auto file = captures + "/cap.stalled.port_open.pcap";
    BOOST_REQUIRE(fs::exists(file));
    auto packets = packets_in(file);
    BOOST_TEST(packets.find("> 127.0.0.1." + std::to_string(filtered.port()) + ": Flags [S]") !=
                   std::string::npos,
               packets);
}

BOOST_AUTO_TEST_CASE(without_the_right_to_capture_one_warning_and_the_same_run)
{
    TempDir dir;
    int refused = free_port();
    TcpListener open_port;
    auto suite = dir.write("suite.toml", "[suite]\nname = \"cap\"\ntimeout = \"3s\"\n" +
                                             tcp_target("down", "127.0.0.1", refused) +
                                             tcp_target("up", "127.0.0.1", open_port.port()));
    auto run_once = [&](const std::string& name, bool capture) {
        std::vector<std::string> argv = without_capture_rights;
        argv.insert(argv.end(), {connspec_path(), "run", suite, "--junit", dir.path() + "/" + name + ".xml",
                                 "--json", dir.path() + "/" + name + ".json"});
        if (capture) argv.insert(argv.end(), {"--capture", dir.path() + "/captures"});
        return run(argv);
    };
    auto plain = run_once("plain", false);
    auto captured = run_once("captured", true);
    BOOST_TEST(plain.exit_code == 1, plain.out << plain.err);
    BOOST_TEST(captured.exit_code == plain.exit_code, captured.out << captured.err);
    // One warning, naming what is missing; nothing else on stderr.
    BOOST_TEST(count(captured.err, "warning") == 1, captured.err);
    BOOST_TEST(count(captured.err, "\n") == 1, captured.err);
    BOOST_TEST(captured.err.find("CAP_NET_RAW") != std::string::npos, captured.err);
    BOOST_TEST(plain.err.empty(), plain.err);
    // The reports are those of a run without --capture, and no capture was written.
    for (const char* kind : {".xml", ".json"})
        BOOST_TEST(steady(read_file(dir.path() + "/captured" + kind)) ==
                       steady(read_file(dir.path() + "/plain" + kind)),
                   kind);
    BOOST_TEST(fs::is_empty(dir.path() + "/captures"));
}

BOOST_AUTO_TEST_CASE(a_capture_folder_that_cannot_be_made_is_a_usage_error)
{
    TempDir dir;
    auto blocker = dir.write("file", "not a folder");
    auto suite = dir.write("suite.toml", tcp_target("down", "127.0.0.1", free_port()));
    auto r = run_connspec({"run", suite, "--capture", blocker + "/sub"});
    BOOST_TEST(r.exit_code == 2, r.out << r.err);
    BOOST_TEST(r.err.find("--capture") != std::string::npos, r.err);
}
