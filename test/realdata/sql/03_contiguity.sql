-- Contiguity on the real BCN boundaries (loaded by 01_load: 345 comunas with
-- a polygon, Antártica without; 02_index made the provinces territories
-- prov_<code>).  The file's borders are simplified: neighbours overlap or
-- leave slivers, and 29 polygons are invalid as stored.  Oracles below use
-- plain PostGIS on the raw file and recursive SQL, not the extension.
\set SHOW_CONTEXT never
SET extra_float_digits = 0;
BEGIN;

-- the raw file, as stored: 345 comunas and "Zona sin demarcar", 29 invalid
\set bcn `cat "$REZAGO_DATA/comunas_bcn.geojson"`
CREATE TEMP TABLE raw AS
SELECT (f->'properties'->>'cod_comuna')::integer AS cut, f->'properties'->>'Comuna' AS name,
       ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326) AS geom
FROM jsonb_array_elements((:'bcn'::jsonb)->'features') f;
\unset bcn
SELECT count(*) AS features, count(*) FILTER (WHERE NOT (ST_IsValidDetail(geom)).valid) AS invalid_as_stored
FROM raw;

--------------------------------------------------------------------------
-- Why ST_Touches is wrong here: neighbours overlap, so they do not "touch"
--------------------------------------------------------------------------
CREATE TEMP TABLE touches AS
SELECT a.cut AS a, b.cut AS b FROM rezago.comuna a JOIN rezago.comuna b
  ON a.cut < b.cut AND a.geom && b.geom AND ST_Touches(a.geom, b.geom);
-- oracle: label each comuna of a provincia by the smallest CUT it reaches
-- (recursive SQL) over an edge list given as a table
CREATE TEMP TABLE oracle_edges (a integer, b integer);
CREATE FUNCTION pg_temp.oracle_broken_provinces() RETURNS TABLE (provincia_code integer, components bigint)
LANGUAGE sql AS $$
    WITH RECURSIVE sym AS (
        SELECT e.a, e.b FROM oracle_edges e UNION SELECT e.b, e.a FROM oracle_edges e
    ), reach (cut, label, p) AS (
        SELECT c.cut, c.cut, c.provincia_code FROM rezago.comuna c
        UNION
        SELECT s.b, r.label, r.p FROM reach r JOIN sym s ON s.a = r.cut
        JOIN rezago.comuna c ON c.cut = s.b AND c.provincia_code = r.p
    ), lab AS (SELECT cut, p, min(label) AS label FROM reach GROUP BY cut, p)
    SELECT p, count(DISTINCT label) FROM lab GROUP BY p HAVING count(DISTINCT label) > 1 ORDER BY p
$$;
INSERT INTO oracle_edges SELECT a, b FROM touches;
SELECT (SELECT count(*) FROM touches) AS touching_pairs,
       (SELECT count(*) FROM pg_temp.oracle_broken_provinces()) AS provinces_broken_by_st_touches,
       (SELECT count(*) FROM rezago.territory) AS province_territories;

--------------------------------------------------------------------------
-- The adjacency graph at tolerance 0 (doc/method.md default) and at 150 m
--------------------------------------------------------------------------
CREATE TEMP TABLE adj0 AS SELECT * FROM rezago.comuna_adjacency(0);
CREATE TEMP TABLE adj150 AS SELECT * FROM rezago.comuna_adjacency(150);
CREATE TEMP TABLE adj200 AS SELECT * FROM rezago.comuna_adjacency(200, false);
SELECT 0 AS tolerance_m, count(*) AS pairs, count(*) FILTER (WHERE distance_m > 0) AS across_a_gap,
       max(distance_m)::integer AS widest_gap_m FROM adj0
UNION ALL
SELECT 150, count(*), count(*) FILTER (WHERE distance_m > 0), max(distance_m)::integer FROM adj150
UNION ALL
SELECT 200, count(*), count(*) FILTER (WHERE distance_m > 0), max(distance_m)::integer FROM adj200;
-- oracle at tolerance 0: every pair of raw polygons, made valid by plain
-- PostGIS, that intersect; the same pairs, and no other
CREATE TEMP TABLE raw_valid AS SELECT cut, ST_MakeValid(geom) AS geom FROM raw WHERE cut <> 0;
CREATE TEMP TABLE oracle0 AS
SELECT a.cut AS a, b.cut AS b FROM raw_valid a JOIN raw_valid b
  ON a.cut < b.cut AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom);
SELECT (SELECT count(*) FROM oracle0) AS oracle_pairs,
       (SELECT count(*) FROM oracle0 o FULL JOIN adj0 e ON e.cut_a = o.a AND e.cut_b = o.b
        WHERE o.a IS NULL OR e.cut_a IS NULL) AS pairs_that_differ;
-- islands: no land neighbour at 0 nor at 150 m
SELECT c.cut, c.name,
       NOT EXISTS (SELECT 1 FROM adj0 e WHERE c.cut IN (e.cut_a, e.cut_b)) AS alone_at_0,
       NOT EXISTS (SELECT 1 FROM adj150 e WHERE c.cut IN (e.cut_a, e.cut_b)) AS alone_at_150
