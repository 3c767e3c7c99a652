// The libpq functions connspec calls, looked up in libpq.so.5 the first time a PostgreSQL
// case runs. libpq is not linked: its dependency chain (Kerberos, LDAP, GnuTLS, about 30
// shared libraries) cost about 3 ms of start-up and 2 MiB on every run, including runs with
// no login or sessions case (measured in bench/README.md).
#pragma once

#include <libpq-fe.h>

#include <string>

namespace connspec {

#define CONNSPEC_LIBPQ_FUNCTIONS(X)                                                          \
    X(PQconnectStartParams) X(PQconnectPoll) X(PQstatus) X(PQsocket) X(PQerrorMessage)       \
    X(PQsetErrorVerbosity) X(PQfinish) X(PQsetnonblocking) X(PQsendQuery) X(PQflush)         \
    X(PQconsumeInput) X(PQisBusy) X(PQgetResult) X(PQresultStatus) X(PQntuples) X(PQnfields) \
    X(PQgetisnull) X(PQgetvalue) X(PQresultErrorField) X(PQresultErrorMessage) X(PQclear)    \
    X(PQparameterStatus) X(PQserverVersion) X(PQsslInUse) X(PQsslAttribute) X(PQlibVersion)

struct LibPq {
#define CONNSPEC_LIBPQ_SLOT(name) decltype(&::name) name = nullptr;
    CONNSPEC_LIBPQ_FUNCTIONS(CONNSPEC_LIBPQ_SLOT)
#undef CONNSPEC_LIBPQ_SLOT
};

// libpq, loaded once per process; nullptr when it cannot be loaded, with the reason in
// `error` (when given).
const LibPq* libpq(std::string* error = nullptr);

}  // namespace connspec
