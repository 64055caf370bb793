-- Run by test/bench/audit_real.sh on the real data (methodologies publico and
-- candidato loaded): prints figures (T|label|step|call|median ms) and a
-- profile (P|label|function|calls|total ms|self ms).  Asserts nothing.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE TEMP TABLE timing (step int, call text, ms double precision);
CREATE PROCEDURE pg_temp.time_calls(step int, call text, queries text[], runs int)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; q text;
BEGIN
    FOR i IN 1..runs LOOP
        t0 := clock_timestamp();
        FOREACH q IN ARRAY queries LOOP
            EXECUTE 'SELECT sum(length(x::text)) FROM (' || q || ') x';
        END LOOP;
        INSERT INTO timing VALUES (step, call, extract(epoch FROM clock_timestamp() - t0) * 1000);
        COMMIT;
    END LOOP;
END $$;
\set vs 'SELECT * FROM rezago.variable_statistics(2024, ''publico'')'
\set vc 'SELECT * FROM rezago.variable_correlations(2024, ''publico'')'
\set vcs 'SELECT * FROM rezago.variable_correlations(2024, ''publico'', method => ''spearman'')'
\set dr 'SELECT * FROM rezago.dimension_reliability(2024, ''publico'')'
\set ew 'SELECT * FROM rezago.effective_weights(''publico'', 2024)'
\set vi 'SELECT * FROM rezago.variable_influence(2024, ''publico'')'
\set cm 'SELECT * FROM rezago.compare_methodologies(2024, ''publico'', ''candidato'')'
\set ti 'SELECT * FROM rezago.territory_index(2024, ''publico'')'
\set ci 'SELECT * FROM rezago.comuna_index(2024, ''publico'')'
-- warm up
CALL pg_temp.time_calls(0, 'warm', ARRAY[:'vs', :'vc', :'vcs', :'dr', :'ew', :'vi', :'cm', :'ti'], 1);
CALL pg_temp.time_calls(1, 'whole audit, one transaction', ARRAY[:'vs', :'vc', :'vcs', :'dr', :'ew', :'vi', :'cm'], 5);
CALL pg_temp.time_calls(2, 'compare_methodologies alone', ARRAY[:'cm'], 5);
CALL pg_temp.time_calls(3, 'territory_index alone', ARRAY[:'ti'], 7);
CALL pg_temp.time_calls(4, 'comuna_index alone', ARRAY[:'ci'], 7);
\pset format unaligned
\pset tuples_only on
\pset fieldsep '|'
SELECT 'T', :'label', step, call, round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::numeric, 1)
FROM timing WHERE step > 0 AND step < 5 GROUP BY step, call ORDER BY step;
-- profile of one whole audit in one transaction
SET track_functions = 'all';
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
SELECT 'P', :'label', f.funcname, f.calls, round(f.total_time::numeric, 1), round(f.self_time::numeric, 1)
FROM pg_stat_user_functions f
WHERE f.schemaname = 'rezago' AND f.funcname IN ('comuna_unit_states', 'require_methodology', 'comuna_lag_scores', 'scoring_rows', 'audit_unit_states', 'audit_comuna_index', 'audit_lag_scores', 'methodology_weights', 'require_rule', 'variable_vintages')
ORDER BY f.total_time DESC;
