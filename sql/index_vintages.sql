-- Vintages and imputation (doc/method.md 3.0), worked out by hand.
-- Seven comunas in two regiones: 101, 102 (provincia 11), 103, 107 (12) in
-- región 1; 104, 105 (21), 106 (22) in región 2.  Methodology toy: two
-- variables, agrupaciones_sociales (capital_social) and antenas
-- (capital_fisico), polarity +1, one per dimension, equal weights.
--   agrupaciones 2018: 5 15 25 35 45 25 (101..106)
--   agrupaciones 2019: 105 = 99
--   agrupaciones 2020: 10 20 30 40 (101..104); 105, 106, 107 missing
--   antenas 2018:      1 2 3 4 5 6 (101..106); 107 never
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
INSERT INTO rezago.comuna (cut, name, provincia_code, region_code) VALUES
    (101, 'A', 11, 1), (102, 'B', 11, 1), (103, 'C', 12, 1), (107, 'G', 12, 1),
    (104, 'D', 21, 2), (105, 'E', 21, 2), (106, 'F', 22, 2);
SELECT rezago.copy_methodology('ufro2017', 'toy');
DELETE FROM rezago.methodology_variable WHERE methodology = 'toy'
   AND variable NOT IN ('agrupaciones_sociales', 'antenas');
UPDATE rezago.methodology_dimension SET weight = 0 WHERE methodology = 'toy'
   AND dimension NOT IN ('capital_social', 'capital_fisico');
UPDATE rezago.methodology SET max_data_age = 2 WHERE code = 'toy';
SELECT rezago.copy_methodology('toy', 'toy_age0');
UPDATE rezago.methodology SET max_data_age = 0 WHERE code = 'toy_age0';
SELECT rezago.copy_methodology('toy', 'toy_age1');
UPDATE rezago.methodology SET max_data_age = 1 WHERE code = 'toy_age1';
SELECT rezago.copy_methodology('toy', 'toy_mr');
UPDATE rezago.methodology SET imputation = 'median_region' WHERE code = 'toy_mr';
SELECT rezago.copy_methodology('toy', 'toy_mp');
UPDATE rezago.methodology SET imputation = 'median_provincia' WHERE code = 'toy_mp';
SELECT rezago.copy_methodology('toy', 'toy_cf');
UPDATE rezago.methodology SET imputation = 'carry_forward' WHERE code = 'toy_cf';
SELECT rezago.copy_methodology('toy_mr', 'toy_mr_rank');
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'toy_mr_rank';
INSERT INTO rezago.observation (cut, variable, period, value)
SELECT 100 + g, 'agrupaciones_sociales', 2018, (ARRAY[5, 15, 25, 35, 45, 25])[g] FROM generate_series(1, 6) g
UNION ALL SELECT 105, 'agrupaciones_sociales', 2019, 99
UNION ALL SELECT 100 + g, 'agrupaciones_sociales', 2020, 10 * g FROM generate_series(1, 4) g
UNION ALL SELECT 100 + g, 'antenas', 2018, g FROM generate_series(1, 6) g;
-- a known-missing row (NULL) counts as no value
INSERT INTO rezago.observation VALUES (106, 'agrupaciones_sociales', 2020, NULL);

