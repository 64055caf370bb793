-- Outlier treatment (methodology.outlier_treatment = coinr, COINr's Treat
-- rule) and the geometric aggregation (methodology.aggregation), doc/method.md
-- 3.2 and 3.4: hand-computed small cases, then every path of the index agrees
-- to the bit (the unit path, comuna_lag_scores and the uncertainty engine).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;

-- 1. coinr_treatment by hand.
-- a) {1..10, 30, 100}, COINr's own example: n = 12, mean = 185/12 = 15.4167;
--    sum d^2 = 8914.92, sum d^3 = 7.0997e5 ... skew (e1071 type 2) =
--    sqrt(12) sum d^3 / (sum d^2)^1.5 x sqrt(12 x 11) / 10 = 3.0632, kurt =
--    ((13 (r - 3) + 6) x 11 / (10 x 9)), r = 12 sum d^4 / (sum d^2)^2 = 9.7414:
--    fails (|3.06| >= 2 and 9.74 >= 3.5).  Skew > 0: 100 takes the next
--    value, 30: {1..10, 30, 30} has skew 1.7120 < 2: passes after 1 point.
SELECT n, round(skewness_before::numeric, 4) AS skew_before, round(kurtosis_before::numeric, 4) AS kurt_before,
       win_lo, win_hi, winsorised_low, winsorised_high, log_transform,
       round(skewness_after::numeric, 4) AS skew_after, round(kurtosis_after::numeric, 4) AS kurt_after, passes
FROM rezago.coinr_treatment('{1,2,3,4,5,6,7,8,9,10,30,100}');
-- b) the mirror image: skew -3.0632 < 0, the lowest point (-100) takes -30
SELECT win_lo, win_hi, winsorised_low, winsorised_high, round(skewness_after::numeric, 4) AS skew_after
FROM rezago.coinr_treatment('{-1,-2,-3,-4,-5,-6,-7,-8,-9,-10,-30,-100}');
-- c) winmax 0: no point may move, so the log transform of the raw values:
--    log_min = 1, log_offset = 0.01 x (100 - 1) = 0.99; 100 becomes
--    ln(100 - 1 + 0.99) = ln(99.99) = 4.60507, 1 becomes ln(0.99) = -0.01005
SELECT log_transform, log_min, log_offset, win_lo, win_hi, winsorised_low + winsorised_high AS moved
FROM rezago.coinr_treatment('{1,2,3,4,5,6,7,8,9,10,30,100}', 0);
SELECT round(rezago.treated_value(100, 1, 100, 1, 0.99)::numeric, 5) AS at_100,
       round(rezago.treated_value(1, 1, 100, 1, 0.99)::numeric, 5) AS at_1;
-- d) {0 x 9, 10}: mean 1, sum d^2 = 9 + 81 = 90, sum d^3 = -9 + 729 = 720,
--    sum d^4 = 9 + 6561 = 6570: skew = sqrt(10) 720 / 90^1.5 x sqrt(90) / 8 =
--    sqrt(10) = 3.1623, r = 10 x 6570 / 8100 = 73/9, kurt = (11 x 46/9 + 6)
--    x 9 / 56 = 10.  10 takes 0: every value equal, the statistics undefined
--    (NULL), treatment stops with 1 point moved.
SELECT round(skewness_before::numeric, 4) AS skew, round(kurtosis_before::numeric, 4) AS kurt,
       win_hi, winsorised_high, skewness_after, passes, log_transform
FROM rezago.coinr_treatment('{0,0,0,0,0,0,0,0,0,10}');
-- e) ties move together: {1..20, 200, 200} (skew 3.0023, kurt 7.8608) fails;
--    both 200s take 20 in one step (2 points): skew -0.0945 passes.
--    {1..10, 100, 100} passes untouched: skew 2.0298 but kurt 2.5772 < 3.5
SELECT win_hi, winsorised_high, round(skewness_after::numeric, 4) AS skew_after
FROM rezago.coinr_treatment(ARRAY(SELECT generate_series(1, 20)::float8) || '{200,200}'::float8[]);
SELECT win_hi, winsorised_high, round(kurtosis_before::numeric, 4) AS kurt FROM rezago.coinr_treatment('{1,2,3,4,5,6,7,8,9,10,100,100}');
-- f) NULL, NaN and infinite elements are not values; fewer than 4 values:
--    nothing to do; NULL array: NULL
SELECT n, abs(skewness_before) < 1e-12 AS skew_0, kurtosis_before, passes FROM rezago.coinr_treatment('{1,NULL,NaN,Infinity,2,3}');
SELECT rezago.coinr_treatment(NULL) IS NULL AS null_array;
SELECT rezago.coinr_treatment('{1,2,3,4}', NULL);
SELECT rezago.coinr_treatment('{1,2,3,4}', 5, 0);
SELECT rezago.coinr_treatment('{{1,2},{3,4}}');

