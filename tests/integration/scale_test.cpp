// Scale (issue 10, item 5), on loopback against real listeners and a lab PostgreSQL: 10,000
// targets x (resolves, port_open); ports_closed over 10,000 ports; sessions with count = 1000
// against max_connections = 1100. Verdicts only: time and memory are measured side by side by
// bench/run, never asserted here.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "tests/integration/tcp_lab.hpp"
#include "tests/lab/lab.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec::lab;
using namespace std::chrono_literals;

namespace {

// A loopback listener that accepts and closes every connection on its own thread (woken by
// poll, stopped through a pipe), so a storm of connects never fills its queue.
class AcceptingListener {
public:
    AcceptingListener()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof a;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), length) != 0 || ::listen(fd_, 4096) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length) != 0 || ::pipe2(stop_, O_CLOEXEC) != 0)
            throw std::runtime_error("cannot listen");
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] {
            for (;;) {
                pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
                if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
                if (fds[1].revents) return;
                for (int c; (c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) ::close(c);
            }
        });
    }
    ~AcceptingListener()
    {
        [[maybe_unused]] auto n = ::write(stop_[1], "x", 1);
        thread_.join();
        ::close(fd_);
        ::close(stop_[0]);
        ::close(stop_[1]);
    }
    int port() const { return port_; }

private:
    int fd_ = -1;
    int stop_[2] = {-1, -1};
    int port_ = 0;
    std::thread thread_;
};

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(ten_thousand_targets_resolve_and_connect)
{
    AcceptingListener listener;
    TempDir dir;
    std::string toml = fmt::format("[suite]\nname = \"scale\"\ntimeout = \"60s\"\n[defaults]\nhost = \"localhost\"\n"
                                   "port = {}\nprotocol = \"tcp\"\nresolves = true\nport_open = true\n",
                                   listener.port());
    for (int i = 0; i < 10000; ++i) toml += fmt::format("[[target]]\nname = \"t{}\"\n", i);
    auto run = run_suite(dir, toml, {}, {}, 600000ms);
    BOOST_TEST(run.command.exit_code == 0, run.command.err);
    BOOST_TEST(run.cases.size() == 20000u);
    int passed = 0;
    for (const auto& [id, c] : run.cases) passed += c.status == "passed";
    BOOST_TEST(passed == 20000);
    BOOST_TEST(contains(run.command.out, "20000 passed, 0 failed, 0 errors, 0 skipped"), run.command.out.substr(run.command.out.size() > 300 ? run.command.out.size() - 300 : 0));
}

BOOST_AUTO_TEST_CASE(ports_closed_over_ten_thousand_ports)
{
    // Ten thousand consecutive ports with nothing listening, and one that does, in the middle.
    TcpListener open_one("127.0.0.1", 0, 16);
    int first = 20001;
    std::string ports;
    for (int p = first; p < first + 10000; ++p) ports += (ports.empty() ? "" : ",") + std::to_string(p);
    TempDir dir;
    auto closed = run_suite(dir, fmt::format("[suite]\nname = \"s\"\ntimeout = \"30s\"\n[[target]]\nname = \"lo\"\n"
                                             "host = \"127.0.0.1\"\nprotocol = \"tcp\"\nports_closed = {{ ports = [{}] }}\n",
                                             ports), {}, {}, 600000ms);
    auto c = closed.at("lo.ports_closed");
    // A port of the range may be in use by something else on this machine: it must be named.
    if (c.status == "failed") {
        BOOST_TEST(c.category == "tcp.open");
    } else {
        BOOST_TEST(c.status == "passed", c.message);
        // A passing case's message is in the console line (reports carry messages of failures).
        BOOST_TEST(contains(closed.command.out, "10000 closed"), closed.command.out);
    }
    auto with_open = run_suite(dir, fmt::format("[suite]\nname = \"s\"\ntimeout = \"30s\"\n[[target]]\nname = \"lo\"\n"
                                                "host = \"127.0.0.1\"\nprotocol = \"tcp\"\nports_closed = {{ ports = [{},{}] }}\n",
                                                ports, open_one.port()), {}, {}, 600000ms);
    auto o = with_open.at("lo.ports_closed");
    BOOST_TEST(o.status == "failed");
    BOOST_TEST(o.category == "tcp.open");
    BOOST_TEST(contains(with_open.property("lo.ports_closed.open"), "127.0.0.1:" + std::to_string(open_one.port())));
}

BOOST_AUTO_TEST_CASE(a_thousand_sessions_against_max_connections_1100)
{
    PgLab::Options o;
    o.conf = {"max_connections = 1100"};
    PgLab lab(o);
    TempDir dir;
    auto run = run_suite(dir, fmt::format(R"([suite]
name = "t"
timeout = "300s"
[[target]]
name = "db"
host = "localhost"
port = {}
sessions = {{ count = 1000, hold = "100ms", user = "app", database = "app", password_env = "T_PASSWORD", sslmode = "verify-full", sslrootcert = "{}" }}
)", lab.port(), lab.ca()), {}, {{"T_PASSWORD", lab.password()}}, 600000ms);
    auto s = run.at("db.sessions");
    BOOST_TEST(s.status == "passed", s.message);
    BOOST_TEST(run.property("db.sessions.opened") == "1000");
    BOOST_TEST(run.property("db.sessions.held") == "1000");
    BOOST_TEST(run.property("db.sessions.max_connections") == "1100");
    BOOST_TEST(wait_until([&] {
        return lab.sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name = 'connspec'") == "0";
    }, 10000ms));
}
