-- The audit of the index (issue 18) on the real public variables
-- (indicadores_ufro_reales.csv, methodology publico of 09_vintages: 12
-- variables, vintages within 7 years, provincial-median imputation), period
-- 2024, provinces as territories.  Every figure is compared with a plain-SQL
-- computation that uses no rezago statistic (the oracle of
-- test/oracle/oracle.sql for values and lag scores, PostgreSQL's own avg,
-- stddev_samp, var_samp, corr, covar_samp, percentile_cont), to 1e-9
-- relative; leaving a variable out is compared with the index of a copied
-- methodology without it.  Kendall's tau, the principal components and
-- every figure again are checked against base R by test/checks/audit_r.sh.
-- Everything runs in a transaction that is rolled back.
SET extra_float_digits = 0;
BEGIN;
DELETE FROM rezago.programme_territory WHERE territory NOT LIKE 'prov\_%';
DELETE FROM rezago.territory WHERE code NOT LIKE 'prov\_%';
\o /dev/null
\i ../fixtures/stage_indicators.sql
DELETE FROM indicadores WHERE source LIKE '%\_PROXY';
SELECT rezago.import_observations('indicadores', replace => true) AS loaded;
\i ../fixtures/public_methodology.sql
\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all
\o
CREATE TEMP TABLE obs AS
SELECT o.cut, o.variable, o.value FROM oracle.scoring_values(2024, 'publico') o WHERE NOT o.imputed;
CREATE TEMP TABLE ls AS
SELECT o.cut, o.variable, o.dimension, o.score FROM oracle.comuna_lag_scores(2024, 'publico') o
WHERE o.score IS NOT NULL;
CREATE FUNCTION pg_temp.differ(a double precision, b double precision) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT (a IS NULL) <> (b IS NULL) OR abs(a - b) > 1e-9 * greatest(1, abs(b)) $$;

-- 1. variable_statistics: the 12 variables, their vintages and counts, and
--    every statistic against SQL's own aggregates (skewness G1 and excess
--    kurtosis G2 written out from avg and stddev_samp)
WITH o AS (
    SELECT x.variable, count(*) AS n, min(x.value) AS lo, max(x.value) AS hi, avg(x.value) AS mean,
           stddev_samp(x.value) AS sd,
           percentile_cont(0.25) WITHIN GROUP (ORDER BY x.value) AS q1,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY x.value) AS med,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY x.value) AS q3
    FROM obs x GROUP BY x.variable
), m AS (
    SELECT o.*,
           o.n::float8 / ((o.n - 1) * (o.n - 2)) * sum(((x.value - o.mean) / o.sd) ^ 3) AS g1,
           o.n::float8 * (o.n + 1) / ((o.n - 1) * (o.n - 2) * (o.n - 3)) * sum(((x.value - o.mean) / o.sd) ^ 4)
             - 3.0 * (o.n - 1) ^ 2 / ((o.n - 2) * (o.n - 3)) AS g2,
           count(*) FILTER (WHERE x.value < o.q1 - 1.5 * (o.q3 - o.q1)) AS low,
           count(*) FILTER (WHERE x.value > o.q3 + 1.5 * (o.q3 - o.q1)) AS high
    FROM o JOIN obs x USING (variable)
    GROUP BY o.variable, o.n, o.lo, o.hi, o.mean, o.sd, o.q1, o.med, o.q3
)
SELECT s.variable, s.vintage, s.n, s.imputed, s.outliers_low, s.outliers_high,
       s.n = m.n AND s.outliers_low = m.low AND s.outliers_high = m.high
         AND cardinality(s.outlier_comunas) = m.low + m.high AS counts_agree,
       NOT (pg_temp.differ(s.min, m.lo) OR pg_temp.differ(s.max, m.hi) OR pg_temp.differ(s.mean, m.mean)
            OR pg_temp.differ(s.median, m.med) OR pg_temp.differ(s.sd, m.sd)
            OR pg_temp.differ(s.q1, m.q1) OR pg_temp.differ(s.q3, m.q3)
            OR pg_temp.differ(s.skewness, m.g1) OR pg_temp.differ(s.excess_kurtosis, m.g2)) AS statistics_agree
