-- Caches stay true (issue 13): whatever is kept between calls follows the
-- data at once, in the same transaction.  What is kept:
--   - the scoring table of the unit_*_values aggregates, per call site
--     (fn_extra, src/unit_aggregates.c), for one execution of a query;
--   - plans: of prepared statements and of plpgsql functions, for the
--     session (they hold no data: no IMMUTABLE function reads a table);
--   - rezago.territory_geometry, kept by triggers;
--   - the materialised copies rezago.mv_*: snapshots, refreshed on demand;
--   - a methodology found complete by rezago.require_methodology, for the
--     snapshot and role it was checked under (src/source_check.c; last
--     section).
-- rank_uncertainty reads its model through SPI at every call and keeps
-- nothing.  On the hand example of sql/index_hand.sql (test/fixtures), every
-- call is made, then an observation, a methodology (weights, min_coverage,
-- normalisation), comunas (boundary, región) and territory membership
-- change one at a time, and each change shows at once with the values
-- worked out by hand below.  test/checks/cache_sessions.sh does the same
-- across sessions.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
-- enable_sort = off below (to get a hashed aggregation) would make every
-- small query of the functions look costly enough for JIT to compile it
SET LOCAL jit = off;
\i test/fixtures/hand_example.sql

-- 2021: every comuna but 106 with all four variables, so that 2021's scoring
-- table has the size of 2020's (no NULL bounds):
--   agrupaciones 50,40,30,20,10 -> (50-x)/40 = 0, .25, .5, .75, 1
--   participacion 60,60,40,40,40 -> (60-x)/20 = 0, 0, 1, 1, 1
--   dependencia (-1) 20,20,20,60,60 -> (x-20)/40 = 0, 0, 0, 1, 1
--   gasto 100,200,100,200,100 -> (200-x)/100 = 1, 0, 1, 0, 1
--   social 0, .125, .75, .875, 1; institucional .5, 0, .5, .5, 1
--   index 101 .25, 102 .0625, 103 .625, 104 .6875, 105 1
INSERT INTO rezago.observation (cut, variable, period, value)
SELECT c.cut, v.variable, 2021, v.vals[c.cut - 100]
FROM (VALUES ('agrupaciones_sociales', ARRAY[50, 40, 30, 20, 10]),
             ('participacion_electoral', ARRAY[60, 60, 40, 40, 40]),
             ('dependencia_fcm', ARRAY[20, 20, 20, 60, 60]),
             ('gasto_municipal', ARRAY[100, 200, 100, 200, 100])) v(variable, vals)
CROSS JOIN generate_series(101, 105) c(cut);
-- poverty (not a variable of toy) for the regional ranks, two regiones of three
INSERT INTO rezago.observation (cut, variable, period, value) VALUES
  (101, 'pobreza_ingresos', 2020, 0.30), (102, 'pobreza_ingresos', 2020, 0.20),
  (103, 'pobreza_ingresos', 2020, 0.10), (104, 'pobreza_ingresos', 2020, 0.40),
  (105, 'pobreza_ingresos', 2020, 0.25), (106, 'pobreza_ingresos', 2020, 0.05);
-- comunas are unit squares in a row: 101 [0,1]x[0,1], 102 [1,2]x[0,1], ... 106 [5,6]x[0,1]
UPDATE rezago.comuna
SET geom = ST_Multi(ST_MakeEnvelope(cut - 101, 0, cut - 100, 1, 4326)),
    region_code = CASE WHEN cut <= 103 THEN 1 ELSE 2 END,
    region = CASE WHEN cut <= 103 THEN 'Uno' ELSE 'Dos' END;
-- t1 = {101, 102} (contiguous); t2 = {103, 104, 106} (106 is cut off by 105)
INSERT INTO rezago.territory VALUES ('t1', 'Uno-Dos', NULL), ('t2', 'Tres-Cuatro-Seis', 103);
INSERT INTO rezago.territory_member VALUES ('t1', 101), ('t1', 102), ('t2', 103), ('t2', 104), ('t2', 106);
SET LOCAL rezago.default_methodology = 'toy';
SELECT materialized_view, rows FROM rezago.refresh_portal_views(false);

