#!/usr/bin/env bash
# The benchmark of rezago (README, "Performance"):
#
#   test/benchmark.sh            full run (Chile, 100k and 1M units, 50,000
#                                polygons; about 20 minutes on 2 cores), writes
#                                test/bench/results.md
#   test/benchmark.sh --small    Chile, 10k units, 2,000 polygons (under a
#                                minute; what CI runs through
#                                test/checks/benchmark_smoke.sh)
#
# Other options: --sizes chile,100k,... (or none) --paths comuna_index,... --runs N
# --out FILE --note TEXT --concurrency SECONDS --large-paths comuna_index,... (paths at
# 1M) --no-studies (skip the parallel, work_mem and JIT studies); see
# test/bench/run.py --help.
# The full run ends with "Concurrent readers": the workload of
# test/checks/concurrency.sh (same driver) on the real data, its calls per
# second reported.
#
# For every size it generates synthetic data, checks that the extension's
# results equal the plain-SQL reference (test/oracle/oracle.sql) to 1e-9,
# and times side by side the extension, the reference and the floor (one
# sequential aggregate over the same rows).  It exits non-zero when any
# result differs; timings are reported, never asserted.
#
# Without PGHOST it installs what it needs (test/setup.sh: Debian packages,
# build, install into $PG_CONFIG) and runs in a throwaway cluster with the
# settings below.  With PGHOST set it uses that server as it is, with the
# extension already installed (test/run_tests.sh's checks do this).
set -euo pipefail
cd "$(dirname "$0")/.."

args=("$@")
small=false
out_given=false
for a in "$@"; do
    case $a in
        --small) small=true ;;
        --out|--out=*) out_given=true ;;
        -h|--help) exec python3 test/bench/run.py --help ;;
    esac
done
if [ $small = false ] && [ $out_given = false ]; then
    args+=(--out test/bench/results.md)
fi

if [ -n "${PGHOST:-}" ]; then
    exec python3 test/bench/run.py "${args[@]}"
fi

export PG_CONFIG=${PG_CONFIG:-pg_config}
test/setup.sh
# Settings of the throwaway cluster (printed in the results): enough shared
# buffers for the 1M-unit tables' indexes, no autovacuum running in the
# middle of a measurement, no checkpoint during the load.
REZAGO_SERVER_OPTS="-c shared_buffers=2GB -c work_mem=64MB -c max_parallel_workers_per_gather=2 \
-c autovacuum=off -c max_wal_size=20GB -c checkpoint_timeout=1h ${REZAGO_SERVER_OPTS:-}" \
    exec test/with_cluster.sh python3 test/bench/run.py "${args[@]}"
