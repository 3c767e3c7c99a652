// A streaming report whose stream refused its text (a full disk, a closed pipe): thrown, so
// the runner drops that report, ends the run with exit 1 and names the failure.
#pragma once

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace connspec {

[[noreturn]] inline void throw_unwritable()
{
    int err = errno;
    throw std::runtime_error(std::string("the output stream refused the report") +
                             (err ? std::string(" (") + std::strerror(err) + ")" : std::string()));
}

}  // namespace connspec
