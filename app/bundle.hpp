// `connspec bundle`: run the suites, then pack everything whoever runs the database needs to
// see into one archive, with every secret redacted.
#pragma once

#include <ostream>
#include <string>

#include "app/commands.hpp"

namespace connspec {

struct BundleRequest {
    RunRequest run;      // suites and selection; its report files are chosen by the bundle
    std::string output;  // FILE.tar.gz
};

// The run's exit status (0, 1, 130), or 2 when nothing ran or the bundle could not be written.
int bundle_command(const BundleRequest& request, std::ostream& out, std::ostream& err);

}  // namespace connspec
