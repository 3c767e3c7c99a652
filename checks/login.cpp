// `login` case: libpq connects (without ever blocking), authenticates, runs `query`, and the
// first column of the first row must equal `expect`; the server must be at least
// `server_version_min`. Addresses are tried in order until one gives a verdict.
#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/net.hpp"
#include "checks/pg_connect.hpp"
#include "checks/pg_options.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

struct Spec : CaseSpec {
    PgLoginOptions login;
};

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    spec->login = read_pg_login_options(options);
    return spec;
}

std::string milliseconds_text(std::chrono::duration<double> d)
{
    return fmt::format("{:.3f} ms", d.count() * 1000.0);
}

// The verdict on a session that connected and ran the query.
Outcome judge(const Spec& spec, const PgSession& session, const std::string& endpoint)
{
    Outcome outcome = passed();
    auto version = pg_server_version(session);
    outcome.property("address", endpoint);
    outcome.property("server_version", version.substr(0, version.find(' ')));
    outcome.property("tls", pg_tls_in_use(session) ? "yes" : "no");
    if (pg_tls_in_use(session)) outcome.property("tls_version", pg_tls_version(session));
    outcome.property("connect_time", milliseconds_text(session.connect_time()));

    const auto& value = session.values().front();
    if (spec.login.expect && value != spec.login.expect) {
        auto observed = value ? fmt::format("\"{}\"", *value) : std::string{"no value (NULL or no rows)"};
        auto properties = std::move(outcome.properties);
        outcome = failed("pg.query",
                         fmt::format("the query returned {}, expected \"{}\"", observed, *spec.login.expect),
                         pg_hint("pg.query"));
        outcome.properties = std::move(properties);
        return outcome;
    }
    if (spec.login.server_version_min) {
        int server = pg_server_version_number(session);
        if (server < *spec.login.server_version_min) {
            auto properties = std::move(outcome.properties);
            outcome = failed("pg.query",
                             fmt::format("server version {} is below server_version_min {}",
                                         version.substr(0, version.find(' ')),
                                         spec.login.server_version_min_text),
                             "upgrade the server, or lower server_version_min if this version is acceptable");
            outcome.properties = std::move(properties);
            return outcome;
        }
    }
    outcome.message = fmt::format("{} as {} (server {}, {})", endpoint,
                                  spec.login.user.empty() ? "the default user" : spec.login.user,
                                  version.substr(0, version.find(' ')),
                                  pg_tls_in_use(session) ? pg_tls_version(session) : "no TLS");
    return outcome;
}

Outcome run(const CaseSpec& base, const Target& target, CheckContext& context)
{
    const auto& spec = static_cast<const Spec&>(base);
    auto addresses = target_addresses(target, context);
    if (!addresses.ok()) return *addresses.failure;

    std::optional<Outcome> last_failure;
    for (const auto& address : addresses.addresses) {
        auto endpoint = format_endpoint(address, target.port);
        auto made = make_pg_params(spec.login, target, address);
        if (made.failure) return *made.failure;

        PgSession session(made.params, {spec.login.query});
        context.note("connecting to " + endpoint + " with sslmode " + spec.login.sslmode);
        auto waited = drive(session, context.deadline, context.stop);
        if (waited == WaitStatus::stopped) return interrupted();
        if (session.state() == PgSession::State::ready) return judge(spec, session, endpoint);

        Outcome failure = session.failure(endpoint);
        context.note(failure.category + ": " + failure.message);
        // The server decided, or the deadline is spent: another address cannot help.
        if (pg_is_decision(failure.category) || failure.category == "pg.timeout" ||
            failure.category == "pg.query")
            return failure;
        last_failure = std::move(failure);
    }
    if (last_failure) return *last_failure;
    return errored("internal", "no address to connect to", "");
}

}  // namespace

CheckKind login_kind()
{
    return {"login", "port_open", {Protocol::postgres}, "pg.timeout", parse, run,
            /*options_may_hold_secrets=*/true};
}

}  // namespace connspec