-- Everything the tests read, as (what, key, got) text rows.  A plpgsql
-- function: its statements' plans are cached for the session, so every
-- stage below runs the same plans again (and the same unit_*_values call
-- sites, with a new fn_extra per execution).
CREATE FUNCTION pg_temp.snap(p integer)
RETURNS TABLE (what text, key text, got text)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT 'comuna_index', ci.cut::text,
           concat_ws(' ', coalesce(ci.index::text, 'NULL'), '#' || ci.rank, 'missing ' || ci.missing_dimensions::text)
    FROM rezago.comuna_index(p, 'toy') ci;
    RETURN QUERY
    SELECT 'dimension_score', ds.cut || ' ' || ds.dimension,
           coalesce(ds.score::text, 'NULL') || ' cov ' || ds.coverage
    FROM rezago.comuna_dimension_scores(p, 'toy') ds;
    -- the *_values aggregates straight over the observations
    RETURN QUERY
    SELECT 'unit_values', o.cut::text,
           concat_ws(' ', coalesce(rezago.unit_index_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage)::text, 'NULL'),
                     rezago.unit_dimension_scores_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage)::text,
                     'missing ' || rezago.unit_missing_dimensions_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage)::text)
    FROM rezago.observation o, rezago.variable_scoring(p, 'toy') s
    WHERE o.period = p
    GROUP BY o.cut, s.variables, s.scoring, s.min_coverage;
    RETURN QUERY
    SELECT 'territory_index', ti.territory,
           concat_ws(' ', coalesce(ti.index::text, 'NULL'), '#' || ti.rank, ti.scored || '/' || ti.members)
    FROM rezago.territory_index(p, 'toy') ti;
    RETURN QUERY
    SELECT 'territory_exit', te.territory, te.overcome || '/' || te.evaluated || ' ' || te.stage
    FROM rezago.territory_exit(p, 'toy') te;
    -- every run is the nominal one (nothing varies): median = nominal rank
    RETURN QUERY
    SELECT 'rank_uncertainty', ru.territory,
           concat_ws(' ', coalesce(ru.nominal_index::text, 'NULL'), '#' || ru.nominal_rank,
                     'median ' || ru.median_rank, 'p_top1 ' || ru.top_n_probability,
                     ru.nominal_stage, 'p_insufficient ' || ru.p_insufficient_data)
    FROM rezago.rank_uncertainty(p, 20, 42, 'toy', false, false, 0, false, top_n => 1) ru;
    RETURN QUERY
    SELECT 'territory_geometry', g.territory,
           format('%s/%s members, %s polygons, area %s, %s', g.members_with_geometry, g.members,
                  ST_NumGeometries(g.geom), ST_Area(g.geom), Box2D(g.geom))
    FROM rezago.territory_geometry g;
    RETURN QUERY
    SELECT 'contiguity', tc.territory,
           concat_ws(' ', tc.contiguous, tc.detail -> 'components')
    FROM rezago.territory_contiguity(0) tc;
    RETURN QUERY
    SELECT 'poverty_rank', pr.cut::text,
           format('region %s: %s of %s, national %s', pr.region_code, pr.regional_rank, pr.regional_count, pr.national_rank)
    FROM rezago.comuna_poverty_ranks(p) pr;
END
$$;

-- what each stage gives: seen; what the hand says: want
CREATE TEMP TABLE seen (stage integer, what text, key text, got text, PRIMARY KEY (stage, what, key));
CREATE TEMP TABLE want (stage integer, what text, key text, got text, PRIMARY KEY (stage, what, key));
-- the rows of stage k that differ from stage k - 1 (all of stage 0), beside
-- the hand's: ok when every changed row is one the hand expects, with its value
CREATE FUNCTION pg_temp.changes(k integer)
RETURNS TABLE (what text, key text, before text, now text, ok boolean)
LANGUAGE sql AS $$
    WITH changed AS (
        SELECT what, key, p.got AS before, c.got AS now
        FROM (SELECT * FROM seen WHERE stage = k) c
        FULL JOIN (SELECT * FROM seen WHERE stage = k - 1) p USING (what, key)
        WHERE c.got IS DISTINCT FROM p.got
    )
    SELECT what, key, ch.before, ch.now,
           ch.what IS NOT NULL AND w.what IS NOT NULL AND ch.now IS NOT DISTINCT FROM w.got
    FROM changed ch FULL JOIN (SELECT * FROM want WHERE stage = k) w USING (what, key)
    ORDER BY 1, 2;
$$;

