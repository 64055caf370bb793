-- Exit (doc/method.md section 4): the exit_status aggregate at every stage
-- boundary, its NULL/NaN/error policy and parallel plan; thresholds by every
-- rule (official ones win), territory gaps and stages over the extension's
-- tables.  Every expected value is worked out by hand in the comments.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;

--------------------------------------------------------------------------
-- exit_status over a plain table
--------------------------------------------------------------------------
-- group g: `evaluated` of `rows_` rows have a value (the rest NULL), the
-- first `overcome` are above the threshold (value 2 > threshold 1, polarity 1)
CREATE TEMP TABLE cases (g text, rows_ int, evaluated int, overcome int, want text);
INSERT INTO cases VALUES
  ('5 of 18: just below 1/3',      18, 18,  5, 'lagging'),
  ('6 of 18: exactly 1/3',         18, 18,  6, 'exit_started'),
  ('11 of 18: just below 2/3',     18, 18, 11, 'exit_started'),
  ('12 of 18: exactly 2/3',        18, 18, 12, 'exit_advanced'),
  ('17 of 18: all but one',        18, 18, 17, 'exit_advanced'),
  ('18 of 18: all',                18, 18, 18, 'exited'),
  ('0 of 18',                      18, 18,  0, 'lagging'),
  ('3 of 9 evaluated (half)',      18,  9,  3, 'exit_started'),
  ('8 of 8 evaluated (< half)',    18,  8,  8, 'insufficient_data'),
  ('1 of 3: exactly 1/3',           3,  3,  1, 'exit_started'),
  ('6 of 19: 0.316, just below',   19, 19,  6, 'lagging'),
  ('nothing evaluated',             4,  0,  0, 'insufficient_data');
CREATE TEMP TABLE rows_ AS
SELECT c.g, CASE WHEN i <= c.evaluated THEN CASE WHEN i <= c.overcome THEN 2.0 ELSE 0.5 END END AS value,
       1.0::float8 AS threshold, 1 AS polarity
FROM cases c CROSS JOIN LATERAL generate_series(1, c.rows_) i;

-- short form: total = rows seen, shares 1/3 and 2/3, minimum evaluated 0.5
SELECT c.g, (s.st).evaluated, (s.st).overcome, round((s.st).share::numeric, 6) AS share, (s.st).stage,
       (s.st).stage = c.want AS ok
FROM cases c
JOIN (SELECT r.g, rezago.exit_status(r.value, r.threshold, r.polarity) AS st FROM rows_ r GROUP BY r.g) s USING (g)
ORDER BY c.rows_, c.evaluated, c.overcome;

-- long form with the ufro2017 parameters and 18 variables: the same stages;
-- a territory need not give a row for a variable it has no data on
SELECT c.g, (rezago.exit_status(r.value, r.threshold, r.polarity, 18, 1.0/3, 2.0/3, 0.5)).stage = c.want AS ok
FROM cases c JOIN rows_ r USING (g) WHERE c.rows_ = 18
GROUP BY c.g, c.want ORDER BY c.g;
-- 4 of 12 rows, declared 18 variables: 12 >= 9 evaluated, 4/12 = 1/3
SELECT (rezago.exit_status(v, 1, 1, 18, 1.0/3, 2.0/3, 0.5)).*
FROM (SELECT CASE WHEN i <= 4 THEN 2.0 ELSE 0 END::float8 FROM generate_series(1, 12) i) x(v);
-- the same 8 evaluated rows: enough when only 16 variables are declared
SELECT (rezago.exit_status(v, 1, 1, 16, 1.0/3, 2.0/3, 0.5)).stage AS "8 of 16 evaluated",
       (rezago.exit_status(v, 1, 1, 17, 1.0/3, 2.0/3, 0.5)).stage AS "8 of 17 evaluated"
FROM (SELECT 2.0::float8 FROM generate_series(1, 8)) x(v);
-- other shares: exit starts at one half, advanced at 0.9
SELECT n, (rezago.exit_status(CASE WHEN i <= n THEN 2.0 ELSE 0 END, 1, 1, 10, 0.5, 0.9, 0.5)).stage
FROM generate_series(4, 10) n CROSS JOIN generate_series(1, 10) i GROUP BY n ORDER BY n;

