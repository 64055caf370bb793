#!/usr/bin/env bash
# The whole test suite, each part in a throwaway PostgreSQL cluster:
#   1. regression tests: sql/*.sql against expected/*.out (make installcheck),
#      with the extension built with -DUSE_ASSERT_CHECKING;
#   2. real-data checks: test/realdata/sql/NN_*.sql on ../shared/data
#      (or $REZAGO_DATA), against plain-SQL oracles;
#   3. every executable test/checks/*.sh (upgrade, dump/restore, roles, fuzzing,
#      benchmark smoke run, ...), each in a cluster of its own.
# Exits non-zero when any test fails, printing the diffs.
# PG_CONFIG selects another PostgreSQL installation (default: the system's 15).
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
export PG_CONFIG=${PG_CONFIG:-pg_config}
export REZAGO_DATA=$(realpath -m "${REZAGO_DATA:-$top/../shared/data}")

REZAGO_MAKEFLAGS="ASSERTS=1" test/setup.sh || { echo "rezago: BUILD FAILED"; exit 1; }

passed=0; failed=0; failures=()
run_suite() {   # name, then the command to run in a fresh cluster
    local name=$1; shift
    echo "=== $name"
    if test/with_cluster.sh "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); failures+=("$name")
        for d in regression.diffs test/realdata/regression.diffs; do
            [ -f "$d" ] && { echo "--- $d"; cat "$d"; }
        done
    fi
}

rm -f regression.diffs test/realdata/regression.diffs
run_suite "regression tests" make -s installcheck PG_CONFIG="$PG_CONFIG"

if [ -f "$REZAGO_DATA/sinim_2019_2023.csv" ]; then
    run_suite "real-data checks ($REZAGO_DATA)" make -s installcheck-realdata PG_CONFIG="$PG_CONFIG"
else
    echo "############################################################"
    echo "# REAL-DATA CHECKS NOT RUN: $REZAGO_DATA is missing."
    echo "# They need ../shared/data beside the checkout (or REZAGO_DATA)."
    echo "############################################################"
    if [ "${CI:-}" = true ]; then failed=$((failed + 1)); failures+=("real-data checks (data missing)"); fi
fi

for check in test/checks/*.sh; do
    [ -x "$check" ] || continue
    run_suite "$check" "$check"
done

echo
[ $failed = 0 ] || echo "failed suites: ${failures[*]}"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
