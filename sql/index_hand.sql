-- Hand-computed example: every dimension score, index, rank and territory
-- mean below was worked out on paper (values in the comments) and is
-- asserted exactly (tolerance 1e-12).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\i test/fixtures/hand_example.sql

CREATE TEMP TABLE want_dim (cut int, dimension text, score float8, coverage float8);
INSERT INTO want_dim VALUES
  (101, 'capital_social', 1, 1),        (101, 'capital_institucional', 0.5, 1),
  (102, 'capital_social', 0.375, 1),    (102, 'capital_institucional', 0, 1),
  (103, 'capital_social', 0.25, 1),     (103, 'capital_institucional', 0.25, 1),
  (104, 'capital_social', 0, 0.5),      (104, 'capital_institucional', 0, 1),
  (105, 'capital_social', 0.25, 1),     (105, 'capital_institucional', 0.25, 1),
  (106, 'capital_institucional', 0, 0.5);
-- every expected row is produced with the expected values, and nothing else
SELECT w.cut, w.dimension, g.score, g.coverage,
       abs(g.score - w.score) < 1e-12 AS score_ok, abs(g.coverage - w.coverage) < 1e-12 AS coverage_ok
FROM want_dim w FULL JOIN rezago.comuna_dimension_scores(2020, 'toy') g USING (cut, dimension)
ORDER BY 1, 2;

-- index = mean of the two dimensions; 106 lacks capital_social entirely
SELECT cut, index, rank, missing_dimensions,
       abs(index - CASE cut WHEN 101 THEN 0.75 WHEN 102 THEN 0.1875 WHEN 103 THEN 0.25
                            WHEN 104 THEN 0 WHEN 105 THEN 0.25 END) < 1e-12 AS index_ok
FROM rezago.comuna_index(2020, 'toy') ORDER BY cut;

-- territories: T1 = {101, 102} -> (0.75 + 0.1875)/2 = 0.46875;
-- T2 = {103, 104, 106} -> (0.25 + 0)/2 = 0.125 with 2 of 3 scored
INSERT INTO rezago.territory VALUES ('t1', 'Uno-Dos', NULL), ('t2', 'Tres-Cuatro-Seis', 103);
INSERT INTO rezago.territory_member VALUES ('t1', 101), ('t1', 102), ('t2', 103), ('t2', 104), ('t2', 106);
SELECT territory, index, rank, members, scored FROM rezago.territory_index(2020, 'toy') ORDER BY territory;
-- territory dimension scores: T1 social (1+.375)/2 = .6875, institutional .25;
-- T2 social (.25+0)/2 = .125 (106 unscored), institutional (.25+0+0)/3
SELECT territory, dimension, score, members, scored
FROM rezago.territory_dimension_scores(2020, 'toy') ORDER BY territory, dimension;

-- the effective weights of ufro2017 sum to 1 and are 1/6 per dimension
SELECT dimension, count(*) AS variables, round(sum(effective_weight)::numeric, 12) AS weight
FROM rezago.methodology_weights() GROUP BY dimension ORDER BY dimension;
-- and its six dimensions are numbered in code order
SELECT rezago.methodology_dimension_codes();

-- other normalisations on the same data
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'toy';
-- agrupaciones by lag: 50 -> 0, 30,30 -> (2-1)/4 = .25, 20 -> .75, 10 -> 1
SELECT cut, score FROM rezago.comuna_lag_scores(2020, 'toy')
WHERE variable = 'agrupaciones_sociales' ORDER BY cut;
UPDATE rezago.methodology SET normalisation = 'zscore' WHERE code = 'toy';
-- agrupaciones mean 28, squared deviations 324+64+4+484+4 = 880, sample sd sqrt(880/4):
-- z(101) = (28-10)/sqrt(220)
SELECT cut, abs(score - (28 - v) / sqrt(220)) < 1e-12 AS z_ok
FROM rezago.comuna_lag_scores(2020, 'toy') JOIN (VALUES (101,10),(102,20),(103,30),(104,50),(105,30)) x(c, v) ON c = cut
WHERE variable = 'agrupaciones_sociales' ORDER BY cut;
UPDATE rezago.methodology SET normalisation = 'goalpost' WHERE code = 'toy';
SAVEPOINT before_error;
SELECT rezago.comuna_index(2020, 'toy');  -- error: no goalposts
ROLLBACK TO before_error;
UPDATE rezago.methodology_variable SET goalpost_min = 0, goalpost_max = 40 WHERE methodology = 'toy';
-- agrupaciones against 0..40: 10 -> .75, 20 -> .5, 30 -> .25, 50 -> clamped 0
SELECT cut, score FROM rezago.comuna_lag_scores(2020, 'toy')
WHERE variable = 'agrupaciones_sociales' ORDER BY cut;
-- winsorisation at the 25th/75th percentiles: agrupaciones 10,20,30,30,50
-- -> limits 20 and 30 -> values 20,20,30,30,30 -> minmax scores 1,1,0,0,0
UPDATE rezago.methodology SET normalisation = 'minmax', winsor_lower = 0.25, winsor_upper = 0.75 WHERE code = 'toy';
SELECT cut, value, score FROM rezago.comuna_lag_scores(2020, 'toy')
WHERE variable = 'agrupaciones_sociales' ORDER BY cut;
ROLLBACK;
