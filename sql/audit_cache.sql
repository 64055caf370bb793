-- The readings the audit shares within a transaction (src/audit_cache.c):
-- rezago.audit_lag_scores, audit_unit_states and audit_comuna_index return
-- the rows of comuna_lag_scores, comuna_unit_states and comuna_index, in
-- their order and to the bit; a second call in the same transaction and
-- snapshot does not compute them again (counted by track_functions); a write
-- in between, a rolled-back savepoint or a new transaction reads again.
-- Five comunas by hand (test/fixtures/audit_toy.sql, sql/audit_review.sql's
-- figures): index A 1, B .7625, C .7125, D .4125, E .0625.  The
-- observations are a temporary table (a source whose rows follow the
-- snapshot, kept like rezago.observation), so that rezago.observation is not
-- written (its pages steer later tests' plans); everything but section 4
-- runs in one transaction that is rolled back.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
SET track_functions = 'all';
\set VERBOSITY terse
-- calls of a function not yet reported to the statistics system (never
-- reported inside a transaction block: differences within one block count
-- the calls in between)
CREATE FUNCTION pg_temp.definition_calls(f text) RETURNS bigint
LANGUAGE sql AS $$ SELECT coalesce(pg_stat_get_xact_function_calls(f::regproc), 0) $$;
CREATE TEMP TABLE toy_obs (cut integer, variable text, period integer, value double precision);
\set toy_observations pg_temp.toy_obs
-- REPEATABLE READ wherever calls are counted: a reading is kept per
-- snapshot, and under READ COMMITTED a commit elsewhere between two
-- statements (autovacuum on a busy machine) would start a new one
BEGIN ISOLATION LEVEL REPEATABLE READ;
\i test/fixtures/audit_toy.sql

-- 1. the same rows in the same order, every column to the bit (text of
--    float8 with extra_float_digits 3 is exact), on a first call and a hit
SET LOCAL extra_float_digits = 3;
SELECT (SELECT array_agg(x::text) FROM rezago.audit_lag_scores(2020, 'toy', 'pg_temp.toy_obs') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_lag_scores(2020, 'toy', observations => 'pg_temp.toy_obs') x) AS lag_scores_same,
       (SELECT array_agg(x::text) FROM rezago.audit_lag_scores(2020, 'toy', 'pg_temp.toy_obs') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_lag_scores(2020, 'toy', observations => 'pg_temp.toy_obs') x) AS lag_scores_same_on_a_hit,
       (SELECT array_agg(x::text) FROM rezago.audit_unit_states(2020, 'toy', 'pg_temp.toy_obs') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_unit_states(2020, 'toy', observations => 'pg_temp.toy_obs') x) AS unit_states_same,
       (SELECT array_agg(x::text) FROM rezago.audit_comuna_index(2020, 'toy', 'pg_temp.toy_obs') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_index(2020, 'toy', observations => 'pg_temp.toy_obs') x) AS comuna_index_same;
SET LOCAL extra_float_digits = 0;

-- 2. read once per snapshot: comuna_lag_scores and comuna_unit_states run
--    once for three calls each (the writes above are older than this
--    snapshot; no write comes in between)
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') AS lag0,
       pg_temp.definition_calls('rezago.comuna_unit_states') AS states0 \gset
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'toy', 'pg_temp.toy_obs');
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'toy', 'pg_temp.toy_obs');
SELECT count(*) FROM rezago.audit_unit_states(2020, 'toy', 'pg_temp.toy_obs');
SELECT count(*) FROM rezago.audit_unit_states(2020, 'toy', 'pg_temp.toy_obs');
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'toy', 'pg_temp.toy_obs');
SELECT count(*) FROM rezago.audit_unit_states(2020, 'toy', 'pg_temp.toy_obs');
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings,        -- 0: read in 1
       pg_temp.definition_calls('rezago.comuna_unit_states') - :states0 AS unit_state_readings;  -- 0: read in 1