-- polarity -1 (dependencia_fcm: more is worse): 40 and 50 (= threshold,
-- gap 0) are overcome, 60 is not
SELECT v.code, v.polarity, x.value, rezago.exit_status(x.value, 50, v.polarity) AS st
FROM rezago.variable v CROSS JOIN (VALUES (40.0::float8), (50), (60)) x(value)
WHERE v.code = 'dependencia_fcm' GROUP BY v.code, v.polarity, x.value ORDER BY x.value;
SELECT (rezago.exit_status(x.value, 50, -1)).* FROM (VALUES (40.0::float8), (50), (60)) x(value);
-- polarity +1: 60 and 50 are overcome
SELECT (rezago.exit_status(x.value, 50, 1)).* FROM (VALUES (40.0::float8), (50), (60)) x(value);

-- NULL, NaN and infinite values are not evaluated; a NULL threshold is not
-- evaluated either: 2 rows evaluated of 7 (fewer than half: insufficient_data),
-- both overcome
SELECT (rezago.exit_status(x.value, x.threshold, 1)).*
FROM (VALUES (2.0::float8, 1.0::float8), (NULL, 1), ('NaN', 1), ('Infinity', 1), ('-Infinity', 1), (2, NULL), (3, 1)) x(value, threshold);
-- empty input: NULL, like avg
SELECT rezago.exit_status(x, 1, 1) IS NULL AS empty_is_null FROM (SELECT 1.0::float8 WHERE false) e(x);
SELECT rezago.exit_status(x, 1, 1, 18, 1.0/3, 2.0/3, 0.5) IS NULL AS empty_is_null FROM (SELECT 1.0::float8 WHERE false) e(x);

-- errors
\set VERBOSITY default
SAVEPOINT s;
SELECT rezago.exit_status(1, 'NaN', 1);
ROLLBACK TO s;
SELECT rezago.exit_status(1, '-Infinity', 1);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, NULL);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 0);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 1, 0, 1.0/3, 2.0/3, 0.5);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 1, NULL, 1.0/3, 2.0/3, 0.5);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 1, 18, 0.7, 0.6, 0.5);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 1, 18, 1.0/3, 2.0/3, 0);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 1, 18, 'NaN', 2.0/3, 0.5);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 1, 18, 1.0/3, 2.0/3, NULL);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 1, 2, 1.0/3, 2.0/3, 0.5) FROM generate_series(1, 3);
ROLLBACK TO s;
SELECT rezago.exit_status(1, 1, 1, i, 1.0/3, 2.0/3, 0.5) FROM generate_series(5, 6) i;
ROLLBACK TO s;
SELECT rezago.exit_status_final('{1,2}');
ROLLBACK TO s;
SELECT rezago.exit_status_final('{2,3,1,0,0.3,0.6,0.5}');
ROLLBACK TO s;
SELECT rezago.exit_status_final('{2,Infinity,1,0,0.3,0.6,0.5}');
ROLLBACK TO s;
RELEASE s;
\set VERBOSITY terse

-- parallel plan, and the parallel result equals the serial one
CREATE TABLE big_rows AS
SELECT i % 50 AS territory, (i % 7)::float8 AS value, 3.0::float8 AS threshold,
       CASE WHEN i % 3 = 0 THEN -1 ELSE 1 END AS polarity
FROM generate_series(1, 60000) i;
ANALYZE big_rows;
CREATE TEMP TABLE serial AS
SELECT territory, rezago.exit_status(value, threshold, polarity, 1200, 1.0/3, 2.0/3, 0.5) AS st
FROM big_rows GROUP BY territory;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT territory, rezago.exit_status(value, threshold, polarity, 1200, 1.0/3, 2.0/3, 0.5)
FROM big_rows GROUP BY territory;
SELECT count(*) AS territories,
       count(*) FILTER (WHERE s.st IS DISTINCT FROM p.st) AS differ
FROM serial s
JOIN (SELECT territory, rezago.exit_status(value, threshold, polarity, 1200, 1.0/3, 2.0/3, 0.5) AS st
      FROM big_rows GROUP BY territory) p USING (territory);
-- oracle for one group: territory 0 rows i = 50, 100, ..., 60000
SELECT (st).* FROM serial WHERE territory = 0;
SELECT count(*) AS rows_, count(*) FILTER (WHERE polarity * (threshold - value) <= 0) AS overcome
FROM big_rows WHERE territory = 0;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE big_rows;

