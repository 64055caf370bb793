-- Entry (doc/method.md section 5): the entry_status aggregate in three-valued
-- logic, its error policy and parallel plan; territory_entry over synthetic
-- comunas with ties at rank 100 and at the 30% cut, a región with few
-- comunas, a territory across two regiones and missing isolation data.
-- Every expected value is worked out by hand in the comments.  The
-- localities counts are SYNTHETIC (no public source exists here).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;

--------------------------------------------------------------------------
-- entry_status over a plain table
--------------------------------------------------------------------------
-- one row per member comuna: national rank, regional rank and count,
-- localities, isolated localities
CREATE TEMP TABLE m (t text, nr bigint, rr bigint, rc bigint, loc float8, iso float8);
INSERT INTO m VALUES
  -- E1 4 of 5 flagged, fifth without data: met anyway
  ('e1 4/5 + 1 unknown', 1, NULL, NULL, NULL, NULL), ('e1 4/5 + 1 unknown', 2, NULL, NULL, NULL, NULL),
  ('e1 4/5 + 1 unknown', 3, NULL, NULL, NULL, NULL), ('e1 4/5 + 1 unknown', 100, NULL, NULL, NULL, NULL),
  ('e1 4/5 + 1 unknown', NULL, NULL, NULL, NULL, NULL),
  -- E1 2 of 5 flagged, one unknown: 3 of 5 possible -> unknown
  ('e1 2/5 + 1 unknown', 1, NULL, NULL, NULL, NULL), ('e1 2/5 + 1 unknown', 2, NULL, NULL, NULL, NULL),
  ('e1 2/5 + 1 unknown', 101, NULL, NULL, NULL, NULL), ('e1 2/5 + 1 unknown', 300, NULL, NULL, NULL, NULL),
  ('e1 2/5 + 1 unknown', NULL, NULL, NULL, NULL, NULL),
  -- E1 1 of 5 flagged, one unknown: at most 2 of 5 -> not met
  ('e1 1/5 + 1 unknown', 1, NULL, NULL, NULL, NULL), ('e1 1/5 + 1 unknown', 101, NULL, NULL, NULL, NULL),
  ('e1 1/5 + 1 unknown', 102, NULL, NULL, NULL, NULL), ('e1 1/5 + 1 unknown', 300, NULL, NULL, NULL, NULL),
  ('e1 1/5 + 1 unknown', NULL, NULL, NULL, NULL, NULL),
  -- E1 exactly half: 2 of 4 -> met ("half or more")
  ('e1 2/4', 5, NULL, NULL, NULL, NULL), ('e1 2/4', 100, NULL, NULL, NULL, NULL),
  ('e1 2/4', 101, NULL, NULL, NULL, NULL), ('e1 2/4', 200, NULL, NULL, NULL, NULL),
  -- E2 cuts: 3 of 10 is in (exactly 30%), 4 of 10 out; in a región of 3
  -- comunas even rank 1 is out (1/3 > 0.30); in a región of 4, rank 1 is in
  ('e2 3/10 and 4/10', NULL, 3, 10, NULL, NULL), ('e2 3/10 and 4/10', NULL, 4, 10, NULL, NULL),
  ('e2 1/3 and 1/3', NULL, 1, 3, NULL, NULL), ('e2 1/3 and 1/3', NULL, 1, 3, NULL, NULL),
  ('e2 1/4 and 2/4', NULL, 1, 4, NULL, NULL), ('e2 1/4 and 2/4', NULL, 2, 4, NULL, NULL),
  -- E3 all known: exactly 10% is not "more than 10%"; 11% is
  ('e3 10/100', NULL, NULL, NULL, 50, 5), ('e3 10/100', NULL, NULL, NULL, 50, 5),
  ('e3 11/100', NULL, NULL, NULL, 50, 5), ('e3 11/100', NULL, NULL, NULL, 50, 6),
  -- E3 a member with no counts: its localities could swing the share to
  -- ~0 or ~1, so E3 is unknown, even when the known share is 50%
  ('e3 0/100 + none', NULL, NULL, NULL, 100, 0), ('e3 0/100 + none', NULL, NULL, NULL, NULL, NULL),
  ('e3 50/100 + none', NULL, NULL, NULL, 100, 50), ('e3 50/100 + none', NULL, NULL, NULL, NULL, NULL),
  -- E3 localities known, isolated missing: isolated in [0, localities]
  --   5/100 + 10 unknown: share in [5/110, 15/110 = 0.136] -> unknown
  ('e3 5/100 + L10', NULL, NULL, NULL, 100, 5), ('e3 5/100 + L10', NULL, NULL, NULL, 10, NULL),
  --   2/100 + 5 unknown: at most 7/105 = 0.067 -> not met
  ('e3 2/100 + L5', NULL, NULL, NULL, 100, 2), ('e3 2/100 + L5', NULL, NULL, NULL, 5, 'NaN'),
  --   20/100 + 10 unknown: at least 20/110 = 0.18 -> met
  ('e3 20/100 + L10', NULL, NULL, NULL, 100, 20), ('e3 20/100 + L10', NULL, NULL, NULL, 10, NULL),
  -- E3 isolated known, localities missing: localities in [isolated, oo)
  --   2/100 + 0 isolated: at most 2/100 -> not met
  ('e3 2/100 + I0', NULL, NULL, NULL, 100, 2), ('e3 2/100 + I0', NULL, NULL, NULL, NULL, 0),
  --   20/100 + 3 isolated: share can approach 0 -> unknown
  ('e3 20/100 + I3', NULL, NULL, NULL, 100, 20), ('e3 20/100 + I3', NULL, NULL, NULL, 'Infinity', 3),
  -- no localities at all: nothing is isolated -> not met
  ('e3 0/0', NULL, NULL, NULL, 0, 0), ('e3 0/0', NULL, NULL, NULL, 0, 0);
