#!/usr/bin/env bash
# The whole test suite, in a throwaway PostgreSQL cluster (pg_virtualenv):
#   1. regression tests (sql/*.sql against expected/*.out), also built with
#      assertions (-DUSE_ASSERT_CHECKING);
#   2. real-data checks (test/realdata) on ../shared/data, against plain-SQL
#      oracles.
# Exits non-zero when any test fails, printing regression.diffs.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

REZAGO_DATA=${REZAGO_DATA:-$top/../shared/data}
export REZAGO_DATA=$(realpath -m "$REZAGO_DATA")

REZAGO_MAKEFLAGS="ASSERTS=1" test/setup.sh
unset PGPORT PGHOST PGDATABASE PGUSER   # pg_virtualenv chooses its own

failed=0
run_suite() {   # name, then the make target
    local name=$1; shift
    echo "=== $name"
    if ! pg_virtualenv -t make -s "$@"; then
        failed=1
        for d in regression.diffs test/realdata/regression.diffs; do
            [ -f "$d" ] && { echo "--- $d"; cat "$d"; }
        done
    fi
}

rm -f regression.diffs test/realdata/regression.diffs
run_suite "regression tests" installcheck

if [ -d "$REZAGO_DATA" ] && [ -f "$REZAGO_DATA/sinim_2019_2023.csv" ]; then
    run_suite "real-data checks ($REZAGO_DATA)" installcheck-realdata
else
    echo "############################################################"
    echo "# REAL-DATA CHECKS NOT RUN: $REZAGO_DATA is missing."
    echo "# They need ../shared/data beside the checkout (or REZAGO_DATA)."
    echo "############################################################"
    [ "${CI:-}" = true ] && failed=1
fi

if [ $failed = 0 ]; then
    echo "rezago: all test suites passed"
else
    echo "rezago: SOME TESTS FAILED"
fi
exit $failed