-- Two periods in one statement, each with its own scoring table.  Hashed
-- aggregation reads the rows of both periods' groups interleaved (sorted by
-- variable), and each row's table comes from a correlated subquery, whose
-- result lands at the same address row after row: the aggregate must not
-- take one period's table for the other's (it did before issue 13).  A
-- prepared statement with a generic plan: the same plan runs at every stage.
SET LOCAL plan_cache_mode = force_generic_plan;
SET LOCAL enable_sort = off;
-- the scan is pinned too: with the index, bitmap or sequential scan chosen by
-- the table's statistics (other tests' rows, autovacuum's ANALYZE), the plan
-- shown differed from run to run; the sort and the hashing are what matter
SET LOCAL enable_bitmapscan = off;
SET LOCAL enable_indexscan = off;
SET LOCAL enable_indexonlyscan = off;
PREPARE two_periods AS
WITH x AS MATERIALIZED (
    SELECT o.period, o.cut,
           rezago.unit_index_values(o.variable, o.value,
               (SELECT s.variables FROM rezago.variable_scoring(o.period, 'toy') s),
               (SELECT s.scoring FROM rezago.variable_scoring(o.period, 'toy') s),
               (SELECT s.min_coverage FROM rezago.variable_scoring(o.period, 'toy') s)) AS index
    FROM (SELECT * FROM rezago.observation WHERE period IN (2020, 2021)
          ORDER BY variable, cut, period OFFSET 0) o
    GROUP BY o.period, o.cut
)
SELECT period, string_agg(cut || ':' || coalesce(index::text, 'NULL'), ' ' ORDER BY cut) AS indices
FROM x GROUP BY period ORDER BY period;
EXPLAIN (COSTS OFF) EXECUTE two_periods;
RESET enable_bitmapscan;
RESET enable_indexscan;
RESET enable_indexonlyscan;
-- 2020: sql/index_hand.sql; 2021: above
EXECUTE two_periods;
RESET enable_sort;
-- the same two tables through one call site rescanned per period (LATERAL)
-- and through two call sites (UNION ALL)
SELECT p.period, string_agg(x.cut || ':' || coalesce(x.index::text, 'NULL'), ' ' ORDER BY x.cut) AS indices
FROM (VALUES (2020), (2021)) p(period)
CROSS JOIN LATERAL (
    SELECT o.cut, rezago.unit_index_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage) AS index
    FROM rezago.observation o, rezago.variable_scoring(p.period, 'toy') s
    WHERE o.period = p.period
    GROUP BY o.cut) x
GROUP BY p.period ORDER BY p.period;
SELECT period, string_agg(cut || ':' || coalesce(index::text, 'NULL'), ' ' ORDER BY cut) AS indices
FROM (SELECT 2020 AS period, o.cut,
             rezago.unit_index_values(o.variable, o.value, (SELECT s.variables FROM rezago.variable_scoring(2020, 'toy') s),
                                      (SELECT s.scoring FROM rezago.variable_scoring(2020, 'toy') s), 0.5) AS index
      FROM rezago.observation o WHERE o.period = 2020 GROUP BY o.cut
      UNION ALL
      SELECT 2021, o.cut,
             rezago.unit_index_values(o.variable, o.value, (SELECT s.variables FROM rezago.variable_scoring(2021, 'toy') s),
                                      (SELECT s.scoring FROM rezago.variable_scoring(2021, 'toy') s), 0.5)
      FROM rezago.observation o WHERE o.period = 2021 GROUP BY o.cut) x
GROUP BY period ORDER BY period;

-- More tables than a call site keeps (8): ten groups, each with its own
-- table (variables a and b of one dimension, min-max over 0..g), built per
-- row, their rows interleaved (every a, then every b) and hashed: every b
-- row finds its table evicted and reads it again.  a = 1 scores (g-1)/g,
-- b = .5 scores (g-.5)/g: index (2g - 1.5)/2g (.25, .625, ..., .925).
SET LOCAL enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT r.g, rezago.unit_index_values(r.v, r.x, ARRAY['a', 'b'],
           ARRAY[[1, 1, 0.5, 1, 1, 0, 0, r.g, NULL, NULL], [1, 1, 0.5, 1, 1, 0, 0, r.g, NULL, NULL]]::float8[], 1)
FROM (SELECT * FROM generate_series(1, 10) g, (VALUES ('a', 1), ('b', 0.5)) v(v, x) ORDER BY v, g OFFSET 0) r
GROUP BY r.g;
SELECT count(*) AS groups, count(*) FILTER (WHERE abs(index - (2 * g - 1.5) / (2 * g)) < 1e-12) AS right,
       string_agg(g || ':' || round(index::numeric, 4), ' ' ORDER BY g) AS indices
FROM (SELECT r.g, rezago.unit_index_values(r.v, r.x, ARRAY['a', 'b'],
                  ARRAY[[1, 1, 0.5, 1, 1, 0, 0, r.g, NULL, NULL], [1, 1, 0.5, 1, 1, 0, 0, r.g, NULL, NULL]]::float8[], 1) AS index
      FROM (SELECT * FROM generate_series(1, 10) g, (VALUES ('a', 1), ('b', 0.5)) v(v, x) ORDER BY v, g OFFSET 0) r
      GROUP BY r.g) x;
RESET enable_sort;

