-- A plain-SQL oracle of the uncertainty engine (src/uncertainty.c), for the
-- regression and real-data tests and for the SQL side of the benchmark.
--
-- pg_temp.uncertainty_oracle(period, methodology) recomputes every run listed
-- in the temporary table oracle_draws (the output of rezago.uncertainty_draws)
-- with window functions and aggregates only, from rezago.observation and
-- rezago.territory_member; it calls no rezago function.  It covers the
-- normalisations minmax, zscore and rank without winsorisation, arithmetic
-- and geometric aggregation, the threshold rules mean, median, percentile and
-- fixed (official thresholds winning), and mean territory weighting (what the
-- tests use it for).
--
-- pg_temp.uncertainty_oracle_summary(period, methodology, top_n) summarises
-- runs 1.. of the oracle as rezago.rank_uncertainty does (percentile_cont).
--
-- Usage: CREATE TEMP TABLE oracle_draws AS SELECT * FROM rezago.uncertainty_draws(...);
--        \ir .../uncertainty_oracle.sql
CREATE FUNCTION pg_temp.uncertainty_oracle(period integer, methodology text)
RETURNS TABLE (run integer, territory text, index double precision, rank bigint, exit_stage text)
LANGUAGE sql STABLE AS $oracle$
WITH m AS (
    SELECT x.min_coverage, x.threshold_percentile, x.exit_started_share, x.exit_advanced_share,
           x.exit_min_evaluated_share
    FROM rezago.methodology x WHERE x.code = $2
), vars AS (
    SELECT DISTINCT d.variable, d.dimension, v.polarity, mv.threshold_fixed
    FROM oracle_draws d
    JOIN rezago.variable v ON v.code = d.variable
    JOIN rezago.methodology_variable mv ON mv.methodology = $2 AND mv.variable = d.variable
), obs AS (
    SELECT o.cut, o.variable, vars.dimension, vars.polarity, o.value
    FROM rezago.observation o JOIN vars ON vars.variable = o.variable
    WHERE o.period = $1 AND o.value IS NOT NULL
), norm AS (
    -- lag scores, 1 = most lagged, under each normalisation
    SELECT obs.cut, obs.variable, 'minmax' AS normalisation,
           CASE WHEN max(obs.value) OVER w = min(obs.value) OVER w THEN 0
                WHEN obs.polarity = 1 THEN (max(obs.value) OVER w - obs.value) / (max(obs.value) OVER w - min(obs.value) OVER w)
                ELSE (obs.value - min(obs.value) OVER w) / (max(obs.value) OVER w - min(obs.value) OVER w) END AS score
    FROM obs WINDOW w AS (PARTITION BY obs.variable)
    UNION ALL
    SELECT obs.cut, obs.variable, 'zscore',
           CASE WHEN coalesce(stddev_samp(obs.value) OVER w, 0) = 0 THEN 0
                ELSE -obs.polarity * (obs.value - avg(obs.value) OVER w) / stddev_samp(obs.value) OVER w END
    FROM obs WINDOW w AS (PARTITION BY obs.variable)
    UNION ALL
    SELECT obs.cut, obs.variable, 'rank',
           percent_rank() OVER (PARTITION BY obs.variable ORDER BY obs.polarity * obs.value DESC)
    FROM obs
), scored AS (
    -- geometric runs use ln(1 + 99 achievement): 1 - score, or max z - z
    SELECT norm.*,
           ln(1 + 99 * CASE WHEN norm.normalisation = 'zscore'
                            THEN max(norm.score) OVER (PARTITION BY norm.normalisation, norm.variable) - norm.score
                            ELSE 1 - norm.score END) AS logp
    FROM norm
), runs AS (
    SELECT DISTINCT d.run, d.normalisation, d.aggregation, d.threshold_rule FROM oracle_draws d
), dim AS (
    SELECT r.run, s.cut, d.dimension, d.dimension_weight,
           sum(d.variable_weight * CASE WHEN r.aggregation = 'geometric' THEN s.logp ELSE s.score END)
             / sum(d.variable_weight) AS score,
           sum(d.variable_weight) AS coverage
    FROM runs r
    JOIN oracle_draws d ON d.run = r.run
    JOIN scored s ON s.variable = d.variable AND s.normalisation = r.normalisation
    GROUP BY r.run, s.cut, d.dimension, d.dimension_weight
), com AS (
    SELECT dim.run, dim.cut,
           CASE WHEN count(*) FILTER (WHERE dim.coverage >= (SELECT m.min_coverage FROM m) - 1e-12)
                     = (SELECT count(DISTINCT vars.dimension) FROM vars)
                THEN sum(dim.dimension_weight * dim.score) / sum(dim.dimension_weight) END AS mean
    FROM dim GROUP BY dim.run, dim.cut
), terr AS (
    SELECT r.run, t.code AS territory,
           avg(CASE WHEN r.aggregation = 'geometric' THEN 1 - (exp(com.mean) - 1) / 99 ELSE com.mean END) AS index
    FROM runs r CROSS JOIN rezago.territory t
    LEFT JOIN rezago.territory_member tm ON tm.territory = t.code
    LEFT JOIN com ON com.run = r.run AND com.cut = tm.cut
    GROUP BY r.run, t.code
), thr AS (
    SELECT obs.variable, 'mean' AS rule, avg(obs.value) AS threshold FROM obs GROUP BY obs.variable
    UNION ALL
    SELECT obs.variable, 'median', percentile_cont(0.5) WITHIN GROUP (ORDER BY obs.value) FROM obs GROUP BY obs.variable
    UNION ALL
    SELECT obs.variable, 'percentile',
           percentile_cont((SELECT m.threshold_percentile FROM m)) WITHIN GROUP (ORDER BY obs.value)
    FROM obs GROUP BY obs.variable
    UNION ALL
    SELECT vars.variable, 'fixed', vars.threshold_fixed FROM vars
), thr_used AS (
    -- an official threshold of the period wins over every rule
    SELECT thr.variable, thr.rule, coalesce(ot.value, thr.threshold) AS threshold
    FROM thr LEFT JOIN rezago.official_threshold ot ON ot.variable = thr.variable AND ot.period = $1
), tval AS (
    SELECT tm.territory, obs.variable, obs.polarity, avg(obs.value) AS value
    FROM rezago.territory_member tm JOIN obs ON obs.cut = tm.cut
    GROUP BY tm.territory, obs.variable, obs.polarity
), gaps AS (
    SELECT t.code AS territory, rules.rule,
           count(*) FILTER (WHERE tval.value IS NOT NULL AND thr.threshold IS NOT NULL) AS evaluated,
           count(*) FILTER (WHERE tval.polarity * (thr.threshold - tval.value) <= 0) AS overcome
    FROM rezago.territory t
    CROSS JOIN (SELECT DISTINCT r.threshold_rule AS rule FROM runs r) rules
    CROSS JOIN vars
    LEFT JOIN thr_used thr ON thr.variable = vars.variable AND thr.rule = rules.rule
    LEFT JOIN tval ON tval.territory = t.code AND tval.variable = vars.variable
    GROUP BY t.code, rules.rule
), stage AS (
    SELECT g.territory, g.rule,
           CASE WHEN g.evaluated = 0
                  OR g.evaluated < m.exit_min_evaluated_share * (SELECT count(*) FROM vars) - 1e-9
                    THEN 'insufficient_data'
                WHEN g.overcome = g.evaluated THEN 'exited'
                WHEN g.overcome::float8 / g.evaluated >= m.exit_advanced_share - 1e-9 THEN 'exit_advanced'
                WHEN g.overcome::float8 / g.evaluated >= m.exit_started_share - 1e-9 THEN 'exit_started'
                ELSE 'lagging' END AS stage
    FROM gaps g CROSS JOIN m
)
SELECT terr.run, terr.territory, terr.index,
       CASE WHEN terr.index IS NOT NULL
            THEN rank() OVER (PARTITION BY terr.run ORDER BY terr.index DESC NULLS LAST) END,
       stage.stage
