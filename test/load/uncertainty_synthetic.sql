-- SYNTHETIC test data for the uncertainty tests (values made up by a formula,
-- not real statistics): comunas 9001..9036, period 2023, territories t1..t8,
-- t_noindex, t_empty, and methodologies u_* covering every option.
-- Run inside the caller's transaction (the tests roll it back).
-- 36 synthetic comunas; 18 variables; value of variable k (1..18) at comuna g
-- is ((7919 g + 104729 k) mod 1009) / 10 + k, missing when (g + k) mod 13 = 0.
-- Comunas 35 and 36 miss every capital_cultural variable (no index).
INSERT INTO rezago.comuna (cut, name) SELECT 9000 + g, 'Synthetic ' || g FROM generate_series(1, 36) g;
CREATE TEMP TABLE synthetic AS
SELECT 9000 + g AS cut, v.code AS variable, 2023 AS period,
       CASE WHEN (g + v.k) % 13 = 0 OR (g >= 35 AND v.dimension = 'capital_cultural') THEN NULL
            ELSE ((7919 * g + 104729 * v.k) % 1009) / 10.0 + v.k END::float8 AS value
FROM generate_series(1, 36) g
CROSS JOIN (SELECT code, dimension, row_number() OVER (ORDER BY code) AS k
            FROM rezago.variable WHERE dimension <> 'context') v
UNION ALL   -- population, for population weighting (missing for two comunas)
SELECT 9000 + g, 'poblacion', 2023, CASE WHEN g % 17 <> 0 THEN 1000 + 37 * g END
FROM generate_series(1, 36) g;
SELECT rezago.import_observations('synthetic');

-- territories: 8 of four comunas, one whose members have no index, one empty;
-- comunas 33 and 34 belong to none (they still count for normalisation)
INSERT INTO rezago.territory (code, name)
SELECT 't' || t, 'Synthetic territory ' || t FROM generate_series(1, 8) t
UNION ALL VALUES ('t_noindex', 'members without index'), ('t_empty', 'no members');
INSERT INTO rezago.territory_member (territory, cut)
SELECT 't' || (1 + (g - 1) / 4), 9000 + g FROM generate_series(1, 32) g
UNION ALL VALUES ('t_noindex', 9035), ('t_noindex', 9036);

-- methodologies: every normalisation, winsorisation, uneven and zero weights,
-- population weighting, every threshold rule
SELECT rezago.copy_methodology('ufro2017', 'u_zscore'), rezago.copy_methodology('ufro2017', 'u_rank'),
       rezago.copy_methodology('ufro2017', 'u_goalpost'), rezago.copy_methodology('ufro2017', 'u_winsor'),
       rezago.copy_methodology('ufro2017', 'u_weights'), rezago.copy_methodology('ufro2017', 'u_pop'),
       rezago.copy_methodology('ufro2017', 'u_median'), rezago.copy_methodology('ufro2017', 'u_pct'),
       rezago.copy_methodology('ufro2017', 'u_fixed');
UPDATE rezago.methodology SET normalisation = 'zscore' WHERE code = 'u_zscore';
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'u_rank';
UPDATE rezago.methodology SET normalisation = 'goalpost' WHERE code = 'u_goalpost';
UPDATE rezago.methodology_variable SET goalpost_min = 10, goalpost_max = 100 WHERE methodology = 'u_goalpost';
UPDATE rezago.methodology SET winsor_lower = 0.1, winsor_upper = 0.85 WHERE code = 'u_winsor';
SELECT rezago.copy_methodology('u_winsor', 'u_winsor_z'), rezago.copy_methodology('u_winsor', 'u_winsor_r');
UPDATE rezago.methodology SET normalisation = 'zscore' WHERE code = 'u_winsor_z';
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'u_winsor_r';
UPDATE rezago.methodology_dimension SET weight = length(dimension) - 10 WHERE methodology = 'u_weights';
UPDATE rezago.methodology_dimension SET weight = 0 WHERE methodology = 'u_weights' AND dimension = 'capital_fisico';
UPDATE rezago.methodology_variable SET weight = 1 + length(variable) % 3 WHERE methodology = 'u_weights';
UPDATE rezago.methodology_variable SET weight = 0 WHERE methodology = 'u_weights'
   AND (variable = 'puntaje_psu' OR variable IN (SELECT code FROM rezago.variable WHERE dimension = 'capital_fisico'));
UPDATE rezago.methodology SET territory_weighting = 'population', min_coverage = 0.6 WHERE code = 'u_pop';
UPDATE rezago.methodology SET threshold_rule = 'median' WHERE code = 'u_median';
UPDATE rezago.methodology SET threshold_rule = 'percentile', threshold_percentile = 0.3 WHERE code = 'u_pct';
UPDATE rezago.methodology SET threshold_rule = 'fixed' WHERE code = 'u_fixed';
UPDATE rezago.methodology_variable SET threshold_fixed = 50 WHERE methodology = 'u_fixed' AND variable < 'p';
-- an official threshold wins over every threshold rule
INSERT INTO rezago.official_threshold (variable, period, value, source)
VALUES ('antenas', 2023, 90, 'synthetic test threshold');
