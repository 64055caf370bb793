-- The uncertainty engine (rank_uncertainty, uncertainty_runs, uncertainty_draws)
-- on SYNTHETIC data (values made up by a formula, labelled as such):
--  * the nominal run equals rezago.territory_index (1e-9 on the index, exact
--    rank) under every normalisation, winsorisation, weights, population
--    weighting; its exit stage equals rezago.territory_exit and a plain-SQL
--    oracle under every threshold rule, with an official threshold;
--  * with every input fixed, every run is the nominal run;
--  * a single varied choice reproduces the index computed directly with it;
--  * every run of a full analysis equals the plain-SQL oracle
--    (test/oracle/oracle.sql: window functions and aggregates) fed with
--    the same draws, and rank_uncertainty equals the oracle's summary;
--  * draws: weights within their range and renormalised, all options drawn;
--  * determinism: same seed, same result; run r does not depend on the number
--    of runs; the same in a parallel worker.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;

-- synthetic data: see the file for what it holds
\set ECHO none
\o /dev/null
\i test/fixtures/uncertainty_synthetic.sql
\o
\set ECHO all
-- 1. The nominal run equals territory_index (index to 1e-9, same rank)
CREATE TEMP TABLE methodologies AS
SELECT unnest(ARRAY['ufro2017', 'u_zscore', 'u_rank', 'u_goalpost', 'u_winsor', 'u_weights',
                    'u_pop', 'u_median', 'u_pct', 'u_fixed']) AS code;
SELECT m.code, count(*) AS territories, count(ti.rank) AS ranked,
       count(*) FILTER (WHERE (u.index IS NULL) <> (ti.index IS NULL) OR abs(u.index - ti.index) > 1e-9) AS index_diff,
       count(*) FILTER (WHERE u.rank IS DISTINCT FROM ti.rank) AS rank_diff,
       count(*) FILTER (WHERE u.normalisation IS DISTINCT FROM x.normalisation OR u.aggregation <> 'arithmetic'
                           OR u.threshold_rule IS DISTINCT FROM x.threshold_rule) AS not_nominal
FROM methodologies m
JOIN rezago.methodology x ON x.code = m.code
CROSS JOIN LATERAL rezago.uncertainty_runs(2023, 1, 1, m.code) u
JOIN rezago.territory_index(2023, m.code) ti ON ti.territory = u.territory
WHERE u.run = 0
GROUP BY m.code ORDER BY m.code;
-- and its exit stage equals rezago.territory_exit (the status functions)
SELECT m.code, count(*) AS territories, count(*) FILTER (WHERE u.exit_stage IS DISTINCT FROM e.stage) AS stage_diff,
       count(DISTINCT e.stage) AS stages
FROM methodologies m
CROSS JOIN LATERAL rezago.uncertainty_runs(2023, 1, 1, m.code) u
JOIN rezago.territory_exit(2023, m.code) e ON e.territory = u.territory
WHERE u.run = 0
GROUP BY m.code ORDER BY m.code;
-- rank_uncertainty reports the same nominal index and rank
SELECT count(*) AS territories,
       count(*) FILTER (WHERE (r.nominal_index IS NULL) <> (ti.index IS NULL) OR abs(r.nominal_index - ti.index) > 1e-9
                           OR r.nominal_rank IS DISTINCT FROM ti.rank) AS diff
FROM rezago.rank_uncertainty(2023, 10) r JOIN rezago.territory_index(2023) ti USING (territory);
-- the nominal ranking itself (ufro2017), for the record
SELECT territory, round(nominal_index::numeric, 6) AS nominal_index, nominal_rank, nominal_stage
FROM rezago.rank_uncertainty(2023, 10) ORDER BY nominal_rank NULLS LAST, territory;

