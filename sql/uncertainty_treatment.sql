-- The imputation and the outlier treatment as varied inputs of the
-- uncertainty runs (issue 18), by hand.  Methodology tt: capital_social
-- (agrupaciones_sociales, participacion_electoral, 1/2 each) and
-- capital_institucional (gasto_municipal), equal dimension weights, min-max,
-- min_coverage 0.5, imputation none, winsor_upper 0.8 (percentile).
-- Six comunas, one territory each; región 1: A B C F, región 2: D E.
--                 A    B    C    D    E    F
--   agrup.        0   10   20   30   40    -    (F missing)
--   partic.       0   20   10   40   30  100
--   gasto         0    1    2    3   10    4
-- Treatment none: agrup. (40-x)/40: 1 .75 .5 .25 0; partic. (100-x)/100:
--   1 .8 .9 .6 .7 0; gasto (10-x)/10: 1 .9 .8 .7 0 .6.
-- Treatment percentile (winsor_upper .8, percentile_cont over the observed
--   values): agrup. {0,10,20,30,40} pos 3.2 -> 32; partic. {0,10,20,30,40,100}
--   pos 4 -> 40; gasto {0,1,2,3,4,10} pos 4 -> 4.  Scores: agrup. (32-x)/32:
--   1 .6875 .375 .0625 0; partic. (40-min(x,40))/40: 1 .5 .75 0 .25 0; gasto
--   (4-min(x,4))/4: 1 .75 .5 .25 0 0.
-- Imputation median_region: F's agrup. = median of A B C (0 10 20) = 10,
--   scored against the observed values: .75 (none), .6875 (percentile).
-- Index = (social + gasto) / 2, social = mean of the available scores
-- (F without agrup.: partic. alone, coverage 1/2):
--                    A     B         C        D         E       F
--   none/none        1   .8375     .75      .5625     .175    .3
--   none/pct         1   .671875   .53125   .140625   .0625   0
--   region/none      as none/none except F (.75 + 0)/2 = .375, (.375 + .6)/2 = .4875
--   region/pct       as none/pct  except F (.6875 + 0)/2 = .34375, /2 = .171875
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
\set VERBOSITY default
\set SHOW_CONTEXT never
BEGIN;
INSERT INTO rezago.methodology (code, name, min_coverage, winsor_upper) VALUES ('tt', 'treatment hand example', 0.5, 0.8);
INSERT INTO rezago.methodology_dimension VALUES ('tt', 'capital_social', 1), ('tt', 'capital_institucional', 1);
INSERT INTO rezago.methodology_variable (methodology, variable) VALUES
  ('tt', 'agrupaciones_sociales'), ('tt', 'participacion_electoral'), ('tt', 'gasto_municipal');
\i test/fixtures/six_comunas.sql

-- the methodology with each treatment and imputation, for comuna_index
SELECT rezago.copy_methodology('tt', x) IS NOT NULL AS copied FROM unnest(ARRAY['tt_nn', 'tt_rn', 'tt_rp', 'tt_nc', 'tt_rc']) x;
UPDATE rezago.methodology SET winsor_upper = NULL WHERE code IN ('tt_nn', 'tt_rn', 'tt_nc', 'tt_rc');
UPDATE rezago.methodology SET outlier_treatment = 'coinr' WHERE code IN ('tt_nc', 'tt_rc');
UPDATE rezago.methodology SET imputation = 'median_region' WHERE code IN ('tt_rn', 'tt_rp', 'tt_rc');
CREATE TEMP TABLE combo (imputation text, outlier_treatment text, methodology text);
INSERT INTO combo VALUES ('none', 'none', 'tt_nn'), ('none', 'percentile', 'tt'),
  ('median_region', 'none', 'tt_rn'), ('median_region', 'percentile', 'tt_rp'),
  ('none', 'coinr', 'tt_nc'), ('median_region', 'coinr', 'tt_rc');

-- 1. The what-if arguments of comuna_lag_scores (after observations):
--    F's scores under each combination, as above; and the methodology's
--    own rules by require_rule (tt: none, percentile; tt_rc: median_region,
--    coinr; tt_nn: none, none).
SELECT c.imputation, c.outlier_treatment, s.variable, s.value, s.score, s.imputed
FROM combo c CROSS JOIN LATERAL rezago.comuna_lag_scores(2020, 'tt', NULL, 'rezago.observation',
                                                         c.imputation, c.outlier_treatment) s
WHERE s.cut = 906 AND c.outlier_treatment <> 'coinr'
ORDER BY 1, 2, 3;
SELECT x AS methodology, rezago.require_rule(x, 'imputation') AS imputation,
       rezago.require_rule(x, 'outlier_treatment') AS outlier_treatment
FROM unnest(ARRAY['tt', 'tt_rc', 'tt_nn']) x;
-- positional calls without the new arguments are unchanged: tt's own rules
SELECT count(*) AS differing FROM (
  (SELECT cut, variable, score FROM rezago.comuna_lag_scores(2020, 'tt', NULL, 'rezago.observation')
   EXCEPT SELECT cut, variable, score FROM rezago.comuna_lag_scores(2020, 'tt', NULL, 'rezago.observation', 'none', 'percentile'))
  UNION ALL
  (SELECT cut, variable, score FROM rezago.comuna_lag_scores(2020, 'tt', NULL, 'rezago.observation', 'none', 'percentile')
   EXCEPT SELECT cut, variable, score FROM rezago.comuna_lag_scores(2020, 'tt'))) d;

