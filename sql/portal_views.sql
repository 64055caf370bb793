-- Portal views: default methodology, periods, the index views with their
-- Spanish labels and rank changes, the materialised copies and their refresh,
-- column stability, comments and read-only access.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\i test/fixtures/portal_hand.sql

-- the default methodology: ufro2017 unless the setting names another
SELECT rezago.default_methodology() AS unset;
SET LOCAL rezago.default_methodology = '  toy ';
SELECT rezago.default_methodology() AS set_with_spaces;
SET LOCAL rezago.default_methodology = '';
SELECT rezago.default_methodology() AS set_empty;
SET LOCAL rezago.default_methodology = 'toy';

-- periods with data of the methodology's variables: a period with only
-- population (a context input) is not one
INSERT INTO rezago.observation VALUES (101, 'poblacion', 2019, 1000);
SELECT period FROM rezago.index_periods();
SELECT count(*) AS ufro2017_periods FROM rezago.index_periods('ufro2017');

-- comunas: hand values (sql/index_hand.sql for 2020, portal_hand.sql for 2021);
-- 2021 ranks 103, 104 = 1, 106 = 3, 101, 102 = 4; rank_change = previous - current
SELECT period, cut, comuna, round(index::numeric, 6) AS index, rank, ranked, quintile,
       previous_period, previous_rank, rank_change, index_status, index_status_label,
       missing_dimensions, missing_dimension_names
FROM rezago.v_comuna_index ORDER BY period, cut;
SELECT DISTINCT methodology FROM rezago.v_comuna_index;

-- dimension scores, and a dimension below the minimum coverage
UPDATE rezago.methodology SET min_coverage = 0.75 WHERE code = 'toy';
SELECT period, cut, dimension, dimension_name, dimension_weight, score, coverage, score_status, score_status_label
FROM rezago.v_comuna_dimension_scores WHERE cut IN (101, 104) ORDER BY period, cut, dimension;
UPDATE rezago.methodology SET min_coverage = 0.5 WHERE code = 'toy';

-- territories: 2020 t1 .46875 (1), t2 .125 (2); 2021 t2 .8333 (1), t1 0 (2)
SELECT period, territory, territory_name, round(index::numeric, 6) AS index, rank, ranked, quintile,
       members, scored, previous_period, previous_rank, rank_change, index_status, index_status_label
FROM rezago.v_territory_index ORDER BY period, territory;
SELECT period, territory, dimension_name, dimension_weight, round(score::numeric, 6) AS score, members, scored
FROM rezago.v_territory_dimension_scores ORDER BY period, territory, dimension;
-- a territory whose members have no data at all: no_data
INSERT INTO rezago.comuna (cut, name) VALUES (107, 'Siete'), (108, 'Ocho');
INSERT INTO rezago.territory VALUES ('t3', 'Siete-Ocho', NULL);
INSERT INTO rezago.territory_member VALUES ('t3', 107), ('t3', 108);
SELECT period, territory, index, rank, members, scored, index_status, index_status_label
FROM rezago.v_territory_index WHERE territory = 't3' ORDER BY period;
SELECT period, cut, index_status, index_status_label, missing_dimension_names
FROM rezago.v_comuna_index WHERE cut IN (105, 107) ORDER BY period, cut;

-- the views agree with the functions they present, for every period
SELECT count(*) AS comuna_rows_differing
FROM rezago.v_comuna_index v
FULL JOIN (SELECT p, ci.* FROM (VALUES (2020), (2021)) x(p), LATERAL rezago.comuna_index(p, 'toy') ci) f
  ON f.p = v.period AND f.cut = v.cut
WHERE v.index IS DISTINCT FROM f.index OR v.rank IS DISTINCT FROM f.rank OR v.cut IS NULL OR f.cut IS NULL;
SELECT count(*) AS territory_rows_differing
FROM rezago.v_territory_index v
FULL JOIN (SELECT p, ti.* FROM (VALUES (2020), (2021)) x(p), LATERAL rezago.territory_index(p, 'toy') ti) f
  ON f.p = v.period AND f.territory = v.territory
WHERE v.index IS DISTINCT FROM f.index OR v.rank IS DISTINCT FROM f.rank OR v.territory IS NULL OR f.territory IS NULL;

-- an unknown default methodology is an error, not an empty view
SAVEPOINT s;
SET LOCAL rezago.default_methodology = 'nope';
SELECT count(*) FROM rezago.v_territory_index;
ROLLBACK TO s;

