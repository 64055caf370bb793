-- Observation sources (issue 19): every function that reads observations
-- takes observations => a table, a view or a temporary table with the
-- columns of rezago.observation.  Over a source holding the same rows as
-- rezago.observation, every such function gives exactly the same rows (the
-- reference is the function over rezago.observation, tested on its own in
-- the other files); a what-if change moves the result as computed by hand;
-- a bad source is refused with a clear error.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
-- REPEATABLE READ: the counts of reads below depend on the snapshot (a
-- source is checked once per snapshot); under READ COMMITTED a commit
-- elsewhere between two statements (autovacuum's ANALYZE on a busy machine)
-- gave a new snapshot, a check more and counts of 7 instead of 1
BEGIN ISOLATION LEVEL REPEATABLE READ;
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
             -- rank_table: their treatment rows (polarity, no winsorisation or log)
             CASE WHEN 'treatments' = ANY (a.names)
                  THEN 'treatments => ''{{1,NULL,NULL,NULL,NULL},{-1,NULL,NULL,NULL,NULL},{1,NULL,NULL,NULL,NULL}}''' END,
             CASE WHEN 'methodology_a' = ANY (a.names)
                  THEN format('methodology_a => ''sinim4'', methodology_b => %L', m.code) END] AS args
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
                AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
CROSS JOIN LATERAL (SELECT p.proargnames[1:p.pronargs] AS names) a
CROSS JOIN (SELECT code FROM rezago.methodology WHERE code IN ('sinim4', 'src_age', 'src_cf', 'src_rank', 'src_z', 'src_coinr')) m
WHERE 'observations' = ANY (a.names) AND p.proname NOT IN ('require_observation_source', 'read_observation_source',
                                                          'observation_source_checked', 'observation_source_passed')
  -- the text of a statement names its source, and some refuse methodologies:
  -- the statements (and comuna_states_query, which builds one) are tested below
  AND p.proname !~ '_statement$' AND p.proname <> 'comuna_states_query'
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

-- the comuna states over a source other than rezago.observation, under a
-- methodology without vintages, imputation, rank or coinr (sinim4; src_z,
-- z-scores): one top-level statement over the source
-- (comuna_states_statement), the scoring table written in as constants.
-- Its text: a SELECT of the aggregate from the source, named once (schema-
-- qualified, but for a temporary table, which only its session sees),
-- grouped by cut; one FROM (no subquery), no reader of
-- rezago's (expected: t everywhere)
\i test/fixtures/outcome.sql
CREATE TEMP TABLE statements AS
SELECT s.source, m.code AS methodology, rezago.comuna_states_statement(2022, m.code, s.source::regclass) AS st
FROM (VALUES ('obs_copy'), ('obs_view'), ('obs_temp')) s(source)
CROSS JOIN (VALUES ('sinim4'), ('src_z')) m(code);
SELECT x.source, x.methodology,
       x.st ~ '^SELECT s\.cut::pg_catalog\.int4 AS cut,\n +rezago\.unit_state_values\(s\.variable::pg_catalog\.text, s\.value::pg_catalog\.float8,' AS selects_aggregate,
       x.st ~ ('\nFROM ' || CASE x.source WHEN 'obs_temp' THEN '' ELSE 'public\.' END || x.source || ' s\nWHERE s\.period OPERATOR\(pg_catalog\.=\) ''2022''::pg_catalog\.int4 AND s\.value IS NOT NULL\nGROUP BY s\.cut$') AS from_source_grouped_by_cut,
       (SELECT count(*) FROM regexp_matches(x.st, x.source, 'g')) = 1 AS source_named_once,
       (SELECT count(*) FROM regexp_matches(x.st, '\m(FROM|JOIN|SELECT)\M', 'gi')) = 2 AS one_select_one_from,
       x.st !~ 'read_observation_source|source_observations|rezago\.observation|variable_scoring' AS no_reader