-- 2. The runs draw them: nothing else varies, so each run's index is the
--    nominal index under its imputation and treatment.  The draw: with 2
--    dimensions and 3 variables the uniforms are u[1..3] choices, u[4..5]
--    dimension weights, u[6..8] variable weights, then u[9] the imputation
--    and u[10] the treatment (1-based): option floor(u n) + 1 of the list.
CREATE TEMP TABLE runs AS
SELECT * FROM rezago.uncertainty_runs(2020, 40, 7, 'tt', vary_normalisation => false, vary_aggregation => false,
                                      weight_perturbation => 0, vary_threshold => false,
                                      imputations => ARRAY['none', 'median_region'],
                                      outlier_treatments => ARRAY['none', 'percentile', 'coinr']);
-- which imputation and treatment each run drew, recomputed from random_uniforms
SELECT count(DISTINCT run) AS runs,
       count(*) FILTER (WHERE r.imputation <> (ARRAY['none', 'median_region'])[floor(u[9] * 2)::int + 1]) AS wrong_imputation,
       count(*) FILTER (WHERE r.outlier_treatment <> (ARRAY['none', 'percentile', 'coinr'])[floor(u[10] * 3)::int + 1]) AS wrong_treatment,
       count(DISTINCT (r.imputation, r.outlier_treatment)) AS combinations_drawn
FROM runs r CROSS JOIN LATERAL rezago.random_uniforms(7, r.run, 10) u
WHERE r.run > 0;
-- run 0 is the methodology's own: none, percentile
SELECT DISTINCT imputation, outlier_treatment FROM runs WHERE run = 0;
-- F's index in every run: the hand values above
SELECT imputation, outlier_treatment, index, count(*) AS runs
FROM runs WHERE territory = 't906' AND outlier_treatment <> 'coinr'
GROUP BY 1, 2, 3 ORDER BY 1, 2;
-- every territory's index in every run equals comuna_index under a copy of
-- the methodology with the run's imputation and treatment (coinr too), to 1e-12
SELECT count(*) AS compared,
       count(*) FILTER (WHERE NOT (abs(r.index - ci.index) <= 1e-12)) AS differing
FROM runs r
JOIN combo c ON c.imputation = r.imputation AND c.outlier_treatment = r.outlier_treatment
CROSS JOIN LATERAL rezago.comuna_index(2020, c.methodology) ci
WHERE 't' || ci.cut = r.territory;

-- 3. The other draws do not move: uncertainty_draws with and without the
--    new inputs give the same weights and choices run by run (their columns
--    come after every existing one); without them the run's imputation and
--    treatment are the methodology's own.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE (a.normalisation, a.aggregation, a.threshold_rule, a.dimension_weight, a.variable_weight)
                        IS DISTINCT FROM (b.normalisation, b.aggregation, b.threshold_rule, b.dimension_weight, b.variable_weight)) AS differing,
       count(DISTINCT (b.imputation, b.outlier_treatment)) AS own_rules
FROM rezago.uncertainty_draws(20, 3, 'tt', imputations => ARRAY['median_provincia', 'carry_forward'],
                              outlier_treatments => ARRAY['coinr']) a
JOIN rezago.uncertainty_draws(20, 3, 'tt') b USING (run, variable);
SELECT DISTINCT imputation, outlier_treatment FROM rezago.uncertainty_draws(20, 3, 'tt');

-- 4. rank_sensitivity lists them as inputs.  comuna_rank_uncertainty with
--    none/percentile drawn (no coinr): F ranks 6 nominally (none/pct: A 1,
--    B .671875, C .53125, D .140625, E .0625, F 0), 5 under none/none
--    (.3 < D .5625) and region/none (.4875 < .5625), 4 under region/pct
--    (.171875 > D .140625): best 4, worst 6.
SELECT input, inputs FROM rezago.rank_sensitivity(2020, 20, 1, 'tt', false, false, 0, false,
                                                  imputations => ARRAY['none', 'median_region'],
                                                  outlier_treatments => ARRAY['none', 'percentile'])
ORDER BY input;
SELECT cut, nominal_index, nominal_rank, best_rank, worst_rank, ranked_runs
FROM rezago.comuna_rank_uncertainty(2020, 40, 7, 'tt', false, false, 0,
                                    imputations => ARRAY['none', 'median_region'],
                                    outlier_treatments => ARRAY['none', 'percentile'])
WHERE cut = 906;

-- 5. Errors: unknown names, repeated, empty, NULL element (22023, 22004);
--    percentile on a methodology without winsorisation limits (22023), in
--    the runs and in the what-if arguments; unknown rule of require_rule.
SAVEPOINT errors;
SELECT count(*) FROM rezago.uncertainty_draws(2, 1, 'tt', imputations => ARRAY['mean']);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO errors;
SELECT count(*) FROM rezago.uncertainty_draws(2, 1, 'tt', outlier_treatments => ARRAY['coinr', 'coinr']);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO errors;
SELECT count(*) FROM rezago.uncertainty_draws(2, 1, 'tt', imputations => ARRAY[]::text[]);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO errors;
SELECT count(*) FROM rezago.uncertainty_draws(2, 1, 'tt', outlier_treatments => ARRAY[NULL]::text[]);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO errors;
SELECT count(*) FROM rezago.uncertainty_draws(2, 1, 'tt_nn', outlier_treatments => ARRAY['none', 'percentile']);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO errors;
SELECT count(*) FROM rezago.comuna_lag_scores(2020, 'tt_nn', outlier_treatment => 'percentile');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO errors;
SELECT count(*) FROM rezago.scoring_values(2020, 'tt', imputation => 'mean');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO errors;
SELECT count(*) FROM rezago.scoring_rows(2020, 'tt', outlier_treatment => 'log');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO errors;
ROLLBACK;
