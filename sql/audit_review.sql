-- The audit of a methodology (doc/method.md section 13) on five comunas by
-- hand.  Methodology toy: capital_social (agrupaciones_sociales,
-- participacion_electoral, weight 1/2 each) and capital_institucional
-- (gasto_municipal), equal dimension weights, min-max; all polarity +1.
--              A 901  B 902  C 903  D 904  E 905
--   agrup.        0     10     20     30     40   lag (40-x)/40: 1 .75 .5 .25 0
--   partic.       0     20     10     40     30   lag (40-x)/40: 1 .5 .75 0 .25
--   gasto         0      1      2      3     10   lag (10-x)/10: 1 .9 .8 .7 0
--   social = mean:                                1 .625 .625 .125 .125
--   index = (social + gasto) / 2:                 1 .7625 .7125 .4125 .0625
-- Territories tA = {A, E} .53125, tB = {B} .7625, tC = {C} .7125,
-- tD = {D} .4125: ranks tB 1, tC 2, tA 3, tD 4.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
\set VERBOSITY default
BEGIN;
DELETE FROM rezago.territory;
\i test/fixtures/audit_toy.sql
INSERT INTO rezago.territory (code, name) VALUES ('tA', 'A+E'), ('tB', 'B'), ('tC', 'C'), ('tD', 'D');
INSERT INTO rezago.territory_member VALUES ('tA', 901), ('tA', 905), ('tB', 902), ('tC', 903), ('tD', 904);
-- the hand index above is the extension's
SELECT cut, index, rank FROM rezago.comuna_index(2020, 'toy') WHERE cut > 900 ORDER BY cut;

-- 1. variable_statistics.  agrupaciones {0, 10, 20, 30, 40}: mean = median
--    = 20, sd = sqrt(1000/4) = 15.8113883, skewness 0, G2 = 1.25 x 340000 /
--    62500 - 8 = -1.2; quartiles (type 7) 10 and 30, fences -20 and 60: no
--    outlier.  gasto {0, 1, 2, 3, 10}: mean 3.2, median 2, sd sqrt(15.7) =
--    3.96232255, G1 = 5/12 x 269.28 / 15.7^1.5 = 1.803613088759003, G2 =
--    1.25 x 1490.0192 / 246.49 - 8 = 3.50399610531867; q1 1, q3 3, fences
--    -2 and 6: E (905, 10) is an outlier above.  5 of 5 comunas (share 1).
SELECT variable, dimension, vintage, n, imputed, share_available, min, max, mean, median,
       round(sd::numeric, 8) AS sd, round(skewness::numeric, 12) AS skewness,
       round(excess_kurtosis::numeric, 12) AS excess_kurtosis, q1, q3, outliers_low, outliers_high, outlier_comunas
FROM rezago.variable_statistics(2020, 'toy');
-- a period without data: n 0 and NULL statistics
SELECT variable, vintage, n, mean, outlier_comunas FROM rezago.variable_statistics(1990, 'toy');

-- 2. variable_correlations of the lag scores.  agrup. vs partic.: deviations
--    (.5 .25 0 -.25 -.5), (.5 0 .25 -.5 -.25): sxy .5, sxx = syy = .625,
--    r = 0.8; ranks (5 4 3 2 1), (5 3 4 1 2): spearman 8/10 = 0.8; of the
--    10 pairs 8 concordant and 2 discordant (B-C, D-E): kendall 0.6.
--    Redundant above the threshold 0.75, not above the default 0.9.
--    gasto (deviations .32 .22 .12 .02 -.68, sum of squares .628) with
--    agrup.: .55 / sqrt(.625 x .628) = 0.877895572914, with partic.: .35 /
--    sqrt(.625 x .628) = 0.558660819127 (across dimensions: never flagged);
--    agrup. with social (deviations .5 .125 .125 -.375 -.375, .5625):
--    .5625 / sqrt(.625 x .5625) = sqrt(.9) = 0.948683298051; gasto with its
--    own dimension 1.
SELECT variable, other_kind, other, n, round(correlation::numeric, 12) AS r, redundant, incoherent
FROM rezago.variable_correlations(2020, 'toy');
SELECT m AS method, round(c.correlation::numeric, 12) AS r, c.redundant
FROM unnest(ARRAY['spearman', 'kendall']) m
CROSS JOIN LATERAL rezago.variable_correlations(2020, 'toy', m, 0.75) c
WHERE c.variable = 'agrupaciones_sociales' AND c.other = 'participacion_electoral';

-- 3. dimension_reliability.  capital_social: var of each item .15625,
--    totals 2 1.25 1.25 .25 .25, var .5625: alpha = 2 (1 - .3125 / .5625) =
--    8/9; corr .8: eigenvalue 1.8, share .9.  capital_institucional: one
--    item.  index: social (1 .625 .625 .125 .125), var .140625; institucional
--    (1 .9 .8 .7 0), var .157; totals var .522625: alpha = 2 x .225 /
--    .522625 = 0.8610380291796221; corr .45 / sqrt(.5625 x .628) =
--    0.7571316976876031: eigenvalue 1.7571316976876031, share 0.8785658488438015.
SELECT level, items, comunas, round(cronbach_alpha::numeric, 12) AS alpha,
       round(first_eigenvalue::numeric, 12) AS first_eigenvalue,
       round(first_component_share::numeric, 12) AS share
FROM rezago.dimension_reliability(2020, 'toy');

