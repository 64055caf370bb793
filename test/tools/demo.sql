-- The main job on real sample data: load the BCN comunas and SINIM 2019-2023,
-- make one territory per provincia, print the most lagged comunas and
-- territories of 2023.  Only four of the 18 index variables have a public
-- comuna-level source (SINIM), so the demo uses the sinim4 subset of ufro2017.
\set ON_ERROR_STOP on
\set QUIET on
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
\i test/fixtures/stage_real_data.sql
SELECT rezago.import_comunas_geojson(:'bcn'::jsonb) AS comunas_with_boundary \gset
SELECT rezago.import_comunas('cut_2018', cut_column => 'codigo_comuna', name_column => 'nombre_comuna',
       provincia_column => 'nombre_provincia', region_column => 'nombre_region', geom_column => NULL) AS comunas \gset
DELETE FROM staging WHERE cut = '11111';   -- SINIM's pseudo-comuna "SUBDERE_"
SELECT rezago.import_observations('staging') AS observations \gset
\i test/fixtures/sinim4_methodology.sql
INSERT INTO rezago.territory (code, name)
SELECT 'prov_' || provincia_code, 'Provincia de ' || min(provincia) FROM rezago.comuna
GROUP BY provincia_code HAVING count(*) >= 2;
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'prov_' || c.provincia_code, c.cut FROM rezago.comuna c
JOIN rezago.territory t ON t.code = 'prov_' || c.provincia_code;
\echo
\echo Loaded :comunas comunas (:comunas_with_boundary with boundaries) and :observations observations.
\echo
\echo The 10 most lagged comunas in 2023 (methodology sinim4: 4 SINIM variables of ufro2017)
SELECT ci.rank, ci.cut, c.name AS comuna, c.region, round(ci.index::numeric, 4) AS index
FROM rezago.comuna_index(2023, 'sinim4') ci JOIN rezago.comuna c USING (cut)
WHERE ci.rank <= 10 ORDER BY ci.rank, ci.cut;
\echo The 10 most lagged provinces in 2023 (territory score = mean of its comunas)
SELECT ti.rank, t.name AS territory, round(ti.index::numeric, 4) AS index, ti.members, ti.scored
FROM rezago.territory_index(2023, 'sinim4') ti JOIN rezago.territory t ON t.code = ti.territory
WHERE ti.rank <= 10 ORDER BY ti.rank;