SELECT t, (rezago.entry_status(nr, rr, rc, loc, iso)).* FROM m GROUP BY t ORDER BY t;

-- eligibility: two met decide it even with the third unknown; two failed
-- decide it; one met, one failed, one unknown does not
SELECT x.t, (rezago.entry_status(x.nr, x.rr, x.rc, x.loc, x.iso)).*
FROM (VALUES
  ('two met, E3 unknown', 1::bigint, 1::bigint, 10::bigint, NULL::float8, NULL::float8),
  ('two met, E3 unknown', 2, 2, 10, 10, 1),
  ('two failed, E3 unknown', 200, 9, 10, NULL, NULL),
  ('two failed, E3 unknown', 201, 10, 10, 10, 1),
  ('one met, one failed, one unknown', 1, 9, 10, NULL, NULL),
  ('one met, one failed, one unknown', 2, 10, 10, 10, 1),
  ('all three met', 1, 1, 10, 10, 5)) x(t, nr, rr, rc, loc, iso)
GROUP BY x.t ORDER BY x.t;

-- parameters: top 2 nationally, 50% regionally, isolation > 0 (any
-- isolated locality), one criterion is enough
SELECT (rezago.entry_status(x.nr, x.rr, x.rc, x.loc, x.iso, 2, 0.5, 0, 1)).*
FROM (VALUES (2::bigint, 2::bigint, 4::bigint, NULL::float8, 1::float8), (3, 3, 4, 100, 0)) x(nr, rr, rc, loc, iso);
-- with isolation share 0, one known isolated locality decides E3 even when
-- localities counts are missing (the share stays > 0)
SELECT (rezago.entry_status(NULL, NULL, NULL, x.loc, x.iso, 100, 0.3, 0, 2)).e3_isolation
FROM (VALUES (NULL::float8, 1::float8), (NULL, NULL)) x(loc, iso);
-- ... but not when none is known to be isolated
SELECT (rezago.entry_status(NULL, NULL, NULL, x.loc, x.iso, 100, 0.3, 0, 2)).e3_isolation
FROM (VALUES (NULL::float8, 0::float8), (100, 0)) x(loc, iso);
-- the ufro2017 defaults are those of the short form
SELECT (SELECT rezago.entry_status(nr, rr, rc, loc, iso) FROM m WHERE t LIKE 'e%')
     = (SELECT rezago.entry_status(nr, rr, rc, loc, iso, 100, 0.30, 0.10, 2) FROM m WHERE t LIKE 'e%') AS same;

-- empty input: NULL
SELECT rezago.entry_status(nr, rr, rc, loc, iso) IS NULL AS empty_is_null FROM m WHERE false;

