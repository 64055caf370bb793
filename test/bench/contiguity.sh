#!/usr/bin/env bash
# Benchmark of territory contiguity (a benchmark, not a test: it prints
# figures and asserts nothing about time).
#
#   test/bench/contiguity.sh [POLYGONS] [TERRITORIES]
#
# 1. Real data: the 345 BCN comunas of $REZAGO_DATA (../shared/data): the
#    whole adjacency graph (with shared boundary lengths) at tolerance 0 and
#    150 m, and the contiguity of every provincia.
# 2. Synthetic: a Voronoi tessellation of POLYGONS (default 50000) jittered
#    grid points over southern-central Chile, grouped into TERRITORIES
#    (default 5000) blocks of neighbouring cells: load, adjacency graph,
#    contiguity of every territory.
# Runs in a throwaway cluster of $PG_CONFIG (test/with_cluster.sh) unless
# PGHOST is already set; the extension must be installed there.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${PGHOST:-}" ]; then
    exec test/with_cluster.sh "$0" "$@"
fi
polygons=${1:-50000}
territories=${2:-5000}
export REZAGO_DATA=$(realpath -m "${REZAGO_DATA:-../shared/data}")
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# timing helper: runs a query, returns its row count and milliseconds
bench_setup="
CREATE FUNCTION pg_temp.bench(label text, query text) RETURNS text
LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz := clock_timestamp(); n bigint;
BEGIN
    EXECUTE query;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN format('%-62s %9s ms  (%s rows)', label,
                  to_char(extract(epoch FROM clock_timestamp() - t0) * 1000, 'FM999990'), n);
END \$\$;"

echo "== rezago contiguity benchmark ($(nproc) cores, $(psql -XAtc 'SHOW server_version'))"
if [ -f "$REZAGO_DATA/comunas_bcn.geojson" ]; then
    createdb bench_real
    psql_q -d bench_real <<SQL
