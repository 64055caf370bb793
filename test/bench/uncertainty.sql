-- Benchmark of the uncertainty analysis (not a test: it prints figures).
-- Run by test/bench/uncertainty.sh in a throwaway cluster.
--
-- Data: Chile's 346 comunas (official CUT 2018 list) in their provinces as
-- territories (those with two or more comunas), period 2023, the 18 variables
-- of ufro2017: the 4 SINIM publishes are real (SINIM 2023), the other 14 are
-- SYNTHETIC (made up by a formula, ~5% missing), since no public comuna-level
-- source for them is at hand.  Without $REZAGO_DATA every value and the
-- comuna list are synthetic (346 comunas in 56 provinces), same sizes.
\set ON_ERROR_STOP 1
\pset footer off
SET extra_float_digits = 0;
CREATE EXTENSION rezago CASCADE;
\if :have_data
\i test/fixtures/stage_real_data.sql
\unset bcn
SELECT rezago.import_comunas('cut_2018', cut_column => 'codigo_comuna', name_column => 'nombre_comuna',
       provincia_column => 'nombre_provincia', region_column => 'nombre_region', geom_column => NULL) AS comunas_loaded;
CREATE TABLE bench_obs AS
SELECT s.cut::integer AS cut, s.variable, s.period, s.value FROM staging s
WHERE s.period = 2023 AND s.cut <> '11111' AND s.variable <> 'poblacion';
\else
\echo '### REZAGO_DATA not found: comunas and every value are SYNTHETIC'
INSERT INTO rezago.comuna (cut, name, provincia_code, region_code)
SELECT 1000 * (1 + g % 16) + 100 * (1 + (g / 16) % 4) + g / 64, 'Synthetic ' || g,
       10 * (1 + g % 16) + 1 + (g / 16) % 4, 1 + g % 16
FROM generate_series(0, 345) g;
CREATE TABLE bench_obs (cut integer, variable text, period integer, value float8);
\endif
-- the variables without a public source: synthetic, deterministic, ~5% missing
INSERT INTO bench_obs
SELECT c.cut, v.code, 2023,
       CASE WHEN (c.cut + v.k) % 19 <> 0 THEN ((7919 * c.cut + 104729 * v.k) % 1009) / 10.0 + v.k END
FROM rezago.comuna c
CROSS JOIN (SELECT code, row_number() OVER (ORDER BY code) AS k FROM rezago.variable
            WHERE dimension <> 'context') v
WHERE NOT EXISTS (SELECT 1 FROM bench_obs b WHERE b.variable = v.code);
SELECT rezago.import_observations('bench_obs') AS observations_loaded;
INSERT INTO rezago.territory (code, name)
SELECT 'prov_' || provincia_code, 'Provincia ' || provincia_code FROM rezago.comuna
GROUP BY provincia_code HAVING count(*) >= 2;
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'prov_' || c.provincia_code, c.cut FROM rezago.comuna c
JOIN rezago.territory t ON t.code = 'prov_' || c.provincia_code;
ANALYZE;

SELECT (SELECT count(*) FROM rezago.comuna) AS comunas,
       (SELECT count(*) FROM rezago.methodology_weights('ufro2017')) AS variables,
       (SELECT count(*) FROM rezago.territory) AS territories,
       (SELECT count(*) FROM rezago.observation WHERE period = 2023 AND value IS NOT NULL) AS observations;

-- best and median wall time of `reps` executions of a query, in ms (the best is
-- the figure least disturbed by other jobs on a shared machine)
CREATE FUNCTION pg_temp.time_ms(q text, reps integer, OUT best double precision, OUT median double precision)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; times double precision[] := '{}';
BEGIN
    FOR i IN 1..reps LOOP
        t0 := clock_timestamp();
        EXECUTE q;
        times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
    END LOOP;
    SELECT min(x), percentile_cont(0.5) WITHIN GROUP (ORDER BY x) INTO best, median FROM unnest(times) x;
END $$;

\echo
\echo '== C engine: rezago.rank_uncertainty(2023, runs) (every input varies)'
CREATE TABLE c_times AS
SELECT r AS runs, t.best, t.median
FROM unnest(ARRAY[1, 100, 1000, 10000]) r
CROSS JOIN LATERAL pg_temp.time_ms(format('SELECT count(*) FROM rezago.rank_uncertainty(2023, %s)', r),
                                   CASE WHEN r = 10000 THEN 5 ELSE 9 END) t;
-- ratios use the best time, the least disturbed by other jobs on a shared machine
SELECT runs, round(best::numeric, 1) AS best_ms, round(median::numeric, 1) AS median_ms,
       round(((best - (SELECT best FROM c_times WHERE runs = 1)) * 1000 / greatest(runs - 1, 1))::numeric, 2)
           AS us_per_run_after_load
