-- The uncertainty engine and the nominal functions compute the same bits:
-- with every input fixed, its run equals rezago.territory_index (index and
-- rank) and rezago.territory_exit (stage) exactly, compared by float8send,
-- under every normalisation (min-max, z-score, rank, goalpost, winsorised),
-- weights, population weighting and threshold rule, also with values near
-- +-1e308 and with a variable that has one distinct value.  Both take every
-- sum in canonical order (src/canonical_sum.c), so nothing may differ.
-- SYNTHETIC data (test/fixtures/uncertainty_synthetic.sql).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
BEGIN;
\set ECHO none
\o /dev/null
\i test/fixtures/uncertainty_synthetic.sql
\o
\set ECHO all
CREATE TEMP TABLE methodologies AS
SELECT code FROM rezago.methodology WHERE code LIKE 'u\_%' OR code = 'ufro2017';
CREATE FUNCTION pg_temp.compare(period integer) RETURNS TABLE (code text, territories bigint, index_differs bigint,
    rank_differs bigint, stage_differs bigint)
LANGUAGE sql AS $$
    SELECT m.code, count(*),
           count(*) FILTER (WHERE float8send(u.index) IS DISTINCT FROM float8send(ti.index)),
           count(*) FILTER (WHERE u.rank IS DISTINCT FROM ti.rank),
           count(*) FILTER (WHERE u.exit_stage IS DISTINCT FROM te.stage)
    FROM methodologies m
    CROSS JOIN LATERAL rezago.uncertainty_runs($1, 1, 1, m.code, vary_normalisation => false,
                                               vary_aggregation => false, weight_perturbation => 0,
                                               vary_threshold => false) u
    JOIN rezago.territory_index($1, m.code) ti ON ti.territory = u.territory
    LEFT JOIN rezago.territory_exit($1, m.code) te ON te.territory = u.territory
    GROUP BY m.code ORDER BY m.code
$$;
-- 1. the synthetic data: 12 methodologies, the nominal run 0 and run 1 (every
--    input fixed, so the same) of 10 territories, 0 differences
SELECT * FROM pg_temp.compare(2023);
-- 2. values near +-1e308: antenas scaled by 1e306 (up to about 1.2e308, both
--    signs), so that plain sums of them would overflow; agrupaciones_sociales
--    the same at every comuna (one distinct value: min = max, sd = 0)
CREATE TEMP TABLE extreme AS
SELECT o.cut, o.variable, 2024 AS period,
       CASE o.variable WHEN 'antenas' THEN (CASE WHEN o.cut % 2 = 0 THEN 1 ELSE -1 END) * o.value * 1e306
                       WHEN 'agrupaciones_sociales' THEN 42 ELSE o.value END AS value
FROM rezago.observation o WHERE o.period = 2023;
SELECT rezago.import_observations('extreme') > 0 AS loaded;
SELECT count(DISTINCT value) AS agrupaciones_values, max(abs(value)) > 1e308 AS antenas_above_1e308
FROM rezago.observation WHERE period = 2024 AND variable IN ('agrupaciones_sociales', 'antenas')
GROUP BY variable ORDER BY 1;
UPDATE rezago.methodology_variable SET goalpost_min = -1.5e308, goalpost_max = 1.5e308
WHERE methodology = 'u_goalpost' AND variable = 'antenas';
UPDATE rezago.methodology_variable SET threshold_fixed = 1e307
WHERE methodology = 'u_fixed' AND variable = 'antenas';
SELECT * FROM pg_temp.compare(2024);
-- the territories still get an index (the extreme variable did not overflow)
SELECT count(*) FILTER (WHERE index IS NOT NULL) AS with_index, count(*) AS territories
FROM rezago.territory_index(2024, 'u_zscore');
ROLLBACK;
