#!/usr/bin/env bash
# Draws the rank intervals of rezago.rank_uncertainty for the provinces in
# 2023 (real SINIM data, methodology sinim4) into an SVG file:
#   PG_CONFIG=... REZAGO_DATA=... test/tools/plot_rank_uncertainty.sh [out.svg]
# (default doc/rank_uncertainty_2023.svg).  rezago must be installed in
# $PG_CONFIG's PostgreSQL; runs in a throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")/../.."
export REZAGO_DATA=$(realpath -m "${REZAGO_DATA:-$PWD/../shared/data}")
if [ ! -f "$REZAGO_DATA/sinim_2019_2023.csv" ]; then
    echo "plot_rank_uncertainty: the real data is missing: $REZAGO_DATA (set REZAGO_DATA)" >&2
    exit 1
fi
out=$(realpath -m "${1:-doc/rank_uncertainty_2023.svg}")
tmp=$(mktemp /tmp/rezago-plot.XXXXXX.svg)
chmod 666 "$tmp"
test/with_cluster.sh bash -c "psql -X -q -f test/tools/demo.sql >/dev/null && psql -X -q -v svg='$tmp' -f test/tools/plot_rank_uncertainty.sql"
mv "$tmp" "$out"
echo "wrote $out"
