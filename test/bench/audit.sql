-- Benchmark of the audit functions (issue 18), run by test/bench/audit.sh in
-- a throwaway cluster.  Prints figures, asserts nothing.  SYNTHETIC values
-- (test/bench/generate.sql), not statistics of any real place.
--   1. Chile scale: 346 units, the 18 variables of ufro2017 (5 % missing),
--      55 territories (as the provinces): every audit function, the median
--      of 5 runs each (a transaction per run), and the whole audit, in one
--      transaction and a transaction per call.  Rows tagged :label and
--      :round for test/bench/audit.sh's side-by-side table.
--   2. 100,000 units in 10,000 territories: leave-one-out of the 18
--      variables (variable_influence), beside one computation of the
--      comuna and territory index it repeats 18 times.
\set ON_ERROR_STOP on
\set QUIET on
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET client_min_messages = warning;

-- :label (before/after) and :round tag the rows printed for test/bench/audit.sh
\if :{?label}
\else
\set label this
\endif
\if :{?round}
\else
\set round 1
\endif
\if :{?big}
\else
\set big 1
\endif

-- The time of calls, each run in a transaction of its own (a procedure that
-- commits after each run): what one call costs when nothing is shared.  The
-- rows of every statement are read in full (every column computed).
CREATE TEMP TABLE timing (step int, call text, ms double precision);
CREATE PROCEDURE pg_temp.time_calls(step int, call text, queries text[], runs int)
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    q text;
BEGIN
    FOR i IN 1..runs LOOP
        t0 := clock_timestamp();
        FOREACH q IN ARRAY queries LOOP
            EXECUTE 'SELECT sum(length(x::text)) FROM (' || q || ') x';
        END LOOP;
        INSERT INTO timing VALUES (step, call, extract(epoch FROM clock_timestamp() - t0) * 1000);
        COMMIT;  -- a new transaction: nothing read is shared with the next run
    END LOOP;
END $$;
CREATE FUNCTION pg_temp.median_ms(s int) RETURNS double precision
LANGUAGE sql AS $$ SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) FROM timing t WHERE t.step = s $$;

\if :{?real}
\else
\set real 0
\endif
-- the methodologies, period and label of the calls: the synthetic ones, or
-- with real=1 (test/bench/audit.sh REAL=1, the real data already loaded:
-- publico and its copy candidato under the rank normalisation, 2024)
\if :real
\set p 2024
\set m '''publico'''
\set c '''candidato'''
\set big 0
\else
\set p 2023
\set m '''ufro2017'''
\set c '''candidate'''
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
\endif
-- setup_only (test/bench/audit_callgrind.sh): the data, and nothing timed
\if :{?setup_only}
\quit
\endif

\echo
\if :real
\echo '1. real data: publico 2024, 346 comunas, 12 variables, provinces (median of 5 runs, ms)'
\else
\echo '1. Chile scale: 346 units, 18 variables, 55 territories (median of 5 runs, ms)'
\endif
\set vs 'SELECT * FROM rezago.variable_statistics(' :p ', ' :m ')'
\set vc 'SELECT * FROM rezago.variable_correlations(' :p ', ' :m ')'
\set vcs 'SELECT * FROM rezago.variable_correlations(' :p ', ' :m ', method => ''spearman'')'
\set dr 'SELECT * FROM rezago.dimension_reliability(' :p ', ' :m ')'
\set ew 'SELECT * FROM rezago.effective_weights(' :m ', ' :p ')'
\set vi 'SELECT * FROM rezago.variable_influence(' :p ', ' :m ')'
\set cm 'SELECT * FROM rezago.compare_methodologies(' :p ', ' :m ', ' :c ')'
\set ci 'SELECT * FROM rezago.comuna_index(' :p ', ' :m ')'
\set ti 'SELECT * FROM rezago.territory_index(' :p ', ' :m ')'
CALL pg_temp.time_calls(1, 'variable_statistics', ARRAY[:'vs'], 5);
CALL pg_temp.time_calls(2, 'variable_correlations',       ARRAY[:'vc'], 5);
CALL pg_temp.time_calls(3, 'variable_correlations(spearman)',   ARRAY[:'vcs'], 5);
CALL pg_temp.time_calls(4, 'dimension_reliability',       ARRAY[:'dr'], 5);
CALL pg_temp.time_calls(5, 'effective_weights', ARRAY[:'ew'], 5);
CALL pg_temp.time_calls(6, 'variable_influence',          ARRAY[:'vi'], 5);
CALL pg_temp.time_calls(7, 'compare_methodologies',       ARRAY[:'cm'], 5);
CALL pg_temp.time_calls(8, 'comuna_index, for scale',     ARRAY[:'ci'], 5);
CALL pg_temp.time_calls(11, 'territory_index, alone', ARRAY[:'ti'], 5);
-- the whole audit, the seven calls one after the other: each in a
-- transaction of its own (as a psql session in autocommit runs them: the sum
-- of the calls above), and all seven in one transaction (what they read is
-- read once: rezago.audit_lag_scores and its siblings)
CALL pg_temp.time_calls(9, 'whole audit, one transaction',
                        ARRAY[:'vs', :'vc', :'vcs', :'dr', :'ew', :'vi', :'cm'], 5);
