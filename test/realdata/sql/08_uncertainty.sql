-- The uncertainty analysis on real SINIM data: methodology sinim4 (the four
-- index variables SINIM publishes), provinces as territories, loaded by
-- 01_load and 02_index.  The nominal run equals territory_index and
-- territory_exit for 2019-2023; 300 fully varied runs of 2023 equal the
-- plain-SQL oracle (test/oracle/oracle.sql) run by run; and how
-- sure the 2023 ranking of provinces is, as a planner reads it.
SET extra_float_digits = 0;
BEGIN;
-- only the province territories of 02_index, whatever other files add
DELETE FROM rezago.programme_territory WHERE territory NOT LIKE 'prov\_%';
DELETE FROM rezago.territory WHERE code NOT LIKE 'prov\_%';
SELECT count(*) AS provinces FROM rezago.territory;

-- 1. the nominal run, every period
SELECT p AS period, count(*) AS provinces, count(u.rank) AS ranked,
       count(*) FILTER (WHERE (u.index IS NULL) <> (ti.index IS NULL) OR abs(u.index - ti.index) > 1e-9) AS index_diff,
       count(*) FILTER (WHERE u.rank IS DISTINCT FROM ti.rank) AS rank_diff,
       count(*) FILTER (WHERE u.exit_stage IS DISTINCT FROM e.stage) AS stage_diff
FROM generate_series(2019, 2023) p
CROSS JOIN LATERAL rezago.uncertainty_runs(p, 1, 1, 'sinim4') u
JOIN rezago.territory_index(p, 'sinim4') ti ON ti.territory = u.territory
JOIN rezago.territory_exit(p, 'sinim4') e ON e.territory = u.territory
WHERE u.run = 0
GROUP BY p ORDER BY p;

-- 2. 300 runs of 2023, every input varied, against the plain-SQL oracle
\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all
SELECT count(*) AS rows, count(DISTINCT run) AS runs,
       count(*) FILTER (WHERE (u.index IS NULL) <> (o.index IS NULL) OR abs(u.index - o.index) > 1e-9) AS index_diff,
       count(*) FILTER (WHERE u.rank IS DISTINCT FROM o.rank) AS rank_diff,
       count(*) FILTER (WHERE u.exit_stage IS DISTINCT FROM o.exit_stage) AS stage_diff
FROM rezago.uncertainty_runs(2023, 300, 2023, 'sinim4') u
FULL JOIN oracle.uncertainty_runs(2023, 300, 2023, 'sinim4') o USING (run, territory);
SELECT count(*) AS provinces,
       count(*) FILTER (WHERE r.median_rank IS DISTINCT FROM o.median_rank OR abs(r.rank_p05 - o.rank_p05) > 1e-9
                           OR abs(r.rank_p95 - o.rank_p95) > 1e-9
                           OR abs(r.top_n_probability - o.top_n_probability) > 1e-12
                           OR abs(r.p_lagging - o.p_lagging) > 1e-12
                           OR abs(r.p_exit_started - o.p_exit_started) > 1e-12) AS summary_diff
FROM rezago.rank_uncertainty(2023, 300, 2023, 'sinim4') r
JOIN oracle.rank_uncertainty(2023, 300, 2023, 'sinim4') o USING (territory);

-- 3. How sure is the 2023 ranking?  The ten most lagged provinces (nominal),
-- their 90% rank interval over 1000 runs and the chance of staying in the top 10
SELECT r.nominal_rank AS rank, t.name, r.median_rank AS median, r.rank_p05 AS p05, r.rank_p95 AS p95,
       r.best_rank AS best, r.worst_rank AS worst, round(r.top_n_probability::numeric, 3) AS p_top10,
       r.nominal_stage AS stage, round(r.p_lagging::numeric, 2) AS p_lagging,
       round(r.p_exit_started::numeric, 2) AS p_started
FROM rezago.rank_uncertainty(2023, 1000, 1, 'sinim4') r JOIN rezago.territory t ON t.code = r.territory
WHERE r.nominal_rank <= 10 ORDER BY r.nominal_rank, t.name;
-- provinces outside the nominal top 10 that enter it in at least 10% of the runs
SELECT r.nominal_rank AS rank, t.name, r.rank_p05 AS p05, r.rank_p95 AS p95,
       round(r.top_n_probability::numeric, 3) AS p_top10
FROM rezago.rank_uncertainty(2023, 1000, 1, 'sinim4') r JOIN rezago.territory t ON t.code = r.territory
WHERE r.nominal_rank > 10 AND r.top_n_probability >= 0.1 ORDER BY r.top_n_probability DESC, t.name;

-- 4. Which choice moves the ranking most?
SELECT input, round(first_order::numeric, 2) AS first_order, round(total_order::numeric, 2) AS total_order,
       round(output_mean::numeric, 2) AS mean_rank_shift, model_runs
FROM rezago.rank_sensitivity(2023, 2000, 1, 'sinim4') ORDER BY total_order DESC, input;
-- 5. Imputation and outlier treatment as varied inputs (issue 18): 60 runs of
-- 2023 drawing one of none / median_region and one of none / coinr, nothing
-- else varied; every run's province index equals territory_index under a copy
-- of sinim4 with the run's rules (to 1e-12), and its rank the copy's rank
SELECT count(*) AS copies FROM (
  SELECT rezago.copy_methodology('sinim4', c) FROM unnest(ARRAY['s4_rn', 's4_nc', 's4_rc']) c) x;
UPDATE rezago.methodology SET imputation = 'median_region' WHERE code IN ('s4_rn', 's4_rc');
UPDATE rezago.methodology SET outlier_treatment = 'coinr' WHERE code IN ('s4_nc', 's4_rc');
CREATE TEMP TABLE s4_combo (imputation text, outlier_treatment text, methodology text);
INSERT INTO s4_combo VALUES ('none', 'none', 'sinim4'), ('median_region', 'none', 's4_rn'),
  ('none', 'coinr', 's4_nc'), ('median_region', 'coinr', 's4_rc');
SELECT count(DISTINCT u.run) AS runs, count(DISTINCT (u.imputation, u.outlier_treatment)) AS combinations,
       count(*) AS compared,
       count(*) FILTER (WHERE u.index IS DISTINCT FROM t.index AND NOT abs(u.index - t.index) <= 1e-12) AS index_diff,
       count(*) FILTER (WHERE u.rank IS DISTINCT FROM t.rank) AS rank_diff
FROM rezago.uncertainty_runs(2023, 60, 18, 'sinim4', vary_normalisation => false, vary_aggregation => false,
                             weight_perturbation => 0, vary_threshold => false,
                             imputations => ARRAY['none', 'median_region'],
                             outlier_treatments => ARRAY['none', 'coinr']) u
JOIN s4_combo c ON c.imputation = u.imputation AND c.outlier_treatment = u.outlier_treatment
JOIN rezago.territory_index(2023, c.methodology) t ON t.territory = u.territory;
-- and the rules matter on the real data: provinces whose index each copy moves
SELECT c.imputation, c.outlier_treatment,
       count(*) FILTER (WHERE t.index IS DISTINCT FROM n.index) AS provinces_moved,
       count(*) FILTER (WHERE t.rank IS DISTINCT FROM n.rank) AS ranks_moved
FROM s4_combo c
CROSS JOIN LATERAL rezago.territory_index(2023, c.methodology) t
JOIN rezago.territory_index(2023, 'sinim4') n ON n.territory = t.territory
GROUP BY 1, 2 ORDER BY 1, 2;
ROLLBACK;
