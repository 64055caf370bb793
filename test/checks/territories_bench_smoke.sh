#!/usr/bin/env bash
# Smoke run of test/bench/contiguity.sh on a small tessellation (2000 cells in
# 200 territories), so that the benchmark keeps working; checks its
# cross-check line (territories found broken = unions in several parts),
# never its timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(test/bench/contiguity.sh 2000 200)
echo "$out"
line=$(grep '^cross-check:' <<<"$out") || { echo "territories_bench_smoke: FAILED: no cross-check line"; exit 1; }
read -r broken parts < <(sed -E 's/^cross-check: ([0-9]+) not contiguous, ([0-9]+) unions.*/\1 \2/' <<<"$line")
[ "$broken" = "$parts" ] || { echo "territories_bench_smoke: FAILED: $broken broken territories but $parts split unions"; exit 1; }
grep -q '^contiguous territories at tolerance 0: [0-9]* of 200$' <<<"$out" || { echo "territories_bench_smoke: FAILED: not 200 territories"; exit 1; }
echo "territories_bench_smoke: ok"
