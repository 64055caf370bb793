#!/usr/bin/env bash
# Sets everything up (Debian packages, build, install) and runs the main job on
# the real files of ../shared/data in a throwaway cluster: the 2024 index from
# the 12 public index variables, with vintages and imputation (test/tools/demo.sql).
set -euo pipefail
cd "$(dirname "$0")/.."
export REZAGO_DATA=$(realpath -m "${REZAGO_DATA:-../shared/data}")
if [ ! -f "$REZAGO_DATA/indicadores_ufro_reales.csv" ]; then
    echo "demo: the sample data is missing: $REZAGO_DATA (set REZAGO_DATA)" >&2
    exit 1
fi
test/setup.sh
unset PGPORT PGHOST PGDATABASE PGUSER   # pg_virtualenv chooses its own
pg_virtualenv -t psql -X -f test/tools/demo.sql
