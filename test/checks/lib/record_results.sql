-- Results of every reading function of the extension, found in pg_proc, so
-- that functions added later are recorded too: each non-volatile function
-- whose arguments without a default are all named period (integer) or
-- methodology (text) is called for every period with data (plus 1900,
-- unknown) and every methodology, other arguments left at their defaults;
-- then the calls listed in record_calls.sql (functions with other required
-- arguments, other seeds and options, and the aggregates on the table rows),
-- then every view and materialised view of the extension.
-- One line per call:  function|arguments|rows|md5 of the rows (or the
-- SQLSTATE of its error), views as "view NAME||rows|md5", aggregates as
-- "aggregate NAME|what|rows|md5", then one line per extension table:
-- table|rows|md5.
-- Floats print exactly (extra_float_digits = 3; any value above 0 gives the
-- shortest exact form since PostgreSQL 12), so equal lines mean identical
-- results.  Geometries are compared by their normalised shape
-- (ST_Normalize, 1e-9 degree grid), since a union computed in another order
-- lists the same boundary from another vertex; timestamps (when a cache was
-- refreshed) are left out.  Tables are analysed first.
--
-- psql variables:
--   -v detail=on    one line per result row instead of a digest per call:
--                   function|arguments|row (or function|arguments|error
--                   SQLSTATE); upgrade.sh compares the rows with a float
--                   tolerance
--   -v plan=NAME    serial (default: no parallel workers, no JIT, so that
--                   two databases sum in the same order), parallel or jit:
--                   see plan_settings.sql (JIT is switched on for the
--                   recorded calls only, not for this script's catalogue
--                   queries)
--   -v allow_missing_calls=on
--                   skip the calls of lib/record_calls.sql whose function
--                   does not exist (upgrade.sh's deltas that forget one);
--                   otherwise that is an error in the version being built
--   -v only=REGEX   only the lines whose "function|arguments" (or "view
--                   NAME|", "aggregate NAME|what", "table NAME") matches
--   -v skip=REGEX   not the lines whose "function|arguments" (...) matches
--   -v trace=on     a WARNING "record_results call: function|arguments"
--                   before each call (to attribute auto_explain's plans)
SET client_min_messages = warning;
SET extra_float_digits = 3;
\ir plan_settings.sql
SELECT pg_catalog.set_config('record_results.call_jit', pg_catalog.current_setting('jit'), false) \gset
SET jit = off;
\if :{?detail}
SELECT pg_catalog.set_config('record_results.detail', :'detail', false) \gset
\else
SELECT pg_catalog.set_config('record_results.detail', 'off', false) \gset
\endif
\if :{?only}
SELECT pg_catalog.set_config('record_results.only', :'only', false) \gset
\else
SELECT pg_catalog.set_config('record_results.only', '', false) \gset
\endif
\if :{?skip}
SELECT pg_catalog.set_config('record_results.skip', :'skip', false) \gset
\else
SELECT pg_catalog.set_config('record_results.skip', '', false) \gset
\endif
\if :{?trace}
SELECT pg_catalog.set_config('record_results.trace', :'trace', false) \gset
\else
SELECT pg_catalog.set_config('record_results.trace', 'off', false) \gset
\endif
ANALYZE;
\ir record_calls.sql
-- a select list for the columns (name, type) of alias a, geometries normalised
CREATE FUNCTION pg_temp.select_list(cols text[], types regtype[]) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(CASE WHEN t = 'geometry'::regtype
                                    THEN format('ST_AsText(ST_Normalize(ST_SnapToGrid(a.%I, 1e-9)))', c)
                                    ELSE format('a.%I', c) END, ', ' ORDER BY n), 'a.*')
    FROM unnest(cols, types) WITH ORDINALITY u(c, t, n)
    WHERE t NOT IN ('timestamp with time zone'::regtype, 'timestamp without time zone'::regtype)
$$;
-- whether a line is recorded (psql variables only and skip)
CREATE FUNCTION pg_temp.wanted(line text) RETURNS boolean
LANGUAGE sql AS $$
    SELECT (pg_catalog.current_setting('record_results.only') = '' OR line ~ pg_catalog.current_setting('record_results.only'))
       AND (pg_catalog.current_setting('record_results.skip') = '' OR line !~ pg_catalog.current_setting('record_results.skip'))
$$;
-- the line(s) of one call: name|args|rows|md5 (or name|args|row per row with
-- detail), name|args|-1|error SQLSTATE (name|args|error SQLSTATE) when it fails
CREATE FUNCTION pg_temp.record_rows(name text, args text, query text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    digest text;
    failed text;
    detail boolean := pg_catalog.current_setting('record_results.detail') = 'on';
BEGIN
    IF NOT pg_temp.wanted(name || '|' || args) THEN
        RETURN;
    END IF;
    IF pg_catalog.current_setting('record_results.trace') = 'on' THEN
        RAISE WARNING 'record_results call: %|%', name, args;
    END IF;
    PERFORM pg_catalog.set_config('jit', pg_catalog.current_setting('record_results.call_jit'), false);
    BEGIN
        IF detail THEN
            RETURN QUERY EXECUTE format('SELECT %L || ''|'' || %L || ''|'' || r::text FROM (%s) r', name, args, query);
        ELSE
            EXECUTE format('SELECT count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) FROM (%s) r',
                           query) INTO n, digest;
        END IF;
    EXCEPTION WHEN OTHERS THEN
        failed := SQLSTATE;
    END;
    PERFORM pg_catalog.set_config('jit', 'off', false);
    IF failed IS NOT NULL THEN
        RETURN NEXT CASE WHEN detail THEN format('%s|%s|error %s', name, args, failed)
                         ELSE format('%s|%s|-1|error %s', name, args, failed) END;
    ELSIF NOT detail THEN
        RETURN NEXT format('%s|%s|%s|%s', name, args, n, digest);
    END IF;
END
$$;
CREATE FUNCTION pg_temp.record_results() RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    f record;
    fixed text;
    vary text[];
    args text;
    n bigint;
    digest text;
BEGIN
    FOR f IN
        SELECT p.oid, p.proname,
               -- the arguments to vary: those named period or methodology
               ARRAY(SELECT a.name FROM unnest(p.proargnames[1:p.pronargs], ARRAY(SELECT unnest(p.proargtypes::regtype[])))
                                        WITH ORDINALITY a(name, type, i)
                     WHERE (a.name, a.type) IN (('period', 'integer'::regtype), ('methodology', 'text'::regtype))
                     ORDER BY a.i) AS vary,
               CASE WHEN p.proallargtypes IS NULL THEN NULL
                    ELSE ARRAY(SELECT o.name FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY o(name, mode, i)
                               WHERE o.mode IN ('o', 't') ORDER BY o.i) END AS out_names,
               CASE WHEN p.proallargtypes IS NULL THEN NULL
                    ELSE ARRAY(SELECT o.type FROM unnest(p.proallargtypes::regtype[], p.proargmodes) WITH ORDINALITY o(type, mode, i)
                               WHERE o.mode IN ('o', 't') ORDER BY o.i) END AS out_types,
               -- called automatically: every argument without a default is a period or a methodology
               NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proargnames[1:p.pronargs], array_fill(''::text, ARRAY[p.pronargs])),
                                                ARRAY(SELECT unnest(p.proargtypes::regtype[])))
                                         WITH ORDINALITY a(name, type, i)
                           WHERE a.i <= p.pronargs - p.pronargdefaults
                             AND (a.name, a.type) NOT IN (('period', 'integer'::regtype), ('methodology', 'text'::regtype)))
                   AS automatic
        FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
          AND p.prokind = 'f' AND p.provolatile <> 'v'
          AND NOT 'internal'::regtype = ANY (p.proargtypes::regtype[])
        ORDER BY p.oid::regprocedure::text
    LOOP
        -- the automatic call (other arguments at their defaults), then the listed ones
        FOR fixed IN
            SELECT x.a FROM (SELECT '' AS a, 0 AS k WHERE f.automatic
                             UNION ALL
                             SELECT e.args, 1 FROM pg_temp.extra_calls e WHERE e.fn = f.oid) x
            ORDER BY x.k, x.a
        LOOP
            -- period and methodology vary unless the listed call gives them
            vary := ARRAY(SELECT v FROM unnest(f.vary) WITH ORDINALITY u(v, i)
                          WHERE fixed !~ ('(^|, )' || v || ' =>') ORDER BY i);
            FOR args IN
                WITH RECURSIVE a(n, list) AS (
                    SELECT 0, ARRAY[]::text[]
                    UNION ALL
                    SELECT a.n + 1, a.list || ((vary[a.n + 1] || ' => ' || v.lit) COLLATE "default")
                    FROM a CROSS JOIN LATERAL (
                        SELECT x.lit FROM (
                            SELECT p::text AS lit FROM (SELECT DISTINCT o.period FROM rezago.observation o
                                                        UNION SELECT 1900) q(p)
                            WHERE vary[a.n + 1] = 'period'
                            UNION ALL
                            SELECT quote_literal(m.code) FROM rezago.methodology m
                            WHERE vary[a.n + 1] = 'methodology') x) v
                    WHERE a.n < cardinality(vary))
                SELECT concat_ws(', ', nullif(fixed, ''), nullif(array_to_string(list, ', '), ''))
                FROM a WHERE a.n = cardinality(vary)
            LOOP
                RETURN QUERY SELECT * FROM pg_temp.record_rows(f.proname, args,
                    format('SELECT %s FROM %s(%s) a',
                           CASE WHEN f.out_names IS NULL THEN 'a' ELSE pg_temp.select_list(f.out_names, f.out_types) END,
                           f.oid::regproc, args));
            END LOOP;
        END LOOP;
    END LOOP;
    -- the aggregates, on the rows as they lie in the tables
    FOR f IN SELECT q.needs::regproc AS agg, q.label, q.query FROM pg_temp.extra_queries q ORDER BY q.label LOOP
        RETURN QUERY SELECT * FROM pg_temp.record_rows('aggregate ' || f.agg, f.label, f.query);
    END LOOP;
    -- views and materialised views (one that was never refreshed: error 55000)
    FOR f IN
        SELECT c.oid::regclass AS rel, c.relkind,
               ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                     AND NOT a.attisdropped ORDER BY a.attnum) AS cols,
               ARRAY(SELECT a.atttypid::regtype FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                     AND NOT a.attisdropped ORDER BY a.attnum) AS types
        FROM pg_class c
        JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND c.relkind IN ('v', 'm')
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
        ORDER BY c.oid::regclass::text
    LOOP
        RETURN QUERY SELECT * FROM pg_temp.record_rows(
            CASE f.relkind WHEN 'v' THEN 'view ' ELSE 'materialized view ' END || f.rel, '',
            format('SELECT %s FROM %s a', pg_temp.select_list(f.cols, f.types), f.rel));
    END LOOP;
    FOR f IN
        SELECT c.oid::regclass AS tbl,
               ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                     AND NOT a.attisdropped ORDER BY a.attnum) AS cols,
               ARRAY(SELECT a.atttypid::regtype FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                     AND NOT a.attisdropped ORDER BY a.attnum) AS types
        FROM pg_class c
        JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND c.relkind = 'r'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
    LOOP
        CONTINUE WHEN NOT pg_temp.wanted('table ' || f.tbl);
        EXECUTE format('SELECT count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) FROM (SELECT %s FROM %s a) r',
                       pg_temp.select_list(f.cols, f.types), f.tbl)
            INTO n, digest;
        RETURN NEXT format('table %s|%s|%s', f.tbl, n, digest);
    END LOOP;
END
$$;
SELECT * FROM pg_temp.record_results();
