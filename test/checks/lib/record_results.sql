-- Results of every reading function of the extension, found in pg_proc, so
-- that functions added later are recorded too: each non-volatile function
-- whose arguments are all periods (integer) or methodology codes (text) is
-- called for every period with data (plus 1900, unknown) and every
-- methodology; a function without arguments once.  One line per call:
--   function|arguments|rows|md5 of the rows (or the SQLSTATE of its error)
-- then one line per extension table: table|rows|md5.  Floats print exactly
-- (extra_float_digits = 1), so equal lines mean identical results.
SET extra_float_digits = 1;
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.record_results() RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    f record;
    args text;
    n bigint;
    digest text;
BEGIN
    FOR f IN
        SELECT p.oid, p.oid::regprocedure::text AS identity, p.proname,
               ARRAY(SELECT unnest(p.proargtypes::regtype[])) AS types   -- 1-based
        FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
          AND p.prokind = 'f' AND p.provolatile <> 'v'
          AND p.proargtypes::regtype[] <@ ARRAY['integer', 'text']::regtype[]
        ORDER BY 2
    LOOP
        FOR args IN
            -- every combination of periods and methodologies for the argument list
            WITH RECURSIVE a(n, list) AS (
                SELECT 0, ARRAY[]::text[]
                UNION ALL
                SELECT a.n + 1, a.list || v.lit
                FROM a CROSS JOIN LATERAL (
                    SELECT x.lit FROM (
                        SELECT p::text AS lit FROM (SELECT DISTINCT o.period FROM rezago.observation o
                                                    UNION SELECT 1900) q(p)
                        WHERE f.types[a.n + 1] = 'integer'::regtype
                        UNION ALL
                        SELECT quote_literal(m.code) FROM rezago.methodology m
                        WHERE f.types[a.n + 1] = 'text'::regtype) x) v
                WHERE a.n < cardinality(f.types))
            SELECT array_to_string(list, ', ') FROM a WHERE a.n = cardinality(f.types)
        LOOP
            BEGIN
                EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, E''\n'' ORDER BY x::text), '''')) FROM %s(%s) x',
                               f.oid::regproc, args) INTO n, digest;
            EXCEPTION WHEN OTHERS THEN
                n := -1;
                digest := 'error ' || SQLSTATE;
            END;
            RETURN NEXT format('%s|%s|%s|%s', f.proname, args, n, digest);
        END LOOP;
    END LOOP;
    FOR f IN
        SELECT c.oid::regclass AS tbl FROM pg_class c
        JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND c.relkind = 'r'
          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
    LOOP
        EXECUTE format('SELECT count(*), md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM %s t', f.tbl)
            INTO n, digest;
        RETURN NEXT format('table %s|%s|%s', f.tbl, n, digest);
    END LOOP;
END
$$;
SELECT * FROM pg_temp.record_results();