-- Stage 0: the data as loaded (sql/index_hand.sql works out the index;
-- exit: thresholds are the means agrupaciones 28, participacion 55,
-- dependencia 44 (polarity -1), gasto 100; t1's members average 15, 50,
-- 50, 100: 1 of 4 overcome; t2's 40, 60, 35, 100: 4 of 4; poverty ranks:
-- 1 = poorest)
INSERT INTO seen SELECT 0, * FROM pg_temp.snap(2020);
INSERT INTO want VALUES
  (0, 'comuna_index', '101', '0.75 #1'), (0, 'comuna_index', '102', '0.1875 #4'),
  (0, 'comuna_index', '103', '0.25 #2'), (0, 'comuna_index', '104', '0 #5'),
  (0, 'comuna_index', '105', '0.25 #2'), (0, 'comuna_index', '106', 'NULL missing {capital_social}'),
  (0, 'contiguity', 't1', 't [[101, 102]]'), (0, 'contiguity', 't2', 'f [[103, 104], [106]]'),
  (0, 'dimension_score', '101 capital_institucional', '0.5 cov 1'), (0, 'dimension_score', '101 capital_social', '1 cov 1'),
  (0, 'dimension_score', '102 capital_institucional', '0 cov 1'), (0, 'dimension_score', '102 capital_social', '0.375 cov 1'),
  (0, 'dimension_score', '103 capital_institucional', '0.25 cov 1'), (0, 'dimension_score', '103 capital_social', '0.25 cov 1'),
  (0, 'dimension_score', '104 capital_institucional', '0 cov 1'), (0, 'dimension_score', '104 capital_social', '0 cov 0.5'),
  (0, 'dimension_score', '105 capital_institucional', '0.25 cov 1'), (0, 'dimension_score', '105 capital_social', '0.25 cov 1'),
  (0, 'dimension_score', '106 capital_institucional', '0 cov 0.5'),
  (0, 'poverty_rank', '101', 'region 1: 1 of 3, national 2'), (0, 'poverty_rank', '102', 'region 1: 2 of 3, national 4'),
  (0, 'poverty_rank', '103', 'region 1: 3 of 3, national 5'), (0, 'poverty_rank', '104', 'region 2: 1 of 3, national 1'),
  (0, 'poverty_rank', '105', 'region 2: 2 of 3, national 3'), (0, 'poverty_rank', '106', 'region 2: 3 of 3, national 6'),
  (0, 'rank_uncertainty', 't1', '0.46875 #1 median 1 p_top1 1 lagging p_insufficient 0'),
  (0, 'rank_uncertainty', 't2', '0.125 #2 median 2 p_top1 0 exited p_insufficient 0'),
  (0, 'territory_exit', 't1', '1/4 lagging'), (0, 'territory_exit', 't2', '4/4 exited'),
  (0, 'territory_geometry', 't1', '2/2 members, 1 polygons, area 2, BOX(0 0,2 1)'),
  (0, 'territory_geometry', 't2', '3/3 members, 2 polygons, area 3, BOX(2 0,6 1)'),
  (0, 'territory_index', 't1', '0.46875 #1 2/2'), (0, 'territory_index', 't2', '0.125 #2 2/3'),
  (0, 'unit_values', '101', '0.75 {0.5,1} missing {}'), (0, 'unit_values', '102', '0.1875 {0,0.375} missing {}'),
  (0, 'unit_values', '103', '0.25 {0.25,0.25} missing {}'), (0, 'unit_values', '104', '0 {0,0} missing {}'),
  (0, 'unit_values', '105', '0.25 {0.25,0.25} missing {}'), (0, 'unit_values', '106', 'NULL {0,NULL} missing {2}');
SELECT * FROM pg_temp.changes(0);

-- Stage 1, an observation: agrupaciones of 102 from 20 to 90.  Min 10, max
-- 90: scores (90-x)/80 = 1, 0, .75, .5, .75; capital_social 1, 0, .375,
-- .5 (coverage .5), .375; index 101 .75, 102 0, 103 .3125, 104 .25,
-- 105 .3125; t1 .375, t2 (.3125+.25)/2 = .28125.  Threshold 42: t1's
-- agrupaciones (10+90)/2 = 50 is now overcome (2 of 4, exit started), t2's
-- 40 no longer (3 of 4, advanced).
SAVEPOINT s1;
UPDATE rezago.observation SET value = 90 WHERE cut = 102 AND variable = 'agrupaciones_sociales' AND period = 2020;
INSERT INTO seen SELECT 1, * FROM pg_temp.snap(2020);
INSERT INTO want VALUES
  (1, 'comuna_index', '102', '0 #5'), (1, 'comuna_index', '103', '0.3125 #2'),
  (1, 'comuna_index', '104', '0.25 #4'), (1, 'comuna_index', '105', '0.3125 #2'),
  (1, 'dimension_score', '102 capital_social', '0 cov 1'), (1, 'dimension_score', '103 capital_social', '0.375 cov 1'),
  (1, 'dimension_score', '104 capital_social', '0.5 cov 0.5'), (1, 'dimension_score', '105 capital_social', '0.375 cov 1'),
  (1, 'rank_uncertainty', 't1', '0.375 #1 median 1 p_top1 1 exit_started p_insufficient 0'),
  (1, 'rank_uncertainty', 't2', '0.28125 #2 median 2 p_top1 0 exit_advanced p_insufficient 0'),
  (1, 'territory_exit', 't1', '2/4 exit_started'), (1, 'territory_exit', 't2', '3/4 exit_advanced'),
  (1, 'territory_index', 't1', '0.375 #1 2/2'), (1, 'territory_index', 't2', '0.28125 #2 2/3'),
  (1, 'unit_values', '102', '0 {0,0} missing {}'), (1, 'unit_values', '103', '0.3125 {0.25,0.375} missing {}'),
  (1, 'unit_values', '104', '0.25 {0,0.5} missing {}'), (1, 'unit_values', '105', '0.3125 {0.25,0.375} missing {}');
