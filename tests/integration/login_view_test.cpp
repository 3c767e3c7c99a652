// The server's own view in `login`: pg_stat_ssl, inet_client_addr(), max_connections. A real
// TLS-terminating hop (Debian's pgbouncer with client TLS required and a plain connection to a
// non-TLS lab server) must fail `server_sees_tls` with pg.tls_terminated, while the same login
// straight to a TLS server passes; `min_free_connections` above what the server has left fails
// pg.headroom.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include "tests/lab/pg_lab.hpp"
#include "tests/lab/pgbouncer.hpp"

using namespace connspec;

namespace {

const std::string password = "View-Lab-Pw-2208";

std::string target(const std::string& name, int port, const std::string& ca, const std::string& login)
{
    return fmt::format(R"(
[[target]]
name = "{}"
host = "localhost"
port = {}
login = {{ user = "app", database = "app", password_env = "PW", sslmode = "verify-full", sslrootcert = "{}", {} }}
)",
                       name, port, ca, login);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_tls_terminating_pooler_fails_server_sees_tls_and_a_direct_login_passes)
{
    lab::PgLab::Options tls_on;
    tls_on.password = password;
    tls_on.conf = {"max_connections = 30"};
    lab::PgLab direct(tls_on);
    lab::PgLab::Options plain = tls_on;
    plain.ssl = false;
    lab::PgLab behind(plain);
    lab::PgBouncer bouncer(behind);

    lab::TempDir dir;
    auto suite = "[suite]\nname = \"view\"\ntimeout = \"10s\"\n" +
                 target("direct", direct.port(), direct.ca(), "server_sees_tls = true, min_free_connections = 5") +
                 target("pooled", bouncer.port(), behind.ca(), "server_sees_tls = true") +
                 target("pooled_unchecked", bouncer.port(), behind.ca(), "expect = \"1\"") +
                 target("crowded", direct.port(), direct.ca(), "min_free_connections = 1000");
    auto run = lab::run_suite(dir, suite, {}, {{"PW", password}});

    BOOST_TEST(run.at("direct.login").status == "passed", run.at("direct.login").message + run.command.err);
    BOOST_TEST(run.property("direct.login.server_tls") == "yes");
    BOOST_TEST(run.property("direct.login.server_tls_version").starts_with("TLSv1."));
    BOOST_TEST(!run.property("direct.login.server_cipher").empty());
    BOOST_TEST(run.property("direct.login.client_addr") == "127.0.0.1");
    BOOST_TEST(run.property("direct.login.max_connections") == "30");
    BOOST_TEST(std::stoi(run.property("direct.login.connections_in_use")) >= 1);

    // The client did TLS with pgbouncer; the server saw plain text from pgbouncer.
    BOOST_TEST(run.at("pooled.login").status == "failed", run.at("pooled.login").message + bouncer.log());
    BOOST_TEST(run.at("pooled.login").category == "pg.tls_terminated", run.at("pooled.login").message);
    BOOST_TEST(run.property("pooled.login.tls") == "yes");
    BOOST_TEST(run.property("pooled.login.server_tls") == "no");
    // Without server_sees_tls the same hop passes, and still shows what the server sees.
    BOOST_TEST(run.at("pooled_unchecked.login").status == "passed", run.at("pooled_unchecked.login").message);
    BOOST_TEST(run.property("pooled_unchecked.login.server_tls") == "no");

    // 30 max_connections - 3 reserved for superusers - the ones in use < 1000.
    BOOST_TEST(run.at("crowded.login").category == "pg.headroom", run.at("crowded.login").message);
    BOOST_TEST(run.at("crowded.login").message.find("30 max_connections - 3 reserved") != std::string::npos,
               run.at("crowded.login").message);
}
