-- Old comuna codes, provenance and availability of the data, and the shipped
-- official code list (doc/method.md sections 1 and 3b).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
SET datestyle = ISO;
\set VERBOSITY default
\set SHOW_CONTEXT never
BEGIN;

--------------------------------------------------------------------------
-- The shipped lists
--------------------------------------------------------------------------
-- CUT 2018: 346 comunas, 56 provincias, 16 regiones; the 21 Ñuble codes of
-- the CUT 2018 (8401..8421) and their regiones until 5 September 2018
SELECT count(*) AS comunas, count(DISTINCT provincia_code) AS provincias,
       count(DISTINCT region_code) AS regiones, bool_and(builtin) AS builtin
FROM rezago.official_comuna;
SELECT count(*) AS codes, min(old_cut), max(old_cut), bool_and(cut / 1000 = 16) AS all_to_nuble,
       min(valid_to) AS valid_to, bool_and(builtin) AS builtin
FROM rezago.comuna_code_history;
SELECT count(*) AS comunas, min(region_code), max(region_code), min(valid_to), max(valid_to)
FROM rezago.comuna_region_history;
-- Ránquil: old 8415, today 16206 in provincia Itata (162), región Ñuble (16)
SELECT h.old_cut, h.cut, o.name, o.provincia_code, o.provincia, o.region_code, o.region
FROM rezago.comuna_code_history h JOIN rezago.official_comuna o USING (cut) WHERE h.old_cut = 8415;
-- built-in rows are read-only
SAVEPOINT expect_error;
UPDATE rezago.comuna_code_history SET cut = 16101 WHERE old_cut = 8415;
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK TO expect_error;

--------------------------------------------------------------------------
-- import_observations: old codes mapped to today's
--------------------------------------------------------------------------
INSERT INTO rezago.comuna (cut, name, region_code) VALUES
    (16101, 'Chillán', 16), (16102, 'Bulnes', 16), (16206, 'Ránquil', 16), (101, 'Uno', 1);
-- a user row: a current code that is also listed as former (101) stays as it is
INSERT INTO rezago.comuna_code_history (old_cut, cut, note) VALUES (101, 16206, 'example');
-- one file, old and new codes mixed, zero-padded or not: rows 1 and 4 are
-- old (8401 Chillán, 8415 Ránquil), 2 and 3 are today's; 3 rows kept as they
-- are, 2 mapped
CREATE TEMP TABLE mixed (cut text, variable text, period int, value text);
INSERT INTO mixed VALUES ('08401', 'pobreza_ingresos', 2009, '0.20'), ('16102', 'pobreza_ingresos', 2009, '0.30'),
                         ('101', 'pobreza_ingresos', 2009, '0.10'), ('8415', 'pobreza_ingresos', 2009, '0.40');
SELECT rezago.import_observations('mixed');
SELECT cut, variable, period, value, source FROM rezago.observation ORDER BY cut;

-- every bad case in one error, nothing loaded:
--   row 1: 8403 is old (Cobquecura, today 16202) and 16202 is not loaded
--   row 2: 8499 is neither a comuna nor a former code (the old hint stays)
--   row 3: 99999 unknown
--   rows 4 and 5: 8402 is Bulnes (16102) as 16102 is: row 5 duplicates row 4
CREATE TEMP TABLE bad_codes (cut text, variable text, period int, value text);
INSERT INTO bad_codes VALUES ('8403', 'pobreza_ingresos', 2011, '0.1'), ('8499', 'pobreza_ingresos', 2011, '0.1'),
                             ('99999', 'pobreza_ingresos', 2011, '0.1'), ('8402', 'pobreza_ingresos', 2011, '0.1'),
                             ('16102', 'pobreza_ingresos', 2011, '0.2');
SAVEPOINT expect_error;
SELECT rezago.import_observations('bad_codes');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK TO expect_error;
SELECT count(*) AS rows_after_failure FROM rezago.observation;

