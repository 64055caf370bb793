/*
 * 60_security: who may do what, and inputs that must not hurt the server.
 *
 *  1. Access classes (rezago.access_rule): every table, view and function of
 *     the extension is classified once, here; rezago.grant_reader,
 *     grant_editor and grant_methodology_owner read the classes and grant a
 *     named role what its kind of user needs.  An area that adds an object
 *     adds one row to rezago.access_rule here (rows name objects, so they may
 *     precede them); 99_security_final.sql revokes PUBLIC's EXECUTE on the
 *     writers once every fragment has run.  The test security_catalog fails
 *     while an object is unclassified.
 *  2. Hardened versions of 0.1.0 functions, fixing what the bad-input matrix
 *     (sql/badinput_*.sql) found: NULL sources, unknown SRIDs, geometries that
 *     collapse when made valid, unreadable GeoJSON geometries, overflow of the
 *     mean and standard deviation of huge values, and the built-in-rows
 *     switch being usable by any role with write access.
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
-- 1. Access classes and role helpers
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

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    -- catalogue, written by methodology owners
    ('relation', 'dimension',             'methodology'),
    ('relation', 'variable',              'methodology'),
    ('relation', 'methodology',           'methodology'),
    ('relation', 'methodology_dimension', 'methodology'),
    ('relation', 'methodology_variable',  'methodology'),
    -- user data, written by editors
    ('relation', 'comuna',                'edit'),
    ('relation', 'observation',           'edit'),
    ('relation', 'territory',             'edit'),
    ('relation', 'territory_member',      'edit'),
    ('relation', 'access_rule',           'read'),
    -- C building blocks and their aggregate support functions
    ('routine', 'lag_score',                 'read'),
    ('routine', 'lag_score_zscore',          'read'),
    ('routine', 'weighted_mean_accum',       'read'),
    ('routine', 'weighted_mean_accum_total', 'read'),
    ('routine', 'average_accum',             'read'),
    ('routine', 'weighted_mean_combine',     'read'),
    ('routine', 'weighted_mean_final',       'read'),
    ('routine', 'weighted_mean_coverage',    'read'),
    ('routine', 'dimension_score',           'read'),
    ('routine', 'dimension_coverage',        'read'),
    ('routine', 'territory_average',         'read'),
    -- the one-pass index (15_index_speed)
    ('routine', 'unit_accum',                     'read'),
    ('routine', 'unit_values_accum',              'read'),
    ('routine', 'unit_combine',                   'read'),
    ('routine', 'unit_index_final',               'read'),
    ('routine', 'unit_dimension_scores_final',    'read'),
    ('routine', 'unit_dimension_coverage_final',  'read'),
    ('routine', 'unit_missing_dimensions_final',  'read'),
    ('routine', 'unit_index',                     'read'),
    ('routine', 'unit_dimension_scores',          'read'),
    ('routine', 'unit_dimension_coverage',        'read'),
    ('routine', 'unit_missing_dimensions',        'read'),
    ('routine', 'unit_index_values',              'read'),
    ('routine', 'unit_dimension_scores_values',   'read'),
    ('routine', 'unit_dimension_coverage_values', 'read'),
    ('routine', 'unit_missing_dimensions_values', 'read'),
    ('routine', 'unit_state',                     'read'),
    ('routine', 'unit_state_values',              'read'),
    ('routine', 'unit_state_trim',                'read'),
    ('routine', 'canonical_accum', 'read'),
    ('routine', 'canonical_combine', 'read'),
    ('routine', 'canonical_sum_final', 'read'),
    ('routine', 'canonical_avg_final', 'read'),
    ('routine', 'canonical_stddev_samp_final', 'read'),
    ('routine', 'canonical_sum', 'read'),
    ('routine', 'canonical_avg', 'read'),
    ('routine', 'canonical_stddev_samp', 'read'),
    ('routine', 'comuna_unit_states',             'read'),
    ('routine', 'scoring_rows',                   'read'),
    ('routine', 'variable_scoring',               'read'),
    ('routine', 'ranked_lag_score_rows',          'read'),
    -- the index and methodology helpers
    ('routine', 'require_methodology',        'read'),
    ('routine', 'methodology_in_force',       'read'),
    ('routine', 'methodology_weights',        'read'),
    ('routine', 'comuna_lag_scores',          'read'),
    ('routine', 'comuna_dimension_scores',    'read'),
    ('routine', 'comuna_index',               'read'),
    ('routine', 'territory_dimension_scores', 'read'),
    ('routine', 'territory_index',            'read'),
    ('routine', 'copy_methodology',           'methodology'),
    ('routine', 'require_new_methodology_code', 'read'),
    -- loaders
    ('routine', 'import_observations',    'edit'),
    ('routine', 'import_comunas',         'edit'),
    ('routine', 'import_comunas_geojson', 'edit'),
    ('routine', 'protect_builtin_rows',   'internal'),
    -- territories and contiguity (20_territories)
    ('relation', 'adjacency_link',            'edit'),
    ('relation', 'territory_geometry',        'edit'),   -- written by triggers when editors change members
    ('routine', 'cc_accum',                   'read'),
    ('routine', 'cc_combine',                 'read'),
    ('routine', 'cc_components',              'read'),
    ('routine', 'cc_count',                   'read'),
    ('routine', 'cc_serialize',               'read'),
    ('routine', 'cc_deserialize',             'read'),
    ('routine', 'connected_components',       'read'),
    ('routine', 'component_count',            'read'),
    ('routine', 'check_territory',            'read'),
    ('routine', 'comuna_adjacency',           'read'),
    ('routine', 'group_contiguity',           'read'),
    ('routine', 'territory_contiguity',       'read'),
    ('routine', 'territory_union',            'read'),
    ('routine', 'valid_geometry',             'read'),
    ('routine', 'valid_tolerance',            'read'),
    ('routine', 'metric_srid',                'read'),
    ('routine', 'expand_by_metres',           'read'),
    ('routine', 'name_key',                   'read'),
    ('routine', 'comuna_cut',                 'read'),
    ('routine', 'comuna_cuts',                'read'),
    ('routine', 'provincia_code',             'read'),
    ('routine', 'resolve_name',               'read'),
    ('routine', 'find_comuna',                'read'),
    ('routine', 'find_provincia',             'read'),
    ('routine', 'find_place',                 'read'),
    ('routine', 'create_pilot_territories',   'edit'),
    ('routine', 'create_province_territories', 'edit'),
    ('routine', 'refresh_territory_geometry', 'edit'),
    ('routine', 'territory_geometry_sync',    'internal'),
    -- entry and exit status (30_status)
    ('relation', 'official_threshold',        'methodology'),
    ('relation', 'status_label',              'methodology'),
    ('relation', 'programme_territory',       'edit'),
    ('routine', 'entry_status',               'read'),
    ('routine', 'entry_status_accum',         'read'),
    ('routine', 'entry_status_combine',       'read'),
    ('routine', 'entry_status_final',         'read'),
    ('routine', 'exit_status',                'read'),
    ('routine', 'exit_status_accum',          'read'),
    ('routine', 'exit_status_combine',        'read'),
    ('routine', 'exit_status_final',          'read'),
    ('routine', 'comuna_poverty_ranks',       'read'),
    ('routine', 'variable_thresholds',        'read'),
    ('routine', 'territory_gaps',             'read'),
    ('routine', 'territory_entry',            'read'),
    ('routine', 'territory_exit',             'read'),
    ('routine', 'programme_status',           'read'),
    ('routine', 'most_lagged',                'read'),
    -- portal views, explanations, maps, investment (70_portal)
    ('relation', 'v_comuna_index',            'read'),
    ('relation', 'v_territory_index',         'read'),
    ('relation', 'v_comuna_dimension_scores', 'read'),
    ('relation', 'v_territory_dimension_scores', 'read'),
    ('relation', 'v_comuna_explanation',      'read'),
    ('relation', 'v_territory_explanation',   'read'),
    ('relation', 'v_investment_by_plan',      'read'),
    ('relation', 'v_investment_by_plan_source', 'read'),
    ('relation', 'v_investment_by_source',    'read'),
    ('relation', 'mv_comuna_index',           'read'),
    ('relation', 'mv_territory_index',        'read'),
    ('relation', 'plan',                      'edit'),
    ('relation', 'plan_investment',           'edit'),
    ('relation', 'investment_source',         'methodology'),
    ('routine', 'default_methodology',        'read'),
    ('routine', 'index_periods',              'read'),
    ('routine', 'index_status_label',         'read'),
    ('routine', 'comuna_contributions',       'read'),
    ('routine', 'territory_contributions',    'read'),
    ('routine', 'explain_territory',          'read'),
    ('routine', 'map_features',               'read'),
    ('routine', 'map_palette',                'read'),
    ('routine', 'map_tile',                   'read'),
    ('routine', 'comuna_tiles',               'read'),
    ('routine', 'comuna_tiles_martin',        'read'),
    ('routine', 'territory_tiles',            'read'),
    ('routine', 'territory_tiles_martin',     'read'),
    ('routine', 'territory_union_geom',       'read'),
    ('routine', 'geojson',                    'read'),
    ('routine', 'svg_map',                    'read'),
    ('routine', 'xml_escape',                 'read'),
    ('routine', 'check_map_layer',            'read'),
    ('routine', 'check_svg_args',             'read'),
    ('routine', 'check_tile',                 'read'),
    ('routine', 'refresh_portal_views',       'admin'),  -- REFRESH needs the views' owner
    ('relation', 'v_territory_gaps',          'read'),
    ('relation', 'v_territory_exit',          'read'),
    ('relation', 'v_territory_entry',         'read'),
    ('relation', 'v_programme_status',        'read'),
    ('relation', 'v_territory_contiguity',    'read'),
    ('routine', 'criterion_value',            'read'),
    ('routine', 'default_contiguity_tolerance', 'read'),
    ('routine', 'entry_periods',              'read'),
    -- uncertainty and sensitivity analysis (80_uncertainty)
    ('routine', 'random_uniforms',            'read'),
    ('routine', 'uncertainty_draws',          'read'),
    ('routine', 'uncertainty_runs',           'read'),
    ('routine', 'rank_uncertainty',           'read'),
    ('routine', 'rank_sensitivity',           'read'),
    ('routine', 'sensitivity_analytic',       'read'),
    -- this file
    ('routine', 'unclassified_objects',      'read'),
    ('routine', 'access_statements',         'admin'),
    ('routine', 'apply_access',              'admin'),
    ('routine', 'grant_reader',              'admin'),
    ('routine', 'grant_editor',              'admin'),
    ('routine', 'grant_methodology_owner',   'admin'),
    ('routine', 'revoke_reader',             'admin'),
    ('routine', 'revoke_editor',             'admin'),
    ('routine', 'revoke_methodology_owner',  'admin'),
    ('routine', 'restrict_public_execute',   'admin');

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
-- 2. Hardened 0.1.0 functions
--------------------------------------------------------------------------

-- The built-in-rows switch is a custom setting anyone can SET: honour it
-- only for a role that owns the table (the extension owner), so that a
-- methodology owner cannot edit ufro2017 by setting it.
CREATE OR REPLACE FUNCTION rezago.protect_builtin_rows() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (TG_OP <> 'INSERT' AND OLD.builtin) OR (TG_OP <> 'DELETE' AND NEW.builtin) THEN
        IF pg_catalog.current_setting('rezago.allow_builtin_changes', true) = 'on' AND pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID), 'USAGE') THEN
            RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        RAISE EXCEPTION 'built-in rows of %.% are read-only', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The extension seeds these rows; they are restored by CREATE EXTENSION, not by pg_dump, so changes would be lost.',
                  HINT = 'Add rows of your own instead; to change a built-in methodology, copy it with rezago.copy_methodology(''ufro2017'', ''my_code'') and edit the copy.';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- copy_methodology: a NULL, malformed or existing target code is refused
-- with a detail and a hint (before: the raw not-null, check or unique
-- violation of the INSERT).
CREATE FUNCTION rezago.require_new_methodology_code(code text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF code IS NULL THEN
        RAISE EXCEPTION 'methodology code must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'A new methodology needs a code.',
                  HINT = 'Pass a code of lower-case letters, digits and underscores, e.g. ''mine_2024''.';
    END IF;
    IF code !~ '^[a-z][a-z0-9_]*$' THEN
        RAISE EXCEPTION 'invalid methodology code %', pg_catalog.quote_literal(code)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Codes are lower-case letters, digits and underscores, starting with a letter.',
                  HINT = 'Pass a code such as ''mine_2024''; the name can be any text.';
    END IF;
    IF EXISTS (SELECT 1 FROM rezago.methodology m WHERE m.code = require_new_methodology_code.code) THEN
        RAISE EXCEPTION 'methodology "%" already exists', code
            USING ERRCODE = 'duplicate_object',
                  DETAIL = 'rezago.methodology already has a row with this code.',
                  HINT = 'Choose another code, or delete the existing methodology first.';
    END IF;
    RETURN code;
END
$$;
COMMENT ON FUNCTION rezago.require_new_methodology_code(text) IS
'Returns the code when it can name a new methodology; otherwise raises 22004 (NULL), 22023 (not lower-case letters, digits and underscores) or 42710 (exists), with a detail and a hint.';

CREATE OR REPLACE FUNCTION rezago.copy_methodology(source text, target text, target_name text DEFAULT NULL)
RETURNS text
LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO rezago.methodology (code, name, description, in_force_from, in_force_to, normalisation,
        winsor_lower, winsor_upper, min_coverage, territory_weighting, threshold_rule, threshold_percentile,
        exit_started_share, exit_advanced_share, exit_min_evaluated_share, entry_national_top,
        entry_regional_share, entry_isolation_share, entry_min_criteria, builtin)
    SELECT rezago.require_new_methodology_code(copy_methodology.target),
        coalesce(copy_methodology.target_name, m.name || ' (copy)'),
        m.description, m.in_force_from, m.in_force_to, m.normalisation,
        m.winsor_lower, m.winsor_upper, m.min_coverage, m.territory_weighting, m.threshold_rule, m.threshold_percentile,
        m.exit_started_share, m.exit_advanced_share, m.exit_min_evaluated_share, m.entry_national_top,
        m.entry_regional_share, m.entry_isolation_share, m.entry_min_criteria, false
    FROM rezago.methodology m WHERE m.code = rezago.require_methodology(copy_methodology.source);
    INSERT INTO rezago.methodology_dimension (methodology, dimension, weight)
    SELECT copy_methodology.target, d.dimension, d.weight
    FROM rezago.methodology_dimension d WHERE d.methodology = copy_methodology.source;
    INSERT INTO rezago.methodology_variable (methodology, variable, weight, goalpost_min, goalpost_max, threshold_fixed)
    SELECT copy_methodology.target, v.variable, v.weight, v.goalpost_min, v.goalpost_max, v.threshold_fixed
    FROM rezago.methodology_variable v WHERE v.methodology = copy_methodology.source;
    SELECT copy_methodology.target;
END;
COMMENT ON FUNCTION rezago.copy_methodology(text, text, text) IS
'Copies a methodology with its dimension and variable weights under a new code (editable: builtin = false); returns the new code. Errors: unknown source (42704), NULL target (22004), malformed target code (22023), existing target (42710).';

-- NULL source or NULL replace: nothing to do (the result is NULL).  Before,
-- a NULL source built "FROM s" and read whatever table s the caller had.
ALTER FUNCTION rezago.import_observations(regclass, boolean) STRICT;
COMMENT ON FUNCTION rezago.import_observations(regclass, boolean) IS
'Loads a staging table or view with columns (cut, variable, period, value): checks every row and loads all or none. One error (22000) lists every bad row: unknown comuna or variable, bad period, NaN/Infinity, a proportion outside 0..1 (hinting at percentages), duplicate keys, periods already loaded. replace => true replaces the (variable, period) pairs present in the source. Returns the number of rows loaded. NULL value = a known missing value. Strict: a NULL argument loads nothing and returns NULL.';

-- Mean and standard deviation are computed for zscore only, as canonical
-- sums over values scaled by a power of two (05_canonical_sums), so that
-- huge values cannot overflow them; before, avg() overflowed for any
-- normalisation once values neared 1e308.
CREATE OR REPLACE FUNCTION rezago.comuna_lag_scores(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, variable text, dimension text, value double precision,
               score double precision, weight double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT x.code, x.normalisation, x.winsor_lower, x.winsor_upper
        FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(comuna_lag_scores.methodology))
    ), mv AS MATERIALIZED (
        SELECT w.variable, w.dimension, w.polarity, w.variable_weight AS weight,
               v.goalpost_min, v.goalpost_max
        FROM rezago.methodology_weights(comuna_lag_scores.methodology) w
        JOIN rezago.methodology_variable v
          ON v.methodology = comuna_lag_scores.methodology AND v.variable = w.variable
    ), obs AS NOT MATERIALIZED (
        SELECT o.cut, o.variable, o.value, mv.dimension, mv.polarity, mv.weight,
               mv.goalpost_min, mv.goalpost_max
        FROM rezago.observation o JOIN mv ON mv.variable = o.variable
        WHERE o.period = comuna_lag_scores.period AND o.value IS NOT NULL
    ), lim AS MATERIALIZED (
        -- winsorisation limits; the sort only runs when the methodology asks for it
        SELECT obs.variable,
               percentile_cont((SELECT m.winsor_lower FROM m)) WITHIN GROUP (ORDER BY obs.value) AS lo,
               percentile_cont((SELECT m.winsor_upper FROM m)) WITHIN GROUP (ORDER BY obs.value) AS hi
        FROM obs
        WHERE (SELECT m.winsor_lower IS NOT NULL OR m.winsor_upper IS NOT NULL FROM m)
        GROUP BY obs.variable
    ), x AS NOT MATERIALIZED (
        SELECT obs.*, LEAST(GREATEST(obs.value, lim.lo), lim.hi) AS xv
        FROM obs LEFT JOIN lim ON lim.variable = obs.variable
    ), st AS MATERIALIZED (
        -- moments for zscore only, as canonical sums over values scaled by a
        -- power of two (rezago.canonical_avg), so that huge values cannot
        -- overflow them and row order cannot change them
        SELECT x.variable, min(x.xv) AS lo, max(x.xv) AS hi,
               rezago.canonical_avg(x.xv) FILTER (WHERE (SELECT m.normalisation = 'zscore' FROM m)) AS mean,
               coalesce(rezago.canonical_stddev_samp(x.xv)
                            FILTER (WHERE (SELECT m.normalisation = 'zscore' FROM m)), 0) AS sd
        FROM x
        WHERE (SELECT m.normalisation <> 'rank' FROM m)
        GROUP BY x.variable
    ), rk AS MATERIALIZED (
        SELECT x.cut, x.variable,
               percent_rank() OVER (PARTITION BY x.variable ORDER BY x.polarity * x.xv DESC) AS pr
        FROM x
        WHERE (SELECT m.normalisation = 'rank' FROM m)
    )
    SELECT x.cut, x.variable, x.dimension, x.value,
           CASE (SELECT m.normalisation FROM m)
               WHEN 'minmax'   THEN rezago.lag_score(x.xv, st.lo, st.hi, x.polarity)
               WHEN 'goalpost' THEN rezago.lag_score(x.xv, x.goalpost_min, x.goalpost_max, x.polarity)
               WHEN 'zscore'   THEN rezago.lag_score_zscore(x.xv, st.mean, st.sd, x.polarity)
               WHEN 'rank'     THEN rk.pr
           END,
           x.weight
    FROM x
    LEFT JOIN st ON st.variable = x.variable
    LEFT JOIN rk ON rk.cut = x.cut AND rk.variable = x.variable
    WHERE (SELECT rezago.require_methodology(comuna_lag_scores.methodology)) IS NOT NULL;
END;

-- import_comunas: NULL source or key columns are errors (before, a NULL
-- source read a table named s); a geometry in an SRID PostGIS does not know,
-- or one that collapses to nothing when made valid, is a bad row (before: an
-- internal PostGIS error, or an empty boundary stored); any other PostGIS
-- failure while converting is reported as 22000 with its message.  The
-- PostGIS schema name is quoted once (regnamespace::text already quotes).
CREATE OR REPLACE FUNCTION rezago.import_comunas(source regclass,
    cut_column text DEFAULT 'cut', name_column text DEFAULT 'name',
    provincia_column text DEFAULT 'provincia', region_column text DEFAULT 'region',
    geom_column text DEFAULT 'geom')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    postgis_schema text;
    problems text;
    n_bad bigint;
    skipped text;
    n bigint;
    msg text;
BEGIN
    IF source IS NULL OR cut_column IS NULL OR name_column IS NULL THEN
        RAISE EXCEPTION 'import_comunas: % must not be NULL',
            CASE WHEN source IS NULL THEN 'source' WHEN cut_column IS NULL THEN 'cut_column' ELSE 'name_column' END
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'The source table, its code column and its name column are required; provincia, region and geometry columns are optional.',
                  HINT = 'Call rezago.import_comunas(''my_table'', cut_column => ..., name_column => ...); pass NULL only for provincia_column, region_column or geom_column.';
    END IF;
    IF '' IN (cut_column, name_column, coalesce(provincia_column, '-'), coalesce(region_column, '-'),
              coalesce(geom_column, '-')) THEN
        RAISE EXCEPTION 'import_comunas: a column name is empty'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Columns given: cut %L, name %L, provincia %L, region %L, geometry %L.',
                      cut_column, name_column, provincia_column, region_column, geom_column),
                  HINT = 'Name each column of the source, or pass NULL for one it does not have.';
    END IF;
    SELECT n.nspname INTO postgis_schema
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'postgis';
    IF pg_catalog.to_regclass('pg_temp.rezago_import_comunas') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_import_comunas;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format(
            'CREATE TEMP TABLE rezago_import_comunas ON COMMIT DROP AS
             SELECT pg_catalog.row_number() OVER () AS row_no, s.%I::text AS cut_t, s.%I::text AS name,
                    %s AS provincia, %s AS region, %s AS geom_in
             FROM %s s',
            cut_column, name_column,
            CASE WHEN provincia_column IS NULL THEN 'NULL::text' ELSE pg_catalog.format('s.%I::text', provincia_column) END,
            CASE WHEN region_column IS NULL THEN 'NULL::text' ELSE pg_catalog.format('s.%I::text', region_column) END,
            CASE WHEN geom_column IS NULL THEN pg_catalog.format('NULL::%I.geometry', postgis_schema)
                 ELSE pg_catalog.format('s.%I::%I.geometry', geom_column, postgis_schema) END,
            source);
    EXCEPTION WHEN undefined_column THEN
        RAISE EXCEPTION 'source % lacks a column named in the call', source
            USING ERRCODE = 'undefined_column', DETAIL = SQLERRM,
                  HINT = 'Name the source''s columns: rezago.import_comunas(source, cut_column => ..., name_column => ..., geom_column => ...); pass NULL for a column the source does not have.';
    END;
    ALTER TABLE pg_temp.rezago_import_comunas ADD COLUMN cut integer;
    UPDATE pg_temp.rezago_import_comunas r
       SET cut = CASE WHEN r.cut_t ~ '^\s*[0-9]{1,9}\s*$' THEN r.cut_t::integer END;

    -- code 0 and similar polygons ("Zona sin demarcar") are not comunas
    SELECT pg_catalog.string_agg(pg_catalog.format('row %s (%s)', r.row_no, coalesce(r.name, 'no name')), ', ' ORDER BY r.row_no)
      INTO skipped FROM pg_temp.rezago_import_comunas r WHERE r.cut = 0;
    IF skipped IS NOT NULL THEN
        RAISE NOTICE 'import_comunas: skipped features with code 0, which are not comunas: %', skipped;
        DELETE FROM pg_temp.rezago_import_comunas r WHERE r.cut = 0;
    END IF;

    EXECUTE pg_catalog.format($q$
        WITH bad AS (
            SELECT r.row_no, 'cut' AS col,
                   CASE WHEN r.cut_t IS NULL THEN 'is NULL'
                        ELSE pg_catalog.format('%%L is not a CUT code', r.cut_t) END AS reason
            FROM pg_temp.rezago_import_comunas r WHERE r.cut IS NULL
            UNION ALL
            SELECT r.row_no, 'name', 'is empty'
            FROM pg_temp.rezago_import_comunas r WHERE coalesce(pg_catalog.btrim(r.name), '') = ''
            UNION ALL
            SELECT d.row_no, 'cut', pg_catalog.format('duplicate of row %%s (CUT %%s)', d.first_row, d.cut)
            FROM (SELECT r.row_no, r.cut, pg_catalog.min(r.row_no) OVER (PARTITION BY r.cut) AS first_row
                  FROM pg_temp.rezago_import_comunas r WHERE r.cut IS NOT NULL) d
            WHERE d.row_no > d.first_row
            UNION ALL
            SELECT r.row_no, 'geom',
                   CASE WHEN %1$I.st_srid(r.geom_in) = 0 THEN 'has no SRID (0)'
                        WHEN NOT EXISTS (SELECT 1 FROM %1$I.spatial_ref_sys s WHERE s.srid = %1$I.st_srid(r.geom_in))
                            THEN pg_catalog.format('has SRID %%s, which is not in spatial_ref_sys', %1$I.st_srid(r.geom_in))
                        WHEN %1$I.st_isempty(r.geom_in) THEN 'is empty'
                        ELSE pg_catalog.format('is a %%s, not a polygon', %1$I.geometrytype(r.geom_in)) END
            FROM pg_temp.rezago_import_comunas r
            WHERE r.geom_in IS NOT NULL
              AND (%1$I.st_srid(r.geom_in) = 0 OR %1$I.st_isempty(r.geom_in)
                   OR NOT EXISTS (SELECT 1 FROM %1$I.spatial_ref_sys s WHERE s.srid = %1$I.st_srid(r.geom_in))
                   OR %1$I.geometrytype(r.geom_in) NOT IN ('POLYGON', 'MULTIPOLYGON'))
        )
        SELECT pg_catalog.string_agg(pg_catalog.format('row %%s, column %%s: %%s', b.row_no, b.col, b.reason),
                                     E'\n' ORDER BY b.row_no, b.col), pg_catalog.count(*)
        FROM bad b$q$, postgis_schema)
    INTO problems, n_bad;
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'import_comunas: % problem(s) in %, nothing was loaded', n_bad, source
            USING ERRCODE = 'data_exception', DETAIL = problems,
                  HINT = 'Fix the listed rows; give geometries an SRID with ST_SetSRID (GeoJSON and the BCN file are 4326).';
    END IF;

    -- boundaries: to 4326, made valid, polygons only
    BEGIN
        EXECUTE pg_catalog.format($q$
            ALTER TABLE pg_temp.rezago_import_comunas ADD COLUMN geom %1$I.geometry(MultiPolygon, 4326);
            UPDATE pg_temp.rezago_import_comunas r SET geom =
                %1$I.st_multi(%1$I.st_collectionextract(%1$I.st_makevalid(
                    %1$I.st_transform(r.geom_in, 4326)), 3))::%1$I.geometry(MultiPolygon, 4326)
            WHERE r.geom_in IS NOT NULL$q$, postgis_schema);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        RAISE EXCEPTION 'import_comunas: a geometry of % could not be made a valid multipolygon in SRID 4326, nothing was loaded', source
            USING ERRCODE = 'data_exception', DETAIL = pg_catalog.format('PostGIS reported: %s.', msg),
                  HINT = 'Check the geometries of the source with ST_IsValidReason and ST_SRID, and their coordinates against their SRID.';
    END;
    EXECUTE pg_catalog.format($q$
        SELECT pg_catalog.string_agg(pg_catalog.format('row %%s (CUT %%s): the %%s has no area once made valid',
                   r.row_no, r.cut, pg_catalog.lower(%1$I.geometrytype(r.geom_in))), E'\n' ORDER BY r.row_no),
               pg_catalog.count(*)
        FROM pg_temp.rezago_import_comunas r
        WHERE r.geom_in IS NOT NULL AND %1$I.st_isempty(r.geom)$q$, postgis_schema)
    INTO problems, n_bad;
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'import_comunas: % geometry(ies) in % collapse when made valid, nothing was loaded', n_bad, source
            USING ERRCODE = 'data_exception', DETAIL = problems,
                  HINT = 'A degenerate polygon (all its points on a line) is not a boundary: fix it, or load the comuna without a geometry (NULL).';
    END IF;

    INSERT INTO rezago.comuna AS c (cut, name, provincia_code, provincia, region_code, region, geom)
    SELECT r.cut, pg_catalog.btrim(r.name), r.cut / 100, r.provincia, r.cut / 1000, r.region, r.geom
    FROM pg_temp.rezago_import_comunas r
    ON CONFLICT (cut) DO UPDATE SET name = EXCLUDED.name,
        provincia_code = EXCLUDED.provincia_code, provincia = coalesce(EXCLUDED.provincia, c.provincia),
        region_code = EXCLUDED.region_code, region = coalesce(EXCLUDED.region, c.region),
        geom = coalesce(EXCLUDED.geom, c.geom);
    GET DIAGNOSTICS n = ROW_COUNT;
    DROP TABLE pg_temp.rezago_import_comunas;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_comunas(regclass, text, text, text, text, text) IS
'Loads or updates comunas from a table (e.g. loaded with shp2pgsql or ogr2ogr), naming its columns; pass NULL for a column the source lacks (provincia, region, geometry). Skips code 0 ("Zona sin demarcar") with a notice; geometries are transformed to 4326 and made valid multipolygons. All rows or none: one error (22000) lists every bad row (bad or duplicate code, empty name, geometry without SRID or in an SRID unknown to spatial_ref_sys, empty, not a polygon, or collapsing when made valid). NULL source, cut_column or name_column: error 22004. Returns the rows written.';

-- import_comunas_geojson: a feature whose geometry PostGIS cannot read (no
-- coordinates, an unknown type) is reported with its number, as 22000,
-- instead of PostGIS's internal error.
CREATE OR REPLACE FUNCTION rezago.import_comunas_geojson(collection jsonb,
    cut_property text DEFAULT 'cod_comuna', name_property text DEFAULT 'Comuna',
    provincia_property text DEFAULT 'Provincia', region_property text DEFAULT 'Region')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    postgis_schema text;
    n bigint;
    f record;
    problems text;
    n_bad bigint := 0;
    msg text;
BEGIN
    IF collection IS NULL OR collection->>'type' IS DISTINCT FROM 'FeatureCollection'
       OR pg_catalog.jsonb_typeof(collection->'features') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'import_comunas_geojson expects a GeoJSON FeatureCollection'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The document''s type is %s.', coalesce(collection->>'type', 'missing')),
                  HINT = 'Pass the whole file, e.g. in psql: \set doc `cat comunas_bcn.geojson` then SELECT rezago.import_comunas_geojson(:''doc''::jsonb).';
    END IF;
    SELECT n.nspname INTO postgis_schema
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'postgis';
    IF pg_catalog.to_regclass('pg_temp.rezago_geojson_features') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_geojson_features;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format($q$
            CREATE TEMP TABLE rezago_geojson_features ON COMMIT DROP AS
            SELECT f.ord, f.feature->'properties'->>%L AS cut, f.feature->'properties'->>%L AS name,
                   f.feature->'properties'->>%L AS provincia, f.feature->'properties'->>%L AS region,
                   CASE WHEN f.feature ? 'geometry' AND pg_catalog.jsonb_typeof(f.feature->'geometry') = 'object'
                        THEN %I.st_setsrid(%I.st_geomfromgeojson(f.feature->>'geometry'), 4326) END AS geom
            FROM pg_catalog.jsonb_array_elements($1->'features') WITH ORDINALITY AS f(feature, ord)
            ORDER BY f.ord$q$,
            cut_property, name_property, provincia_property, region_property, postgis_schema, postgis_schema)
        USING collection;
    EXCEPTION WHEN OTHERS THEN
        -- find every feature PostGIS cannot read, and say why
        FOR f IN SELECT x.feature, x.ord
                 FROM pg_catalog.jsonb_array_elements(collection->'features') WITH ORDINALITY AS x(feature, ord)
                 WHERE pg_catalog.jsonb_typeof(x.feature->'geometry') = 'object'
        LOOP
            BEGIN
                EXECUTE pg_catalog.format('SELECT %I.st_geomfromgeojson($1)', postgis_schema) USING f.feature->>'geometry';
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                n_bad := n_bad + 1;
                problems := pg_catalog.concat_ws(E'\n', problems, pg_catalog.format('feature %s: %s', f.ord, msg));
            END;
        END LOOP;
        IF problems IS NULL THEN
            RAISE;
        END IF;
        RAISE EXCEPTION 'import_comunas_geojson: % feature(s) have a geometry PostGIS cannot read, nothing was loaded', n_bad
            USING ERRCODE = 'data_exception', DETAIL = problems,
                  HINT = 'Each geometry must be a GeoJSON Polygon or MultiPolygon with coordinates; use "geometry": null for a comuna without a boundary.';
    END;
    n := rezago.import_comunas('pg_temp.rezago_geojson_features'::regclass);
    DROP TABLE pg_temp.rezago_geojson_features;
    RETURN n;
END
$$;

-- Writers, grant helpers and triggers: no EXECUTE for PUBLIC (see top).
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
