-- The real index from the public variables of different years
-- (../shared/data/indicadores_ufro_reales.csv: 12 index variables, 2017-2024,
-- each with its own coverage; the one proxy left out), with vintages and
-- every imputation, checked against the plain-SQL oracle
-- (test/oracle/oracle.sql) to 1e-9: lag scores and their imputed flags,
-- dimension scores, the comuna and territory index, thresholds, gaps and
-- exit stages, for period 2024 under four imputations and three
-- normalisations.  Everything runs in a transaction that is rolled back, so
-- the later checks see the data 01_load loaded.
SET extra_float_digits = 0;
BEGIN;
\i ../fixtures/stage_indicators.sql
SELECT count(*) AS rows, count(DISTINCT variable) AS variables, min(period), max(period),
       count(*) FILTER (WHERE source LIKE '%\_PROXY') AS proxy_rows
FROM indicadores;
DELETE FROM indicadores WHERE source LIKE '%\_PROXY';
-- replace the SINIM rows 01_load loaded for the same variables and years
SELECT rezago.import_observations('indicadores', replace => true) AS loaded;
\o /dev/null
\i ../fixtures/public_methodology.sql
\o
SELECT code, max_data_age, imputation FROM rezago.methodology WHERE code = 'publico';
SELECT dimension, count(*) AS variables FROM rezago.methodology_weights('publico') GROUP BY 1 ORDER BY 1;
SELECT rezago.copy_methodology('publico', 'publico_' || i) AS variant
FROM unnest(ARRAY['none', 'median_region', 'carry_forward']) i;
UPDATE rezago.methodology SET imputation = substr(code, 9) WHERE code LIKE 'publico\_%';
-- a territory per provincia of two or more comunas (as the demo makes them)
DELETE FROM rezago.territory_member;
DELETE FROM rezago.territory;
INSERT INTO rezago.territory (code, name)
SELECT 'prov_' || provincia_code, min(provincia) FROM rezago.comuna GROUP BY provincia_code HAVING count(*) >= 2;
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'prov_' || c.provincia_code, c.cut FROM rezago.comuna c
JOIN rezago.territory t ON t.code = 'prov_' || c.provincia_code;

\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all

-- 1. Vintages of 2024 within 7 years: SINIM and SII 2023, the PAES 2024,
--    SICVIR 2021, SIEDU 2022, the Census 2017; comunas with a value then
SELECT v.variable, v.vintage, v.comunas,
       (SELECT count(DISTINCT o.cut) FROM oracle.scoring_values(2024, 'publico') o
        WHERE o.variable = v.variable AND NOT o.imputed) AS oracle_comunas
FROM rezago.variable_vintages(2024, 'publico') v ORDER BY 1;

-- 2. Every value scored: the same rows, values and flags as the oracle
CREATE TEMP TABLE methodologies AS
SELECT code FROM rezago.methodology WHERE code LIKE 'publico%';
SELECT m.code, count(*) AS rows, count(*) FILTER (WHERE x.ri) AS imputed,
       count(*) FILTER (WHERE x.rcut IS NULL OR x.ocut IS NULL) AS unmatched,
       count(*) FILTER (WHERE x.rv IS DISTINCT FROM x.ov OR x.ri IS DISTINCT FROM x.oi
                           OR x.rvin IS DISTINCT FROM x.ovin) AS differ
FROM methodologies m
CROSS JOIN LATERAL (
    SELECT r.cut, o.cut, r.value, o.value, r.imputed, o.imputed, r.vintage, o.vintage
    FROM rezago.scoring_values(2024, m.code) r
    FULL JOIN oracle.scoring_values(2024, m.code) o ON o.cut = r.cut AND o.variable = r.variable
) x(rcut, ocut, rv, ov, ri, oi, rvin, ovin)
GROUP BY 1 ORDER BY 1;

-- 3. Lag scores under minmax, zscore and rank, every imputation
SELECT m.code, n.normalisation, count(*) AS rows,
       count(*) FILTER (WHERE x.rcut IS NULL OR x.ocut IS NULL) AS unmatched,
       count(*) FILTER (WHERE abs(x.rs - x.os) > 1e-9 OR (x.rs IS NULL) <> (x.os IS NULL)) AS score_diff,
       count(*) FILTER (WHERE x.ri IS DISTINCT FROM x.oi) AS flag_diff
