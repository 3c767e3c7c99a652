// A target as the loader resolved it: plain data, no TOML.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/deadline.hpp"

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
    Duration timeout{10000};  // deadline of one attempt of one case
    SourcePosition position;  // of the [[target]] table

    // "SUITE.TARGET", JUnit's classname.
    std::string qualified_name() const { return suite + "." + name; }
};

}  // namespace connspec
