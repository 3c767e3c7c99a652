#!/usr/bin/python3
"""N concurrent sessions the way users script it today: psycopg2's ThreadedConnectionPool,
one thread per connection, each runs SELECT 1, all held open together, then closed.
Connection settings come from the libpq environment (PGHOST, PGPORT, PGUSER, ...)."""
import sys
import threading

import psycopg2.pool

n = int(sys.argv[1])
pool = psycopg2.pool.ThreadedConnectionPool(0, n)
barrier = threading.Barrier(n)
failures = []


def session():
    try:
        conn = pool.getconn()
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as error:  # counted, like connspec's failed sessions
        failures.append(type(error).__name__)
        conn = None
    barrier.wait()  # all open together
    if conn is not None:
        pool.putconn(conn)


threads = [threading.Thread(target=session) for _ in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
pool.closeall()
if failures:
    print(f"{len(failures)} of {n} failed", file=sys.stderr)
    sys.exit(1)
