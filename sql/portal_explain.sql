-- Explanations (rezago.comuna_contributions, rezago.territory_contributions,
-- rezago.explain_territory, v_*_explanation) on the hand example of
-- sql/index_hand.sql, plus a second period worked out by hand below.
-- Contributions must sum to the index to 1e-12.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\i test/fixtures/portal_hand.sql

-- comuna 104, 2020: participacion is missing, so agrupaciones carries the whole
-- social weight (.5) and participacion 0; 106 has no index: NULL weights
SELECT cut, variable, value, score, effective_weight, contribution
FROM rezago.comuna_contributions(2020, 'toy') WHERE cut IN (101, 104, 106) ORDER BY cut, variable;

-- every comuna and period: effective weights sum to 1 and contributions to
-- the index of rezago.comuna_index, to 1e-12
SELECT p AS period, count(DISTINCT x.cut) AS comunas,
       count(*) FILTER (WHERE abs(x.w - 1) > 1e-12) AS weight_sum_off,
       count(*) FILTER (WHERE abs(x.c - ci.index) > 1e-12) AS contribution_sum_off,
       count(*) FILTER (WHERE x.c IS NULL AND ci.index IS NOT NULL) AS missing
FROM generate_series(2020, 2021) p
CROSS JOIN LATERAL (SELECT cc.cut, sum(cc.effective_weight) AS w, sum(cc.contribution) AS c
                    FROM rezago.comuna_contributions(p, 'toy') cc WHERE cc.index IS NOT NULL GROUP BY cc.cut) x
JOIN LATERAL rezago.comuna_index(p, 'toy') ci ON ci.cut = x.cut
GROUP BY p ORDER BY p;

-- territory 2020: t1 = {101 .75, 102 .1875} -> .46875; agrupaciones: value
-- (10+20)/2 = 15, threshold 28 (national mean), gap 13, score (1+.75)/2 = .875,
-- weight .25, contribution .21875 (the weakest variable); gasto score 0 (the strongest)
SELECT variable, value, threshold, gap, overcome, score, effective_weight, contribution,
       round(contribution_share::numeric, 6) AS share, variable_rank, is_weakest, is_strongest
FROM rezago.explain_territory('t1', 2020, 'toy');
-- t2 = {103 .25, 104 0, 106 no index}: 106 left out of weights and contributions;
-- agrupaciones weight (.25 + .5)/2 = .375, contribution (.125 + 0)/2 = .0625
SELECT variable, value, members_with_value, effective_weight, contribution, score
FROM rezago.explain_territory('t2', 2020, 'toy') ORDER BY variable;
-- every territory and period: contributions sum to the index of
-- rezago.territory_index, weights and shares to 1
SELECT p AS period, x.territory, abs(sum(x.contribution) - min(ti.index)) < 1e-12 AS sums_to_index,
       abs(sum(x.effective_weight) - 1) < 1e-12 AS weights_sum_to_1,
       abs(sum(x.contribution) / nullif(min(x.index), 0) - 1) < 1e-12 AS shares_sum_to_1
FROM generate_series(2020, 2021) p
CROSS JOIN LATERAL rezago.territory_contributions(p, 'toy') x
JOIN LATERAL rezago.territory_index(p, 'toy') ti ON ti.territory = x.territory
GROUP BY p, x.territory ORDER BY 1, 2;
SELECT abs(sum(contribution_share) - 1) < 1e-12 AS explain_shares_sum_to_1 FROM rezago.explain_territory('t1', 2020, 'toy');

-- 2021: t2 = (1 + 1 + .5)/3 = .8333 ranks 1 (was 2), t1 = 0 ranks 2 (was 1);
-- agrupaciones threshold 30: t2 value (10+10+30)/3, gap 13.33 (behind),
-- t1 value 50, gap -20 (overcome)
SELECT territory, variable, round(value::numeric, 4) AS value, threshold, round(gap::numeric, 4) AS gap, overcome,
       round(index::numeric, 6) AS index, rank, previous_period, previous_rank, rank_change
FROM rezago.territory_contributions(2021, 'toy') WHERE variable = 'agrupaciones_sociales' ORDER BY territory;
-- variables without data in 2021 (participacion, gasto): no score, weight 0
SELECT variable, value, score, effective_weight, contribution, variable_rank, is_weakest, is_strongest
FROM rezago.explain_territory('t2', 2021, 'toy') ORDER BY variable;