-- the nominal exit stage under every threshold rule equals the plain-SQL oracle
\set ECHO none
\i test/oracle/oracle.sql
\set ECHO all
CREATE TEMP TABLE stage_check (methodology text, territories bigint, stage_diff bigint, stages text);
DO $$
DECLARE m text;
BEGIN
    FOREACH m IN ARRAY ARRAY['ufro2017', 'u_median', 'u_pct', 'u_fixed'] LOOP
        INSERT INTO stage_check
        SELECT m, count(*), count(*) FILTER (WHERE u.exit_stage IS DISTINCT FROM o.exit_stage),
               string_agg(u.exit_stage || ':' || u.territory, ' ' ORDER BY u.territory)
        FROM rezago.uncertainty_runs(2023, 1, 1, m) u
        JOIN oracle.uncertainty_runs(2023, 1, 1, m) o USING (run, territory)
        WHERE u.run = 0;
    END LOOP;
END $$;
SELECT * FROM stage_check ORDER BY methodology;

-- 2. Every input fixed: every run is the nominal run
SELECT count(*) AS rows, count(DISTINCT u.run) AS runs,
       count(*) FILTER (WHERE (u.index IS NULL) <> (n.index IS NULL) OR u.index <> n.index
                           OR u.rank IS DISTINCT FROM n.rank OR u.exit_stage <> n.exit_stage) AS differ_from_nominal
FROM rezago.uncertainty_runs(2023, 50, 7, 'ufro2017', vary_normalisation => false, vary_aggregation => false,
                             weight_perturbation => 0, vary_threshold => false) u
JOIN rezago.uncertainty_runs(2023, 1, 7, 'ufro2017') n ON n.run = 0 AND n.territory = u.territory;
SELECT count(*) FILTER (WHERE median_rank IS DISTINCT FROM nominal_rank::float8
                           OR rank_p05 IS DISTINCT FROM nominal_rank::float8
                           OR rank_p95 IS DISTINCT FROM nominal_rank::float8
                           OR best_rank IS DISTINCT FROM nominal_rank OR worst_rank IS DISTINCT FROM nominal_rank
                           OR top_n_probability <> coalesce(nominal_rank <= 3, false)::int
                           OR ranked_runs <> CASE WHEN nominal_rank IS NULL THEN 0 ELSE 50 END) AS rank_summary_diff,
       count(*) FILTER (WHERE CASE nominal_stage WHEN 'insufficient_data' THEN p_insufficient_data
                                  WHEN 'lagging' THEN p_lagging WHEN 'exit_started' THEN p_exit_started
                                  WHEN 'exit_advanced' THEN p_exit_advanced ELSE p_exited END <> 1) AS stage_summary_diff
FROM rezago.rank_uncertainty(2023, 50, 7, 'ufro2017', false, false, 0, false, top_n => 3);

-- 3. One varied choice reproduces the index computed directly with that choice
SELECT c.normalisation, count(*) AS rows, count(DISTINCT u.run) AS runs,
       count(*) FILTER (WHERE (u.index IS NULL) <> (ti.index IS NULL) OR abs(u.index - ti.index) > 1e-9
                           OR u.rank IS DISTINCT FROM ti.rank) AS diff
FROM (VALUES ('zscore', 'u_zscore'), ('rank', 'u_rank'), ('goalpost', 'u_goalpost'), ('minmax', 'ufro2017')) c(normalisation, methodology)
CROSS JOIN LATERAL rezago.uncertainty_runs(2023, 20, 3, 'u_goalpost', vary_normalisation => true,
        vary_aggregation => false, weight_perturbation => 0, vary_threshold => false,
        normalisations => ARRAY[c.normalisation]) u
JOIN rezago.territory_index(2023, c.methodology) ti ON ti.territory = u.territory
WHERE u.run > 0
GROUP BY c.normalisation ORDER BY c.normalisation;
-- the same with winsorisation, which applies before every normalisation
SELECT c.normalisation, count(DISTINCT u.run) AS runs,
       count(*) FILTER (WHERE (u.index IS NULL) <> (ti.index IS NULL) OR abs(u.index - ti.index) > 1e-9
                           OR u.rank IS DISTINCT FROM ti.rank) AS diff
FROM (VALUES ('zscore', 'u_winsor_z'), ('rank', 'u_winsor_r'), ('minmax', 'u_winsor')) c(normalisation, methodology)
CROSS JOIN LATERAL rezago.uncertainty_runs(2023, 10, 3, 'u_winsor', true, false, 0, false,
        normalisations => ARRAY[c.normalisation]) u
