#!/usr/bin/env bash
# Benchmark of the uncertainty analysis (prints figures; not a timed test).
# Runs test/bench/uncertainty.sql in a throwaway cluster of $PG_CONFIG's
# PostgreSQL, where rezago must already be installed (test/setup.sh, or
# make install PG_CONFIG=...).  Reads the CUT list and SINIM from
# $REZAGO_DATA (default ../shared/data); without it every value is synthetic.
set -euo pipefail
cd "$(dirname "$0")/../.."
export REZAGO_DATA=$(realpath -m "${REZAGO_DATA:-$PWD/../shared/data}")
have_data=0
if [ -f "$REZAGO_DATA/cut_comunas_2018.csv" ] && [ -f "$REZAGO_DATA/sinim_2019_2023.csv" ]; then
    have_data=1
else
    echo "############################################################"
    echo "# test/bench/uncertainty.sh: $REZAGO_DATA is missing: SYNTHETIC comunas"
    echo "############################################################"
fi
echo "machine: $(nproc) cores, $(uname -m); $("${PG_CONFIG:-pg_config}" --version)"
test/with_cluster.sh psql -X -q -v have_data=$have_data -f test/bench/uncertainty.sql
