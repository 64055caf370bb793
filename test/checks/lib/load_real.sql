-- Real data (run from test/load so that \i finds its siblings): the same
-- loaders and files as test/realdata/sql/01_load.sql and 02_index.sql.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
\i stage_real_data.sql
SELECT rezago.import_comunas_geojson(:'bcn'::jsonb);
\unset bcn
SELECT rezago.import_comunas('cut_2018', cut_column => 'codigo_comuna', name_column => 'nombre_comuna',
       provincia_column => 'nombre_provincia', region_column => 'nombre_region', geom_column => NULL);
DELETE FROM staging WHERE cut = '11111';
SELECT rezago.import_observations('staging');
\i sinim4_methodology.sql
INSERT INTO rezago.territory (code, name)
SELECT 'prov_' || provincia_code, min(provincia) FROM rezago.comuna GROUP BY provincia_code HAVING count(*) >= 2;
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'prov_' || c.provincia_code, c.cut FROM rezago.comuna c
JOIN rezago.territory t ON t.code = 'prov_' || c.provincia_code;
DROP TABLE cut_2018, sinim, staging;
