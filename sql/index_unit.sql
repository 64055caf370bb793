-- The unit aggregates (src/unit_aggregates.c) that comuna_index and
-- comuna_dimension_scores are built on: every value below is worked out by
-- hand in the comments and asserted (tolerance 1e-12).  Errors are shown
-- with their SQLSTATE, without C line numbers.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;

-- Two dimensions, weights 2 and 1.  Dimension 1 has two variables (shares
-- .5 and .5), dimension 2 one (share 1).  min_coverage .5.
--   a: d1 = (.5*.2 + .5*.6)/1 = .4, d2 = 1; index (2*.4 + 1*1)/3 = .6
--   b: d1 = .8 (one of two scored: coverage .5, enough); d2 has no row:
--      index NULL, missing {2}
--   c: d1 = .8 (coverage .5); d2's only row has no score: coverage 0,
--      score NULL; index NULL, missing {2}
CREATE TEMP TABLE unit_rows (u text, d int, s float8, w float8, dw float8);
INSERT INTO unit_rows VALUES
    ('a', 1, 0.2, 0.5, 2), ('a', 1, 0.6, 0.5, 2), ('a', 2, 1.0, 1.0, 1),
    ('b', 1, 0.8, 0.5, 2), ('b', 1, NULL, 0.5, 2),
    ('c', 1, 0.8, 0.5, 2), ('c', 2, NULL, 1.0, 1);
SELECT u, rezago.unit_index(d, 2, s, w, dw, 0.5) AS index,
       abs(rezago.unit_index(d, 2, s, w, dw, 0.5) - 0.6) < 1e-12 AS index_ok,
       rezago.unit_dimension_scores(d, 2, s, w, dw, 0.5) AS scores,
       rezago.unit_dimension_coverage(d, 2, s, w, dw, 0.5) AS coverage,
       rezago.unit_missing_dimensions(d, 2, s, w, dw, 0.5) AS missing
FROM unit_rows GROUP BY u ORDER BY u;
-- min_coverage .6: b's and c's first dimension (coverage .5) lose their score
SELECT u, rezago.unit_dimension_scores(d, 2, s, w, dw, 0.6) AS scores,
       rezago.unit_missing_dimensions(d, 2, s, w, dw, 0.6) AS missing
FROM unit_rows GROUP BY u ORDER BY u;
-- weight 0 leaves a row out; empty input is NULL
SELECT rezago.unit_index(d, 1, s, w, 1, 0) FROM (VALUES (1, 0.5::float8, 1::float8), (1, 0.9, 0)) v(d, s, w);
SELECT rezago.unit_index(d, 1, s, w, 1, 0) IS NULL AS empty_is_null
FROM (VALUES (1, 0.5::float8, 1::float8)) v(d, s, w) WHERE false;

-- errors: every argument checked before the state is touched
SELECT rezago.unit_index(3, 2, 0.5, 1, 1, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(NULL, 2, 0.5, 1, 1, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 0, 0.5, 1, 1, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, NULL, 0.5, 1, 1, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 'NaN', 1, 1, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 0.5, -1, 1, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 0.5, NULL, 1, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 0.5, 1, 0, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 0.5, 1, 'Infinity', 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 0.5, 1, 1, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(d, n, 0.5, 0.5, 1, 0.5) FROM (VALUES (1, 1), (1, 2)) v(d, n);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 0.5, 0.5, dw, 0.5) FROM (VALUES (1), (2)) v(dw);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 0.5, 0.5, 1, c) FROM (VALUES (0.5), (0.6)) v(c);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index(1, 1, 0.5, w, 1, 0.5) FROM (VALUES (0.7), (0.7)) v(w);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index_final('{1,2}');
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_combine('{4,3,0,1,0,0,0}', '{5,3,0,2,0,0,0,0}');
\echo :LAST_ERROR_SQLSTATE