SELECT * FROM pg_temp.changes(1);
-- the prepared statement (same generic plan): 2020 changes, 2021 does not
SET LOCAL enable_sort = off;
EXECUTE two_periods;
RESET enable_sort;

-- Stage 2, the weights of a methodology: capital_social 3, institucional 1
-- (.75 and .25).  Index 101 .75 + .125 = .875, 103 and 105 .28125 + .0625
-- = .34375, 104 .375, 102 0; t1 .4375, t2 (.34375+.375)/2 = .359375.
SAVEPOINT s2;
UPDATE rezago.methodology_dimension SET weight = 3 WHERE methodology = 'toy' AND dimension = 'capital_social';
INSERT INTO seen SELECT 2, * FROM pg_temp.snap(2020);
INSERT INTO want VALUES
  (2, 'comuna_index', '101', '0.875 #1'), (2, 'comuna_index', '103', '0.34375 #3'),
  (2, 'comuna_index', '104', '0.375 #2'), (2, 'comuna_index', '105', '0.34375 #3'),
  (2, 'rank_uncertainty', 't1', '0.4375 #1 median 1 p_top1 1 exit_started p_insufficient 0'),
  (2, 'rank_uncertainty', 't2', '0.359375 #2 median 2 p_top1 0 exit_advanced p_insufficient 0'),
  (2, 'territory_index', 't1', '0.4375 #1 2/2'), (2, 'territory_index', 't2', '0.359375 #2 2/3'),
  (2, 'unit_values', '101', '0.875 {0.5,1} missing {}'), (2, 'unit_values', '103', '0.34375 {0.25,0.375} missing {}'),
  (2, 'unit_values', '104', '0.375 {0,0.5} missing {}'), (2, 'unit_values', '105', '0.34375 {0.25,0.375} missing {}');
SELECT * FROM pg_temp.changes(2);

-- Stage 3, min_coverage from .5 to .75: 104's capital_social and 106's
-- institucional (coverage .5) lose their score, and so their index; t2 has
-- 103 alone scored.
SAVEPOINT s3;
UPDATE rezago.methodology SET min_coverage = 0.75 WHERE code = 'toy';
INSERT INTO seen SELECT 3, * FROM pg_temp.snap(2020);
INSERT INTO want VALUES
  (3, 'comuna_index', '102', '0 #4'), (3, 'comuna_index', '103', '0.34375 #2'),
  (3, 'comuna_index', '104', 'NULL missing {capital_social}'), (3, 'comuna_index', '105', '0.34375 #2'),
  (3, 'comuna_index', '106', 'NULL missing {capital_institucional,capital_social}'),
  (3, 'dimension_score', '104 capital_social', 'NULL cov 0.5'),
  (3, 'dimension_score', '106 capital_institucional', 'NULL cov 0.5'),
  (3, 'rank_uncertainty', 't2', '0.34375 #2 median 2 p_top1 0 exit_advanced p_insufficient 0'),
  (3, 'territory_index', 't2', '0.34375 #2 1/3'),
  (3, 'unit_values', '104', 'NULL {0,NULL} missing {2}'),
  (3, 'unit_values', '106', 'NULL {NULL,NULL} missing {1,2}');
SELECT * FROM pg_temp.changes(3);

-- Stage 4, the normalisation: goalpost, with goalposts agrupaciones 10..50,
-- participacion 40..80, dependencia 20..100 (polarity -1), gasto 0..200.
-- Scores: agrupaciones 1, 0 (90 clamped), .5, 0, .5; participacion 1, .5,
-- .5, -, .5; dependencia .75, 0, .375, 0, .375; gasto .5 everywhere.
-- capital_social 1, .25, .5, (104: coverage .5), .5; institucional .625,
-- .25, .4375, .25, .4375, (106: coverage .5).  Index 101 .75 + .15625 =
-- .90625, 102 .1875 + .0625 = .25, 103 and 105 .375 + .109375 = .484375;
-- t1 (.90625+.25)/2 = .578125, t2 .484375.
SAVEPOINT s4;
UPDATE rezago.methodology_variable
SET goalpost_min = CASE variable WHEN 'agrupaciones_sociales' THEN 10 WHEN 'participacion_electoral' THEN 40
                                 WHEN 'dependencia_fcm' THEN 20 ELSE 0 END,
    goalpost_max = CASE variable WHEN 'agrupaciones_sociales' THEN 50 WHEN 'participacion_electoral' THEN 80
                                 WHEN 'dependencia_fcm' THEN 100 ELSE 200 END