FROM c_times ORDER BY runs;
SELECT round(((SELECT best FROM c_times WHERE runs = 10000) / (SELECT best FROM c_times WHERE runs = 1000))::numeric, 2)
           AS ratio_10000_to_1000_runs,
       round((((SELECT best FROM c_times WHERE runs = 10000) - (SELECT best FROM c_times WHERE runs = 1))
             / ((SELECT best FROM c_times WHERE runs = 1000) - (SELECT best FROM c_times WHERE runs = 1)))::numeric, 2)
           AS ratio_without_load,
       (SELECT median FROM c_times WHERE runs = 1000) < 1000 AS thousand_runs_under_1s;

\echo
\echo '== C engine: rezago.rank_sensitivity(2023, base_samples), 9 inputs: N x 11 model runs'
SELECT n AS base_samples, n * 11 AS model_runs, round(t.best::numeric, 1) AS best_ms, round(t.median::numeric, 1) AS median_ms
FROM unnest(ARRAY[100, 1000]) n
CROSS JOIN LATERAL pg_temp.time_ms(format('SELECT count(*) FROM rezago.rank_sensitivity(2023, %s)', n), 3) t;

\echo
\echo '== The same analysis in plain SQL (test/oracle/oracle.sql: window functions and'
\echo '   aggregates) over the same 100 draws, summarised like rank_uncertainty'
\set ECHO none
\i test/oracle/oracle.sql
\set ECHO none
CREATE TABLE sql_time AS
SELECT * FROM pg_temp.time_ms('SELECT count(*) FROM oracle.rank_uncertainty(2023, 100)', 3);
SELECT round(s.best::numeric, 1) AS plain_sql_100_runs_ms, round(c.best::numeric, 1) AS c_100_runs_ms,
       round((s.best / c.best)::numeric, 0) AS ratio_sql_to_c,
       round((s.best / 100)::numeric, 2) AS sql_ms_per_run,
       round(((k.best - one.best) / 999 * 1000)::numeric, 2) AS c_us_per_run,
       round((s.best / 100 / ((k.best - one.best) / 999))::numeric, 0) AS per_run_ratio
FROM sql_time s, (SELECT best FROM c_times WHERE runs = 100) c,
     (SELECT best FROM c_times WHERE runs = 1000) k, (SELECT best FROM c_times WHERE runs = 1) one;
-- and both give the same answer
SELECT count(*) AS territories,
       count(*) FILTER (WHERE r.median_rank IS DISTINCT FROM o.median_rank OR abs(r.rank_p05 - o.rank_p05) > 1e-9
                           OR abs(r.rank_p95 - o.rank_p95) > 1e-9
                           OR abs(r.top_n_probability - o.top_n_probability) > 1e-12
                           OR abs(r.p_exit_started - o.p_exit_started) > 1e-12) AS differences
FROM rezago.rank_uncertainty(2023, 100) r
JOIN oracle.rank_uncertainty(2023, 100) o USING (territory);

\echo
\echo '== Imputation and outlier treatment as varied inputs (issue 18): every input varies as above,'
\echo '   and each run also draws one of 4 imputations and 2 outlier treatments (none, coinr):'
\echo '   3 x 4 x 2 = 24 lag-score tables read instead of 3; 1 and 5,000 runs side by side'
CREATE TABLE treat_times AS
SELECT v.varied, r AS runs, t.best, t.median
FROM (VALUES (false, ''), (true, ', imputations => ARRAY[''none'', ''median_region'', ''median_provincia'', ''carry_forward''], outlier_treatments => ARRAY[''none'', ''coinr'']')) v(varied, args)
CROSS JOIN unnest(ARRAY[1, 5000]) r
CROSS JOIN LATERAL pg_temp.time_ms(format('SELECT count(*) FROM rezago.rank_uncertainty(2023, %s%s)', r, v.args), 3) t;
SELECT varied, runs, round(best::numeric, 1) AS best_ms, round(median::numeric, 1) AS median_ms
FROM treat_times ORDER BY varied, runs;
SELECT round((w1.best / o1.best)::numeric, 2) AS load_ratio_varied_to_not,
       round((4999 * 1000 / (o.best - o1.best))::numeric, 0) AS runs_per_s_without,
       round((4999 * 1000 / (w.best - w1.best))::numeric, 0) AS runs_per_s_with,
       round(((w.best - w1.best) / (o.best - o1.best))::numeric, 2) AS per_run_ratio,
       round((5000 * 1000 / o.best)::numeric, 0) AS runs_per_s_whole_call_without,
       round((5000 * 1000 / w.best)::numeric, 0) AS runs_per_s_whole_call_with
