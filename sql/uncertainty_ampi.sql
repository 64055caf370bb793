-- The adjusted Mazziotta-Pareto index (AMPI) in the uncertainty runs
-- (issue 18): opt-in through aggregations, or a methodology whose aggregation
-- is ampi (its nominal run).  The formula is unit_ampi_final's (one C
-- function, rezago_ampi_index in src/common.c).
-- 1. By hand.  Methodology ta: capital_social (agrupaciones_sociales,
-- participacion_electoral, 1/2 each) and capital_institucional
-- (gasto_municipal), equal dimension weights, min-max, min_coverage 0.5.
-- Six comunas, one territory each:
--                 A    B    C    D    E    F
--   agrup.        0   10   20   30   40    -    (F missing)
--   partic.       0   20   10   40   30  100
--   gasto         0    1    2    3   10    4
-- Scores: agrup. (40-x)/40: 1 .75 .5 .25 0; partic. (100-x)/100: 1 .8 .9 .6
-- .7 0; gasto (10-x)/10: 1 .9 .8 .7 0 .6.  Dimension scores (social, gasto):
-- A (1, 1), B (.775, .9), C (.7, .8), D (.425, .7), E (.35, 0), F (0, .6).
-- AMPI = m + 60 v / (70 + 60 m), m the mean, v the population variance of
-- the two scores:
--   A  m 1      v 0           1
--   B  m .8375  v .00390625   .8375 + .234375 / 120.25 = 0.839449064449
--      (M&P's form: r = 116.5, 124; M = 120.25, S^2 = 14.0625,
--       AMPI+ = 120.25 + 14.0625 / 120.25 = 120.366944; (AMPI+ - 70) / 60)
--   C  m .75    v .0025       .75 + .15 / 115 = 0.751304347826
--   D  m .5625  v .01890625   .5625 + 1.134375 / 103.75 = 0.573433734940
--   E  m .175   v .030625     .175 + 1.8375 / 80.5 = 0.197826086957
--   F  m .3     v .09         .3 + 5.4 / 88 = 0.361363636364
-- Ranks: A B C D F E.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
\set VERBOSITY default
\set SHOW_CONTEXT never
BEGIN;
INSERT INTO rezago.methodology (code, name, min_coverage) VALUES ('ta', 'ampi hand example', 0.5);
INSERT INTO rezago.methodology_dimension VALUES ('ta', 'capital_social', 1), ('ta', 'capital_institucional', 1);
INSERT INTO rezago.methodology_variable (methodology, variable) VALUES
  ('ta', 'agrupaciones_sociales'), ('ta', 'participacion_electoral'), ('ta', 'gasto_municipal');
\i test/fixtures/six_comunas.sql
SELECT rezago.copy_methodology('ta', 'ta_ampi') IS NOT NULL AS copied;
UPDATE rezago.methodology SET aggregation = 'ampi' WHERE code = 'ta_ampi';

-- every run ampi (nothing else varies): the hand values, each run alike;
-- run 0 is ta's own, arithmetic (A 1, B .8375, ...)
SELECT territory, aggregation, round(index::numeric, 12) AS index, rank, count(*) AS runs
FROM rezago.uncertainty_runs(2020, 5, 1, 'ta', vary_normalisation => false, weight_perturbation => 0,
                             vary_threshold => false, aggregations => ARRAY['ampi'])
GROUP BY 1, 2, 3, 4 ORDER BY 2, 1;
-- the nominal run of an ampi methodology is ampi, and equals territory_index
SELECT u.territory, u.aggregation, round(u.index::numeric, 12) AS index, u.rank,
       float8send(u.index) = float8send(ti.index) AS same_bits
FROM rezago.uncertainty_runs(2020, 1, 1, 'ta_ampi') u
JOIN rezago.territory_index(2020, 'ta_ampi') ti USING (territory)
WHERE u.run = 0
ORDER BY u.territory;
-- rank_uncertainty reports it as the nominal index
SELECT territory, round(nominal_index::numeric, 12) AS nominal_index, nominal_rank
FROM rezago.rank_uncertainty(2020, 10, 1, 'ta_ampi', normalisations => ARRAY['minmax', 'rank'],
                             aggregations => ARRAY['arithmetic', 'ampi'])