WHERE methodology = 'toy';
UPDATE rezago.methodology SET normalisation = 'goalpost' WHERE code = 'toy';
INSERT INTO seen SELECT 4, * FROM pg_temp.snap(2020);
INSERT INTO want VALUES
  (4, 'comuna_index', '101', '0.90625 #1'), (4, 'comuna_index', '102', '0.25 #4'),
  (4, 'comuna_index', '103', '0.484375 #2'), (4, 'comuna_index', '105', '0.484375 #2'),
  (4, 'dimension_score', '101 capital_institucional', '0.625 cov 1'),
  (4, 'dimension_score', '102 capital_institucional', '0.25 cov 1'), (4, 'dimension_score', '102 capital_social', '0.25 cov 1'),
  (4, 'dimension_score', '103 capital_institucional', '0.4375 cov 1'), (4, 'dimension_score', '103 capital_social', '0.5 cov 1'),
  (4, 'dimension_score', '104 capital_institucional', '0.25 cov 1'),
  (4, 'dimension_score', '105 capital_institucional', '0.4375 cov 1'), (4, 'dimension_score', '105 capital_social', '0.5 cov 1'),
  (4, 'rank_uncertainty', 't1', '0.578125 #1 median 1 p_top1 1 exit_started p_insufficient 0'),
  (4, 'rank_uncertainty', 't2', '0.484375 #2 median 2 p_top1 0 exit_advanced p_insufficient 0'),
  (4, 'territory_index', 't1', '0.578125 #1 2/2'), (4, 'territory_index', 't2', '0.484375 #2 1/3'),
  (4, 'unit_values', '101', '0.90625 {0.625,1} missing {}'), (4, 'unit_values', '102', '0.25 {0.25,0.25} missing {}'),
  (4, 'unit_values', '103', '0.484375 {0.4375,0.5} missing {}'), (4, 'unit_values', '104', 'NULL {0.25,NULL} missing {2}'),
  (4, 'unit_values', '105', '0.484375 {0.4375,0.5} missing {}');
SELECT * FROM pg_temp.changes(4);
-- the prepared statement again: 2021 under goalposts and the new weights
-- (agrupaciones 0, .25, .5, .75, 1; participacion .5, .5, 1, 1, 1;
-- dependencia 0, 0, 0, .5, .5; gasto .5, 0, .5, 0, .5): index 101 .25,
-- 102 .28125, 103 .625, 104 .71875, 105 .875
SET LOCAL enable_sort = off;
EXECUTE two_periods;
RESET enable_sort;

-- Stage 5, comunas: 106's boundary moves next to 104 ([3,4]x[1,2]), which
-- joins t2 into one polygon and one component; 103 moves to región 2
-- (regional ranks: región 1 has 101, 102; región 2 104, 105, 103, 106).
SAVEPOINT s5;
UPDATE rezago.comuna SET geom = ST_Multi(ST_MakeEnvelope(3, 1, 4, 2, 4326)) WHERE cut = 106;
UPDATE rezago.comuna SET region_code = 2, region = 'Dos' WHERE cut = 103;
INSERT INTO seen SELECT 5, * FROM pg_temp.snap(2020);
INSERT INTO want VALUES
  (5, 'contiguity', 't2', 't [[103, 104, 106]]'),
  (5, 'poverty_rank', '101', 'region 1: 1 of 2, national 2'), (5, 'poverty_rank', '102', 'region 1: 2 of 2, national 4'),
  (5, 'poverty_rank', '103', 'region 2: 3 of 4, national 5'), (5, 'poverty_rank', '104', 'region 2: 1 of 4, national 1'),
  (5, 'poverty_rank', '105', 'region 2: 2 of 4, national 3'), (5, 'poverty_rank', '106', 'region 2: 4 of 4, national 6'),
  (5, 'territory_geometry', 't2', '3/3 members, 1 polygons, area 3, BOX(2 0,4 2)');
SELECT * FROM pg_temp.changes(5);

