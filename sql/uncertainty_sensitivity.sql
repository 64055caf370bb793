-- Sensitivity indices: the estimators (Saltelli 2010 first order, Jansen
-- total order, over a Saltelli design) on functions whose indices are known
-- in closed form, through rezago.sensitivity_analytic, which runs the same
-- design and estimator code as rank_sensitivity; then rank_sensitivity on
-- SYNTHETIC data, where some indices are exactly 0 or 1 by construction.
-- Estimates are checked against the exact value both within 4 of their
-- standard errors and within an absolute 0.03.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;

-- 1. Additive model Y = 1 x1 + 2 x2 + 3 x3, x uniform on [0, 1): Var(a x) = a^2/12,
--    so S_i = ST_i = a_i^2 / (1 + 4 + 9); E[Y] = 3, Var Y = 14/12.
WITH want(input, s) AS (VALUES ('x1', 1 / 14.0), ('x2', 4 / 14.0), ('x3', 9 / 14.0))
SELECT input, round(s, 4) AS exact,
       abs(first_order - s) < least(4 * first_order_se, 0.03) AS first_order_ok,
       abs(total_order - s) < least(4 * total_order_se, 0.03) AS total_order_ok,
       abs(output_mean - 3) < 0.02 AS mean_ok, abs(output_variance - 14 / 12.0) < 0.03 AS variance_ok,
       base_samples, model_runs, inputs
FROM rezago.sensitivity_analytic('linear', 20000, 1, ARRAY[1, 2, 3]) JOIN want USING (input)
ORDER BY input;

-- 2. An input the output ignores has indices exactly 0 (f(A_B) = f(A) row by row)
SELECT input, first_order = 0 AS first_is_zero, total_order = 0 AS total_is_zero,
       abs(first_order - 1) < 0.03 AS first_is_one, abs(total_order - 1) < 0.03 AS total_is_one
FROM rezago.sensitivity_analytic('linear', 5000, 7, ARRAY[2, 0]) ORDER BY input;

-- 3. Ishigami function (a = 7, b = 0.1), x uniform on [-pi, pi]:
--    V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2,
--    V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50); S3 = 0, ST2 = S2, interaction x1-x3.
WITH c AS (SELECT 7.0::float8 AS a, 0.1::float8 AS b),
v AS (SELECT a * a / 8 + b * pi() ^ 4 / 5 + b * b * pi() ^ 8 / 18 + 0.5 AS v,
             (1 + b * pi() ^ 4 / 5) ^ 2 / 2 AS v1, a * a / 8 AS v2,
             b * b * pi() ^ 8 * (1 / 18.0 - 1 / 50.0) AS v13 FROM c),
want AS (SELECT 'x1' AS input, v1 / v AS s, (v1 + v13) / v AS st FROM v
         UNION ALL SELECT 'x2', v2 / v, v2 / v FROM v
         UNION ALL SELECT 'x3', 0, v13 / v FROM v)
SELECT input, round(s::numeric, 4) AS exact_first, round(st::numeric, 4) AS exact_total,
       abs(first_order - s) < least(4 * first_order_se, 0.03) AS first_order_ok,
       abs(total_order - st) < least(4 * total_order_se, 0.03) AS total_order_ok
FROM rezago.sensitivity_analytic('ishigami', 20000, 3) JOIN want USING (input)
ORDER BY input;
-- the same coefficients given explicitly give the same estimates
SELECT count(*) FILTER (WHERE a.first_order <> b.first_order OR a.total_order <> b.total_order) AS differ
FROM rezago.sensitivity_analytic('ishigami', 500, 3) a
JOIN rezago.sensitivity_analytic('ishigami', 500, 3, ARRAY[7, 0.1]) b USING (input);

-- 4. The error shrinks with the sample: first-order standard errors at
--    N = 1000 are about sqrt(10) times those at N = 10000
SELECT input, round((a.first_order_se / b.first_order_se)::numeric, 1) BETWEEN 2.5 AND 4.0 AS se_ratio_ok
FROM rezago.sensitivity_analytic('linear', 1000, 5, ARRAY[1, 1]) a
JOIN rezago.sensitivity_analytic('linear', 10000, 5, ARRAY[1, 1]) b USING (input)
ORDER BY input;

-- 5. rank_sensitivity on synthetic data
BEGIN;
\set ECHO none
\o /dev/null
\i test/fixtures/uncertainty_synthetic.sql
\o
\set ECHO all
CREATE TEMP TABLE sens AS SELECT * FROM rezago.rank_sensitivity(2023, 400, 1);
-- one input per varied choice and one weight group per dimension;
-- N (k + 2) model runs
SELECT input, inputs, base_samples, model_runs FROM sens ORDER BY input;
-- the ranking does not depend on the threshold rule: its indices are exactly 0;
-- the others are proper shares (total >= 0)
SELECT input, first_order = 0 AND total_order = 0 AS exactly_zero, total_order >= 0 AS total_nonnegative
FROM sens ORDER BY input;
-- and with stage_shift as the output, only the threshold rule matters:
-- normalisation, aggregation and weights are exactly 0, the threshold rule near 1
SELECT input, first_order = 0 AND total_order = 0 AS exactly_zero,
       abs(total_order - 1) < 0.05 AS total_near_one, abs(first_order - 1) < 0.2 AS first_near_one
FROM rezago.rank_sensitivity(2023, 400, 1, output => 'stage_shift') ORDER BY input;
-- a single varied input explains all the variance: ST = 1 up to sampling error
SELECT input, abs(total_order - 1) < 0.05 AS total_near_one, abs(first_order - 1) < 0.2 AS first_near_one,
       output_mean > 0 AS ranking_moves
FROM rezago.rank_sensitivity(2023, 400, 2, vary_normalisation => true, vary_aggregation => false,
                             weight_perturbation => 0, vary_threshold => false);
-- deterministic for a seed, different for another
SELECT count(*) FILTER (WHERE a.*::text <> b.*::text) AS differ_same_seed
FROM sens a JOIN rezago.rank_sensitivity(2023, 400, 1) b USING (input);
SELECT count(*) FILTER (WHERE a.first_order <> b.first_order) > 0 AS other_seed_differs
FROM sens a JOIN rezago.rank_sensitivity(2023, 400, 9) b USING (input);
-- output_mean is the mean absolute rank shift over the rows of A and B: with
-- only the aggregation varied, half the rows are the nominal ranking (shift 0)
-- and half the geometric ranking, whose shift uncertainty_runs gives
SELECT abs(s.output_mean - g.shift * 0.5) < 0.1 * g.shift AS mean_is_half_the_geometric_shift
FROM rezago.rank_sensitivity(2023, 2000, 4, vary_normalisation => false, vary_aggregation => true,
                             weight_perturbation => 0, vary_threshold => false) s,
     (SELECT avg(abs(u.rank - n.rank)) AS shift
      FROM rezago.uncertainty_runs(2023, 30, 4, 'ufro2017', false, true, 0, false) u
      JOIN rezago.uncertainty_runs(2023, 1, 4) n ON n.run = 0 AND n.territory = u.territory
      WHERE u.aggregation = 'geometric' AND u.run > 0) g;
ROLLBACK;
