-- The three kinds of user, made with the grant helpers: a reader (BI tools,
-- portals), an editor (loads observations and territories) and a
-- methodology owner; plus a role that was granted nothing.  First a check
-- over the catalogue that each role's privileges on every classified object
-- match its class (so objects added later are covered); then each role
-- tries what it may and may not do.  test/checks/roles_login.sh does the
-- same through real logins.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
\set VERBOSITY default
\set SHOW_CONTEXT never
\set ON_ERROR_ROLLBACK on
BEGIN;
CREATE ROLE rz_reader;
CREATE ROLE rz_editor;
CREATE ROLE rz_owner;
CREATE ROLE rz_nobody;
SELECT count(*) > 0 AS granted FROM rezago.grant_reader('rz_reader');
SELECT count(*) > 0 AS granted FROM rezago.grant_editor('rz_editor');
SELECT count(*) > 0 AS granted FROM rezago.grant_methodology_owner('rz_owner');
-- granting twice changes nothing and fails nothing
SELECT count(*) > 0 AS granted_again FROM rezago.grant_reader('rz_reader');

-- fixture (as the extension owner)
INSERT INTO rezago.comuna (cut, name) VALUES (101, 'Uno'), (102, 'Dos');
INSERT INTO rezago.observation VALUES (101, 'agrupaciones_sociales', 2020, 10), (102, 'agrupaciones_sociales', 2020, 30);
CREATE TABLE role_stage (cut int, variable text, period int, value float8);
INSERT INTO role_stage VALUES (101, 'empresas', 2020, 1), (102, 'empresas', 2020, 2);
GRANT SELECT ON role_stage TO rz_reader, rz_editor, rz_owner;

-- privileges by class (expected: no mismatch)
CREATE TEMP VIEW privilege_mismatch AS
WITH level(role, rel_write, fn_exec) AS (VALUES
    ('rz_reader', NULL, 'read'), ('rz_editor', 'edit', 'edit'),
    ('rz_owner', 'methodology', 'methodology'), ('rz_nobody', NULL, NULL)
), rel AS (
    SELECT c.oid, r.access FROM pg_class c
    JOIN rezago.access_rule r ON r.object_kind = 'relation' AND r.object_name = c.relname::text
    WHERE c.relnamespace = 'rezago'::regnamespace
), fn AS (
    SELECT p.oid, r.access FROM pg_proc p
    JOIN rezago.access_rule r ON r.object_kind = 'routine' AND r.object_name = p.proname::text
    WHERE p.pronamespace = 'rezago'::regnamespace
)
SELECT l.role, rel.oid::regclass::text AS object, p.priv,
       has_table_privilege(l.role, rel.oid, p.priv) AS has, e.expected
FROM level l CROSS JOIN rel
CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p(priv)
CROSS JOIN LATERAL (SELECT CASE p.priv WHEN 'SELECT' THEN l.role <> 'rz_nobody'
                                       WHEN 'TRUNCATE' THEN false      -- no one: it bypasses row triggers
                                       ELSE coalesce(rel.access = l.rel_write, false) END AS expected) e
WHERE has_table_privilege(l.role, rel.oid, p.priv) <> e.expected
UNION ALL
-- EXECUTE: reading functions for everyone (PUBLIC keeps it; the schema is
-- the gate), writers only for their level, admin and internal for no one
SELECT l.role, fn.oid::regprocedure::text, 'EXECUTE', has_function_privilege(l.role, fn.oid, 'EXECUTE'),
       fn.access = 'read' OR fn.access = l.fn_exec
FROM level l CROSS JOIN fn
WHERE has_function_privilege(l.role, fn.oid, 'EXECUTE')
      IS DISTINCT FROM (fn.access = 'read' OR coalesce(fn.access = l.fn_exec, false))
UNION ALL
SELECT l.role, 'schema rezago', 'USAGE', has_schema_privilege(l.role, 'rezago', 'USAGE'), l.role <> 'rz_nobody'
FROM level l
WHERE has_schema_privilege(l.role, 'rezago', 'USAGE') <> (l.role <> 'rz_nobody');
SELECT * FROM privilege_mismatch ORDER BY 1, 2, 3;
-- the check can fail: one stray grant shows up
GRANT UPDATE ON rezago.methodology_variable TO rz_editor;
SELECT * FROM privilege_mismatch ORDER BY 1, 2, 3;
REVOKE UPDATE ON rezago.methodology_variable FROM rz_editor;

