-- Each aggregate runs in parallel workers (Partial Aggregate + combine), and
-- the parallel result equals the serial one.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
CREATE TABLE par_scores AS
SELECT g % 10 AS grp, (g % 97) / 96.0 AS score, 1 + g % 3 AS weight
FROM generate_series(1, 20000) g;
ANALYZE par_scores;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT grp, rezago.dimension_score(score, weight) FROM par_scores GROUP BY grp;
EXPLAIN (COSTS OFF) SELECT grp, rezago.dimension_score(score, weight, 0.5, 100000) FROM par_scores GROUP BY grp;
EXPLAIN (COSTS OFF) SELECT grp, rezago.dimension_coverage(score, weight) FROM par_scores GROUP BY grp;
EXPLAIN (COSTS OFF) SELECT rezago.territory_average(score) FROM par_scores;
CREATE TABLE parallel_result AS
SELECT grp, rezago.dimension_score(score, weight) AS s, rezago.dimension_coverage(score, weight, 100000) AS c,
       rezago.territory_average(score) AS a
FROM par_scores GROUP BY grp;
SET max_parallel_workers_per_gather = 0;
-- the parallel result equals a plain-SQL serial computation (1e-12)
SELECT count(*) AS groups,
       count(*) FILTER (WHERE abs(p.s - o.s) < 1e-12 AND abs(p.c - o.c) < 1e-12 AND abs(p.a - o.a) < 1e-12) AS equal
FROM parallel_result p
JOIN (SELECT grp, sum(score * weight) / sum(weight) AS s, sum(weight) / 100000.0 AS c, avg(score) AS a
      FROM par_scores GROUP BY grp) o USING (grp);
-- The unit_*_values aggregates (internal state) in parallel: each worker
-- aggregates part of every unit's rows (the table holds one variable after
-- the other), unit_values_serial/deserial carry the partial states to the
-- leader and unit_values_combine merges them.  Scoring table by hand: 40
-- variables, v01..v20 dimension 1 and v21..v40 dimension 2, each 1/20 of its
-- dimension, both dimensions of weight 1; min-max over [0, 100] with
-- polarity +1, so value x scores (100 - x) / 100.  A NULL value is a missing
-- value: units 10, 20, ... miss 12 variables of each dimension (coverage
-- 0.4 < min_coverage 0.5: NULL index), others one in 13 here and there.
CREATE TABLE par_values AS
SELECT u, 'v' || to_char(k, 'FM00') AS v,
       CASE WHEN (u % 10 = 0 AND (k - 1) % 20 < 12) OR (u * 7 + k) % 13 = 0 THEN NULL
            ELSE ((u * 37 + k * 11) % 101)::float8 END AS x
FROM generate_series(1, 40) k, generate_series(1, 300) u
ORDER BY k, u;
ANALYZE par_values;
-- the table as constants (a partial aggregate runs in the workers, where an
-- InitPlan's parameter would not be available)
SELECT array_agg('v' || to_char(k, 'FM00') ORDER BY k)::text AS variables,
       '{' || string_agg('{' || (1 + (k > 20)::int) || ',2,0.05,1,1,0,0,100,NULL,NULL}', ',' ORDER BY k) || '}' AS scoring
FROM generate_series(1, 40) k \gset
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT u, rezago.unit_index_values(v, x, :'variables', :'scoring', 0.5)
FROM par_values GROUP BY u;
CREATE TABLE par_units AS
SELECT u, rezago.unit_index_values(v, x, :'variables', :'scoring', 0.5) AS i,
       rezago.unit_dimension_scores_values(v, x, :'variables', :'scoring', 0.5) AS s,
       rezago.unit_missing_dimensions_values(v, x, :'variables', :'scoring', 0.5) AS m,
       rezago.unit_state_values(v, x, :'variables', :'scoring', 0.5) AS st
FROM par_values GROUP BY u;
SET max_parallel_workers_per_gather = 0;
-- the parallel results are the serial ones, bit for bit (the slotted state
-- does not depend on which worker saw which row)
SELECT count(*) AS units,
       count(*) FILTER (WHERE p.i IS NOT DISTINCT FROM s.i AND p.s IS NOT DISTINCT FROM s.s
                        AND p.m = s.m AND p.st = s.st) AS identical
FROM par_units p
JOIN (SELECT u, rezago.unit_index_values(v, x, :'variables', :'scoring', 0.5) AS i,
             rezago.unit_dimension_scores_values(v, x, :'variables', :'scoring', 0.5) AS s,
             rezago.unit_missing_dimensions_values(v, x, :'variables', :'scoring', 0.5) AS m,
             rezago.unit_state_values(v, x, :'variables', :'scoring', 0.5) AS st
      FROM par_values GROUP BY u) s USING (u);
-- and equal the index by hand (1e-12): each dimension the mean of the
-- scores of its variables present, the index the mean of the two; NULL when
-- fewer than 10 of a dimension's 20 are present
SELECT count(*) AS units, count(*) FILTER (WHERE p.i IS NULL) AS null_index,
       count(*) FILTER (WHERE (p.i IS NULL) = (o.i IS NULL) AND coalesce(abs(p.i - o.i) < 1e-12, true)) AS equal
FROM par_units p
JOIN (SELECT u, CASE WHEN count(x) FILTER (WHERE v <= 'v20') >= 10 AND count(x) FILTER (WHERE v > 'v20') >= 10
                     THEN (avg((100 - x) / 100) FILTER (WHERE v <= 'v20')
                           + avg((100 - x) / 100) FILTER (WHERE v > 'v20')) / 2 END AS i
      FROM par_values GROUP BY u) o USING (u);
DROP TABLE par_values, par_units;
RESET ALL;
DROP TABLE par_scores, parallel_result;

-- comuna_unit_states (so comuna_index, comuna_dimension_scores,
-- territory_index) in parallel (issue 17): for a methodology scored by a
-- scoring table (ufro2017: no vintages, imputation, rank or COINr) it runs
-- one top-level statement over rezago.observation with the scoring table
-- written in as constants (rezago.comuna_states_statement, run by plpgsql's
-- RETURN QUERY EXECUTE), which PostgreSQL may plan as a Partial
-- GroupAggregate in parallel workers, where the old query's InitPlans kept
-- the aggregate in the leader.  Data: 3,000 synthetic comunas x the 18
-- ufro2017 variables in 2023, one variable after the other as imports write
-- them, about 1 value in 17 NULL; inside a transaction rolled back at the end.
BEGIN;
INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region)
SELECT 900000 + g, 'par ' || g, 9000 + g / 100, 'par p' || g / 100, 90 + g / 1000, 'par r' || g / 1000
FROM generate_series(1, 3000) g;
INSERT INTO rezago.observation (cut, variable, period, value)
SELECT 900000 + g, v.code, 2023,
       CASE WHEN (g * 31 + v.n * 7) % 17 = 0 THEN NULL ELSE ((g * 7919 + v.n * 104729) % 100003) / 1000.0 END
