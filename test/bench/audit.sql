-- Benchmark of the audit functions (issue 18), run by test/bench/audit.sh in
-- a throwaway cluster.  Prints figures, asserts nothing.  SYNTHETIC values
-- (test/bench/generate.sql), not statistics of any real place.
--   1. Chile scale: 346 units, the 18 variables of ufro2017 (5 % missing),
--      55 territories (as the provinces): every audit function, the median
--      of 5 calls each, and the whole audit.
--   2. 100,000 units in 10,000 territories: leave-one-out of the 18
--      variables (variable_influence), beside one computation of the
--      comuna and territory index it repeats 18 times.
\set ON_ERROR_STOP on
\set QUIET on
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET client_min_messages = warning;

CREATE FUNCTION pg_temp.median_ms(q text, runs int) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    ms double precision[] := '{}';
BEGIN
    FOR i IN 1..runs LOOP
        t0 := clock_timestamp();
        EXECUTE 'SELECT sum(length(x::text)) FROM (' || q || ') x';  -- every column computed
        ms := ms || (extract(epoch FROM clock_timestamp() - t0) * 1000)::double precision;
    END LOOP;
    RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY m) FROM unnest(ms) m);
END $$;

-- 1. Chile scale
\set units 346
\set periods 1
\set last_period 2023
\set territory_size 7
\set null_share 0.05
\set seed 0.18
\i test/bench/generate.sql
-- 55 territories of 6 or 7 units, as the provinces
TRUNCATE rezago.territory_member;
DELETE FROM rezago.territory;
INSERT INTO rezago.territory (code, name) SELECT 'p' || p, 'province ' || p FROM generate_series(1, 55) p;
INSERT INTO rezago.territory_member SELECT 'p' || ((g - 1) % 55 + 1), g FROM generate_series(1, 346) g;
ANALYZE rezago.territory, rezago.territory_member;
SELECT rezago.copy_methodology('ufro2017', 'candidate') IS NOT NULL AS candidate_created \gset
UPDATE rezago.methodology SET normalisation = 'zscore' WHERE code = 'candidate';

\echo
\echo '1. Chile scale: 346 units, 18 variables, 55 territories (median of 5 calls, ms)'
CREATE TEMP TABLE chile (step int, call text, ms double precision);
INSERT INTO chile VALUES
 (1, 'variable_statistics(2023)',          pg_temp.median_ms($$SELECT * FROM rezago.variable_statistics(2023)$$, 5)),
 (2, 'variable_correlations(2023)',        pg_temp.median_ms($$SELECT * FROM rezago.variable_correlations(2023)$$, 5)),
 (3, 'variable_correlations(spearman)',    pg_temp.median_ms($$SELECT * FROM rezago.variable_correlations(2023, method => 'spearman')$$, 5)),
 (4, 'dimension_reliability(2023)',        pg_temp.median_ms($$SELECT * FROM rezago.dimension_reliability(2023)$$, 5)),
 (5, 'effective_weights(ufro2017, 2023)',  pg_temp.median_ms($$SELECT * FROM rezago.effective_weights('ufro2017', 2023)$$, 5)),
 (6, 'variable_influence(2023)',           pg_temp.median_ms($$SELECT * FROM rezago.variable_influence(2023)$$, 5)),
 (7, 'compare_methodologies(2023)',        pg_temp.median_ms($$SELECT * FROM rezago.compare_methodologies(2023, 'ufro2017', 'candidate')$$, 5)),
 (8, 'comuna_index(2023), for scale',      pg_temp.median_ms($$SELECT * FROM rezago.comuna_index(2023)$$, 5));
SELECT call, round(ms::numeric, 1) AS ms FROM chile ORDER BY step;
SELECT round(sum(ms)::numeric, 1) AS whole_audit_ms, 100 AS target_ms,
       round((sum(ms) / (SELECT ms FROM chile WHERE step = 8))::numeric, 1) AS times_one_comuna_index
FROM chile WHERE step BETWEEN 1 AND 7;

-- 2. 100,000 units
TRUNCATE rezago.observation, rezago.territory_member;
DELETE FROM rezago.territory;
DELETE FROM rezago.comuna;
\set units 100000
\set territory_size 10
\i test/bench/generate.sql
\echo
\echo '2. leave-one-out at 100,000 units, 10,000 territories (median of 3 calls, ms)'
CREATE TEMP TABLE big (step int, call text, ms double precision);
INSERT INTO big VALUES
 (1, 'comuna_index + territory_index (once)', pg_temp.median_ms($$SELECT * FROM rezago.comuna_index(2023) UNION ALL SELECT NULL, index, rank, NULL FROM rezago.territory_index(2023)$$, 3)),
 (2, 'variable_influence (18 indices)',       pg_temp.median_ms($$SELECT * FROM rezago.variable_influence(2023)$$, 3));
SELECT call, round(ms::numeric, 1) AS ms FROM big ORDER BY step;
SELECT round(((SELECT ms FROM big WHERE step = 2) / (SELECT ms FROM big WHERE step = 1))::numeric, 2)
       AS influence_over_one_index;
