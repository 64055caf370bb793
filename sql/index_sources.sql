-- Observation sources (issue 19): every function that reads observations
-- takes observations => a table, a view or a temporary table with the
-- columns of rezago.observation.  Over a source holding the same rows as
-- rezago.observation, every such function gives exactly the same rows (the
-- reference is the function over rezago.observation, tested on its own in
-- the other files); a what-if change moves the result as computed by hand;
-- a bad source is refused with a clear error.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\i test/fixtures/load_synthetic.sql
-- methodologies that take every scoring path: sinim4 (min-max, the direct
-- path), vintages with median imputation, carry forward with winsorisation,
-- rank, z-scores with the geometric index and population weights, COINr's
-- outlier rule, the median threshold rule
SELECT rezago.copy_methodology('sinim4', m) FROM unnest(ARRAY['src_age', 'src_cf', 'src_rank', 'src_z', 'src_coinr']) m;
UPDATE rezago.methodology SET max_data_age = 2, imputation = 'median_region', min_coverage = 0.5 WHERE code = 'src_age';
UPDATE rezago.methodology SET max_data_age = 3, imputation = 'carry_forward', winsor_lower = 0.1, winsor_upper = 0.9,
                              threshold_rule = 'median' WHERE code = 'src_cf';
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'src_rank';
UPDATE rezago.methodology SET normalisation = 'zscore', aggregation = 'geometric', territory_weighting = 'population'
WHERE code = 'src_z';
UPDATE rezago.methodology SET outlier_treatment = 'coinr' WHERE code = 'src_coinr';

-- poverty rates, which the synthetic data lack, for the entry criteria
INSERT INTO rezago.observation (cut, variable, period, value)
SELECT c.cut, 'pobreza_ingresos', 2022, (c.cut % 37) / 100.0 FROM rezago.comuna c WHERE c.cut <> 4304;

-- the three kinds of source, with the same rows as rezago.observation (the
-- copy in another row order, the source column left out of the view)
CREATE TABLE obs_copy AS SELECT * FROM rezago.observation ORDER BY value DESC NULLS FIRST, cut DESC;
CREATE VIEW obs_view AS SELECT o.cut, o.variable, o.period, o.value FROM rezago.observation o;
CREATE TEMP TABLE obs_temp AS SELECT * FROM rezago.observation ORDER BY random();