ORDER BY territory;
-- with a target dimension an ampi run analyses the dimension score (the
-- AMPI of one score is the score): the same values as arithmetic runs
SELECT count(*) AS rows,
       count(*) FILTER (WHERE float8send(a.index) IS DISTINCT FROM float8send(b.index)) AS differing
FROM rezago.uncertainty_runs(2020, 3, 1, 'ta', vary_normalisation => false, weight_perturbation => 0,
                             vary_threshold => false, target => 'capital_social', aggregations => ARRAY['ampi']) a
JOIN rezago.uncertainty_runs(2020, 3, 1, 'ta', vary_normalisation => false, weight_perturbation => 0,
                             vary_threshold => false, target => 'capital_social', aggregations => ARRAY['arithmetic']) b
  USING (run, territory)
WHERE a.run > 0;

-- 2. The draw: aggregation is option floor(u[2] n) + 1 of the list (u[2]
--    the second uniform of the run's stream); the default list (NULL) and
--    ARRAY['arithmetic', 'geometric'] draw the same runs as before ampi
--    existed, and the other columns of a draw never move.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE d.aggregation <> (ARRAY['arithmetic', 'geometric', 'ampi'])[floor(u[2] * 3)::int + 1]) AS wrong_aggregation,
       count(DISTINCT d.aggregation) AS aggregations_drawn
FROM rezago.uncertainty_draws(40, 3, 'ta', normalisations => ARRAY['minmax', 'rank'],
                              aggregations => ARRAY['arithmetic', 'geometric', 'ampi']) d
CROSS JOIN LATERAL rezago.random_uniforms(3, d.run, 2) u
WHERE d.run > 0;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE (a.normalisation, a.aggregation, a.threshold_rule, a.dimension_weight, a.variable_weight)
                        IS DISTINCT FROM (b.normalisation, b.aggregation, b.threshold_rule, b.dimension_weight, b.variable_weight)) AS differing_default,
       count(*) FILTER (WHERE (a.normalisation, a.threshold_rule, a.dimension_weight, a.variable_weight)
                        IS DISTINCT FROM (c.normalisation, c.threshold_rule, c.dimension_weight, c.variable_weight)) AS differing_other_columns
FROM rezago.uncertainty_draws(30, 5, 'ta', normalisations => ARRAY['minmax', 'rank']) a
JOIN rezago.uncertainty_draws(30, 5, 'ta', normalisations => ARRAY['minmax', 'rank'],
                              aggregations => ARRAY['arithmetic', 'geometric']) b USING (run, variable)
JOIN rezago.uncertainty_draws(30, 5, 'ta', normalisations => ARRAY['minmax', 'rank'],
                              aggregations => ARRAY['ampi', 'arithmetic', 'geometric']) c USING (run, variable);

-- 3. Errors: ampi with zscore could be drawn (22023; the default
--    normalisations list zscore); the list checked like the others
\set ON_ERROR_ROLLBACK on
SELECT count(*) FROM rezago.uncertainty_runs(2020, 5, 1, 'ta', aggregations => ARRAY['arithmetic', 'ampi']);
SELECT count(*) FROM rezago.uncertainty_runs(2020, 5, 1, 'ta_ampi', vary_aggregation => false);
SELECT count(*) FROM rezago.uncertainty_draws(5, 1, 'ta', aggregations => ARRAY['mpi']);
SELECT count(*) FROM rezago.uncertainty_draws(5, 1, 'ta', aggregations => ARRAY[]::text[]);
SELECT count(*) FROM rezago.uncertainty_draws(5, 1, 'ta', aggregations => ARRAY['ampi', NULL]);
SELECT count(*) FROM rezago.uncertainty_draws(5, 1, 'ta', aggregations => ARRAY['ampi', 'ampi']);
-- zscore not drawn (vary_normalisation false, ta min-max): accepted
SELECT count(*) AS rows FROM rezago.uncertainty_runs(2020, 5, 1, 'ta', vary_normalisation => false,
                                                     aggregations => ARRAY['arithmetic', 'ampi']);
\set ON_ERROR_ROLLBACK off
ROLLBACK;