FROM rezago.comuna c
WHERE c.geom IS NOT NULL AND NOT EXISTS (SELECT 1 FROM adj150 e WHERE c.cut IN (e.cut_a, e.cut_b))
ORDER BY c.cut;
-- shared boundary lengths of the Región Metropolitana against an oracle on
-- the ellipsoid (geography) on whole polygons, within 1 % (or 1 m)
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE abs(e.shared_boundary_m - o.len) > greatest(1, 0.01 * o.len)) AS off_by_more_than_1_percent,
       round(sum(e.shared_boundary_m)::numeric / 1000) AS total_km
FROM adj0 e
JOIN rezago.comuna ca ON ca.cut = e.cut_a JOIN rezago.comuna cb ON cb.cut = e.cut_b
CROSS JOIN LATERAL (
    SELECT (ST_Length(ST_Intersection(ST_Boundary(ca.geom), cb.geom)::geography)
          + ST_Length(ST_Intersection(ST_Boundary(cb.geom), ca.geom)::geography)) / 2 AS len
) o
WHERE ca.region_code = 13 AND cb.region_code = 13;
-- the validity remembered at import (rezago.comuna_boundary_check) covers
-- every boundary, all valid once imported; without it (rows dropped) the
-- graph is the same, lengths included to 1e-6 m: it only saves checking
-- each boundary again
SELECT count(*) AS boundaries_checked, count(*) FILTER (WHERE valid) AS valid_after_import
FROM rezago.comuna_boundary_check;
SAVEPOINT without_memory;
DELETE FROM rezago.comuna_boundary_check;
CREATE TEMP TABLE adj0_unremembered AS SELECT * FROM rezago.comuna_adjacency(0);
SELECT count(*) AS rows_that_differ FROM (
    (SELECT cut_a, cut_b, by_geometry, distance_m, round(shared_boundary_m::numeric, 6) FROM adj0_unremembered
     EXCEPT ALL SELECT cut_a, cut_b, by_geometry, distance_m, round(shared_boundary_m::numeric, 6) FROM adj0)
    UNION ALL
    (SELECT cut_a, cut_b, by_geometry, distance_m, round(shared_boundary_m::numeric, 6) FROM adj0
     EXCEPT ALL SELECT cut_a, cut_b, by_geometry, distance_m, round(shared_boundary_m::numeric, 6) FROM adj0_unremembered)) x;
ROLLBACK TO without_memory;

--------------------------------------------------------------------------
-- Every provincia of continental Chile with two or more comunas is
-- contiguous, except where the sea separates comunas
--------------------------------------------------------------------------
SELECT territory, provincia, members, reason
FROM rezago.create_province_territories() WHERE NOT contiguous ORDER BY provincia_code;
-- oracle: the same provinces are broken under the oracle's edges, with the
-- same numbers of components
TRUNCATE oracle_edges;
INSERT INTO oracle_edges SELECT a, b FROM oracle0;
SELECT o.provincia_code, o.components AS oracle_components, t.components
FROM pg_temp.oracle_broken_provinces() o
FULL JOIN (SELECT (substr(territory, 6))::integer AS provincia_code, components
           FROM rezago.territory_contiguity(0) WHERE components > 1) t USING (provincia_code)
ORDER BY 1;
-- 150 m (gaps of the simplified file) bridges no channel; 200 m joins
-- Quinchao and Curaco de Vélez to Dalcahue across a 179 m channel
SELECT t.tolerance_m, r.territory, r.components, r.detail->'components' AS components_cuts
FROM (VALUES (150), (200)) t(tolerance_m)
CROSS JOIN LATERAL rezago.territory_contiguity(t.tolerance_m, ARRAY['prov_51', 'prov_102', 'prov_112']) r
ORDER BY 1, 2;
-- ferries and the supply ship: explicit links make them contiguous
INSERT INTO rezago.adjacency_link (cut_a, cut_b, note) VALUES
    (rezago.comuna_cut('Juan Fernández'), rezago.comuna_cut('Valparaíso'), 'sea route Valparaíso - Robinson Crusoe'),
    (rezago.comuna_cut('Curaco de Vélez'), rezago.comuna_cut('Dalcahue'), 'ferry Dalcahue - isla Quinchao'),
    (rezago.comuna_cut('Puqueldón'), rezago.comuna_cut('Chonchi'), 'ferry Chonchi (Dalcahue) - isla Lemuy'),
    (rezago.comuna_cut('Guaitecas'), rezago.comuna_cut('Cisnes'), 'ferry Melinka - Puerto Cisnes');
SELECT territory, provincia, contiguous, reason
FROM rezago.create_province_territories() WHERE NOT contiguous OR provincia_code IN (51, 102, 112)
ORDER BY provincia_code;
-- linked islands have a neighbour by link only
SELECT cut_a, cut_b, by_geometry, by_link, note FROM rezago.comuna_adjacency(0) WHERE by_link ORDER BY 1, 2;