--------------------------------------------------------------------------
-- Thresholds, gaps and stages over the extension's tables
--------------------------------------------------------------------------
-- toy methodology: 4 variables in two dimensions
INSERT INTO rezago.methodology (code, name) VALUES ('toy', 'hand example');
INSERT INTO rezago.methodology_dimension VALUES ('toy', 'capital_social', 1), ('toy', 'capital_institucional', 1);
INSERT INTO rezago.methodology_variable (methodology, variable) VALUES
  ('toy', 'agrupaciones_sociales'), ('toy', 'participacion_electoral'),
  ('toy', 'dependencia_fcm'), ('toy', 'gasto_municipal');
INSERT INTO rezago.comuna (cut, name, region_code) VALUES
  (101, 'Uno', 1), (102, 'Dos', 1), (103, 'Tres', 1), (104, 'Cuatro', 1), (105, 'Cinco', 1), (106, 'Seis', 1);
CREATE TEMP TABLE staging (cut int, variable text, period int, value float8);
INSERT INTO staging VALUES
  -- agrupaciones (+1): 10..50, 106 missing: mean 30, median 30, p25 20
  (101, 'agrupaciones_sociales', 2020, 10), (102, 'agrupaciones_sociales', 2020, 20),
  (103, 'agrupaciones_sociales', 2020, 30), (104, 'agrupaciones_sociales', 2020, 40),
  (105, 'agrupaciones_sociales', 2020, 50), (106, 'agrupaciones_sociales', 2020, NULL),
  -- participacion (+1): 40..70, 105/106 missing: mean 55, median 55, p25 47.5
  (101, 'participacion_electoral', 2020, 40), (102, 'participacion_electoral', 2020, 50),
  (103, 'participacion_electoral', 2020, 60), (104, 'participacion_electoral', 2020, 70),
  -- dependencia_fcm (-1): 70 60 40 20 50 60: mean 50, median 55, p25 42.5
  (101, 'dependencia_fcm', 2020, 70), (102, 'dependencia_fcm', 2020, 60),
  (103, 'dependencia_fcm', 2020, 40), (104, 'dependencia_fcm', 2020, 20),
  (105, 'dependencia_fcm', 2020, 50), (106, 'dependencia_fcm', 2020, 60),
  -- gasto (+1): constant 100
  (101, 'gasto_municipal', 2020, 100), (102, 'gasto_municipal', 2020, 100),
  (103, 'gasto_municipal', 2020, 100), (104, 'gasto_municipal', 2020, 100),
  (105, 'gasto_municipal', 2020, 100), (106, 'gasto_municipal', 2020, 100),
  -- 2021: only gasto
  (101, 'gasto_municipal', 2021, 1), (102, 'gasto_municipal', 2021, 2);
SELECT rezago.import_observations('staging');
INSERT INTO rezago.territory (code, name) VALUES
  ('ta', 'A'), ('tb', 'B'), ('tc', 'C'), ('te', 'E'), ('tz', 'no members');
INSERT INTO rezago.territory_member VALUES
  ('ta', 101), ('ta', 102), ('tb', 103), ('tb', 104), ('tc', 105), ('tc', 106), ('te', 106);

-- mean (the default rule)
SELECT * FROM rezago.variable_thresholds(2020, 'toy');
-- ta: agr 15 (gap 15), part 45 (10), dep 65 (-1*(50-65) = 15), gasto 100 (0, overcome) -> 1/4 lagging
-- tb: agr 35 (-5), part 65 (-10), dep 30 (-20), gasto (0) -> 4/4 exited
-- tc: agr 50 (105 only: -20), part none, dep 55 (5), gasto (0) -> 2/3 exit_advanced
-- te: agr none, part none, dep 60 (10), gasto (0) -> 1/2 of 2 evaluated (= half of 4) exit_started
SELECT * FROM rezago.territory_gaps(2020, 'toy');
SELECT * FROM rezago.territory_exit(2020, 'toy');
-- 2021: one variable evaluated of four: insufficient_data everywhere
SELECT * FROM rezago.territory_exit(2021, 'toy');

-- an official threshold wins over the rule: agrupaciones 2020 = 12, so ta
-- overcomes it (15 >= 12) -> 2/4 exit_started
INSERT INTO rezago.official_threshold VALUES ('agrupaciones_sociales', 2020, 12, 'Resolución exenta de prueba', 'synthetic');
SELECT * FROM rezago.variable_thresholds(2020, 'toy') WHERE variable = 'agrupaciones_sociales';
SELECT territory, evaluated, overcome, share, stage FROM rezago.territory_exit(2020, 'toy') WHERE territory = 'ta';
-- ... for that period only
SELECT * FROM rezago.variable_thresholds(2021, 'toy') WHERE variable = 'agrupaciones_sociales';
DELETE FROM rezago.official_threshold;