--------------------------------------------------------------------------
-- Provenance: an optional column source
--------------------------------------------------------------------------
-- typed integer here: any type converts to text; 8402 is mapped (1 row)
CREATE TEMP TABLE with_source (cut int, variable text, period int, value float8, source int);
INSERT INTO with_source VALUES (8402, 'empresas', 2020, 4.5, 2020), (16101, 'empresas', 2020, 3.5, NULL);
SELECT rezago.import_observations('with_source');
CREATE TEMP TABLE with_text_source (cut int, variable text, period int, value float8, source text);
INSERT INTO with_text_source VALUES (16102, 'empresas', 2020, 5.5, 'SII PUB_COMU / INE');
SELECT rezago.import_observations('with_text_source', replace => true);
-- replace swapped the whole (empresas, 2020) pair: only 16102 is left
SELECT cut, variable, period, value, source FROM rezago.observation WHERE variable = 'empresas' ORDER BY cut;
SELECT rezago.import_observations('with_source', replace => true);
SELECT cut, variable, period, value, source FROM rezago.observation WHERE variable = 'empresas' ORDER BY cut;

--------------------------------------------------------------------------
-- data_availability: share of the 4 comunas of rezago.comuna with a value
--------------------------------------------------------------------------
-- a NULL value is no value: 16206 has pobreza_ingresos 2009 set to NULL
UPDATE rezago.observation SET value = NULL WHERE cut = 16206;
-- pobreza_ingresos 2009: 16101, 16102, 101 = 3 of 4 = 0.75; 2020: none = 0;
-- empresas 2009: 0; 2020: 16101, 16102 = 2 of 4 = 0.5
SELECT * FROM rezago.data_availability() WHERE variable IN ('pobreza_ingresos', 'empresas', 'localidades');
-- every variable of ufro2017 (18) and the 4 context variables, for each of
-- the 2 periods with observations
SELECT count(*) AS rows, count(DISTINCT variable) AS variables, count(DISTINCT period) AS periods,
       sum(comunas) AS comunas FROM rezago.data_availability('ufro2017');
SAVEPOINT expect_error;
SELECT * FROM rezago.data_availability('nope');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK TO expect_error;
ROLLBACK;
-- no observations: no rows
SELECT count(*) AS rows_without_data FROM rezago.data_availability();

--------------------------------------------------------------------------
-- import_comunas names provincias and regiones by the official list, and
-- completes a national load
--------------------------------------------------------------------------
-- every official comuna but Antártica (12202) and Isla de Pascua (5201),
-- with the wrong provincia and región names a boundary file may carry
CREATE TEMP TABLE national (cut int, name text, provincia text, region text);
INSERT INTO national SELECT cut, 'Name ' || cut, 'Wrong', 'Wrong' FROM rezago.official_comuna
WHERE cut NOT IN (12202, 5201);
BEGIN;
SELECT rezago.import_comunas('national', geom_column => NULL);
SELECT count(*) AS comunas, count(*) FILTER (WHERE provincia = 'Wrong' OR region = 'Wrong') AS wrong_names
FROM rezago.comuna;
-- the comunas keep the source's names; the two added ones get the official ones
SELECT cut, name, provincia_code, provincia, region_code, region FROM rezago.comuna
WHERE cut IN (1401, 14107, 5201, 12201, 12202) ORDER BY cut;
ROLLBACK;
BEGIN;
-- the same load with one code outside the list (a synthetic unit 99999) is
-- not national: nothing is added
INSERT INTO national VALUES (99999, 'Synthetic', 'P', 'R');
SELECT rezago.import_comunas('national', geom_column => NULL);
SELECT count(*) AS comunas FROM rezago.comuna;
ROLLBACK;
BEGIN;
-- a load of one región is not completed; a code outside the list keeps the
-- source's names and codes derived from it
CREATE TEMP TABLE regional (cut int, name text, provincia text, region text);
INSERT INTO regional VALUES (4201, 'Illapel', 'Choapa (file)', 'Coquimbo (file)'), (4999, 'Nueva', 'P', 'R');
SELECT rezago.import_comunas('regional', geom_column => NULL);
SELECT cut, name, provincia_code, provincia, region_code, region FROM rezago.comuna ORDER BY cut;
ROLLBACK;
