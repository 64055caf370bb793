#!/usr/bin/env bash
# Memory safety: the regression suite against a server run under valgrind
# memcheck (Debian package valgrind), so that every read of uninitialised
# memory, invalid read or write, and invalid free in rezago's C code is
# reported.  PostgreSQL itself is not built for valgrind and reports some
# harmless errors of its own (uninitialised padding sent to sockets or
# written to WAL), so only error reports whose stack passes through rezago's
# code count.  Fails on any such report, or when the suite fails.
# AddressSanitizer is not used: preloading libasan into PostgreSQL's binaries
# deadlocks in glibc's bindtextdomain on Debian 12 (even `postgres -V`).
# The short form (CI) runs the regression files that exercise the C code
# (index, bad-input matrix, status, contiguity, uncertainty); the long form
# runs them all, and the real-data suite:
#   REZAGO_VALGRIND_ALL=1       every regression file and the real-data suite
#                               (about half an hour)
# It starts a server of its own; run it alone with
#   PG_CONFIG=... test/with_cluster.sh test/checks/valgrind.sh
source "$(dirname "$0")/lib/common.sh"
need_command valgrind valgrind
bindir=$("$PG_CONFIG" --bindir)
dir=$(mktemp -d /tmp/rezago-valgrind.XXXXXX)
chmod 755 "$dir"
as_owner=()
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; as_owner=(runuser -u postgres --); fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 > /dev/null
"${as_owner[@]}" valgrind --quiet --trace-children=yes --error-limit=no --num-callers=30 \
    --log-file="$dir/valgrind.%p.log" \
    "$bindir/postgres" -D "$dir/data" -p "$port" -k "$dir" -c listen_addresses= -c fsync=off \
    -c max_connections=20 -c autovacuum=off > "$dir/server.log" 2>&1 &
server=$!
stop() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast stop > /dev/null 2>&1 || kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}
trap 'stop; rm -rf "$dir"' EXIT
export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
for _ in $(seq 1 120); do pg_isready -q && break; sleep 1; done
pg_isready -q || { cat "$dir/server.log"; fail "the server did not start under valgrind"; }

if [ "${REZAGO_VALGRIND_ALL:-0}" = 1 ]; then
    suites=("make -s installcheck PG_CONFIG=$PG_CONFIG")
    have_real_data && suites+=("make -s installcheck-realdata PG_CONFIG=$PG_CONFIG")
else
    short=$(cd "$top/sql" && ls index_*.sql badinput_matrix.sql status_*.sql territories_components.sql territories_contiguity.sql \
                              uncertainty_hand.sql uncertainty_policy.sql audit_*.sql 2>/dev/null | sed 's/\.sql$//' | sort | paste -sd' ')
    suites=("make -s installcheck PG_CONFIG=$PG_CONFIG REGRESS=$(printf '%q' "$short")")
fi
status=0
for suite in "${suites[@]}"; do
    say "under valgrind: $suite"
    (cd "$top" && eval "$suite") > "$dir/suite.log" 2>&1 || status=$?
    grep -E 'tests passed|tests failed' "$dir/suite.log" || true
done
stop

# error reports (blocks of a valgrind log) that pass through rezago's code
ours=$(cd "$top/src" && ls *.c | sed 's/\.c$//' | paste -sd'|')
reports=$(cat "$dir"/valgrind.*.log | awk -v ours="rezago\\.so|\\((${ours})\\.c:" '
    /^==[0-9]+== [A-Z]/ { if (block != "" && block ~ ours) print block "\n"; block = $0; next }
    /^==[0-9]+==    (at|by) / { block = block "\n" $0; next }
    { if (block != "" && block ~ ours) print block "\n"; block = "" }
    END { if (block != "" && block ~ ours) print block }')
total=$(cat "$dir"/valgrind.*.log | grep -c '^==[0-9]*== [A-Z][a-z]* .*\(uninitialised\|Invalid\|invalid\|overlap\|mismatched\)' || true)
if [ -n "$reports" ]; then
    echo "$reports" | head -80
    fail "valgrind reported errors in rezago's code"
fi
if [ $status != 0 ]; then
    cat "$top/regression.diffs" 2>/dev/null | head -60
    fail "the suite failed under valgrind"
fi
say "no valgrind error in rezago's code ($total report(s) from PostgreSQL and PostGIS themselves ignored)"