--------------------------------------------------------------------------
-- The pilot territories of doc/method.md section 7 are contiguous
--------------------------------------------------------------------------
SELECT territory, name, members, contiguous, reason FROM rezago.create_pilot_territories();
SELECT tm.territory, string_agg(c.name, ', ' ORDER BY c.name) AS comunas
FROM rezago.territory_member tm JOIN rezago.comuna c ON c.cut = tm.cut
WHERE tm.territory IN ('limari_choapa', 'maule_sur', 'arauco', 'ranco', 'valle_del_itata', 'costa_araucania')
GROUP BY tm.territory ORDER BY tm.territory;

--------------------------------------------------------------------------
-- Broken proposals: components and reasons
--------------------------------------------------------------------------
-- two comunas that do not touch: two components
SELECT members, components, contiguous, detail, reason
FROM rezago.check_territory(rezago.comuna_cuts(ARRAY['Arica', 'Punta Arenas']));
-- neighbours across a 7 m sliver: split at tolerance 0, joined at 150 m
SELECT t.tolerance_m, r.components, r.contiguous, r.reason
FROM (VALUES (0), (150)) t(tolerance_m)
CROSS JOIN LATERAL rezago.check_territory(rezago.comuna_cuts(ARRAY['Santiago', 'Independencia']), t.tolerance_m) r;
-- a comuna far from the rest is named
SELECT components, reason
FROM rezago.check_territory(rezago.comuna_cuts(ARRAY['Combarbalá', 'Monte Patria', 'Punitaqui', 'Canela', 'Putre']));

--------------------------------------------------------------------------
-- Names: the spellings of the two sources resolve to the same CUT
--------------------------------------------------------------------------
SELECT n, rezago.comuna_cut(n) AS cut
FROM unnest(ARRAY['Ránquil', 'RANQUIL', 'Ranquil', 'Treguaco', 'Trehuaco', 'Marchigüe', 'Marchihue',
                  'Paihuano', 'Paiguano', 'Imperial', 'ñuñoa', 'AYSEN']) n;
-- the keys of the 346 official names, and of the BCN file's, are unique
SELECT count(*) AS comunas, count(DISTINCT rezago.name_key(name)) AS distinct_keys FROM rezago.comuna;
SELECT count(*) AS bcn_features, count(DISTINCT rezago.name_key(name)) AS distinct_keys FROM raw;
-- every BCN name finds its own CUT
SELECT count(*) FILTER (WHERE f.cut IS DISTINCT FROM raw.cut) AS bcn_names_not_resolved
FROM raw LEFT JOIN LATERAL (SELECT min(x.cut) AS cut, count(*) AS n FROM rezago.find_comuna(raw.name) x) f ON true
WHERE raw.cut <> 0;
-- an exact name wins over longer names holding it; without one, several
-- candidates are an error that lists them
SELECT rezago.comuna_cut('San Pedro') AS san_pedro, rezago.comuna_cut('San Pedro', within => 'Antofagasta') AS in_antofagasta;
SAVEPOINT s;
SELECT rezago.comuna_cut('Puerto');
ROLLBACK TO s;
SELECT rezago.comuna_cut('San Pedro de');
ROLLBACK TO s;

--------------------------------------------------------------------------
-- Territory geometry: one valid union per territory
--------------------------------------------------------------------------
SELECT count(*) AS territories, count(g.geom) AS with_geometry,
       count(*) FILTER (WHERE (ST_IsValidDetail(g.geom)).valid) AS valid,
       count(*) FILTER (WHERE g.members <> g.members_with_geometry) AS incomplete,
       count(*) FILTER (WHERE g.error IS NOT NULL) AS failed
FROM rezago.territory t LEFT JOIN rezago.territory_geometry g ON g.territory = t.code;
-- the union covers its comunas: its area is the comunas' minus their overlaps
SELECT g.territory, round((ST_Area(g.geom::geography) / 1e6)::numeric) AS km2,
       round((sum(ST_Area(c.geom::geography)) / 1e6)::numeric) AS sum_of_comunas_km2
FROM rezago.territory_geometry g
JOIN rezago.territory_member tm ON tm.territory = g.territory JOIN rezago.comuna c ON c.cut = tm.cut
WHERE g.territory IN ('arauco', 'limari_choapa')
GROUP BY g.territory, g.geom ORDER BY 1;

--------------------------------------------------------------------------
-- Invalid boundaries written directly (not through import_comunas) give
-- the same answer: the check makes them valid itself
--------------------------------------------------------------------------
CREATE TEMP TABLE before AS SELECT territory, detail->'components' AS comps FROM rezago.territory_contiguity(0);
UPDATE rezago.comuna c SET geom = ST_Multi(raw.geom) FROM raw WHERE raw.cut = c.cut;
SELECT count(*) FILTER (WHERE NOT (ST_IsValidDetail(geom)).valid) AS invalid_now FROM rezago.comuna;
SELECT count(*) AS territories, count(*) FILTER (WHERE r.detail->'components' IS DISTINCT FROM b.comps) AS different
FROM rezago.territory_contiguity(0) r JOIN before b USING (territory);
SELECT count(g.geom) AS with_geometry, count(*) FILTER (WHERE (ST_IsValidDetail(g.geom)).valid) AS valid
FROM rezago.territory_geometry g;
ROLLBACK;