FROM (SELECT best FROM treat_times WHERE NOT varied AND runs = 1) o1,
     (SELECT best FROM treat_times WHERE NOT varied AND runs = 5000) o,
     (SELECT best FROM treat_times WHERE varied AND runs = 1) w1,
     (SELECT best FROM treat_times WHERE varied AND runs = 5000) w;

\echo
\echo '== The adjusted Mazziotta-Pareto index in the runs (issue 18): 5,000 runs drawing'
\echo '   aggregations {arithmetic, geometric} (the default) and {arithmetic, geometric, ampi},'
\echo '   normalisations {minmax, rank} (ampi needs bounded scores), side by side'
CREATE TABLE ampi_times AS
SELECT v.aggs, r AS runs, t.best, t.median
FROM (VALUES ('default', ''), ('with ampi', ', aggregations => ARRAY[''arithmetic'', ''geometric'', ''ampi'']')) v(aggs, args)
CROSS JOIN unnest(ARRAY[1, 5000]) r
CROSS JOIN LATERAL pg_temp.time_ms(format('SELECT count(*) FROM rezago.rank_uncertainty(2023, %s, normalisations => ARRAY[''minmax'', ''rank'']%s)',
                                          r, v.args), 3) t;
SELECT aggs, runs, round(best::numeric, 1) AS best_ms, round(median::numeric, 1) AS median_ms
FROM ampi_times ORDER BY aggs, runs;
SELECT round(((w.best - w1.best) / (o.best - o1.best))::numeric, 2) AS per_run_ratio_ampi_to_default,
       round((4999 * 1000 / (o.best - o1.best))::numeric, 0) AS runs_per_s_default,
       round((4999 * 1000 / (w.best - w1.best))::numeric, 0) AS runs_per_s_with_ampi
FROM (SELECT best FROM ampi_times WHERE aggs = 'default' AND runs = 1) o1,
     (SELECT best FROM ampi_times WHERE aggs = 'default' AND runs = 5000) o,
     (SELECT best FROM ampi_times WHERE aggs = 'with ampi' AND runs = 1) w1,
     (SELECT best FROM ampi_times WHERE aggs = 'with ampi' AND runs = 5000) w;

\echo
\echo '== Where the load of varied imputation/treatment goes: each of the 24 lag-score'
\echo '   tables the section above reads (comuna_lag_scores, ms, best of 3), summed over the'
\echo '   two treatments; and the parts of one table: the reference statistics (scoring_rows,'
\echo '   which no imputation changes, so the imputations could share them) and the values'
CREATE TABLE load_times AS
SELECT n.norm, i.imp, tr.treat, t.best
FROM unnest(ARRAY['minmax', 'zscore', 'rank']) n(norm)
CROSS JOIN unnest(ARRAY['none', 'median_region', 'median_provincia', 'carry_forward']) i(imp)
CROSS JOIN unnest(ARRAY['none', 'coinr']) tr(treat)
CROSS JOIN LATERAL pg_temp.time_ms(format('SELECT count(*) FROM rezago.comuna_lag_scores(2023, %L, %L, imputation => %L, outlier_treatment => %L)',
                                          'ufro2017', n.norm, i.imp, tr.treat), 3) t;
SELECT norm, round(sum(best) FILTER (WHERE imp = 'none')::numeric, 0) AS "none",
       round(sum(best) FILTER (WHERE imp = 'median_region')::numeric, 0) AS median_region,
       round(sum(best) FILTER (WHERE imp = 'median_provincia')::numeric, 0) AS median_provincia,
       round(sum(best) FILTER (WHERE imp = 'carry_forward')::numeric, 0) AS carry_forward,
       round(sum(best)::numeric, 0) AS total
FROM load_times GROUP BY ROLLUP (norm) ORDER BY norm NULLS LAST;
CREATE TABLE part_times AS
SELECT x.part, t.best
FROM (VALUES
    ('scoring_rows minmax coinr', $$SELECT count(*) FROM rezago.scoring_rows(2023, 'ufro2017', 'minmax', outlier_treatment => 'coinr')$$),
    ('scoring_values median_region', $$SELECT count(*) FROM rezago.scoring_values(2023, 'ufro2017', imputation => 'median_region')$$),
    ('comuna_lag_scores minmax median_region coinr', $$SELECT count(*) FROM rezago.comuna_lag_scores(2023, 'ufro2017', 'minmax', imputation => 'median_region', outlier_treatment => 'coinr')$$)
  ) x(part, q)
CROSS JOIN LATERAL pg_temp.time_ms(x.q, 5) t;
SELECT part, round(best::numeric, 1) AS best_ms FROM part_times ORDER BY part;