-- other arguments are another reading: period 2021 (no data: no rows)
SELECT count(*) FROM rezago.audit_lag_scores(2021, 'toy', 'pg_temp.toy_obs');
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings;       -- 1
-- the audit functions share them: variable_correlations, dimension_reliability
-- and effective_weights read no lag score, unit state or comuna index again
SELECT count(*) FROM rezago.variable_correlations(2020, 'toy', observations => 'pg_temp.toy_obs');
SELECT count(*) FROM rezago.variable_correlations(2020, 'toy', 'spearman', observations => 'pg_temp.toy_obs');
SELECT count(*) FROM rezago.dimension_reliability(2020, 'toy', observations => 'pg_temp.toy_obs');
SELECT count(*) FROM rezago.effective_weights('toy', 2020, observations => 'pg_temp.toy_obs');
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings,        -- 1
       pg_temp.definition_calls('rezago.comuna_unit_states') - :states0 AS unit_state_readings;  -- 0

-- 3. a write in the transaction is seen: gasto of E from 10 to 4 makes the
--    gasto range 0..4, lag (4 - x)/4: A 1, B .75, C .5, D .25, E 0; B's
--    index (.625 + .75) / 2 = .6875
SAVEPOINT w;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'pg_temp.toy_obs') WHERE cut = 902;  -- .7625
UPDATE pg_temp.toy_obs SET value = 4 WHERE cut = 905 AND variable = 'gasto_municipal' AND period = 2020;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'pg_temp.toy_obs') WHERE cut = 902;  -- .6875
-- and a savepoint rolled back: the old value again
SAVEPOINT s;
UPDATE pg_temp.toy_obs SET value = 10 WHERE cut = 905 AND variable = 'gasto_municipal' AND period = 2020;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'pg_temp.toy_obs') WHERE cut = 902;  -- .7625
ROLLBACK TO SAVEPOINT s;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'pg_temp.toy_obs') WHERE cut = 902;  -- .6875
SELECT index FROM rezago.comuna_index(2020, 'toy', observations => 'pg_temp.toy_obs') WHERE cut = 902;                               -- .6875
ROLLBACK TO SAVEPOINT w;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'pg_temp.toy_obs') WHERE cut = 902;  -- .7625
-- a write undone by an exception block (a subtransaction's abort)
DO $$ BEGIN
    UPDATE pg_temp.toy_obs SET value = 4 WHERE cut = 905 AND variable = 'gasto_municipal' AND period = 2020;
    PERFORM count(*) FROM rezago.audit_comuna_index(2020, 'toy', 'pg_temp.toy_obs');
    RAISE EXCEPTION 'undo';
EXCEPTION WHEN raise_exception THEN NULL;
END $$;
SELECT index FROM rezago.audit_comuna_index(2020, 'toy', 'pg_temp.toy_obs') WHERE cut = 902;  -- .7625

-- 4b. a view as the source is read at every call (a view may call a
--     volatile function): two calls, two readings, the definition's rows
CREATE VIEW pg_temp.obs_view AS SELECT cut, variable, period, value FROM pg_temp.toy_obs;
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') AS lag0 \gset
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'toy', 'pg_temp.obs_view');
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'toy', 'pg_temp.obs_view');
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings;  -- 2
SELECT (SELECT array_agg(x::text) FROM rezago.audit_lag_scores(2020, 'toy', 'pg_temp.obs_view') x)
     = (SELECT array_agg(x::text) FROM rezago.comuna_lag_scores(2020, 'toy', observations => 'pg_temp.obs_view') x) AS same_rows;

-- 5. NULL arguments and errors as the definitions: NULL period no rows
--    (comuna_index: every comuna, no index); unknown methodology 42704; an
--    error leaves nothing kept (the methodology created afterwards is read)
SELECT count(*) AS null_period FROM rezago.audit_lag_scores(NULL, 'toy', 'pg_temp.toy_obs');
SELECT count(*) AS null_period, count(index) AS indexed FROM rezago.audit_comuna_index(NULL, 'toy', 'pg_temp.toy_obs');
SAVEPOINT e;
SELECT count(*) FROM rezago.audit_lag_scores(2020, 'nope', 'pg_temp.toy_obs');
ROLLBACK TO SAVEPOINT e;
SELECT count(*) FROM rezago.audit_unit_states(2020, NULL, 'pg_temp.toy_obs');
ROLLBACK TO SAVEPOINT e;
SELECT count(*) FROM rezago.audit_comuna_index(2020, 'nope', 'pg_temp.toy_obs');
ROLLBACK TO SAVEPOINT e;
INSERT INTO rezago.methodology (code, name) SELECT 'nope', m.name FROM rezago.methodology m WHERE m.code = 'toy';
INSERT INTO rezago.methodology_dimension SELECT 'nope', d.dimension, d.weight FROM rezago.methodology_dimension d WHERE d.methodology = 'toy';
INSERT INTO rezago.methodology_variable (methodology, variable) SELECT 'nope', v.variable FROM rezago.methodology_variable v WHERE v.methodology = 'toy';
SELECT count(*) AS now_known, count(index) AS indexed FROM rezago.audit_comuna_index(2020, 'nope', 'pg_temp.toy_obs');
ROLLBACK;