-- 2. treated_value: clamp, then log; NULL limits: none
SELECT rezago.treated_value(5, 2, 4) AS clamped_high, rezago.treated_value(1, 2, NULL) AS clamped_low,
       rezago.treated_value(3, NULL, NULL) AS untouched, rezago.treated_value('NaN', 1, 2) AS nan_value,
       rezago.treated_value(0, NULL, NULL, 1, 0.5) = ln(0.5) AS below_log_min_is_log_offset;
SELECT rezago.treated_value(1, 3, 2);
SELECT rezago.treated_value(1, NULL, NULL, 0, 0);

-- 3. geometric terms: achievement a = 1 - s, term ln(1 + 99 a); index 1 -
--    (exp(mean) - 1) / 99.  Scores 0.2 and 0.6 with weights 1/2: a = 0.8,
--    0.4, p = 80.2, 40.6, geometric mean sqrt(80.2 x 40.6) = 57.0629, index
--    1 - 56.0629 / 99 = 0.43371 (arithmetic: 0.4)
SELECT round(rezago.geometric_index((rezago.geometric_log_achievement(0.2)
                                     + rezago.geometric_log_achievement(0.6)) / 2)::numeric, 5) AS geometric,
       rezago.geometric_index(rezago.geometric_log_achievement(0.3)) AS equal_scores_give_the_score,
       rezago.geometric_log_achievement(0) = ln(100) AS best_is_ln100,
       rezago.geometric_log_achievement(-1.5, 0.5) = ln(1 + 99 * 2.0) AS zscore_term;
SELECT rezago.geometric_log_achievement(1.5);
SELECT rezago.geometric_log_achievement(1, 0.5);
SELECT rezago.geometric_index('Infinity');

-- 4. the catalogue: one treatment, coinr not with goalposts
BEGIN;
SELECT rezago.copy_methodology('ufro2017', 't_bad');
UPDATE rezago.methodology SET outlier_treatment = 'coinr', winsor_lower = 0.05 WHERE code = 't_bad';
ROLLBACK;
BEGIN;
SELECT rezago.copy_methodology('ufro2017', 't_bad');
UPDATE rezago.methodology SET outlier_treatment = 'coinr', normalisation = 'goalpost' WHERE code = 't_bad';
UPDATE rezago.methodology_variable SET goalpost_min = 0, goalpost_max = 1 WHERE methodology = 't_bad';
SELECT rezago.require_methodology('t_bad');
ROLLBACK;
SELECT outlier_treatment, coinr_winmax, coinr_skew_threshold, coinr_kurtosis_threshold, aggregation
FROM rezago.methodology WHERE code = 'ufro2017';

-- 5. synthetic data: every path computes the same bits
BEGIN;
\set ECHO none
\o /dev/null
\i test/fixtures/uncertainty_synthetic.sql
\o
\set ECHO all
-- one variable with an outlier that COINr's rule winsorises, one it logs
UPDATE rezago.observation SET value = value * 40 WHERE period = 2023 AND variable = 'antenas'
  AND cut = (SELECT max(cut) FROM rezago.observation WHERE period = 2023 AND variable = 'antenas');
UPDATE rezago.observation SET value = exp(value / 2) WHERE period = 2023 AND variable = 'empresas';
SELECT rezago.copy_methodology('ufro2017', 't_coinr'), rezago.copy_methodology('ufro2017', 't_geo'),
       rezago.copy_methodology('ufro2017', 't_coinr_z_geo'), rezago.copy_methodology('ufro2017', 't_coinr_rank'),
       rezago.copy_methodology('ufro2017', 't_coinr_vint'), rezago.copy_methodology('ufro2017', 't_coinr_log');
UPDATE rezago.methodology SET outlier_treatment = 'coinr' WHERE code LIKE 't\_coinr%';
UPDATE rezago.methodology SET aggregation = 'geometric' WHERE code IN ('t_geo', 't_coinr_z_geo');
UPDATE rezago.methodology SET normalisation = 'zscore' WHERE code = 't_coinr_z_geo';
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 't_coinr_rank';
UPDATE rezago.methodology SET max_data_age = 1, imputation = 'median_region' WHERE code = 't_coinr_vint';
-- at most 1 point: empresas, which needs 4, is log-transformed instead
UPDATE rezago.methodology SET coinr_winmax = 1 WHERE code = 't_coinr_log';
-- what the rule did (COINr's defaults: winmax 5, 2, 3.5)
SELECT variable, treatment, n, winsorised_low, winsorised_high, cardinality(high_comunas) AS high_listed,
       log_transform, round(skewness_before::numeric, 3) AS skew_before, round(skewness_after::numeric, 3) AS skew_after
FROM rezago.outlier_treatment(2023, 't_coinr') WHERE treatment <> 'none';
SELECT variable, treatment, winsorised_low + winsorised_high AS moved, log_transform, win_lo = log_min AS log_min_is_min,
       round((log_offset / (win_hi - win_lo))::numeric, 6) AS offset_share_of_range,
       round(skewness_after::numeric, 3) AS skew_after, round(kurtosis_after::numeric, 3) AS kurt_after
FROM rezago.outlier_treatment(2023, 't_coinr_log') WHERE treatment <> 'none';
-- a) the lag scores are lag_score(treated_value(value, limits of
--    scoring_rows)) against the treated minimum and maximum, recomputed
--    here from the observations
SELECT count(*) AS scores,
       count(*) FILTER (WHERE float8send(s.score) IS DISTINCT FROM float8send(
           rezago.lag_score(rezago.treated_value(s.value, r.win_lo, r.win_hi, r.log_min, r.log_offset),
               (SELECT min(rezago.treated_value(o.value, r.win_lo, r.win_hi, r.log_min, r.log_offset))
                FROM rezago.observation o WHERE o.period = 2023 AND o.variable = s.variable),
               (SELECT max(rezago.treated_value(o.value, r.win_lo, r.win_hi, r.log_min, r.log_offset))
                FROM rezago.observation o WHERE o.period = 2023 AND o.variable = s.variable),
               r.polarity))) AS differ
