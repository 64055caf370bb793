-- The adjusted Mazziotta-Pareto index (AMPI, methodology.aggregation =
-- 'ampi'), doc/method.md 3.4: hand-computed small cases of
-- rezago.unit_ampi_final, the catalogue's rules, then comuna_index on the
-- synthetic fixture against a by-hand query in Mazziotta and Pareto's own
-- form and against the plain-SQL oracle (test/oracle/oracle.sql), and the
-- same bits whatever the row order.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;

-- 1. unit_ampi_final by hand.  A dimension score s goes to r = 70 + 60 s;
--    M = weighted mean of r, S2 = weighted population variance of r,
--    AMPI+ = M + S2 / M, reported as (AMPI+ - 70) / 60.
-- a) two dimensions of equal weight scoring 0.2 and 0.6: r = 82, 106;
--    M = 94, S2 = (12^2 + 12^2) / 2 = 144 (S = 12, cv = 12/94),
--    AMPI+ = 94 + 144/94 = 95.531914893617, index = 25.531914893617 / 60
--    = 0.425531914893617 (arithmetic 0.4)
SELECT round(rezago.unit_ampi_final(rezago.unit_state(d, 2, s, 1, 1, 0.5))::numeric, 15) AS ampi,
       rezago.unit_index_final(rezago.unit_state(d, 2, s, 1, 1, 0.5)) AS arithmetic
FROM (VALUES (1, 0.2::float8), (2, 0.6)) v(d, s);
-- b) weights: dimension 1 weighs 3, dimension 2 weighs 1 (normalised 0.75
--    and 0.25); dimension 1 has two variables of weight 0.5 scoring 0 and
--    0.4 (its score 0.2, r = 82), dimension 2 scores 1 (r = 130).
--    M = 0.75 x 82 + 0.25 x 130 = 94; S2 = 0.75 x 12^2 + 0.25 x 36^2 = 108 +
--    324 = 432; AMPI+ = 94 + 432/94 = 98.595744680851, index =
--    28.595744680851 / 60 = 0.476595744680851 (arithmetic 0.4)
SELECT round(rezago.unit_ampi_final(rezago.unit_state(d, 2, s, w, dw, 0.5))::numeric, 15) AS ampi,
       rezago.unit_index_final(rezago.unit_state(d, 2, s, w, dw, 0.5)) AS arithmetic
FROM (VALUES (1, 0::float8, 0.5::float8, 3::float8), (1, 0.4, 0.5, 3), (2, 1, 1, 1)) v(d, s, w, dw);
-- c) the extremes: {0, 1}: M = 100, S2 = 900, AMPI+ = 109, index 39/60 =
--    0.65; all 1 gives 1 and all 0 gives 0; equal scores give the arithmetic
--    index to the bit (S = 0)
SELECT (SELECT rezago.unit_ampi_final(rezago.unit_state(d, 2, s, 1, 1, 0)) FROM (VALUES (1, 0::float8), (2, 1)) v(d, s)) AS zero_one,
       (SELECT rezago.unit_ampi_final(rezago.unit_state(d, 2, s, 1, 1, 0)) FROM (VALUES (1, 1::float8), (2, 1)) v(d, s)) AS all_one,
       (SELECT rezago.unit_ampi_final(rezago.unit_state(d, 2, s, 1, 1, 0)) FROM (VALUES (1, 0::float8), (2, 0)) v(d, s)) AS all_zero,
       (SELECT float8send(rezago.unit_ampi_final(rezago.unit_state(d, 3, s, 1, d, 0)))
               = float8send(rezago.unit_index_final(rezago.unit_state(d, 3, s, 1, d, 0)))
        FROM (VALUES (1, 0.3::float8), (2, 0.3), (3, 0.3)) v(d, s)) AS equal_scores_are_arithmetic;
-- d) the row order does not matter: the same rows in four orders
SELECT count(DISTINCT float8send(rezago.unit_ampi_final(x.st))) AS distinct_results
FROM (SELECT k, rezago.unit_state(d, 3, s, w, dw, 0.5
                                  ORDER BY CASE k WHEN 1 THEN s WHEN 2 THEN -s WHEN 3 THEN w - s ELSE s * dw END) AS st
      FROM (VALUES (1, 0.1::float8, 0.25::float8, 1::float8), (1, 0.7, 0.75, 1), (2, 0.35, 1, 2),
                   (3, 0.9, 0.5, 0.5), (3, 0.05, 0.5, 0.5)) v(d, s, w, dw)
      CROSS JOIN generate_series(1, 4) k
      GROUP BY k) x;