JOIN rezago.territory_index(2023, c.methodology) ti ON ti.territory = u.territory
WHERE u.run > 0
GROUP BY c.normalisation ORDER BY c.normalisation;
-- a threshold rule alone: the stages of the methodology with that rule
SELECT c.rule, count(*) FILTER (WHERE u.exit_stage <> n.exit_stage) AS diff
FROM (VALUES ('median', 'u_median'), ('mean', 'ufro2017')) c(rule, methodology)
CROSS JOIN LATERAL rezago.uncertainty_runs(2023, 20, 3, 'ufro2017', false, false, 0, true,
        threshold_rules => ARRAY[c.rule]) u
JOIN rezago.uncertainty_runs(2023, 1, 3, c.methodology) n ON n.run = 0 AND n.territory = u.territory
WHERE u.run > 0
GROUP BY c.rule ORDER BY c.rule;
-- weights alone, drawn at 0: the nominal weights; a perturbed weight set,
-- written into a methodology, gives the index of that run
SELECT count(*) FILTER (WHERE abs(d.variable_weight - w.variable_weight) > 1e-15
                           OR abs(d.dimension_weight - w.dimension_weight) > 1e-15) AS diff
FROM rezago.uncertainty_draws(5, 1, 'u_weights', false, false, 0, false) d
JOIN rezago.methodology_weights('u_weights') w USING (variable);
SAVEPOINT run_as_methodology;
SELECT rezago.copy_methodology('u_weights', 'u_run4');
UPDATE rezago.methodology_variable mv SET weight = d.variable_weight
FROM rezago.uncertainty_draws(4, 11, 'u_weights', false, false, 0.25, false) d
WHERE mv.methodology = 'u_run4' AND d.run = 4 AND d.variable = mv.variable;
UPDATE rezago.methodology_dimension md SET weight = d.dimension_weight
FROM (SELECT DISTINCT dimension, dimension_weight
      FROM rezago.uncertainty_draws(4, 11, 'u_weights', false, false, 0.25, false) WHERE run = 4) d
WHERE md.methodology = 'u_run4' AND d.dimension = md.dimension;
SELECT count(*) AS territories,
       count(*) FILTER (WHERE (u.index IS NULL) <> (ti.index IS NULL) OR abs(u.index - ti.index) > 1e-9
                           OR u.rank IS DISTINCT FROM ti.rank) AS diff,
       count(*) FILTER (WHERE abs(u.index - n.index) > 1e-6) AS moved_from_nominal
FROM rezago.uncertainty_runs(2023, 4, 11, 'u_weights', false, false, 0.25, false) u
JOIN rezago.territory_index(2023, 'u_run4') ti USING (territory)
JOIN rezago.territory_index(2023, 'u_weights') n USING (territory)
WHERE u.run = 4;
ROLLBACK TO SAVEPOINT run_as_methodology;

-- 4. A full analysis (every input varies) equals the plain-SQL oracle, run by run
SELECT count(*) AS rows, count(DISTINCT run) AS runs,
       count(*) FILTER (WHERE (u.index IS NULL) <> (o.index IS NULL) OR abs(u.index - o.index) > 1e-9) AS index_diff,
       count(*) FILTER (WHERE u.rank IS DISTINCT FROM o.rank) AS rank_diff,
       count(*) FILTER (WHERE u.exit_stage IS DISTINCT FROM o.exit_stage) AS stage_diff
