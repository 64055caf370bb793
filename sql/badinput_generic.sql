-- Every function and aggregate of the extension, found in the catalogue (so
-- functions added later are covered without editing this file), called with
-- a palette of bad values for each argument type: NULL, NaN, +-Infinity,
-- huge and tiny magnitudes, zero, negatives, empty strings, unknown codes,
-- empty and malformed arrays and documents.  One argument varies at a time
-- around a valid baseline; every call also runs with all arguments NULL, and
-- every aggregate over empty input.  Each call runs in a subtransaction that
-- is always rolled back.  A crash fails this file (the connection is lost);
-- otherwise it lists every call that breaks the rules:
--   * an error with an internal or unspecific SQLSTATE (XX..., P0001, P0004),
--   * an error without a detail or a hint, or with a capitalised message,
--   * a result that prints NaN or Infinity (never produced silently).
-- A new argument type without a palette is reported too.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
CREATE ROLE rezago_badinput_role;
INSERT INTO rezago.comuna (cut, name) VALUES (101, 'Uno'), (102, 'Dos');
INSERT INTO rezago.observation VALUES (101, 'antenas', 2020, 1), (102, 'antenas', 2020, 3);
INSERT INTO rezago.territory VALUES ('t', 'T');
INSERT INTO rezago.territory_member VALUES ('t', 101), ('t', 102);
CREATE TABLE badinput_obs (cut int, variable text, period int, value float8);
INSERT INTO badinput_obs VALUES (101, 'empresas', 2020, 1), (102, 'empresas', 2020, 2);
CREATE TABLE badinput_comunas (cut int, name text, provincia text, region text, geom geometry);
INSERT INTO badinput_comunas VALUES (103, 'Tres', NULL, NULL, 'SRID=4326;POLYGON((0 0,1 0,1 1,0 0))');

-- the palette: literals of each type, the first one a valid baseline
CREATE TEMP TABLE palette (type regtype, ord int, literal text);
INSERT INTO palette (type, ord, literal) VALUES
  ('double precision', 1, '0.5'), ('double precision', 2, 'NULL'), ('double precision', 3, '''NaN'''),
  ('double precision', 4, '''Infinity'''), ('double precision', 5, '''-Infinity'''),
  ('double precision', 6, '1e308'), ('double precision', 7, '(-1e308)'), ('double precision', 8, '5e-324'),
  ('double precision', 9, '0'), ('double precision', 10, '(-1)'),
  ('integer', 1, '2020'), ('integer', 2, 'NULL'), ('integer', 3, '0'), ('integer', 4, '(-1)'),
  ('integer', 5, '2147483647'), ('integer', 6, '(-2147483648)'),
  ('text', 1, '''ufro2017'''), ('text', 2, 'NULL'), ('text', 3, ''''''), ('text', 4, '''no_such'''),
  ('text', 5, '''Bad Code; DROP TABLE x --'''), ('text', 6, '''reader'''),
  ('text[]', 1, '''{reader}'''), ('text[]', 2, 'NULL'), ('text[]', 3, '''{}'''), ('text[]', 4, '''{bogus,NULL}'''),
  ('boolean', 1, 'true'), ('boolean', 2, 'NULL'), ('boolean', 3, 'false'),
  ('double precision[]', 1, '''{0,0,0,0,0}'''), ('double precision[]', 2, 'NULL'), ('double precision[]', 3, '''{}'''),
  ('double precision[]', 4, '''{1,2}'''), ('double precision[]', 5, '''{NaN,1,1,0,0}'''),
  ('double precision[]', 6, '''{1,1,1e308,0,0}'''), ('double precision[]', 7, '''{{1,1,1,1,1}}'''),
  ('double precision[]', 8, '''{-1,-1,-1,2,-5}'''),
  ('regclass', 1, '''badinput_obs'''), ('regclass', 2, 'NULL'), ('regclass', 3, '''pg_class'''),
  ('regclass', 4, '''badinput_comunas'''), ('regclass', 5, '''rezago.observation'''),
  ('regrole', 1, '''rezago_badinput_role'''), ('regrole', 2, 'NULL'), ('regrole', 3, '''-'''),
  ('jsonb', 1, '''{"type": "FeatureCollection", "features": []}'''), ('jsonb', 2, 'NULL'),
  ('jsonb', 3, '''{}'''), ('jsonb', 4, '''[]'''), ('jsonb', 5, '''null'''),
  ('jsonb', 6, '''{"type": "FeatureCollection", "features": [1, null, {"type": "Feature"}]}'''),
  ('json', 1, '''{}'''), ('json', 2, 'NULL'), ('json', 3, '''null'''), ('json', 4, '''[]'''),
  ('json', 5, '''{"period": "x", "methodology": "no_such"}'''),
  ('date', 1, '''2020-12-31'''), ('date', 2, 'NULL'), ('date', 3, '''infinity'''), ('date', 4, '''-infinity'''),
  ('date', 5, '''0001-01-01'''),
  -- types no routine takes yet, ready for the areas to come
  ('bigint', 1, '1'), ('bigint', 2, 'NULL'), ('bigint', 3, '(-9223372036854775808)'), ('bigint', 4, '0'),
  ('smallint', 1, '1'), ('smallint', 2, 'NULL'), ('smallint', 3, '(-1)'), ('smallint', 4, '0'),
  ('numeric', 1, '0.5'), ('numeric', 2, 'NULL'), ('numeric', 3, '''NaN'''), ('numeric', 4, '(-1)'), ('numeric', 5, '1e300'),
  ('bytea[]', 1, 'ARRAY[''SRID=4326;POLYGON((0 0,1 0,1 1,0 0))''::geometry::bytea, ''SRID=4326;POLYGON((1 0,2 0,2 1,1 0))''::geometry::bytea]'),
  ('bytea[]', 2, 'NULL'), ('bytea[]', 3, '''{}'''), ('bytea[]', 4, '''{NULL,"\\x00"}'''),
  ('bytea[]', 5, 'ARRAY[''SRID=4326;POLYGON((0 0,2 2,2 0,0 2,0 0))''::geometry::bytea, ''SRID=4326;POLYGON EMPTY''::geometry::bytea]'),
  ('integer[]', 1, '''{101,102}'''), ('integer[]', 2, 'NULL'), ('integer[]', 3, '''{}'''), ('integer[]', 4, '''{NULL,101,101}'''),
  ('geometry', 1, '''SRID=4326;POLYGON((0 0,1 0,1 1,0 0))'''), ('geometry', 2, 'NULL'),
  ('geometry', 3, '''SRID=4326;POLYGON EMPTY'''), ('geometry', 4, '''POLYGON((0 0,1 0,1 1,0 0))'''),
  ('geometry', 5, '''SRID=4326;POLYGON((0 0,2 2,2 0,0 2,0 0))'''), ('geometry', 6, '''SRID=3857;POINT(1 1)'''),
  ('jsonb', 7, '''{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"cod_comuna": 104, "Comuna": "x"}, "geometry": {"type": "Polygon"}}]}''');

