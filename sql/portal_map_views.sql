-- Map layers for GIS clients: the map views (v_comuna_map, v_territory_map
-- and their _web variants), the shared integer feature ids, the RFC 7946
-- GeoJSON and the TileJSON comments of the tile functions, on the hand
-- example on six square comunas (test/fixtures/portal_squares.sql).
-- test/checks/gis_clients.sh reads the same layers through GDAL and QGIS on
-- the real comunas.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\i test/fixtures/portal_squares.sql
-- a comuna without a boundary is no map feature
INSERT INTO rezago.comuna (cut, name) VALUES (109, 'Sin límite');
SET LOCAL rezago.default_methodology = 'toy';

-- the four views are registered geometry layers: MultiPolygon, SRID 4326
SELECT f_table_name, f_geometry_column, coord_dimension, srid, type
FROM geometry_columns WHERE f_table_schema = 'rezago' AND f_table_name LIKE 'v\_%' ORDER BY 1;
-- ogc_fid comes first (QGIS takes the first column of a view as its key, GDAL
-- a column named ogc_fid as the feature id), and no column is an array
SELECT table_name, column_name, data_type FROM information_schema.columns
WHERE table_schema = 'rezago' AND table_name LIKE 'v\_%map%' AND (ordinal_position = 1 OR data_type = 'ARRAY')
ORDER BY 1, 2;

-- 2020 by hand (sql/index_hand.sql): social 101 1, 102 .375, 103 .25, 104 0,
-- 105 .25, 106 none; institutional .5, 0, .25, 0, .25, 0; index the mean,
-- 106 NULL (incomplete).  ogc_fid = 2020 * 10^10 + cut; feature_id = cut.
SELECT ogc_fid, feature_id, cut, comuna, index, rank, quintile, index_status,
       score_capital_social AS social, score_capital_institucional AS institutional,
       score_capital_humano IS NULL AND score_capital_economico IS NULL AND score_capital_cultural IS NULL
           AND score_capital_fisico IS NULL AS unused_dimensions_null,
       missing_dimension_names, ST_Equals(geom, (SELECT c.geom FROM rezago.comuna c WHERE c.cut = v.cut)) AS boundary
FROM rezago.v_comuna_map v WHERE period = 2020 ORDER BY cut;
-- every row of v_comuna_index with a boundary, with the same numbers: 6 comunas x 2 periods
SELECT count(*) AS map_rows, count(DISTINCT ogc_fid) AS keys,
       (SELECT count(*) FROM rezago.v_comuna_index i JOIN rezago.v_comuna_map m USING (period, cut)
        WHERE m.index IS NOT DISTINCT FROM i.index AND m.rank IS NOT DISTINCT FROM i.rank
          AND m.quintile IS NOT DISTINCT FROM i.quintile) AS same_as_index_view
FROM rezago.v_comuna_map;

-- territories: t1 = 101 + 102, t2 = 103 + 104 + 106; feature ids in code
-- order 1, 2.  2020: index t1 (.75 + .1875) / 2 = .46875, t2 (.25 + 0) / 2 =
-- .125 (106 has none); social t1 (1 + .375) / 2 = .6875, t2 (.25 + 0) / 2 = .125;
-- institutional t1 (.5 + 0) / 2 = .25, t2 (.25 + 0 + 0) / 3 = .083333333
SELECT ogc_fid, feature_id, territory, index, rank, members, scored, exit_stage IS NOT NULL AS has_exit_stage,
       round(score_capital_social::numeric, 9) AS social, round(score_capital_institucional::numeric, 9) AS institutional,
       ST_Area(geom) AS area
FROM rezago.v_territory_map WHERE period = 2020 ORDER BY territory;
SELECT t.code, rezago.territory_feature_id(t.code) AS feature_id FROM rezago.territory t ORDER BY 1;
-- a territory whose code sorts first renumbers the others (documented); an
-- unknown code or NULL has none
SAVEPOINT s;
INSERT INTO rezago.territory VALUES ('a0', 'Primero', NULL);
SELECT rezago.territory_feature_id('a0') AS a0, rezago.territory_feature_id('t1') AS t1,
       rezago.territory_feature_id('nope') AS unknown, rezago.territory_feature_id(NULL) AS null_code;
