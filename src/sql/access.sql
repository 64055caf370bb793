/*
 * Access: who may do what.
 *
 * Every table, view and function of the extension has an access class, one
 * row of rezago.access_rule.  The file that creates an object classifies it
 * (its rows at its end) and then calls rezago.restrict_public_execute(), so
 * that the writers it created lose PUBLIC's EXECUTE.  rezago.grant_reader,
 * grant_editor and grant_methodology_owner read the classes and grant a named
 * role what its kind of user needs.  The regression test security_catalog
 * fails while an object is unclassified.  This file comes first: the others
 * insert their rows into its table.
 *
 * PUBLIC and EXECUTE: the schema rezago is created without any privilege for
 * PUBLIC, so a role reaches nothing until it is granted USAGE (grant_reader
 * does that).  Reading functions keep PostgreSQL's default EXECUTE for
 * PUBLIC: they run with the caller's rights (there is no SECURITY DEFINER in
 * rezago) and read only what the caller may read.  Functions that write
 * (loaders, copy_methodology), the grant helpers and trigger functions lose
 * EXECUTE for PUBLIC, so that only the roles granted them can call them.
 */

--------------------------------------------------------------------------
-- Access classes and role helpers
--------------------------------------------------------------------------

CREATE TABLE rezago.access_rule (
    object_kind text NOT NULL CHECK (object_kind IN ('relation', 'routine')),
    object_name text NOT NULL,
    access      text NOT NULL CHECK (access IN ('read', 'edit', 'methodology', 'admin', 'internal')),
    PRIMARY KEY (object_kind, object_name)
);
COMMENT ON TABLE rezago.access_rule IS 'Access class of every table, view and function of the extension, read by rezago.grant_reader, grant_editor and grant_methodology_owner. Part of the extension (restored by CREATE EXTENSION, not by pg_dump).';
COMMENT ON COLUMN rezago.access_rule.object_kind IS 'relation (table, view, materialized view) or routine (function, aggregate, procedure: every overload of the name).';
COMMENT ON COLUMN rezago.access_rule.object_name IS 'Name of the object in schema rezago.';
COMMENT ON COLUMN rezago.access_rule.access IS 'read: readers may SELECT / EXECUTE; edit: editors may also write it (observations, comunas, territories) or call it (loaders); methodology: methodology owners may also write or call it; admin: the grant helpers, for the extension owner only; internal: trigger functions, called by no one.';

CREATE FUNCTION rezago.unclassified_objects()
RETURNS TABLE (object_kind text, object_name text, identity text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT 'relation', c.relname::text, c.oid::regclass::text
    FROM pg_catalog.pg_class c
    WHERE c.relnamespace = 'rezago'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND NOT EXISTS (SELECT 1 FROM rezago.access_rule r
                      WHERE r.object_kind = 'relation' AND r.object_name = c.relname::text)
    UNION ALL
    SELECT 'routine', p.proname::text, p.oid::regprocedure::text
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace = 'rezago'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM rezago.access_rule r
                      WHERE r.object_kind = 'routine' AND r.object_name = p.proname::text)
    ORDER BY 1, 3;
END;
COMMENT ON FUNCTION rezago.unclassified_objects() IS
'Tables, views and functions of schema rezago without a row in rezago.access_rule: the grant helpers give them to no one. Empty in a correct installation.';

CREATE FUNCTION rezago.access_statements(level text, role regrole, is_grant boolean DEFAULT true)
RETURNS SETOF text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    writes text;        -- the access class this level writes, NULL for readers
    who text;
