// `login` case: libpq connects (without ever blocking), authenticates, runs `query`, and the
// first column of the first row must equal `expect`; the server must be at least
// `server_version_min`. Addresses are tried in order until one gives a verdict.
//
// Then the server's own view of this session (one more query): whether pg_stat_ssl says it
// is TLS (`server_sees_tls`: a TLS-terminating proxy or pooler in between makes the client's
// TLS invisible to the server, pg.tls_terminated), the client address it sees, and how many
// connections it has left (`min_free_connections`, pg.headroom).
#include <fmt/format.h>

#include "checks/check_kind.hpp"
#include "checks/net.hpp"
#include "checks/pg_connect.hpp"
#include "checks/pg_options.hpp"
#include "checks/proxy_relay.hpp"
#include "checks/target_way.hpp"
#include "core/option_reader.hpp"

namespace connspec {
namespace {

struct Spec : CaseSpec {
    PgLoginOptions login;
    bool server_sees_tls = false;
    std::optional<std::int64_t> min_free_connections;
};

// The server's view of this backend. Reserved slots (superuser_reserved_connections, and
// reserved_connections from 16 on) are not free for an application; only client backends
// count against max_connections (walsenders and background workers have their own limits).
constexpr const char* server_view_query =
    "SELECT s.ssl, s.version, s.cipher, host(inet_client_addr()), "
    "current_setting('max_connections'), "
    "current_setting('superuser_reserved_connections'), "
    "coalesce(current_setting('reserved_connections', true), '0'), "
    "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') "
    "FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()";

std::unique_ptr<CaseSpec> parse(OptionReader& options)
{
    auto spec = std::make_unique<Spec>();
    spec->login = read_pg_login_options(options);
    if (auto v = options.boolean("server_sees_tls")) spec->server_sees_tls = *v;
    spec->min_free_connections = options.integer("min_free_connections", 0, 1000000);
    return spec;
}

struct ServerView {
    bool tls = false;
    std::string tls_version, cipher, client_addr;
    long max_connections = 0, reserved = 0, in_use = 0;
};

std::optional<ServerView> server_view(const PgSession& session)
{
    const auto& rows = session.first_rows();
    if (rows.size() < 2 || rows[1].size() < 8) return std::nullopt;
    const auto& row = rows[1];
    auto text = [&](std::size_t i) { return row[i].value_or(""); };
    auto number = [&](std::size_t i) -> long {
        try {
            return std::stol(text(i));
        } catch (...) {
            return 0;
        }
    };
    ServerView view;
    view.tls = text(0) == "t";
    view.tls_version = text(1);
    view.cipher = text(2);
    view.client_addr = text(3);
    view.max_connections = number(4);
    view.reserved = number(5) + number(6);
    view.in_use = number(7);
    return view;
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

    std::optional<ServerView> view = server_view(session);
    if (view) {
        outcome.property("server_tls", view->tls ? "yes" : "no");
        if (view->tls) {
            outcome.property("server_tls_version", view->tls_version);
            outcome.property("server_cipher", view->cipher);
        }
        outcome.property("client_addr", view->client_addr);
        outcome.property("max_connections", std::to_string(view->max_connections));
        outcome.property("connections_in_use", std::to_string(view->in_use));
    }
    auto fail_keeping = [&](std::string category, std::string message, std::string hint) {
        auto properties = std::move(outcome.properties);
        outcome = failed(std::move(category), std::move(message), std::move(hint));
        outcome.properties = std::move(properties);
        return outcome;
    };

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
    if ((spec.server_sees_tls || spec.min_free_connections) && !view)
        return fail_keeping("pg.query", "the server did not show its own view of this session (pg_stat_ssl)",
                            "server_sees_tls and min_free_connections need PostgreSQL 9.5+ with "
                            "pg_stat_ssl; a pooler in statement mode or a non-PostgreSQL server may not have it");
    if (spec.server_sees_tls && !view->tls) {
        if (pg_tls_in_use(session))
            return fail_keeping(
                "pg.tls_terminated",
                fmt::format("this client negotiated {} but the server sees a plain-text session "
                            "from {}: something between them terminates TLS",
                            pg_tls_version(session), view->client_addr.empty() ? "a local socket" : view->client_addr),
                "a TLS-terminating proxy, load balancer or pooler sits in front of the database and "
                "talks to it without TLS: bypass it and compare, or enable TLS on its server side "
                "(pgbouncer: server_tls_sslmode = verify-full)");
        return fail_keeping("pg.ssl_required",
                            fmt::format("the session is not TLS (sslmode {}), and server_sees_tls needs it",
                                        spec.login.sslmode),
                            "set sslmode = \"require\" or stricter so the session must use TLS");
    }
    if (spec.min_free_connections) {
        long free = view->max_connections - view->reserved - view->in_use;
        outcome.property("free_connections", std::to_string(free));
        if (free < *spec.min_free_connections)
            return fail_keeping(
                "pg.headroom",
                fmt::format("{} connections free ({} max_connections - {} reserved - {} in use), "
                            "min_free_connections is {}",
                            free, view->max_connections, view->reserved, view->in_use,
                            *spec.min_free_connections),
                "the server is close to max_connections: find who holds the connections "
                "(pg_stat_activity), put a pooler in front, or raise max_connections");
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
    TargetWay way = find_target_way(target, context);
    if (!way.ok()) return *way.failure;
    const ProxyRoute* route = way.proxy();

    auto password = find_password(spec.login, target, context);
    if (password.failure) return *password.failure;

    std::optional<Outcome> last_failure;
    for (const auto& address : way.addresses) {
        auto endpoint = format_endpoint(address, target.port);
        auto made = make_pg_params(spec.login, target, address, password.password);
        if (made.failure) return *made.failure;

        // libpq knows no proxies: it connects to a loopback relay that tunnels through `via`.
        std::unique_ptr<ProxyRelay> relay;
        if (route) {
            std::string problem;
            relay = ProxyRelay::start(*route, address, target.port, context.deadline, context.stop, problem);
            if (!relay) return errored("internal", problem, "this machine could not open a loopback port");
            made.params.hostaddr = "127.0.0.1";
            made.params.port = relay->port();
            context.note(fmt::format("relaying 127.0.0.1:{} to {}", relay->port(), endpoint));
        }

        PgSession session(made.params, {spec.login.query, server_view_query});
        context.note("connecting to " + endpoint + " with sslmode " + spec.login.sslmode);
        auto waited = drive(session, context.deadline, context.stop);
        if (waited == WaitStatus::stopped) return interrupted();
        if (session.state() == PgSession::State::ready) {
            Outcome outcome = judge(spec, session, endpoint);
            if (route) outcome.property("via", route->proxy.display());
            return outcome;
        }

        Outcome failure = session.failure(endpoint);
        // The tunnel failed (libpq only saw its connection closed): the proxy's outcome.
        if (relay) {
            auto tally = relay->tally();
            if (tally.first_failure) {
                context.note("libpq: " + failure.category + ": " + failure.message);
                failure = *tally.first_failure;
            }
            failure.property("via", route->proxy.display());
        }
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
