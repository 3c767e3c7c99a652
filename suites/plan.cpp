#include "suites/plan.hpp"

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

std::string Plan::case_id(const PlannedCase& c) const
{
    return target_of(c).name + "." + std::string(c.kind->name);
}

}  // namespace connspec
