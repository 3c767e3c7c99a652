/* The floor for the sessions benchmark: the least a program can hold for N concurrent
 * libpq sessions. It links nothing but libpq, starts every connection at once with
 * PQconnectStartParams, drives them with one poll() loop, runs SELECT 1 on each, holds them
 * all, then closes them. No deadlines, no reports: it measures libpq and OpenSSL alone.
 *
 *   floor N        (connection settings from the libpq environment: PGHOST, PGPORT, ...)
 * Exit status 0 when every session ran its query, 1 otherwise. */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 0;
    if (n <= 0) {
        fprintf(stderr, "usage: floor N\n");
        return 2;
    }
    PGconn **conns = calloc((size_t)n, sizeof *conns);
    PostgresPollingStatusType *state = calloc((size_t)n, sizeof *state);
    struct pollfd *fds = calloc((size_t)n, sizeof *fds);
    int *index = calloc((size_t)n, sizeof *index);
    const char *keys[] = {"application_name", NULL};
    const char *values[] = {"connspec-bench-floor", NULL};

    for (int i = 0; i < n; i++) {
        conns[i] = PQconnectStartParams(keys, values, 1); /* 1: PG* variables apply */
        state[i] = PQstatus(conns[i]) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    }
    for (;;) {
        int waiting = 0;
        for (int i = 0; i < n; i++) {
            if (state[i] != PGRES_POLLING_READING && state[i] != PGRES_POLLING_WRITING) continue;
            fds[waiting].fd = PQsocket(conns[i]);
            fds[waiting].events = state[i] == PGRES_POLLING_READING ? POLLIN : POLLOUT;
            index[waiting++] = i;
        }
        if (waiting == 0) break;
        if (poll(fds, (nfds_t)waiting, -1) < 0) return 1;
        for (int k = 0; k < waiting; k++)
            if (fds[k].revents) state[index[k]] = PQconnectPoll(conns[index[k]]);
    }
    int ok = 0;
    for (int i = 0; i < n; i++) {
        if (state[i] != PGRES_POLLING_OK) continue;
        PGresult *result = PQexec(conns[i], "SELECT 1");
        ok += PQresultStatus(result) == PGRES_TUPLES_OK;
        PQclear(result);
    }
    /* All n are open here together (held); then closed. */
    for (int i = 0; i < n; i++) PQfinish(conns[i]);
    free(conns); free(state); free(fds); free(index);
    return ok == n ? 0 : 1;
}