-- errors
\set VERBOSITY default
SAVEPOINT s;
SELECT rezago.entry_status(0, NULL, NULL, NULL, NULL);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, 4, 3, NULL, NULL);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, 1, NULL, NULL, NULL);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, -1, NULL);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, 5, 6);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, NULL, NULL, 0, 0.3, 0.1, 2);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, NULL, NULL, 100, 0, 0.1, 2);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, NULL, NULL, 100, 0.3, 1, 2);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, NULL, NULL, 100, 0.3, 'NaN', 2);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, NULL, NULL, 100, 0.3, 0.1, 4);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, NULL, NULL, NULL, 0.3, 0.1, 2);
ROLLBACK TO s;
SELECT rezago.entry_status(NULL, NULL, NULL, NULL, NULL, i, 0.3, 0.1, 2) FROM generate_series(99, 100) i;
ROLLBACK TO s;
-- forged states (support functions called directly) are refused
SELECT rezago.entry_status_final('{1,0,0,0,0,0,0,0,0,0,0,100,0.3,0.1,7}');
ROLLBACK TO s;
SELECT rezago.entry_status_final('{1,NaN,0,0,0,0,0,0,0,0,0,100,0.3,0.1,2}');
ROLLBACK TO s;
RELEASE s;
\set VERBOSITY terse

-- parallel plan, and the parallel result equals the serial one
CREATE TABLE big_members AS
SELECT i % 40 AS territory,
       CASE WHEN i % 11 <> 0 THEN 1 + (i * 7919) % 340 END::bigint AS national_rank,
       CASE WHEN i % 13 <> 0 THEN 1 + (i * 31) % 30 END::bigint AS regional_rank, 30::bigint AS regional_count,
       CASE WHEN i % 17 <> 0 THEN 20 END::float8 AS localities,
       CASE WHEN i % 19 <> 0 THEN (i % 5) END::float8 AS isolated
FROM generate_series(1, 40000) i;
ANALYZE big_members;
CREATE TEMP TABLE serial AS
SELECT territory, rezago.entry_status(national_rank, regional_rank, regional_count, localities, isolated) AS st
FROM big_members GROUP BY territory;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT territory, rezago.entry_status(national_rank, regional_rank, regional_count, localities, isolated)
FROM big_members GROUP BY territory;
SELECT count(*) AS territories, count(*) FILTER (WHERE s.st IS DISTINCT FROM p.st) AS differ
FROM serial s
JOIN (SELECT territory, rezago.entry_status(national_rank, regional_rank, regional_count, localities, isolated) AS st
      FROM big_members GROUP BY territory) p USING (territory);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- plain-SQL oracle of E1 and E2 for every group (E3 is unknown in all of
-- them: some member lacks both counts)
SELECT count(*) AS territories,
       count(*) FILTER (WHERE (s.st).e1_national IS DISTINCT FROM o.e1) AS e1_differ,
       count(*) FILTER (WHERE (s.st).e2_regional IS DISTINCT FROM o.e2) AS e2_differ,
       count(*) FILTER (WHERE (s.st).e3_isolation IS NOT NULL) AS e3_known
FROM serial s JOIN (
    SELECT territory,
           CASE WHEN 2 * count(*) FILTER (WHERE national_rank <= 100) >= count(*) THEN true
                WHEN 2 * count(*) FILTER (WHERE national_rank <= 100 OR national_rank IS NULL) < count(*) THEN false END AS e1,
           CASE WHEN 2 * count(*) FILTER (WHERE 10 * regional_rank <= 3 * regional_count) >= count(*) THEN true
                WHEN 2 * count(*) FILTER (WHERE 10 * regional_rank <= 3 * regional_count OR regional_rank IS NULL) < count(*) THEN false END AS e2
    FROM big_members GROUP BY territory) o USING (territory);
DROP TABLE big_members;