FROM rezago.uncertainty_runs(2023, 200, 42) u
FULL JOIN oracle.uncertainty_runs(2023, 200, 42) o USING (run, territory);
-- the runs really differ: choices drawn, ranks and stages that move
SELECT normalisation, aggregation, count(DISTINCT run) AS runs
FROM rezago.uncertainty_runs(2023, 200, 42) WHERE run > 0
GROUP BY ROLLUP (normalisation, aggregation) ORDER BY 1, 2;
SELECT threshold_rule, count(DISTINCT run) AS runs, count(DISTINCT exit_stage) AS stages
FROM rezago.uncertainty_runs(2023, 200, 42) WHERE run > 0 GROUP BY 1 ORDER BY 1;
-- and the summary equals the oracle's, in both storage modes of the ranks
-- (a histogram when runs >= territories + 1, else the ranks themselves)
SELECT count(*) AS territories,
       count(*) FILTER (WHERE r.median_rank IS DISTINCT FROM o.median_rank OR abs(r.rank_p05 - o.rank_p05) > 1e-9
                           OR abs(r.rank_p95 - o.rank_p95) > 1e-9 OR r.best_rank IS DISTINCT FROM o.best_rank
                           OR r.worst_rank IS DISTINCT FROM o.worst_rank
                           OR abs(r.top_n_probability - o.top_n_probability) > 1e-12
                           OR r.ranked_runs <> o.ranked_runs) AS rank_diff,
       count(*) FILTER (WHERE abs(r.p_insufficient_data - o.p_insufficient_data) > 1e-12
                           OR abs(r.p_lagging - o.p_lagging) > 1e-12 OR abs(r.p_exit_started - o.p_exit_started) > 1e-12
                           OR abs(r.p_exit_advanced - o.p_exit_advanced) > 1e-12
                           OR abs(r.p_exited - o.p_exited) > 1e-12) AS stage_diff
FROM rezago.rank_uncertainty(2023, 200, 42, top_n => 3) r
JOIN oracle.rank_uncertainty(2023, 200, 42, top_n => 3) o USING (territory);
SELECT count(*) AS territories,
       count(*) FILTER (WHERE r.median_rank IS DISTINCT FROM o.median_rank OR abs(r.rank_p05 - o.rank_p05) > 1e-9
                           OR abs(r.rank_p95 - o.rank_p95) > 1e-9 OR r.best_rank IS DISTINCT FROM o.best_rank
                           OR r.worst_rank IS DISTINCT FROM o.worst_rank
                           OR abs(r.top_n_probability - o.top_n_probability) > 1e-12) AS rank_diff
FROM rezago.rank_uncertainty(2023, 7, 42, top_n => 3) r
JOIN oracle.rank_uncertainty(2023, 7, 42, top_n => 3) o USING (territory);
-- the summary as a planner reads it
SELECT territory, nominal_rank, median_rank, rank_p05, rank_p95, best_rank, worst_rank,
       round(top_n_probability::numeric, 3) AS p_top3, ranked_runs, nominal_stage,
       round(p_lagging::numeric, 3) AS p_lagging, round(p_exit_started::numeric, 3) AS p_started,
       round(p_exit_advanced::numeric, 3) AS p_advanced, round(p_exited::numeric, 3) AS p_exited
FROM rezago.rank_uncertainty(2023, 200, 42, top_n => 3)
ORDER BY nominal_rank NULLS LAST, territory;

-- 5. Draws: renormalised weights within their range, every option drawn evenly
CREATE TEMP TABLE draws300 AS SELECT * FROM rezago.uncertainty_draws(300, 5, 'u_weights');
SELECT count(DISTINCT run) AS runs,
       (SELECT max(abs(s - 1)) < 1e-12 FROM (SELECT sum(variable_weight) AS s FROM draws300
                                            GROUP BY run, dimension) v) AS variable_weights_sum_to_1,
       (SELECT max(abs(s - 1)) < 1e-12 FROM (SELECT run, sum(dimension_weight) AS s
                                            FROM (SELECT DISTINCT run, dimension, dimension_weight FROM draws300) x
                                            GROUP BY run) d) AS dimension_weights_sum_to_1
FROM draws300;
-- each weight is the nominal one times a factor in [0.75, 1.25], renormalised:
-- ratios to the nominal weight stay within [0.75/1.25, 1.25/0.75] and spread
SELECT min(d.variable_weight / w.variable_weight) >= 0.75 / 1.25 AS vw_low_ok,
       max(d.variable_weight / w.variable_weight) <= 1.25 / 0.75 AS vw_high_ok,
       min(d.dimension_weight / w.dimension_weight) >= 0.75 / 1.25 AS dw_low_ok,
       max(d.dimension_weight / w.dimension_weight) <= 1.25 / 0.75 AS dw_high_ok,
       max(d.dimension_weight / w.dimension_weight) > 1.15 AS dw_spread
