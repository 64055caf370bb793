#!/usr/bin/env bash
# Benchmark of observation sources (issue 19, doc/sources.md "costs"): the
# index over rezago.observation and over a copy table of the same rows, on the
# real SINIM data ($REZAGO_DATA, loaded as test/realdata/sql/01_load.sql does),
# methodology sinim4, 2023.  The copy is read by the one top-level statement
# (comuna_states_statement), and with a copy of sinim4 whose max_data_age is
# 1 (every variable has 2023 data, so the vintages, and the results, are the
# same), which read the source whole until vintages became a statement too.
# Then the rank normalisation and vintages (comuna_unit_states): the
# statement against the path it replaced, run by hand over the copy; and the
# thresholds.  Figures only, no timed assertion.  Runs in a throwaway cluster of $PG_CONFIG's PostgreSQL, where
# rezago must already be installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${REZAGO_DATA:?set REZAGO_DATA to the real data folder}"
echo "machine: $(nproc) cores, $(uname -m); $("${PG_CONFIG:-pg_config}" --version)"
test/with_cluster.sh bash -c 'cd test/realdata && psql -X -q -f sql/01_load.sql >/dev/null 2>&1 \
    && psql -X -q -f ../fixtures/sinim4_methodology.sql >/dev/null && psql -X -q -f ../bench/sources.sql'
