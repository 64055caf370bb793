#!/usr/bin/env bash
# Benchmark of the audit functions (issue 18): prints the time of the whole
# audit at Chile's scale (346 units, 18 variables, 55 territories; target
# under 100 ms) and of leave-one-out at 100,000 units, beside the index it
# recomputes.  Figures only, no timed assertion.  Runs test/bench/audit.sql in
# a throwaway cluster of $PG_CONFIG's PostgreSQL, where rezago must already be
# installed (test/setup.sh, or make install PG_CONFIG=...).  SYNTHETIC values.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "machine: $(nproc) cores, $(uname -m); $("${PG_CONFIG:-pg_config}" --version)"
test/with_cluster.sh psql -X -q -f test/bench/audit.sql
