-- A hostile search_path changes no result.  Schema hostile holds look-alikes
-- of what rezago's functions use (avg, min, max, sum, count, stddev_samp,
-- abs, ln, power, floor, the PostGIS functions import_comunas calls,
-- st_intersects, the = < > ~ operators, and tables named like rezago's) and
-- is put before pg_catalog.  Every public function is called under the
-- normal and the hostile path; the results must be identical, row for row,
-- and so must the tables after each loader.  First we show that the
-- look-alikes do bite on unqualified SQL, so the test can fail.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
-- fixture: six comunas in two provinces, four variables, three territories
INSERT INTO rezago.comuna (cut, name, provincia_code, region_code, geom)
SELECT c, 'C' || c, c / 100, c / 1000, ST_Multi(ST_MakeEnvelope(c % 100, 0, c % 100 + 1, 1, 4326))
FROM unnest(ARRAY[4101, 4102, 4103, 4201, 4202, 4203]) c;
INSERT INTO rezago.observation
SELECT c, v, p, (c % 97) * (1 + length(v)) + p % 7 + CASE WHEN v = 'dependencia_fcm' THEN 0.5 END
FROM unnest(ARRAY[4101, 4102, 4103, 4201, 4202, 4203]) c,
     unnest(ARRAY['agrupaciones_sociales', 'profesionalizacion_municipal', 'dependencia_fcm', 'gasto_municipal', 'poblacion']) v,
     generate_series(2020, 2021) p
WHERE NOT (c = 4203 AND v = 'gasto_municipal');
SELECT rezago.copy_methodology('ufro2017', 'toy');
DELETE FROM rezago.methodology_variable WHERE methodology = 'toy'
   AND variable NOT IN ('agrupaciones_sociales', 'profesionalizacion_municipal', 'dependencia_fcm', 'gasto_municipal');
UPDATE rezago.methodology_dimension SET weight = 0 WHERE methodology = 'toy'
   AND dimension NOT IN ('capital_social', 'capital_humano', 'capital_institucional');
UPDATE rezago.methodology SET winsor_lower = 0.1, winsor_upper = 0.9 WHERE code = 'toy';
SELECT rezago.copy_methodology('toy', 'toyz');
UPDATE rezago.methodology SET normalisation = 'zscore', winsor_lower = NULL, winsor_upper = NULL,
       territory_weighting = 'population' WHERE code = 'toyz';
SELECT rezago.copy_methodology('toy', 'toyr');
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'toyr';
INSERT INTO rezago.territory VALUES ('p41', 'Elqui'), ('p42', 'Choapa'), ('x', 'Across');
INSERT INTO rezago.territory_member SELECT 'p' || (cut / 100), cut FROM rezago.comuna;
INSERT INTO rezago.territory_member VALUES ('x', 4103), ('x', 4201);
-- staging for the loaders
CREATE TABLE stage_obs (cut text, variable text, period text, value text);
INSERT INTO stage_obs VALUES ('4101', 'empresas', '2020', '1.5'), ('4102', 'empresas', '2020', '2.5'),
                             ('4103', 'pobreza_ingresos', '2020', '0.25');
CREATE TABLE stage_geo (cut text, name text, provincia text, region text, geom geometry);
INSERT INTO stage_geo VALUES
    ('4104', 'Bow tie', 'Elqui', 'Coquimbo', 'SRID=4326;POLYGON((10 0,12 2,12 0,10 2,10 0))'),
    ('4105', 'Metres', 'Elqui', 'Coquimbo', ST_Transform('SRID=4326;POLYGON((-70 -30,-69 -30,-69 -29,-70 -30))'::geometry, 32719)),
    ('0', 'Zona sin demarcar', NULL, NULL, 'SRID=4326;POLYGON((0 0,1 0,1 1,0 0))');

-- the look-alikes
CREATE SCHEMA hostile;
CREATE AGGREGATE hostile.avg(double precision) (SFUNC = pg_catalog.float8larger, STYPE = double precision);
CREATE AGGREGATE hostile.min(double precision) (SFUNC = pg_catalog.float8larger, STYPE = double precision);
CREATE AGGREGATE hostile.max(double precision) (SFUNC = pg_catalog.float8smaller, STYPE = double precision);
CREATE AGGREGATE hostile.sum(double precision) (SFUNC = pg_catalog.float8smaller, STYPE = double precision);
CREATE AGGREGATE hostile.stddev_samp(double precision) (SFUNC = pg_catalog.float8larger, STYPE = double precision);
CREATE AGGREGATE hostile.count(*) (SFUNC = pg_catalog.int8inc, STYPE = bigint, INITCOND = '1000');
CREATE FUNCTION hostile.abs(double precision) RETURNS double precision LANGUAGE sql AS 'SELECT -1e300::float8';
CREATE FUNCTION hostile.ln(double precision) RETURNS double precision LANGUAGE sql AS 'SELECT 700::float8';
CREATE FUNCTION hostile.power(double precision, double precision) RETURNS double precision LANGUAGE sql AS 'SELECT 3::float8';
CREATE FUNCTION hostile.floor(double precision) RETURNS double precision LANGUAGE sql AS 'SELECT 5::float8';
CREATE FUNCTION hostile.lag_score(double precision, double precision, double precision, integer)
    RETURNS double precision LANGUAGE sql AS 'SELECT 42::float8';