-- Stage 6, territory membership: 105 joins t1, 103 leaves t2.  t1 =
-- {101, 102, 105}: index (.90625+.25+.484375)/3 = .546875, 105 cut off,
-- exit still 2 of 4 (agrupaciones 43.3 >= 42, participacion 53.3 < 55,
-- dependencia 50 > 44, gasto); t2 = {104, 106}: no index (neither has one),
-- exit 3 of 3 evaluated (no member has participacion): exited.
SAVEPOINT s6;
INSERT INTO rezago.territory_member VALUES ('t1', 105);
DELETE FROM rezago.territory_member WHERE territory = 't2' AND cut = 103;
INSERT INTO seen SELECT 6, * FROM pg_temp.snap(2020);
INSERT INTO want VALUES
  (6, 'contiguity', 't1', 'f [[101, 102], [105]]'), (6, 'contiguity', 't2', 't [[104, 106]]'),
  (6, 'rank_uncertainty', 't1', '0.546875 #1 median 1 p_top1 1 exit_started p_insufficient 0'),
  (6, 'rank_uncertainty', 't2', 'NULL p_top1 0 exited p_insufficient 0'),
  (6, 'territory_exit', 't2', '3/3 exited'),
  (6, 'territory_geometry', 't1', '3/3 members, 2 polygons, area 3, BOX(0 0,5 1)'),
  (6, 'territory_geometry', 't2', '2/2 members, 1 polygons, area 2, BOX(3 0,4 2)'),
  (6, 'territory_index', 't1', '0.546875 #1 3/3'), (6, 'territory_index', 't2', 'NULL 0/2');
SELECT * FROM pg_temp.changes(6);

-- every stage, every row: what changed is what the hand says, nothing else
SELECT k AS stage, count(*) FILTER (WHERE c.ok) AS changed_as_expected, count(*) FILTER (WHERE NOT c.ok) AS wrong
FROM generate_series(0, 6) k CROSS JOIN LATERAL pg_temp.changes(k) c GROUP BY k ORDER BY k;

-- The materialised copies are snapshots refreshed on demand: still the data
-- of stage 0 (refreshed then), until rezago.refresh_portal_views()
SELECT m.cut, m.index AS copy_index, v.index AS view_index, m.region_code AS copy_region, v.region_code AS view_region
FROM rezago.mv_comuna_index m JOIN rezago.v_comuna_index v USING (period, cut)
WHERE period = 2020 AND (m.index IS DISTINCT FROM v.index OR m.region_code IS DISTINCT FROM v.region_code)
ORDER BY m.cut;
SELECT m.territory, m.index AS copy_index, v.index AS view_index
FROM rezago.mv_territory_index m JOIN rezago.v_territory_index v USING (period, territory)
WHERE period = 2020 ORDER BY m.territory;
SELECT materialized_view, refreshed_concurrently, rows FROM rezago.refresh_portal_views();
SELECT (SELECT count(*) FROM (SELECT * FROM rezago.mv_comuna_index EXCEPT SELECT * FROM rezago.v_comuna_index) a)
     + (SELECT count(*) FROM (SELECT * FROM rezago.v_comuna_index EXCEPT SELECT * FROM rezago.mv_comuna_index) b)
     + (SELECT count(*) FROM (SELECT * FROM rezago.mv_territory_index EXCEPT SELECT * FROM rezago.v_territory_index) c)
     + (SELECT count(*) FROM (SELECT * FROM rezago.v_territory_index EXCEPT SELECT * FROM rezago.mv_territory_index) d)
     AS rows_differing_after_refresh;

-- Rolling back to a savepoint takes the results back with the data: to
-- before stage 6 (= stage 5), then to before stage 1 (= stage 0), the
-- territory geometry and the copies included
ROLLBACK TO SAVEPOINT s6;
SELECT count(*) AS rows_differing_from_stage_5
FROM (SELECT * FROM pg_temp.snap(2020)) s FULL JOIN (SELECT * FROM seen WHERE stage = 5) p USING (what, key)
WHERE s.got IS DISTINCT FROM p.got;
ROLLBACK TO SAVEPOINT s1;
SELECT count(*) AS rows_differing_from_stage_0
FROM (SELECT * FROM pg_temp.snap(2020)) s FULL JOIN (SELECT * FROM seen WHERE stage = 0) p USING (what, key)
WHERE s.got IS DISTINCT FROM p.got;
-- the copies' refresh of stage 6 is undone too: they hold stage 0 again
SELECT (SELECT count(*) FROM (SELECT * FROM rezago.mv_comuna_index EXCEPT SELECT * FROM rezago.v_comuna_index) a)
     + (SELECT count(*) FROM (SELECT * FROM rezago.v_comuna_index EXCEPT SELECT * FROM rezago.mv_comuna_index) b)
     AS copy_rows_differing_after_rollback;
SET LOCAL enable_sort = off;
EXECUTE two_periods;
RESET enable_sort;
-- the prepared statement kept its one generic plan through every change
SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'two_periods';
DEALLOCATE two_periods;
ROLLBACK;

