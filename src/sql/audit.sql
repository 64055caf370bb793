/*
 * The statistical audit of the index (issue 18; doc/method.md section 13):
 * what a periodic review of the methodology asks of the data, computed over
 * the extension's own tables for any methodology and period.  Values are read
 * through rezago.scoring_values (vintages, imputation) and lag scores through
 * rezago.comuna_lag_scores; the statistics are C (src/audit_*.c).
 */

--------------------------------------------------------------------------
-- C building blocks: moments, correlations, reliability
--------------------------------------------------------------------------

CREATE FUNCTION rezago.distribution_moments(vals double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'rezago_distribution_moments'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.distribution_moments(double precision[]) IS
'{n, mean, sd, skewness, excess kurtosis} of the elements of an array (any shape): sd with n - 1 (R sd()), skewness G1 = n/((n-1)(n-2)) sum((x-mean)/sd)^3 and excess kurtosis G2 = n(n+1)/((n-1)(n-2)(n-3)) sum((x-mean)/sd)^4 - 3(n-1)^2/((n-2)(n-3)) (Excel SKEW/KURT, SAS, SPSS, COINr); sums in canonical order. NULL, NaN and +/-Infinity elements are missing. An element is NULL when undefined: mean for n = 0, sd for n < 2, skewness for n < 3 or sd = 0, kurtosis for n < 4 or sd = 0. NULL array: NULL.';

CREATE FUNCTION rezago.correlation(x double precision[], y double precision[], method text DEFAULT 'pearson')
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_correlation'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.correlation(double precision[], double precision[], text) IS
'Correlation of the pairs (x[i], y[i]) where both are present (NULL, NaN, +/-Infinity missing), as base R cor(x, y, method, use = "complete.obs"): pearson, spearman (Pearson of average ranks) or kendall (tau-b). NULL when fewer than two pairs or one side constant. Errors: arrays of different lengths or unknown method (22023), kendall over more than 100,000 pairs (54000). NULL argument: NULL.';

CREATE FUNCTION rezago.reliability(items double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'rezago_reliability'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.reliability(double precision[]) IS
'{n, k, Cronbach''s alpha, first eigenvalue, first component''s share of variance} of a two-dimensional array (one row per unit, one column per item) over the rows where every item is present: alpha = k/(k-1) (1 - sum of item variances / variance of the row totals); the eigenvalues of the items'' correlation matrix by Jacobi rotations, share = first eigenvalue / k (R prcomp(scale. = TRUE)). alpha NULL for k < 2, n < 2 or a constant total; eigenvalue and share NULL for n < 2 or a constant item. Errors: not two-dimensional or more than 1,000 items (22023). NULL: NULL.';

--------------------------------------------------------------------------
-- The audit of a methodology in a period
--------------------------------------------------------------------------

CREATE FUNCTION rezago.variable_statistics(period integer, methodology text DEFAULT 'ufro2017',
                                           observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, dimension text, vintage integer, n bigint, imputed bigint,
               share_available double precision, min double precision, max double precision,
               mean double precision, median double precision, sd double precision,
               skewness double precision, excess_kurtosis double precision,
               q1 double precision, q3 double precision, outliers_low bigint, outliers_high bigint,
               outlier_comunas integer[])
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH w AS MATERIALIZED (
        SELECT w.variable, w.dimension
        FROM rezago.methodology_weights(variable_statistics.methodology) w
    ), v AS MATERIALIZED (
        SELECT s.cut, s.variable, s.vintage, s.value, s.imputed
        FROM rezago.scoring_values(variable_statistics.period, variable_statistics.methodology, observations => variable_statistics.observations) s
    ), st AS MATERIALIZED (
        -- the reference population: observed values at the vintage (there
        -- is one exactly when the variable has a vintage)
        SELECT o.variable, min(o.vintage) AS vintage, count(*) AS n, min(o.value) AS lo, max(o.value) AS hi,
               percentile_cont(ARRAY[0.25, 0.5, 0.75]::double precision[]) WITHIN GROUP (ORDER BY o.value) AS q,
               rezago.distribution_moments(array_agg(o.value)) AS mom
        FROM v o WHERE NOT o.imputed
        GROUP BY o.variable
    ), f AS MATERIALIZED (
        -- Tukey's fences, 1.5 interquartile ranges beyond the quartiles, in
        -- numeric (exact, and no overflow for values near the float8 limit)
        SELECT st.*, st.q[1]::numeric - 1.5 * (st.q[3]::numeric - st.q[1]::numeric) AS low_fence,
               st.q[3]::numeric + 1.5 * (st.q[3]::numeric - st.q[1]::numeric) AS high_fence
        FROM st
    ), o AS MATERIALIZED (
        -- one pass over the values: imputed, below and above the fences
        SELECT x.variable, count(*) FILTER (WHERE x.imputed) AS imputed,
               count(*) FILTER (WHERE x.low) AS low, count(*) FILTER (WHERE x.high) AS high,
               array_agg(x.cut ORDER BY x.cut) FILTER (WHERE x.low OR x.high) AS cuts
        FROM (SELECT y.variable, y.cut, y.imputed,
                     NOT y.imputed AND y.nv < y.low_fence AS low,
                     NOT y.imputed AND y.nv > y.high_fence AS high
              -- each value to numeric once (a float8 to numeric conversion
              -- prints the number: it was most of the call's time when the
              -- planner substituted it into every FILTER); OFFSET 0 keeps
              -- both levels from being pulled up into the aggregates
              FROM (SELECT v.variable, v.cut, v.imputed, v.value::numeric AS nv, f.low_fence, f.high_fence
                    FROM v LEFT JOIN f ON f.variable = v.variable OFFSET 0) y
              OFFSET 0) x
        GROUP BY x.variable
    )
    SELECT w.variable, w.dimension, f.vintage, coalesce(f.n, 0), coalesce(o.imputed, 0),
           coalesce(f.n, 0)::double precision / nullif((SELECT count(*) FROM rezago.comuna), 0),
           f.lo, f.hi, f.mom[2], f.q[2], f.mom[3], f.mom[4], f.mom[5], f.q[1], f.q[3],
           coalesce(o.low, 0), coalesce(o.high, 0), coalesce(o.cuts, ARRAY[]::integer[])
    FROM w
    LEFT JOIN f ON f.variable = w.variable
    LEFT JOIN o ON o.variable = w.variable
    ORDER BY w.dimension, w.variable;
END;
COMMENT ON FUNCTION rezago.variable_statistics(integer, text, regclass) IS
'Per variable of the methodology in a period (dimension, then variable order): its vintage, n observed values (the reference population: rezago.scoring_values, imputed values not counted but reported in imputed), share_available (n / comunas in rezago.comuna), min, max, mean, median, sd (n - 1), skewness and excess kurtosis (rezago.distribution_moments: G1, G2), the quartiles q1 and q3 (percentile_cont, R quantile type 7) and the outliers by the IQR rule (below q1 - 1.5 IQR or above q3 + 1.5 IQR): how many on each side and their comunas (CUT codes, ascending). A variable without data in the period has n = 0 and NULL statistics. NULL period: n = 0 everywhere. Errors: unknown (42704) or incomplete (22023) methodology.';

CREATE FUNCTION rezago.variable_correlations(period integer, methodology text DEFAULT 'ufro2017',
                                             method text DEFAULT 'pearson',
                                             redundancy_threshold double precision DEFAULT 0.9,
                                             observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, dimension text, other_kind text, other text, n bigint,
               correlation double precision, redundant boolean, incoherent boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH w AS MATERIALIZED (
        SELECT w.variable, w.dimension
        FROM rezago.methodology_weights(variable_correlations.methodology) w
        -- an unknown method fails before anything is computed
        WHERE (SELECT rezago.correlation(ARRAY[]::double precision[], ARRAY[]::double precision[],
                                         variable_correlations.method)) IS NULL
    ), dims AS MATERIALIZED (
        SELECT rezago.methodology_dimension_codes(variable_correlations.methodology) AS codes
    ), u AS MATERIALIZED (
        -- one unit state per comuna gives its dimension scores (as
        -- comuna_dimension_scores computes them: arithmetic under every
        -- aggregation)
        SELECT x.cut, x.state
        FROM rezago.audit_unit_states(variable_correlations.period, variable_correlations.methodology, variable_correlations.observations) x
    ), sv AS (
        -- lag scores: oriented by polarity (1 = most lagged) and normalised
        SELECT 'variable' AS kind, ls.variable AS code, ls.cut, ls.score
        FROM rezago.audit_lag_scores(variable_correlations.period, variable_correlations.methodology, variable_correlations.observations) ls
        UNION ALL
        SELECT 'dimension', (SELECT dims.codes FROM dims)[d.no], u.cut, d.score
        FROM u CROSS JOIN LATERAL unnest(rezago.unit_dimension_scores_final(u.state)) WITH ORDINALITY AS d(score, no)
        UNION ALL
        -- the index as the methodology aggregates it (arithmetic, geometric
        -- or ampi): rezago.comuna_index, its one definition
        SELECT 'index', 'index', ci.cut, ci.index
        FROM rezago.audit_comuna_index(variable_correlations.period, variable_correlations.methodology,
                                       variable_correlations.observations) ci
    ), keys AS (
        SELECT 'variable' AS kind, w.variable AS code FROM w
        UNION SELECT 'dimension', w.dimension FROM w
        UNION SELECT 'index', 'index'
    ), series AS MATERIALIZED (
        -- every series as one array over the comunas in code order (NULL
        -- where missing), so that a pair is two arrays
        SELECT k.kind, k.code, array_agg(sv.score ORDER BY c.cut) AS a,
               -- where the series is present, one bit per comuna: the n of a
               -- pair is the bit_count of the AND of its two
               pg_catalog.string_agg(CASE WHEN sv.score IS NULL THEN '0' ELSE '1' END, '' ORDER BY c.cut)::pg_catalog.varbit AS present
        FROM keys k CROSS JOIN rezago.comuna c
        LEFT JOIN sv ON sv.kind = k.kind AND sv.code = k.code AND sv.cut = c.cut
        GROUP BY k.kind, k.code
    ), pairs AS (
        SELECT a.variable, a.dimension, 'variable' AS kind, b.variable AS other, b.dimension AS other_dimension
        FROM w a JOIN w b ON b.variable > a.variable
        UNION ALL
        SELECT a.variable, a.dimension, 'dimension', a.dimension, a.dimension FROM w a
        UNION ALL
        SELECT a.variable, a.dimension, 'index', 'index', a.dimension FROM w a
    )
    SELECT p.variable, p.dimension, p.kind, p.other, c.n, c.r,
           CASE WHEN p.kind = 'variable' AND p.other_dimension = p.dimension
                THEN c.r > variable_correlations.redundancy_threshold ELSE false END,
           CASE WHEN p.other_dimension = p.dimension THEN c.r < 0 ELSE false END
    FROM pairs p
    JOIN series sa ON sa.kind = 'variable' AND sa.code = p.variable
    JOIN series sb ON sb.kind = p.kind AND sb.code = p.other
    CROSS JOIN LATERAL (
        SELECT coalesce(pg_catalog.bit_count(sa.present OPERATOR(pg_catalog.&) sb.present), 0) AS n,
               rezago.correlation(sa.a, sb.a, variable_correlations.method) AS r
        -- OFFSET 0: computed once per pair (pulled up, the correlation was
        -- computed for each of the three columns that read it)
        OFFSET 0
    ) c
    ORDER BY p.dimension, p.variable,
             CASE p.kind WHEN 'variable' THEN 1 WHEN 'dimension' THEN 2 ELSE 3 END, p.other;
END;
COMMENT ON FUNCTION rezago.variable_correlations(integer, text, text, double precision, regclass) IS
'Correlations of the lag scores (rezago.comuna_lag_scores: normalised and oriented by polarity, 1 = most lagged) of a methodology in a period: every pair of variables once (other_kind variable, other > variable), and each variable with its dimension score (other_kind dimension) and with the index (other_kind index: rezago.comuna_index, aggregated as the methodology says, arithmetic, geometric or ampi), over the comunas that have both (n). method: pearson (default), spearman or kendall (rezago.correlation). redundant: a pair within one dimension correlated above redundancy_threshold (default 0.9; NULL gives NULL); incoherent: a negative correlation within a dimension, or with the variable''s own dimension score or the index. Both false across dimensions; NULL when the correlation is undefined (NULL). NULL period: n = 0, correlations NULL. Errors: unknown (42704) or incomplete (22023) methodology, unknown method (22023).';

CREATE FUNCTION rezago.dimension_reliability(period integer, methodology text DEFAULT 'ufro2017',
                                             observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (level text, items integer, comunas integer, cronbach_alpha double precision,
               first_eigenvalue double precision, first_component_share double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH w AS MATERIALIZED (
        SELECT w.variable, w.dimension
        FROM rezago.methodology_weights(dimension_reliability.methodology) w
    ), dims AS MATERIALIZED (
        SELECT rezago.methodology_dimension_codes(dimension_reliability.methodology) AS codes
    ), items AS MATERIALIZED (
        SELECT w.dimension AS level, w.variable AS item FROM w
        UNION ALL
        SELECT DISTINCT 'index', w.dimension FROM w
    ), vals AS MATERIALIZED (
        SELECT w.dimension AS level, ls.variable AS item, ls.cut, ls.score
        FROM rezago.audit_lag_scores(dimension_reliability.period, dimension_reliability.methodology, dimension_reliability.observations) ls
        JOIN w ON w.variable = ls.variable
        WHERE ls.score IS NOT NULL
        UNION ALL
        -- the dimension scores of the unit states, as comuna_dimension_scores
        -- computes them (rezago.unit_dimension_scores_final; a dimension
        -- without coverage has no score)
        SELECT 'index', (SELECT dims.codes FROM dims)[d.no], u.cut, d.score
        FROM rezago.audit_unit_states(dimension_reliability.period, dimension_reliability.methodology, dimension_reliability.observations) u
        CROSS JOIN LATERAL unnest(rezago.unit_dimension_scores_final(u.state)) WITH ORDINALITY AS d(score, no)
        WHERE d.score IS NOT NULL
    ), k AS (
        SELECT i.level, count(*)::integer AS k FROM items i GROUP BY i.level
    ), complete AS (
        -- the comunas with every item of the level
        SELECT v.level, v.cut, array_agg(v.score ORDER BY v.item) AS r
        FROM vals v JOIN k ON k.level = v.level
        GROUP BY v.level, v.cut, k.k
        HAVING count(*) = k.k
    ), rel AS (
        SELECT c.level, rezago.reliability(array_agg(c.r ORDER BY c.cut)) AS x
        FROM complete c GROUP BY c.level
    )
    SELECT k.level, k.k, coalesce(rel.x[1], 0)::integer, rel.x[3], rel.x[4], rel.x[5]
    FROM k LEFT JOIN rel ON rel.level = k.level
    ORDER BY k.level = 'index', k.level;
END;
COMMENT ON FUNCTION rezago.dimension_reliability(integer, text, regclass) IS
'Internal consistency of each dimension of a methodology in a period (items: its variables'' lag scores) and of the index (level index; items: the dimension scores), over the comunas with every item (comunas): Cronbach''s alpha and the first principal component of the items'' correlation matrix, its eigenvalue and share of the variance (rezago.reliability). alpha is NULL for a one-item level; NULL statistics when fewer than two comunas are complete or an item is constant. NULL period: comunas 0. Errors: unknown (42704) or incomplete (22023) methodology.';

CREATE FUNCTION rezago.effective_weights(methodology text DEFAULT 'ufro2017', period integer DEFAULT NULL,
                                         observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, dimension text, nominal_weight double precision, comunas bigint,
               variance_share double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH w AS MATERIALIZED (
        SELECT w.variable, w.dimension, w.dimension_weight, w.effective_weight
        FROM rezago.methodology_weights(effective_weights.methodology) w
    ), ci AS MATERIALIZED (
        SELECT c.cut, c.index
        FROM rezago.audit_comuna_index(effective_weights.period, effective_weights.methodology, effective_weights.observations) c
        WHERE c.index IS NOT NULL AND effective_weights.period IS NOT NULL
    ), ls AS MATERIALIZED (
        SELECT s.cut, s.variable, w.dimension, w.dimension_weight, s.score, s.weight
        FROM rezago.audit_lag_scores(effective_weights.period, effective_weights.methodology, effective_weights.observations) s
        JOIN w ON w.variable = s.variable
        WHERE s.score IS NOT NULL AND s.cut IN (SELECT ci.cut FROM ci)
    ), t AS MATERIALIZED (
        -- each variable's term of the comuna's index: the dimension weight
        -- times its weight among the comuna's scored variables of the
        -- dimension, times its score (the terms add up to the index)
        SELECT ls.cut, ls.variable,
               ls.dimension_weight * ls.weight
                 / rezago.canonical_sum(ls.weight) OVER (PARTITION BY ls.cut, ls.dimension) * ls.score AS term
        FROM ls
    ), mi AS MATERIALIZED (
        SELECT rezago.canonical_avg(ci.index) AS m,
               rezago.canonical_sum((ci.index - (SELECT rezago.canonical_avg(x.index) FROM ci x))
                                    * (ci.index - (SELECT rezago.canonical_avg(x.index) FROM ci x))) AS ss
        FROM ci
    ), ts AS MATERIALIZED (
        -- each term's sum (canonical: in any order the same), one pass
        SELECT t.variable, rezago.canonical_sum(t.term) AS s FROM t GROUP BY t.variable
    ), tm AS MATERIALIZED (
        -- each term's mean over the comunas with an index
        SELECT w.variable,
               coalesce(ts.s, 0) / nullif((SELECT count(*) FROM ci), 0) AS m
        FROM w LEFT JOIN ts ON ts.variable = w.variable
    ), c AS (
        -- the covariance of each term with the index, over the comunas with
        -- an index (a term is 0 where its variable has no score)
        SELECT w.variable, count(t.term) AS n,
               rezago.canonical_sum((coalesce(t.term, 0) - tm.m) * (ci.index - (SELECT mi.m FROM mi))) AS sp
        FROM w JOIN tm ON tm.variable = w.variable
        CROSS JOIN ci
        LEFT JOIN t ON t.cut = ci.cut AND t.variable = w.variable
        GROUP BY w.variable
    )
    SELECT w.variable, w.dimension, w.effective_weight, coalesce(c.n, 0),
           c.sp / nullif((SELECT mi.ss FROM mi), 0)
    FROM w LEFT JOIN c ON c.variable = w.variable
    ORDER BY w.dimension, w.variable;
END;
COMMENT ON FUNCTION rezago.effective_weights(text, integer, regclass) IS
'Weight of each variable of a methodology in its index: nominal_weight, the dimension''s normalised weight times the variable''s within it (rezago.methodology_weights; they sum to 1); with a period, its share of the variance of the comuna index, cov(t_v, index) / var(index) over the comunas with an index, where t_v is the variable''s term of the comuna''s index (dimension weight x its weight among the comuna''s scored variables of the dimension x lag score, 0 where unscored); the shares sum to 1 (doc/method.md 13.4). comunas: comunas with an index where the variable is scored. period NULL (default): comunas 0, variance_share NULL. Errors: unknown (42704) or incomplete (22023) methodology.';

CREATE FUNCTION rezago.variable_influence(period integer, methodology text DEFAULT 'ufro2017',
                                          n integer DEFAULT 10,
                                          observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, dimension text, comunas integer, comuna_mean_shift double precision,
               comuna_max_shift integer, territories integer, territory_mean_shift double precision,
               territory_max_shift integer, top_n_entering integer, top_n_leaving integer)
AS 'MODULE_PATHNAME', 'rezago_variable_influence'
LANGUAGE C STABLE PARALLEL RESTRICTED CALLED ON NULL INPUT ROWS 20;
COMMENT ON FUNCTION rezago.variable_influence(integer, text, integer, regclass) IS
'Leave one variable out at a time: for each variable of the methodology, the index of every comuna and territory recomputed without it (its dimension''s other weights renormalised; a dimension left empty leaves the index and the other dimensions'' weights are renormalised), from the lag scores of rezago.comuna_lag_scores read once, by the uncertainty engine whose nominal run is comuna_index / territory_index. comunas and territories: ranked with and without it; the mean and largest absolute rank shift (NULL when none is ranked in both); how many territories enter and leave the n most lagged (rank <= n). Errors: NULL argument (22004), n outside 1..100000 (22023), unknown (42704) or incomplete (22023) methodology.';

CREATE FUNCTION rezago.compare_methodologies(period integer, methodology_a text, methodology_b text,
                                             n integer DEFAULT 10,
                                             observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, index_a double precision, rank_a bigint, index_b double precision,
               rank_b bigint, rank_shift bigint, top_n_a boolean, top_n_b boolean,
               compared bigint, spearman double precision, kendall double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    -- territory_index's definition over the comuna index read through the
    -- audit's cache (rezago.audit_comuna_index): in an audit run in one
    -- transaction, the index of a methodology the other functions read is
    -- not computed again
    WITH a AS MATERIALIZED (
        SELECT t.territory, t.index, t.rank
        FROM rezago.territory_index_from_comunas(compare_methodologies.period, compare_methodologies.methodology_a,
                                                 compare_methodologies.observations, true) t
    ), b AS MATERIALIZED (
        SELECT t.territory, t.index, t.rank
        FROM rezago.territory_index_from_comunas(compare_methodologies.period, compare_methodologies.methodology_b,
                                                 compare_methodologies.observations, true) t
    ), ab AS MATERIALIZED (
        SELECT a.territory, a.index AS ia, a.rank AS ra, b.index AS ib, b.rank AS rb
        FROM a JOIN b ON b.territory = a.territory
    )
    SELECT ab.territory, ab.ia, ab.ra, ab.ib, ab.rb, ab.rb - ab.ra,
           coalesce(ab.ra <= compare_methodologies.n, false), coalesce(ab.rb <= compare_methodologies.n, false),
           NULL::bigint, NULL::double precision, NULL::double precision
    FROM ab
    UNION ALL
    -- the summary: rank correlations over the territories ranked under both
    -- (of the indices: the same as of the ranks, ties included)
    SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*),
           rezago.correlation(coalesce(array_agg(ab.ia), ARRAY[]::double precision[]),
                              coalesce(array_agg(ab.ib), ARRAY[]::double precision[]), 'spearman'),
           rezago.correlation(coalesce(array_agg(ab.ia), ARRAY[]::double precision[]),
                              coalesce(array_agg(ab.ib), ARRAY[]::double precision[]), 'kendall')
    FROM ab WHERE ab.ia IS NOT NULL AND ab.ib IS NOT NULL
    ORDER BY 1 NULLS LAST;
END;
COMMENT ON FUNCTION rezago.compare_methodologies(integer, text, text, integer, regclass) IS
'Two methodologies side by side in a period: per territory (code order) its index and rank under each (rezago.territory_index; its definition over the comuna index read through rezago.audit_comuna_index, so that in one transaction with the other audit functions each comuna index is computed once), rank_shift = rank_b - rank_a (positive: less lagged under b), and whether it is among the n most lagged under each (rank <= n; false when unranked; n NULL: false); then one summary row (territory NULL) with the number of territories ranked under both (compared) and the Spearman and Kendall tau-b correlations of their indices (rezago.correlation; equal to those of the ranks). Errors: unknown (42704) or incomplete (22023) methodology.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('routine',  'distribution_moments',   'read'),
    ('routine',  'correlation',            'read'),
    ('routine',  'reliability',            'read'),
    ('routine',  'variable_statistics',    'read'),
    ('routine',  'variable_correlations',  'read'),
    ('routine',  'dimension_reliability',  'read'),
    ('routine',  'effective_weights',      'read'),
    ('routine',  'variable_influence',     'read'),
    ('routine',  'compare_methodologies',  'read');

SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