FROM draws300 d
JOIN rezago.methodology_weights('u_weights') w USING (variable)
WHERE d.run > 0;
SELECT kind, option, round(share::numeric, 2) AS share
FROM (SELECT 'normalisation' AS kind, normalisation AS option, count(*)::float8 / 3000 AS share
      FROM rezago.uncertainty_draws(3000, 9) WHERE run > 0 AND variable = 'antenas' GROUP BY 2
      UNION ALL
      SELECT 'aggregation', aggregation, count(*)::float8 / 3000
      FROM rezago.uncertainty_draws(3000, 9) WHERE run > 0 AND variable = 'antenas' GROUP BY 2
      UNION ALL
      SELECT 'threshold_rule', threshold_rule, count(*)::float8 / 3000
      FROM rezago.uncertainty_draws(3000, 9) WHERE run > 0 AND variable = 'antenas' GROUP BY 2) x
ORDER BY kind, option;

-- 6. Determinism: same seed, same runs; run r whatever the number of runs;
-- another seed, other runs
SELECT count(*) AS rows,
       count(*) FILTER (WHERE a.index IS DISTINCT FROM b.index OR a.rank IS DISTINCT FROM b.rank
                           OR a.exit_stage <> b.exit_stage OR a.normalisation <> b.normalisation) AS differ
FROM rezago.uncertainty_runs(2023, 30, 99) a
JOIN rezago.uncertainty_runs(2023, 300, 99) b USING (run, territory);
SELECT count(*) FILTER (WHERE a.index IS DISTINCT FROM b.index) > 0 AS other_seed_differs
FROM rezago.uncertainty_runs(2023, 30, 99) a
JOIN rezago.uncertainty_runs(2023, 30, 100) b USING (run, territory) WHERE run > 0;
SELECT md5(string_agg(r::text, ';' ORDER BY r.territory)) AS serial_md5, count(*) AS territories
FROM rezago.rank_uncertainty(2023, 500, 3) r \gset
SELECT md5(string_agg(r::text, ';' ORDER BY r.territory)) = :'serial_md5' AS same_again
FROM rezago.rank_uncertainty(2023, 500, 3) r;
-- under force_parallel_mode: rank_uncertainty reads observations, perhaps
-- from a temporary table (observations =>), which a parallel worker cannot
-- read, so it is PARALLEL RESTRICTED and stays in the leader (no Gather),
-- with the same result
SAVEPOINT parallel;
SET LOCAL force_parallel_mode = on;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
EXPLAIN (COSTS OFF)
SELECT md5(string_agg(r::text, ';' ORDER BY r.territory)) FROM rezago.rank_uncertainty(2023, 500, 3) r;
SELECT md5(string_agg(r::text, ';' ORDER BY r.territory)) = :'serial_md5' AS same_in_leader
FROM rezago.rank_uncertainty(2023, 500, 3) r;
ROLLBACK TO SAVEPOINT parallel;

-- 7. Ties share a rank in every run (1, 1, 3): a twin of t3 (same members)
INSERT INTO rezago.territory VALUES ('t3_twin', 'same members as t3', NULL);
INSERT INTO rezago.territory_member SELECT 't3_twin', cut FROM rezago.territory_member WHERE territory = 't3';
CREATE TEMP TABLE twin_runs AS SELECT * FROM rezago.uncertainty_runs(2023, 50, 8);
SELECT count(*) AS runs, count(*) FILTER (WHERE a.rank = b.rank AND a.index = b.index) AS tied,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM twin_runs c WHERE c.run = a.run AND c.rank = a.rank + 1))
           AS next_rank_given
FROM twin_runs a JOIN twin_runs b USING (run)
WHERE a.territory = 't3' AND b.territory = 't3_twin';

-- 8. A period without data: no territory can be ranked, so the analysis is an
-- error (P0002) that says so, not rows where nothing is ranked
SELECT count(*) AS territories, count(nominal_index) AS with_index, sum(ranked_runs) AS ranked,
       min(p_insufficient_data) AS p_insufficient
FROM rezago.rank_uncertainty(1999, 20);
ROLLBACK;
