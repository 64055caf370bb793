-- Adjacency, contiguity and territory geometry on synthetic comunas whose
-- answers are known by construction: squares of 0.01 degree near 33°S,
-- a gap of 0.001 degree of longitude (about 93 m), an island, a comuna
-- without boundary, an invalid (bow-tie) boundary.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
\set SHOW_CONTEXT never
SET extra_float_digits = 0;
BEGIN;

--   y -32.98 +--------+--------+--------+
--            | 99104  | 99105  | 99106  |
--   y -32.99 +--------+--------+--------+  . . 99107 (gap 0.001°)
--            | 99101  | 99102  | 99103  |  |99107 |
--   y -33.00 +--------+--------+--------+
--          x -70.00   -69.99   -69.98   -69.97
-- 99108: bow-tie west of 99104 (invalid as stored); 99201 an island
-- far away; 99202 without boundary; 99301 alone in its provincia
INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region, geom)
SELECT 99101 + r * 3 + c, 'Cuadro ' || (99101 + r * 3 + c), 991, 'Prueba', 99, 'Región de Prueba',
       ST_Multi(ST_MakeEnvelope(-70.00 + c * 0.01, -33.00 + r * 0.01, -69.99 + c * 0.01, -32.99 + r * 0.01, 4326))
FROM generate_series(0, 2) c, generate_series(0, 1) r;
INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region, geom) VALUES
    (99107, 'Brecha', 991, 'Prueba', 99, 'Región de Prueba',
     ST_Multi(ST_MakeEnvelope(-69.969, -33.00, -69.959, -32.99, 4326))),
    (99108, 'Corbata', 991, 'Prueba', 99, 'Región de Prueba',
     ST_GeomFromText('MULTIPOLYGON(((-70.01 -32.99, -70.00 -32.98, -70.00 -32.99, -70.01 -32.98, -70.01 -32.99)))', 4326)),
    (99201, 'Isla', 992, 'Islas', 99, 'Región de Prueba',
     ST_Multi(ST_MakeEnvelope(-70.50, -33.50, -70.49, -33.49, 4326))),
    (99202, 'Sin límite', 992, 'Islas', 99, 'Región de Prueba', NULL),
    (99301, 'Sola', 993, 'Soledad', 99, 'Región de Prueba',
     ST_Multi(ST_MakeEnvelope(-71.00, -34.00, -70.99, -33.99, 4326)));
SELECT cut, (ST_IsValidDetail(geom)).valid FROM rezago.comuna WHERE cut = 99108;
-- validity is remembered per boundary (rezago.comuna_boundary_check, by
-- trigger): the bow tie invalid, the 9 other boundaries valid
SELECT count(*) AS checked, count(*) FILTER (WHERE valid) AS valid,
       string_agg(cut::text, ',') FILTER (WHERE NOT valid) AS invalid
FROM rezago.comuna_boundary_check WHERE cut BETWEEN 99101 AND 99301;
-- a boundary changed with triggers off keeps a row whose digest no longer
-- matches: comuna_adjacency ignores it and checks the boundary again.
-- 99107 becomes a bow tie (invalid) centred on the corner where 99102,
-- 99103, 99105 and 99106 meet (x -69.98, y -32.99): made valid, its left
-- triangle overlaps 99102 and 99105, its right one 99103 and 99106
SAVEPOINT stale;
SET LOCAL session_replication_role = replica;
UPDATE rezago.comuna SET geom = ST_GeomFromText('MULTIPOLYGON(((-69.985 -32.995, -69.975 -32.985, -69.975 -32.995, -69.985 -32.985, -69.985 -32.995)))', 4326)
WHERE cut = 99107;
SET LOCAL session_replication_role = origin;
SELECT k.valid AS remembered_valid, k.digest = sha256(c.geom::bytea) AS digest_matches
FROM rezago.comuna c JOIN rezago.comuna_boundary_check k ON k.cut = c.cut WHERE c.cut = 99107;
SELECT a.cut_a, a.cut_b FROM rezago.comuna_adjacency(0, false, ARRAY[99102, 99103, 99105, 99106, 99107]) a
WHERE 99107 IN (a.cut_a, a.cut_b) ORDER BY 1, 2;
-- the same by definition: ST_Intersects with the boundary made valid
SELECT c.cut FROM rezago.comuna c, rezago.comuna b
WHERE b.cut = 99107 AND c.cut IN (99102, 99103, 99105, 99106)
  AND ST_Intersects(c.geom, ST_MakeValid(b.geom)) ORDER BY 1;