CREATE FUNCTION hostile.require_methodology(text) RETURNS text LANGUAGE sql AS 'SELECT ''ufro2017''::text';
CREATE FUNCTION hostile.st_intersects(geometry, geometry) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION hostile.st_transform(geometry, integer) RETURNS geometry LANGUAGE sql
    AS 'SELECT public.st_setsrid(''POINT(0 0)''::public.geometry, 4326)';
CREATE FUNCTION hostile.st_makevalid(geometry) RETURNS geometry LANGUAGE sql
    AS 'SELECT ''SRID=4326;POLYGON EMPTY''::public.geometry';
CREATE FUNCTION hostile.st_srid(geometry) RETURNS integer LANGUAGE sql AS 'SELECT 4326';
CREATE FUNCTION hostile.st_isempty(geometry) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE FUNCTION hostile.geometrytype(geometry) RETURNS text LANGUAGE sql AS 'SELECT ''POLYGON''::text';
CREATE FUNCTION hostile.texteq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION hostile.int4eq(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION hostile.float8lt(double precision, double precision) RETURNS boolean LANGUAGE sql AS 'SELECT $1 OPERATOR(pg_catalog.>) $2';
CREATE FUNCTION hostile.float8gt(double precision, double precision) RETURNS boolean LANGUAGE sql AS 'SELECT $1 OPERATOR(pg_catalog.<) $2';
CREATE FUNCTION hostile.textregex(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.texteq);
CREATE OPERATOR hostile.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = hostile.int4eq);
CREATE OPERATOR hostile.< (LEFTARG = double precision, RIGHTARG = double precision, FUNCTION = hostile.float8lt);
CREATE OPERATOR hostile.> (LEFTARG = double precision, RIGHTARG = double precision, FUNCTION = hostile.float8gt);
CREATE OPERATOR hostile.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.textregex);
CREATE TABLE hostile.observation (LIKE rezago.observation);
INSERT INTO hostile.observation VALUES (4101, 'antenas', 2020, 1e9);
CREATE TABLE hostile.methodology AS SELECT * FROM rezago.methodology;
UPDATE hostile.methodology SET min_coverage = 1, normalisation = 'rank';
CREATE TABLE hostile.comuna AS SELECT * FROM rezago.comuna WHERE false;
CREATE TABLE hostile.spatial_ref_sys AS SELECT * FROM public.spatial_ref_sys WHERE false;

-- they bite: unqualified SQL under the hostile path gives wrong answers
SET search_path = hostile, pg_catalog, public, rezago, pg_temp;
SELECT avg(x) AS avg_1_3_is_3, count(*) AS count_is_1002, 'a' = 'b' AS a_equals_b, 2::float8 < 1 AS two_lt_one,
       abs(-2::float8) AS abs_is_minus_1e300, st_srid('POINT(0 0)'::geometry) AS srid_is_4326,
       (SELECT count(*) FROM observation) AS observation_rows_is_1001
FROM (VALUES (1::float8), (3)) v(x);
RESET search_path;