FROM methodologies m
CROSS JOIN (VALUES ('minmax'), ('zscore'), ('rank')) n(normalisation)
CROSS JOIN LATERAL (
    SELECT r.cut, o.cut, r.score, o.score, r.imputed, o.imputed
    FROM rezago.comuna_lag_scores(2024, m.code, n.normalisation) r
    FULL JOIN oracle.comuna_lag_scores(2024, m.code, n.normalisation) o
      ON o.cut = r.cut AND o.variable = r.variable
) x(rcut, ocut, rs, os, ri, oi)
GROUP BY 1, 2 ORDER BY 1, 2;

-- 4. Dimension scores, comuna index and rank, territory index
SELECT m.code, count(*) AS rows,
       count(*) FILTER (WHERE x.rcut IS NULL OR x.ocut IS NULL) AS unmatched,
       count(*) FILTER (WHERE (x.rs IS NULL) <> (x.os IS NULL) OR abs(x.rs - x.os) > 1e-9) AS score_diff,
       count(*) FILTER (WHERE abs(x.rc - x.oc) > 1e-9) AS coverage_diff
FROM methodologies m
CROSS JOIN LATERAL (
    SELECT r.cut, o.cut, r.score, o.score, r.coverage, o.coverage
    FROM rezago.comuna_dimension_scores(2024, m.code) r
    FULL JOIN oracle.comuna_dimension_scores(2024, m.code) o ON o.cut = r.cut AND o.dimension = r.dimension
) x(rcut, ocut, rs, os, rc, oc)
GROUP BY 1 ORDER BY 1;
SELECT m.code, count(*) AS comunas, count(r.index) AS with_index,
       count(*) FILTER (WHERE (r.index IS NULL) <> (o.index IS NULL) OR abs(r.index - o.index) > 1e-9) AS index_diff,
       count(*) FILTER (WHERE r.rank IS DISTINCT FROM o.rank) AS rank_diff
FROM methodologies m
CROSS JOIN LATERAL rezago.comuna_index(2024, m.code) r
JOIN LATERAL oracle.comuna_index(2024, m.code) o ON o.cut = r.cut
GROUP BY 1 ORDER BY 1;
SELECT m.code, count(*) AS territories, count(r.index) AS with_index,
       count(*) FILTER (WHERE (r.index IS NULL) <> (o.index IS NULL) OR abs(r.index - o.index) > 1e-9) AS index_diff,
       count(*) FILTER (WHERE r.rank IS DISTINCT FROM o.rank) AS rank_diff
FROM methodologies m
CROSS JOIN LATERAL rezago.territory_index(2024, m.code) r
JOIN LATERAL oracle.territory_index(2024, m.code) o ON o.territory = r.territory
GROUP BY 1 ORDER BY 1;

-- 5. Thresholds (observed values at the vintage), gaps and exit stages
SELECT m.code, count(*) AS variables,
       count(*) FILTER (WHERE abs(r.threshold - o.threshold) > 1e-9 OR r.comunas <> o.comunas) AS differ
FROM methodologies m
CROSS JOIN LATERAL rezago.variable_thresholds(2024, m.code) r
JOIN LATERAL oracle.variable_thresholds(2024, m.code) o ON o.variable = r.variable
GROUP BY 1 ORDER BY 1;
SELECT count(*) AS gaps,
       count(*) FILTER (WHERE (r.gap IS NULL) <> (o.gap IS NULL) OR abs(r.gap - o.gap) > 1e-9
                           OR r.overcome IS DISTINCT FROM o.overcome) AS differ
FROM rezago.territory_gaps(2024, 'publico') r
JOIN oracle.territory_gaps(2024, 'publico') o USING (territory, variable);
SELECT r.stage, count(*) AS territories, count(*) FILTER (WHERE r.stage IS DISTINCT FROM o.stage) AS differ
FROM rezago.territory_exit(2024, 'publico') r
JOIN oracle.territory_exit(2024, 'publico') o USING (territory)
GROUP BY 1 ORDER BY 1;

-- 6. What the demo prints: the five most lagged comunas of 2024
SELECT ci.rank, c.name, round(ci.index::numeric, 4) AS index
FROM rezago.comuna_index(2024, 'publico') ci JOIN rezago.comuna c USING (cut)
WHERE ci.rank <= 5 ORDER BY ci.rank;
ROLLBACK;