--------------------------------------------------------------------------
-- territory_entry over the extension's tables
--------------------------------------------------------------------------
-- región 5: 98 comunas 5001..5098, poverty 0.899 .. 0.802: national ranks 1..98
-- región 7: 10 comunas with data, 7011 without a row, 7012 with a NULL value
-- región 9: 3 comunas (few: 0.30 x 3 = 0.9, so none is in its poorest 30%)
INSERT INTO rezago.comuna (cut, name, region_code)
SELECT 5000 + i, 'Comuna 5-' || i, 5 FROM generate_series(1, 98) i
UNION ALL SELECT 7000 + i, 'Comuna 7-' || i, 7 FROM generate_series(1, 12) i
UNION ALL SELECT 9000 + i, 'Comuna 9-' || i, 9 FROM generate_series(1, 3) i;
CREATE TEMP TABLE staging (cut int, variable text, period int, value float8);
INSERT INTO staging
SELECT 5000 + i, 'pobreza_ingresos', 2022, 0.9 - i / 1000.0 FROM generate_series(1, 98) i;
INSERT INTO staging VALUES
  -- national: 7001 rank 99; 7002 and 9001 tie at rank 100 (both in);
  -- 7003 and 7004 tie at 102 (out).  Regional (7): 7001 1, 7002 2,
  -- 7003 and 7004 tie at 3 = 0.30 x 10 (both in), 7005 5 (out)
  (7001, 'pobreza_ingresos', 2022, 0.30), (7002, 'pobreza_ingresos', 2022, 0.25),
  (7003, 'pobreza_ingresos', 2022, 0.22), (7004, 'pobreza_ingresos', 2022, 0.22),
  (7005, 'pobreza_ingresos', 2022, 0.10), (7006, 'pobreza_ingresos', 2022, 0.09),
  (7007, 'pobreza_ingresos', 2022, 0.08), (7008, 'pobreza_ingresos', 2022, 0.07),
  (7009, 'pobreza_ingresos', 2022, 0.06), (7010, 'pobreza_ingresos', 2022, 0.05),
  (7012, 'pobreza_ingresos', 2022, NULL),
  -- región 9: 9001 ranks 1 of 3 in its región (out), 100 nationally (in)
  (9001, 'pobreza_ingresos', 2022, 0.25), (9002, 'pobreza_ingresos', 2022, 0.04),
  (9003, 'pobreza_ingresos', 2022, 0.03),
  -- SYNTHETIC localities (total, isolated)
  (7002, 'localidades', 2022, 20), (7002, 'localidades_aisladas', 2022, 3),
  (9001, 'localidades', 2022, 10), (9001, 'localidades_aisladas', 2022, 0),
  (7003, 'localidades', 2022, 50), (7003, 'localidades_aisladas', 2022, 10),
  (7004, 'localidades', 2022, 50), (7004, 'localidades_aisladas', 2022, 5),
  (5001, 'localidades', 2022, 10), (5001, 'localidades_aisladas', 2022, 5),
  (5002, 'localidades', 2022, 10), (5002, 'localidades_aisladas', 2022, 5),
  (7011, 'localidades', 2022, 10),
  (5003, 'localidades', 2022, 100), (5003, 'localidades_aisladas', 2022, 2),
  (5004, 'localidades_aisladas', 2022, 0),
  (7001, 'localidades', 2022, 10), (7001, 'localidades_aisladas', 2022, 0),
  (7005, 'localidades', 2022, 10), (7005, 'localidades_aisladas', 2022, 0),
  (7012, 'localidades', 2022, 10), (7012, 'localidades_aisladas', 2022, 0);
SELECT rezago.import_observations('staging');

SELECT cut, poverty, national_rank, regional_rank, regional_count
FROM rezago.comuna_poverty_ranks(2022)
WHERE cut IN (5001, 5098, 7001, 7002, 7003, 7004, 7005, 7010, 9001, 9002, 9003) ORDER BY national_rank, cut;
SELECT count(*) AS ranked, count(*) FILTER (WHERE national_rank <= 100) AS in_top_100
FROM rezago.comuna_poverty_ranks(2022);

INSERT INTO rezago.territory (code, name) VALUES
  ('t_tie100', 'tie at national rank 100, across regiones 7 and 9'),
  ('t_cut30', 'tie at the regional 30% cut, isolation data missing'),
  ('t_few', 'región with few comunas'),
  ('t_poor', 'poorest, one comuna without poverty data'),
  ('t_unknown', 'half its comunas without poverty data'),
  ('t_iso', 'isolated count without localities count'),
  ('t_empty', 'no members');
INSERT INTO rezago.territory_member VALUES
  ('t_tie100', 7002), ('t_tie100', 9001),
  ('t_cut30', 7003), ('t_cut30', 7004), ('t_cut30', 7006),
  ('t_few', 9002), ('t_few', 9003),
  ('t_poor', 5001), ('t_poor', 5002), ('t_poor', 7011),
  ('t_unknown', 7001), ('t_unknown', 7005), ('t_unknown', 7011), ('t_unknown', 7012),
  ('t_iso', 5003), ('t_iso', 5004);
