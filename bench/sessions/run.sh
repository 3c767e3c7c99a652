#!/usr/bin/env bash
# Sessions benchmark: connspec's sessions case vs a psycopg2 ThreadedConnectionPool script vs
# pgbench -C, at N = 100 and N = 250, against a lab PostgreSQL with max_connections = 400.
# floor.c (a program that links only libpq and does nothing else) shows the least memory N
# libpq sessions can take.
#   bench/sessions/run.sh [BUILD_DIR] [REPEATS]     (defaults: build, 5)
# Prints a Markdown table of medians (wall time, peak RSS) and ratios.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
repeats=${2:-5}
work=$(mktemp -d /tmp/connspec-bench-sessions-XXXXXX)
chmod o+x "$work"  # the lab server user must reach the lab inside
trap '"$root/tests/lab/pg-lab" stop "$work/lab" --remove >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

"$root/tests/lab/pg-lab" start "$work/lab" --conf 'max_connections = 400' >/dev/null
set -a
. "$work/lab/env"
PGUSER=$LAB_USER PGDATABASE=$LAB_DATABASE PGPASSWORD=$LAB_PASSWORD PGSSLMODE=require
set +a

# "wall_seconds peak_kib" of one run of a command.
measure() {
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" ||
        { cat "$work/stderr" >&2; echo "failed: $*" >&2; exit 1; }
    cat "$work/time"
}
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

suite() {
    cat >"$work/suite-$1.toml" <<TOML
[suite]
name = "bench"
timeout = "60s"
[[target]]
name = "lab"
host = "127.0.0.1"
port = $PGPORT
sessions = { count = $1, hold = "0ms", user = "app", database = "app", password_env = "LAB_PASSWORD", sslmode = "require" }
TOML
}
echo 'SELECT 1;' >"$work/select1.sql"
# shellcheck disable=SC2046
cc -O2 "$root/bench/sessions/floor.c" $(pkg-config --cflags --libs libpq) -o "$work/floor"

echo "| N | connspec wall | script wall | ratio (≤0.75) | connspec peak RSS | script peak RSS | ratio (≤0.5) | libpq-only floor RSS | floor / script | N × pgbench -C cost | connspec / that (≤1.1) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for n in 100 250; do
    suite "$n"
    : >"$work/c"; : >"$work/p"; : >"$work/f"; : >"$work/g"
    for _ in $(seq "$repeats"); do
        measure "$build/connspec" run "$work/suite-$n.toml" >>"$work/c"
        measure /usr/bin/python3 "$root/bench/sessions/pool.py" "$n" >>"$work/p"
        measure "$work/floor" "$n" >>"$work/f"
        # pgbench -C: a new connection per transaction, 2 clients (the machine's cores);
        # the per-connection cost is its wall time divided by the connections it made.
        start=$(date +%s.%N)
        /usr/lib/postgresql/15/bin/pgbench -n -C -c 2 -j 2 -t $((n / 2)) -f "$work/select1.sql" >/dev/null 2>&1
        end=$(date +%s.%N)
        echo "$start $end $n" | awk '{printf "%.6f\n", ($2 - $1) / $3}' >>"$work/g"
    done
    cw=$(cut -d' ' -f1 "$work/c" | median); cm=$(cut -d' ' -f2 "$work/c" | median)
    pw=$(cut -d' ' -f1 "$work/p" | median); pm=$(cut -d' ' -f2 "$work/p" | median)
    fm=$(cut -d' ' -f2 "$work/f" | median)
    per=$(median <"$work/g")
    awk -v n="$n" -v cw="$cw" -v cm="$cm" -v pw="$pw" -v pm="$pm" -v fm="$fm" -v per="$per" 'BEGIN {
        printf "| %d | %.3f s | %.3f s | %.2f× | %.1f MiB | %.1f MiB | %.2f× | %.1f MiB | %.2f× | %.3f s | %.2f× |\n",
            n, cw, pw, cw / pw, cm / 1024, pm / 1024, cm / pm, fm / 1024, fm / pm, n * per, cw / (n * per) }'
done