ROLLBACK TO s;

-- web variants: the same rows and keys, exterior rings counter-clockwise
SELECT (SELECT count(*) FROM rezago.v_comuna_map_web) AS comuna_rows,
       (SELECT count(*) FROM rezago.v_comuna_map_web w JOIN rezago.v_comuna_map m USING (ogc_fid)) AS same_keys,
       (SELECT bool_and(ST_IsPolygonCCW(geom)) FROM rezago.v_comuna_map_web) AS ccw,
       (SELECT count(*) FROM rezago.v_territory_map_web) AS territory_rows;

-- GeoJSON per RFC 7946: integer ids equal to feature_id, every ring
-- counter-clockwise (the squares were clockwise as stored), a bbox over the
-- six squares: 72.5 to 71 W, 37 to 36 S
SELECT g->'bbox' AS bbox,
       (SELECT array_agg(f->'id' ORDER BY f->>'id') FROM jsonb_array_elements(g->'features') f) AS ids,
       (SELECT bool_and(ST_IsPolygonCCW(ST_GeomFromGeoJSON(f->'geometry'))) FROM jsonb_array_elements(g->'features') f) AS ccw,
       (SELECT bool_and(NOT ST_IsPolygonCCW(c.geom)) FROM rezago.comuna c WHERE c.geom IS NOT NULL) AS stored_clockwise,
       g->'features'->0->'geometry'->'coordinates'->0->0 AS first_ring
FROM rezago.geojson('comuna', 2020, 'toy') g;
SELECT f->'id' AS id, f->'properties'->>'territory' AS territory
FROM jsonb_array_elements(rezago.geojson('territory', 2020, 'toy')->'features') f;
-- no feature, no bbox
SAVEPOINT s;
UPDATE rezago.comuna SET geom = NULL;
SELECT rezago.geojson('comuna', 2020, 'toy') AS empty_collection;
ROLLBACK TO s;

-- tiles: Martin's variants can be called without query_params (what
-- pg_tileserv does); each tile function's comment is TileJSON naming its layer
SELECT rezago.comuna_tiles_martin(4, 4, 9) = rezago.comuna_tiles(4, 4, 9) AS martin_default,
       rezago.territory_tiles_martin(z => 4, x => 4, y => 9) = rezago.territory_tiles(4, 4, 9) AS martin_named;
SELECT p.proname, (obj_description(p.oid, 'pg_proc')::jsonb)->'vector_layers'->0->>'id' AS layer,
       (SELECT string_agg(k || ':' || v, ' ' ORDER BY k)
        FROM jsonb_each_text((obj_description(p.oid, 'pg_proc')::jsonb)->'vector_layers'->0->'fields') x(k, v)) AS fields
FROM pg_proc p WHERE p.pronamespace = 'rezago'::regnamespace AND p.proname LIKE '%\_tiles%' ORDER BY 1;
-- the MVT feature ids: the tile holds ids 101..106 (a feature's id is field 1,
-- a varint: byte 0x08, then 101..106 fit in one byte each); no attribute key
-- is "id" (a key is field 3: 0x1a, its length 2, then "id"); the attribute
-- cut is there.  GDAL decodes the real tiles in test/checks/gis_clients.sh.
SELECT (SELECT count(*) FROM generate_series(101, 106) c
        WHERE position(set_byte('\x0800'::bytea, 1, c) IN rezago.comuna_tiles(4, 4, 9, 2020, 'toy')) > 0) AS ids_found,
       position(decode('1a026964', 'hex') IN rezago.comuna_tiles(4, 4, 9, 2020, 'toy')) = 0 AS no_id_attribute,
       position(decode('1a03', 'hex') || 'cut'::bytea IN rezago.comuna_tiles(4, 4, 9, 2020, 'toy')) > 0 AS cut_attribute;
ROLLBACK;
