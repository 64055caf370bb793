-- Observation sources on the real data (issue 19): the README's what-if
-- (Empedrado's paved roads at 60%) computed over a temporary table, checked
-- against the plain-SQL oracle (test/oracle/oracle.sql) run over the official
-- table after the same change, to 1e-9; and the index, exit and entry over a
-- copy of the official table equal to the official ones, to the bit.  Under
-- the public methodology (vintages within 7 years, provincia medians), 2024.
-- Everything runs in a transaction that is rolled back.
SET extra_float_digits = 0;
BEGIN;
\i ../fixtures/stage_indicators.sql
DELETE FROM indicadores WHERE source LIKE '%\_PROXY';
SELECT rezago.import_observations('indicadores', replace => true) AS loaded;
\o /dev/null
\i ../fixtures/public_methodology.sql
\o
-- a territory per provincia of two or more comunas (as Getting started makes them)
DELETE FROM rezago.territory_member;
DELETE FROM rezago.territory;
-- (one row per provincia, those of a single comuna with a reason and no territory)
SELECT count(territory) AS territories FROM rezago.create_province_territories();
\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all

-- 1. a copy of the official table gives the official results, to the bit
CREATE TEMP TABLE official AS SELECT * FROM rezago.observation;
SELECT (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.comuna_index(2024, 'publico') r)
     = (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.comuna_index(2024, 'publico', observations => 'official') r)
         AS comuna_index_equal,
       (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.territory_exit(2024, 'publico') r)
     = (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.territory_exit(2024, 'publico', observations => 'official') r)
         AS exit_equal,
       (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.territory_entry(2024, 'publico') r)
     = (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.territory_entry(2024, 'publico', observations => 'official') r)
         AS entry_equal;

-- 2. the README's what-if: Empedrado's paved roads, 17.43% in the 2021
-- survey, at 60%
CREATE TEMP TABLE whatif AS SELECT * FROM rezago.observation;
UPDATE whatif SET value = 60
WHERE cut = rezago.comuna_cut('Empedrado') AND variable = 'caminos_pavimentados';
SELECT cut, variable, period, value FROM whatif WHERE cut = 7104 AND variable = 'caminos_pavimentados';
CREATE TEMP TABLE whatif_index AS SELECT * FROM rezago.territory_index(2024, 'publico', observations => 'whatif');
CREATE TEMP TABLE whatif_comunas AS SELECT * FROM rezago.comuna_index(2024, 'publico', observations => 'whatif');
CREATE TEMP TABLE whatif_exit AS SELECT * FROM rezago.territory_exit(2024, 'publico', observations => 'whatif');
-- the official data did not move
SELECT count(*) AS official_rows_changed FROM rezago.observation o JOIN official f USING (cut, variable, period)
WHERE o.value IS DISTINCT FROM f.value;
-- the same change made to the official table, for the oracle
UPDATE rezago.observation SET value = 60
WHERE cut = rezago.comuna_cut('Empedrado') AND variable = 'caminos_pavimentados';
SELECT count(*) AS comunas, count(*) FILTER (WHERE abs(w.index - o.index) < 1e-9 OR (w.index IS NULL AND o.index IS NULL)) AS equal_to_oracle,
       count(*) FILTER (WHERE w.rank IS NOT DISTINCT FROM o.rank) AS same_rank
FROM whatif_comunas w JOIN oracle.comuna_index(2024, 'publico') o USING (cut);
SELECT count(*) AS territories, count(*) FILTER (WHERE abs(w.index - o.index) < 1e-9) AS equal_to_oracle,
       count(*) FILTER (WHERE w.rank = o.rank) AS same_rank
FROM whatif_index w JOIN oracle.territory_index(2024, 'publico') o USING (territory);
SELECT count(*) AS territories, count(*) FILTER (WHERE w.stage = o.stage) AS same_stage
FROM whatif_exit w JOIN oracle.territory_exit(2024, 'publico') o USING (territory);
-- what moved: Talca's provincia (prov_71) and the ranks around it
SELECT w.territory, round(o.index::numeric, 6) AS official, round(w.index::numeric, 6) AS whatif,
       o.rank AS official_rank, w.rank AS whatif_rank
FROM rezago.territory_index(2024, 'publico', observations => 'official') o
JOIN whatif_index w USING (territory)
WHERE o.rank IS DISTINCT FROM w.rank OR o.index IS DISTINCT FROM w.index
ORDER BY w.rank;

-- 3. vintages without imputation and the rank normalisation, each one
-- statement over a source grouped by cut (comuna_states_statement: each
-- variable at its own vintage; under rank with the rank table of
-- rank_scores): over a copy, the index of rezago.observation to the bit,
-- and the oracle's to 1e-9 (publico without imputation: vintages within 7
-- years, every variable at its own; and the same under rank)
SELECT rezago.copy_methodology('publico', m) FROM unnest(ARRAY['publico_vint', 'publico_rank']) m;
UPDATE rezago.methodology SET imputation = 'none' WHERE code IN ('publico_vint', 'publico_rank');
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'publico_rank';
CREATE TEMP TABLE copy_now AS SELECT * FROM rezago.observation;
SELECT count(DISTINCT v.vintage) AS vintages FROM rezago.variable_vintages(2024, 'publico_vint', 'copy_now') v;
SELECT m.code,
       (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.comuna_index(2024, m.code) r)
     = (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.comuna_index(2024, m.code, observations => 'copy_now') r)
         AS comuna_index_equal,
       (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.territory_index(2024, m.code) r)
     = (SELECT md5(string_agg(r::text, E'\n' ORDER BY r::text)) FROM rezago.territory_index(2024, m.code, observations => 'copy_now') r)
         AS territory_index_equal,
       (SELECT count(*) FROM rezago.comuna_index(2024, m.code, observations => 'copy_now') w
        JOIN oracle.comuna_index(2024, m.code) o USING (cut)
        WHERE abs(w.index - o.index) < 1e-9 OR (w.index IS NULL AND o.index IS NULL)) AS equal_to_oracle,
       (SELECT count(*) FROM rezago.comuna_index(2024, m.code) c) AS comunas
FROM unnest(ARRAY['publico_vint', 'publico_rank']) m(code) ORDER BY m.code;
ROLLBACK;
