-- Catalogue rules that every object of the extension must keep, checked over
-- pg_catalog so that objects added later are covered without editing this
-- file.  Each query lists the offenders (expected: none); the last part
-- plants one offender of each kind, in a rolled-back transaction, to show
-- that every check can fail.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
CREATE TEMP VIEW ext_routine AS
SELECT p.oid, p.oid::regprocedure::text AS routine, p.prokind, p.prosecdef, p.proconfig,
       p.prosqlbody IS NOT NULL AS atomic, l.lanname, p.proacl, p.proowner
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago');
CREATE TEMP VIEW ext_relation AS
SELECT c.oid, c.oid::regclass::text AS relation, c.relkind, c.reloptions, c.relnamespace
FROM pg_class c
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago');

CREATE TEMP VIEW offenders AS
-- 1. no SECURITY DEFINER
SELECT 'security definer' AS rule, routine AS object FROM ext_routine WHERE prosecdef
UNION ALL
-- 2. every body bound when created: C, internal (aggregates), BEGIN ATOMIC,
--    or a pinned search_path of exactly pg_catalog, pg_temp
SELECT 'body not bound', routine FROM ext_routine
WHERE prokind <> 'a' AND lanname NOT IN ('c', 'internal') AND NOT atomic
  AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (proconfig), false)
UNION ALL
-- 3. every object classified for the grant helpers
SELECT 'no access class', identity FROM rezago.unclassified_objects()
UNION ALL
-- 4. PUBLIC may execute reading functions only
SELECT 'public may execute a writer', r.routine
FROM ext_routine r LEFT JOIN rezago.access_rule a
  ON a.object_kind = 'routine' AND a.object_name = (SELECT proname FROM pg_proc WHERE oid = r.oid)
WHERE a.access IS DISTINCT FROM 'read'
  AND EXISTS (SELECT 1 FROM aclexplode(coalesce(r.proacl, acldefault('f', r.proowner))) x
              WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE')
UNION ALL
-- 5. views for BI tools run with the caller's rights
SELECT 'view without security_invoker', relation FROM ext_relation
WHERE relkind = 'v'
  AND NOT EXISTS (SELECT 1 FROM pg_options_to_table(reloptions) o
                  WHERE o.option_name = 'security_invoker' AND o.option_value IN ('true', 'on', '1'))
UNION ALL
-- 6. every table, view, column, function and aggregate has a comment
SELECT 'no comment', relation FROM ext_relation
WHERE relkind IN ('r', 'p', 'v', 'm') AND obj_description(oid, 'pg_class') IS NULL
UNION ALL
SELECT 'no comment', relation || '.' || a.attname FROM ext_relation r
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE r.relkind IN ('r', 'p', 'v', 'm') AND col_description(r.oid, a.attnum) IS NULL
UNION ALL
SELECT 'no comment', routine FROM ext_routine WHERE obj_description(oid, 'pg_proc') IS NULL
UNION ALL
SELECT 'access rule names nothing', r.object_kind || ' ' || r.object_name FROM rezago.access_rule r
WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE r.object_kind = 'relation' AND c.relname = r.object_name
                    AND c.relnamespace = 'rezago'::regnamespace)
  AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE r.object_kind = 'routine' AND p.proname = r.object_name
                    AND p.pronamespace = 'rezago'::regnamespace)
UNION ALL
-- 7. nothing of the extension outside its schema
SELECT 'outside schema rezago', relation FROM ext_relation WHERE relnamespace <> 'rezago'::regnamespace
UNION ALL
SELECT 'outside schema rezago', routine FROM ext_routine WHERE routine NOT LIKE 'rezago.%';

SELECT * FROM offenders ORDER BY 1, 2;

-- the schema: no privilege for PUBLIC
SELECT nspacl IS NULL OR NOT EXISTS (SELECT 1 FROM aclexplode(nspacl) x WHERE x.grantee = 0) AS public_has_no_schema_access
FROM pg_namespace WHERE nspname = 'rezago';

\set VERBOSITY terse
-- import_comunas builds SQL with format('%I') and quotes the PostGIS schema
-- once: a source or column name made to look like SQL is only a name
BEGIN;
CREATE TABLE "x; DROP TABLE rezago.observation; --" AS SELECT '101' AS cut, 'Uno' AS name;
SAVEPOINT s;
SELECT rezago.import_comunas('"x; DROP TABLE rezago.observation; --"', cut_column => 'cut" text, name text) AS SELECT 1 --', geom_column => NULL);
ROLLBACK TO s;
SELECT rezago.import_comunas('"x; DROP TABLE rezago.observation; --"', provincia_column => NULL,
                             region_column => NULL, geom_column => NULL) AS loaded,
       to_regclass('rezago.observation') IS NOT NULL AS observation_still_there;
ROLLBACK;

-- every check can fail: plant offenders and see them listed
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE FUNCTION rezago.planted_definer() RETURNS int LANGUAGE sql SECURITY DEFINER BEGIN ATOMIC SELECT 1; END;
CREATE FUNCTION rezago.planted_unbound(x text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN upper(x); END $$;
CREATE FUNCTION rezago.planted_string_body() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM rezago.observation';
CREATE VIEW rezago.planted_view AS SELECT cut FROM rezago.comuna;
ALTER EXTENSION rezago ADD FUNCTION rezago.planted_definer();
ALTER EXTENSION rezago ADD FUNCTION rezago.planted_unbound(text);
ALTER EXTENSION rezago ADD FUNCTION rezago.planted_string_body();
ALTER EXTENSION rezago ADD VIEW rezago.planted_view;
INSERT INTO rezago.access_rule VALUES ('routine', 'planted_definer', 'edit');
SELECT * FROM offenders ORDER BY 1, 2;
ROLLBACK;
