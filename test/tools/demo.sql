-- The main job on the real files of ../shared/data: load the BCN comunas and
-- the CUT list, the index variables that have a public source
-- (indicadores_ufro_reales.csv: 12 of the 18, of different years and
-- coverage), make one territory per provincia, and compute the 2024 index
-- with vintages and imputation (methodology publico,
-- test/fixtures/public_methodology.sql).  Prints what an analyst checks
-- first: each variable's vintage and coverage, what was imputed, then the
-- most lagged comunas and provinces.
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
\i test/fixtures/stage_real_data.sql
\i test/fixtures/stage_indicators.sql
SELECT rezago.import_comunas_geojson(:'bcn'::jsonb) AS comunas_with_boundary \gset
SELECT rezago.import_comunas('cut_2018', cut_column => 'codigo_comuna', name_column => 'nombre_comuna',
       provincia_column => 'nombre_provincia', region_column => 'nombre_region', geom_column => NULL) AS comunas \gset
-- strict run: the one proxy (patrimonio_inmaterial, SIGPA cultores) is left out
DELETE FROM indicadores WHERE source LIKE '%\_PROXY';
SELECT rezago.import_observations('indicadores') AS observations \gset
\o /dev/null
\i test/fixtures/public_methodology.sql
\o
INSERT INTO rezago.territory (code, name)
SELECT 'prov_' || provincia_code, 'Provincia de ' || min(provincia) FROM rezago.comuna
GROUP BY provincia_code HAVING count(*) >= 2;
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'prov_' || c.provincia_code, c.cut FROM rezago.comuna c
JOIN rezago.territory t ON t.code = 'prov_' || c.provincia_code;
\echo
\echo Cargadas :comunas comunas (:comunas_with_boundary con límites) y :observations observaciones de 12 variables públicas.
\echo
\echo '== Datos del índice 2024 (metodología publico: antigüedad máxima 7 años, imputación por mediana provincial)'
\echo '   vintage = año de los datos usados; imputadas = comunas sin dato que reciben la mediana de su provincia'
SELECT v.name AS variable, d.name AS dimension, vt.vintage AS "año de los datos",
       vt.comunas AS observadas, count(*) FILTER (WHERE sv.imputed) AS imputadas,
       round(100.0 * count(*) FILTER (WHERE sv.imputed) / (SELECT count(*) FROM rezago.comuna), 1) AS "% imputado"
FROM rezago.variable_vintages(2024, 'publico') vt
JOIN rezago.variable v ON v.code = vt.variable
JOIN rezago.dimension d ON d.code = v.dimension
LEFT JOIN rezago.scoring_values(2024, 'publico') sv ON sv.variable = vt.variable
GROUP BY v.name, d.name, vt.vintage, vt.comunas, d.code
ORDER BY d.code, v.name;
\echo 'Dimensiones del índice (capital cultural queda fuera: ninguna fuente pública, solo un proxy):'
SELECT string_agg(d.name, ', ' ORDER BY d.code) AS dimensiones
FROM rezago.dimension d
WHERE d.code IN (SELECT w.dimension FROM rezago.methodology_weights('publico') w);
\echo
\echo '== Las 10 comunas más rezagadas en 2024 (índice de 0 a 1; 1 = más rezagada)'
\echo '   "% peso imputado": parte del índice de la comuna que descansa en valores imputados'
WITH imp AS (
    SELECT cc.cut, sum(cc.effective_weight) FILTER (WHERE cc.imputed) AS w
    FROM rezago.comuna_contributions(2024, 'publico') cc GROUP BY cc.cut
)
SELECT ci.rank AS lugar, c.name AS comuna, c.region AS "región", round(ci.index::numeric, 3) AS "índice",
       round(100 * coalesce(imp.w, 0)::numeric, 0) AS "% peso imputado"
FROM rezago.comuna_index(2024, 'publico') ci
JOIN rezago.comuna c USING (cut)
LEFT JOIN imp USING (cut)
WHERE ci.rank <= 10 ORDER BY ci.rank, c.name;
SELECT count(*) FILTER (WHERE index IS NOT NULL) AS "comunas con índice", count(*) AS comunas,
       string_agg(c.name, ', ' ORDER BY c.name) FILTER (WHERE index IS NULL) AS "sin índice"
FROM rezago.comuna_index(2024, 'publico') ci JOIN rezago.comuna c USING (cut);
\echo
\echo '== Las 10 provincias más rezagadas en 2024 (puntaje = promedio de sus comunas; 1 = más rezagada)'
\echo '   "parcial": la provincia se puntúa sobre parte de sus comunas (alguna sin índice)'
SELECT ti.rank AS lugar, t.name AS territorio, round(ti.index::numeric, 3) AS "índice",
       ti.scored || ' de ' || ti.members AS comunas,
       CASE WHEN ti.scored < ti.members THEN 'parcial' ELSE '' END AS "cobertura"
FROM rezago.territory_index(2024, 'publico') ti JOIN rezago.territory t ON t.code = ti.territory
WHERE ti.rank <= 10 ORDER BY ti.rank;
SELECT count(*) FILTER (WHERE scored < members) AS "provincias puntuadas en parte", count(*) AS provincias
FROM rezago.territory_index(2024, 'publico');
