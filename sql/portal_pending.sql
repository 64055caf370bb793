-- The pending portal views of sql/pending/70_portal_status_views.sql (gaps,
-- exit, entry, programme status, contiguity) compile and are documented.
-- Until issues 3 and 4 land, stand-ins with the announced signatures replace
-- their functions (created here, rolled back); once the real functions exist
-- the same checks run against them, so a changed signature shows up here.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\i test/load/portal_hand.sql
DO $$
BEGIN
    IF to_regprocedure('rezago.territory_gaps(integer, text)') IS NULL THEN
        CREATE FUNCTION rezago.territory_gaps(period integer, methodology text DEFAULT 'ufro2017')
        RETURNS TABLE (territory text, variable text, value double precision, threshold double precision,
                       gap double precision, overcome boolean)
        LANGUAGE sql STABLE
        AS 'SELECT x.territory, x.variable, x.value, x.threshold, x.gap, x.overcome
            FROM rezago.territory_contributions($1, $2) x';
    END IF;
    IF to_regprocedure('rezago.territory_exit(integer, text)') IS NULL THEN
        CREATE FUNCTION rezago.territory_exit(period integer, methodology text DEFAULT 'ufro2017')
        RETURNS TABLE (territory text, evaluated integer, overcome integer, share double precision, stage text)
        LANGUAGE sql STABLE
        AS 'SELECT g.territory, count(g.gap)::int, count(*) FILTER (WHERE g.overcome)::int,
                   count(*) FILTER (WHERE g.overcome)::float8 / nullif(count(g.gap), 0), ''lagging''
            FROM rezago.territory_gaps($1, $2) g GROUP BY g.territory';
    END IF;
    IF to_regprocedure('rezago.territory_entry(integer, text)') IS NULL THEN
        CREATE FUNCTION rezago.territory_entry(period integer, methodology text DEFAULT 'ufro2017')
        RETURNS TABLE (territory text, e1_national boolean, e2_regional boolean, e3_isolation boolean,
                       criteria_met integer, eligible boolean)
        LANGUAGE sql STABLE
        AS 'SELECT t.code, NULL::boolean, NULL::boolean, NULL::boolean, 0, NULL::boolean FROM rezago.territory t';
    END IF;
    IF to_regprocedure('rezago.programme_status(integer, text)') IS NULL THEN
        CREATE FUNCTION rezago.programme_status(period integer, methodology text DEFAULT 'ufro2017')
        RETURNS TABLE (territory text, status text)
        LANGUAGE sql STABLE
        AS 'SELECT t.code, ''candidate'' FROM rezago.territory t';
    END IF;
    IF to_regprocedure('rezago.territory_contiguity(double precision)') IS NULL THEN
        CREATE FUNCTION rezago.territory_contiguity(tolerance_m double precision DEFAULT 0)
        RETURNS TABLE (territory text, members integer, components integer, contiguous boolean, detail text)
        LANGUAGE sql STABLE
        AS 'SELECT tm.territory, count(*)::int, 1, true, NULL::text FROM rezago.territory_member tm GROUP BY tm.territory';
    END IF;
    IF to_regclass('rezago.status_label') IS NULL THEN
        CREATE TABLE rezago.status_label (code text PRIMARY KEY, label text NOT NULL);
        INSERT INTO rezago.status_label VALUES ('lagging', 'Rezagado'), ('candidate', 'Candidato');
    END IF;
END
$$;
\i sql/pending/70_portal_status_views.sql
SET LOCAL rezago.default_methodology = 'toy';

-- every pending view reads, with one row per territory (and variable) and period
SELECT 'v_territory_gaps' AS view, count(*) AS rows, count(DISTINCT territory) AS territories FROM rezago.v_territory_gaps
UNION ALL SELECT 'v_territory_exit', count(*), count(DISTINCT territory) FROM rezago.v_territory_exit
UNION ALL SELECT 'v_territory_entry', count(*), count(DISTINCT territory) FROM rezago.v_territory_entry
UNION ALL SELECT 'v_programme_status', count(*), count(DISTINCT territory) FROM rezago.v_programme_status
UNION ALL SELECT 'v_territory_contiguity', count(*), count(DISTINCT territory) FROM rezago.v_territory_contiguity;
-- the gaps are those of the explanations (both follow METHOD.md section 4)
SELECT count(*) AS gaps_differing
FROM rezago.v_territory_gaps g JOIN rezago.v_territory_explanation e USING (period, territory, variable)
WHERE g.gap IS DISTINCT FROM e.gap OR g.threshold IS DISTINCT FROM e.threshold OR g.value IS DISTINCT FROM e.value;

-- columns and their comments
SELECT c.table_name, c.ordinal_position AS pos, c.column_name,
       col_description(('rezago.' || c.table_name)::regclass, c.ordinal_position) IS NOT NULL AS commented
FROM information_schema.columns c
WHERE c.table_schema = 'rezago' AND c.table_name IN ('v_territory_gaps', 'v_territory_exit', 'v_territory_entry',
      'v_programme_status', 'v_territory_contiguity')
ORDER BY c.table_name, c.ordinal_position;
SELECT c.relname AS view, obj_description(c.oid, 'pg_class') IS NOT NULL AS commented,
       'security_invoker=true' = ANY (c.reloptions) AS security_invoker
FROM pg_class c
WHERE c.relnamespace = 'rezago'::regnamespace AND c.relname IN ('v_territory_gaps', 'v_territory_exit',
      'v_territory_entry', 'v_programme_status', 'v_territory_contiguity')
ORDER BY 1;
ROLLBACK;
