#!/usr/bin/env bash
# Instructions (valgrind --tool=callgrind: stable on a shared machine, where
# the times of test/bench/audit.sh vary by a third from one run to the next)
# of the whole audit at Chile's scale in one transaction: the seven calls of
# test/bench/audit.sh on its synthetic data (346 units, 18 variables, 55
# territories; ufro2017 2023 and its z-score copy), in a single-user backend
# (jit = off, max_parallel_workers_per_gather = 0), for each installation
# given (PG_CONFIG, and BEFORE_PG_CONFIG side by side): a session of one
# audit minus a session of none (the first audit of a session), and a
# session of three minus one of one, halved (an audit within a session).
# Figures only, no assertion.  Issue 18, doc/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/bench/callgrind.sh
audit="BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT sum(length(x::text)) FROM rezago.variable_statistics(2023, 'ufro2017') x;
SELECT sum(length(x::text)) FROM rezago.variable_correlations(2023, 'ufro2017') x;
SELECT sum(length(x::text)) FROM rezago.variable_correlations(2023, 'ufro2017', method => 'spearman') x;
SELECT sum(length(x::text)) FROM rezago.dimension_reliability(2023, 'ufro2017') x;
SELECT sum(length(x::text)) FROM rezago.effective_weights('ufro2017', 2023) x;
SELECT sum(length(x::text)) FROM rezago.variable_influence(2023, 'ufro2017') x;
SELECT sum(length(x::text)) FROM rezago.compare_methodologies(2023, 'ufro2017', 'candidate') x;
COMMIT;"
for label in before after; do
    pgc=${PG_CONFIG:-pg_config}; [ $label = before ] && pgc=${BEFORE_PG_CONFIG:-}
    [ -n "$pgc" ] || continue
    read -r first within < <(callgrind_counts "$pgc" \
        'psql -X -q -v setup_only=1 -f test/bench/audit.sql >/dev/null 2>&1' "$audit")
    echo "$label: first audit of a session $(( first / 1000000 )) M instructions, an audit within a session $(( within / 1000000 )) M"
done