-- a role granted nothing reaches nothing
SET ROLE rz_nobody;
SELECT count(*) FROM rezago.comuna_index(2020);
SELECT count(*) FROM rezago.observation;
RESET ROLE;

-- the reader reads tables and functions, and writes nothing
SET ROLE rz_reader;
SELECT count(*) AS observations FROM rezago.observation;
SELECT cut, rezago.lag_score(value, 10, 30, 1) AS score FROM rezago.observation ORDER BY cut;
SELECT cut, index IS NULL AS no_index, missing_dimensions FROM rezago.comuna_index(2020) ORDER BY cut;
INSERT INTO rezago.observation VALUES (101, 'empresas', 2020, 1);
UPDATE rezago.observation SET value = 0;
DELETE FROM rezago.comuna;
UPDATE rezago.methodology_variable SET weight = 2 WHERE methodology = 'ufro2017';
SELECT rezago.import_observations('role_stage');
SELECT rezago.copy_methodology('ufro2017', 'reader_copy');
SELECT count(*) FROM rezago.grant_editor('rz_reader');
TRUNCATE rezago.observation;
RESET ROLE;

-- the editor loads observations, comunas and territories, and cannot touch
-- a methodology or the catalogue
SET ROLE rz_editor;
SELECT rezago.import_observations('role_stage') AS loaded;
INSERT INTO rezago.comuna (cut, name) VALUES (103, 'Tres');
INSERT INTO rezago.territory VALUES ('t', 'T');
INSERT INTO rezago.territory_member VALUES ('t', 101), ('t', 103);
UPDATE rezago.observation SET value = 20 WHERE cut = 102 AND variable = 'agrupaciones_sociales';
SELECT territory, members FROM rezago.territory_index(2020);
UPDATE rezago.methodology_dimension SET weight = 5 WHERE methodology = 'ufro2017' AND dimension = 'capital_social';
UPDATE rezago.methodology SET min_coverage = 1;
INSERT INTO rezago.variable (code, dimension, name, polarity) VALUES ('mine', 'capital_social', 'Mine', 1);
SELECT rezago.copy_methodology('ufro2017', 'editor_copy');
SELECT count(*) FROM rezago.grant_methodology_owner('rz_editor');
RESET ROLE;

-- the methodology owner edits methodologies, not data, and built-in rows
-- stay read-only even with the built-in switch
SET ROLE rz_owner;
SELECT rezago.copy_methodology('ufro2017', 'mine') AS copied;
UPDATE rezago.methodology_variable SET weight = 2 WHERE methodology = 'mine' AND variable = 'agrupaciones_sociales';
SELECT variable, variable_weight FROM rezago.methodology_weights('mine') WHERE dimension = 'capital_social' ORDER BY 1;
INSERT INTO rezago.variable (code, dimension, name, polarity) VALUES ('mine_var', 'capital_social', 'Mine', 1);
UPDATE rezago.methodology_dimension SET weight = 5 WHERE methodology = 'ufro2017' AND dimension = 'capital_social';
SET rezago.allow_builtin_changes = on;
UPDATE rezago.methodology_dimension SET weight = 5 WHERE methodology = 'ufro2017' AND dimension = 'capital_social';
RESET rezago.allow_builtin_changes;
INSERT INTO rezago.observation VALUES (101, 'empresas', 2021, 1);
SELECT rezago.import_observations('role_stage');
DELETE FROM rezago.territory;
RESET ROLE;
-- the extension owner still may, with the switch (e.g. an upgrade script)
SET rezago.allow_builtin_changes = on;
UPDATE rezago.methodology_dimension SET weight = 1 WHERE methodology = 'ufro2017' AND dimension = 'capital_social';
RESET rezago.allow_builtin_changes;

-- revoking: the editor becomes a reader again, the reader loses everything
SELECT count(*) > 0 AS revoked FROM rezago.revoke_editor('rz_editor');
SELECT count(*) > 0 AS revoked FROM rezago.revoke_reader('rz_reader');
SET ROLE rz_editor;
SELECT count(*) AS editor_still_reads FROM rezago.observation;
INSERT INTO rezago.territory VALUES ('u', 'U');
RESET ROLE;
SET ROLE rz_reader;
SELECT count(*) FROM rezago.observation;
RESET ROLE;
SELECT count(*) AS privileges_left_for_reader
FROM pg_class c, aclexplode(c.relacl) a
WHERE c.relnamespace = 'rezago'::regnamespace AND a.grantee = 'rz_reader'::regrole;
ROLLBACK;