-- a change with triggers on brings the row up to date
UPDATE rezago.comuna SET name = name WHERE cut = 99107;
SELECT k.valid AS remembered_valid, k.digest = sha256(c.geom::bytea) AS digest_matches
FROM rezago.comuna c JOIN rezago.comuna_boundary_check k ON k.cut = c.cut WHERE c.cut = 99107;
ROLLBACK TO stale;

-- tolerance 0: the 7 shared sides and 4 shared corners of the grid, and the
-- bow-tie (made valid: two triangles) on the side of 99104 and the corner
-- of 99101.  99107 (93 m away), the island and 99202 have no neighbour.
SELECT cut_a, cut_b, by_geometry, distance_m, round(shared_boundary_m::numeric) AS shared_m, by_link
FROM rezago.comuna_adjacency(0);
-- oracle for the lengths: a shared side is the intersection of the two
-- squares, measured on the ellipsoid (geography); corners give 0
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE abs(a.shared_boundary_m - coalesce(ST_Length(ST_Intersection(ca.geom, cb.geom)::geography), 0))
                              > 0.002 * greatest(1, a.shared_boundary_m)) AS length_off_by_more_than_0_2_percent
FROM rezago.comuna_adjacency(0) a
JOIN rezago.comuna ca ON ca.cut = a.cut_a JOIN rezago.comuna cb ON cb.cut = a.cut_b
WHERE a.cut_a <> 99108 AND a.cut_b <> 99108;

-- tolerance 50 m: nothing new; 100 m: 99107 joins 99103 (side) and 99106
-- (corner), at the gap measured on the ellipsoid (geography), within 0.2 %
SELECT count(*) AS pairs_at_50_m FROM rezago.comuna_adjacency(50);
SELECT a.cut_a, a.cut_b, round(a.distance_m::numeric, 1) AS distance_m,
       round(ST_Distance(ca.geom::geography, cb.geom::geography)::numeric, 1) AS geography_distance_m,
       abs(a.distance_m / ST_Distance(ca.geom::geography, cb.geom::geography) - 1) < 0.002 AS within_0_2_percent,
       round(a.shared_boundary_m::numeric) AS shared_m
FROM rezago.comuna_adjacency(100) a
JOIN rezago.comuna ca ON ca.cut = a.cut_a JOIN rezago.comuna cb ON cb.cut = a.cut_b
WHERE a.distance_m > 0
ORDER BY a.cut_a, a.cut_b;
-- with_length => false leaves the lengths out; cuts restricts the graph
SELECT count(*) AS pairs, count(shared_boundary_m) AS with_length
FROM rezago.comuna_adjacency(0, false);
SELECT cut_a, cut_b FROM rezago.comuna_adjacency(100, cuts => ARRAY[99103, 99106, 99107]);
-- groups (parallel to cuts) keep only the pairs inside a group, links
-- included: x = {99101, 99102}, y = {99102, 99103, 99105}.  The grid gives
-- 99101-99102 (side) in x; 99102-99103, 99102-99105 (sides) and 99103-99105
-- (corner) in y; 99101-99105 touch at a corner but share no group.
SELECT cut_a, cut_b FROM rezago.comuna_adjacency(0, false, ARRAY[99101, 99102, 99103, 99102, 99105],
                                                 ARRAY['x', 'x', 'y', 'y', 'y']);
