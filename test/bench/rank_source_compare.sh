#!/usr/bin/env bash
# Side by side in one run: comuna_index under the rank normalisation over a
# copy of rezago.observation (the one statement of comuna_states_statement,
# with the scoring and rank tables written in as constants), in this build
# ($PG_CONFIG) and a previous one (BEFORE_PG_CONFIG, rezago installed there
# from an older checkout).  Each build gets a throwaway cluster with UNITS
# synthetic units (test/bench/generate.sql, one period); the calls alternate,
# before then after, ROUNDS times; the best times, their ratio and whether
# the MD5 of every (cut, index, rank) is the same are printed.  Figures
# only, no timed assertion.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${BEFORE_PG_CONFIG:?set BEFORE_PG_CONFIG to the pg_config of the previous build}"
export UNITS=${UNITS:-20000} ROUNDS=${ROUNDS:-3} AFTER_PG_CONFIG=${PG_CONFIG:-pg_config}
echo "machine: $(nproc) cores, $(uname -m); load: $(cut -d' ' -f1-3 /proc/loadavg); units: $UNITS"

load() {    # the synthetic units, a rank copy of ufro2017, a copy of the observations
    set -euo pipefail
    psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; CREATE EXTENSION rezago CASCADE;"
    psql -X -q -v ON_ERROR_STOP=1 -v units="$UNITS" -v periods=1 -v last_period=2023 -v territory_size=10 \
         -v null_share=0.05 -v seed=0.5 -f test/bench/generate.sql >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -c "SELECT rezago.copy_methodology('ufro2017', 'rank_copy')" \
         -c "UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'rank_copy'" \
         -c "CREATE TABLE observation_copy AS SELECT * FROM rezago.observation" -c "ANALYZE" >/dev/null
}
timed() {   # a connection string: prints "ms md5" of the call; fails without both
    local out
    out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c '\timing on' \
         -c "SELECT md5(string_agg(cut || ':' || index::text || ':' || rank, ',' ORDER BY cut))
             FROM rezago.comuna_index(2023, 'rank_copy', 'observation_copy')" |
        awk '/^Time:/ {t = $2} !/^Time:/ {m = $0} END {print t, m}')
    [[ $out =~ ^[0-9.]+\ [0-9a-f]{32}$ ]] || { echo "rank_source_compare: the call failed on $1" >&2; return 1; }
    echo "$out"
}
compare() {
    set -euo pipefail
    local after="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE" r b a out
    out=$(mktemp)
    for r in $(seq "$ROUNDS"); do
        b=$(timed "$BEFORE"); a=$(timed "$after")
        echo "round $r: before ${b% *} ms, after ${a% *} ms"
        echo "$b $a" >> "$out"
    done
    awk 'NR == 1 || $1 < bmin {bmin = $1} NR == 1 || $3 < amin {amin = $3} $2 != $4 {diff = 1}
         END {printf "best: before %.0f ms, after %.0f ms, after/before %.2f; results %s\n",
              bmin, amin, amin / bmin, diff ? "DIFFER" : "the same (MD5 " $2 ")"}' "$out"
    rm -f "$out"
}
export -f load timed compare
PG_CONFIG=$BEFORE_PG_CONFIG test/with_cluster.sh bash -c \
    'load && export BEFORE="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE" &&
     PG_CONFIG=$AFTER_PG_CONFIG test/with_cluster.sh bash -c "load && compare"'