-- t_tie100: E1 2/2 (both rank 100); E2 7002 in (2/10), 9001 out (1/3): 1 of 2 = half -> met;
--           E3 3/30 = exactly 10% -> not met; 2 met -> eligible
-- t_cut30:  E1 0/3 -> false; E2 7003, 7004 in (tie at 3/10), 7006 out: 2/3 -> met;
--           E3 15/100 known, 7006 has no counts -> unknown; 1 met + 1 unknown -> undecided
-- t_few:    E1 false; E2 2/3 and 3/3 of a región of 3 -> false; E3 no data -> unknown;
--           0 met + 1 unknown < 2 -> not eligible (decided despite missing data)
-- t_poor:   E1 2 of 3 flagged, 7011 unknown -> met; E2 ranks 1, 2 of 98 -> met;
--           E3 10/20 known + 7011 with 10 localities, isolated unknown: >= 10/30 -> met
-- t_unknown: E1 7001 in, 7005 out, 7011 and 7012 unknown: 1..3 of 4 -> unknown;
--           E2 likewise unknown; E3 0/30 known + 7011 (10, isolated unknown): <= 10/40 -> unknown
--           0 met + 3 unknown -> undecided
-- t_iso:    E1, E2 ranks 3, 4 -> met; E3 2/100 + 5004 (0 isolated, localities unknown) <= 2% -> false
SELECT * FROM rezago.territory_entry(2022);
-- parameters come from the methodology: top 102 takes 7003 and 7004 into E1,
-- so t_cut30 meets two criteria and is eligible whatever E3 is
SELECT rezago.copy_methodology('ufro2017', 'wide');
UPDATE rezago.methodology SET entry_national_top = 102 WHERE code = 'wide';
SELECT * FROM rezago.territory_entry(2022, 'wide') WHERE territory = 't_cut30';
-- a period without data: everything unknown, never false
SELECT * FROM rezago.territory_entry(2019) WHERE territory = 't_tie100';
SAVEPOINT s;
SELECT * FROM rezago.territory_entry(2022, 'nope');
ROLLBACK TO s;
RELEASE s;
ROLLBACK;

--------------------------------------------------------------------------
-- comuna_poverty_ranks in C (one sort of the values; issue 17): ties,
-- -0 = 0, a comuna without región, rows in cut order without ORDER BY
--------------------------------------------------------------------------
BEGIN;
-- región 88: 8801 0.5, 8802 0, 8803 -0, 8804 0.5, 8805 0.7; 8806 0.5 without
-- a región code.  By hand, descending:
--   national: 8805 1; 8801, 8804, 8806 tie at 2; 8802, 8803 tie at 5 (-0 = 0)
--   regional (5 with data): 8805 1; 8801, 8804 2; 8802, 8803 4; count 5
--   8806: national 2, región, regional rank and count NULL
INSERT INTO rezago.comuna (cut, name, region_code)
SELECT 8800 + i, 'Comuna 88-' || i, CASE WHEN i < 6 THEN 88 END FROM generate_series(1, 6) i;
CREATE TEMP TABLE staging_c (cut int, variable text, period int, value float8);
INSERT INTO staging_c VALUES
  (8804, 'pobreza_ingresos', 2031, 0.5), (8802, 'pobreza_ingresos', 2031, 0),
  (8806, 'pobreza_ingresos', 2031, 0.5), (8805, 'pobreza_ingresos', 2031, 0.7),
  (8803, 'pobreza_ingresos', 2031, '-0'), (8801, 'pobreza_ingresos', 2031, 0.5);
SELECT rezago.import_observations('staging_c');
SELECT cut, region_code, poverty, national_rank, regional_rank, regional_count
FROM rezago.comuna_poverty_ranks(2031);
-- the same over the staging table as a source, in its row order
SELECT cut, region_code, poverty, national_rank, regional_rank, regional_count
FROM rezago.comuna_poverty_ranks(2031, 'staging_c');
-- a NULL period or a year outside 1..9999: no rows
SELECT count(*) AS null_period FROM rezago.comuna_poverty_ranks(NULL);
SELECT count(*) AS period_0 FROM rezago.comuna_poverty_ranks(0);
ROLLBACK;