SAVEPOINT groups_links;
INSERT INTO rezago.adjacency_link (cut_a, cut_b, note) VALUES (99105, 99201, 'same group'), (99101, 99201, 'across');
-- p = {99105, 99201}, q = {99101}: only the link inside p
SELECT cut_a, cut_b, by_geometry, by_link, note
FROM rezago.comuna_adjacency(0, false, ARRAY[99105, 99201, 99101], ARRAY['p', 'p', 'q']);
ROLLBACK TO groups_links;
-- multipart comunas are compared piece by piece (0.01 degree squares, 36°S):
--   99401 islands A1 [-72.00,-71.99], A2 [-71.97,-71.96], A3 [-71.94,-71.93] (y -36.00..-35.99)
--   99402 islands B1 [-71.96,-71.95] (same y: shares A2's east side) and
--         B2 [-71.99,-71.98] x [-35.98,-35.97] (0.01 degree north of A1: apart)
--   99403 islands C1 [-71.985,-71.975] x [-35.995,-35.985] (between A1 and A2,
--         0.005 degree from A1, A2 and B2) and C2 [-71.925,-71.915] (0.005 east of A3):
--         inside the boxes of 99401 and 99402 but touching neither
--   99404 one square [-71.915,-71.905] x [-35.99,-35.98]: touches C2 at a corner
-- At 0: 99401-99402 (a side of 0.01 degree of latitude, about 1,109 m) and
-- 99403-99404 (a corner, length 0).  At 600 m the gaps of 0.005 degree join
-- 99403 to 99401 (about 450 m of longitude) and to 99402 (about 555 m of
-- latitude); 99404 stays 0.015 degree (about 1.35 km) from 99401.
SAVEPOINT multipart;
INSERT INTO rezago.comuna (cut, name, geom) VALUES
    (99401, 'Archipiélago A', ST_Collect(ARRAY[ST_MakeEnvelope(-72.00, -36.00, -71.99, -35.99, 4326),
                                              ST_MakeEnvelope(-71.97, -36.00, -71.96, -35.99, 4326),
                                              ST_MakeEnvelope(-71.94, -36.00, -71.93, -35.99, 4326)])),
    (99402, 'Archipiélago B', ST_Collect(ARRAY[ST_MakeEnvelope(-71.96, -36.00, -71.95, -35.99, 4326),
                                              ST_MakeEnvelope(-71.99, -35.98, -71.98, -35.97, 4326)])),
    (99403, 'Archipiélago C', ST_Collect(ARRAY[ST_MakeEnvelope(-71.985, -35.995, -71.975, -35.985, 4326),
                                              ST_MakeEnvelope(-71.925, -36.00, -71.915, -35.99, 4326)])),
    (99404, 'Cuadro suelto', ST_Multi(ST_MakeEnvelope(-71.915, -35.99, -71.905, -35.98, 4326)));
-- oracle: the length of the shared side and the gaps on the ellipsoid
-- (geography); UTM measures agree within 0.2 %
SELECT a.cut_a, a.cut_b, a.distance_m = 0 AS touching,
       abs(a.shared_boundary_m - ST_Length(ST_Intersection(ca.geom, cb.geom)::geography))
           <= 0.002 * ST_Length(ST_Intersection(ca.geom, cb.geom)::geography) AS length_ok,
       round(a.shared_boundary_m) AS shared_m
FROM rezago.comuna_adjacency(0, true, ARRAY[99401, 99402, 99403, 99404]) a
JOIN rezago.comuna ca ON ca.cut = a.cut_a JOIN rezago.comuna cb ON cb.cut = a.cut_b
ORDER BY 1, 2;
SELECT a.cut_a, a.cut_b,
       abs(a.distance_m - ST_Distance(ca.geom::geography, cb.geom::geography))
           <= 0.002 * ST_Distance(ca.geom::geography, cb.geom::geography) AS gap_ok,
       round(a.distance_m::numeric, -1) AS gap_m
FROM rezago.comuna_adjacency(600, false, ARRAY[99401, 99402, 99403, 99404]) a
JOIN rezago.comuna ca ON ca.cut = a.cut_a JOIN rezago.comuna cb ON cb.cut = a.cut_b
ORDER BY 1, 2;
-- the same answers as whole-geometry ST_Intersects (the definition)
SELECT ca.cut AS cut_a, cb.cut AS cut_b FROM rezago.comuna ca JOIN rezago.comuna cb ON ca.cut < cb.cut
WHERE ca.cut BETWEEN 99401 AND 99404 AND cb.cut BETWEEN 99401 AND 99404 AND ST_Intersects(ca.geom, cb.geom)
ORDER BY 1, 2;

-- rezago.boundary_pairs_intersect: which pairs of boundaries (EWKB)
-- intersect, in C over GEOS.  Unit squares, by hand:
--   1 [0,1]x[0,1]; 2 [1,2]x[0,1] shares the side x = 1 with 1;
--   3 [3,4]x[0,1] apart from 1 (boxes apart);
--   4 the strip [0,3]x[2,3];
--   5 multipart: [1.5,1.6]x[1.5,1.6] (below 4, 0.4 away) and [5,6]x[5,6]:
--     its box meets 4's but no part touches 4;
--   6 multipart: [3,4]x[3,4] (touches 4 at the corner (3,3)) and [8,9]x[8,9];
--   7 a collection of one point (0.5 0.5), inside 1;  8 empty;  9 NULL.
-- Pairs: 1-2 t, 1-3 f, 4-5 f, 4-6 t, 1-7 t, 1-8 f, 5-6 f (boxes meet, parts
-- apart: [1.5,1.6] and [3,4]), 1-9 NULL (no boundary), 1-10 NULL (10 is
-- not in ids), NULL-1 NULL.
WITH b(id, g) AS (VALUES
    (1, 'POLYGON((0 0,1 0,1 1,0 1,0 0))'), (2, 'POLYGON((1 0,2 0,2 1,1 1,1 0))'),
    (3, 'POLYGON((3 0,4 0,4 1,3 1,3 0))'), (4, 'POLYGON((0 2,3 2,3 3,0 3,0 2))'),
    (5, 'MULTIPOLYGON(((1.5 1.5,1.6 1.5,1.6 1.6,1.5 1.6,1.5 1.5)),((5 5,6 5,6 6,5 6,5 5)))'),
    (6, 'MULTIPOLYGON(((3 3,4 3,4 4,3 4,3 3)),((8 8,9 8,9 9,8 9,8 8)))'),
    (7, 'GEOMETRYCOLLECTION(POINT(0.5 0.5))'), (8, 'POLYGON EMPTY'), (9, NULL))
SELECT rezago.boundary_pairs_intersect(
           (SELECT array_agg(b.id ORDER BY b.id) FROM b),
           (SELECT array_agg(ST_GeomFromText(b.g, 4326)::bytea ORDER BY b.id) FROM b),
           ARRAY[1, 1, 4, 4, 1, 1, 5, 1, 1, NULL], ARRAY[2, 3, 5, 6, 7, 8, 6, 9, 10, 1]) AS hits;
-- the same as ST_Intersects (the definition) for every pair of the grid
-- above (boundaries made valid, the bow tie included) and of the multipart
-- comunas of the savepoint above, still loaded
WITH v AS (
    SELECT c.cut, rezago.valid_geometry(c.geom) AS geom FROM rezago.comuna c
    WHERE c.cut BETWEEN 99101 AND 99404 AND c.geom IS NOT NULL
), p AS (
    SELECT a.cut AS a, b.cut AS b, ST_Intersects(a.geom, b.geom) AS oracle
    FROM v a JOIN v b ON a.cut < b.cut
), r AS (
    SELECT u.a, u.b, u.hit
    FROM (SELECT array_agg(p.a ORDER BY p.a, p.b) AS a, array_agg(p.b ORDER BY p.a, p.b) AS b FROM p) x,
         ROWS FROM (unnest(x.a), unnest(x.b),
                    unnest(rezago.boundary_pairs_intersect((SELECT array_agg(v.cut) FROM v),
                                                           (SELECT array_agg(v.geom::bytea) FROM v), x.a, x.b))) AS u(a, b, hit)
)
-- 14 boundaries, 91 pairs; 15 intersect (the 13 of the grid and the bow
-- tie listed above at tolerance 0, 99401-99402 and 99403-99404)
SELECT count(*) AS pairs, count(*) FILTER (WHERE r.hit) AS intersecting,
       count(*) FILTER (WHERE r.hit IS DISTINCT FROM p.oracle) AS differ
FROM p JOIN r ON r.a = p.a AND r.b = p.b;
ROLLBACK TO multipart;
-- NULL arguments give NULL; no pairs give an empty array
SELECT rezago.boundary_pairs_intersect(NULL, NULL, ARRAY[1], ARRAY[2]) IS NULL AS null_gives_null,
       rezago.boundary_pairs_intersect(ARRAY[1], ARRAY['POINT(0 0)'::geometry::bytea], '{}', '{}') AS no_pairs;
-- errors: arrays of different lengths, an id given twice, bytes that are
-- not WKB
SAVEPOINT s;
SELECT rezago.boundary_pairs_intersect(ARRAY[1, 2], ARRAY['POINT(0 0)'::geometry::bytea], ARRAY[1], ARRAY[2]);
ROLLBACK TO s;
SELECT rezago.boundary_pairs_intersect(ARRAY[1], ARRAY['POINT(0 0)'::geometry::bytea], ARRAY[1], ARRAY[1, 2]);
ROLLBACK TO s;
SELECT rezago.boundary_pairs_intersect(ARRAY[1, 1], ARRAY['POINT(0 0)'::geometry::bytea, 'POINT(1 1)'::geometry::bytea], ARRAY[1], ARRAY[1]);
ROLLBACK TO s;
SELECT rezago.boundary_pairs_intersect(ARRAY[1, 2], ARRAY['\x0102'::bytea, 'POINT(1 1)'::geometry::bytea], ARRAY[1], ARRAY[2]);
ROLLBACK TO s;

-- tolerance policy
SAVEPOINT s;
SELECT * FROM rezago.comuna_adjacency(NULL);
ROLLBACK TO s;
SELECT * FROM rezago.comuna_adjacency(-1);
ROLLBACK TO s;
SELECT * FROM rezago.comuna_adjacency('NaN');
ROLLBACK TO s;
SELECT * FROM rezago.check_territory(ARRAY[99101, 99102], 'Infinity');
ROLLBACK TO s;
SELECT * FROM rezago.territory_contiguity(100001);
ROLLBACK TO s;

-- explicit links: unordered pairs, no self-links, no duplicates
INSERT INTO rezago.adjacency_link (cut_a, cut_b, note) VALUES (99201, 99101, 'ferry');
SAVEPOINT s;
INSERT INTO rezago.adjacency_link (cut_a, cut_b) VALUES (99101, 99201);
ROLLBACK TO s;
INSERT INTO rezago.adjacency_link (cut_a, cut_b) VALUES (99101, 99101);
ROLLBACK TO s;
SELECT * FROM rezago.comuna_adjacency(0) WHERE by_link;

-- territories: each kind of problem has its reason; contiguous is never NULL
INSERT INTO rezago.territory (code, name) VALUES
    ('grid', 'Grilla'), ('gap', 'Brecha'), ('island', 'Isla por transbordador'), ('nogeom', 'Sin límite'),
    ('single', 'Una sola'), ('empty', 'Vacío'), ('bowtie', 'Corbata'), ('split', 'Partido');
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'grid', g FROM generate_series(99101, 99106) g
UNION ALL VALUES ('gap', 99103), ('gap', 99107), ('island', 99101), ('island', 99201),
    ('nogeom', 99101), ('nogeom', 99202), ('single', 99301), ('bowtie', 99104), ('bowtie', 99108),
    ('split', 99101), ('split', 99103);
SELECT * FROM rezago.territory_contiguity();
-- 100 m joins the gap; a territory list restricts the output
SELECT territory, components, contiguous, detail, reason
FROM rezago.territory_contiguity(100, ARRAY['gap', 'split', 'no such territory']);
-- without the ferry link the island is cut off
DELETE FROM rezago.adjacency_link;
SELECT territory, components, contiguous, reason FROM rezago.territory_contiguity(0, ARRAY['island']);

-- proposals that are not stored: duplicates count once; NULL elements,
-- unknown CUTs, empty or NULL lists each give a reason
SELECT * FROM rezago.check_territory(ARRAY[99101, 99102, 99102, 99105]);
SELECT * FROM rezago.check_territory(ARRAY[99101, NULL, 12345678]);
SELECT * FROM rezago.check_territory(ARRAY[]::integer[]);
SELECT * FROM rezago.check_territory(NULL);
-- many proposals at once; a NULL group is skipped
SELECT territory, members, components, contiguous
FROM rezago.group_contiguity(ARRAY['a', 'a', 'b', 'b', NULL], ARRAY[99101, 99102, 99101, 99106, 99103]);

-- territory geometry: one union per territory, kept fresh by the triggers
SELECT territory, round((ST_Area(geom) * 1e4)::numeric, 4) AS area_cells, members, members_with_geometry,
       ST_IsValid(geom) AS valid, GeometryType(geom) AS type, error
FROM rezago.territory_geometry ORDER BY territory;
DELETE FROM rezago.territory_member WHERE territory = 'grid' AND cut = 99106;
UPDATE rezago.comuna SET geom = ST_Multi(ST_MakeEnvelope(-69.98, -33.00, -69.975, -32.99, 4326)) WHERE cut = 99103;
SELECT territory, round((ST_Area(geom) * 1e4)::numeric, 4) AS area_cells, members
FROM rezago.territory_geometry WHERE territory IN ('grid', 'gap', 'split') ORDER BY territory;
-- a change that does not touch a boundary does not recompute anything
UPDATE rezago.territory_geometry SET members = -1 WHERE territory = 'grid';
UPDATE rezago.comuna SET name = 'Cuadro tres' WHERE cut = 99103;
SELECT members FROM rezago.territory_geometry WHERE territory = 'grid';
SELECT rezago.refresh_territory_geometry(ARRAY['grid']) AS refreshed;
SELECT members FROM rezago.territory_geometry WHERE territory = 'grid';
-- renaming a territory follows; deleting it or its members drops the row
UPDATE rezago.territory SET code = 'grid2' WHERE code = 'grid';
DELETE FROM rezago.territory WHERE code = 'split';
DELETE FROM rezago.territory_member WHERE territory = 'single';
SELECT string_agg(territory, ', ' ORDER BY territory) AS with_geometry FROM rezago.territory_geometry;
-- moving a member to another territory (UPDATE) refreshes both
UPDATE rezago.territory_member SET territory = 'gap' WHERE territory = 'bowtie' AND cut = 99104;
SELECT territory, members FROM rezago.territory_geometry WHERE territory IN ('gap', 'bowtie') ORDER BY territory;
TRUNCATE rezago.territory_member;
SELECT count(*) AS after_truncate FROM rezago.territory_geometry;

-- one territory per provincia with two or more comunas; 993 has one
SELECT * FROM rezago.create_province_territories();
SELECT territory, contiguous, reason FROM rezago.create_province_territories(tolerance_m => 100);
-- run again after a comuna moved provincia: members follow, nothing is duplicated
UPDATE rezago.comuna SET provincia_code = 993, provincia = 'Soledad' WHERE cut = 99107;
SELECT territory, members, contiguous FROM rezago.create_province_territories();
SELECT territory, count(*) AS members FROM rezago.territory_member GROUP BY territory ORDER BY territory;
SELECT code, name FROM rezago.territory WHERE code LIKE 'prov%' ORDER BY code;
ROLLBACK;