CREATE EXTENSION rezago CASCADE;
SET client_min_messages = warning;
\set bcn \`cat "$REZAGO_DATA/comunas_bcn.geojson"\`
SELECT rezago.import_comunas_geojson(:'bcn'::jsonb) \gset
\unset bcn
SELECT count(*) FROM rezago.create_province_territories() \gset
$bench_setup
SELECT format('-- real data: %s BCN comunas, %s provincias with two or more comunas',
              (SELECT count(*) FROM rezago.comuna), (SELECT count(*) FROM rezago.territory)) AS title \gset
\echo :title
\pset format unaligned
\pset tuples_only on
SELECT pg_temp.bench('adjacency graph, tolerance 0, without lengths', 'SELECT * FROM rezago.comuna_adjacency(0, false)');
SELECT pg_temp.bench('adjacency graph, tolerance 0, with shared lengths', 'SELECT * FROM rezago.comuna_adjacency(0, true)');
SELECT pg_temp.bench('adjacency graph, tolerance 150 m, with shared lengths', 'SELECT * FROM rezago.comuna_adjacency(150, true)');
SELECT pg_temp.bench('contiguity of every provincia, tolerance 0', 'SELECT * FROM rezago.territory_contiguity(0)');
SELECT pg_temp.bench('contiguity of every provincia, tolerance 150 m', 'SELECT * FROM rezago.territory_contiguity(150)');
SELECT pg_temp.bench('one proposal (check_territory, 4 comunas)', 'SELECT * FROM rezago.check_territory(ARRAY[4202, 4302, 4303, 4304])');
SQL
    dropdb bench_real
else
    echo "## real data skipped: $REZAGO_DATA/comunas_bcn.geojson is missing"
fi

# jittered grid: cols x rows points, territories are blocks of bx x by cells
read -r cols rows bx by < <(python3 - "$polygons" "$territories" <<'PY'
import math, sys
n, t = int(sys.argv[1]), int(sys.argv[2])
per = max(1, n // t)                       # cells per territory
bx = max(1, int(math.sqrt(per * 2) + 0.5)) # blocks of bx x by cells, bx ~ 2 by
while per % bx: bx -= 1
by = per // bx
rows = max(by, int(math.sqrt(n / 1.25) / by + 0.5) * by)
cols = max(bx, (n // rows) // bx * bx)
print(cols, rows, bx, by)
PY
)
createdb bench_synth
psql_q -d bench_synth <<SQL
CREATE EXTENSION rezago CASCADE;
SET client_min_messages = warning;
$bench_setup
\pset format unaligned
\pset tuples_only on
\echo '-- synthetic: Voronoi cells of a ${cols} x ${rows} jittered grid, blocks of ${bx} x ${by} cells'
SELECT setseed(0.42) \gset
CREATE TABLE pts AS
SELECT i * $rows + j + 1 AS id, i, j,
       ST_SetSRID(ST_MakePoint(-73.0 + (i + 0.15 + 0.7 * random()) * 3.0 / $cols,
                               -40.0 + (j + 0.15 + 0.7 * random()) * 5.0 / $rows), 4326) AS geom
FROM generate_series(0, $cols - 1) i, generate_series(0, $rows - 1) j;
CREATE TABLE cells AS
SELECT (ST_Dump(ST_VoronoiPolygons(ST_Collect(geom), 0, ST_MakeEnvelope(-73.0, -40.0, -70.0, -35.0, 4326)))).geom AS geom
FROM pts;
CREATE INDEX ON cells USING gist (geom);
CREATE TABLE staging AS
SELECT p.id AS cut, 'cell ' || p.id AS name, NULL::text AS provincia, NULL::text AS region,
       ST_SetSRID(ST_Intersection(c.geom, ST_MakeEnvelope(-73.0, -40.0, -70.0, -35.0, 4326)), 4326) AS geom
FROM pts p JOIN cells c ON ST_Intersects(c.geom, p.geom);
SELECT pg_temp.bench('load the cells as comunas (import_comunas)',
    \$q\$SELECT rezago.import_comunas('staging')\$q\$);
INSERT INTO rezago.territory (code, name)
SELECT DISTINCT 't' || (p.i / $bx) || '_' || (p.j / $by), 'block ' || (p.i / $bx) || ',' || (p.j / $by) FROM pts p;
SELECT pg_temp.bench('insert the members (triggers unite each territory once)', \$q\$
    INSERT INTO rezago.territory_member (territory, cut)
    SELECT 't' || (p.i / $bx) || '_' || (p.j / $by), p.id FROM pts p\$q\$);
SELECT format('%s comunas, %s territories, %s territory geometries',
              (SELECT count(*) FROM rezago.comuna), (SELECT count(*) FROM rezago.territory),
              (SELECT count(geom) FROM rezago.territory_geometry));
ANALYZE;
SELECT pg_temp.bench('adjacency graph, tolerance 0, without lengths', 'SELECT * FROM rezago.comuna_adjacency(0, false)');
SELECT pg_temp.bench('adjacency graph, tolerance 0, with shared lengths', 'SELECT * FROM rezago.comuna_adjacency(0, true)');
SELECT pg_temp.bench('contiguity of every territory, tolerance 0', 'SELECT * FROM rezago.territory_contiguity(0)');
SELECT pg_temp.bench('contiguity of every territory, tolerance 100 m', 'SELECT * FROM rezago.territory_contiguity(100)');
SELECT format('contiguous territories at tolerance 0: %s of %s', count(*) FILTER (WHERE contiguous), count(*))
FROM rezago.territory_contiguity(0);
-- cross-check, independent of the adjacency code: a territory is broken
-- exactly when the union of its cells falls apart (Voronoi cells meet along
-- edges; four cells meeting at one point has probability 0)
SELECT format('cross-check: %s not contiguous, %s unions in several parts',
              (SELECT count(*) FROM rezago.territory_contiguity(0) WHERE NOT contiguous),
              (SELECT count(*) FROM rezago.territory_geometry WHERE ST_NumGeometries(geom) > 1));
SQL
dropdb bench_synth
