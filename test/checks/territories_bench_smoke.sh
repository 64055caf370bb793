#!/usr/bin/env bash
# Smoke run of test/bench/contiguity.sh on a small tessellation (2000 cells in
# 200 territories; the BCN file too when $REZAGO_DATA has it), one run each,
# so that the benchmark keeps working; checks the answers it compares (rezago
# against plain PostGIS, and libpysal where installed), never its timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(BENCH_RUNS=1 test/bench/contiguity.sh 2000)
echo "$out"
fail() { echo "territories_bench_smoke: FAILED: $*"; exit 1; }
grep -q '^  answers: 196 of 200 territories contiguous; plain PostGIS: 0 territories differ, 0 graph pairs differ$' <<<"$out" \
    || fail "synthetic answers differ from plain PostGIS (4 of the 200 territories are broken by construction)"
if grep -q '^-- real data' <<<"$out"; then
    grep -q '^  answers: rezago 782 pairs, 4 islands; plain PostGIS: 0 pairs differ, 0 provincias differ$' <<<"$out" \
        || fail "BCN answers differ from plain PostGIS"
    if grep -q 'answers: libpysal' <<<"$out"; then
        grep -q "pairs same as rezago's; components of the [0-9]* provincias with two or more boundaries same$" <<<"$out" \
            || fail "BCN answers differ from libpysal"
    fi
fi
echo "territories_bench_smoke: ok"