-- e) a dimension below min_coverage (0.5): dimension 2 has 0.25 of its
--    weight scored, so its score is NULL and so is the index; dimension 2 is
--    listed as missing
SELECT rezago.unit_ampi_final(st) AS ampi, rezago.unit_missing_dimensions_final(st) AS missing
FROM (SELECT rezago.unit_state(d, 2, s, w, 1, 0.5) AS st
      FROM (VALUES (1, 0.5::float8, 1::float8), (2, 0.5, 0.25), (2, NULL, 0.75)) v(d, s, w)) x;
-- f) NULL state: NULL; scores outside [0, 1] (z-scores) and forged states:
--    errors (22023)
\set VERBOSITY default
SELECT rezago.unit_ampi_final(NULL) IS NULL AS null_state;
SELECT rezago.unit_ampi_final(rezago.unit_state(d, 2, s, 1, 1, 0)) FROM (VALUES (1, 1.5::float8), (2, 0.2)) v(d, s);
SELECT rezago.unit_ampi_final(rezago.unit_state(d, 2, s, 1, 1, 0)) FROM (VALUES (1, -0.5::float8), (2, 0.2)) v(d, s);
SELECT rezago.unit_ampi_final('{1,0,1,1,1,NaN}');
SELECT rezago.unit_ampi_final('{1}');
\set VERBOSITY terse

-- 2. the catalogue: ampi is an aggregation, not with z-scores (the AMPI
--    scale needs scores in [0, 1])
BEGIN;
SELECT rezago.copy_methodology('ufro2017', 'a_bad');
UPDATE rezago.methodology SET aggregation = 'ampi', normalisation = 'zscore' WHERE code = 'a_bad';
ROLLBACK;
BEGIN;
SELECT rezago.copy_methodology('ufro2017', 'a_bad');
UPDATE rezago.methodology SET aggregation = 'mpi' WHERE code = 'a_bad';
ROLLBACK;

-- 3. synthetic data (36 comunas, 18 variables, some missing)
BEGIN;
\set ECHO none
\o /dev/null
\i test/fixtures/uncertainty_synthetic.sql
\i test/oracle/oracle.sql
\o
\set ECHO all
-- every bounded normalisation, winsorisation, uneven and zero weights,
-- min_coverage 0.6 with population weighting
SELECT count(rezago.copy_methodology(f, 'a_' || f)) AS variants
FROM unnest(ARRAY['ufro2017', 'u_rank', 'u_goalpost', 'u_winsor', 'u_winsor_r', 'u_weights', 'u_pop']) f;
UPDATE rezago.methodology SET aggregation = 'ampi' WHERE code LIKE 'a\_%';
-- the uncertainty runs take an ampi methodology: the nominal run (run 0)
-- is territory_index to the bit (sql/uncertainty_ampi.sql draws ampi)
SELECT count(*) AS territories, count(u.index) AS with_index,
       count(*) FILTER (WHERE float8send(u.index) IS DISTINCT FROM float8send(ti.index)
                        OR u.rank IS DISTINCT FROM ti.rank) AS differing
FROM rezago.uncertainty_runs(2023, 1, 1, 'a_ufro2017') u
JOIN rezago.territory_index(2023, 'a_ufro2017') ti USING (territory)
WHERE u.run = 0 AND u.aggregation = 'ampi';
-- each variant's index once (ampi), and its source's (arithmetic); every
-- function is called in a select list, so that each call is planned on its
-- own instead of inlined into the query with the variant as a parameter
CREATE TEMP TABLE variants AS SELECT code, substr(code, 3) AS arithmetic FROM rezago.methodology WHERE code LIKE 'a\_%';
CREATE TEMP TABLE ampi AS
SELECT x.code, (x.c).* FROM (SELECT v.code, rezago.comuna_index(2023, v.code) AS c FROM variants v) x;
CREATE TEMP TABLE arith AS
SELECT x.code, (x.c).* FROM (SELECT v.code, rezago.comuna_index(2023, v.arithmetic) AS c FROM variants v) x;
-- a) by hand, in Mazziotta and Pareto's form, from comuna_dimension_scores
--    and the dimension weights: r = 70 + 60 s, M = sum W r / sum W,
--    S2 = sum W (r - M)^2 / sum W, (M + S2/M - 70) / 60, to 1e-12; a comuna
--    with a dimension without score has no index, and the same missing
--    dimensions as under the arithmetic index; the AMPI index is never below
--    the arithmetic one, nor outside [0, 1]
WITH dw AS (
    SELECT DISTINCT v.code, w.dimension, w.dimension_weight AS w
    FROM variants v CROSS JOIN LATERAL rezago.methodology_weights(v.code) w
), dsc AS MATERIALIZED (
    SELECT x.code, (x.d).* FROM (SELECT v.code, rezago.comuna_dimension_scores(2023, v.code) AS d FROM variants v) x
), ds AS (
    SELECT dw.code, c.cut, dw.dimension, dw.w, 70 + 60 * d.score AS r
    FROM dw CROSS JOIN rezago.comuna c
    LEFT JOIN dsc d ON d.code = dw.code AND d.cut = c.cut AND d.dimension = dw.dimension
), m AS (
    SELECT code, cut, CASE WHEN count(r) = count(*) THEN sum(w * r) / sum(w) END AS m FROM ds GROUP BY code, cut
), h AS (
    SELECT m.code, m.cut, (m.m + sum(ds.w * (ds.r - m.m) ^ 2) / sum(ds.w) / m.m - 70) / 60 AS index
    FROM m JOIN ds USING (code, cut) GROUP BY m.code, m.cut, m.m
)
SELECT h.code, count(*) AS comunas, count(ci.index) AS indexed,
       count(*) FILTER (WHERE (h.index IS NULL) <> (ci.index IS NULL) OR abs(h.index - ci.index) > 1e-12) AS differ,
       count(*) FILTER (WHERE ci.index < a.index) AS below_arithmetic,
       count(*) FILTER (WHERE ci.index > 1 OR ci.index < 0) AS outside_0_1,
       count(*) FILTER (WHERE ci.missing_dimensions IS DISTINCT FROM a.missing_dimensions) AS missing_differ