BEGIN
    IF level IS NULL OR level NOT IN ('reader', 'editor', 'methodology_owner') THEN
        RAISE EXCEPTION 'unknown access level %', coalesce(pg_catalog.quote_literal(level), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The levels are reader, editor and methodology_owner.',
                  HINT = 'Call rezago.grant_reader, rezago.grant_editor or rezago.grant_methodology_owner.';
    END IF;
    IF role IS NULL OR role = 0 THEN
        RAISE EXCEPTION 'role must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = pg_catalog.format('The %s helper received no role.', level),
                  HINT = 'Pass an existing role name, e.g. rezago.grant_reader(''portal''); create it first with CREATE ROLE.';
    END IF;
    IF is_grant IS NULL THEN
        RAISE EXCEPTION 'is_grant must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'access_statements needs to know whether to grant (true) or revoke (false).',
                  HINT = 'Pass true or false.';
    END IF;
    SELECT pg_catalog.quote_ident(a.rolname) INTO who FROM pg_catalog.pg_roles a WHERE a.oid = role;
    writes := CASE level WHEN 'editor' THEN 'edit' WHEN 'methodology_owner' THEN 'methodology' END;

    IF is_grant THEN
        -- every level reads: schema, every classified relation, reading functions
        RETURN NEXT pg_catalog.format('GRANT USAGE ON SCHEMA rezago TO %s', who);
        RETURN QUERY
            SELECT pg_catalog.format('GRANT SELECT ON %s TO %s', c.oid::regclass, who)
            FROM pg_catalog.pg_class c JOIN rezago.access_rule r
              ON r.object_kind = 'relation' AND r.object_name = c.relname::text
            WHERE c.relnamespace = 'rezago'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND r.access IN ('read', 'edit', 'methodology')
            ORDER BY c.relname;
        RETURN QUERY
            SELECT pg_catalog.format('GRANT EXECUTE ON ROUTINE %s TO %s', p.oid::regprocedure, who)
            FROM pg_catalog.pg_proc p JOIN rezago.access_rule r
              ON r.object_kind = 'routine' AND r.object_name = p.proname::text
            WHERE p.pronamespace = 'rezago'::regnamespace AND r.access = 'read'
            ORDER BY p.oid::regprocedure::text;
    END IF;
    IF writes IS NOT NULL THEN
        RETURN QUERY
            SELECT pg_catalog.format(CASE WHEN is_grant THEN 'GRANT INSERT, UPDATE, DELETE ON %s TO %s'
                                          ELSE 'REVOKE INSERT, UPDATE, DELETE ON %s FROM %s' END,
                                     c.oid::regclass, who)
            FROM pg_catalog.pg_class c JOIN rezago.access_rule r
              ON r.object_kind = 'relation' AND r.object_name = c.relname::text
            WHERE c.relnamespace = 'rezago'::regnamespace AND c.relkind IN ('r', 'p', 'f')
              AND r.access = writes
            ORDER BY c.relname;
        -- sequences behind serial or identity columns of those tables
        RETURN QUERY
            SELECT pg_catalog.format(CASE WHEN is_grant THEN 'GRANT USAGE, SELECT ON SEQUENCE %s TO %s'
                                          ELSE 'REVOKE USAGE, SELECT ON SEQUENCE %s FROM %s' END,
                                     s.oid::regclass, who)
            FROM pg_catalog.pg_class s
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = s.oid
                 AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
            JOIN pg_catalog.pg_class c ON c.oid = d.refobjid
            JOIN rezago.access_rule r ON r.object_kind = 'relation' AND r.object_name = c.relname::text
            WHERE s.relkind = 'S' AND c.relnamespace = 'rezago'::regnamespace AND r.access = writes
            ORDER BY s.relname;
        RETURN QUERY
            SELECT pg_catalog.format(CASE WHEN is_grant THEN 'GRANT EXECUTE ON ROUTINE %s TO %s'
                                          ELSE 'REVOKE EXECUTE ON ROUTINE %s FROM %s' END,
                                     p.oid::regprocedure, who)
            FROM pg_catalog.pg_proc p JOIN rezago.access_rule r
              ON r.object_kind = 'routine' AND r.object_name = p.proname::text
            WHERE p.pronamespace = 'rezago'::regnamespace AND r.access = writes
            ORDER BY p.oid::regprocedure::text;
    END IF;
    IF NOT is_grant AND writes IS NULL THEN
        -- revoking the reader level removes every rezago privilege of the role
        RETURN QUERY
            SELECT pg_catalog.format('REVOKE ALL ON %s FROM %s', c.oid::regclass, who)
            FROM pg_catalog.pg_class c
            WHERE c.relnamespace = 'rezago'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
            ORDER BY c.relname;
        RETURN QUERY
            SELECT pg_catalog.format('REVOKE EXECUTE ON ROUTINE %s FROM %s', p.oid::regprocedure, who)
            FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'rezago'::regnamespace
            ORDER BY p.oid::regprocedure::text;
        RETURN NEXT pg_catalog.format('REVOKE USAGE ON SCHEMA rezago FROM %s', who);
    END IF;
END
$$;
COMMENT ON FUNCTION rezago.access_statements(text, regrole, boolean) IS
'The GRANT (is_grant = true) or REVOKE statements that give or take a role''s access level (reader; editor and methodology_owner include reading when granted, and only lose their writing when revoked; revoking reader removes everything), computed from rezago.access_rule; nothing is executed. Used by the grant_* and revoke_* helpers; call it to review them first.';

CREATE FUNCTION rezago.apply_access(levels text[], role regrole, is_grant boolean)
RETURNS SETOF text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    level text;
    stmt text;
    missing text;
BEGIN
    SELECT pg_catalog.string_agg(u.identity, ', ' ORDER BY u.identity) INTO missing FROM rezago.unclassified_objects() u;
    IF missing IS NOT NULL THEN
        RAISE WARNING 'rezago objects without an access class were left out: %', missing
            USING DETAIL = 'They have no row in rezago.access_rule, so no role is granted them.',
                  HINT = 'Classify them in rezago.access_rule (an extension bug if they belong to rezago; your own objects do not belong in schema rezago).';
    END IF;
    IF levels IS NULL THEN
        RAISE EXCEPTION 'levels must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'apply_access received no access level.',
                  HINT = 'Call rezago.grant_reader, grant_editor or grant_methodology_owner instead.';
    END IF;
    FOREACH level IN ARRAY levels LOOP
        FOR stmt IN SELECT s FROM rezago.access_statements(level, role, is_grant) s LOOP
            EXECUTE stmt;
            RETURN NEXT stmt;
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION rezago.apply_access(text[], regrole, boolean) IS
'Executes rezago.access_statements(level, role, is_grant) for each level in turn and returns the statements run. Warns about unclassified objects. Behind the grant_* and revoke_* helpers.';

CREATE FUNCTION rezago.grant_reader(role regrole) RETURNS SETOF text
LANGUAGE sql
BEGIN ATOMIC
    SELECT s FROM rezago.apply_access(ARRAY['reader'], grant_reader.role, true) s;
END;
COMMENT ON FUNCTION rezago.grant_reader(regrole) IS
'Makes a role a reader (BI tools, portals): USAGE on schema rezago, SELECT on every table and view, EXECUTE on the reading functions; no write access. Returns the statements run. Run it as the extension owner, again after an extension update.';

CREATE FUNCTION rezago.grant_editor(role regrole) RETURNS SETOF text
LANGUAGE sql
BEGIN ATOMIC
    SELECT s FROM rezago.apply_access(ARRAY['editor'], grant_editor.role, true) s;
END;
COMMENT ON FUNCTION rezago.grant_editor(regrole) IS
'Makes a role an editor (loads data): reader access, plus INSERT, UPDATE, DELETE on comunas, observations, territories and their members and EXECUTE on the loaders. An editor cannot change the catalogue or a methodology. Returns the statements run.';

CREATE FUNCTION rezago.grant_methodology_owner(role regrole) RETURNS SETOF text
LANGUAGE sql
BEGIN ATOMIC
    SELECT s FROM rezago.apply_access(ARRAY['methodology_owner'], grant_methodology_owner.role, true) s;
END;
COMMENT ON FUNCTION rezago.grant_methodology_owner(regrole) IS
'Makes a role a methodology owner: reader access, plus INSERT, UPDATE, DELETE on dimensions, variables, methodologies and their weights, and EXECUTE on copy_methodology. Built-in rows stay read-only. Returns the statements run.';

CREATE FUNCTION rezago.revoke_reader(role regrole) RETURNS SETOF text
LANGUAGE sql
BEGIN ATOMIC
    SELECT s FROM rezago.apply_access(ARRAY['reader'], revoke_reader.role, false) s;
END;
COMMENT ON FUNCTION rezago.revoke_reader(regrole) IS
'Takes every rezago privilege from a role (whatever its level): tables, views, functions and USAGE on the schema. Returns the statements run.';

CREATE FUNCTION rezago.revoke_editor(role regrole) RETURNS SETOF text
LANGUAGE sql
BEGIN ATOMIC
    SELECT s FROM rezago.apply_access(ARRAY['editor'], revoke_editor.role, false) s;
END;
COMMENT ON FUNCTION rezago.revoke_editor(regrole) IS
'Takes the editor''s write privileges from a role; it stays a reader (use revoke_reader to remove all access). Returns the statements run.';

CREATE FUNCTION rezago.revoke_methodology_owner(role regrole) RETURNS SETOF text
LANGUAGE sql
BEGIN ATOMIC
    SELECT s FROM rezago.apply_access(ARRAY['methodology_owner'], revoke_methodology_owner.role, false) s;
END;
COMMENT ON FUNCTION rezago.revoke_methodology_owner(regrole) IS
'Takes the methodology owner''s write privileges from a role; it stays a reader. Returns the statements run.';

CREATE FUNCTION rezago.restrict_public_execute()
RETURNS SETOF text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    stmt text;
BEGIN
    FOR stmt IN
        SELECT pg_catalog.format('REVOKE EXECUTE ON ROUTINE %s FROM PUBLIC', p.oid::regprocedure)
        FROM pg_catalog.pg_proc p
        LEFT JOIN rezago.access_rule r ON r.object_kind = 'routine' AND r.object_name = p.proname::text
        WHERE p.pronamespace = 'rezago'::regnamespace AND r.access IS DISTINCT FROM 'read'
          AND EXISTS (SELECT 1 FROM pg_catalog.aclexplode(coalesce(p.proacl,
                                pg_catalog.acldefault('f', p.proowner))) a
                      WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
        ORDER BY 1
    LOOP
        EXECUTE stmt;
        RETURN NEXT stmt;
    END LOOP;
END
$$;
COMMENT ON FUNCTION rezago.restrict_public_execute() IS
'Revokes EXECUTE from PUBLIC on every rezago function not classified read (writers, grant helpers, triggers, unclassified ones). The extension scripts call it after creating functions; returns the statements run.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('relation', 'access_rule',               'read'),
    ('routine',  'unclassified_objects',      'read'),
    ('routine',  'access_statements',         'admin'),
    ('routine',  'apply_access',              'admin'),
    ('routine',  'grant_reader',              'admin'),
    ('routine',  'grant_editor',              'admin'),
    ('routine',  'grant_methodology_owner',   'admin'),
    ('routine',  'revoke_reader',             'admin'),
    ('routine',  'revoke_editor',             'admin'),
    ('routine',  'revoke_methodology_owner',  'admin'),
    ('routine',  'restrict_public_execute',   'admin');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