-- No plan holds data: PostgreSQL folds IMMUTABLE functions into cached
-- plans, so none may read a table.  Every IMMUTABLE function of the
-- extension not in C (each read by hand: none reads a table; a new one
-- shows here), and none of them depends on a table, view or materialised
-- view (SQL-standard bodies record what they read; shown to catch a
-- planted offender).
BEGIN;
CREATE TEMP VIEW immutable_functions AS
SELECT p.oid, p.oid::regprocedure AS immutable_function, l.lanname
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'rezago'
JOIN pg_language l ON l.oid = p.prolang
WHERE p.provolatile = 'i' AND p.prokind = 'f';
CREATE TEMP VIEW immutable_reading_a_table AS
SELECT f.immutable_function, c.oid::regclass AS reads
FROM immutable_functions f
JOIN pg_depend r ON r.classid = 'pg_proc'::regclass AND r.objid = f.oid AND r.refclassid = 'pg_class'::regclass
JOIN pg_class c ON c.oid = r.refobjid AND c.relkind IN ('r', 'p', 'v', 'm', 'f');
SELECT immutable_function, lanname FROM immutable_functions WHERE lanname <> 'c' ORDER BY immutable_function::text;
SELECT * FROM immutable_reading_a_table;
SAVEPOINT planted;
CREATE FUNCTION rezago.planted_comunas() RETURNS bigint LANGUAGE sql IMMUTABLE
BEGIN ATOMIC SELECT count(*) FROM rezago.comuna; END;
ALTER EXTENSION rezago ADD FUNCTION rezago.planted_comunas();
SELECT * FROM immutable_reading_a_table;
ROLLBACK TO SAVEPOINT planted;
ROLLBACK;

-- rezago.require_methodology remembers a methodology found complete for
-- the snapshot and role it was checked under.  In one REPEATABLE READ
-- snapshot: another role that may not read the methodology tables is
-- refused (it would get the code back if the role were not part of what is
-- remembered), and a change made by the transaction is seen at once (the
-- methodology, now without a dimension weight, is refused).
CREATE ROLE rezago_cache_memo_role;
GRANT USAGE ON SCHEMA rezago TO rezago_cache_memo_role;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT rezago.copy_methodology('ufro2017', 'memo') IS NOT NULL AS copied;
SELECT rezago.require_methodology('memo') AS complete;
SELECT rezago.require_methodology('memo') AS complete_again;
SAVEPOINT other_role;
SET LOCAL ROLE rezago_cache_memo_role;
SELECT has_table_privilege('rezago.methodology', 'select') AS may_read_methodologies;
SELECT rezago.require_methodology('memo');
ROLLBACK TO SAVEPOINT other_role;
UPDATE rezago.methodology_dimension SET weight = 0 WHERE methodology = 'memo' AND dimension = 'capital_economico';
SAVEPOINT changed;
SELECT rezago.require_methodology('memo');
ROLLBACK TO SAVEPOINT changed;
-- a check made inside a subtransaction that is rolled back is forgotten:
-- the methodology made complete there, checked, and rolled back is refused
-- again (the snapshot and the command id are those of the check)
SAVEPOINT fixed;
UPDATE rezago.methodology_dimension SET weight = 1 WHERE methodology = 'memo' AND dimension = 'capital_economico';
SELECT rezago.require_methodology('memo') AS complete_in_the_savepoint;
ROLLBACK TO SAVEPOINT fixed;
SAVEPOINT after_rollback;
SELECT rezago.require_methodology('memo');
ROLLBACK TO SAVEPOINT after_rollback;
-- codes alike in their first 64 bytes are told apart (the longer codes
-- are checked every time): the complete one passes, the incomplete fails
SELECT rezago.copy_methodology('ufro2017', repeat('m', 64) || '_complete') IS NOT NULL AS copied_complete,
       rezago.copy_methodology('ufro2017', repeat('m', 64) || '_broken') IS NOT NULL AS copied_broken;
UPDATE rezago.methodology_dimension SET weight = 0
WHERE methodology = repeat('m', 64) || '_broken' AND dimension = 'capital_economico';
SELECT rezago.require_methodology(repeat('m', 64) || '_complete') = repeat('m', 64) || '_complete' AS complete;
SAVEPOINT long_codes;
SELECT rezago.require_methodology(repeat('m', 64) || '_broken');
ROLLBACK TO SAVEPOINT long_codes;
ROLLBACK;
-- the same for an observation source: a NaN that a rolled-back
-- subtransaction deleted is refused again once the deletion is undone
CREATE TABLE memo_source AS SELECT cut, variable, period, value FROM rezago.observation WHERE false;
INSERT INTO memo_source VALUES (101, 'agrupaciones_sociales', 2020, 'NaN');
BEGIN ISOLATION LEVEL REPEATABLE READ;
SAVEPOINT cleaned;
DELETE FROM memo_source;
SELECT rezago.require_observation_source('memo_source') AS good_in_the_savepoint;
ROLLBACK TO SAVEPOINT cleaned;
SELECT rezago.require_observation_source('memo_source');
ROLLBACK;
DROP TABLE memo_source;
REVOKE USAGE ON SCHEMA rezago FROM rezago_cache_memo_role;
DROP ROLE rezago_cache_memo_role;