-- 4. On the synthetic data (36 comunas, 18 variables, 6 dimensions, some
--    missing): every drawn ampi run equals territory_index under a copy of
--    the methodology with aggregation ampi and the run's normalisation and
--    weights (uncertainty_draws), to 1e-12, ranks exact.  u_goalpost has
--    goalposts, so all three bounded normalisations are drawn.
BEGIN;
\set ECHO none
\o /dev/null
\i test/fixtures/uncertainty_synthetic.sql
\o
\set ECHO all
CREATE TEMP TABLE runs AS
SELECT * FROM rezago.uncertainty_runs(2023, 24, 11, 'u_goalpost', normalisations => ARRAY['minmax', 'rank', 'goalpost'],
                                      aggregations => ARRAY['arithmetic', 'geometric', 'ampi'], vary_threshold => false);
CREATE TEMP TABLE ampi_runs AS SELECT DISTINCT run, normalisation FROM runs WHERE aggregation = 'ampi';
SELECT count(*) AS ampi_runs, count(DISTINCT normalisation) AS normalisations FROM ampi_runs;
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM ampi_runs LOOP
    PERFORM rezago.copy_methodology('u_goalpost', 'r' || r.run);
    UPDATE rezago.methodology SET aggregation = 'ampi', normalisation = r.normalisation WHERE code = 'r' || r.run;
  END LOOP;
END $$;
CREATE TEMP TABLE draws AS
SELECT * FROM rezago.uncertainty_draws(24, 11, 'u_goalpost', normalisations => ARRAY['minmax', 'rank', 'goalpost'],
                                       aggregations => ARRAY['arithmetic', 'geometric', 'ampi'], vary_threshold => false);
UPDATE rezago.methodology_variable mv SET weight = d.variable_weight
FROM draws d WHERE mv.methodology = 'r' || d.run AND mv.variable = d.variable;
UPDATE rezago.methodology_dimension md SET weight = d.dimension_weight
FROM (SELECT DISTINCT run, dimension, dimension_weight FROM draws) d
WHERE md.methodology = 'r' || d.run AND md.dimension = d.dimension;
SELECT count(*) AS compared, count(r.index) AS with_index,
       count(*) FILTER (WHERE NOT (abs(r.index - ti.index) <= 1e-12)
                        OR (r.index IS NULL) <> (ti.index IS NULL)) AS index_differs,
       count(*) FILTER (WHERE r.rank IS DISTINCT FROM ti.rank) AS rank_differs,
       max(abs(r.index - ti.index)) < 1e-12 AS within_1e12
FROM ampi_runs a
JOIN runs r USING (run)
CROSS JOIN LATERAL (SELECT * FROM rezago.territory_index(2023, 'r' || a.run) t WHERE t.territory = r.territory) ti;
-- and AMPI is not the arithmetic index there (so the comparison can
-- fail): the same draws with aggregations {arithmetic} give every other
-- column alike; AMPI is at least the arithmetic index, above it when the
-- dimension scores differ
SELECT count(*) AS compared, count(*) FILTER (WHERE r.index > b.index) AS above_arithmetic,
       count(*) FILTER (WHERE r.index < b.index) AS below_arithmetic
FROM runs r
JOIN rezago.uncertainty_runs(2023, 24, 11, 'u_goalpost', normalisations => ARRAY['minmax', 'rank', 'goalpost'],
                             aggregations => ARRAY['arithmetic'], vary_threshold => false) b USING (run, territory)
WHERE r.aggregation = 'ampi';
-- rank_sensitivity and comuna_rank_uncertainty draw it too
SELECT input, first_order IS NOT NULL AS estimated
FROM rezago.rank_sensitivity(2023, 20, 1, 'u_goalpost', normalisations => ARRAY['minmax', 'rank'],
                             aggregations => ARRAY['arithmetic', 'ampi'], weight_perturbation => 0)
ORDER BY input;
SELECT count(*) AS comunas, count(nominal_rank) AS ranked
FROM rezago.comuna_rank_uncertainty(2023, 20, 1, 'u_goalpost', normalisations => ARRAY['minmax', 'rank'],
                                    aggregations => ARRAY['ampi']);
ROLLBACK;
