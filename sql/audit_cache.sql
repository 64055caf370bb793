-- The readings the audit shares within a transaction (src/audit_cache.c):
-- rezago.audit_lag_scores, audit_unit_states and audit_comuna_index return
-- the rows of comuna_lag_scores, comuna_unit_states and comuna_index, in
-- their order and to the bit; a second call in the same transaction and
-- snapshot does not compute them again (counted by track_functions); a write
-- in between, a rolled-back savepoint or a new transaction reads again.
-- Five comunas by hand (sql/audit_review.sql's toy): index
-- A 1, B .7625, C .7125, D .4125, E .0625.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
SET track_functions = 'all';
\set VERBOSITY terse
BEGIN;
\i test/fixtures/audit_toy.sql
COMMIT;

-- calls of the definitions not yet reported to the statistics system
-- (never reported inside a transaction block: differences within one block
-- count the calls in between)
CREATE FUNCTION pg_temp.definition_calls(f text) RETURNS bigint
LANGUAGE sql AS $$ SELECT coalesce(pg_stat_get_xact_function_calls(f::regproc), 0) $$;

-- 1. the same rows in the same order, every column to the bit (text of
--    float8 with extra_float_digits 3 is exact), a first call and a hit
SET extra_float_digits = 3;
BEGIN;
SELECT (SELECT array_agg(x::text) FROM rezago.audit_lag_scores(2020, 'toy', 'rezago.observation') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_lag_scores(2020, 'toy') x) AS lag_scores_same,
       (SELECT array_agg(x::text) FROM rezago.audit_lag_scores(2020, 'toy', 'rezago.observation') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_lag_scores(2020, 'toy') x) AS lag_scores_same_on_a_hit,
       (SELECT array_agg(x::text) FROM rezago.audit_unit_states(2020, 'toy', 'rezago.observation') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_unit_states(2020, 'toy') x) AS unit_states_same,
       (SELECT array_agg(x::text) FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_index(2020, 'toy') x) AS comuna_index_same;
COMMIT;
SET extra_float_digits = 0;

-- 2. read once per transaction and snapshot: comuna_lag_scores and
--    comuna_unit_states run once for three calls each
BEGIN;
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') AS lag0,
       pg_temp.definition_calls('rezago.comuna_unit_states') AS states0 \gset
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'toy', 'rezago.observation');
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'toy', 'rezago.observation');
SELECT count(*) FROM rezago.audit_unit_states(2020, 'toy', 'rezago.observation');
SELECT count(*) FROM rezago.audit_unit_states(2020, 'toy', 'rezago.observation');
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'toy', 'rezago.observation');
SELECT count(*) FROM rezago.audit_unit_states(2020, 'toy', 'rezago.observation');
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings,        -- 1
       pg_temp.definition_calls('rezago.comuna_unit_states') - :states0 AS unit_state_readings;  -- 1
-- other arguments are another reading: period 2021 (no data: no rows)
SELECT count(*) FROM rezago.audit_lag_scores(2021, 'toy', 'rezago.observation');
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings;       -- 2
-- the audit functions share them: variable_correlations, dimension_reliability
-- and effective_weights read no lag score or unit state again; the comuna
-- index, read once, is comuna_index's (which reads its unit states: one
-- more call)
SELECT count(*) FROM rezago.variable_correlations(2020, 'toy');
SELECT count(*) FROM rezago.dimension_reliability(2020, 'toy');
SELECT count(*) FROM rezago.effective_weights('toy', 2020);
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings,        -- 2
       pg_temp.definition_calls('rezago.comuna_unit_states') - :states0 AS unit_state_readings;  -- 2
-- and again: nothing read
SELECT count(*) FROM rezago.variable_correlations(2020, 'toy', 'spearman');
SELECT count(*) FROM rezago.dimension_reliability(2020, 'toy');
SELECT count(*) FROM rezago.effective_weights('toy', 2020);
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings,        -- 2
       pg_temp.definition_calls('rezago.comuna_unit_states') - :states0 AS unit_state_readings;  -- 2
