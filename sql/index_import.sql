-- import_observations: every kind of bad row is reported in one error, and
-- nothing is written; replace semantics.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
\set VERBOSITY default
\set SHOW_CONTEXT never
-- SQLSTATEs are echoed after each error (not VERBOSITY verbose, whose LOCATION
-- lines carry source line numbers that change with any edit or PostgreSQL release)
BEGIN;
INSERT INTO rezago.comuna (cut, name) VALUES (101, 'Uno'), (102, 'Dos');
CREATE TEMP TABLE good (cut int, variable text, period int, value float8);
INSERT INTO good VALUES (101, 'antenas', 2020, 3), (102, 'antenas', 2020, 5),
                        (101, 'pobreza_ingresos', 2020, 0.2), (102, 'pobreza_ingresos', 2020, NULL);
SELECT rezago.import_observations('good');
-- a staging table typed as text, as a CSV import would give
CREATE TEMP TABLE bad (cut text, variable text, period text, value text);
INSERT INTO bad VALUES
  ('101', 'antenas', '2021', '4'),            -- 1 fine
  ('999', 'antenas', '2021', '1'),            -- 2 unknown comuna
  ('8401', 'antenas', '2021', '1'),           -- 3 pre-2018 Ñuble code
  ('0', 'antenas', '2021', '1'),              -- 4 "Zona sin demarcar"
  ('abc', 'antenas', '2021', '1'),            -- 5 not a code
  (NULL, 'antenas', '2021', '1'),             -- 6 NULL code
  ('101', 'antennas', '2021', '1'),           -- 7 unknown variable
  ('102', 'antenas', 'dos mil', '1'),         -- 8 bad period
  ('102', 'antenas', '2021', 'NaN'),          -- 9 NaN
  ('102', 'empresas', '2021', '-Infinity'),   -- 10 infinity
  ('102', 'remuneracion', '2021', '15,29'),   -- 11 decimal comma
  ('101', 'pobreza_ingresos', '2021', '14.5'),-- 12 percentage for a proportion
  ('102', 'pobreza_ingresos', '2021', '-0.1'),-- 13 negative proportion
  ('101', 'antenas', '2021', '4'),            -- 14 duplicate of row 1
  ('101', 'antenas', '2020', '9');            -- 15 period already loaded
SAVEPOINT expect_error;
SELECT rezago.import_observations('bad');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK TO expect_error;
SELECT count(*) AS rows_after_failure, sum(value) AS sum_after_failure FROM rezago.observation;
-- replace => true swaps the (variable, period) pairs of the source only
CREATE TEMP TABLE newer (cut int, variable text, period int, value float8);
INSERT INTO newer VALUES (101, 'antenas', 2020, 30);
SAVEPOINT expect_error;
SELECT rezago.import_observations('newer');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK TO expect_error;
SELECT rezago.import_observations('newer', replace => true);
SELECT cut, variable, period, value FROM rezago.observation ORDER BY variable, cut;
-- a source without the required columns
CREATE TEMP TABLE wrong_shape (code int, val float8);
SAVEPOINT expect_error;
SELECT rezago.import_observations('wrong_shape');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK TO expect_error;
ROLLBACK;

-- comunas: code 0 is skipped with a notice, bad rows are all reported
BEGIN;
CREATE TEMP TABLE shapes (cut text, name text, provincia text, region text, geom geometry);
INSERT INTO shapes VALUES
  ('0', 'Zona sin demarcar', NULL, NULL, ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4326)),
  ('4201', 'Illapel', 'Choapa', 'Coquimbo',
   -- a self-intersecting bow tie, as in the BCN file: made valid
   ST_GeomFromText('POLYGON((0 0,2 2,2 0,0 2,0 0))', 4326)),
  ('4202', 'Canela', 'Choapa', 'Coquimbo', ST_Transform(ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4326), 32719));
SELECT rezago.import_comunas('shapes');
SELECT cut, name, provincia_code, region_code, ST_IsValid(geom) AS valid, GeometryType(geom), ST_SRID(geom),
       round(ST_Area(geom)::numeric, 6) AS area
FROM rezago.comuna ORDER BY cut;
CREATE TEMP TABLE bad_shapes (cut text, name text, provincia text, region text, geom geometry);
INSERT INTO bad_shapes VALUES
  ('4203', 'Los Vilos', NULL, NULL, ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))')),   -- no SRID
  ('4204', '', NULL, NULL, NULL),                                                       -- empty name
  ('4205', 'Salamanca', NULL, NULL, ST_GeomFromText('POINT(1 1)', 4326)),               -- not a polygon
  ('4206', 'Vacía', NULL, NULL, ST_GeomFromText('POLYGON EMPTY', 4326)),                -- empty
  ('x', 'Equis', NULL, NULL, NULL),                                                      -- bad code
  ('4201', 'Illapel', NULL, NULL, NULL),                                                 -- fine (update)
  ('4201', 'Illapel bis', NULL, NULL, NULL);                                             -- duplicate
SAVEPOINT expect_error;
SELECT rezago.import_comunas('bad_shapes');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK TO expect_error;
SELECT count(*) AS comunas_after_failure FROM rezago.comuna;
SAVEPOINT expect_error;
SELECT rezago.import_comunas_geojson('{"type": "Feature"}');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK TO expect_error;
SELECT rezago.import_comunas_geojson('{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"cod_comuna": 4203, "Comuna": "Los Vilos", "Provincia": "Choapa", "Region": "Coquimbo"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}');
SELECT cut, name, provincia, ST_SRID(geom) FROM rezago.comuna WHERE cut = 4203;
ROLLBACK;