FROM h
JOIN ampi ci ON ci.code = h.code AND ci.cut = h.cut
JOIN arith a ON a.code = h.code AND a.cut = h.cut
GROUP BY h.code ORDER BY h.code;
-- b) the plain-SQL oracle: index to 1e-12, the same ranks, the same
--    missing dimensions; territory indices and ranks too
SELECT v.code, count(*) AS comunas,
       count(*) FILTER (WHERE (r.index IS NULL) <> (o.index IS NULL) OR abs(r.index - o.index) > 1e-12
                          OR r.rank IS DISTINCT FROM o.rank
                          OR r.missing_dimensions IS DISTINCT FROM o.missing_dimensions) AS index_differs
FROM (SELECT x.code, (x.o).cut, (x.o).index, (x.o).rank, (x.o).missing_dimensions
      FROM (SELECT v.code, oracle.comuna_index(2023, v.code) AS o FROM variants v) x) o
JOIN variants v USING (code)
JOIN ampi r ON r.code = o.code AND r.cut = o.cut
GROUP BY v.code ORDER BY v.code;
WITH r AS MATERIALIZED (
    SELECT x.code, (x.t).* FROM (SELECT v.code, rezago.territory_index(2023, v.code) AS t FROM variants v) x
), o AS MATERIALIZED (
    SELECT x.code, (x.t).territory, (x.t).index, (x.t).rank
    FROM (SELECT v.code, oracle.territory_index(2023, v.code) AS t FROM variants v) x
)
SELECT r.code, count(*) AS territories, count(r.index) AS indexed,
       count(*) FILTER (WHERE (r.index IS NULL) <> (o.index IS NULL) OR abs(r.index - o.index) > 1e-12
                          OR r.rank IS DISTINCT FROM o.rank) AS territory_differs
FROM r JOIN o ON o.code = r.code AND o.territory = r.territory
GROUP BY r.code ORDER BY r.code;
-- c) what the penalty does: the five most lagged comunas under ampi and
--    the arithmetic index (9001, whose dimensions are less even, passes 9027)
SELECT a.cut, a.rank AS ampi_rank, round(a.index::numeric, 6) AS ampi,
       m.rank AS arithmetic_rank, round(m.index::numeric, 6) AS arithmetic
FROM ampi a JOIN arith m USING (code, cut)
WHERE a.code = 'a_ufro2017' AND a.rank <= 5 ORDER BY a.rank, a.cut;
-- d) the same bits whatever the row order: the observations rewritten in
--    random order, and a parallel plan forced
CREATE TEMP TABLE shuffled AS SELECT * FROM rezago.observation WHERE period = 2023;
DELETE FROM rezago.observation WHERE period = 2023;
SELECT setseed(0.18);
INSERT INTO rezago.observation SELECT * FROM shuffled ORDER BY random();
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
CREATE TEMP TABLE after AS
SELECT x.code, (x.c).* FROM (SELECT v.code, rezago.comuna_index(2023, v.code) AS c FROM variants v) x;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE float8send(b.index) IS DISTINCT FROM float8send(c.index) OR b.rank IS DISTINCT FROM c.rank) AS differ
FROM ampi b JOIN after c USING (code, cut);
ROLLBACK;
