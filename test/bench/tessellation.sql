-- Synthetic tessellation for the contiguity path of test/benchmark.sh
-- (psql variables: polygons, territory_size = 10, seed).  SYNTHETIC shapes.
--   A grid of square cells of 0.01 degrees (about 1 km) in southern Chile's
--   longitudes, each cell densified to 41 vertices and grown by 0.2-1.2%
--   so that neighbours overlap a little, as simplified boundary files do.
--   Territories are blocks of 5 x 2 cells (:territory_size = 10 members).
--   In 2% of the territories one corner cell is shrunk by 10%: it touches
--   no neighbour, so those territories have two components.
\set ON_ERROR_STOP on
\o /dev/null
SELECT setseed(:seed);
CREATE TEMP TABLE cells AS
WITH t AS (
    SELECT (:polygons / :territory_size) AS n,
           greatest(1, floor(sqrt((:polygons / :territory_size) / 2.0)))::int AS tx
), c AS (
    SELECT k, i, j,
           k / t.tx AS ty_, k % t.tx AS tx_
    FROM t, generate_series(0, t.n - 1) k, generate_series(0, 4) i, generate_series(0, 1) j
)
SELECT row_number() OVER (ORDER BY c.k, c.j, c.i)::int AS cut, c.k + 1 AS territory,
       c.tx_ * 5 + c.i AS gx, c.ty_ * 2 + c.j AS gy,
       (c.k % 50 = 7 AND c.i = 4 AND c.j = 1) AS detached
FROM c;

INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region, geom)
SELECT c.cut, 'cell ' || c.cut, c.territory, 'territory ' || c.territory,
       1 + c.territory * 16 / (SELECT max(territory) + 1 FROM cells), NULL,
       ST_Multi(ST_Segmentize(ST_MakeEnvelope(
           -73 + 0.01 * c.gx - g.d, -45 + 0.01 * c.gy - g.d,
           -73 + 0.01 * (c.gx + 1) + g.d, -45 + 0.01 * (c.gy + 1) + g.d, 4326), 0.001))
FROM cells c
CROSS JOIN LATERAL (SELECT CASE WHEN c.detached THEN -0.001
                                ELSE 0.01 * (0.002 + 0.01 * random()) END AS d) g;
-- the comunas with their triggers (rezago.comuna_boundary_check remembers
-- each boundary's validity, as after any load); the territories without
-- (no territory_geometry: contiguity does not read it)
SET session_replication_role = replica;
INSERT INTO rezago.territory (code, name)
SELECT 't' || territory, 'territory ' || territory FROM cells GROUP BY territory;
INSERT INTO rezago.territory_member (territory, cut) SELECT 't' || territory, cut FROM cells;
RESET session_replication_role;
VACUUM (ANALYZE) rezago.comuna, rezago.comuna_boundary_check, rezago.territory, rezago.territory_member;
