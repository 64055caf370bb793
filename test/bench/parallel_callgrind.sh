#!/usr/bin/env bash
# Instructions (valgrind --tool=callgrind, stable on a shared machine) of
# comuna_index(2023, 'sinim4') on Chile's real data ($REZAGO_DATA), in a
# single-user backend (jit = off, max_parallel_workers_per_gather = 0), for
# each installation given (PG_CONFIG and PG_CONFIG_BEFORE, side by side):
# the first call of a session (a session with one call minus one with
# SELECT 1) and a call within a session (three calls minus one, halved).
# Figures only, no assertion.  Issue 17, doc/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${REZAGO_DATA:?set REZAGO_DATA to the real data folder}"
run_as=(); [ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
q="SELECT count(*), sum(index), sum(rank) FROM rezago.comuna_index(2023, 'sinim4');"
count() {  # bindir datadir n_calls -> instructions of the whole backend
    local out; out=$(mktemp /tmp/rezago-cg.XXXXXX); chmod 666 "$out"
    { if [ "$3" = 0 ]; then echo "SELECT 1;"; else for _ in $(seq "$3"); do echo "$q"; done; fi; } |
        "${run_as[@]}" valgrind --tool=callgrind --callgrind-out-file="$out" "$1/postgres" --single \
            -D "$2" -c jit=off -c max_parallel_workers_per_gather=0 postgres >/dev/null 2>&1
    grep -m1 '^summary:' "$out" | awk '{print $2}'; rm -f "$out"
}
for label in after before; do
    pgc=${PG_CONFIG:-pg_config}; [ $label = before ] && pgc=${PG_CONFIG_BEFORE:-}
    [ -n "$pgc" ] || continue
    bindir=$("$pgc" --bindir)
    dir=$(PG_CONFIG=$pgc test/with_cluster.sh bash -c '
        cd test/realdata && psql -X -q -c "SET client_min_messages = warning; CREATE EXTENSION rezago CASCADE" >/dev/null &&
        psql -X -q -f sql/01_load.sql >/dev/null 2>&1; psql -X -q -v ON_ERROR_STOP=1 -f ../fixtures/sinim4_methodology.sql >/dev/null &&
        psql -X -q -c CHECKPOINT && d=$(mktemp -d /tmp/rezago-cgdata.XXXXXX) && chmod 755 "$d" &&
        cp -a "$(psql -X -At -c "SHOW data_directory")" "$d/data" && echo "$d"' | tail -1)
    rm -f "$dir/data/postmaster.pid"; [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
    i0=$(count "$bindir" "$dir/data" 0); i1=$(count "$bindir" "$dir/data" 1); i3=$(count "$bindir" "$dir/data" 3)
    echo "$label: first call $(( (i1 - i0) / 1000000 )) M instructions, within a session $(( (i3 - i1) / 2000000 )) M"
    rm -rf "$dir"
done