FROM rezago.variable_statistics(2024, 'publico') s
JOIN m ON m.variable = s.variable
ORDER BY s.dimension, s.variable;
-- the comunas listed are exactly those outside the fences
SELECT count(*) AS listed,
       count(*) FILTER (WHERE x.value >= s.q1 - 1.5 * (s.q3 - s.q1) AND x.value <= s.q3 + 1.5 * (s.q3 - s.q1)) AS inside_fences
FROM rezago.variable_statistics(2024, 'publico') s
CROSS JOIN LATERAL unnest(s.outlier_comunas) c(cut)
JOIN obs x ON x.cut = c.cut AND x.variable = s.variable;

-- 2. variable_correlations: Pearson against corr() and Spearman against
--    corr() of average ranks, of the oracle's lag scores, every pair
WITH r AS (
    SELECT l.*, rank() OVER w + (count(*) OVER (PARTITION BY l.variable, l.score) - 1) / 2.0 AS avg_rank
    FROM ls l WINDOW w AS (PARTITION BY l.variable ORDER BY l.score)
), o AS (
    SELECT a.variable, b.variable AS other, count(*) AS n, corr(a.score, b.score) AS pearson,
           corr(a.avg_rank, b.avg_rank) AS spearman
    FROM r a JOIN r b ON b.cut = a.cut AND b.variable > a.variable
    GROUP BY a.variable, b.variable
)
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE p.n <> o.n OR pg_temp.differ(p.correlation, o.pearson)) AS pearson_differ,
       count(*) FILTER (WHERE pg_temp.differ(s.correlation, o.spearman)) AS spearman_differ,
       count(*) FILTER (WHERE p.redundant) AS redundant, count(*) FILTER (WHERE p.incoherent) AS incoherent
FROM rezago.variable_correlations(2024, 'publico') p
JOIN rezago.variable_correlations(2024, 'publico', 'spearman') s USING (variable, other_kind, other)
JOIN o ON o.variable = p.variable AND o.other = p.other
WHERE p.other_kind = 'variable';
-- each variable with its dimension score and the index
SELECT p.other_kind, count(*) AS rows,
       count(*) FILTER (WHERE pg_temp.differ(p.correlation, o.r)) AS differ
FROM rezago.variable_correlations(2024, 'publico') p
JOIN LATERAL (
    SELECT corr(l.score, t.score) AS r
    FROM ls l JOIN (SELECT d.cut, d.dimension AS other, d.score FROM oracle.comuna_dimension_scores(2024, 'publico') d
                    UNION ALL
                    SELECT c.cut, 'index', c.index FROM oracle.comuna_index(2024, 'publico') c) t
      ON t.cut = l.cut AND t.other = p.other
    WHERE l.variable = p.variable
) o ON true
WHERE p.other_kind <> 'variable'
GROUP BY 1 ORDER BY 1;
-- the flags: redundant above the threshold within a dimension, incoherent
-- when negative within it
SELECT variable, other, round(correlation::numeric, 4) AS r, redundant, incoherent
FROM rezago.variable_correlations(2024, 'publico', redundancy_threshold => 0.3)
WHERE redundant OR incoherent ORDER BY 1, 2;

-- 3. dimension_reliability: Cronbach's alpha against var_samp over the
--    comunas with every item of the level
WITH items AS (
    SELECT l.dimension AS level, l.variable AS item, l.cut, l.score FROM ls l
    UNION ALL
    SELECT 'index', d.dimension, d.cut, d.score FROM oracle.comuna_dimension_scores(2024, 'publico') d
    WHERE d.score IS NOT NULL
), k AS (SELECT i.level, count(DISTINCT i.item) AS k FROM items i GROUP BY 1),
complete AS (
    SELECT i.* FROM items i JOIN k USING (level)
    WHERE (SELECT count(*) FROM items j WHERE j.level = i.level AND j.cut = i.cut) = k.k
), v AS (SELECT c.level, c.item, var_samp(c.score) AS v FROM complete c GROUP BY 1, 2),
t AS (SELECT x.level, var_samp(x.total) AS v, count(*) AS n
      FROM (SELECT c.level, c.cut, sum(c.score) AS total FROM complete c GROUP BY 1, 2) x GROUP BY 1)
SELECT r.level, r.items, r.comunas, r.comunas = t.n AS comunas_agree,
       NOT pg_temp.differ(r.cronbach_alpha, k.k::float8 / (k.k - 1) * (1 - (SELECT sum(v.v) FROM v WHERE v.level = r.level) / t.v))
         AS alpha_agrees,
       r.first_component_share BETWEEN 1.0 / r.items AND 1 AS share_in_range
