-- Comuna and provincia lookup by name: accents, case, punctuation and the
-- gu/hu spelling variant ignored; ambiguity and unknown names are errors
-- that list the candidates.  Synthetic comunas (real names, real CUTs, and
-- an invented second "Santa Rosa" to make a name ambiguous).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
\set SHOW_CONTEXT never
BEGIN;

SELECT n, rezago.name_key(n) AS key
FROM unnest(ARRAY['Ránquil', 'RANQUIL', 'ranquil', 'RÁNQUIL', 'Treguaco', 'Trehuaco', 'Marchigüe', 'MARCHIHUE',
                  'Paiguano', 'Ñuñoa', 'ÑUÑOA', 'O''Higgins', 'Ohiggins', '  Padre   Las-Casas ', 'Aysén', NULL, '']) n;
-- the key does not depend on the collation: C gives the same as the default
SELECT rezago.name_key('ÁÉÍÓÚÜÑ áéíóúüñ' COLLATE "C") AS c_collation, rezago.name_key('ÁÉÍÓÚÜÑ áéíóúüñ') AS default_collation;

INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region) VALUES
    (16206, 'Ránquil', 162, 'Itata', 16, 'Ñuble'),
    (16207, 'Treguaco', 162, 'Itata', 16, 'Ñuble'),
    (9111, 'Nueva Imperial', 91, 'Cautín', 9, 'La Araucanía'),
    (9102, 'Carahue', 91, 'Cautín', 9, 'La Araucanía'),
    (8201, 'Lebu', 82, 'Arauco', 8, 'Biobío'),
    (8202, 'Arauco', 82, 'Arauco', 8, 'Biobío'),
    (10101, 'Puerto Montt', 101, 'Llanquihue', 10, 'Los Lagos'),
    (10109, 'Puerto Varas', 101, 'Llanquihue', 10, 'Los Lagos'),
    (8310, 'Santa Rosa', 83, 'Biobío', 8, 'Biobío'),
    (99001, 'Santa Rosa', 990, 'Imaginaria', 99, 'Región Imaginaria'),
    (99002, 'San Rosendo del Sur', 990, 'Imaginaria', 99, 'Región Imaginaria');

-- the same comuna whatever the spelling (the BCN file says Treguaco, the CUT list Trehuaco)
SELECT rezago.comuna_cut('Ránquil') AS "Ránquil", rezago.comuna_cut('RANQUIL') AS "RANQUIL",
       rezago.comuna_cut('Ranquil') AS "Ranquil", rezago.comuna_cut('Trehuaco') AS "Trehuaco",
       rezago.comuna_cut('treguaco') AS "treguaco", rezago.comuna_cut(NULL) AS "NULL";
-- no exact match: a unique name holding the words wins (doc/method.md: "Imperial")
SELECT * FROM rezago.find_comuna('Imperial');
SELECT rezago.comuna_cut('imperial') AS imperial;
-- an exact match hides partial ones: Arauco is a comuna and a provincia
SELECT * FROM rezago.find_comuna('arauco');
SELECT rezago.comuna_cut('Arauco') AS comuna, rezago.provincia_code('Arauco') AS provincia;
SELECT rezago.comuna_cuts(ARRAY['Carahue', 'Imperial', NULL, 'Lebu']) AS cuts;
SELECT rezago.comuna_cuts(NULL) IS NULL AS null_list, rezago.comuna_cuts('{}') IS NULL AS empty_list;

-- ambiguous names: every candidate with CUT and región; within resolves it
SAVEPOINT s;
SELECT rezago.comuna_cut('Santa Rosa');
ROLLBACK TO s;
SELECT rezago.comuna_cut('puerto');
ROLLBACK TO s;
SELECT rezago.comuna_cut('Santa Rosa', within => 'Biobío') AS in_biobio,
       rezago.comuna_cut('santa rosa', within => 'imaginaria') AS in_imaginaria;
-- unknown names: names that start alike in the detail
SELECT rezago.comuna_cut('Santa Rita');
ROLLBACK TO s;
SELECT rezago.comuna_cut('Xanadú');
ROLLBACK TO s;
SELECT rezago.comuna_cut('Lebu', within => 'Los Lagos');
ROLLBACK TO s;
SELECT rezago.provincia_code('Llanquihue') AS llanquihue, rezago.provincia_code('CAUTIN') AS cautin;
SELECT * FROM rezago.find_provincia('imaginaria');
SELECT rezago.provincia_code('Cauquenes');
ROLLBACK TO s;
SELECT rezago.resolve_name('region', 'Ñuble');
ROLLBACK TO s;
-- spellings of the BCN file against the CUT list: Bío-Bío = Biobío,
-- Til Til = Tiltil (spaces ignored in whole names and in within)
SAVEPOINT bcn;
UPDATE rezago.comuna SET region = 'Región del Bío-Bío' WHERE region = 'Biobío';
UPDATE rezago.comuna SET provincia = 'Bío-Bío' WHERE provincia = 'Biobío';
INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region)
VALUES (13303, 'Til Til', 133, 'Chacabuco', 13, 'Metropolitana de Santiago');
SELECT rezago.comuna_cut('Santa Rosa', within => 'Biobío') AS santa_rosa_8310,
       rezago.comuna_cut('Lebu', within => 'bio bio') AS lebu_8201,
       rezago.provincia_code('Biobío') AS biobio_83,
       rezago.provincia_code('Arauco', within => 'Biobío') AS arauco_82,
       rezago.comuna_cut('Tiltil') AS tiltil_13303;
-- still one place per name: 'Puerto' is not a whole name, so it stays ambiguous
SELECT count(*) AS puerto_candidates FROM rezago.find_comuna('Puerto');
ROLLBACK TO bcn;
-- the expression index serves exact lookups on large tables
SET LOCAL enable_seqscan = off;
CREATE FUNCTION pg_temp.plan_uses(query text, index_name text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE line text; found boolean := false;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
        found := found OR strpos(line, index_name) > 0;
    END LOOP;
    RETURN found;
END $$;
SELECT pg_temp.plan_uses($q$SELECT cut FROM rezago.comuna WHERE rezago.name_key(name) = 'ranquil'$q$,
                         'comuna_name_key_idx') AS uses_index;
ROLLBACK;
