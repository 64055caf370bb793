#!/usr/bin/env bash
# Side by side in one run: this build ($PG_CONFIG) against a previous one
# (BEFORE_PG_CONFIG, rezago installed there from an older checkout), each in
# a throwaway cluster loaded with the real data ($REZAGO_DATA, as
# test/realdata/sql/01_load.sql), the calls interleaved call by call
# (test/bench/sources_compare.sql: best of BENCH_ROUNDS, default 15).
# Figures only, no timed assertion.  Needs dblink (contrib) in this build.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${REZAGO_DATA:?set REZAGO_DATA to the real data folder}"
: "${BEFORE_PG_CONFIG:?set BEFORE_PG_CONFIG to the pg_config of the previous build}"
export BENCH_ROUNDS=${BENCH_ROUNDS:-15}
echo "machine: $(nproc) cores, $(uname -m); load: $(cut -d' ' -f1-3 /proc/loadavg)"
load='cd test/realdata && psql -X -q -f sql/01_load.sql >/dev/null 2>&1 && psql -X -q -f ../fixtures/sinim4_methodology.sql >/dev/null && cd ../..'
PG_CONFIG=$BEFORE_PG_CONFIG test/with_cluster.sh bash -c "$load"' && export BEFORE_CONN="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE" \
  && PG_CONFIG='"${PG_CONFIG:-pg_config}"' test/with_cluster.sh bash -c '"'$load"' && PGOPTIONS="-c bench.rounds=$BENCH_ROUNDS" psql -X -q -v before_conn="$BEFORE_CONN" -v after_conn="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE" -f test/bench/sources_compare.sql'"'"
