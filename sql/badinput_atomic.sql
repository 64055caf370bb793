-- Atomic loading: a failed import leaves every table of the extension
-- exactly as it was.  A checksum of each table (md5 of its rows in order) is
-- taken before and after each failure.  The imports run as plain statements
-- (autocommit), as users run them, and fail either in validation (bad rows)
-- or half-way through writing (a trigger standing in for a full disk or a
-- concurrent change raises after earlier rows were written or deleted).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
\set VERBOSITY terse
-- checksum of every table of the extension, found in the catalogue
CREATE FUNCTION pg_temp.checksums() RETURNS TABLE (tbl text, rows bigint, md5 text)
LANGUAGE plpgsql AS $$
DECLARE
    r regclass;
BEGIN
    FOR r IN SELECT c.oid FROM pg_class c
             JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
             WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND c.relkind = 'r'
               AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
             ORDER BY c.oid::regclass::text
    LOOP
        tbl := r::text;
        EXECUTE format('SELECT count(*), md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM %s t', r)
           INTO rows, md5;
        RETURN NEXT;
    END LOOP;
END
$$;
-- fixture: comunas with boundaries, observations, a territory, a methodology
INSERT INTO rezago.comuna (cut, name, geom)
SELECT 100 + g, 'C' || g, ST_Multi(ST_MakeEnvelope(g, 0, g + 1, 1, 4326)) FROM generate_series(1, 5) g;
INSERT INTO rezago.observation SELECT 100 + g, 'antenas', 2020, g FROM generate_series(1, 5) g;
INSERT INTO rezago.territory VALUES ('t', 'T');
INSERT INTO rezago.territory_member VALUES ('t', 101), ('t', 102);
SELECT rezago.copy_methodology('ufro2017', 'atomic_m');
CREATE TABLE atomic_before AS SELECT * FROM pg_temp.checksums();
SELECT tbl, rows > 0 AS has_rows FROM atomic_before ORDER BY tbl;

-- 1. validation fails: nothing written
CREATE TABLE atomic_bad (cut text, variable text, period text, value text);
INSERT INTO atomic_bad VALUES ('101', 'empresas', '2020', '1'), ('999', 'empresas', '2020', '1');
SELECT rezago.import_observations('atomic_bad');
-- 2. replace => true deletes the period, inserts, and fails on the 5th row
CREATE TABLE atomic_new AS SELECT 100 + g AS cut, 'antenas' AS variable, 2020 AS period, 10.0 * g AS value
FROM generate_series(1, 5) g;
CREATE FUNCTION pg_temp.fail_on_105() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.cut = 105 THEN
        RAISE EXCEPTION 'simulated failure while writing cut %', NEW.cut USING ERRCODE = 'disk_full';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER atomic_fail BEFORE INSERT OR UPDATE ON rezago.observation
    FOR EACH ROW EXECUTE FUNCTION pg_temp.fail_on_105();
SELECT rezago.import_observations('atomic_new', replace => true);
DROP TRIGGER atomic_fail ON rezago.observation;
-- 3. import_comunas updates 101..104 and fails on 105
CREATE TABLE atomic_comunas AS
SELECT 100 + g AS cut, 'Renamed ' || g AS name, 'P' AS provincia, 'R' AS region,
       ST_MakeEnvelope(g, 5, g + 2, 7, 4326) AS geom FROM generate_series(1, 5) g;
CREATE TRIGGER atomic_fail BEFORE INSERT OR UPDATE ON rezago.comuna
    FOR EACH ROW EXECUTE FUNCTION pg_temp.fail_on_105();
SELECT rezago.import_comunas('atomic_comunas');
DROP TRIGGER atomic_fail ON rezago.comuna;
-- 4. a GeoJSON collection with one unreadable geometry among good ones
SELECT rezago.import_comunas_geojson('{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"cod_comuna": 106, "Comuna": "Seis"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}},
  {"type": "Feature", "properties": {"cod_comuna": 107, "Comuna": "Siete"}, "geometry": {"type": "Polygon"}}]}');
-- 5. copy_methodology fails on its last insert (the variable weights)
CREATE FUNCTION pg_temp.fail_always() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'simulated failure' USING ERRCODE = 'disk_full';
END $$;
CREATE TRIGGER atomic_fail BEFORE INSERT ON rezago.methodology_variable
    FOR EACH ROW EXECUTE FUNCTION pg_temp.fail_always();
SELECT rezago.copy_methodology('atomic_m', 'atomic_copy');
DROP TRIGGER atomic_fail ON rezago.methodology_variable;
-- 6. the server cancels a long import (statement timeout) half-way
CREATE FUNCTION pg_temp.slow_on_105() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.cut = 105 THEN PERFORM pg_sleep(5); END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER atomic_slow BEFORE INSERT ON rezago.observation
    FOR EACH ROW EXECUTE FUNCTION pg_temp.slow_on_105();
SET statement_timeout = '300ms';
SELECT rezago.import_observations('atomic_new', replace => true);
RESET statement_timeout;
DROP TRIGGER atomic_slow ON rezago.observation;

-- every table as it was
SELECT b.tbl, a.md5 = b.md5 AS unchanged
FROM atomic_before b FULL JOIN pg_temp.checksums() a USING (tbl) ORDER BY 1;

-- and the same import succeeds once nothing stands in its way
SELECT rezago.import_observations('atomic_new', replace => true) AS loaded;
SELECT b.tbl, a.md5 = b.md5 AS unchanged
FROM atomic_before b JOIN pg_temp.checksums() a USING (tbl) WHERE b.tbl = 'rezago.observation';

-- clean up
DELETE FROM rezago.methodology WHERE code = 'atomic_m';
DELETE FROM rezago.territory;
DELETE FROM rezago.observation;
DELETE FROM rezago.comuna;
DROP TABLE atomic_before, atomic_bad, atomic_new, atomic_comunas;
