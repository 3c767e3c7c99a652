// PgSession against a real lab PostgreSQL: every classified failure, TLS properties, the
// deadline, and no password in any message.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "checks/pg_connect.hpp"
#include "tests/integration/pg_shared_lab.hpp"
#include "tests/lab/pg_lab.hpp"

using namespace connspec;
using namespace std::chrono_literals;

namespace {

const std::string secret = "Distinctive-Pw-7731";

lab::PgLab& shared_lab()
{
    return test::shared_lab_with_rejected_role(secret);
}

PgParams params_for(const lab::PgLab& lab)
{
    PgParams p;
    p.host = "localhost";
    p.hostaddr = "127.0.0.1";
    p.port = lab.port();
    p.database = lab.database();
    p.user = lab.user();
    p.password = lab.password();
    p.sslmode = "verify-full";
    p.sslrootcert = lab.ca();
    return p;
}

PgSession run_session(const PgParams& p, std::vector<std::string> queries = {"SELECT 1"},
                      Deadline deadline = Clock::now() + 5s)
{
    StopSignal stop;
    PgSession s(p, std::move(queries));
    drive(s, deadline, stop);
    return s;
}

int count_in_log(const lab::PgLab& lab, const std::string& needle)
{
    auto log = lab::read_file(lab.dir() + "/postgres.log");
    int n = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
    return n;
}

// Answers PostgreSQL's SSLRequest with 'S', then never says another word.
class StallingServer {
public:
    StallingServer()
    {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        BOOST_REQUIRE(::listen(listener_, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~StallingServer()
    {
        done_ = true;
        thread_.join();
        for (int fd : clients_) ::close(fd);
        ::close(listener_);
    }
    int port() const { return port_; }

private:
    void serve()
    {
        while (!done_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            char request[8];
            pollfd c{fd, POLLIN, 0};
            if (::poll(&c, 1, 2000) > 0 && ::recv(fd, request, sizeof request, MSG_WAITALL) == 8)
                [[maybe_unused]] auto n = ::send(fd, "S", 1, MSG_NOSIGNAL);
            clients_.push_back(fd);  // held open, silent
        }
    }
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> done_{false};
    std::vector<int> clients_;
    std::thread thread_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(verify_full_login_runs_the_query_over_tls)
{
    auto& lab = shared_lab();
    auto s = run_session(params_for(lab), {"SELECT 40 + 2"});
    BOOST_TEST_REQUIRE((s.state() == PgSession::State::ready), s.error().text);
    BOOST_TEST(s.values().at(0).value() == "42");
    BOOST_TEST(pg_tls_in_use(s));
    BOOST_TEST(pg_tls_version(s).starts_with("TLSv1."));
    BOOST_TEST(pg_server_version(s).starts_with("15."));
    BOOST_TEST(pg_server_version_number(s) >= 150000);
    BOOST_TEST(s.connect_time().count() > 0.0);
}

BOOST_AUTO_TEST_CASE(a_client_certificate_is_presented_when_given)
{
    auto& lab = shared_lab();
    auto p = params_for(lab);
    p.sslcert = lab.client_cert();
    p.sslkey = lab.client_key();
    auto s = run_session(p, {"SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"});
    BOOST_TEST_REQUIRE((s.state() == PgSession::State::ready), s.error().text);
    BOOST_TEST(s.values().at(0).value() == "/CN=app");
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_pg_auth_after_exactly_one_attempt_and_never_echoed)
{
    auto& lab = shared_lab();
    int before = count_in_log(lab, "password authentication failed for user \"app\"");
    auto p = params_for(lab);
    p.password = "Wrong-" + secret;
    auto s = run_session(p);
    BOOST_TEST(s.category() == "pg.auth");
    BOOST_TEST(s.error().sqlstate == "28P01");
    auto o = s.failure("127.0.0.1:1");
    BOOST_TEST(o.message.find(secret) == std::string::npos);
    BOOST_TEST(o.hint.find(secret) == std::string::npos);
    BOOST_TEST(lab::wait_until([&] {
        return count_in_log(lab, "password authentication failed for user \"app\"") == before + 1;
    }, 3000ms));
    BOOST_TEST(count_in_log(lab, "password authentication failed for user \"app\"") == before + 1);
    BOOST_TEST(lab::read_file(lab.dir() + "/postgres.log").find(secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_pg_hba_reject_rule_is_pg_hba)
{
    auto& lab = shared_lab();
    auto p = params_for(lab);
    p.user = "rejected";
    auto s = run_session(p);
    BOOST_TEST(s.category() == "pg.hba");
    BOOST_TEST(s.error().sqlstate == "28000");
}

BOOST_AUTO_TEST_CASE(a_missing_database_is_pg_database)
{
    auto& lab = shared_lab();
    auto p = params_for(lab);
    p.database = "no_such_db";
    auto s = run_session(p);
    BOOST_TEST(s.category() == "pg.database");
    BOOST_TEST(s.error().text.find("no_such_db") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_host_name_the_certificate_lacks_is_cert_hostname)
{
    auto& lab = shared_lab();
    auto p = params_for(lab);
    p.host = "db.example";
    auto s = run_session(p);
    BOOST_TEST(s.category() == "cert.hostname");
}

BOOST_AUTO_TEST_CASE(a_certificate_from_another_ca_is_cert_untrusted)
{
    auto& lab = shared_lab();
    lab::TempDir dir;
    auto other_ca = dir.path() + "/other.crt";
    auto made = lab::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                          "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", dir.path() + "/other.key",
                          "-out", other_ca, "-days", "2", "-subj", "/CN=other"});
    BOOST_REQUIRE(made.exit_code == 0);
    auto p = params_for(lab);
    p.sslrootcert = other_ca;
    auto s = run_session(p);
    BOOST_TEST(s.category() == "cert.untrusted");
}

BOOST_AUTO_TEST_CASE(a_failing_query_is_pg_query_with_its_sqlstate)
{
    auto& lab = shared_lab();
    auto s = run_session(params_for(lab), {"SELECT * FROM no_such_table"});
    BOOST_TEST(s.category() == "pg.query");
    BOOST_TEST(s.error().sqlstate == "42P01");
}

BOOST_AUTO_TEST_CASE(sslmode_require_against_a_server_without_tls_is_pg_ssl_required)
{
    lab::PgLab::Options o;
    o.ssl = false;
    lab::PgLab lab(o);
    auto p = params_for(lab);
    p.sslmode = "require";
    auto s = run_session(p);
    BOOST_TEST(s.category() == "pg.ssl_required");
    p.sslmode = "disable";
    auto plain = run_session(p);
    BOOST_TEST((plain.state() == PgSession::State::ready), plain.error().text);
    BOOST_TEST(!pg_tls_in_use(plain));
}

BOOST_AUTO_TEST_CASE(a_server_that_answers_S_and_stalls_times_out_at_the_deadline)
{
    StallingServer server;
    PgParams p;
    p.host = "localhost";
    p.hostaddr = "127.0.0.1";
    p.port = server.port();
    p.user = "app";
    p.password = secret;
    auto start = Clock::now();
    auto s = run_session(p, {"SELECT 1"}, start + 400ms);
    auto took = Clock::now() - start;
    BOOST_TEST(s.category() == "pg.timeout");
    BOOST_TEST((took >= 400ms));
    // Upper bounds catch a second deadline or a hang, with room for a loaded CI machine;
    // how fast is bench/'s question.
    BOOST_TEST((took < 800ms));
}

BOOST_AUTO_TEST_CASE(a_stop_request_ends_the_wait_at_once)
{
    StallingServer server;
    PgParams p;
    p.host = "localhost";
    p.hostaddr = "127.0.0.1";
    p.port = server.port();
    StopSignal stop;
    stop.request();
    PgSession s(p, {"SELECT 1"});
    auto start = Clock::now();
    BOOST_TEST((drive(s, Clock::now() + 5s, stop) == WaitStatus::stopped));
    BOOST_TEST((Clock::now() - start < 1000ms));  // at once, not the 5 s deadline
}