FROM terr
JOIN runs r ON r.run = terr.run
JOIN stage ON stage.territory = terr.territory AND stage.rule = r.threshold_rule
$oracle$;

CREATE FUNCTION pg_temp.uncertainty_oracle_summary(period integer, methodology text, top_n integer)
RETURNS TABLE (territory text, median_rank double precision, rank_p05 double precision,
               rank_p95 double precision, best_rank bigint, worst_rank bigint,
               top_n_probability double precision, ranked_runs bigint,
               p_insufficient_data double precision, p_lagging double precision,
               p_exit_started double precision, p_exit_advanced double precision,
               p_exited double precision)
LANGUAGE sql STABLE AS $summary$
SELECT o.territory,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY o.rank),
       percentile_cont(0.05) WITHIN GROUP (ORDER BY o.rank),
       percentile_cont(0.95) WITHIN GROUP (ORDER BY o.rank),
       min(o.rank), max(o.rank),
       avg(coalesce(o.rank <= $3, false)::integer), count(o.rank),
       avg((o.exit_stage = 'insufficient_data')::integer),
       avg((o.exit_stage = 'lagging')::integer),
       avg((o.exit_stage = 'exit_started')::integer),
       avg((o.exit_stage = 'exit_advanced')::integer),
       avg((o.exit_stage = 'exited')::integer)
FROM pg_temp.uncertainty_oracle($1, $2) o
WHERE o.run > 0
GROUP BY o.territory
$summary$;