COMMIT;

-- 3. a write in the transaction is seen: gasto of E from 10 to 4 makes the
--    gasto range 0..4, lag (4 - x)/4: A 1, B .75, C .5, D .25, E 0; E's
--    index (.125 + 0) / 2 = .0625 stays, B's (.625 + .75) / 2 = .6875
BEGIN;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 902;  -- .7625
UPDATE rezago.observation SET value = 4 WHERE cut = 905 AND variable = 'gasto_municipal' AND period = 2020;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 902;  -- .6875
-- and a savepoint rolled back: the old value again
SAVEPOINT s;
UPDATE rezago.observation SET value = 10 WHERE cut = 905 AND variable = 'gasto_municipal' AND period = 2020;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 902;  -- .7625
ROLLBACK TO SAVEPOINT s;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 902;  -- .6875
SELECT index FROM rezago.comuna_index(2020, 'toy') WHERE cut = 902;                               -- .6875
ROLLBACK;
-- a read after a write in a subtransaction that then aborts: the write is
-- gone, and so is what was read (the cache empties on a subtransaction's
-- abort; the command id does not go back)
BEGIN;
SAVEPOINT a;
UPDATE rezago.observation SET value = 4 WHERE cut = 905 AND variable = 'gasto_municipal' AND period = 2020;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 902;  -- .6875
ROLLBACK TO SAVEPOINT a;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 902;  -- .7625
DO $$ BEGIN
    UPDATE rezago.observation SET value = 4 WHERE cut = 905 AND variable = 'gasto_municipal' AND period = 2020;
    PERFORM count(*) FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation');
    RAISE EXCEPTION 'undo';
EXCEPTION WHEN raise_exception THEN NULL;
END $$;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 902;  -- .7625
ROLLBACK;
-- 4. a new transaction reads again (the write was rolled back: .7625)
BEGIN;
SELECT pg_temp.definition_calls('rezago.comuna_unit_states') AS states0 \gset
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 902;  -- .7625
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'rezago.observation') WHERE cut = 901;  -- 1
SELECT pg_temp.definition_calls('rezago.comuna_unit_states') - :states0 AS unit_state_readings;  -- 1
COMMIT;

-- 5. NULL arguments and errors as the definitions: NULL period no rows;
--    unknown methodology 42704, and an error leaves nothing cached
SELECT count(*) AS null_period FROM rezago.audit_lag_scores(NULL, 'toy', 'rezago.observation');
SELECT count(*) AS null_period FROM rezago.audit_comuna_index(NULL, 'toy', 'rezago.observation');
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'nope', 'rezago.observation');
SELECT count(*) FROM rezago.audit_unit_states(2020, NULL, 'rezago.observation');
BEGIN;
SAVEPOINT s;
SELECT count(*) FROM rezago.audit_comuna_index(2020, 'nope', 'rezago.observation');
ROLLBACK TO SAVEPOINT s;
INSERT INTO rezago.methodology (code, name) SELECT 'nope', m.name FROM rezago.methodology m WHERE m.code = 'toy';
INSERT INTO rezago.methodology_dimension SELECT 'nope', d.dimension, d.weight FROM rezago.methodology_dimension d WHERE d.methodology = 'toy';
INSERT INTO rezago.methodology_variable (methodology, variable) SELECT 'nope', v.variable FROM rezago.methodology_variable v WHERE v.methodology = 'toy';
SELECT count(*) AS now_known FROM rezago.audit_comuna_index(2020, 'nope', 'rezago.observation');  -- 5
ROLLBACK;

-- clean up
BEGIN;
DELETE FROM rezago.observation WHERE cut > 900;
DELETE FROM rezago.comuna WHERE cut > 900;
DELETE FROM rezago.methodology_variable WHERE methodology = 'toy';
DELETE FROM rezago.methodology_dimension WHERE methodology = 'toy';
DELETE FROM rezago.methodology WHERE code = 'toy';
COMMIT;