-- materialised copies: unreadable until the first refresh, then equal to the
-- views; the second refresh runs CONCURRENTLY (readers are not blocked)
SAVEPOINT s;
SELECT count(*) FROM rezago.mv_territory_index;
ROLLBACK TO s;
SELECT * FROM rezago.refresh_portal_views();
SELECT * FROM rezago.refresh_portal_views();
SELECT * FROM rezago.refresh_portal_views(false);
SELECT (SELECT count(*) FROM (SELECT * FROM rezago.mv_comuna_index EXCEPT SELECT * FROM rezago.v_comuna_index) a)
     + (SELECT count(*) FROM (SELECT * FROM rezago.v_comuna_index EXCEPT SELECT * FROM rezago.mv_comuna_index) b)
     + (SELECT count(*) FROM (SELECT * FROM rezago.mv_territory_index EXCEPT SELECT * FROM rezago.v_territory_index) c)
     + (SELECT count(*) FROM (SELECT * FROM rezago.v_territory_index EXCEPT SELECT * FROM rezago.mv_territory_index) d)
     AS rows_differing;
-- CONCURRENTLY needs a unique index on each copy
SELECT indexrelid::regclass AS unique_index, indisunique FROM pg_index
WHERE indrelid IN ('rezago.mv_comuna_index'::regclass, 'rezago.mv_territory_index'::regclass) ORDER BY 1;
SAVEPOINT s;
SELECT * FROM rezago.refresh_portal_views(NULL);
ROLLBACK TO s;

-- column lists are a promise: a later version may add columns at the end,
-- never rename, retype or drop one (this output pins them)
SELECT table_name, ordinal_position AS pos, column_name, data_type
FROM information_schema.columns
WHERE table_schema = 'rezago' AND table_name IN ('v_comuna_index', 'v_comuna_dimension_scores',
      'v_territory_index', 'v_territory_dimension_scores', 'v_comuna_explanation', 'v_territory_explanation',
      'v_investment_by_plan', 'v_investment_by_source', 'v_investment_by_plan_source',
      'v_territory_gaps', 'v_territory_exit', 'v_territory_entry', 'v_programme_status', 'v_territory_contiguity')
ORDER BY table_name, ordinal_position;
SELECT a.attrelid::regclass AS materialized_view, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_attribute a
WHERE a.attrelid IN ('rezago.mv_comuna_index'::regclass, 'rezago.mv_territory_index'::regclass) AND a.attnum > 0
ORDER BY 1, 2;

-- every view runs as its reader (security_invoker), and every relation,
-- column and function of the schema has a comment (BI tools show them)
SELECT c.relname AS view_without_security_invoker FROM pg_class c
WHERE c.relnamespace = 'rezago'::regnamespace AND c.relkind = 'v'
  AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false);
SELECT c.relname, c.relkind FROM pg_class c
WHERE c.relnamespace = 'rezago'::regnamespace AND c.relkind IN ('r', 'v', 'm')
  AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.relnamespace = 'rezago'::regnamespace AND c.relkind IN ('r', 'v', 'm') AND a.attnum > 0
  AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL;
SELECT p.oid::regprocedure AS function_without_comment FROM pg_proc p
WHERE p.pronamespace = 'rezago'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL;

-- a read-only role granted SELECT reads the views and their materialised
-- copies, and cannot write; the views check the reader's own privileges
CREATE ROLE rezago_portal_test_reader;
GRANT USAGE ON SCHEMA rezago TO rezago_portal_test_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA rezago TO rezago_portal_test_reader;
SET LOCAL ROLE rezago_portal_test_reader;
SELECT count(*) AS territory_rows FROM rezago.v_territory_index;
SELECT count(*) AS materialised_rows FROM rezago.mv_territory_index;
SELECT territory_name, rank FROM rezago.v_territory_index WHERE period = 2021 ORDER BY rank;
SAVEPOINT s;
DELETE FROM rezago.territory_member;
ROLLBACK TO s;
RESET ROLE;
REVOKE SELECT ON rezago.observation FROM rezago_portal_test_reader;
SET LOCAL ROLE rezago_portal_test_reader;
SAVEPOINT s;
SELECT count(*) FROM rezago.v_comuna_index;
ROLLBACK TO s;
RESET ROLE;
ROLLBACK;