-- median: agr 30, part 55, dep 55, gasto 100
-- tc: dep 55 -> gap 0, overcome -> 3/3 exited
UPDATE rezago.methodology SET threshold_rule = 'median' WHERE code = 'toy';
SELECT * FROM rezago.variable_thresholds(2020, 'toy');
SELECT * FROM rezago.territory_exit(2020, 'toy') WHERE territory = 'tc';
-- percentile 0.25: agr 20, part 47.5, dep 42.5, gasto 100
-- ta: agr 15 < 20, part 45 < 47.5, dep 65 > 42.5 (-1: behind), gasto -> 1/4 lagging
UPDATE rezago.methodology SET threshold_rule = 'percentile', threshold_percentile = 0.25 WHERE code = 'toy';
SELECT * FROM rezago.variable_thresholds(2020, 'toy');
SELECT * FROM rezago.territory_gaps(2020, 'toy') WHERE territory = 'ta';
-- fixed: agr 14, dep 65, others without a fixed value (not evaluated):
-- ta: agr 15 >= 14, dep 65 <= 65 (gap 0) -> 2/2 of 4 exited
UPDATE rezago.methodology SET threshold_rule = 'fixed' WHERE code = 'toy';
UPDATE rezago.methodology_variable SET threshold_fixed = 14 WHERE methodology = 'toy' AND variable = 'agrupaciones_sociales';
UPDATE rezago.methodology_variable SET threshold_fixed = 65 WHERE methodology = 'toy' AND variable = 'dependencia_fcm';
SELECT * FROM rezago.variable_thresholds(2020, 'toy');
SELECT * FROM rezago.territory_gaps(2020, 'toy') WHERE territory = 'ta';
SELECT * FROM rezago.territory_exit(2020, 'toy');
-- minimum evaluated share 0.75: two of four is not enough
UPDATE rezago.methodology SET exit_min_evaluated_share = 0.75 WHERE code = 'toy';
SELECT territory, stage FROM rezago.territory_exit(2020, 'toy') WHERE territory = 'ta';

-- unknown methodology
SAVEPOINT s;
SELECT * FROM rezago.territory_exit(2020, 'nope');
ROLLBACK TO s;
RELEASE s;
ROLLBACK;

--------------------------------------------------------------------------
-- territory_means: the territory values behind territory_gaps, by hand
--------------------------------------------------------------------------
-- variables (b, a, c) with vintages (2020, 2019, NULL); rows of territory x:
--   b 2020: 1, 2, 4 -> 7/3; a 2019: 10 -> 10; a 2020 (not its vintage),
--   c (no vintage), d (not listed), NULL value: skipped -> {2.333..., 10, NULL}
-- territory y: only an a 2020 row -> {NULL, NULL, NULL}
SELECT g, rezago.territory_means(v, p, x, ARRAY['b', 'a', 'c'], ARRAY[2020, 2019, NULL]) AS means
FROM (VALUES ('x', 'b', 2020, 4::float8), ('x', 'a', 2019, 10), ('x', 'b', 2020, 1), ('x', 'a', 2020, 99),
             ('x', 'c', 2020, 5), ('x', 'd', 2020, 6), ('x', 'b', 2020, NULL), ('x', 'b', 2020, 2),
             ('y', 'a', 2020, 3)) r(g, v, p, x)
GROUP BY g ORDER BY g;
-- the same bits as territory_average whatever the order of the rows:
-- 0.1, 0.2, 0.3 in both orders -> the same mean, equal to territory_average
SELECT (SELECT (rezago.territory_means('v', 1, x, ARRAY['v'], ARRAY[1]))[1] FROM unnest(ARRAY[0.1, 0.2, 0.3]::float8[]) x)
     = (SELECT (rezago.territory_means('v', 1, x, ARRAY['v'], ARRAY[1]))[1] FROM unnest(ARRAY[0.3, 0.1, 0.2]::float8[]) x)
   AND (SELECT (rezago.territory_means('v', 1, x, ARRAY['v'], ARRAY[1]))[1] FROM unnest(ARRAY[0.3, 0.1, 0.2]::float8[]) x)
     = (SELECT rezago.territory_average(x) FROM unnest(ARRAY[0.2, 0.3, 0.1]::float8[]) x) AS same_bits;