FROM rezago.dimension_reliability(2024, 'publico') r
JOIN k ON k.level = r.level JOIN t ON t.level = r.level
ORDER BY r.level = 'index', r.level;

-- 4. effective_weights: the nominal weights are methodology_weights'; the
--    variance shares sum to 1 and equal covar_samp(term, index) / var_samp(index)
--    with the terms computed from the oracle's scores
WITH w AS (SELECT * FROM oracle.methodology_weights('publico')),
ci AS (SELECT c.cut, c.index FROM oracle.comuna_index(2024, 'publico') c WHERE c.index IS NOT NULL),
t AS (
    SELECT l.cut, l.variable,
           w.dimension_weight * w.variable_weight
             / sum(w.variable_weight) OVER (PARTITION BY l.cut, l.dimension) * l.score AS term
    FROM ls l JOIN w USING (variable) WHERE l.cut IN (SELECT ci.cut FROM ci)
), o AS (
    SELECT w.variable, covar_samp(coalesce(t.term, 0), ci.index) / (SELECT var_samp(ci.index) FROM ci) AS share
    FROM w CROSS JOIN ci LEFT JOIN t ON t.cut = ci.cut AND t.variable = w.variable
    GROUP BY w.variable
)
SELECT count(*) AS variables,
       count(*) FILTER (WHERE pg_temp.differ(e.nominal_weight, w.effective_weight)) AS nominal_differ,
       count(*) FILTER (WHERE pg_temp.differ(e.variance_share, o.share)) AS share_differ,
       round(sum(e.variance_share)::numeric, 12) AS total_share,
       count(*) FILTER (WHERE e.comunas <> 346) AS not_everywhere
FROM rezago.effective_weights('publico', 2024) e
JOIN w USING (variable) JOIN o USING (variable);

-- 5. variable_influence against the index of a copy of the methodology
--    without the variable (comuna_index and territory_index, verified against
--    the oracle by 02_index and 09_vintages): every rank shift and top-10
--    movement, for publico 2024 and sinim4 2023 (where agrupaciones_sociales
--    and profesionalizacion_municipal are alone in their dimension, which
--    then leaves the index)
CREATE TEMP TABLE cases AS
SELECT x.m, x.p, w.variable, left(x.m, 2) || '_' || w.variable AS copy
FROM (VALUES ('publico', 2024), ('sinim4', 2023)) x(m, p)
CROSS JOIN LATERAL rezago.methodology_weights(x.m) w;
SELECT count(*) AS copies FROM (SELECT rezago.copy_methodology(c.m, c.copy) FROM cases c) x;
DELETE FROM rezago.methodology_variable mv USING cases c WHERE mv.methodology = c.copy AND mv.variable = c.variable;
UPDATE rezago.methodology_dimension d SET weight = 0 FROM cases c WHERE d.methodology = c.copy
   AND NOT EXISTS (SELECT FROM rezago.methodology_variable mv JOIN rezago.variable v ON v.code = mv.variable
                   WHERE mv.methodology = d.methodology AND v.dimension = d.dimension);
-- each index once: the methodologies (copy = m) and their copies
CREATE TEMP TABLE ci AS
SELECT c.m, c.copy, x.cut, x.rank
FROM (SELECT m, p, copy FROM cases UNION SELECT m, p, m FROM cases) c
CROSS JOIN LATERAL rezago.comuna_index(c.p, c.copy) x;
CREATE TEMP TABLE ti AS
SELECT c.m, c.copy, x.territory, x.rank
FROM (SELECT m, p, copy FROM cases UNION SELECT m, p, m FROM cases) c
CROSS JOIN LATERAL rezago.territory_index(c.p, c.copy) x;
CREATE TEMP TABLE loo AS
SELECT c.m, c.variable,
       (SELECT count(*) FROM ci c0 JOIN ci c1 USING (cut)
        WHERE c0.copy = c.m AND c1.copy = c.copy AND c0.rank IS NOT NULL AND c1.rank IS NOT NULL) AS comunas,
       (SELECT avg(abs(c1.rank - c0.rank)) FROM ci c0 JOIN ci c1 USING (cut) WHERE c0.copy = c.m AND c1.copy = c.copy) AS c_mean,
       (SELECT max(abs(c1.rank - c0.rank)) FROM ci c0 JOIN ci c1 USING (cut) WHERE c0.copy = c.m AND c1.copy = c.copy) AS c_max,
       (SELECT avg(abs(t1.rank - t0.rank)) FROM ti t0 JOIN ti t1 USING (territory) WHERE t0.copy = c.m AND t1.copy = c.copy) AS t_mean,
       (SELECT max(abs(t1.rank - t0.rank)) FROM ti t0 JOIN ti t1 USING (territory) WHERE t0.copy = c.m AND t1.copy = c.copy) AS t_max,
       (SELECT count(*) FROM ti t0 JOIN ti t1 USING (territory)
        WHERE t0.copy = c.m AND t1.copy = c.copy AND t1.rank <= 10 AND NOT coalesce(t0.rank <= 10, false)) AS entering,
       (SELECT count(*) FROM ti t0 JOIN ti t1 USING (territory)
        WHERE t0.copy = c.m AND t1.copy = c.copy AND t0.rank <= 10 AND NOT coalesce(t1.rank <= 10, false)) AS leaving