FROM (SELECT x.code, row_number() OVER (ORDER BY x.code) AS n
      FROM rezago.variable x JOIN rezago.methodology_variable mv ON mv.variable = x.code
      WHERE mv.methodology = 'ufro2017') v
CROSS JOIN generate_series(1, 3000) g
ORDER BY v.code, g;
ANALYZE rezago.observation;
-- the plan of the statement it runs, with parallel costs at zero (and
-- comuna_unit_states' own enable_hashagg = off): partial aggregates in
-- workers under a Gather (Merge), over a parallel scan of the period, and
-- run so, workers launched in this transaction (expected: t t t t)
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET min_parallel_index_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
SET jit = off;
CREATE TEMP TABLE par_plan AS SELECT 1 AS n, NULL::text AS line LIMIT 0;
DO $$
DECLARE l text; i int := 0;
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || rezago.comuna_states_statement(2023, 'ufro2017', 'rezago.observation') LOOP
        i := i + 1;
        INSERT INTO par_plan VALUES (i, l);
    END LOOP;
END $$;
SELECT bool_or(line ~ 'Gather') AS gather,
       bool_or(line ~ 'Partial (Group|Hash)Aggregate') AS partial_aggregate,
       bool_or(line ~ 'Parallel (Index Only |Seq |Index |Bitmap Heap )?Scan') AS parallel_scan,
       bool_or(line ~ 'Workers Launched: [1-9]') AS workers_launched
FROM par_plan;
RESET enable_hashagg;
-- and comuna_unit_states runs that statement over rezago.observation
-- (expected: 1)
SET LOCAL track_functions = 'pl';
SELECT count(*) AS units FROM rezago.comuna_unit_states(2023) WHERE cut > 900000;
SELECT calls AS statement_runs FROM pg_stat_xact_user_functions
WHERE schemaname = 'rezago' AND funcname = 'run_comuna_states_statement';
RESET track_functions;
-- the same bits with 2 workers as serially, and as the query the function
-- ran before (the aggregate over rezago.observation, the scoring table of
-- rezago.variable_scoring joined in; serial), for the states and the index
-- (expected: 3000 3000 3000 3000 3000)
CREATE TEMP TABLE par_states2 AS SELECT * FROM rezago.comuna_unit_states(2023) WHERE cut > 900000;
CREATE TEMP TABLE par_index2 AS SELECT * FROM rezago.comuna_index(2023) WHERE cut > 900000;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE par_states0 AS SELECT * FROM rezago.comuna_unit_states(2023) WHERE cut > 900000;
CREATE TEMP TABLE par_index0 AS SELECT * FROM rezago.comuna_index(2023) WHERE cut > 900000;
CREATE TEMP TABLE par_states_old AS
SELECT o.cut, rezago.unit_state_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage) AS state
FROM rezago.observation o CROSS JOIN rezago.variable_scoring(2023, 'ufro2017') s
WHERE o.period = 2023 AND o.value IS NOT NULL AND o.cut > 900000
GROUP BY o.cut, s.variables, s.scoring, s.min_coverage;
SELECT count(*) AS units,
       count(*) FILTER (WHERE array_send(a.state) IS NOT DISTINCT FROM array_send(b.state)) AS states_2_eq_0,
       count(*) FILTER (WHERE array_send(a.state) IS NOT DISTINCT FROM array_send(c.state)) AS states_2_eq_old,
       count(*) FILTER (WHERE (SELECT x::text FROM par_index2 x WHERE x.cut = a.cut)
                              = (SELECT y::text FROM par_index0 y WHERE y.cut = a.cut)) AS index_2_eq_0,
       count(*) FILTER (WHERE (SELECT x.index FROM par_index2 x WHERE x.cut = a.cut) IS NOT NULL) AS index_not_null
FROM par_states2 a JOIN par_states0 b USING (cut) JOIN par_states_old c USING (cut);
ROLLBACK;