-- every function with an argument observations, called for a period and
-- methodology (and what else it needs), once per source; the digest of its
-- rows with exact floats
CREATE FUNCTION pg_temp.digest(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    SET LOCAL extra_float_digits = 3;
    EXECUTE format('SELECT md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) || '' '' || count(*) FROM (%s) r', q)
        INTO d;
    RETURN d;
END $$;
CREATE TEMP TABLE calls AS
SELECT p.oid::regproc AS fn, m.code AS methodology, p.oid::regproc AS name,
       ARRAY[CASE WHEN 'period' = ANY (a.names) THEN 'period => 2022' END,
             -- uncertainty: small runs
             CASE WHEN 'runs' = ANY (a.names) THEN 'runs => 40' END,
             CASE WHEN 'base_samples' = ANY (a.names) THEN 'base_samples => 16' END,
             CASE WHEN 'methodology' = ANY (a.names) THEN format('methodology => %L', m.code) END,
             CASE WHEN 'n' = ANY (a.names) THEN 'n => 2' END,
             CASE WHEN 'territory' = ANY (a.names) THEN 'territory => ''prov_42''' END,
             -- comuna_gap_values: two variables at 2022, one without a vintage
             CASE WHEN 'vintages' = ANY (a.names)
                  THEN 'variables => ''{gasto_municipal,dependencia_fcm,poblacion}'', vintages => ''{2022,2022,NULL}''' END,
             CASE WHEN 'methodology_a' = ANY (a.names)
                  THEN format('methodology_a => ''sinim4'', methodology_b => %L', m.code) END] AS args
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
                AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
CROSS JOIN LATERAL (SELECT p.proargnames[1:p.pronargs] AS names) a
CROSS JOIN (SELECT code FROM rezago.methodology WHERE code IN ('sinim4', 'src_age', 'src_cf', 'src_rank', 'src_z', 'src_coinr')) m
WHERE 'observations' = ANY (a.names) AND p.proname NOT IN ('require_observation_source', 'read_observation_source',
                                                          'observation_source_checked', 'observation_source_passed')
  -- the text of a statement names its source
  AND p.proname !~ '_statement$'
  AND ('methodology' = ANY (a.names) OR 'methodology_a' = ANY (a.names) OR m.code = 'sinim4');
-- (source NULL: the call without observations, over rezago.observation)
CREATE TEMP TABLE digests AS
SELECT c.fn, c.methodology, s.source,
       pg_temp.digest(format('SELECT * FROM %s(%s)', c.name,
                             array_to_string(c.args || CASE WHEN s.source IS NOT NULL THEN format('observations => %L', s.source) END, ', '))) AS d
FROM calls c CROSS JOIN (VALUES (NULL), ('obs_copy'), ('obs_view'), ('obs_temp')) s(source)
-- the view and the temporary table with two methodologies (the direct path
-- and the general one), the copy with all
WHERE s.source IS NULL OR s.source = 'obs_copy' OR c.methodology IN ('sinim4', 'src_age');
-- expected: every function equal over every source and methodology it was
-- called with (equal = compared), and with rows (calls_with_rows: the calls
-- over rezago.observation with a row; ranked_lag_score_rows has rows under
-- the rank normalisation only, comuna_poverty_ranks none: the synthetic
-- data have no poverty rates)
SELECT x.fn, count(DISTINCT x.methodology) AS methodologies,
       count(*) FILTER (WHERE x.d = r.d) AS equal, count(*) AS compared,
       count(DISTINCT r.methodology) FILTER (WHERE split_part(r.d, ' ', 2)::int > 0) AS calls_with_rows
FROM digests x JOIN digests r ON r.fn = x.fn AND r.methodology = x.methodology AND r.source IS NULL
WHERE x.source IS NOT NULL
GROUP BY x.fn ORDER BY x.fn::text;

-- the direct path still reads rezago.observation itself, with its indexes,
-- and never the source reader; a source, never the table (expected: f t,
-- t f, f t)
CREATE FUNCTION pg_temp.plan(q text, options text DEFAULT 'COSTS OFF') RETURNS text LANGUAGE plpgsql AS $$
DECLARE l text; t text := '';
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (' || options || ') ' || q LOOP t := t || l || E'\n'; END LOOP;
    RETURN t;
END $$;
SELECT q.name, pg_temp.plan(q.q) LIKE '%read_observation_source%' AS reads_source,
       pg_temp.plan(q.q) ~ ' on observation ' AS reads_observation
FROM (VALUES ('scoring_values default', 'SELECT * FROM rezago.scoring_values(2022, ''sinim4'')'),
             ('scoring_values obs_copy', 'SELECT * FROM rezago.scoring_values(2022, ''sinim4'', ''obs_copy'')'),
             ('territory_index default', 'SELECT * FROM rezago.territory_index(2022, ''sinim4'')')) q(name, q);

-- territory_gaps: rezago.observation is probed by its index for every member
-- and the per-comuna statement over a source (comuna_gap_values) never runs;
-- over a source the statement runs once and the table is never read there (expected:
-- default t f, obs_copy f t)
SELECT q.name, p ~ ' on observation o \(actual rows=[1-9]' AS probes_run,
       p ~ 'Function Scan on comuna_gap_values c \(actual rows=[1-9]\d* loops=1\)' AS statement_run_once
FROM (VALUES ('default', 'SELECT * FROM rezago.territory_gaps(2022, ''sinim4'')'),
             ('obs_copy', 'SELECT * FROM rezago.territory_gaps(2022, ''sinim4'', observations => ''obs_copy'')')) q(name, q)
CROSS JOIN LATERAL pg_temp.plan(q.q, 'ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF') p;

-- a temporary table as the source under forced parallel plans: the reader
-- is PARALLEL RESTRICTED, so no worker ever reads it (expected: equal)
SET LOCAL force_parallel_mode = on;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT pg_temp.digest('SELECT * FROM rezago.territory_exit(2022, ''sinim4'', observations => ''obs_temp'')')
     = (SELECT d FROM digests WHERE fn = 'rezago.territory_exit'::regproc
                                AND methodology = 'sinim4' AND source IS NULL) AS parallel_equal;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- a what-if: comuna 4101's gasto_municipal in 2022 raised above every other
-- value; under min-max its lag score is then 0 or 1 (by polarity), and no
-- other comuna's value moves, only their scores through the new max
SELECT v.polarity, o.min, o.max
FROM rezago.variable v
CROSS JOIN (SELECT min(value), max(value) FROM rezago.observation WHERE variable = 'gasto_municipal' AND period = 2022) o
WHERE v.code = 'gasto_municipal';
UPDATE obs_temp SET value = 1000 WHERE cut = 4101 AND variable = 'gasto_municipal' AND period = 2022;
-- hand: with polarity p, lag = (max - x)/(max - min) for p = 1, (x - min)/(max - min) for p = -1;
-- the new max is 1000: comuna 4101 scores 0 (p = 1) or 1 (p = -1), and every
-- other comuna x scores (1000 - x)/(1000 - min) or (x - min)/(1000 - min)
SELECT s.cut, round(s.score::numeric, 9) AS whatif_score,
       round(CASE WHEN v.polarity = 1 THEN (1000 - o.value) / (1000 - mm.min) ELSE (o.value - mm.min) / (1000 - mm.min) END::numeric, 9)
           AS by_hand
FROM rezago.comuna_lag_scores(2022, 'sinim4', observations => 'obs_temp') s
JOIN rezago.variable v ON v.code = s.variable
JOIN obs_temp o ON o.cut = s.cut AND o.variable = s.variable AND o.period = 2022
CROSS JOIN (SELECT min(value) FROM obs_temp WHERE variable = 'gasto_municipal' AND period = 2022) mm
WHERE s.variable = 'gasto_municipal'
ORDER BY s.cut;
-- the official data did not change: the what-if differs from them in the
-- comunas' gasto_municipal scores only
SELECT count(*) FILTER (WHERE w.score IS DISTINCT FROM s.score) AS scores_changed,
       count(*) FILTER (WHERE w.score IS DISTINCT FROM s.score AND w.variable <> 'gasto_municipal') AS other_variables_changed
FROM rezago.comuna_lag_scores(2022, 'sinim4', observations => 'obs_temp') w
JOIN rezago.comuna_lag_scores(2022, 'sinim4') s USING (cut, variable);

-- bad sources: a clear error each
CREATE TEMP TABLE no_value (cut integer, variable text, period integer);
CREATE TEMP TABLE text_cut (cut text, variable text, period integer, value float8);
CREATE TEMP TABLE text_value (cut integer, variable text, period integer, value text);
CREATE TEMP TABLE dup_rows AS SELECT * FROM rezago.observation UNION ALL SELECT * FROM rezago.observation WHERE cut = 4203 AND period = 2021 AND variable = 'poblacion';
CREATE TEMP TABLE nan_rows AS SELECT * FROM rezago.observation;
UPDATE nan_rows SET value = 'NaN' WHERE cut = 4302 AND variable = 'dependencia_fcm' AND period = 2022;
CREATE TEMP TABLE inf_rows (cut bigint, variable varchar, period smallint, value real);
INSERT INTO inf_rows VALUES (4101, 'dependencia_fcm', 2022, '-Infinity');
CREATE TEMP TABLE unknown_cut (cut integer, variable text, period integer, value numeric);
INSERT INTO unknown_cut VALUES (8401, 'dependencia_fcm', 2022, 1);
CREATE TEMP TABLE unknown_variable (cut integer, variable text, period integer, value integer);
INSERT INTO unknown_variable VALUES (4101, 'no_such_variable', 2022, 1);
CREATE TEMP TABLE null_key (cut integer, variable text, period integer, value float8);
INSERT INTO null_key VALUES (4101, 'dependencia_fcm', NULL, 1);
CREATE SEQUENCE not_a_table;
\i test/fixtures/outcome.sql
-- (each through another reading function; the check is the same for all)
SELECT b.source, b.fn, o.state, o.message, o.detail, o.hint <> '' AS has_hint
FROM unnest(ARRAY['no_value', 'text_cut', 'text_value', 'dup_rows', 'nan_rows', 'inf_rows', 'unknown_cut',
                  'unknown_variable', 'null_key', 'not_a_table'],
            ARRAY['comuna_index', 'territory_index', 'comuna_lag_scores', 'territory_exit', 'territory_entry',
                  'variable_statistics', 'comuna_contributions', 'rank_uncertainty', 'data_availability',
                  'variable_influence']) WITH ORDINALITY b(source, fn, n)
CROSS JOIN LATERAL pg_temp.outcome(format('SELECT count(*) FROM rezago.%I(%s observations => %L)', b.fn,
                                          CASE WHEN b.fn = 'data_availability' THEN '' ELSE '2022, ' END
                                          || CASE WHEN b.fn = 'rank_uncertainty' THEN 'methodology => ''sinim4'','
                                                  WHEN b.fn = 'data_availability' THEN '''sinim4'','
                                                  ELSE '''sinim4'',' END,
                                          b.source)) o
ORDER BY b.n;
-- a relation that does not exist: PostgreSQL's own error, turning the name into a regclass
SAVEPOINT s;
SELECT count(*) FROM rezago.comuna_index(2022, 'sinim4', observations => 'no_such_table');
ROLLBACK TO s;
-- a source is checked once per snapshot: changed after a check, it is
-- checked again (expected: 12 comunas, then the NaN refused)
SELECT count(*) AS comunas FROM rezago.comuna_index(2022, 'sinim4', observations => 'obs_copy');
UPDATE obs_copy SET value = 'NaN' WHERE cut = 4101 AND variable = 'dependencia_fcm' AND period = 2022;
SELECT o.state, o.detail
FROM pg_temp.outcome('SELECT count(*) FROM rezago.comuna_index(2022, ''sinim4'', observations => ''obs_copy'')') o;
UPDATE obs_copy SET value = 1 WHERE cut = 4101 AND variable = 'dependencia_fcm' AND period = 2022;
-- accepted types other than rezago.observation's (bigint, varchar,
-- smallint, real): inf_rows without its infinity reads as the table would
UPDATE inf_rows SET value = 2.5;
SELECT cut, variable, period, value, source FROM rezago.source_observations('inf_rows');
-- NULL observations: nothing observed (as a NULL period): every comuna, no index
SELECT count(*) AS comunas, count(index) AS with_index FROM rezago.comuna_index(2022, 'sinim4', observations => NULL);
SELECT count(*) AS rows_ FROM rezago.source_observations(NULL);
-- the source column, when the source has one, is read as text
UPDATE obs_copy SET source = 'what-if' WHERE cut = 4101 AND period = 2022;
SELECT count(*) FILTER (WHERE source = 'what-if') AS with_source, count(*) FILTER (WHERE source IS NULL) AS without
FROM rezago.source_observations('obs_copy');
ROLLBACK;
