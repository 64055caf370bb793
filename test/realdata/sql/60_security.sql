-- Real data (loaded by 01_load, sinim4 and provinces by 02_index): under a
-- hostile search_path, and for a reader made with grant_reader, every
-- comuna and territory index of 2019-2023 is the one the owner computes
-- with the normal path, to the last bit.
SET extra_float_digits = 1;
BEGIN;
CREATE TEMP TABLE normal AS
SELECT p, 'c' AS kind, c.cut::text AS id, c.index, c.rank FROM generate_series(2019, 2023) p,
       LATERAL rezago.comuna_index(p, 'sinim4') c
UNION ALL
SELECT p, 't', t.territory, t.index, t.rank FROM generate_series(2019, 2023) p,
       LATERAL rezago.territory_index(p, 'sinim4') t;
SELECT count(*) AS rows, count(index) AS with_index FROM normal;

CREATE SCHEMA hostile;
CREATE AGGREGATE hostile.avg(double precision) (SFUNC = pg_catalog.float8larger, STYPE = double precision);
CREATE AGGREGATE hostile.min(double precision) (SFUNC = pg_catalog.float8larger, STYPE = double precision);
CREATE AGGREGATE hostile.max(double precision) (SFUNC = pg_catalog.float8smaller, STYPE = double precision);
CREATE FUNCTION hostile.texteq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.texteq);
CREATE TABLE hostile.observation AS SELECT * FROM rezago.observation WHERE false;
SET LOCAL search_path = hostile, pg_catalog, public, rezago, pg_temp;
CREATE TEMP TABLE hostile_run AS
SELECT p, 'c' AS kind, c.cut::text AS id, c.index, c.rank FROM generate_series(2019, 2023) p,
       LATERAL rezago.comuna_index(p, 'sinim4') c
UNION ALL
SELECT p, 't', t.territory, t.index, t.rank FROM generate_series(2019, 2023) p,
       LATERAL rezago.territory_index(p, 'sinim4') t;
RESET search_path;

CREATE ROLE rezago_realdata_reader;
SELECT count(*) > 0 AS granted FROM rezago.grant_reader('rezago_realdata_reader');
SET LOCAL ROLE rezago_realdata_reader;
CREATE TEMP TABLE reader_run AS
SELECT p, 'c' AS kind, c.cut::text AS id, c.index, c.rank FROM generate_series(2019, 2023) p,
       LATERAL rezago.comuna_index(p, 'sinim4') c
UNION ALL
SELECT p, 't', t.territory, t.index, t.rank FROM generate_series(2019, 2023) p,
       LATERAL rezago.territory_index(p, 'sinim4') t;
RESET ROLE;

SELECT 'hostile search_path' AS run,
       (SELECT count(*) FROM (SELECT * FROM normal EXCEPT ALL SELECT * FROM hostile_run) a)
     + (SELECT count(*) FROM (SELECT * FROM hostile_run EXCEPT ALL SELECT * FROM normal) b) AS differences
UNION ALL
SELECT 'reader',
       (SELECT count(*) FROM (SELECT * FROM normal EXCEPT ALL SELECT * FROM reader_run) a)
     + (SELECT count(*) FROM (SELECT * FROM reader_run EXCEPT ALL SELECT * FROM normal) b);
ROLLBACK;