-- the views follow the default methodology over every period with data
SET LOCAL rezago.default_methodology = 'toy';
SELECT period, cut, comuna, variable_name, dimension_name, gap, overcome, effective_weight, contribution, index
FROM rezago.v_comuna_explanation WHERE cut = 106 ORDER BY period, variable;
SELECT period, territory_name, variable_name, round(contribution::numeric, 6) AS contribution, is_weakest, rank, rank_change
FROM rezago.v_territory_explanation WHERE is_weakest ORDER BY period, territory;
SELECT count(*) AS rows, count(DISTINCT (period, territory)) AS territory_periods FROM rezago.v_territory_explanation;

-- threshold rules (rezago.variable_thresholds, which the explanations use):
-- agrupaciones 2020 = 10, 20, 30, 30, 50; the explanation of t1 (value 15)
-- follows each rule: mean 28 (gap 13), median 30 (15), 25th percentile 20
-- (5), fixed 25 (10)
SELECT variable, threshold, source, comunas FROM rezago.variable_thresholds(2020, 'toy') ORDER BY variable;
UPDATE rezago.methodology SET threshold_rule = 'median' WHERE code = 'toy';
SELECT t.threshold AS median, e.threshold AS explained, e.gap
FROM rezago.variable_thresholds(2020, 'toy') t, rezago.explain_territory('t1', 2020, 'toy') e
WHERE t.variable = 'agrupaciones_sociales' AND e.variable = t.variable;
UPDATE rezago.methodology SET threshold_rule = 'percentile', threshold_percentile = 0.25 WHERE code = 'toy';
SELECT t.threshold AS p25, e.threshold AS explained, e.gap
FROM rezago.variable_thresholds(2020, 'toy') t, rezago.explain_territory('t1', 2020, 'toy') e
WHERE t.variable = 'agrupaciones_sociales' AND e.variable = t.variable;
UPDATE rezago.methodology SET threshold_rule = 'fixed' WHERE code = 'toy';
UPDATE rezago.methodology_variable SET threshold_fixed = 25 WHERE methodology = 'toy' AND variable = 'agrupaciones_sociales';
-- t1 value 15 against the fixed threshold 25: gap 10
SELECT threshold, gap FROM rezago.explain_territory('t1', 2020, 'toy') WHERE variable = 'agrupaciones_sociales';
UPDATE rezago.methodology SET threshold_rule = 'mean', threshold_percentile = NULL WHERE code = 'toy';
-- an official threshold wins over the rule, for comunas and territories:
-- 18 for agrupaciones 2020 gives t1 (15) a gap of 3, comunas 101 (10) 8 and 102 (20) -2
INSERT INTO rezago.official_threshold (variable, period, value, source)
VALUES ('agrupaciones_sociales', 2020, 18, 'Resolución de prueba');
SELECT threshold, gap, overcome FROM rezago.explain_territory('t1', 2020, 'toy') WHERE variable = 'agrupaciones_sociales';
SELECT cut, threshold, gap FROM rezago.comuna_contributions(2020, 'toy')
WHERE variable = 'agrupaciones_sociales' AND cut IN (101, 102) ORDER BY cut;
DELETE FROM rezago.official_threshold;

-- population weighting: t1 = (.75*100 + .1875*300)/400 = .328125,
-- t2 = (.25*1000 + 0*3000)/4000 = .0625 (106 has no index)
UPDATE rezago.methodology SET territory_weighting = 'population' WHERE code = 'toy';
INSERT INTO rezago.observation VALUES (101, 'poblacion', 2020, 100), (102, 'poblacion', 2020, 300),
  (103, 'poblacion', 2020, 1000), (104, 'poblacion', 2020, 3000), (106, 'poblacion', 2020, 500);
SELECT x.territory, min(x.index) AS index, abs(sum(x.contribution) - min(ti.index)) < 1e-12 AS sums_to_index,
       abs(sum(x.effective_weight) - 1) < 1e-12 AS weights_sum_to_1
FROM rezago.territory_contributions(2020, 'toy') x
JOIN rezago.territory_index(2020, 'toy') ti ON ti.territory = x.territory
GROUP BY x.territory ORDER BY 1;
UPDATE rezago.methodology SET territory_weighting = 'mean' WHERE code = 'toy';

-- NULL arguments give no rows; an unknown methodology is an error
SELECT count(*) AS null_period FROM rezago.comuna_contributions(NULL, 'toy');
SELECT count(*) AS null_methodology FROM rezago.territory_contributions(2020, NULL);
SELECT count(*) AS unknown_territory FROM rezago.explain_territory('nope', 2020, 'toy');
SAVEPOINT s;
SELECT count(*) FROM rezago.explain_territory('t1', 2020, 'nope');
ROLLBACK TO s;
-- a period without data: no index, so no weights or contributions
SELECT count(*) AS rows, count(effective_weight) AS weights FROM rezago.comuna_contributions(1999, 'toy');
ROLLBACK;