-- 4. each transaction reads once: the seeded methodology ufro2017, period
--    1900 (no rows, but read: comuna_lag_scores runs once per transaction)
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') AS lag0 \gset
SELECT count(*) FROM rezago.audit_lag_scores(1900, 'ufro2017', 'rezago.observation');
SELECT count(*) FROM rezago.audit_lag_scores(1900, 'ufro2017', 'rezago.observation');
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag0 AS lag_score_readings;  -- 1
COMMIT;
-- the next transaction reads again
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') AS lag1 \gset
SELECT count(*) FROM rezago.audit_lag_scores(1900, 'ufro2017', 'rezago.observation');
SELECT pg_temp.definition_calls('rezago.comuna_lag_scores') - :lag1 AS lag_score_readings;  -- 1
COMMIT;

-- 5. a reading is kept for the role that made it: after SET ROLE (as after
--    a SECURITY DEFINER function's call) another role reads again, under its
--    own privileges.  The reader may run rezago (grant_reader) but not read
--    the private copy: the same call that the superuser's reading answered
--    is then refused, not answered from the kept rows.
BEGIN;
\i test/fixtures/audit_toy.sql
CREATE TABLE public.audit_cache_private AS SELECT * FROM pg_temp.toy_obs;
CREATE ROLE rezago_audit_cache_reader;
SELECT count(*) > 0 AS granted FROM rezago.grant_reader('rezago_audit_cache_reader') g;
SELECT count(*) AS superuser_rows FROM rezago.audit_lag_scores(2020, 'toy', 'public.audit_cache_private');  -- 15: 5 comunas x 3 variables
SET LOCAL ROLE rezago_audit_cache_reader;
SELECT count(*) AS reader_rows FROM rezago.audit_lag_scores(2020, 'toy', 'public.audit_cache_private');  -- 42501
ROLLBACK;

-- 6. a source under row-level security is read at every call: a policy may
--    read a setting (here app.max_cut), which changes nothing the key holds
--    (role, row_security, snapshot); kept rows would answer the second call
--    with the first setting's rows.  Comunas up to 902: 2 x 3 = 6 lag
--    scores; then up to 905: all 15.
BEGIN ISOLATION LEVEL REPEATABLE READ;
\i test/fixtures/audit_toy.sql
CREATE TABLE public.audit_cache_policy AS SELECT * FROM pg_temp.toy_obs;
ALTER TABLE public.audit_cache_policy ENABLE ROW LEVEL SECURITY;
CREATE POLICY up_to_max_cut ON public.audit_cache_policy
    USING (cut <= pg_catalog.current_setting('app.max_cut')::integer);
CREATE ROLE rezago_audit_cache_tenant;
SELECT count(*) > 0 AS granted FROM rezago.grant_reader('rezago_audit_cache_tenant') g;
GRANT SELECT ON public.audit_cache_policy TO rezago_audit_cache_tenant;
SET LOCAL ROLE rezago_audit_cache_tenant;
SET LOCAL app.max_cut = 902;
SELECT count(*) AS tenant_rows FROM rezago.audit_lag_scores(2020, 'toy', 'public.audit_cache_policy');  -- 6
SET LOCAL app.max_cut = 905;
SELECT count(*) AS tenant_rows FROM rezago.audit_lag_scores(2020, 'toy', 'public.audit_cache_policy');  -- 15
SELECT count(*) AS tenant_comunas FROM rezago.audit_comuna_index(2020, 'toy', 'public.audit_cache_policy') WHERE index IS NOT NULL;  -- 5
ROLLBACK;