FROM statements x ORDER BY x.source, x.methodology;
-- the constants: the scoring table of variable_scoring, to the bit (its
-- floats read back from the text equal the computed ones)
SELECT x.source, x.methodology,
       substring(x.st from '''(\{[^'']*\})''::pg_catalog\.float8\[\]')::float8[] = v.scoring AS scoring_exact,
       substring(x.st from '''(\{[^'']*\})''::pg_catalog\.text\[\]')::text[] = v.variables AS variables_equal
FROM statements x CROSS JOIN LATERAL rezago.variable_scoring(2022, x.methodology, x.source::regclass) v
ORDER BY x.source, x.methodology;
-- EXPLAIN of the statement: an aggregate grouped by cut directly over the
-- one scan of the source (a copy, a temporary table; for the view, of
-- rezago.observation, by its index, whose bitmap is not counted as a second
-- scan), no function scan, subplan or init plan
-- (expected: t t t per source)
SELECT x.source, split_part(p.p, E'\n', 1) ~ '^(HashAggregate|GroupAggregate)$' AS aggregate_on_top,
       (SELECT count(*) FROM regexp_matches(p.p, '(?<!Bitmap Index) Scan ', 'g')) = 1
       AND p.p ~ (' on ' || CASE x.source WHEN 'obs_view' THEN 'observation o' ELSE x.source || ' s' END) AS one_scan_of_source,
       p.p !~ 'Function Scan|SubPlan|InitPlan|Subquery' AS nothing_else
FROM statements x CROSS JOIN LATERAL (SELECT pg_temp.plan(x.st)) p(p)
WHERE x.methodology = 'sinim4' ORDER BY x.source;
-- run (run_comuna_states_statement), it gives comuna_unit_states over
-- rezago.observation, to the bit (expected: t for each)
SELECT x.source, x.methodology,
       pg_temp.digest(format('SELECT * FROM rezago.run_comuna_states_statement(2022, %L, %L)', x.methodology, x.source))
       = (SELECT d.d FROM digests d WHERE d.fn = 'rezago.comuna_unit_states'::regproc
                                      AND d.methodology = x.methodology AND d.source IS NULL) AS equal
FROM statements x ORDER BY x.source, x.methodology;
-- comuna_unit_states (and so comuna_index) runs the statement for sinim4
-- over a source, not for src_age (vintages and imputation), and for sinim4
-- over rezago.observation too, where it may run in parallel workers
-- (index_parallel; expected: 1 call, then still 1, then 2)
SET LOCAL track_functions = 'pl';
SELECT count(*) AS comunas FROM rezago.comuna_index(2022, 'sinim4', observations => 'obs_copy');
SELECT calls AS statement_runs FROM pg_stat_xact_user_functions
WHERE schemaname = 'rezago' AND funcname = 'run_comuna_states_statement';
SELECT count(*) AS comunas FROM rezago.comuna_index(2022, 'src_age', observations => 'obs_copy');
SELECT count(*) AS comunas FROM rezago.comuna_index(2022, 'sinim4');
SELECT calls AS statement_runs FROM pg_stat_xact_user_functions
WHERE schemaname = 'rezago' AND funcname = 'run_comuna_states_statement';
RESET track_functions;
-- the methodologies without a statement: 0A000, the reason in the detail
-- (src_rank has one: below)
SELECT m.code, o.state, o.message, o.detail, o.hint <> '' AS has_hint
FROM unnest(ARRAY['src_age', 'src_cf', 'src_coinr']) m(code)
CROSS JOIN LATERAL pg_temp.outcome(format('SELECT rezago.comuna_states_statement(2022, %L, ''obs_copy'')', m.code)) o;
-- NULL arguments: NULL, no rows (STRICT)
SELECT rezago.comuna_states_statement(NULL, 'sinim4', 'obs_copy') IS NULL AS null_period,
       rezago.comuna_states_statement(2022, 'sinim4', NULL) IS NULL AS null_source,
       (SELECT count(*) FROM rezago.run_comuna_states_statement(2022, 'sinim4', NULL)) AS rows_null_source;

-- the whole-population step over a source other than rezago.observation:
-- top-level statements over the source (source_extent_statement: count,
-- min and max by variable and period; source_values_statement: the sorted
-- values, for percentiles, COINr and z-score moments), which
-- variable_vintages and scoring_rows run instead of a subquery over the
-- source per variable.  Their text: the source named once (schema-qualified
-- but for a temporary table), one SELECT, one FROM, grouped by variable and
-- period, no reader of rezago's (expected: t everywhere)
CREATE TEMP TABLE whole_statements AS
SELECT s.source, k.kind,
       CASE k.kind WHEN 'extent' THEN rezago.source_extent_statement(2020, 2022, s.source::regclass)
                   ELSE rezago.source_values_statement('{dependencia_fcm,poblacion}', '{2021,2022}', s.source::regclass) END AS st
FROM (VALUES ('obs_copy'), ('obs_view'), ('obs_temp')) s(source)
CROSS JOIN (VALUES ('extent'), ('values')) k(kind);
SELECT x.source, x.kind,
       x.st ~ ('\nFROM ' || CASE x.source WHEN 'obs_temp' THEN '' ELSE 'public\.' END || x.source || ' s\nWHERE ') AS from_source,
       x.st ~ '\nGROUP BY s\.variable, s\.period$' AS grouped_by_variable_period,
       (SELECT count(*) FROM regexp_matches(x.st, x.source, 'g')) = 1 AS source_named_once,
       (SELECT count(*) FROM regexp_matches(x.st, '\m(FROM|JOIN|SELECT)\M', 'gi')) = 2 AS one_select_one_from,
       x.st !~ 'read_observation_source|source_observations|rezago\.' AS no_reader
FROM whole_statements x ORDER BY x.source, x.kind;
-- EXPLAIN: an aggregate over one scan of the source, nothing else
-- (expected: t t t)
SELECT x.source, x.kind, split_part(p.p, E'\n', 1) ~ '^(HashAggregate|GroupAggregate)$' AS aggregate_on_top,
       (SELECT count(*) FROM regexp_matches(p.p, '(?<!Bitmap Index) Scan ', 'g')) = 1 AS one_scan,
       p.p !~ 'Function Scan|SubPlan|InitPlan|Subquery' AS nothing_else
FROM whole_statements x CROSS JOIN LATERAL (SELECT pg_temp.plan(x.st)) p(p)
WHERE x.source <> 'obs_view' ORDER BY x.source, x.kind;
-- their rows: the same statistics computed directly over rezago.observation
-- (an independent query; expected: 0 rows differing, and the row counts:
-- 3 periods x the variables with values; 2 x 2 lists)
SELECT (SELECT count(*) FROM rezago.run_source_extent_statement(2020, 2022, 'obs_temp')) AS extent_rows,
       (SELECT count(*) FROM (
           (SELECT * FROM rezago.run_source_extent_statement(2020, 2022, 'obs_temp')
            EXCEPT ALL
            SELECT o.variable, o.period, count(*), min(o.value), max(o.value) FROM rezago.observation o
            WHERE o.period BETWEEN 2020 AND 2022 AND o.value IS NOT NULL GROUP BY o.variable, o.period)
           UNION ALL
           (SELECT o.variable, o.period, count(*), min(o.value), max(o.value) FROM rezago.observation o
            WHERE o.period BETWEEN 2020 AND 2022 AND o.value IS NOT NULL GROUP BY o.variable, o.period
            EXCEPT ALL
            SELECT * FROM rezago.run_source_extent_statement(2020, 2022, 'obs_temp'))) d) AS extent_differing,
       (SELECT count(*) FROM rezago.run_source_values_statement('{dependencia_fcm,poblacion}', '{2021,2022}', 'obs_copy')) AS value_lists,
       (SELECT count(*) FROM rezago.run_source_values_statement('{dependencia_fcm,poblacion}', '{2021,2022}', 'obs_copy') r
        FULL JOIN (SELECT o.variable, o.period, array_agg(o.value ORDER BY o.value) AS value_list FROM rezago.observation o
                   WHERE o.variable IN ('dependencia_fcm', 'poblacion') AND o.period IN (2021, 2022) AND o.value IS NOT NULL
                   GROUP BY o.variable, o.period) d USING (variable, period)
        WHERE r.value_list IS DISTINCT FROM d.value_list) AS value_lists_differing;
-- reads of the source per call of scoring_rows, variable_vintages and
-- comuna_lag_scores under the six methodologies: scans of obs_copy, a table
-- without indexes (pg_stat_get_xact_numscans), on a second call (the first
-- also checks the source, once per snapshot).  Before the statements:
-- scoring_rows 3, 3, 5, 4, 3, 4 and comuna_lag_scores 5, 7, 9, 6, 5, 6
-- (sinim4, src_age, src_cf, src_coinr, src_rank, src_z); then the
-- vintages' counts (1), the extent at the vintages (1) and the value lists
-- when the methodology winsorises, uses COINr or z-scores (1): 2, 2, 3, 3,
-- 2, 3; now the extent once, the vintages' (variable_vintages gives the
-- min and max at the vintage from the same rows), and the value lists: 1,
-- 1, 2, 2, 1, 2 (comuna_lag_scores: one less, 3, 5, 6, 4, 3, 4)
CREATE FUNCTION pg_temp.reads(q text, rel regclass DEFAULT 'obs_copy') RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n0 bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM (' || q || ') x';
    n0 := pg_stat_get_xact_numscans(rel);
    EXECUTE 'SELECT count(*) FROM (' || q || ') x';
    RETURN pg_stat_get_xact_numscans(rel) - n0;
