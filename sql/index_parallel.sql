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
RESET ALL;
DROP TABLE par_scores, parallel_result;
