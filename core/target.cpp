#include "core/target.hpp"

namespace connspec {

std::string_view to_string(Protocol protocol)
{
    switch (protocol) {
    case Protocol::postgres: return "postgres";
    case Protocol::tls: return "tls";
    case Protocol::tcp: return "tcp";
    }
    return "postgres";
}

}  // namespace connspec