END $$;
SELECT m.code,
       pg_temp.reads(format('SELECT * FROM rezago.variable_vintages(2022, %L, ''obs_copy'')', m.code)) AS vintages_reads,
       pg_temp.reads(format('SELECT * FROM rezago.scoring_rows(2022, %L, observations => ''obs_copy'')', m.code)) AS scoring_rows_reads,
       pg_temp.reads(format('SELECT * FROM rezago.comuna_lag_scores(2022, %L, observations => ''obs_copy'')', m.code)) AS lag_scores_reads
FROM unnest(ARRAY['sinim4', 'src_age', 'src_cf', 'src_coinr', 'src_rank', 'src_z']) m(code) ORDER BY m.code;
-- scoring_rows over a source no longer reads it through the row reader
-- (read_observation_source), over rezago.observation never did, and runs
-- the value lists only when needed (expected: 0 0 0, 0 1 0, 0 1 1 calls:
-- the extent once, the vintages'; values once under src_cf)
SET LOCAL track_functions = 'pl';
CREATE FUNCTION pg_temp.calls(q text) RETURNS TABLE (reader bigint, extent bigint, value_lists bigint) LANGUAGE plpgsql AS $$
DECLARE r0 bigint; e0 bigint; v0 bigint;
BEGIN
    SELECT coalesce(sum(f.calls) FILTER (WHERE f.funcname = 'read_observation_source'), 0)::bigint,
           coalesce(sum(f.calls) FILTER (WHERE f.funcname = 'run_source_extent_statement'), 0)::bigint,
           coalesce(sum(f.calls) FILTER (WHERE f.funcname = 'run_source_values_statement'), 0)::bigint
      INTO r0, e0, v0 FROM pg_stat_xact_user_functions f WHERE f.schemaname = 'rezago';
    EXECUTE 'SELECT count(*) FROM (' || q || ') x';
    RETURN QUERY SELECT coalesce(sum(f.calls) FILTER (WHERE f.funcname = 'read_observation_source'), 0)::bigint - r0,
                        coalesce(sum(f.calls) FILTER (WHERE f.funcname = 'run_source_extent_statement'), 0)::bigint - e0,
                        coalesce(sum(f.calls) FILTER (WHERE f.funcname = 'run_source_values_statement'), 0)::bigint - v0
                 FROM pg_stat_xact_user_functions f WHERE f.schemaname = 'rezago';
END $$;
SELECT q.name, c.*
FROM (VALUES (1, 'src_cf default', 'SELECT * FROM rezago.scoring_rows(2022, ''src_cf'')'),
             (2, 'sinim4 obs_copy', 'SELECT * FROM rezago.scoring_rows(2022, ''sinim4'', observations => ''obs_copy'')'),
             (3, 'src_cf obs_copy', 'SELECT * FROM rezago.scoring_rows(2022, ''src_cf'', observations => ''obs_copy'')')) q(n, name, q)
CROSS JOIN LATERAL pg_temp.calls(q.q) c ORDER BY q.n;
RESET track_functions;
-- NULL arguments: NULL, no rows (STRICT); a bad source: refused first
SELECT rezago.source_extent_statement(NULL, 2022, 'obs_copy') IS NULL AS null_period,
       rezago.source_values_statement('{poblacion}', '{2022}', NULL) IS NULL AS null_source,
       (SELECT count(*) FROM rezago.run_source_extent_statement(2020, 2022, NULL)) AS rows_null_source,
       (SELECT count(*) FROM rezago.run_source_values_statement(NULL, '{2022}', 'obs_copy')) AS rows_null_variables;

-- the rank normalisation over a source other than rezago.observation: the
-- whole-population step once (rank_scores: every variable's distinct values
-- at its vintage and their scores, from the sorted values of
-- source_values_statement), then one statement over the source grouped by
-- cut (comuna_states_statement, of unit_state_ranks), the rank table
-- written in as constants.  rank_scores over the copy gives the (variable,
-- value, score) rows of ranked_lag_score_rows over rezago.observation (its
-- window over the whole table; expected: 45 values, the 11, 11, 11 and 12
-- distinct values of the four variables, 0 differing either way)
SELECT (SELECT count(*) FROM rezago.rank_scores(2022, 'src_rank', 'obs_copy') r, unnest(r.value_list)) AS ranked_values,
       (SELECT count(*) FROM (
           (SELECT r.variable, u.x, u.s FROM rezago.rank_scores(2022, 'src_rank', 'obs_copy') r, unnest(r.value_list, r.scores) u(x, s)
            EXCEPT SELECT k.variable, k.value, k.score FROM rezago.ranked_lag_score_rows(2022, 'src_rank') k)
           UNION ALL
           (SELECT k.variable, k.value, k.score FROM rezago.ranked_lag_score_rows(2022, 'src_rank') k
            EXCEPT SELECT r.variable, u.x, u.s FROM rezago.rank_scores(2022, 'src_rank', 'obs_copy') r, unnest(r.value_list, r.scores) u(x, s))) d)
           AS differing;
-- ties, by hand: gasto_municipal (polarity +1) in 2022 has the 11 values
-- 4.9 13 14.9 21.1 23 24.9 29.2 31.1 33 39.2 41.1 (scores 1, .9, ..., 0:
-- k greater of 11, k/10); with 41.1 lowered to 39.2, 39.2 twice has 0
-- greater (score 0), 33 has 2 (.2), ..., 4.9 still 10 (1): 10 distinct
-- values, scores 1 .9 .8 .7 .6 .5 .4 .3 .2 0
CREATE TEMP TABLE obs_tie AS SELECT * FROM rezago.observation;
UPDATE obs_tie SET value = 39.2 WHERE variable = 'gasto_municipal' AND period = 2022 AND value = 41.1;
SELECT r.value_list, r.scores FROM rezago.rank_scores(2022, 'src_rank', 'obs_tie') r WHERE r.variable = 'gasto_municipal';
-- and the states of the statement over it are those the rank rows give
-- (ranked_lag_score_rows, reading the source whole) aggregated as
-- comuna_unit_states aggregated them before (unit_state; expected: t)
SELECT pg_temp.digest('SELECT * FROM rezago.run_comuna_states_statement(2022, ''src_rank'', ''obs_tie'')')
     = pg_temp.digest('SELECT r.cut, rezago.unit_state(r.dimension_no, r.n_dimensions, r.score, r.weight, r.dimension_weight, r.min_coverage)
                       FROM rezago.ranked_lag_score_rows(2022, ''src_rank'', observations => ''obs_tie'') r GROUP BY r.cut') AS tie_states_equal;
-- the statement's text: unit_state_ranks over the source, named once, the
-- methodology's variables in the period, grouped by cut; one SELECT, one
-- FROM, no reader of rezago's (expected: t everywhere)
CREATE TEMP TABLE rank_statements AS
SELECT s.source, rezago.comuna_states_statement(2022, 'src_rank', s.source::regclass) AS st
FROM (VALUES ('obs_copy'), ('obs_view'), ('obs_temp')) s(source);
SELECT x.source,
       x.st ~ '^SELECT s\.cut::pg_catalog\.int4 AS cut,\n +rezago\.unit_state_ranks\(s\.variable::pg_catalog\.text, s\.value::pg_catalog\.float8,' AS selects_aggregate,
       x.st ~ ('\nFROM ' || CASE x.source WHEN 'obs_temp' THEN '' ELSE 'public\.' END || x.source || ' s\nWHERE s\.period OPERATOR\(pg_catalog\.=\) ''2022''::pg_catalog\.int4 AND s\.value IS NOT NULL\n'
               || '  AND s\.variable::pg_catalog\.text OPERATOR\(pg_catalog\.=\) ANY \(''\{agrupaciones_sociales,dependencia_fcm,gasto_municipal,profesionalizacion_municipal\}''::pg_catalog\.text\[\]\)\nGROUP BY s\.cut$') AS from_source_grouped_by_cut,
       (SELECT count(*) FROM regexp_matches(x.st, x.source, 'g')) = 1 AS source_named_once,
       (SELECT count(*) FROM regexp_matches(x.st, '\m(FROM|JOIN|SELECT)\M', 'gi')) = 2 AS one_select_one_from,
       x.st !~ 'read_observation_source|source_observations|rezago\.observation|variable_scoring|rank_scores' AS no_reader
FROM rank_statements x ORDER BY x.source;
-- the constants: the scoring table of variable_scoring and the rank table
-- of rank_scores (per variable of the scoring table: m, m values, m
-- scores), to the bit (expected: t t)
SELECT x.source,
       (regexp_match(x.st, '''(\{\{[^'']*\}\})''::pg_catalog\.float8\[\]'))[1]::float8[] = v.scoring AS scoring_exact,
       (regexp_match(x.st, '''(\{[^{'']*\})''::pg_catalog\.float8\[\]'))[1]::float8[]
       = (SELECT array_agg(e.e ORDER BY n.n, e.part, e.i)
          FROM unnest(v.variables) WITH ORDINALITY n(variable, n)
          JOIN rezago.rank_scores(2022, 'src_rank', x.source::regclass) r ON r.variable = n.variable
          CROSS JOIN LATERAL (SELECT 0 AS part, 0::bigint AS i, cardinality(r.value_list)::float8 AS e
                              UNION ALL SELECT 1, u.i, u.x FROM unnest(r.value_list) WITH ORDINALITY u(x, i)
                              UNION ALL SELECT 2, u.i, u.x FROM unnest(r.scores) WITH ORDINALITY u(x, i)) e) AS ranks_exact
FROM rank_statements x CROSS JOIN LATERAL rezago.variable_scoring(2022, 'src_rank', x.source::regclass) v
ORDER BY x.source;
-- EXPLAIN: an aggregate over one scan of the source, nothing else
-- (expected: t t t)
SELECT x.source, split_part(p.p, E'\n', 1) ~ '^(HashAggregate|GroupAggregate)$' AS aggregate_on_top,
       (SELECT count(*) FROM regexp_matches(p.p, '(?<!Bitmap Index) Scan ', 'g')) = 1 AS one_scan,
       p.p !~ 'Function Scan|SubPlan|InitPlan|Subquery' AS nothing_else
FROM rank_statements x CROSS JOIN LATERAL (SELECT pg_temp.plan(x.st)) p(p)
WHERE x.source <> 'obs_view' ORDER BY x.source;
-- run, it gives comuna_unit_states over rezago.observation (the rank rows
-- aggregated by unit_state), to the bit (expected: t for each)
SELECT x.source,
       pg_temp.digest(format('SELECT * FROM rezago.run_comuna_states_statement(2022, ''src_rank'', %L)', x.source))
       = (SELECT d.d FROM digests d WHERE d.fn = 'rezago.comuna_unit_states'::regproc
                                      AND d.methodology = 'src_rank' AND d.source IS NULL) AS equal
FROM rank_statements x ORDER BY x.source;
-- what run_comuna_states_statement runs under rank: the same statement with
-- the tables as parameters (comuna_states_query, parameters true; run with
-- EXECUTE ... USING, the rank table never written out as text).  It is the
-- text above with $1 to $4 in place of the four constants, and that text,
-- run as it is, gives the same states to the bit (expected: t t for each)
SET extra_float_digits = 3;
SELECT x.source,
       replace(replace(replace(replace(q.statement,
           E'\n           $1::', E'\n           ' || quote_nullable(q.variables) || '::'),
           E'\n           $2::', E'\n           ' || quote_nullable(q.scoring) || '::'),
           E'\n           $3::', E'\n           ' || quote_nullable(q.min_coverage) || '::'),
           E'\n           $4::', E'\n           ' || quote_nullable(q.ranks) || '::') = x.st
           AS parameters_in_place_of_constants,
       pg_temp.digest(x.st)
       = pg_temp.digest(format('SELECT * FROM rezago.run_comuna_states_statement(2022, ''src_rank'', %L)', x.source))
           AS constant_text_equals_parameter_run
FROM rank_statements x CROSS JOIN LATERAL rezago.comuna_states_query(2022, 'src_rank', x.source::regclass, true) q
ORDER BY x.source;
SET extra_float_digits = 0;
-- with winsorisation under rank: comuna_unit_states over the copy (the
-- statement) equals it over rezago.observation (the rank rows), to the bit
-- (expected: t, 12 comunas)
SELECT rezago.copy_methodology('src_rank', m) FROM unnest(ARRAY['src_rank_pct', 'src_rank_coinr']) m;
UPDATE rezago.methodology SET winsor_lower = 0.1, winsor_upper = 0.9 WHERE code = 'src_rank_pct';
SELECT pg_temp.digest('SELECT * FROM rezago.comuna_unit_states(2022, ''src_rank_pct'', ''obs_copy'')')
       = pg_temp.digest('SELECT * FROM rezago.comuna_unit_states(2022, ''src_rank_pct'')') AS equal,
       (SELECT count(*) FROM rezago.comuna_unit_states(2022, 'src_rank_pct')) AS comunas;
-- COINr's treatment under rank, which ties what it winsorises, by hand:
-- gasto_municipal's three largest 2022 values (33, 39.2, 41.1) made 1e4, 1e5
-- and 1e6; with at most one value winsorised, COINr clamps 1e6 to 1e5
-- (scoring_rows: win_hi 100000), so 1e5 and 1e6 tie with 0 greater (score
-- 0), 1e4 has 2 greater of 11 (.2), 31.1 3 (.3), ..., 4.9 10 (1); and the
-- statement's states over it equal the rank rows' (expected: t)
UPDATE rezago.methodology SET outlier_treatment = 'coinr', coinr_winmax = 1 WHERE code = 'src_rank_coinr';
CREATE TEMP TABLE obs_skew AS SELECT * FROM rezago.observation;
UPDATE obs_skew SET value = CASE WHEN value > 40 THEN 1e6 WHEN value > 35 THEN 1e5 WHEN value > 32 THEN 1e4 ELSE value END
WHERE variable = 'gasto_municipal' AND period = 2022;
SELECT r.win_hi FROM rezago.scoring_rows(2022, 'src_rank_coinr', observations => 'obs_skew') r WHERE r.variable = 'gasto_municipal';
SELECT r.value_list, r.scores FROM rezago.rank_scores(2022, 'src_rank_coinr', 'obs_skew') r WHERE r.variable = 'gasto_municipal';
SELECT pg_temp.digest('SELECT * FROM rezago.comuna_unit_states(2022, ''src_rank_coinr'', ''obs_skew'')')
     = pg_temp.digest('SELECT r.cut, rezago.unit_state(r.dimension_no, r.n_dimensions, r.score, r.weight, r.dimension_weight, r.min_coverage)
                       FROM rezago.ranked_lag_score_rows(2022, ''src_rank_coinr'', observations => ''obs_skew'') r GROUP BY r.cut') AS coinr_states_equal;
-- comuna_unit_states (so comuna_index) under rank runs the statement over a
-- source, not over rezago.observation (expected: 1, then still 1); scans
-- of the copy per call: the path it replaced, 3 (the extent, the sorted
-- values of the rank table, then the rank rows read the source whole);
-- the statement, 3: the whole-population step once (variable_scoring: the
-- extent and, for its ranks, the sorted values: 2) and the statement
-- grouped by cut (1).  Before each whole-population step ran once per
-- call, 6 (the scoring table and the rank table each ran scoring_rows,
-- which ran the extent twice).  Under sinim4 (no rank, no vintages) 2, the
-- extent and the statement; src_z 3, the sorted values for its moments too;
-- src_vint (vintages, over obs_vint) 2: the vintages come with the scoring
-- table, not from a second call of variable_vintages
SET LOCAL track_functions = 'pl';
CREATE TEMP TABLE rank_calls0 AS SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_xact_user_functions
WHERE schemaname = 'rezago' AND funcname = 'run_comuna_states_statement';
SELECT count(*) AS comunas FROM rezago.comuna_index(2022, 'src_rank', observations => 'obs_copy');
SELECT coalesce(sum(calls), 0) - (SELECT n FROM rank_calls0) AS statement_runs FROM pg_stat_xact_user_functions
WHERE schemaname = 'rezago' AND funcname = 'run_comuna_states_statement';
SELECT count(*) AS comunas FROM rezago.comuna_index(2022, 'src_rank');
SELECT coalesce(sum(calls), 0) - (SELECT n FROM rank_calls0) AS statement_runs FROM pg_stat_xact_user_functions
WHERE schemaname = 'rezago' AND funcname = 'run_comuna_states_statement';
RESET track_functions;
SELECT pg_temp.reads('SELECT r.cut, rezago.unit_state(r.dimension_no, r.n_dimensions, r.score, r.weight, r.dimension_weight, r.min_coverage)
                      FROM rezago.ranked_lag_score_rows(2022, ''src_rank'', observations => ''obs_copy'') r GROUP BY r.cut') AS reads_before,
       pg_temp.reads('SELECT * FROM rezago.comuna_unit_states(2022, ''src_rank'', ''obs_copy'')') AS reads_now,
       pg_temp.reads('SELECT * FROM rezago.comuna_unit_states(2022, ''sinim4'', ''obs_copy'')') AS reads_sinim4,
       pg_temp.reads('SELECT * FROM rezago.comuna_unit_states(2022, ''src_z'', ''obs_copy'')') AS reads_src_z;
-- the rank statement over a view and a temporary table too: the states and
-- the scoring table with its ranks equal those over rezago.observation, to
-- the bit (expected: t t for both)
SELECT s.source,
       pg_temp.digest(format('SELECT * FROM rezago.comuna_unit_states(2022, ''src_rank'', %L)', s.source))
       = pg_temp.digest('SELECT * FROM rezago.comuna_unit_states(2022, ''src_rank'')') AS states_equal,
       pg_temp.digest(format('SELECT * FROM rezago.variable_scoring(2022, ''src_rank'', %L)', s.source))
       = pg_temp.digest('SELECT * FROM rezago.variable_scoring(2022, ''src_rank'')') AS scoring_and_ranks_equal
FROM (VALUES ('obs_view'), ('obs_temp')) s(source) ORDER BY s.source;
-- variable_scoring's ranks are the rank table of rank_scores flattened in
-- the order of its variables (per variable: m, m values, m scores), and
-- NULL under another normalisation (expected: t, t)
SELECT v.ranks = (SELECT array_agg(e ORDER BY n.n, f.p, f.i)
                  FROM unnest(v.variables) WITH ORDINALITY n(variable, n)
                  JOIN rezago.rank_scores(2022, 'src_rank', 'obs_copy') r ON r.variable = n.variable
                  CROSS JOIN LATERAL (SELECT 0 AS p, 0::bigint AS i, cardinality(r.value_list)::float8 AS e
                                      UNION ALL SELECT 1, i, x FROM unnest(r.value_list) WITH ORDINALITY u(x, i)
                                      UNION ALL SELECT 2, i, x FROM unnest(r.scores) WITH ORDINALITY u(x, i)) f) AS ranks_flattened,
       (SELECT w.ranks IS NULL FROM rezago.variable_scoring(2022, 'sinim4', 'obs_copy') w) AS null_without_rank
FROM rezago.variable_scoring(2022, 'src_rank', 'obs_copy') v;

-- vintages without imputation (max_data_age > 0, imputation none) over a
-- source: the same statement, each variable read at its own vintage, the
-- (variable, vintage) pairs written in; min-max (src_vint) and rank
-- (src_vint_rank).  A source where the vintages differ, by hand:
-- gasto_municipal has no value from 2022 on (vintage 2021, 10 comunas),
-- dependencia_fcm in 2022 only for the odd cuts (vintage 2022, 5 comunas),
-- the others as in rezago.observation (2022: 11 and 12 comunas)
SELECT rezago.copy_methodology('sinim4', m) FROM unnest(ARRAY['src_vint', 'src_vint_rank']) m;
UPDATE rezago.methodology SET max_data_age = 2 WHERE code IN ('src_vint', 'src_vint_rank');
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'src_vint_rank';
CREATE TEMP TABLE obs_vint AS SELECT * FROM rezago.observation
WHERE NOT (variable = 'gasto_municipal' AND period >= 2022) AND NOT (variable = 'dependencia_fcm' AND period = 2022 AND cut % 2 = 0);
SELECT * FROM rezago.variable_vintages(2022, 'src_vint', 'obs_vint');
-- scans of obs_vint per call of comuna_unit_states (expected: 2, the
-- extent, which gives the vintages with the scoring table, and the
-- statement; before, 3: variable_vintages ran once more for the statement)
SELECT pg_temp.reads('SELECT * FROM rezago.comuna_unit_states(2022, ''src_vint'', ''obs_vint'')', 'obs_vint') AS reads_src_vint;
-- the text: the vintages' periods, the variables and the pairs (expected:
-- the periods {2021,2022}, vintages {2022,2022,2021,2022} in the order of
-- the variables)
SELECT substring(rezago.comuna_states_statement(2022, 'src_vint', 'obs_vint') from '\nWHERE .*\nGROUP BY s\.cut$') AS rows_read;
-- its states equal, over the source, those of the path it replaces: the
-- values of scoring_values aggregated by unit_state_values (min-max), the
-- rank rows by unit_state (rank), to the bit (expected: 12 comunas, t
-- for each)
SELECT m.code, (SELECT count(*) FROM rezago.run_comuna_states_statement(2022, m.code, 'obs_vint')) AS comunas,
       pg_temp.digest(format('SELECT * FROM rezago.run_comuna_states_statement(2022, %L, ''obs_vint'')', m.code))
       = pg_temp.digest(CASE m.code WHEN 'src_vint' THEN
             'SELECT v.cut, rezago.unit_state_values(v.variable, v.value, sc.variables, sc.scoring, sc.min_coverage)
              FROM rezago.scoring_values(2022, ''src_vint'', observations => ''obs_vint'') v,
                   rezago.variable_scoring(2022, ''src_vint'', ''obs_vint'') sc GROUP BY v.cut'
             ELSE 'SELECT r.cut, rezago.unit_state(r.dimension_no, r.n_dimensions, r.score, r.weight, r.dimension_weight, r.min_coverage)
                   FROM rezago.ranked_lag_score_rows(2022, ''src_vint_rank'', observations => ''obs_vint'') r GROUP BY r.cut' END) AS equal
FROM unnest(ARRAY['src_vint', 'src_vint_rank']) m(code) ORDER BY m.code;
-- comuna_unit_states over the copy (the statement) equals it over
-- rezago.observation (the values path, the rank rows), to the bit, in a
-- period with data (2022), one whose vintages are a year back (2024: every
-- variable at 2023) and one without any (2030: no rows) (expected: t)
SELECT m.code, p.p, (SELECT count(*) FROM rezago.comuna_unit_states(p.p, m.code)) AS comunas,
       pg_temp.digest(format('SELECT * FROM rezago.comuna_unit_states(%s, %L, ''obs_copy'')', p.p, m.code))
       = pg_temp.digest(format('SELECT * FROM rezago.comuna_unit_states(%s, %L)', p.p, m.code)) AS equal
FROM unnest(ARRAY['src_vint', 'src_vint_rank']) m(code) CROSS JOIN unnest(ARRAY[2022, 2024, 2030]) p(p)
ORDER BY m.code, p.p;
-- EXPLAIN: an aggregate over one scan of the source, nothing else
-- (expected: t t t)
SELECT split_part(p.p, E'\n', 1) ~ '^(HashAggregate|GroupAggregate)$' AS aggregate_on_top,
       (SELECT count(*) FROM regexp_matches(p.p, '(?<!Bitmap Index) Scan ', 'g')) = 1 AS one_scan,
       p.p !~ 'Function Scan|SubPlan|InitPlan|Subquery' AS nothing_else
FROM pg_temp.plan(rezago.comuna_states_statement(2022, 'src_vint', 'obs_vint')) p(p);

-- the thresholds over a source: the sorted values at the vintages by one
-- statement (source_values_statement), the mean (canonical), the median
-- and percentiles (percentile_cont) over those lists: equal to the bit to
-- rezago.observation's under every rule, without and with vintages
-- (expected: t x 8)
UPDATE rezago.methodology SET threshold_percentile = 0.3 WHERE code IN ('sinim4', 'src_vint');
SELECT m.code, r.rule,
       pg_temp.digest(format('SELECT * FROM rezago.variable_thresholds(2022, %L, %L, ''obs_copy'')', m.code, r.rule))
       = pg_temp.digest(format('SELECT * FROM rezago.variable_thresholds(2022, %L, %L)', m.code, r.rule)) AS equal
FROM (VALUES ('sinim4'), ('src_vint')) m(code) CROSS JOIN (VALUES ('mean'), ('median'), ('percentile'), ('fixed')) r(rule)
ORDER BY m.code, r.rule;
-- by hand over obs_vint, mean rule: gasto_municipal at its vintage 2021
-- (10 comunas) and dependencia_fcm at 2022 (the 5 odd cuts) against plain
-- avg and count over the table (expected: t t per variable)
SELECT t.variable, t.comunas = o.n AS count_equal, abs(t.threshold - o.mean) < 1e-12 AS mean_equal
FROM rezago.variable_thresholds(2022, 'src_vint', 'mean', 'obs_vint') t
JOIN (SELECT variable, count(*) AS n, avg(value) AS mean FROM obs_vint
      WHERE (variable, period) IN (('gasto_municipal', 2021), ('dependencia_fcm', 2022)) AND value IS NOT NULL
      GROUP BY variable) o USING (variable)
ORDER BY t.variable;
-- over a source, variable_thresholds and territory_gaps (so territory_exit)
-- no longer call the row reader (read_observation_source): the vintages'
-- counts (extent), the sorted values (thresholds) and, for gaps, the
-- per-comuna statement (expected: 0 1 1; 0 2 1, the vintages of the gaps
-- themselves once more; the thresholds filtered on, so that the planner
-- does not leave their statistics out)
SET LOCAL track_functions = 'pl';
SELECT q.name, c.*
FROM (VALUES (1, 'variable_thresholds obs_copy', 'SELECT * FROM rezago.variable_thresholds(2022, ''sinim4'', observations => ''obs_copy'') t WHERE t.threshold IS NOT NULL'),
             (2, 'territory_gaps obs_copy', 'SELECT * FROM rezago.territory_gaps(2022, ''sinim4'', observations => ''obs_copy'')')) q(n, name, q)
CROSS JOIN LATERAL pg_temp.calls(q.q) c ORDER BY q.n;
RESET track_functions;

-- territory_gaps: rezago.observation is probed by its index for every member
-- and the per-comuna statement over a source (comuna_gap_values) never runs;
-- over a source the statement runs once and the table is never read there (expected:
-- default t f, obs_copy f t)
SELECT q.name, p ~ ' on observation o \(actual rows=[1-9]' AS probes_run,
       p ~ 'Function Scan on comuna_gap_values c \(actual rows=[1-9]\d* loops=1\)' AS statement_run_once
FROM (VALUES ('default', 'SELECT * FROM rezago.territory_gaps(2022, ''sinim4'')'),
             ('obs_copy', 'SELECT * FROM rezago.territory_gaps(2022, ''sinim4'', observations => ''obs_copy'')')) q(name, q)
CROSS JOIN LATERAL pg_temp.plan(q.q, 'ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF') p;

-- the gaps' statement (comuna_gap_values_statement): the source named once,
-- grouped by cut, no reader of rezago's (expected: t t t); and it binds
-- pg_catalog's objects whatever the search_path: run under a search_path
-- whose max adds 1000 it gives what comuna_gap_values gives (expected: t)
CREATE TEMP TABLE gap_statement AS
SELECT rezago.comuna_gap_values_statement('{gasto_municipal,dependencia_fcm,poblacion}', '{2022,2021,NULL}', 'obs_copy') AS st;
SELECT (SELECT count(*) FROM regexp_matches(g.st, 'obs_copy', 'g')) = 1 AS source_named_once,
       g.st ~ ' FROM public\.obs_copy s WHERE .* GROUP BY s\.cut$' AS grouped_by_cut,
       g.st !~ 'read_observation_source|source_observations|rezago\.' AS no_reader
FROM gap_statement g;
CREATE SCHEMA gap_shadow;
CREATE FUNCTION gap_shadow.plus(a double precision, b double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE RETURN a + b;
CREATE AGGREGATE gap_shadow.max(double precision) (sfunc = gap_shadow.plus, stype = double precision, initcond = '1000');
SET search_path = gap_shadow, pg_catalog, public;
SELECT pg_temp.digest((SELECT g.st FROM pg_temp.gap_statement g))
       = pg_temp.digest('SELECT * FROM rezago.comuna_gap_values(''{gasto_municipal,dependencia_fcm,poblacion}'', ''{2022,2021,NULL}'', ''obs_copy'')') AS binds_pg_catalog;
RESET search_path;
DROP SCHEMA gap_shadow CASCADE;

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
-- the statement checks the source first, as every reading function does
SELECT b.source, o.state, o.message
FROM unnest(ARRAY['no_value', 'text_cut', 'dup_rows', 'not_a_table']) b(source)
CROSS JOIN LATERAL pg_temp.outcome(format('SELECT rezago.comuna_states_statement(2022, ''sinim4'', %L)', b.source)) o;
-- and so do the whole-population statements
SELECT b.source, o.state, o.message
FROM unnest(ARRAY['no_value', 'text_cut', 'dup_rows', 'not_a_table']) b(source)
CROSS JOIN LATERAL pg_temp.outcome(format('SELECT rezago.source_extent_statement(2020, 2022, %L)', b.source)) o;
SELECT b.source, o.state, o.message
FROM unnest(ARRAY['text_value', 'nan_rows']) b(source)
CROSS JOIN LATERAL pg_temp.outcome(format('SELECT rezago.source_values_statement(''{poblacion}'', ''{2022}'', %L)', b.source)) o;
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