-- every public reading call, materialised under each path
CREATE TEMP TABLE calls (id int, q text);
INSERT INTO calls VALUES
 (1,  $$SELECT * FROM rezago.comuna_lag_scores(2020, 'toy')$$),
 (2,  $$SELECT * FROM rezago.comuna_dimension_scores(2020, 'toy')$$),
 (3,  $$SELECT * FROM rezago.comuna_index(2020, 'toy')$$),
 (4,  $$SELECT * FROM rezago.comuna_index(2021, 'toyz')$$),
 (5,  $$SELECT * FROM rezago.comuna_index(2020, 'toyr')$$),
 (6,  $$SELECT * FROM rezago.comuna_lag_scores(2021, 'toyz')$$),
 (7,  $$SELECT * FROM rezago.territory_dimension_scores(2020, 'toy')$$),
 (8,  $$SELECT * FROM rezago.territory_index(2020, 'toy')$$),
 (9,  $$SELECT * FROM rezago.territory_index(2021, 'toyz')$$),
 (10, $$SELECT * FROM rezago.methodology_weights('toy')$$),
 (11, $$SELECT rezago.methodology_in_force(2020) AS m, rezago.require_methodology('toyz') AS r$$),
 (12, $$SELECT rezago.lag_score(25, 10, 50, 1) AS a, rezago.lag_score(25, 10, 50, -1) AS b,
               rezago.lag_score_zscore(10, 28, 2, 1) AS c$$),
 (13, $$SELECT rezago.dimension_score(s, w) AS a, rezago.dimension_score(s, w, 0.5) AS b,
               rezago.dimension_score(s, w, 0.5, 10) AS c, rezago.dimension_coverage(s, w) AS d,
               rezago.dimension_coverage(s, w, 10) AS e, rezago.territory_average(s) AS f
        FROM (VALUES (0.25::float8, 1::float8), (0.5, 3), (NULL, 2)) v(s, w)$$),
 (14, $$SELECT * FROM rezago.access_statements('editor', 'pg_monitor')$$),
 (15, $$SELECT * FROM rezago.unclassified_objects()$$),
 (16, $$SELECT rezago.weighted_mean_final(rezago.weighted_mean_combine(
               rezago.weighted_mean_accum('{2,2,0,0,0}', 0.5, 2), rezago.average_accum('{2,2,0,0,0}', 1))) AS a,
               rezago.weighted_mean_coverage(rezago.weighted_mean_accum_total('{2,2,0,0,0}', NULL, 1, 4)) AS b,
               rezago.weighted_mean_final(rezago.weighted_mean_accum('{2,2,0,0,0}', 0.5, 2, 0.5)) AS c,
               rezago.weighted_mean_final(rezago.weighted_mean_accum('{2,2,0,0,0}', 0.5, 2, 0.5, 4)) AS d,
               rezago.require_new_methodology_code('fresh') AS e$$),
 (17, $$SELECT * FROM rezago.variable_statistics(2020, 'toy')$$),
 (18, $$SELECT * FROM rezago.variable_correlations(2020, 'toy', 'spearman')$$),
 (19, $$SELECT * FROM rezago.dimension_reliability(2020, 'toy')$$),
 (20, $$SELECT * FROM rezago.effective_weights('toy', 2020)$$),
 (21, $$SELECT * FROM rezago.variable_influence(2020, 'toy', 2)$$),
 (22, $$SELECT * FROM rezago.compare_methodologies(2020, 'toy', 'toyz', 2)$$),
 (23, $$SELECT * FROM rezago.audit_lag_scores(2021, 'toyz', 'rezago.observation')$$),
 (24, $$SELECT * FROM rezago.audit_unit_states(2020, 'toy', 'rezago.observation')$$),
 (25, $$SELECT * FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation')$$);
SELECT format('CREATE TEMP TABLE n_%s AS %s', id, q) FROM calls ORDER BY id
\gexec
SELECT format('SET search_path = hostile, pg_catalog, public, rezago, pg_temp; CREATE TEMP TABLE h_%s AS %s; RESET search_path', id, q)
FROM calls ORDER BY id
\gexec
CREATE TEMP TABLE compared (id int, rows bigint, differences bigint);
SELECT format('INSERT INTO compared SELECT %s, (SELECT count(*) FROM n_%1$s),
                 (SELECT count(*) FROM (SELECT * FROM n_%1$s EXCEPT ALL SELECT * FROM h_%1$s) a)
               + (SELECT count(*) FROM (SELECT * FROM h_%1$s EXCEPT ALL SELECT * FROM n_%1$s) b)', id)
FROM calls ORDER BY id
\gexec
SELECT c.id, c.rows, c.differences FROM compared c ORDER BY c.id;

-- the loaders and copy_methodology write the same rows under either path
CREATE TEMP VIEW written AS
SELECT md5(string_agg(x, E'\n' ORDER BY x)) AS digest, count(*) AS rows FROM (
    SELECT 'c' || c::text AS x FROM rezago.comuna c
    UNION ALL SELECT 'g' || c.cut || ST_AsEWKT(c.geom, 12) FROM rezago.comuna c
    UNION ALL SELECT 'o' || o::text FROM rezago.observation o
    UNION ALL SELECT 'm' || m::text FROM rezago.methodology m
    UNION ALL SELECT 'd' || d::text FROM rezago.methodology_dimension d
    UNION ALL SELECT 'v' || v::text FROM rezago.methodology_variable v) t;
\set doc '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"cod_comuna": 4106, "Comuna": "Geo", "Provincia": "Elqui", "Region": "Coquimbo"}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[20,0],[21,0],[21,1],[20,0]]]]}}]}'
SAVEPOINT load;
SELECT rezago.import_observations('stage_obs') AS obs, rezago.import_comunas('stage_geo') AS geo,
       rezago.import_comunas_geojson(:'doc') AS geojson, rezago.copy_methodology('toyz', 'copied') AS copied;
SELECT digest AS normal_digest, rows AS normal_rows FROM written \gset
ROLLBACK TO load;
SET search_path = hostile, pg_catalog, public, rezago, pg_temp;
SELECT rezago.import_observations('stage_obs') AS obs, rezago.import_comunas('stage_geo') AS geo,
       rezago.import_comunas_geojson(:'doc') AS geojson, rezago.copy_methodology('toyz', 'copied') AS copied;
RESET search_path;
SELECT :normal_rows AS rows, digest = :'normal_digest' AS same_rows_under_hostile_path FROM written;
ROLLBACK;
