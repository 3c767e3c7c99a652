#include "checks/pg_connect.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cstdlib>
#include <utility>

#include "core/redact.hpp"

namespace connspec {

std::vector<std::string> pg_secrets(const PgParams& params)
{
    std::vector<std::string> secrets;
    if (params.password && !params.password->empty()) secrets.push_back(*params.password);
    if (const char* env = std::getenv("PGPASSWORD"); env && *env) secrets.emplace_back(env);
    return secrets;
}

PgSession::PgSession(const PgParams& params, std::vector<std::string> queries)
    : queries_(std::move(queries)), secrets_(pg_secrets(params)), started_(Clock::now())
{
    // libpq copies the values during PQconnectStartParams; until then they must stay alive,
    // so no temporaries among them.
    const std::string port = std::to_string(params.port);
    const std::string application_name = "connspec";
    const std::string gssencmode = "disable";
    std::vector<const char*> keys;
    std::vector<const char*> values;
    auto add = [&](const char* key, const std::string& value) {
        if (value.empty()) return;
        keys.push_back(key);
        values.push_back(value.c_str());
    };
    add("host", params.host);
    add("hostaddr", params.hostaddr);
    add("port", port);
    add("dbname", params.database);
    add("user", params.user);
    if (params.password) add("password", *params.password);
    add("sslmode", params.sslmode);
    add("sslrootcert", params.sslrootcert);
    add("sslcert", params.sslcert);
    add("sslkey", params.sslkey);
    add("sslnegotiation", params.sslnegotiation);
    for (const auto& [key, value] : params.extra) add(key.c_str(), value);
    add("application_name", application_name);
    // A Kerberos credential cache would add a GSSAPI round trip nobody asked for.
    add("gssencmode", gssencmode);
    keys.push_back(nullptr);
    values.push_back(nullptr);

    conn_ = PQconnectStartParams(keys.data(), values.data(), 0);
    if (!conn_) {
        fail("internal", {"", "libpq could not allocate a connection"});
        return;
    }
    // Verbose errors carry the SQLSTATE, which is what classification reads.
    PQsetErrorVerbosity(conn_, PQERRORS_VERBOSE);
    if (PQstatus(conn_) == CONNECTION_BAD) {
        auto error = parse_pg_error(PQerrorMessage(conn_), secrets_);
        fail(pg_connect_category(error), error);
    }
}

PgSession::~PgSession()
{
    close();
}

PgSession::PgSession(PgSession&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      queries_(std::move(other.queries_)),
      secrets_(std::move(other.secrets_)),
      next_query_(other.next_query_),
      state_(other.state_),
      connected_(other.connected_),
      want_write_(other.want_write_),
      started_(other.started_),
      connect_time_(other.connect_time_),
      values_(std::move(other.values_)),
      rows_(std::move(other.rows_)),
      current_row_(std::move(other.current_row_)),
      current_value_(std::move(other.current_value_)),
      current_has_rows_(other.current_has_rows_),
      query_error_(std::move(other.query_error_)),
      category_(std::move(other.category_)),
      error_(std::move(other.error_))
{
}

void PgSession::close()
{
    if (conn_) PQfinish(std::exchange(conn_, nullptr));
}

int PgSession::socket() const
{
    return conn_ && !done() ? PQsocket(conn_) : -1;
}

short PgSession::events() const
{
    if (done()) return 0;
    return want_write_ ? POLLOUT : POLLIN;
}

void PgSession::fail(std::string category, PgError error)
{
    state_ = State::failed;
    category_ = std::move(category);
    error_ = std::move(error);
    close();
}

bool PgSession::open() const
{
    return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

void PgSession::run_more(std::string query)
{
    if (state_ != State::ready) return;
    queries_.push_back(std::move(query));
    begin_query();
}

void PgSession::time_out()
{
    if (done()) return;
    fail("pg.timeout", {"", connected_ ? "the query did not finish before the deadline"
                                       : "the server did not complete the startup before the deadline"});
}

Outcome PgSession::failure(std::string_view where) const
{
    return pg_connect_failure(error_, where, category_);
}

void PgSession::step()
{
    if (done()) return;
    if (state_ == State::connecting) {
        switch (PQconnectPoll(conn_)) {
        case PGRES_POLLING_READING: want_write_ = false; return;
        case PGRES_POLLING_WRITING: want_write_ = true; return;
        case PGRES_POLLING_OK:
            connected_ = true;
            connect_time_ = Clock::now() - started_;
            begin_query();
            return;
        default: {
            auto error = parse_pg_error(PQerrorMessage(conn_), secrets_);
            fail(pg_connect_category(error), error);
            return;
        }
        }
    }
    if (want_write_) {
        int flushed = PQflush(conn_);
        if (flushed < 0) {
            fail("pg.query", parse_pg_error(PQerrorMessage(conn_), secrets_));
            return;
        }
        want_write_ = flushed == 1;
        if (want_write_) return;
    }
    read_results();
}

void PgSession::begin_query()
{
    if (next_query_ == queries_.size()) {
        state_ = State::ready;
        return;
    }
    state_ = State::querying;
    if (PQsetnonblocking(conn_, 1) != 0 || !PQsendQuery(conn_, queries_[next_query_].c_str())) {
        fail("pg.query", parse_pg_error(PQerrorMessage(conn_), secrets_));
        return;
    }
    current_value_.reset();
    current_row_.clear();
    current_has_rows_ = false;
    query_error_.reset();
    int flushed = PQflush(conn_);
    if (flushed < 0) {
        fail("pg.query", parse_pg_error(PQerrorMessage(conn_), secrets_));
        return;
    }
    want_write_ = flushed == 1;
}

void PgSession::read_results()
{
    if (!PQconsumeInput(conn_)) {
        fail("pg.query", parse_pg_error(PQerrorMessage(conn_), secrets_));
        return;
    }
    while (!PQisBusy(conn_)) {
        PGresult* result = PQgetResult(conn_);
        if (!result) {
            // Every result of this query has arrived.
            if (query_error_) {
                // The server refused the query, not the session: it stays open (closed
                // with the others).
                state_ = State::failed;
                category_ = "pg.query";
                error_ = std::move(*query_error_);
                return;
            }
            values_.push_back(current_value_);
            rows_.push_back(std::move(current_row_));
            current_row_.clear();
            ++next_query_;
            begin_query();
            return;
        }
        auto status = PQresultStatus(result);
        if (status == PGRES_TUPLES_OK) {
            if (!current_has_rows_ && PQntuples(result) > 0 && PQnfields(result) > 0) {
                current_has_rows_ = true;
                if (!PQgetisnull(result, 0, 0)) current_value_ = PQgetvalue(result, 0, 0);
                for (int column = 0; column < PQnfields(result); ++column)
                    current_row_.push_back(PQgetisnull(result, 0, column)
                                               ? std::nullopt
                                               : std::optional<std::string>(PQgetvalue(result, 0, column)));
            }
        } else if (status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY && !query_error_) {
            const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
            const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
            PgError error = parse_pg_error(primary ? primary : PQresultErrorMessage(result), secrets_);
            if (sqlstate) error.sqlstate = sqlstate;
            query_error_ = std::move(error);
        }
        PQclear(result);
    }
    want_write_ = false;
}

WaitStatus drive(PgSession& session, Deadline deadline, const StopSignal& stop)
{
    while (!session.done()) {
        auto waited = wait_fd(session.socket(), session.events(), deadline, stop);
        if (waited == WaitStatus::timeout) {
            session.time_out();
            return waited;
        }
        if (waited == WaitStatus::stopped) {
            session.close();
            return waited;
        }
        session.step();
    }
    return WaitStatus::ready;
}

std::string pg_server_version(const PgSession& session)
{
    if (!session.connection()) return {};
    const char* version = PQparameterStatus(session.connection(), "server_version");
    return version ? version : "";
}

int pg_server_version_number(const PgSession& session)
{
    return session.connection() ? PQserverVersion(session.connection()) : 0;
}

bool pg_tls_in_use(const PgSession& session)
{
    return session.connection() && PQsslInUse(session.connection());
}

std::string pg_tls_version(const PgSession& session)
{
    if (!pg_tls_in_use(session)) return {};
    const char* protocol = PQsslAttribute(session.connection(), "protocol");
    return protocol ? protocol : "";
}

}  // namespace connspec
