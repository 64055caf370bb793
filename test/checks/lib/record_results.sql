-- Results of every reading function of the extension, found in pg_proc, so
-- that functions added later are recorded too: each non-volatile function
-- whose arguments without a default are all named period (integer) or
-- methodology (text) is called for every period with data (plus 1900,
-- unknown) and every methodology, other arguments left at their defaults.
-- One line per call:  function|arguments|rows|md5 of the rows (or the
-- SQLSTATE of its error), then one line per extension table: table|rows|md5.
-- With psql -v detail=on, one line per row of each call instead:
-- function|arguments|row (or function|arguments|error SQLSTATE).
-- Floats print exactly (extra_float_digits = 1), so equal lines mean
-- identical results.  Geometries are compared by their normalised shape
-- (ST_Normalize, 1e-9 degree grid), since a union computed in another order
-- lists the same boundary from another vertex; timestamps (when a cache was
-- refreshed) are left out.  Tables are analysed first
-- and plans kept serial, so that both databases sum in the same order.
SET extra_float_digits = 1;
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
-- psql -v detail=on: one line per result row instead of a digest per call
-- (upgrade.sh compares the rows with a float tolerance)
\if :{?detail}
SELECT pg_catalog.set_config('record_results.detail', :'detail', false) \gset
\else
SELECT pg_catalog.set_config('record_results.detail', 'off', false) \gset
\endif
ANALYZE;
-- a select list for the columns (name, type) of alias a, geometries normalised
CREATE FUNCTION pg_temp.select_list(cols text[], types regtype[]) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(CASE WHEN t = 'geometry'::regtype
                                    THEN format('ST_AsText(ST_Normalize(ST_SnapToGrid(a.%I, 1e-9)))', c)
                                    ELSE format('a.%I', c) END, ', ' ORDER BY n), 'a.*')
    FROM unnest(cols, types) WITH ORDINALITY u(c, t, n)
    WHERE t NOT IN ('timestamp with time zone'::regtype, 'timestamp without time zone'::regtype)
$$;
CREATE FUNCTION pg_temp.record_results() RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    f record;
    args text;
    n bigint;
    digest text;
BEGIN
    FOR f IN
        SELECT p.oid, p.proname,
               -- the arguments to vary: the ones without a default must all be period or methodology
               ARRAY(SELECT a.name FROM unnest(p.proargnames[1:p.pronargs], ARRAY(SELECT unnest(p.proargtypes::regtype[])))
                                        WITH ORDINALITY a(name, type, i)
                     WHERE (a.name, a.type) IN (('period', 'integer'::regtype), ('methodology', 'text'::regtype))
                     ORDER BY a.i) AS vary,
               CASE WHEN p.proallargtypes IS NULL THEN NULL
                    ELSE ARRAY(SELECT o.name FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY o(name, mode, i)
                               WHERE o.mode IN ('o', 't') ORDER BY o.i) END AS out_names,
               CASE WHEN p.proallargtypes IS NULL THEN NULL
                    ELSE ARRAY(SELECT o.type FROM unnest(p.proallargtypes::regtype[], p.proargmodes) WITH ORDINALITY o(type, mode, i)
                               WHERE o.mode IN ('o', 't') ORDER BY o.i) END AS out_types
        FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
          AND p.prokind = 'f' AND p.provolatile <> 'v'
          AND NOT 'internal'::regtype = ANY (p.proargtypes::regtype[])
          -- every argument without a default is a period or a methodology
          AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proargnames[1:p.pronargs], array_fill(''::text, ARRAY[p.pronargs])),
                                               ARRAY(SELECT unnest(p.proargtypes::regtype[])))
                                        WITH ORDINALITY a(name, type, i)
                          WHERE a.i <= p.pronargs - p.pronargdefaults
                            AND (a.name, a.type) NOT IN (('period', 'integer'::regtype), ('methodology', 'text'::regtype)))
        ORDER BY p.oid::regprocedure::text
    LOOP
        FOR args IN
            WITH RECURSIVE a(n, list) AS (
                SELECT 0, ARRAY[]::text[]
                UNION ALL
                SELECT a.n + 1, a.list || ((f.vary[a.n + 1] || ' => ' || v.lit) COLLATE "default")
                FROM a CROSS JOIN LATERAL (
                    SELECT x.lit FROM (
                        SELECT p::text AS lit FROM (SELECT DISTINCT o.period FROM rezago.observation o
                                                    UNION SELECT 1900) q(p)
                        WHERE f.vary[a.n + 1] = 'period'
                        UNION ALL
                        SELECT quote_literal(m.code) FROM rezago.methodology m
                        WHERE f.vary[a.n + 1] = 'methodology') x) v
                WHERE a.n < cardinality(f.vary))
            SELECT array_to_string(list, ', ') FROM a WHERE a.n = cardinality(f.vary)
        LOOP
            IF pg_catalog.current_setting('record_results.detail') = 'on' THEN
                -- one line per row: function|arguments|row
                BEGIN
                    RETURN QUERY EXECUTE format('SELECT %L || ''|'' || %L || ''|'' || r::text FROM (SELECT %s FROM %s(%s) a) r',
                                   f.proname, args,
                                   CASE WHEN f.out_names IS NULL THEN 'a' ELSE pg_temp.select_list(f.out_names, f.out_types) END,
                                   f.oid::regproc, args);
                EXCEPTION WHEN OTHERS THEN
                    RETURN NEXT format('%s|%s|error %s', f.proname, args, SQLSTATE);
                END;
                CONTINUE;
            END IF;
            BEGIN
                EXECUTE format('SELECT count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) FROM (SELECT %s FROM %s(%s) a) r',
                               CASE WHEN f.out_names IS NULL THEN 'a' ELSE pg_temp.select_list(f.out_names, f.out_types) END,
                               f.oid::regproc, args) INTO n, digest;
            EXCEPTION WHEN OTHERS THEN
                n := -1;
                digest := 'error ' || SQLSTATE;
            END;
            RETURN NEXT format('%s|%s|%s|%s', f.proname, args, n, digest);
        END LOOP;
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
        EXECUTE format('SELECT count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) FROM (SELECT %s FROM %s a) r',
                       pg_temp.select_list(f.cols, f.types), f.tbl)
            INTO n, digest;
        RETURN NEXT format('table %s|%s|%s', f.tbl, n, digest);
    END LOOP;
END
$$;
SELECT * FROM pg_temp.record_results();
