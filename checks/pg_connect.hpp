// One PostgreSQL session driven without blocking: libpq's PQconnectStartParams/PQconnectPoll,
// then each query sent with PQsendQuery and read as the socket becomes readable. The caller
// owns the waiting (poll over one socket for `login`, over hundreds for `sessions`), so every
// wait honours the case deadline and the stop signal; libpq never blocks, and never looks up a
// name (hostaddr is numeric; host is kept for certificate verification).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/deadline.hpp"
#include "checks/net.hpp"
#include "checks/pg_errors.hpp"

struct pg_conn;

namespace connspec {

struct PgParams {
    std::string host;      // libpq `host`: what the certificate must name
    std::string hostaddr;  // numeric address libpq connects to
    int port = 5432;
    std::string database;  // empty: libpq's default (the user name)
    std::string user;      // empty: libpq's default
    std::optional<std::string> password;  // empty: libpq's password file
    std::string sslmode = "require";
    std::string sslrootcert;  // empty: libpq's default
    std::string sslcert;
    std::string sslkey;
    std::string sslnegotiation;  // "direct" needs libpq 17+ (checked before); empty: default
    // Further libpq keywords (from a `url`), passed as they are.
    std::vector<std::pair<std::string, std::string>> extra;
};

// What libpq could echo that must never be shown: the password and $PGPASSWORD.
std::vector<std::string> pg_secrets(const PgParams& params);

class PgSession {
public:
    enum class State { connecting, querying, ready, failed };

    // Starts connecting at once; runs `queries` in order once connected.
    PgSession(const PgParams& params, std::vector<std::string> queries);
    ~PgSession();
    PgSession(PgSession&& other) noexcept;
    PgSession& operator=(PgSession&&) = delete;
    PgSession(const PgSession&) = delete;

    State state() const { return state_; }
    bool done() const { return state_ == State::ready || state_ == State::failed; }
    bool connected() const { return connected_; }
    int socket() const;
    // POLLIN or POLLOUT: what the socket must become before step(); 0 once done.
    short events() const;
    // Advances after the socket reported ready (a spurious call is harmless).
    void step();
    // Runs one more query on a ready session (drive it again afterwards).
    void run_more(std::string query);
    // Ends the session as timed out (the deadline cut it short).
    void time_out();

    // Failure details (valid when state() == failed).
    const std::string& category() const { return category_; }
    const PgError& error() const { return error_; }
    Outcome failure(std::string_view where) const;

    std::chrono::duration<double> connect_time() const { return connect_time_; }
    // The first column of the first row of each query that ran (nullopt: NULL or no rows).
    const std::vector<std::optional<std::string>>& values() const { return values_; }
    // Every column of the first row of each query that ran (empty: no rows).
    const std::vector<std::vector<std::optional<std::string>>>& first_rows() const { return rows_; }
    pg_conn* connection() const { return conn_; }

    // Whether the connection is established and not yet closed (a failed query leaves it so).
    bool open() const;
    // Closes the connection now (idempotent).
    void close();

private:
    void fail(std::string category, PgError error);
    void begin_query();
    void read_results();

    pg_conn* conn_ = nullptr;
    std::vector<std::string> queries_;
    std::vector<std::string> secrets_;
    std::size_t next_query_ = 0;
    State state_ = State::connecting;
    bool connected_ = false;
    bool want_write_ = true;
    Clock::time_point started_;
    std::chrono::duration<double> connect_time_{};
    std::vector<std::optional<std::string>> values_;
    std::vector<std::vector<std::optional<std::string>>> rows_;
    std::vector<std::optional<std::string>> current_row_;
    std::optional<std::string> current_value_;
    bool current_has_rows_ = false;
    std::optional<PgError> query_error_;
    std::string category_;
    PgError error_;
};

// Drives one session until it is done, the deadline passes (time_out) or stop is requested.
WaitStatus drive(PgSession& session, Deadline deadline, const StopSignal& stop);

// Properties of a connected session: server_version, tls, tls_version.
std::string pg_server_version(const PgSession& session);
int pg_server_version_number(const PgSession& session);  // PQserverVersion: 150020
bool pg_tls_in_use(const PgSession& session);
std::string pg_tls_version(const PgSession& session);

}  // namespace connspec
