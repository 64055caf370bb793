-- The plain-SQL oracle of rezago: the method (doc/method.md) written again
-- the way a data team would write it, with window functions, GROUP BY and
-- ordered aggregates over the extension's tables.  No C, no rezago function
-- or aggregate (the one exception: the uncertainty functions take their
-- random draws from rezago.uncertainty_draws, as their input).  Every test
-- that checks a result of the method compares it with these functions:
--
--   test/realdata/sql/02_index, 04_status, 05_pilot2014, 07_portal, 08_uncertainty
--   sql/uncertainty_engine.sql, test/bench/run.py (the benchmark's "ref"
--   column and its correctness check), test/bench/uncertainty.sql
--
-- (04_status also recomputes ranks, entry and exit from the published CSV
-- files themselves: that checks what was loaded, which an oracle over the
-- loaded tables cannot.)
--
-- Load it with \i (or psql -f) into a database where rezago is installed;
-- it (re)creates schema oracle.  Each function has the name, arguments and
-- result columns of the rezago function it checks:
--
--   oracle.methodology_weights(methodology)   normalised weights
--   oracle.comuna_lag_scores(period, methodology[, normalisation])
--       every normalisation (minmax, zscore, rank, goalpost), winsorised
--       when the methodology says so (percentiles, or COINr's rule:
--       oracle.outlier_treatment, a recursive query)
--   oracle.comuna_dimension_scores, comuna_index, territory_index
--       (mean or population territory weighting; the index arithmetic or
--       geometric as the methodology says, dimension scores arithmetic)
--   oracle.variable_thresholds, territory_gaps, territory_exit
--       (threshold rules mean, median, percentile, fixed; official wins)
--   oracle.comuna_poverty_ranks, territory_entry  (E1-E3, three-valued)
--   oracle.territory_contiguity()             (tolerance 0)
--   oracle.uncertainty_runs, rank_uncertainty (every run recomputed from the
--       draws of rezago.uncertainty_draws, arithmetic or geometric)
--
-- The index functions are one computation over "runs" (oracle.run_*): a run
-- is a normalisation, an aggregation, a threshold rule and a set of weights,
-- given as rows of type oracle.draw (the columns of rezago.uncertainty_draws).
-- The nominal functions make one run from the methodology (oracle.nominal);
-- the uncertainty functions pass the draws of many.
--
-- Sums.  rezago takes every floating-point sum in canonical order, ascending
-- magnitude then value (src/canonical_sum.c), and PostgreSQL adds up an
-- ordered aggregate's rows in order, so the sums here are written
-- sum(x ORDER BY abs(x), x) and avg(x ORDER BY abs(x), x), and each formula
-- follows rezago's order of operations.  The oracle then gives rezago's
-- numbers to the last bit, not only to the 1e-9 that the tests ask for:
-- weights, lag scores, dimension scores, coverage, comuna and territory
-- indices, thresholds, territory values and gaps, and every run of the
-- uncertainty analysis; ranks, stages and entry criteria are then exactly
-- equal too (checked on SINIM 2019-2023, the synthetic uncertainty data of
-- every methodology in fixtures/uncertainty_synthetic.sql, and the
-- benchmark's 10,000 units).
-- The tests keep their tolerances.  What differs by design: values so large
-- that a sum overflows (rezago scales by a power of two, this oracle fails).
SELECT current_setting('client_min_messages') AS oracle_saved_client_min_messages \gset
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS oracle CASCADE;
SET client_min_messages = :'oracle_saved_client_min_messages';
\unset oracle_saved_client_min_messages
CREATE SCHEMA oracle;
COMMENT ON SCHEMA oracle IS 'Plain-SQL oracle of rezago (test/oracle/oracle.sql); not part of the extension.';

-- One run of the index: the columns of rezago.uncertainty_draws.
CREATE TYPE oracle.draw AS (run integer, normalisation text, aggregation text, threshold_rule text,
                            dimension text, variable text, dimension_weight double precision,
                            variable_weight double precision);

-- The methodology's row, or an error when there is none.
CREATE FUNCTION oracle.methodology(code text)
RETURNS rezago.methodology
LANGUAGE plpgsql STABLE AS $$
DECLARE m rezago.methodology;
BEGIN
    SELECT * INTO m FROM rezago.methodology x WHERE x.code = methodology.code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'oracle: methodology % does not exist', code;
    END IF;
    RETURN m;
END $$;

--------------------------------------------------------------------------
-- Weights (method 3.3-3.4): the variables and dimensions of positive
-- weight; a variable's weight is its share of its dimension's, a
-- dimension's its share of the total.
--------------------------------------------------------------------------
CREATE FUNCTION oracle.methodology_weights(methodology text DEFAULT 'ufro2017')
RETURNS TABLE (variable text, dimension text, polarity smallint, variable_weight double precision,
               dimension_weight double precision, effective_weight double precision)
LANGUAGE sql STABLE AS $$
    WITH w AS (
        SELECT v.code AS variable, v.dimension, v.polarity, mv.weight AS vw, md.weight AS dw
        FROM rezago.methodology_variable mv
        JOIN rezago.variable v ON v.code = mv.variable
        JOIN rezago.methodology_dimension md ON md.methodology = mv.methodology AND md.dimension = v.dimension
        WHERE mv.methodology = (SELECT x.code FROM oracle.methodology($1) x) AND mv.weight > 0 AND md.weight > 0
    ), s AS (
        SELECT w.*,
               (SELECT sum(x.vw ORDER BY x.vw) FROM w x WHERE x.dimension = w.dimension) AS dimension_total,
               (SELECT sum(d.dw ORDER BY d.dw) FROM (SELECT DISTINCT x.dimension, x.dw FROM w x) d) AS total
        FROM w
    )
    SELECT s.variable, s.dimension, s.polarity, s.vw / s.dimension_total, s.dw / s.total,
           (s.dw / s.total) * (s.vw / s.dimension_total)
    FROM s ORDER BY s.dimension, s.variable
$$;

-- The methodology as one run (run 0): its normalisation, aggregation,
-- threshold rule and weights.
CREATE FUNCTION oracle.nominal(methodology text)
RETURNS oracle.draw[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(ROW(0, m.normalisation, m.aggregation, m.threshold_rule, w.dimension, w.variable,
                         w.dimension_weight, w.variable_weight)::oracle.draw ORDER BY w.variable)
    FROM oracle.methodology_weights($1) w CROSS JOIN oracle.methodology($1) m
$$;

--------------------------------------------------------------------------
-- Values (method 3b).  A variable's vintage for period P: the largest
-- period in [P - max_data_age, P] with a non-NULL value of it.  Observed:
-- the values at the vintage.  Imputed (a comuna of rezago.comuna without an
-- observed value): median_region / median_provincia, percentile_cont(0.5)
-- of the observed values of its group, else of all observed values;
-- carry_forward, its own non-NULL value of the largest period in
-- [P - max_data_age, P].
--------------------------------------------------------------------------
CREATE FUNCTION oracle.scoring_values(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, variable text, vintage integer, value double precision, imputed boolean)
LANGUAGE sql STABLE AS $$
    WITH m AS MATERIALIZED (
        SELECT x.max_data_age AS age, x.imputation FROM oracle.methodology($2) x
    ), vt AS MATERIALIZED (
        SELECT o.variable, max(o.period) AS vintage
        FROM rezago.observation o, m
        WHERE o.value IS NOT NULL AND o.period BETWEEN $1 - m.age AND $1
          AND o.variable IN (SELECT w.variable FROM oracle.methodology_weights($2) w)
        GROUP BY o.variable
    ), observed AS MATERIALIZED (
        SELECT o.cut, o.variable, o.period AS vintage, o.value, c.region_code, c.provincia_code
        FROM rezago.observation o JOIN vt ON vt.variable = o.variable AND vt.vintage = o.period
        JOIN rezago.comuna c ON c.cut = o.cut
        WHERE o.value IS NOT NULL
    ), missing AS (
        SELECT c.cut, c.region_code, c.provincia_code, vt.variable, vt.vintage
        FROM rezago.comuna c CROSS JOIN vt
        WHERE NOT EXISTS (SELECT 1 FROM observed x WHERE x.cut = c.cut AND x.variable = vt.variable)
    )
    SELECT x.cut, x.variable, x.vintage, x.value, false FROM observed x
    UNION ALL
    SELECT ms.cut, ms.variable, ms.vintage, coalesce(g.median, n.median), true
    FROM missing ms
    CROSS JOIN m
    LEFT JOIN (SELECT x.variable,
                      CASE m.imputation WHEN 'median_region' THEN x.region_code ELSE x.provincia_code END AS grp,
                      percentile_cont(0.5) WITHIN GROUP (ORDER BY x.value) AS median
               FROM observed x, m
               GROUP BY 1, 2) g
      ON g.variable = ms.variable
     AND g.grp = CASE m.imputation WHEN 'median_region' THEN ms.region_code ELSE ms.provincia_code END
    LEFT JOIN (SELECT x.variable, percentile_cont(0.5) WITHIN GROUP (ORDER BY x.value) AS median
               FROM observed x GROUP BY 1) n ON n.variable = ms.variable
    WHERE m.imputation IN ('median_region', 'median_provincia')
    UNION ALL
    SELECT ms.cut, ms.variable, o.period, o.value, true
    FROM missing ms, m, rezago.observation o
    WHERE m.imputation = 'carry_forward' AND o.cut = ms.cut AND o.variable = ms.variable AND o.value IS NOT NULL
      AND o.period = (SELECT max(o2.period) FROM rezago.observation o2
                      WHERE o2.cut = ms.cut AND o2.variable = ms.variable AND o2.value IS NOT NULL
                        AND o2.period BETWEEN $1 - m.age AND $1)
$$;

--------------------------------------------------------------------------
-- COINr's outlier treatment (method 3.2), over the observed values at the
-- vintage.  Skewness and kurtosis by the textbook formulas (e1071 type 2):
--   skew = sqrt(n) m3 / m2^1.5 * sqrt(n (n-1)) / (n-2)
--   kurt = ((n+1) (n m4 / m2^2 - 3) + 6) (n-1) / ((n-2) (n-3))
-- with mk = sum((x - mean)^k); NULL for n < 3 (skew), n < 4 (kurt) or m2 = 0.
-- A variable passes when a statistic is NULL, |skew| < skew threshold or
-- kurt < kurtosis threshold.  Winsorisation, one step per row of a
-- recursive query: skew >= 0 lowers the upper limit to the largest value
-- below it, else raises the lower one; the points moved are those outside
-- the limits.  If the last step still fails: ln(x - min + 0.01 (max - min))
-- of the raw values.
--------------------------------------------------------------------------
CREATE FUNCTION oracle.skew_kurt(x double precision[], OUT n bigint, OUT skew double precision,
                                 OUT kurt double precision)
LANGUAGE sql IMMUTABLE AS $$
    WITH v AS (SELECT u.x FROM unnest($1) u(x)),
         m AS (SELECT count(*) AS n, avg(v.x) AS mean FROM v),
         s AS (SELECT sum((v.x - m.mean) ^ 2) AS m2, sum((v.x - m.mean) ^ 3) AS m3,
                      sum((v.x - m.mean) ^ 4) AS m4 FROM v, m)
    SELECT m.n,
           CASE WHEN m.n >= 3 AND s.m2 > 0
                THEN sqrt(m.n) * s.m3 / s.m2 ^ 1.5 * sqrt(m.n * (m.n - 1)) / (m.n - 2) END,
           CASE WHEN m.n >= 4 AND s.m2 > 0
                THEN ((m.n + 1) * (m.n * s.m4 / s.m2 ^ 2 - 3) + 6) * (m.n - 1) / ((m.n - 2) * (m.n - 3)) END
    FROM m, s
$$;

CREATE FUNCTION oracle.outlier_treatment(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (variable text, win_lo double precision, win_hi double precision, winsorised_low bigint,
               winsorised_high bigint, log_min double precision, log_offset double precision,
               skewness_before double precision, kurtosis_before double precision, low_comunas integer[],
               high_comunas integer[])
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE m AS MATERIALIZED (
        SELECT x.coinr_winmax AS winmax, x.coinr_skew_threshold AS ts, x.coinr_kurtosis_threshold AS tk
        FROM oracle.methodology($2) x
    ), pop AS MATERIALIZED (
        SELECT v.cut, v.variable, v.value FROM oracle.scoring_values($1, $2) v WHERE NOT v.imputed
    ), w AS (
        SELECT p.variable, min(p.value) AS lo, max(p.value) AS hi, 0::bigint AS nlow, 0::bigint AS nhigh,
               (oracle.skew_kurt(array_agg(p.value))).skew, (oracle.skew_kurt(array_agg(p.value))).kurt, 0 AS step
        FROM pop p GROUP BY p.variable
        UNION ALL
        SELECT w.variable, nx.lo, nx.hi,
               (SELECT count(*) FROM pop p WHERE p.variable = w.variable AND p.value < nx.lo),
               (SELECT count(*) FROM pop p WHERE p.variable = w.variable AND p.value > nx.hi),
               sk.skew, sk.kurt, w.step + 1
        FROM w
        CROSS JOIN m
        CROSS JOIN LATERAL (
            SELECT CASE WHEN w.skew >= 0 THEN w.lo
                        ELSE least(coalesce((SELECT min(p.value) FROM pop p
                                             WHERE p.variable = w.variable AND p.value > w.lo), w.hi), w.hi) END AS lo,
                   CASE WHEN w.skew >= 0
                        THEN greatest(coalesce((SELECT max(p.value) FROM pop p
                                                WHERE p.variable = w.variable AND p.value < w.hi), w.lo), w.lo)
                        ELSE w.hi END AS hi
        ) nx
        CROSS JOIN LATERAL oracle.skew_kurt(ARRAY(SELECT least(greatest(p.value, nx.lo), nx.hi) FROM pop p
                                                  WHERE p.variable = w.variable)) sk
        WHERE NOT (w.skew IS NULL OR w.kurt IS NULL OR abs(w.skew) < m.ts OR w.kurt < m.tk)
          AND w.nlow + w.nhigh < m.winmax AND w.lo < w.hi
    ), last AS (
        SELECT DISTINCT ON (w.variable) w.*,
               NOT (w.skew IS NULL OR w.kurt IS NULL OR abs(w.skew) < m.ts OR w.kurt < m.tk) AS fails
        FROM w CROSS JOIN m ORDER BY w.variable, w.step DESC
    ), first AS (
        SELECT w.variable, w.lo, w.hi, w.skew, w.kurt FROM w WHERE w.step = 0
    )
    SELECT l.variable,
           CASE WHEN l.fails THEN f.lo WHEN l.nlow > 0 THEN l.lo END,
           CASE WHEN l.fails THEN f.hi WHEN l.nhigh > 0 THEN l.hi END,
           CASE WHEN l.fails THEN 0 ELSE l.nlow END, CASE WHEN l.fails THEN 0 ELSE l.nhigh END,
           CASE WHEN l.fails THEN f.lo END, CASE WHEN l.fails THEN 0.01 * (f.hi - f.lo) END,
           f.skew, f.kurt,
           ARRAY(SELECT p.cut FROM pop p WHERE p.variable = l.variable AND NOT l.fails AND p.value < l.lo ORDER BY p.cut),
           ARRAY(SELECT p.cut FROM pop p WHERE p.variable = l.variable AND NOT l.fails AND p.value > l.hi ORDER BY p.cut)
    FROM last l JOIN first f ON f.variable = l.variable
    WHERE (SELECT x.outlier_treatment = 'coinr' FROM oracle.methodology($2) x)
$$;

--------------------------------------------------------------------------
-- Lag scores (method 3.1-3.2) of the values of oracle.scoring_values:
-- statistics over the observed values (the reference population),
-- winsorised first when the methodology says so; imputed values are scored
-- against them and clamped to [0, 1] (minmax), or ranked by the share of
-- observed values above them (rank); 1 = most lagged.
--   minmax    (max - x) / (max - min) for polarity +1, (x - min) / (max - min)
--             for -1; 0 when max = min
--   goalpost  the same with the methodology's goalposts, clamped to [0, 1]
--   zscore    -polarity (x - mean) / sd (sample sd; 0 when sd is 0 or
--             there is one value), computed as x/sd - mean/sd as rezago does
--   rank      percent_rank over polarity * x descending (ties share a rank)
-- logp is what the geometric aggregation of the uncertainty analysis adds
-- up: ln(1 + 99 a), the achievement a = 1 - score, or for z-scores the
-- variable's largest lag z-score minus the score (the largest is the one of
-- its lowest value for polarity +1, of its highest for -1).
-- normalisation NULL: the methodology's.
--------------------------------------------------------------------------
CREATE FUNCTION oracle.comuna_lag_scores(period integer, methodology text DEFAULT 'ufro2017',
                                         normalisation text DEFAULT NULL)
RETURNS TABLE (cut integer, variable text, dimension text, value double precision,
               score double precision, weight double precision, logp double precision,
               imputed boolean)
LANGUAGE sql STABLE AS $$
    WITH m AS MATERIALIZED (
        SELECT coalesce($3, x.normalisation) AS normalisation, x.winsor_lower, x.winsor_upper,
               x.outlier_treatment
        FROM oracle.methodology($2) x
    ), w AS MATERIALIZED (
        SELECT w.variable, w.dimension, w.polarity, w.variable_weight, mv.goalpost_min, mv.goalpost_max
        FROM oracle.methodology_weights($2) w
        JOIN rezago.methodology_variable mv ON mv.methodology = $2 AND mv.variable = w.variable
    ), obs AS MATERIALIZED (
        SELECT o.cut, o.variable, w.dimension, w.polarity, w.variable_weight, w.goalpost_min, w.goalpost_max,
               o.value, o.imputed
        FROM oracle.scoring_values($1, $2) o JOIN w ON w.variable = o.variable
    ), lim AS MATERIALIZED (
        -- winsorisation limits: percentiles of the raw values (none: no limit)
        SELECT obs.variable,
               percentile_cont((SELECT m.winsor_lower FROM m)) WITHIN GROUP (ORDER BY obs.value) AS lo,
               percentile_cont((SELECT m.winsor_upper FROM m)) WITHIN GROUP (ORDER BY obs.value) AS hi,
               NULL::float8 AS log_min, NULL::float8 AS log_offset
        FROM obs
        WHERE (SELECT m.winsor_lower IS NOT NULL OR m.winsor_upper IS NOT NULL FROM m) AND NOT obs.imputed
        GROUP BY obs.variable
        UNION ALL
        -- COINr's rule (not under goalposts): its limits, or the log
        SELECT t.variable, t.win_lo, t.win_hi, t.log_min, t.log_offset
        FROM oracle.outlier_treatment($1, $2) t
        WHERE (SELECT m.normalisation <> 'goalpost' FROM m)
    ), x AS NOT MATERIALIZED (
        SELECT obs.*,
               CASE WHEN lim.log_offset IS NOT NULL
                    THEN ln(greatest(least(greatest(obs.value, lim.lo), lim.hi), lim.log_min) - lim.log_min + lim.log_offset)
                    ELSE least(greatest(obs.value, lim.lo), lim.hi) END AS xv
        FROM obs LEFT JOIN lim ON lim.variable = obs.variable
    ), bounded AS (
        -- minmax and goalpost
        SELECT x.*, min(x.xv) FILTER (WHERE NOT x.imputed) OVER v AS lo,
               max(x.xv) FILTER (WHERE NOT x.imputed) OVER v AS hi
        FROM x
        WHERE (SELECT m.normalisation IN ('minmax', 'goalpost') FROM m)
        WINDOW v AS (PARTITION BY x.variable)
    ), moments AS (
        -- zscore: the mean, then the sum of squared deviations, each summed in canonical order
        SELECT x.*, min(x.xv) FILTER (WHERE NOT x.imputed) OVER v AS lo,
               max(x.xv) FILTER (WHERE NOT x.imputed) OVER v AS hi,
               count(*) FILTER (WHERE NOT x.imputed) OVER v AS n,
               avg(x.xv) FILTER (WHERE NOT x.imputed)
                   OVER (v ORDER BY abs(x.xv), x.xv ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS mean
        FROM x
        WHERE (SELECT m.normalisation = 'zscore' FROM m)
        WINDOW v AS (PARTITION BY x.variable)
    ), deviations AS (
        SELECT moments.*,
               CASE WHEN NOT moments.imputed THEN (moments.xv - moments.mean) * (moments.xv - moments.mean) END AS sq
        FROM moments
    ), zs AS (
        SELECT d.*,
               coalesce(sqrt(sum(d.sq) OVER (PARTITION BY d.variable ORDER BY d.sq
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                             / nullif(d.n - 1, 0)), 0) AS sd
        FROM deviations d
    ), scored AS (
        SELECT b.cut, b.variable, b.dimension, b.value, b.variable_weight, b.imputed,
               CASE WHEN (SELECT m.normalisation = 'goalpost' FROM m) THEN
                        least(greatest(CASE WHEN b.polarity = 1
                                            THEN (b.goalpost_max - b.xv) / (b.goalpost_max - b.goalpost_min)
                                            ELSE (b.xv - b.goalpost_min) / (b.goalpost_max - b.goalpost_min) END, 0), 1)
                    WHEN b.hi = b.lo THEN 0
                    WHEN b.polarity = 1 THEN least(greatest((b.hi - b.xv) / (b.hi - b.lo), 0), 1)
                    ELSE least(greatest((b.xv - b.lo) / (b.hi - b.lo), 0), 1) END AS score,
               NULL::float8 AS zmax
        FROM bounded b
        UNION ALL
        SELECT z.cut, z.variable, z.dimension, z.value, z.variable_weight, z.imputed,
               CASE WHEN z.sd = 0 THEN 0 ELSE -z.polarity * (z.xv / z.sd - z.mean / z.sd) END,
               CASE WHEN z.sd = 0 THEN 0
                    ELSE -z.polarity * (CASE WHEN z.polarity = 1 THEN z.lo ELSE z.hi END / z.sd - z.mean / z.sd) END
        FROM zs z
        UNION ALL
        -- rank: percent_rank over the observed population in order; an
        -- imputed value: the share of observed values above it
        SELECT x.cut, x.variable, x.dimension, x.value, x.variable_weight, false,
               percent_rank() OVER (PARTITION BY x.variable ORDER BY x.polarity * x.xv DESC), NULL
        FROM x
        WHERE (SELECT m.normalisation = 'rank' FROM m) AND NOT x.imputed
        UNION ALL
        SELECT i.cut, i.variable, i.dimension, i.value, i.variable_weight, true,
               coalesce((SELECT count(*) FILTER (WHERE o.polarity * o.xv > i.polarity * i.xv)::float8
                                / nullif(count(*) - 1, 0)
                         FROM x o WHERE o.variable = i.variable AND NOT o.imputed), 0), NULL
        FROM x i
        WHERE (SELECT m.normalisation = 'rank' FROM m) AND i.imputed
    )
    SELECT s.cut, s.variable, s.dimension, s.value, s.score, s.variable_weight,
           ln(1 + 99 * CASE WHEN s.zmax IS NOT NULL THEN s.zmax - s.score ELSE 1 - s.score END),
           s.imputed
    FROM scored s
$$;

--------------------------------------------------------------------------
-- The index of every run (method 3.3-3.6).  Per run:
--   dimension score  weighted mean of the comuna's scores in the dimension
--                    (weights: the run's variable weights); coverage = the
--                    weight of the scored variables; NULL below min_coverage
--   comuna index     weighted mean of the dimension scores (the run's
--                    dimension weights); NULL, with the missing dimensions,
--                    when any is NULL or absent
--   geometric runs   the same means over logp, and the index is then
--                    1 - (exp(mean) - 1) / 99
--   ampi runs        Mazziotta and Pareto's adjusted index of the dimension
--                    scores: r = 70 + 60 score, M = weighted mean of r,
--                    S2 = weighted population variance of r (the dimension
--                    weights) as E[r^2] - M^2, AMPI+ = M + S2 / M (larger =
--                    more lagged), and the index (AMPI+ - 70) / 60
--   territory index  mean of its members' indices, or weighted by the
--                    poblacion observation of the period (methodology's
--                    territory_weighting)
--   rank             1 = most lagged, ties share a rank, NULL unranked
--------------------------------------------------------------------------
CREATE FUNCTION oracle.run_dimension_scores(period integer, methodology text, draws oracle.draw[])
RETURNS TABLE (run integer, cut integer, dimension text, score double precision, coverage double precision)
LANGUAGE sql STABLE AS $$
    WITH d AS MATERIALIZED (
        SELECT * FROM unnest($3) WHERE variable_weight > 0
    ), s AS MATERIALIZED (
        -- the scores of each normalisation the runs use (one branch each, so
        -- that a normalisation no run uses is not computed)
        SELECT 'minmax' AS normalisation, s.* FROM oracle.comuna_lag_scores($1, $2, 'minmax') s
        WHERE EXISTS (SELECT FROM d WHERE d.normalisation = 'minmax')
        UNION ALL
        SELECT 'zscore', s.* FROM oracle.comuna_lag_scores($1, $2, 'zscore') s
        WHERE EXISTS (SELECT FROM d WHERE d.normalisation = 'zscore')
        UNION ALL
        SELECT 'rank', s.* FROM oracle.comuna_lag_scores($1, $2, 'rank') s
        WHERE EXISTS (SELECT FROM d WHERE d.normalisation = 'rank')
        UNION ALL
        SELECT 'goalpost', s.* FROM oracle.comuna_lag_scores($1, $2, 'goalpost') s
        WHERE EXISTS (SELECT FROM d WHERE d.normalisation = 'goalpost')
    ), t AS (
        SELECT d.run, s.cut, d.dimension, d.variable_weight AS w,
               CASE WHEN d.aggregation = 'geometric' THEN s.logp ELSE s.score END AS s
        FROM d JOIN s ON s.normalisation = d.normalisation AND s.variable = d.variable
    )
    SELECT t.run, t.cut, t.dimension,
           CASE WHEN sum(t.w ORDER BY t.w) >= (SELECT x.min_coverage FROM oracle.methodology($2) x) - 1e-12
                THEN sum(t.w * t.s ORDER BY abs(t.w * t.s), t.w * t.s) / sum(t.w ORDER BY t.w) END,
           sum(t.w ORDER BY t.w)
    FROM t
    GROUP BY t.run, t.cut, t.dimension
$$;

CREATE FUNCTION oracle.run_comuna_index(period integer, methodology text, draws oracle.draw[])
RETURNS TABLE (run integer, cut integer, index double precision, rank bigint, missing_dimensions text[])
LANGUAGE sql STABLE AS $$
    WITH dims AS MATERIALIZED (
        SELECT DISTINCT d.run, d.aggregation, d.dimension, d.dimension_weight
        FROM unnest($3) d WHERE d.variable_weight > 0
    ), ds AS MATERIALIZED (
        SELECT * FROM oracle.run_dimension_scores($1, $2, $3)
    ), per AS (
        -- every comuna in every dimension of every run, NULL where unscored
        SELECT dims.run, dims.aggregation, c.cut, dims.dimension, dims.dimension_weight AS w, ds.score
        FROM dims
        CROSS JOIN rezago.comuna c
        LEFT JOIN ds ON ds.run = dims.run AND ds.cut = c.cut AND ds.dimension = dims.dimension
    ), idx AS (
        SELECT per.run, per.cut, min(per.aggregation) AS aggregation,
               CASE WHEN count(per.score) = count(*)
                    THEN sum(per.w * per.score ORDER BY abs(per.w * per.score), per.w * per.score)
                         / sum(per.w ORDER BY per.w) END AS mean,
               -- ampi runs only: the weighted mean of r = 70 + 60 score and of r^2
               sum(per.w * (70 + 60 * per.score) ORDER BY per.w * (70 + 60 * per.score))
                   FILTER (WHERE per.aggregation = 'ampi')
                   / sum(per.w ORDER BY per.w) FILTER (WHERE per.aggregation = 'ampi') AS r_mean,
               sum(per.w * (70 + 60 * per.score) ^ 2 ORDER BY per.w * (70 + 60 * per.score) ^ 2)
                   FILTER (WHERE per.aggregation = 'ampi')
                   / sum(per.w ORDER BY per.w) FILTER (WHERE per.aggregation = 'ampi') AS r2_mean,
               array_agg(per.dimension ORDER BY per.dimension) FILTER (WHERE per.score IS NULL) AS missing
        FROM per
        GROUP BY per.run, per.cut
    ), fin AS (
        SELECT idx.run, idx.cut, idx.missing,
               CASE WHEN idx.aggregation = 'geometric' THEN 1 - (exp(idx.mean) - 1) / 99
                    -- M + S2/M with S2 = E[r^2] - M^2, back to [0, 1]
                    WHEN idx.aggregation = 'ampi' AND idx.mean IS NOT NULL
                        THEN (idx.r_mean + (idx.r2_mean - idx.r_mean ^ 2) / idx.r_mean - 70) / 60
                    WHEN idx.aggregation = 'ampi' THEN NULL
                    ELSE idx.mean END AS index
        FROM idx
    )
    SELECT fin.run, fin.cut, fin.index,
           CASE WHEN fin.index IS NOT NULL THEN rank() OVER (PARTITION BY fin.run ORDER BY fin.index DESC NULLS LAST) END,
           CASE WHEN fin.index IS NULL THEN fin.missing END
    FROM fin
$$;

CREATE FUNCTION oracle.run_territory_index(period integer, methodology text, draws oracle.draw[])
RETURNS TABLE (run integer, territory text, index double precision, rank bigint, members bigint, scored bigint)
LANGUAGE sql STABLE AS $$
    WITH m AS MATERIALIZED (
        SELECT x.territory_weighting = 'population' AS population FROM oracle.methodology($2) x
    ), ci AS MATERIALIZED (
        SELECT * FROM oracle.run_comuna_index($1, $2, $3)
    ), pop AS MATERIALIZED (
        SELECT o.cut, o.value FROM rezago.observation o
        WHERE o.variable = 'poblacion' AND o.period = $1 AND o.value > 0
    ), t AS (
        SELECT ci.run, tm.territory, count(*) AS members, count(ci.index) AS scored,
               CASE WHEN (SELECT m.population FROM m)
                    THEN sum(p.value * ci.index ORDER BY abs(p.value * ci.index), p.value * ci.index)
                         / sum(p.value ORDER BY p.value) FILTER (WHERE ci.index IS NOT NULL)
                    ELSE avg(ci.index ORDER BY abs(ci.index), ci.index) END AS index
        FROM rezago.territory_member tm
        JOIN ci ON ci.cut = tm.cut
        LEFT JOIN pop p ON p.cut = tm.cut
        GROUP BY ci.run, tm.territory
    )
    SELECT r.run, tr.code, t.index,
           CASE WHEN t.index IS NOT NULL THEN rank() OVER (PARTITION BY r.run ORDER BY t.index DESC NULLS LAST) END,
           coalesce(t.members, 0), coalesce(t.scored, 0)
    FROM (SELECT DISTINCT d.run FROM unnest($3) d) r
    CROSS JOIN rezago.territory tr
    LEFT JOIN t ON t.run = r.run AND t.territory = tr.code
$$;

-- The methodology's own run.
CREATE FUNCTION oracle.comuna_dimension_scores(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, dimension text, score double precision, coverage double precision)
LANGUAGE sql STABLE AS $$
    -- dimension scores stay arithmetic under a geometric methodology
    SELECT d.cut, d.dimension, d.score, d.coverage
    FROM oracle.run_dimension_scores($1, $2,
             ARRAY(SELECT ROW(n.run, n.normalisation, 'arithmetic', n.threshold_rule, n.dimension, n.variable,
                              n.dimension_weight, n.variable_weight)::oracle.draw
                   FROM unnest(oracle.nominal($2)) n)) d
$$;

CREATE FUNCTION oracle.comuna_index(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, index double precision, rank bigint, missing_dimensions text[])
LANGUAGE sql STABLE AS $$
    SELECT c.cut, c.index, c.rank, c.missing_dimensions FROM oracle.run_comuna_index($1, $2, oracle.nominal($2)) c
$$;

CREATE FUNCTION oracle.territory_index(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (territory text, index double precision, rank bigint, members bigint, scored bigint)
LANGUAGE sql STABLE AS $$
    SELECT t.territory, t.index, t.rank, t.members, t.scored FROM oracle.run_territory_index($1, $2, oracle.nominal($2)) t
$$;

--------------------------------------------------------------------------
-- Thresholds, gaps and exit (method 4).  A variable's threshold: the
-- official one of the period when there is one, else the rule over the
-- comunas' raw values: mean, median, the methodology's percentile
-- (percentile_cont) or its fixed value.  A territory's value: mean of its
-- members' values; gap = polarity * (threshold - value), overcome when
-- <= 0.  Exit stage from the shares overcome (compared with a 1e-9 slack:
-- 2/6 is 1/3), insufficient_data below the minimum evaluated share.
-- rule NULL: the methodology's.
--------------------------------------------------------------------------
CREATE FUNCTION oracle.variable_thresholds(period integer, methodology text DEFAULT 'ufro2017',
                                           rule text DEFAULT NULL)
RETURNS TABLE (variable text, threshold double precision, source text, comunas bigint)
LANGUAGE sql STABLE AS $$
    WITH m AS MATERIALIZED (
        SELECT coalesce($3, x.threshold_rule) AS rule, x.threshold_percentile AS pct FROM oracle.methodology($2) x
    ), st AS MATERIALIZED (
        -- each statistic only under the rule that uses it (FILTER keeps the sorts empty)
        SELECT o.variable, count(*) AS n,
               avg(o.value ORDER BY abs(o.value), o.value) FILTER (WHERE (SELECT m.rule = 'mean' FROM m)) AS mean,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY o.value)
                   FILTER (WHERE (SELECT m.rule = 'median' FROM m)) AS median,
               percentile_cont((SELECT m.pct FROM m)) WITHIN GROUP (ORDER BY o.value)
                   FILTER (WHERE (SELECT m.rule = 'percentile' FROM m)) AS pct
        FROM oracle.scoring_values($1, $2) o
        WHERE NOT o.imputed
        GROUP BY o.variable
    )
    SELECT w.variable,
           CASE WHEN ot.variable IS NOT NULL THEN ot.value
                WHEN m.rule = 'mean' THEN st.mean
                WHEN m.rule = 'median' THEN st.median
                WHEN m.rule = 'percentile' THEN st.pct
                ELSE mv.threshold_fixed END,
           CASE WHEN ot.variable IS NOT NULL THEN 'official'
                WHEN m.rule = 'percentile' THEN 'percentile ' || m.pct::text
                ELSE m.rule END,
           coalesce(st.n, 0)
    FROM oracle.methodology_weights($2) w
    CROSS JOIN m
    JOIN rezago.methodology_variable mv ON mv.methodology = $2 AND mv.variable = w.variable
    LEFT JOIN st ON st.variable = w.variable
    LEFT JOIN rezago.official_threshold ot ON ot.variable = w.variable AND ot.period = $1
    ORDER BY w.variable
$$;

-- Every territory with members, in every variable of the methodology.
CREATE FUNCTION oracle.territory_gaps(period integer, methodology text DEFAULT 'ufro2017',
                                      rule text DEFAULT NULL)
RETURNS TABLE (territory text, variable text, value double precision, threshold double precision,
               gap double precision, overcome boolean)
LANGUAGE sql STABLE AS $$
    WITH th AS MATERIALIZED (
        SELECT t.variable, t.threshold, w.polarity
        FROM oracle.variable_thresholds($1, $2, $3) t
        JOIN oracle.methodology_weights($2) w ON w.variable = t.variable
    ), tv AS (
        SELECT tm.territory, o.variable, avg(o.value ORDER BY abs(o.value), o.value) AS value
        FROM rezago.territory_member tm
        JOIN oracle.scoring_values($1, $2) o ON o.cut = tm.cut
        WHERE NOT o.imputed AND o.variable IN (SELECT th.variable FROM th)
        GROUP BY tm.territory, o.variable
    ), g AS (
        SELECT tt.territory, th.variable, tv.value, th.threshold,
               CASE WHEN th.polarity = 1 THEN th.threshold - tv.value ELSE tv.value - th.threshold END AS gap
        FROM (SELECT DISTINCT tm.territory FROM rezago.territory_member tm) tt
        CROSS JOIN th
        LEFT JOIN tv ON tv.territory = tt.territory AND tv.variable = th.variable
    )
    SELECT g.territory, g.variable, g.value, g.threshold, g.gap, g.gap <= 0
    FROM g ORDER BY g.territory, g.variable
$$;

-- The stage of a territory evaluated on `evaluated` of the methodology's
-- `variables` variables, `overcome` of them overcome.
CREATE FUNCTION oracle.exit_stage(evaluated integer, overcome integer, variables bigint, m rezago.methodology)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN coalesce($1, 0) = 0 OR $1 < ($4).exit_min_evaluated_share * $3 - 1e-9 THEN 'insufficient_data'
                WHEN $2 = $1 THEN 'exited'
                WHEN $2::float8 / $1 >= ($4).exit_advanced_share - 1e-9 THEN 'exit_advanced'
                WHEN $2::float8 / $1 >= ($4).exit_started_share - 1e-9 THEN 'exit_started'
                ELSE 'lagging' END
$$;

-- Every territory (without members: insufficient_data).
CREATE FUNCTION oracle.territory_exit(period integer, methodology text DEFAULT 'ufro2017',
                                      rule text DEFAULT NULL)
RETURNS TABLE (territory text, evaluated integer, overcome integer, share double precision, stage text)
LANGUAGE sql STABLE AS $$
    WITH c AS MATERIALIZED (
        SELECT g.territory, (count(*) FILTER (WHERE g.gap IS NOT NULL))::integer AS evaluated,
               (count(*) FILTER (WHERE g.overcome))::integer AS overcome
        FROM oracle.territory_gaps($1, $2, $3) g
        GROUP BY g.territory
    )
    SELECT t.code, coalesce(c.evaluated, 0), coalesce(c.overcome, 0),
           c.overcome::float8 / nullif(c.evaluated, 0),
           oracle.exit_stage(c.evaluated, c.overcome, (SELECT count(*) FROM oracle.methodology_weights($2)),
                             (SELECT m FROM oracle.methodology($2) m))
    FROM rezago.territory t LEFT JOIN c ON c.territory = t.code
    ORDER BY t.code
$$;

--------------------------------------------------------------------------
-- Entry (method 5), in three-valued logic.  Poverty ranks: pobreza_ingresos
-- of the period, 1 = poorest, ties share a rank, nationally and within the
-- región.  E1/E2: half or more of the members flagged is met; failed when
-- even flagging every member without data would not reach half; unknown
-- otherwise.  E3: share of isolated localities (summed) above
-- entry_isolation_share; a member without data can take any value
-- consistent with what is known of it (isolated in [0, localities];
-- localities >= isolated; anything), so E3 is met when the smallest
-- possible share is above the cut, failed when the largest is not, unknown
-- otherwise; no localities at all is share 0.
--------------------------------------------------------------------------
CREATE FUNCTION oracle.comuna_poverty_ranks(period integer)
RETURNS TABLE (cut integer, region_code integer, poverty double precision, national_rank bigint,
               regional_rank bigint, regional_count bigint)
LANGUAGE sql STABLE AS $$
    -- the región on 31 December of the period: that of the history row with
    -- the earliest valid_to on or after it, else today's
    WITH c AS (
        SELECT c.cut,
               coalesce((SELECT h.region_code FROM rezago.comuna_region_history h
                         WHERE h.cut = c.cut
                           AND h.valid_to >= CASE WHEN $1 BETWEEN 1 AND 9999 THEN make_date($1, 12, 31) END
                         ORDER BY h.valid_to LIMIT 1), c.region_code) AS region_code
        FROM rezago.comuna c
    )
    SELECT o.cut, c.region_code, o.value,
           rank() OVER (ORDER BY o.value DESC),
           CASE WHEN c.region_code IS NOT NULL THEN rank() OVER (PARTITION BY c.region_code ORDER BY o.value DESC) END,
           CASE WHEN c.region_code IS NOT NULL THEN count(*) OVER (PARTITION BY c.region_code) END
    FROM rezago.observation o JOIN c ON c.cut = o.cut
    WHERE o.variable = 'pobreza_ingresos' AND o.period = $1 AND o.value IS NOT NULL
    ORDER BY o.cut
$$;

CREATE FUNCTION oracle.territory_entry(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (territory text, e1_national boolean, e2_regional boolean, e3_isolation boolean,
               criteria_met integer, eligible boolean)
LANGUAGE sql STABLE AS $$
    WITH m AS (SELECT * FROM oracle.methodology($2)),
    pov AS MATERIALIZED (
        SELECT * FROM oracle.comuna_poverty_ranks($1)
    ), loc AS MATERIALIZED (
        SELECT o.cut,
               max(o.value) FILTER (WHERE o.variable = 'localidades') AS l,
               max(o.value) FILTER (WHERE o.variable = 'localidades_aisladas') AS i
        FROM rezago.observation o
        WHERE o.variable IN ('localidades', 'localidades_aisladas') AND o.period = $1
        GROUP BY o.cut
    ), a AS (
        SELECT tm.territory, count(*) AS n,
               count(*) FILTER (WHERE pov.national_rank <= m.entry_national_top) AS e1_yes,
               count(*) FILTER (WHERE pov.national_rank IS NULL) AS e1_unknown,
               count(*) FILTER (WHERE pov.regional_rank::float8 / pov.regional_count <= m.entry_regional_share) AS e2_yes,
               count(*) FILTER (WHERE pov.regional_rank IS NULL) AS e2_unknown,
               coalesce(sum(loc.l) FILTER (WHERE loc.l IS NOT NULL AND loc.i IS NOT NULL), 0) AS l_full,
               coalesce(sum(loc.i) FILTER (WHERE loc.l IS NOT NULL AND loc.i IS NOT NULL), 0) AS i_full,
               coalesce(sum(loc.l) FILTER (WHERE loc.l IS NOT NULL AND loc.i IS NULL), 0) AS l_only,
               coalesce(sum(loc.i) FILTER (WHERE loc.l IS NULL AND loc.i IS NOT NULL), 0) AS i_only,
               count(*) FILTER (WHERE loc.l IS NULL AND loc.i IS NOT NULL) AS n_i_only,
               count(*) FILTER (WHERE loc.l IS NULL AND loc.i IS NULL) AS n_none,
               min(m.entry_isolation_share) AS s, min(m.entry_min_criteria) AS k
        FROM rezago.territory_member tm
        CROSS JOIN m
        LEFT JOIN pov ON pov.cut = tm.cut
        LEFT JOIN loc ON loc.cut = tm.cut
        GROUP BY tm.territory
    ), c AS (
        SELECT a.territory, a.k,
               CASE WHEN 2 * a.e1_yes >= a.n THEN true WHEN 2 * (a.e1_yes + a.e1_unknown) < a.n THEN false END AS e1,
               CASE WHEN 2 * a.e2_yes >= a.n THEN true WHEN 2 * (a.e2_yes + a.e2_unknown) < a.n THEN false END AS e2,
               CASE WHEN CASE WHEN a.n_none = 0 AND a.n_i_only = 0
                              THEN a.l_full + a.l_only > 0 AND a.i_full / (a.l_full + a.l_only) > a.s
                              ELSE a.s = 0 AND a.i_full + a.i_only > 0 END THEN true
                    WHEN a.n_none = 0
                         AND (a.l_full + a.l_only + a.i_only = 0
                              OR (a.i_full + a.l_only + a.i_only) / (a.l_full + a.l_only + a.i_only) <= a.s) THEN false
               END AS e3
        FROM a
    )
    SELECT t.code, c.e1, c.e2, c.e3,
           CASE WHEN c.territory IS NOT NULL THEN (c.e1 IS TRUE)::int + (c.e2 IS TRUE)::int + (c.e3 IS TRUE)::int END,
           CASE WHEN (c.e1 IS TRUE)::int + (c.e2 IS TRUE)::int + (c.e3 IS TRUE)::int >= c.k THEN true
                WHEN (c.e1 IS NOT FALSE)::int + (c.e2 IS NOT FALSE)::int + (c.e3 IS NOT FALSE)::int < c.k THEN false
           END
    FROM rezago.territory t LEFT JOIN c ON c.territory = t.code
    ORDER BY t.code
$$;

--------------------------------------------------------------------------
-- Contiguity (method 6) at tolerance 0: members = distinct comunas; two
-- members are adjacent when their boundaries intersect or an explicit
-- rezago.adjacency_link joins them; components by a recursive walk;
-- contiguous = two or more members, every one with a boundary, one
-- component.
--------------------------------------------------------------------------
CREATE FUNCTION oracle.territory_contiguity()
RETURNS TABLE (territory text, members integer, components integer, contiguous boolean)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE mem AS (
        SELECT DISTINCT tm.territory, tm.cut, c.geom
        FROM rezago.territory_member tm JOIN rezago.comuna c ON c.cut = tm.cut
    ), edge AS (
        SELECT a.territory, a.cut AS a, b.cut AS b
        FROM mem a JOIN mem b ON b.territory = a.territory AND b.cut <> a.cut
        WHERE ST_Intersects(a.geom, b.geom)
        UNION
        SELECT a.territory, a.cut, b.cut
        FROM rezago.adjacency_link l
        JOIN mem a ON a.cut IN (l.cut_a, l.cut_b)
        JOIN mem b ON b.territory = a.territory AND b.cut IN (l.cut_a, l.cut_b) AND b.cut <> a.cut
    ), reach AS (
        SELECT mem.territory, mem.cut AS root, mem.cut AS node FROM mem
        UNION
        SELECT r.territory, r.root, e.b FROM reach r JOIN edge e ON e.territory = r.territory AND e.a = r.node
    ), label AS (
        SELECT reach.territory, reach.node, min(reach.root) AS label FROM reach GROUP BY reach.territory, reach.node
    ), k AS (
        SELECT label.territory, count(DISTINCT label.label)::integer AS components
        FROM label GROUP BY label.territory
    ), t AS (
        SELECT mem.territory, count(*)::integer AS members, count(mem.geom)::integer AS with_geom, k.components
        FROM mem JOIN k ON k.territory = mem.territory
        GROUP BY mem.territory, k.components
    )
    SELECT tr.code, coalesce(t.members, 0), coalesce(t.components, 0),
           coalesce(t.members >= 2 AND t.with_geom = t.members AND t.components = 1, false)
    FROM rezago.territory tr LEFT JOIN t ON t.territory = tr.code
$$;

--------------------------------------------------------------------------
-- Uncertainty analysis: every run of rezago.uncertainty_runs recomputed
-- from its draws (same arguments), and the summary of
-- rezago.rank_uncertainty over runs 1.. (percentile_cont of the ranks).
--------------------------------------------------------------------------
CREATE FUNCTION oracle.uncertainty_runs(
    period integer, runs integer DEFAULT 1000, seed bigint DEFAULT 1, methodology text DEFAULT 'ufro2017',
    vary_normalisation boolean DEFAULT true, vary_aggregation boolean DEFAULT true,
    weight_perturbation double precision DEFAULT 0.25, vary_threshold boolean DEFAULT true,
    normalisations text[] DEFAULT ARRAY['minmax', 'zscore', 'rank'],
    threshold_rules text[] DEFAULT ARRAY['mean', 'median'])
RETURNS TABLE (run integer, normalisation text, aggregation text, threshold_rule text,
               territory text, index double precision, rank bigint, exit_stage text)
LANGUAGE sql STABLE AS $$
    WITH draws AS MATERIALIZED (
        SELECT array_agg(ROW(d.run, d.normalisation, d.aggregation, d.threshold_rule, d.dimension, d.variable,
                             d.dimension_weight, d.variable_weight)::oracle.draw) AS draws
        FROM rezago.uncertainty_draws($2, $3, $4, $5, $6, $7, $8, $9, $10) d
    ), cfg AS (
        SELECT DISTINCT d.run, d.normalisation, d.aggregation, d.threshold_rule
        FROM unnest((SELECT draws.draws FROM draws)) d
    ), stage AS MATERIALIZED (
        SELECT rules.rule, e.territory, e.stage
        FROM (SELECT DISTINCT cfg.threshold_rule AS rule FROM cfg) rules
        CROSS JOIN LATERAL oracle.territory_exit($1, $4, rules.rule) e
    )
    SELECT cfg.run, cfg.normalisation, cfg.aggregation, cfg.threshold_rule, t.territory, t.index, t.rank, stage.stage
    FROM oracle.run_territory_index($1, $4, (SELECT draws.draws FROM draws)) t
    JOIN cfg ON cfg.run = t.run
    JOIN stage ON stage.rule = cfg.threshold_rule AND stage.territory = t.territory
$$;

CREATE FUNCTION oracle.rank_uncertainty(
    period integer, runs integer DEFAULT 1000, seed bigint DEFAULT 1, methodology text DEFAULT 'ufro2017',
    vary_normalisation boolean DEFAULT true, vary_aggregation boolean DEFAULT true,
    weight_perturbation double precision DEFAULT 0.25, vary_threshold boolean DEFAULT true,
    normalisations text[] DEFAULT ARRAY['minmax', 'zscore', 'rank'],
    threshold_rules text[] DEFAULT ARRAY['mean', 'median'], top_n integer DEFAULT 10)
RETURNS TABLE (territory text, median_rank double precision, rank_p05 double precision,
               rank_p95 double precision, best_rank bigint, worst_rank bigint,
               top_n_probability double precision, ranked_runs bigint,
               p_insufficient_data double precision, p_lagging double precision,
               p_exit_started double precision, p_exit_advanced double precision,
               p_exited double precision)
LANGUAGE sql STABLE AS $$
    SELECT o.territory,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY o.rank),
           percentile_cont(0.05) WITHIN GROUP (ORDER BY o.rank),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY o.rank),
           min(o.rank), max(o.rank),
           avg(coalesce(o.rank <= $11, false)::integer), count(o.rank),
           avg((o.exit_stage = 'insufficient_data')::integer),
           avg((o.exit_stage = 'lagging')::integer),
           avg((o.exit_stage = 'exit_started')::integer),
           avg((o.exit_stage = 'exit_advanced')::integer),
           avg((o.exit_stage = 'exited')::integer)
    FROM oracle.uncertainty_runs($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) o
    WHERE o.run > 0
    GROUP BY o.territory
$$;