-- the extension's routines (trigger functions cannot be called directly, nor
-- functions with internal arguments: aggregate support functions)
CREATE TEMP TABLE routine AS
SELECT p.oid, p.oid::regprocedure::text AS identity, p.proname::text AS name, p.prokind,
       p.proargtypes::regtype[] AS argtypes
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
  AND p.prorettype <> 'trigger'::regtype
  AND NOT 'internal'::regtype = ANY (p.proargtypes::regtype[]);

-- argument types without a palette
SELECT DISTINCT t AS type_without_palette
FROM routine r CROSS JOIN LATERAL unnest(r.argtypes) t
WHERE t NOT IN (SELECT type FROM palette);

-- the calls: baseline with one argument varied, plus all NULL
CREATE TEMP TABLE calls AS
WITH arg AS (
    SELECT r.oid, a.n, a.t FROM routine r CROSS JOIN LATERAL unnest(r.argtypes) WITH ORDINALITY a(t, n)
), variant AS (
    SELECT a.oid, a.n AS varied, p.literal, p.ord FROM arg a JOIN palette p ON p.type = a.t
    UNION ALL SELECT r.oid, 0, NULL, 0 FROM routine r            -- baseline (and argument-less calls)
    UNION ALL SELECT r.oid, -1, NULL, 0 FROM routine r WHERE cardinality(r.argtypes) > 0   -- all NULL
)
SELECT r.identity, r.prokind, v.varied, v.ord,
       (SELECT string_agg(CASE WHEN v.varied = -1 THEN 'NULL'
                               WHEN a.n = v.varied THEN v.literal
                               ELSE (SELECT p.literal FROM palette p WHERE p.type = a.t AND p.ord = 1) END
                          || '::' || format_type(a.t, NULL), ', ' ORDER BY a.n)
        FROM arg a WHERE a.oid = r.oid) AS args,
       r.name
FROM routine r JOIN variant v ON v.oid = r.oid;

\i test/fixtures/outcome.sql

CREATE TEMP TABLE outcomes AS
SELECT c.identity, c.varied, c.ord, c.args, q.sql, o.*
FROM calls c
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN c.prokind = 'a' THEN format('SELECT %s(%s)::text', 'rezago.' || quote_ident(c.name), c.args)
        ELSE format('SELECT string_agg(x::text, %L) FROM %s(%s) x', '; ', 'rezago.' || quote_ident(c.name), c.args)
    END AS sql
    UNION ALL   -- aggregates over empty input too
    SELECT format('SELECT %s(%s)::text FROM (SELECT 1) e WHERE false', 'rezago.' || quote_ident(c.name), c.args)
    WHERE c.prokind = 'a' AND c.varied = 0
) q
CROSS JOIN LATERAL pg_temp.outcome(q.sql) o;

SELECT count(DISTINCT identity) = (SELECT count(*) FROM routine) AS every_routine_called,
       count(*) > 300 AS many_calls
FROM outcomes;

-- errors PostgreSQL raises itself that a routine documents (no detail or hint)
CREATE TEMP TABLE accepted (routine text, state text, why text);
INSERT INTO accepted VALUES
  ('rezago.comuna_tiles_martin(integer,integer,integer,json)', '22P02', 'documented: a period in query_params that is not an integer'),
  ('rezago.territory_tiles_martin(integer,integer,integer,json)', '22P02', 'same as comuna_tiles_martin');
SELECT a.routine, a.state, a.why, count(o.identity) AS calls
FROM accepted a LEFT JOIN outcomes o ON o.identity = a.routine AND o.state = a.state
GROUP BY 1, 2, 3 ORDER BY 1;

-- violations (expected: none)
SELECT identity, args, state, message, detail IS NOT NULL AS has_detail, hint IS NOT NULL AS has_hint, result
FROM outcomes o
WHERE ((state IS NOT NULL AND (state LIKE 'XX%' OR state IN ('P0001', 'P0004')
                               OR coalesce(detail, '') = '' OR coalesce(hint, '') = ''
                               OR message ~ '^[A-Z][a-z]'))
       OR (state IS NULL AND result ~* '\m(nan|infinity)\M'))
  AND NOT EXISTS (SELECT 1 FROM accepted a WHERE a.routine = o.identity AND a.state = o.state)
ORDER BY identity, varied, ord;

ROLLBACK;
