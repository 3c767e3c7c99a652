// A target as the loader resolved it: plain data, no TOML.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/deadline.hpp"
#include "core/proxy.hpp"

namespace connspec {

enum class Protocol { postgres, tls, tcp };

std::string_view to_string(Protocol protocol);

// Where something was written in a suite file, for error messages.
struct SourcePosition {
    std::string file;  // as given on the command line
    int line = 0;
    int column = 0;
};

struct Target {
    std::string suite;  // the suite's name
    std::string name;
    std::string host;
    int port = 0;
    Protocol protocol = Protocol::postgres;
    std::vector<std::string> tags;
    std::string client_cert;  // path resolved against the suite's folder, or empty
    std::string client_key;
    std::optional<Proxy> via;  // every TCP connection of the target goes through it
    // What `url` named besides host and port, as libpq's keywords ("dbname", "user", "sslmode",
    // "sslrootcert", ...; paths resolved against the suite's folder). Keys written in the suite
    // win over these. The password is apart: a run secret, used only to log in.
    std::map<std::string, std::string, std::less<>> url_options;
    std::optional<std::string> url_password;
    Duration timeout{10000};  // deadline of one attempt of one case
    SourcePosition position;  // of the [[target]] table

    // "SUITE.TARGET", JUnit's classname.
    std::string qualified_name() const { return suite + "." + name; }
};

}  // namespace connspec
