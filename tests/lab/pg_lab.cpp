#include "tests/lab/pg_lab.hpp"

#include <stdexcept>

namespace connspec::lab {
namespace {

constexpr const char* default_password = "connspec-lab-password";  // as pg-lab's own default
constexpr const char* psql = "/usr/lib/postgresql/15/bin/psql";

int read_port(const std::string& env_file)
{
    auto text = read_file(env_file);
    auto at = text.find("PGPORT=");
    if (at == std::string::npos) throw std::runtime_error("pg-lab wrote no PGPORT in " + env_file);
    return std::stoi(text.substr(at + 7));
}

}  // namespace

PgLab::PgLab() : PgLab(Options{}) {}

PgLab::PgLab(Options options)
    : password_(options.password.empty() ? default_password : options.password), bin_(options.bin)
{
    std::vector<std::string> argv{script(), "start", dir()};
    if (options.port != 0) {
        argv.push_back("--port");
        argv.push_back(std::to_string(options.port));
    }
    for (const auto& line : options.conf) {
        argv.push_back("--conf");
        argv.push_back(line);
    }
    for (const auto& line : options.hba) {
        argv.push_back("--hba");
        argv.push_back(line);
    }
    if (!options.ssl) argv.push_back("--no-ssl");
    // The password goes through the environment, never argv.
    std::map<std::string, std::string> env{{"LAB_PASSWORD", password_}};
    if (!bin_.empty()) env["PG_BIN"] = bin_;
    auto result = run(argv, milliseconds{60000}, env);
    if (result.exit_code != 0) {
        run({script(), "stop", dir()}, milliseconds{60000}, bin_.empty() ? std::map<std::string, std::string>{}
                                                                          : std::map<std::string, std::string>{{"PG_BIN", bin_}});
        throw std::runtime_error("pg-lab start failed: " + result.err);
    }
    port_ = read_port(dir() + "/env");
}

PgLab::~PgLab()
{
    try {
        run({script(), "stop", dir()}, milliseconds{60000},
            bin_.empty() ? std::map<std::string, std::string>{} : std::map<std::string, std::string>{{"PG_BIN", bin_}});
    } catch (...) {
        // A destructor must not throw; the TempDir still goes away.
    }
}

std::string PgLab::fetch(int major)
{
    // The first fetch of a major downloads and unpacks it (tens of MB); later ones are instant.
    auto result = run({source_root() + "/tests/lab/pg-fetch", std::to_string(major)}, milliseconds{600000});
    if (result.exit_code != 0)
        throw std::runtime_error("pg-fetch " + std::to_string(major) + " failed: " + result.err);
    while (!result.out.empty() && result.out.back() == '\n') result.out.pop_back();
    return result.out;
}

std::string PgLab::script()
{
    return source_root() + "/tests/lab/pg-lab";
}

std::map<std::string, std::string> PgLab::env() const
{
    return {
        {"PGHOST", host()},
        {"PGPORT", std::to_string(port_)},
        {"LAB_CA", ca()},
        {"LAB_CLIENT_CERT", client_cert()},
        {"LAB_CLIENT_KEY", client_key()},
        {"LAB_USER", user()},
        {"LAB_DATABASE", database()},
        {"LAB_PASSWORD", password_},
        {"LAB_DIR", dir()},
    };
}

std::string PgLab::sql(const std::string& statement) const
{
    auto result = run({psql, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", dir() + "/sock",
                       "-p", std::to_string(port_), "-U", "postgres", "-d", "postgres", "-c",
                       statement},
                      milliseconds{30000});
    if (result.exit_code != 0) throw std::runtime_error("psql failed: " + result.err);
    while (!result.out.empty() && result.out.back() == '\n') result.out.pop_back();
    return result.out;
}

}  // namespace connspec::lab