-- 1. Vintages.  2020, age 2: agrupaciones 2020 (4 comunas), antenas 2018
--    (6).  Age 1: antenas too old (2018 < 2019): NULL, 0.  2021, age 2:
--    agrupaciones 2020; antenas NULL.  Age 0 in 2020: only 2020 itself.
--    min and max of the values at the vintage: agrupaciones 2020 10 and 40
--    (106's NULL is no value), antenas 2018 1 and 6; NULL without a
--    vintage.  The same over a temporary copy in another row order (its one
--    extent statement, rezago.source_extent_statement).
CREATE TEMP TABLE vintages_copy AS SELECT * FROM rezago.observation ORDER BY value DESC NULLS FIRST;
SELECT 'age 2, 2020' AS what, variable, vintage, comunas, min, max FROM rezago.variable_vintages(2020, 'toy')
UNION ALL SELECT 'age 2, 2020, copy', * FROM rezago.variable_vintages(2020, 'toy', 'vintages_copy')
UNION ALL SELECT 'age 1, 2020, copy', * FROM rezago.variable_vintages(2020, 'toy_age1', 'vintages_copy')
UNION ALL SELECT 'age 1, 2020', * FROM rezago.variable_vintages(2020, 'toy_age1')
UNION ALL SELECT 'age 2, 2021', * FROM rezago.variable_vintages(2021, 'toy')
UNION ALL SELECT 'age 0, 2020', * FROM rezago.variable_vintages(2020, 'toy_age0')
UNION ALL SELECT 'NULL period', * FROM rezago.variable_vintages(NULL, 'toy')
ORDER BY 1, 2;

-- 2. Scores at the vintage, no imputation.  agrupaciones 10..40: (40 - x)/30
--    = 1, 2/3, 1/3, 0; antenas 1..6: (6 - x)/5 = 1, .8, .6, .4, .2, 0.
--    Index = mean of the two dimensions: 101 1, 102 .733333, 103 .466667,
--    104 .2; 105, 106 miss capital_social; 107 has nothing.
SELECT cut, round(index::numeric, 6) AS index, rank, missing_dimensions
FROM rezago.comuna_index(2020, 'toy') ORDER BY cut;
-- age 1: antenas too old, so capital_fisico is missing everywhere
SELECT count(*) AS comunas, count(index) AS with_index,
       count(*) FILTER (WHERE 'capital_fisico' = ANY (missing_dimensions)) AS missing_fisico
FROM rezago.comuna_index(2020, 'toy_age1');
SELECT cut, variable, vintage, round(score::numeric, 6) AS score, imputed
FROM rezago.comuna_lag_scores(2020, 'toy') ORDER BY variable, cut;

-- 3. Imputation.
--    median_region: región 2 has only 104's 40 observed, so 105 and 106 get
--    40 (score 0); 107 gets the región 1 medians: agrupaciones median(10,
--    20, 30) = 20 (score 2/3), antenas median(1, 2, 3) = 2 (score .8).
--    median_provincia: 105 gets provincia 21's 40; 106's provincia 22 has no
--    observed value: the national median(10, 20, 30, 40) = 25 (score .5);
--    107 gets provincia 12's 30 (1/3) and 3 (.6).
--    carry_forward: 105 its 2019 99 (above the max: score 0, clamped), 106
--    its 2018 25 (.5; its 2020 row is NULL); 107 has nothing: no row.
SELECT m.code, v.cut, v.variable, v.vintage, v.value, v.imputed
FROM (VALUES ('toy_mr'), ('toy_mp'), ('toy_cf')) m(code)
CROSS JOIN LATERAL rezago.scoring_values(2020, m.code) v
WHERE v.imputed ORDER BY 1, 2, 3;
-- indices: 105 (0 + .2)/2 = .1 under all three; 106 (0 + 0)/2 = 0 (mr),
-- (.5 + 0)/2 = .25 (mp, cf); 107 (2/3 + .8)/2 = .733333 (mr),
-- (1/3 + .6)/2 = .466667 (mp), NULL (cf: nothing to carry)
SELECT m.code, i.cut, round(i.index::numeric, 6) AS index, i.rank
FROM (VALUES ('toy_mr'), ('toy_mp'), ('toy_cf')) m(code)
CROSS JOIN LATERAL rezago.comuna_index(2020, m.code) i
WHERE i.cut >= 105 ORDER BY 1, 2;
-- dimension scores with imputed values count towards coverage (1 here)
SELECT cut, dimension, round(score::numeric, 6) AS score, coverage
FROM rezago.comuna_dimension_scores(2020, 'toy_mr') WHERE cut >= 105 ORDER BY 1, 2;

-- 4. Imputed values never move the reference population: the same lo, hi
--    (and mean, sd under zscore) as without imputation, and the same
--    thresholds (means of the observed values: agrupaciones 25, antenas 3.5).
SELECT m.code, count(*) AS variables,
       count(*) FILTER (WHERE (r.lo, r.hi, r.vintage) IS NOT DISTINCT FROM (b.lo, b.hi, b.vintage)) AS same_as_toy
FROM (VALUES ('toy_mr'), ('toy_mp'), ('toy_cf')) m(code)
CROSS JOIN LATERAL rezago.scoring_rows(2020, m.code) r
JOIN rezago.scoring_rows(2020, 'toy') b ON b.variable = r.variable
GROUP BY 1 ORDER BY 1;
SELECT m.code, count(*) AS variables,
       count(*) FILTER (WHERE (r.lo, r.hi) IS NOT DISTINCT FROM (b.lo, b.hi)) AS same_as_toy
FROM (VALUES ('toy_mr'), ('toy_cf')) m(code)
CROSS JOIN LATERAL rezago.scoring_rows(2020, m.code, 'zscore') r
JOIN rezago.scoring_rows(2020, 'toy', 'zscore') b ON b.variable = r.variable
GROUP BY 1 ORDER BY 1;
SELECT variable, threshold, source, comunas FROM rezago.variable_thresholds(2020, 'toy_mr') ORDER BY 1;

-- 5. Rank with imputation: observed agrupaciones 40, 30, 20, 10 score 0,
--    1/3, 2/3, 1 (the share of the others less lagged); the imputed 40s
--    (105, 106) score 0 (no observed value is higher), 107's imputed 20
--    scores 2/3, as the observed 20.  antenas: 107's imputed 2 scores as
--    102's 2, 0.8.
SELECT cut, variable, round(score::numeric, 6) AS score, imputed
FROM rezago.comuna_lag_scores(2020, 'toy_mr_rank') ORDER BY variable, cut;

-- 6. The general path (vintages) and the direct one give the same bits: in
--    2018 every variable has data, so age 2 and age 0 read the same rows.
SELECT count(*) AS comunas,
       count(*) FILTER (WHERE float8send(a.index) IS NOT DISTINCT FROM float8send(b.index)
                          AND a.rank IS NOT DISTINCT FROM b.rank) AS identical
FROM rezago.comuna_index(2018, 'toy') a JOIN rezago.comuna_index(2018, 'toy_age0') b USING (cut);

-- 7. Territories, gaps and explanations.  t1 = {104, 105}, t2 = {106, 107}.
--    Gaps use observed values only: t1 agrupaciones = 40 (104; 105 imputed),
--    threshold 25: gap -15; t2 agrupaciones: no member observed: NULL.
INSERT INTO rezago.territory VALUES ('t1', 'T1'), ('t2', 'T2');
INSERT INTO rezago.territory_member VALUES ('t1', 104), ('t1', 105), ('t2', 106), ('t2', 107);
SELECT territory, variable, value, threshold, gap, overcome FROM rezago.territory_gaps(2020, 'toy_mr') ORDER BY 1, 2;
-- territory index (mean of members): t1 (.2 + .1)/2 = .15, t2 (0 + .733333)/2
SELECT territory, round(index::numeric, 6) AS index, rank FROM rezago.territory_index(2020, 'toy_mr') ORDER BY 1;
-- explanations carry the vintage, the imputed flag and the source of an
-- observed value (105's antenas: SUBTEL 2018; an imputed value has none)
UPDATE rezago.observation SET source = 'SUBTEL 2018' WHERE variable = 'antenas';
SELECT cut, variable, value, vintage, imputed, source, round(contribution::numeric, 6) AS contribution
FROM rezago.comuna_contributions(2020, 'toy_mr') WHERE cut IN (105, 107) ORDER BY 1, 2;
-- t2's agrupaciones: both members imputed, no value, vintage still 2020
SELECT territory, variable, value, members_with_value, members_imputed, vintage
FROM rezago.territory_contributions(2020, 'toy_mr') ORDER BY 1, 2;

-- 8. The uncertainty engine reads the same scores and stages: its nominal
--    run equals territory_index and territory_exit bit for bit.
SELECT m.code, count(*) AS territories,
       count(*) FILTER (WHERE float8send(u.index) IS DISTINCT FROM float8send(ti.index)) AS index_differs,
       count(*) FILTER (WHERE u.exit_stage IS DISTINCT FROM te.stage) AS stage_differs
FROM (VALUES ('toy'), ('toy_mr'), ('toy_mp'), ('toy_cf'), ('toy_mr_rank')) m(code)
CROSS JOIN LATERAL rezago.uncertainty_runs(2020, 1, 1, m.code, vary_normalisation => false,
                                           vary_aggregation => false, weight_perturbation => 0,
                                           vary_threshold => false) u
JOIN rezago.territory_index(2020, m.code) ti ON ti.territory = u.territory
JOIN rezago.territory_exit(2020, m.code) te ON te.territory = u.territory
WHERE u.run = 0
GROUP BY 1 ORDER BY 1;

-- 9. Bad input: unknown methodology, out-of-range parameters.
SAVEPOINT bad;
SELECT count(*) FROM rezago.variable_vintages(2020, 'nope');
ROLLBACK TO bad;
SELECT count(*) FROM rezago.scoring_values(2020, 'nope');
ROLLBACK TO bad;
UPDATE rezago.methodology SET max_data_age = -1 WHERE code = 'toy';
ROLLBACK TO bad;
UPDATE rezago.methodology SET imputation = 'mean' WHERE code = 'toy';
ROLLBACK TO bad;
ROLLBACK;