-- From raw values, with a scoring table of three variables (columns:
-- dimension, n_dimensions, share, dimension weight, polarity, zscore, lo,
-- hi, winsorisation low, high):
--   x: d1, minmax over [0, 10], +1      y: d1, minmax over [0, 4], -1
--   z: d2, zscore mean 5 sd 2, +1, winsorised to [2, 8]
--   a: x=2 -> (10-2)/10 = .8, y=1 -> (1-0)/4 = .25: d1 = .525;
--      z=3 -> -(3-5)/2 = 1; index (2*.525 + 1)/3 = .683333...
--   b: x NaN (missing), y=4 -> 1: d1 = 1 (coverage .5); z NULL: index NULL
--   c: an unknown variable is ignored; x=20 -> clamped 0, y=0 -> 0: d1 = 0;
--      z=-10 winsorised to 2 -> 1.5; index (0 + 1.5)/3 = .5
CREATE TEMP TABLE raw_rows (u text, variable text, value float8);
INSERT INTO raw_rows VALUES
    ('a', 'x', 2), ('a', 'y', 1), ('a', 'z', 3),
    ('b', 'x', 'NaN'), ('b', 'y', 4), ('b', 'z', NULL),
    ('c', 'other', 7), ('c', 'x', 20), ('c', 'y', 0), ('c', 'z', -10);
CREATE TEMP TABLE scoring AS SELECT '{x,y,z}'::text[] AS variables,
    '{{1,2,0.5,2,1,0,0,10,NULL,NULL},{1,2,0.5,2,-1,0,0,4,NULL,NULL},{2,2,1,1,1,1,5,2,2,8}}'::float8[] AS scoring;
SELECT r.u, rezago.unit_index_values(r.variable, r.value, s.variables, s.scoring, 0.5) AS index,
       rezago.unit_dimension_scores_values(r.variable, r.value, s.variables, s.scoring, 0.5) AS scores,
       rezago.unit_dimension_coverage_values(r.variable, r.value, s.variables, s.scoring, 0.5) AS coverage,
       rezago.unit_missing_dimensions_values(r.variable, r.value, s.variables, s.scoring, 0.5) AS missing
FROM raw_rows r CROSS JOIN scoring s GROUP BY r.u ORDER BY r.u;
SELECT abs(rezago.unit_index_values(r.variable, r.value, s.variables, s.scoring, 0.5) - 2.05 / 3) < 1e-12 AS a_ok
FROM raw_rows r CROSS JOIN scoring s WHERE r.u = 'a';
-- a malformed scoring table is refused, whatever the row
SELECT rezago.unit_index_values('x', 1, '{x}', '{{1,1,1,1,1,0,0,1}}', 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index_values('x', 1, '{x,x}', '{{1,1,1,1,1,0,0,1,NULL,NULL},{1,1,1,1,1,0,0,1,NULL,NULL}}', 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index_values('x', 1, '{x}', '{{1,1,1,1,2,0,0,1,NULL,NULL}}', 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index_values('x', 1, '{x}', '{{1,1,1,1,1,0,3,1,NULL,NULL}}', 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT rezago.unit_index_values('x', 1, NULL, '{{1,1,1,1,1,0,0,1,NULL,NULL}}', 0.5);
\echo :LAST_ERROR_SQLSTATE

-- rezago.variable_scoring builds the table from a methodology: ufro2017
-- with no data has bounds NULL (no variable can be scored)
SELECT array_length(variables, 1) AS variables, array_dims(scoring) AS scoring, n_dimensions,
       dimensions, min_coverage, normalisation
FROM rezago.variable_scoring(2020);

-- partial aggregation in parallel workers (a plain table: temporary ones
-- are not scanned in parallel) equals the serial result
CREATE TABLE par_units AS
SELECT g % 100 AS u, 1 + g % 3 AS d, (g % 97) / 96.0 AS s
FROM generate_series(1, 30000) g;
ANALYZE par_units;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- each unit has 100 rows per dimension, each a share of .01
EXPLAIN (COSTS OFF) SELECT u, rezago.unit_index(d, 3, s, 0.01, 1, 0.5) FROM par_units GROUP BY u;
CREATE TABLE par_result AS SELECT u, rezago.unit_index(d, 3, s, 0.01, 1, 0.5) AS i FROM par_units GROUP BY u;
RESET max_parallel_workers_per_gather;
SELECT count(*) AS units, count(*) FILTER (WHERE abs(p.i - o.i) < 1e-12) AS equal
FROM par_result p JOIN (SELECT u, avg(s) AS i FROM par_units GROUP BY u) o USING (u);
RESET ALL;
DROP TABLE unit_rows, raw_rows, scoring, par_units, par_result;
