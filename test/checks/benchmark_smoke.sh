#!/usr/bin/env bash
# CI smoke run of the benchmark (test/benchmark.sh --small) in the cluster
# that test/run_tests.sh made for this check: Chile scale, 10,000 units and
# 2,000 polygons, every path of test/bench/run.py.  It fails when any result
# of the extension differs from the plain-SQL reference (1e-9) or when the
# benchmark itself breaks; the timings are printed, never asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${PGHOST:?run this through test/run_tests.sh (it needs a cluster with rezago installed)}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
test/benchmark.sh --small --out "$out"
# the results table lists every index path with an equal oracle
for path in comuna_index comuna_dimension_scores territory_index territory_exit territory_entry territory_contiguity; do
    if ! grep -q "| $path | .* | equal |$" "$out"; then
        echo "benchmark_smoke: no checked result for $path in the results" >&2
        exit 1
    fi
done
# contiguity finds neighbours through a spatial index (a fact of the plans,
# not a timing)
if ! grep -q "^- met: contiguity finds neighbours through the spatial index" "$out"; then
    echo "benchmark_smoke: contiguity's plans use no spatial index:" >&2
    grep "spatial index" "$out" >&2 || true
    exit 1
fi
echo "benchmark_smoke: every path equals the plain-SQL reference; contiguity uses the spatial index"
