#include "app/init.hpp"

#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "checks/conninfo.hpp"
#include "reports/atomic_file.hpp"

namespace connspec {
namespace {

constexpr const char* password_variable = "DATABASE_PASSWORD";

// A TOML basic string that connspec reads back as `text`: escapes, and `$` doubled so that
// nothing in it is taken for a ${VARIABLE}.
std::string toml_string(const std::string& text)
{
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '$': out += "$$"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04X}", c);
            else out += c;
        }
    }
    return out + "\"";
}

std::string target_name(const std::string& host)
{
    std::string name;
    for (char c : host) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        name += ok ? c : '-';
    }
    while (!name.empty() && name.front() == '-') name.erase(name.begin());
    return name.empty() ? "db" : name;
}

std::string absolute(const std::string& path)
{
    if (path.empty() || path == "system") return path;
    std::error_code ec;
    auto full = std::filesystem::absolute(path, ec);
    return ec ? path : full.lexically_normal().string();
}

}  // namespace

std::string starter_suite(const std::string& url, std::string& problem)
{
    Conninfo parsed = parse_conninfo(url);
    if (!parsed.ok()) {
        problem = "not a libpq connection string (a URI such as postgresql://user@host:5432/db, or "
                  "key=value pairs): " + parsed.error;
        return {};
    }
    std::map<std::string, std::string> o(parsed.options.begin(), parsed.options.end());
    auto get = [&](const std::string& key) {
        auto found = o.find(key);
        return found == o.end() ? std::string{} : found->second;
    };
    std::string host = get("host");
    if (host.empty() || host.starts_with('/') || host.find(',') != std::string::npos) {
        problem = host.empty() ? "the connection string names no host"
                  : host.find(',') != std::string::npos
                      ? "the connection string names several hosts: run connspec init once per host"
                      : "the connection string names a unix socket: connspec checks network connections";
        return {};
    }
    int port = 5432;
    if (auto p = get("port"); !p.empty()) {
        try {
            port = std::stoi(p);
        } catch (...) {
            port = 0;
        }
        if (port < 1 || port > 65535) {
            problem = "the port in the connection string must be a number between 1 and 65535";
            return {};
        }
    }
    std::string sslmode = get("sslmode").empty() ? "prefer" : get("sslmode");
    std::string rootcert = absolute(get("sslrootcert"));
    bool tls = sslmode != "disable";
    bool verify = sslmode == "verify-ca" || sslmode == "verify-full";
    bool has_password = !get("password").empty();

    std::string shown = fmt::format("postgresql://{}{}:{}/{}", get("user").empty() ? "" : get("user") + "@",
                                    host.find(':') != std::string::npos ? "[" + host + "]" : host, port,
                                    get("dbname"));
    std::string suite;
    // The comment is TOML, not a string: `$` needs no doubling there, but a line end would
    // end it, and the string came from a user.
    for (char& c : shown)
        if (c == '\n' || c == '\r') c = ' ';
    suite += fmt::format("# A starter suite for {} (the password, if any, is not written here),\n", shown);
    suite += "# written by `connspec init`. Edit the expectations, then: connspec run THIS_FILE\n";
    if (has_password)
        suite += fmt::format("# The password is read from ${} when the suite runs: export it there.\n",
                             password_variable);
    suite += "\n[suite]\ntimeout = \"10s\"\n\n[[target]]\n";
    suite += fmt::format("name = {}\n", toml_string(target_name(host)));
    suite += fmt::format("host = {}\nport = {}\n", toml_string(host), port);
    suite += "resolves = true\nport_open = true\n";
    suite += "# ports_closed = { ports = [22] }   # ports that must not be reachable\n";
    if (tls) {
        suite += "tls = { min_version = \"1.2\" }\n";
        std::string certificate = "min_days_valid = 30";
        if (!rootcert.empty() && rootcert != "system") certificate += ", ca = " + toml_string(rootcert);
        if (sslmode == "verify-ca") certificate += ", verify_hostname = false";
        if (verify || !rootcert.empty()) suite += fmt::format("certificate = {{ {} }}\n", certificate);
        else suite += fmt::format("# certificate = {{ {} }}   # sslmode {} does not verify the server\n",
                                  certificate, sslmode);
    }
    std::vector<std::string> login;
    if (!get("user").empty()) login.push_back("user = " + toml_string(get("user")));
    if (!get("dbname").empty()) login.push_back("database = " + toml_string(get("dbname")));
    if (has_password) login.push_back(fmt::format("password_env = \"{}\"", password_variable));
    login.push_back("sslmode = " + toml_string(sslmode));
    if (!rootcert.empty()) login.push_back("sslrootcert = " + toml_string(rootcert));
    if (!get("sslcert").empty()) login.push_back("sslcert = " + toml_string(absolute(get("sslcert"))));
    if (!get("sslkey").empty()) login.push_back("sslkey = " + toml_string(absolute(get("sslkey"))));
    if (get("sslnegotiation") == "direct") login.push_back("sslnegotiation = \"direct\"");
    login.push_back("query = \"SELECT 1\"");
    login.push_back("expect = \"1\"");
    std::string joined;
    for (const auto& l : login) joined += (joined.empty() ? "" : ", ") + l;
    suite += fmt::format("login = {{ {} }}\n", joined);
    suite += "sessions = { count = 10, hold = \"1s\" }\n";
    std::vector<std::string> dropped;
    for (const auto& [key, value] : parsed.options)
        if (key != "host" && key != "port" && key != "user" && key != "dbname" && key != "password" &&
            key != "sslmode" && key != "sslrootcert" && key != "sslcert" && key != "sslkey" &&
            key != "sslnegotiation")
            dropped.push_back(key);
    if (!dropped.empty()) {
        std::string keys;
        for (const auto& k : dropped) keys += (keys.empty() ? "" : ", ") + k;
        suite += fmt::format("# Not carried over from the connection string: {} (use `url` to keep them)\n", keys);
    }
    return suite;
}

int init_command(const std::string& url, const std::string& output, std::ostream& out,
                 std::ostream& err)
{
    std::string problem;
    std::string suite = starter_suite(url, problem);
    if (suite.empty()) {
        err << "connspec init: " << problem << '\n';
        return exit_usage;
    }
    if (output.empty()) {
        out << suite;
        return exit_passed;
    }
    std::error_code ec;
    if (std::filesystem::exists(output, ec)) {
        err << fmt::format("connspec init: {} exists; connspec never overwrites a file (choose another "
                           "name or remove it)\n",
                           output);
        return exit_usage;
    }
    if (auto why = unwritable_report(output)) {
        err << "connspec init: " << *why << '\n';
        return exit_usage;
    }
    try {
        write_file_atomically(output, suite);
    } catch (const std::exception& e) {
        err << "connspec init: " << e.what() << '\n';
        return exit_usage;
    }
    out << fmt::format("{}: a starter suite; check it with connspec validate {}\n", output, output);
    return exit_passed;
}

}  // namespace connspec
