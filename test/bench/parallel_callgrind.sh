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
source test/bench/callgrind.sh
q="SELECT count(*), sum(index), sum(rank) FROM rezago.comuna_index(2023, 'sinim4');"
setup='cd test/realdata && psql -X -q -c "SET client_min_messages = warning; CREATE EXTENSION rezago CASCADE" >/dev/null &&
    psql -X -q -f sql/01_load.sql >/dev/null 2>&1; psql -X -q -v ON_ERROR_STOP=1 -f ../fixtures/sinim4_methodology.sql >/dev/null && cd ../..'
for label in after before; do
    pgc=${PG_CONFIG:-pg_config}; [ $label = before ] && pgc=${PG_CONFIG_BEFORE:-}
    [ -n "$pgc" ] || continue
    read -r first within < <(callgrind_counts "$pgc" "$setup" "$q")
    echo "$label: first call $(( first / 1000000 )) M instructions, within a session $(( within / 1000000 )) M"
done