FROM rezago.comuna_lag_scores(2023, 't_coinr_log') s JOIN rezago.scoring_rows(2023, 't_coinr_log') r USING (variable);
-- b) the uncertainty engine's nominal run (which reads comuna_lag_scores and
--    aggregates in C) equals territory_index to the bit, also geometric
CREATE FUNCTION pg_temp.compare(period integer) RETURNS TABLE (code text, territories bigint, index_differs bigint,
    rank_differs bigint)
LANGUAGE sql AS $$
    SELECT m.code, count(*),
           count(*) FILTER (WHERE float8send(u.index) IS DISTINCT FROM float8send(ti.index)),
           count(*) FILTER (WHERE u.rank IS DISTINCT FROM ti.rank)
    FROM (SELECT code FROM rezago.methodology WHERE code LIKE 't\_%') m
    CROSS JOIN LATERAL rezago.uncertainty_runs($1, 1, 1, m.code, vary_normalisation => false,
                                               vary_aggregation => false, weight_perturbation => 0,
                                               vary_threshold => false) u
    JOIN rezago.territory_index($1, m.code) ti ON ti.territory = u.territory
    GROUP BY m.code ORDER BY m.code
$$;
SELECT * FROM pg_temp.compare(2023);
-- c) the geometric index by hand from comuna_lag_scores and
--    methodology_weights: 1 - (exp(sum_d W_d sum_v w_v ln(1 + 99 (1 - s_v))
--    / sum of the weights present) - 1) / 99, to 1e-12
WITH t AS (
    SELECT s.cut, w.dimension, w.dimension_weight AS dw,
           sum(w.variable_weight * ln(1 + 99 * (1 - s.score))) / sum(w.variable_weight) AS dlog,
           sum(w.variable_weight) AS coverage
    FROM rezago.comuna_lag_scores(2023, 't_geo') s
    JOIN rezago.methodology_weights('t_geo') w USING (variable)
    GROUP BY s.cut, w.dimension, w.dimension_weight
), h AS (
    SELECT t.cut, 1 - (exp(sum(t.dw * t.dlog) / sum(t.dw)) - 1) / 99 AS index
    FROM t GROUP BY t.cut
    HAVING count(*) = (SELECT count(DISTINCT dimension) FROM rezago.methodology_weights('t_geo'))
       AND min(t.coverage) >= 0.5 - 1e-12
)
SELECT count(*) AS comunas, count(h.index) AS by_hand, count(ci.index) AS indexed,
       count(*) FILTER (WHERE abs(h.index - ci.index) > 1e-12 OR (h.index IS NULL) <> (ci.index IS NULL)) AS differ,
       -- mean of logs <= log of the mean: the geometric lag index is never below the arithmetic one
       count(*) FILTER (WHERE ci.index < a.index) AS geometric_below_arithmetic
FROM rezago.comuna_index(2023, 't_geo') ci
LEFT JOIN h USING (cut)
JOIN rezago.comuna_index(2023, 'ufro2017') a USING (cut);
-- d) dimension scores stay arithmetic under geometric aggregation
SELECT count(*) FILTER (WHERE float8send(g.score) IS DISTINCT FROM float8send(a.score)) AS dimension_scores_differ
FROM rezago.comuna_dimension_scores(2023, 't_geo') g
JOIN rezago.comuna_dimension_scores(2023, 'ufro2017') a USING (cut, dimension);
-- e) a treatment that only winsorises (t_coinr): its limits in the scoring
--    table of the unit_*_values aggregates (the path of the percentile
--    treatment) give comuna_index's bits (which t_coinr takes from
--    comuna_lag_scores)
SELECT count(*) FILTER (WHERE float8send(c.index) IS DISTINCT FROM float8send(x.index)) AS differ,
       count(c.index) AS indexed,
       (SELECT count(*) FROM rezago.scoring_rows(2023, 't_coinr') WHERE win_hi IS NOT NULL) AS variables_winsorised
FROM rezago.comuna_index(2023, 't_coinr') c
JOIN (SELECT o.cut, rezago.unit_index_values(o.variable, o.value, sc.variables, sc.scoring, sc.min_coverage) AS index
      FROM rezago.observation o CROSS JOIN rezago.variable_scoring(2023, 't_coinr') sc
      WHERE o.period = 2023 GROUP BY o.cut) x USING (cut);
ROLLBACK;
