#include "core/outcome.hpp"

#include <array>
#include <ostream>

namespace connspec {

std::string_view to_string(Status status)
{
    switch (status) {
    case Status::passed: return "passed";
    case Status::failed: return "failed";
    case Status::error: return "error";
    case Status::skipped: return "skipped";
    }
    return "error";
}

std::ostream& operator<<(std::ostream& out, Status status)
{
    return out << to_string(status);
}

std::string_view Outcome::find(std::string_view key) const
{
    for (const auto& p : properties)
        if (p.key == key) return p.value;
    return {};
}

Outcome passed(std::string message)
{
    Outcome o;
    o.message = std::move(message);
    return o;
}

Outcome failed(std::string category, std::string message, std::string hint)
{
    Outcome o;
    o.status = Status::failed;
    o.category = std::move(category);
    o.message = std::move(message);
    o.hint = std::move(hint);
    return o;
}

Outcome errored(std::string category, std::string message, std::string hint)
{
    Outcome o = failed(std::move(category), std::move(message), std::move(hint));
    o.status = Status::error;
    return o;
}

Outcome skipped(std::string reason)
{
    Outcome o;
    o.status = Status::skipped;
    o.message = std::move(reason);
    return o;
}

bool is_transient(std::string_view category)
{
    // Wrong passwords, pg_hba rejections, bad certificates and TLS policy violations are
    // decisions, not accidents: retrying them only delays the report.
    static constexpr std::array transient{
        std::string_view{"dns.timeout"}, std::string_view{"dns.servfail"},
        std::string_view{"tcp.refused"}, std::string_view{"tcp.timeout"},
        std::string_view{"tls.timeout"}, std::string_view{"pg.timeout"},
        std::string_view{"pg.too_many_connections"},
        std::string_view{"proxy.unreachable"}, std::string_view{"proxy.timeout"},
    };
    for (auto t : transient)
        if (t == category) return true;
    return false;
}

Outcome interrupted()
{
    return errored("internal", "interrupted", "the run was stopped before this case finished");
}

}  // namespace connspec