INSERT INTO timing SELECT 10, 'whole audit, a transaction per call', sum(m)
FROM (SELECT pg_temp.median_ms(step) AS m FROM generate_series(1, 7) step) x;
\pset format unaligned
\pset tuples_only on
\pset fieldsep '|'
SELECT 'chile', :'label', :round, step, call, round(pg_temp.median_ms(step)::numeric, 1)
FROM (SELECT DISTINCT step, call FROM timing) t ORDER BY step;
\pset format aligned
\pset tuples_only off
-- where the whole audit's time goes: one more run of the seven calls in one
-- transaction with track_functions = all, and the functions it called, by
-- total time (calls, total and self ms; a function the planner inlines is
-- not counted, its time is its caller's self time).  Figures, not assertions.
SET track_functions = 'all';
-- what earlier calls left unflushed is flushed before the reset
SELECT pg_stat_force_next_flush() IS NULL AS flushed \gset
SELECT pg_stat_reset() IS NULL AS reset \gset
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT sum(length(x::text)) FROM (:vs) x \gset
SELECT sum(length(x::text)) FROM (:vc) x \gset
SELECT sum(length(x::text)) FROM (:vcs) x \gset
SELECT sum(length(x::text)) FROM (:dr) x \gset
SELECT sum(length(x::text)) FROM (:ew) x \gset
SELECT sum(length(x::text)) FROM (:vi) x \gset
SELECT sum(length(x::text)) FROM (:cm) x \gset
COMMIT;
SELECT pg_stat_force_next_flush() IS NULL AS flushed \gset
SELECT 1 AS flushing \gset
\echo
\echo 'profile of the whole audit in one transaction (ms, one run):' :label 'round' :round
SELECT f.funcname AS function, f.calls, round(f.total_time::numeric, 1) AS total_ms,
       round(f.self_time::numeric, 1) AS self_ms
FROM pg_stat_user_functions f
WHERE f.schemaname = 'rezago' AND f.total_time >= 1
ORDER BY f.total_time DESC, f.funcname
LIMIT 15;
RESET track_functions;
\if :big
-- 2. 100,000 units
TRUNCATE rezago.observation, rezago.territory_member;
DELETE FROM rezago.territory;
DELETE FROM rezago.comuna;
\set units 100000
\set territory_size 10
\i test/bench/generate.sql
\echo
\echo '2. leave-one-out at 100,000 units, 10,000 territories (median of 3 runs, ms)'
TRUNCATE timing;
CALL pg_temp.time_calls(1, 'comuna_index + territory_index (once)',
                        ARRAY[$$SELECT * FROM rezago.comuna_index(2023) UNION ALL SELECT NULL, index, rank, NULL FROM rezago.territory_index(2023)$$], 3);
CALL pg_temp.time_calls(2, 'variable_influence (18 indices)', ARRAY['SELECT * FROM rezago.variable_influence(2023)'], 3);
\pset format unaligned
\pset tuples_only on
\pset fieldsep '|'
SELECT 'big', :'label', :round, step, call, round(pg_temp.median_ms(step)::numeric, 1)
FROM (SELECT DISTINCT step, call FROM timing) t ORDER BY step;
\endif
