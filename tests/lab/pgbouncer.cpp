#include "tests/lab/pgbouncer.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <stdexcept>

namespace connspec::lab {
namespace {

constexpr const char* pgbouncer = "/usr/sbin/pgbouncer";
constexpr const char* server_user = "connspec-lab";  // as tests/lab/pg-lab makes it

}  // namespace

PgBouncer::PgBouncer(const PgLab& server)
{
    if (::access(pgbouncer, X_OK) != 0)
        throw std::runtime_error("pgbouncer is not installed (apt-get install pgbouncer)");
    ::chmod(dir_.path().c_str(), 0755);
    // The lab's key is owned by the server user already (pg-lab), readable by pgbouncer as it.
    std::string quoted_password = server.password();
    for (std::size_t at = 0; (at = quoted_password.find('"', at)) != std::string::npos; at += 2)
        quoted_password.insert(at, "\"");
    // Its log file is written by the server user.
    auto logfile = dir_.write("pgbouncer.log", "");
    if (::geteuid() == 0)
        if (const passwd* user = ::getpwnam(server_user))
            if (::chown(logfile.c_str(), user->pw_uid, user->pw_gid) != 0)
                throw std::runtime_error("cannot hand pgbouncer.log to " + std::string(server_user));
    auto users = dir_.write("userlist.txt", fmt::format("\"app\" \"{}\"\n", quoted_password));
    for (int attempt = 0; attempt < 3; ++attempt) {
        port_ = free_port();
        auto ini = dir_.write("pgbouncer.ini", fmt::format(R"([databases]
app = host=127.0.0.1 port={server_port} dbname=app

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {users}
pool_mode = session
logfile = {dir}/pgbouncer.log
client_tls_sslmode = require
client_tls_cert_file = {certs}/server.crt
client_tls_key_file = {certs}/server.key
client_tls_ca_file = {certs}/ca.crt
server_tls_sslmode = disable
ignore_startup_parameters = extra_float_digits
)",
                                                            fmt::arg("server_port", server.port()),
                                                            fmt::arg("port", port_), fmt::arg("users", users),
                                                            fmt::arg("dir", dir_.path()),
                                                            fmt::arg("certs", server.dir() + "/certs")));
        ::chmod(users.c_str(), 0644);
        ::chmod(ini.c_str(), 0644);
        std::vector<std::string> argv{pgbouncer, ini};
        if (::geteuid() == 0) argv = {"/usr/sbin/runuser", "-u", server_user, "--", pgbouncer, ini};
        Process::Options options;
        options.output_file = dir_.path() + "/pgbouncer.out";
        process_ = std::make_unique<Process>(argv, options);
        if (wait_for_port(host(), port_, milliseconds{15000})) return;
        process_->stop();
    }
    throw std::runtime_error("pgbouncer did not start: " + read_file(dir_.path() + "/pgbouncer.out") + log());
}

PgBouncer::~PgBouncer() = default;

std::string PgBouncer::log() const
{
    try {
        return read_file(dir_.path() + "/pgbouncer.log");
    } catch (...) {
        return {};
    }
}

}  // namespace connspec::lab