FROM cases c;
SELECT l.m AS methodology, i.variable, i.comunas, round(i.comuna_mean_shift::numeric, 2) AS comuna_mean_shift, i.comuna_max_shift,
       round(i.territory_mean_shift::numeric, 2) AS territory_mean_shift, i.territory_max_shift,
       i.top_n_entering, i.top_n_leaving,
       i.comunas = l.comunas AND NOT pg_temp.differ(i.comuna_mean_shift, l.c_mean) AND i.comuna_max_shift = l.c_max
         AND NOT pg_temp.differ(i.territory_mean_shift, l.t_mean) AND i.territory_max_shift = l.t_max
         AND i.top_n_entering = l.entering AND i.top_n_leaving = l.leaving AS agrees
FROM (VALUES ('publico', 2024), ('sinim4', 2023)) x(m, p)
CROSS JOIN LATERAL rezago.variable_influence(x.p, x.m) i
JOIN loo l ON l.m = x.m AND l.variable = i.variable
ORDER BY l.m, i.dimension, i.variable;

-- 6. compare_methodologies: publico against a candidate with rank
--    normalisation, against territory_index of each
SELECT rezago.copy_methodology('publico', 'candidato') IS NOT NULL AS copied;
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'candidato';
SELECT count(*) FILTER (WHERE c.territory IS NOT NULL) AS territories,
       count(*) FILTER (WHERE c.territory IS NOT NULL AND (c.index_a IS DISTINCT FROM a.index OR c.rank_a IS DISTINCT FROM a.rank
                              OR c.index_b IS DISTINCT FROM b.index OR c.rank_b IS DISTINCT FROM b.rank
                              OR c.rank_shift IS DISTINCT FROM b.rank - a.rank
                              OR c.top_n_a <> (a.rank <= 10) OR c.top_n_b <> (b.rank <= 10))) AS differ,
       count(*) FILTER (WHERE c.top_n_a AND NOT c.top_n_b) AS leave_top10,
       count(*) FILTER (WHERE c.top_n_b AND NOT c.top_n_a) AS enter_top10
FROM rezago.compare_methodologies(2024, 'publico', 'candidato') c
LEFT JOIN rezago.territory_index(2024, 'publico') a USING (territory)
LEFT JOIN rezago.territory_index(2024, 'candidato') b USING (territory);
-- the summary row: Spearman against corr() of average ranks
WITH x AS (
    SELECT a.territory, a.index AS ia, b.index AS ib FROM rezago.territory_index(2024, 'publico') a
    JOIN rezago.territory_index(2024, 'candidato') b USING (territory)
    WHERE a.index IS NOT NULL AND b.index IS NOT NULL
), r AS (
    SELECT x.*, rank() OVER (ORDER BY x.ia) + (count(*) OVER (PARTITION BY x.ia) - 1) / 2.0 AS ra,
           rank() OVER (ORDER BY x.ib) + (count(*) OVER (PARTITION BY x.ib) - 1) / 2.0 AS rb
    FROM x
)
SELECT c.compared, c.compared = (SELECT count(*) FROM r) AS compared_agrees,
       NOT pg_temp.differ(c.spearman, (SELECT corr(r.ra, r.rb) FROM r)) AS spearman_agrees,
       c.kendall BETWEEN -1 AND 1 AS kendall_in_range
FROM rezago.compare_methodologies(2024, 'publico', 'candidato') c WHERE c.territory IS NULL;
ROLLBACK;
