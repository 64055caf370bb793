-- (pg_regress feeds this file on standard input from test/realdata: \i paths are relative to it)
-- Real data (../shared/data, or $REZAGO_DATA): loads the official comuna list
-- (CUT 2018), the BCN boundaries and SINIM indicators 2019-2023 through the
-- extension's loaders.  Later files of this suite use what this one loads.
\getenv datadir REZAGO_DATA
SELECT :'datadir' IS NOT NULL AND :'datadir' <> '' AS data_folder_given;
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;

\i ../fixtures/stage_real_data.sql

-- BCN boundaries: 346 features, one of them "Zona sin demarcar" (code 0), skipped
SELECT rezago.import_comunas_geojson(:'bcn'::jsonb);
\unset bcn
-- official list: 346 comunas (Antártica included); loaded second so that its
-- names win, while the boundaries loaded above are kept
SELECT rezago.import_comunas('cut_2018', cut_column => 'codigo_comuna', name_column => 'nombre_comuna',
       provincia_column => 'nombre_provincia', region_column => 'nombre_region', geom_column => NULL);

SELECT count(*) AS comunas, count(geom) AS with_boundary,
       count(*) FILTER (WHERE NOT ST_IsValid(geom)) AS invalid,
       count(*) FILTER (WHERE GeometryType(geom) <> 'MULTIPOLYGON') AS not_multipolygon,
       string_agg(cut::text, ',') FILTER (WHERE geom IS NULL) AS without_boundary
FROM rezago.comuna;
-- names stay those of the official list; provincia and region codes derive from the CUT
SELECT cut, name, provincia_code, provincia, region_code, region FROM rezago.comuna
WHERE cut IN (4201, 8314, 16206, 12202) ORDER BY cut;

-- SINIM 2019-2023 for the index variables it has
SELECT count(*) AS sinim_rows, min(anio), max(anio) FROM sinim;
-- SINIM carries a pseudo-comuna 11111 "SUBDERE_": every one of its rows is
-- reported and nothing is loaded
\set VERBOSITY default
SELECT rezago.import_observations('staging');
SELECT count(*) AS loaded_after_failure FROM rezago.observation;
DELETE FROM staging WHERE cut = '11111';
SELECT rezago.import_observations('staging');
SELECT variable, count(*) AS rows, count(value) AS with_value
FROM rezago.observation GROUP BY variable ORDER BY variable;

-- SINIM's poverty column is a percentage: the loader refuses it as a proportion
CREATE TABLE poverty_pct AS
SELECT cut_comuna AS cut, 'pobreza_ingresos' AS variable, anio AS period, pobreza_casen_ultima_pct AS value
FROM sinim WHERE anio = 2022 AND pobreza_casen_ultima_pct > 1 ORDER BY cut_comuna LIMIT 3;
SELECT rezago.import_observations('poverty_pct');
SELECT count(*) AS poverty_rows_loaded FROM rezago.observation WHERE variable = 'pobreza_ingresos';