-- 4. effective_weights.  Nominal: 1/4, 1/4, 1/2.  Terms .25 s_agr,
--    .25 s_par, .5 s_gas; index deviations (.41 .1725 .1225 -.1775 -.5275),
--    sum of squares .522625: shares .25 x .55625 / .522625 = 0.266084668739536,
--    .25 x .45625 / .522625 = 0.218249222674001, .5 x .539 / .522625 =
--    0.515666108586463 (sum 1).  Without a period: nominal only.
SELECT variable, nominal_weight, comunas, round(variance_share::numeric, 12) AS variance_share
FROM rezago.effective_weights('toy', 2020);
SELECT variable, nominal_weight, comunas, variance_share FROM rezago.effective_weights('toy');

-- 5. variable_influence, n = 1.
--    Without agrupaciones: index = (partic. + gasto) / 2 = 1 .7 .775 .35 .125:
--      comunas A1 C2 B3 D4 E5, shifts 0 1 1 0 0 (mean .4, max 1); tA .5625,
--      tB .7, tC .775, tD .35: tC 1, tB 2 (shifts 1 1 0 0: mean .5), tC enters
--      the top 1 and tB leaves.
--    Without participacion: index 1 .825 .65 .475 0: no rank moves.
--    Without gasto: capital_institucional is empty and leaves; index = social
--      1 .625 .625 .125 .125: A1 B2 C2 D4 E4 (C and E move 1: mean .4);
--      tA .5625, tB = tC .625, tD .125: tB 1, tC 1, tA 3, tD 4 (tC moves 1:
--      mean .25); tC enters the top 1 beside tB.
SELECT * FROM rezago.variable_influence(2020, 'toy', 1);

-- 6. compare_methodologies: toy against toy_b, the same with dimension
--    weights 1 (social) and 3 (institucional): index = .25 social + .75
--    gasto = 1 .83125 .75625 .55625 .03125; tA .515625, tB .83125,
--    tC .75625, tD .55625: tB 1, tC 2, tD 3, tA 4.  With n = 3, tA leaves
--    and tD enters.  Spearman of (tA .53125, tB .7625, tC .7125, tD .4125)
--    and (.515625, .83125, .75625, .55625): ranks (2 4 3 1), (1 4 3 2),
--    r = 4 / 5 = 0.8; Kendall: 5 concordant pairs, 1 discordant (tA-tD):
--    4 / 6 = 0.666666666667.
SELECT rezago.copy_methodology('toy', 'toy_b') IS NOT NULL AS copied;
UPDATE rezago.methodology_dimension SET weight = 3 WHERE methodology = 'toy_b' AND dimension = 'capital_institucional';
SELECT territory, index_a, rank_a, index_b, rank_b, rank_shift, top_n_a, top_n_b, compared,
       round(spearman::numeric, 12) AS spearman, round(kendall::numeric, 12) AS kendall
FROM rezago.compare_methodologies(2020, 'toy', 'toy_b', 3);

-- 7. Errors and NULLs: unknown methodology (42704), unknown method (22023),
--    n out of range (22023), NULL period of variable_influence (22004);
--    the SQL functions give no data for a NULL period
SAVEPOINT errors;
SELECT * FROM rezago.variable_statistics(2020, 'nope');
ROLLBACK TO errors;
SELECT * FROM rezago.variable_correlations(2020, 'toy', 'tau');
ROLLBACK TO errors;
SELECT * FROM rezago.variable_influence(2020, 'toy', 0);
ROLLBACK TO errors;
SELECT * FROM rezago.variable_influence(NULL, 'toy');
ROLLBACK TO errors;
SELECT * FROM rezago.compare_methodologies(2020, 'toy', 'nope');
ROLLBACK TO errors;
SELECT level, comunas, cronbach_alpha FROM rezago.dimension_reliability(NULL, 'toy');
SELECT count(*) AS rows, count(correlation) AS correlations FROM rezago.variable_correlations(NULL, 'toy');
-- 8. variable_correlations under a geometric methodology correlates with the
--    geometric index (rezago.comuna_index), not the arithmetic one.  toy_g =
--    toy with aggregation geometric: p = 1 + 99 (1 - s); social = sqrt(p_agr
--    p_par); P = sqrt(social p_gas); index = 1 - (P - 1) / 99:
--      A 1; B p 25.75, 50.5, 10.9: 0.809840551098; C 50.5, 25.75, 20.8:
--      0.733461870142; D 75.25, 100, 30.7: 0.488833545100; E 100, 75.25,
--      100: 0.069313741766.
--    Pearson with the lag scores (computed apart in double precision):
--    agrup. 0.962819342685, partic. 0.744039498131, gasto 0.966201132086
--    (the arithmetic index gave 0.973273559033, 0.798303031566,
--    0.940835840152).  The dimension scores stay arithmetic (as for
--    comuna_dimension_scores): agrup. with social sqrt(.9) as in section 2.
SELECT rezago.copy_methodology('toy', 'toy_g') IS NOT NULL AS copied;
UPDATE rezago.methodology SET aggregation = 'geometric' WHERE code = 'toy_g';
SELECT cut, round(index::numeric, 12) AS index FROM rezago.comuna_index(2020, 'toy_g') WHERE cut > 900 ORDER BY cut;
SELECT variable, other_kind, other, n, round(correlation::numeric, 12) AS r, incoherent
FROM rezago.variable_correlations(2020, 'toy_g')
WHERE other_kind IN ('index', 'dimension') ORDER BY variable, other_kind;
ROLLBACK;
