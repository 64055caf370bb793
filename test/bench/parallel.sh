#!/usr/bin/env bash
# Benchmark of comuna_index in parallel (issue 17, doc/performance.md
# "against the floor"): comuna_index with 0, 1 and 2 parallel workers, the
# floor with the same, and, when PG_CONFIG_BEFORE names a second PostgreSQL
# installation holding another build of rezago (for instance main's), the
# same calls there: side by side in one run, on the same generated data
# (test/bench/generate.sql, same seed; the script checks the data are equal)
# and on Chile's real data ($REZAGO_DATA, first call of a connection and
# within a session).  Prints figures, ratios and MD5s of every value's bits;
# no timed assertion.  Usage:
#   PG_CONFIG=... [PG_CONFIG_BEFORE=...] REZAGO_DATA=... test/bench/parallel.sh [UNITS [RUNS]]
# (default 100000 units, 5 runs; 1,000,000 units take some 13 minutes to
# generate per installation).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${REZAGO_DATA:?set REZAGO_DATA to the real data folder}"
units=${1:-100000}
runs=${2:-5}
echo "machine: $(nproc) cores, $(uname -m); load: $(cut -d' ' -f1-3 /proc/loadavg); $("${PG_CONFIG:-pg_config}" --version)"
inner="test/with_cluster.sh python3 test/bench/parallel.py $units $runs"
if [ -n "${PG_CONFIG_BEFORE:-}" ]; then
    # the outer cluster is "before": its connection is passed on by name
    PG_CONFIG=$PG_CONFIG_BEFORE test/with_cluster.sh bash -c \
        'export BEFORE_PGHOST=$PGHOST BEFORE_PGPORT=$PGPORT; PG_CONFIG='"${PG_CONFIG:-pg_config}"' '"$inner"
else
    $inner
fi
