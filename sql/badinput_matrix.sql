-- The bad-input matrix: every public function and aggregate against the
-- cases of the issue (NULLs, NaN, +-Infinity, empty input, one row, huge and
-- tiny magnitudes, zero and negative weights, weights summing to zero,
-- unknown methodology and period, a variable with one comuna, every comuna
-- equal, territories with 0 or 1 member, a comuna in two territories,
-- invalid and empty geometries, wrong SRID).  Each case shows its result
-- (worked out by hand in the comment) or its SQLSTATE and message, and
-- whether the error has a detail and a hint.  A last query lists public
-- routines that no case calls: add a case when you add a function.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
-- fixture: five comunas with unit squares; methodology toy = agrupaciones
-- (social, +1) and antenas (fisico, +1), equal weights
INSERT INTO rezago.comuna (cut, name, geom)
SELECT 100 + g, 'C' || g,
       ST_Multi(ST_MakeEnvelope(g, 0, g + 1, 1, 4326))
FROM generate_series(1, 5) g;
SELECT rezago.copy_methodology('ufro2017', 'toy');
DELETE FROM rezago.methodology_variable WHERE methodology = 'toy'
   AND variable NOT IN ('agrupaciones_sociales', 'antenas');
UPDATE rezago.methodology_dimension SET weight = 0 WHERE methodology = 'toy'
   AND dimension NOT IN ('capital_social', 'capital_fisico');
SELECT rezago.copy_methodology('toy', 'toyz');
UPDATE rezago.methodology SET normalisation = 'zscore' WHERE code = 'toyz';
SELECT rezago.copy_methodology('toy', 'allzero');
UPDATE rezago.methodology_dimension SET weight = 0 WHERE methodology = 'allzero';
-- 2020: agrupaciones 10..50 (scores 1, .75, .5, .25, 0), antenas equal (0):
--       index = social / 2 = .5, .375, .25, .125, 0
INSERT INTO rezago.observation SELECT 100 + g, 'agrupaciones_sociales', 2020, 10 * g FROM generate_series(1, 5) g;
INSERT INTO rezago.observation SELECT 100 + g, 'antenas', 2020, 5 FROM generate_series(1, 5) g;
-- 2021: one comuna only (101) for both variables: max = min, score 0
INSERT INTO rezago.observation VALUES (101, 'agrupaciones_sociales', 2021, 10), (101, 'antenas', 2021, 3);
-- 2022: huge magnitudes (1.7e308, -1.7e308, 0) and tiny equal values
INSERT INTO rezago.observation VALUES (101, 'agrupaciones_sociales', 2022, 1.7e308),
    (102, 'agrupaciones_sociales', 2022, -1.7e308), (103, 'agrupaciones_sociales', 2022, 0),
    (101, 'antenas', 2022, 1e-310), (102, 'antenas', 2022, 1e-310), (103, 'antenas', 2022, 1e-310);
-- territories: none, one and two members; 101 belongs to t1 and t2
INSERT INTO rezago.territory VALUES ('t0', 'Empty'), ('t1', 'One'), ('t2', 'Two');
INSERT INTO rezago.territory_member VALUES ('t1', 101), ('t2', 101), ('t2', 102);
-- comunas with an invalid (bow tie), an empty and no boundary, and
-- territories using them; tgap has two members that do not touch
INSERT INTO rezago.comuna (cut, name, geom) VALUES
    (107, 'Bow tie', 'SRID=4326;MULTIPOLYGON(((10 0,12 2,12 0,10 2,10 0)))'),
    (108, 'Empty', 'SRID=4326;MULTIPOLYGON EMPTY'),
    (109, 'No boundary', NULL);
INSERT INTO rezago.territory VALUES ('tgap', 'Gap'), ('tbad', 'Invalid member'), ('tempty', 'Empty member'),
                                    ('tnull', 'Member without boundary');
INSERT INTO rezago.territory_member VALUES ('tgap', 101), ('tgap', 103), ('tbad', 107), ('tbad', 102),
                                           ('tempty', 108), ('tempty', 101), ('tnull', 109), ('tnull', 101);
-- staging tables for the loaders
CREATE TABLE matrix_empty_obs (cut text, variable text, period text, value text);
CREATE TABLE matrix_obs AS SELECT '101' AS cut, 'empresas' AS variable, '2020' AS period, '4' AS value;
CREATE TABLE matrix_nan_obs AS SELECT 101 AS cut, 'empresas' AS variable, 2020 AS period, 'NaN'::float8 AS value;
CREATE TABLE matrix_empty_geom (cut int, name text, provincia text, region text, geom geometry);
CREATE TABLE matrix_geom AS
SELECT * FROM (VALUES
    ('bow_tie',    'SRID=4326;POLYGON((0 0,2 2,2 0,0 2,0 0))'::geometry),   -- invalid: made valid
    ('empty',      'SRID=4326;POLYGON EMPTY'),
    ('srid0',      'POLYGON((0 0,1 0,1 1,0 0))'),
    ('srid999999', 'SRID=999999;POLYGON((0 0,1 0,1 1,0 0))'),
    ('degenerate', 'SRID=4326;POLYGON((0 0,1 1,2 2,0 0))'),                 -- collapses when made valid
    ('line',       'SRID=4326;LINESTRING(0 0,1 1)')) g(kind, geom);
CREATE TABLE matrix_one_geom (cut int, name text, provincia text, region text, geom geometry);
-- puts comuna 106 with the geometry of that kind into matrix_one_geom
CREATE FUNCTION pg_temp.stage(k text) RETURNS text LANGUAGE sql AS $$
    DELETE FROM matrix_one_geom;
    INSERT INTO matrix_one_geom SELECT 106, 'Seis', NULL, NULL, g.geom FROM matrix_geom g WHERE g.kind = k;
    SELECT '';
$$;

\i test/fixtures/outcome.sql
CREATE TEMP TABLE matrix (id serial, label text, q text);
INSERT INTO matrix (label, q) VALUES
-- lag_score: (max - x)/(max - min), clamped
 ('lag_score NULL value -> NULL',            $$SELECT rezago.lag_score(NULL, 0, 1, 1)$$),
 ('lag_score NaN value -> NULL',             $$SELECT rezago.lag_score('NaN', 0, 1, 1)$$),
 ('lag_score +Infinity value -> NULL',       $$SELECT rezago.lag_score('Infinity', 0, 1, 1)$$),
 ('lag_score -Infinity value -> NULL',       $$SELECT rezago.lag_score('-Infinity', 0, 1, 1)$$),
 ('lag_score NULL polarity -> NULL',         $$SELECT rezago.lag_score(1, 0, 1, NULL)$$),
 ('lag_score NaN min',                       $$SELECT rezago.lag_score(1, 'NaN', 1, 1)$$),
 ('lag_score -Infinity min',                 $$SELECT rezago.lag_score(1, '-Infinity', 1, 1)$$),
 ('lag_score max < min',                     $$SELECT rezago.lag_score(1, 2, 1, 1)$$),
 ('lag_score polarity 0',                    $$SELECT rezago.lag_score(1, 0, 1, 0)$$),
 ('lag_score min = max (all equal) -> 0',    $$SELECT rezago.lag_score(5, 5, 5, -1)$$),
 ('lag_score huge range -> 0.25',            $$SELECT rezago.lag_score(0.85e308, -1.7e308, 1.7e308, 1)$$),
 ('lag_score tiny range -> 0.5',             $$SELECT rezago.lag_score(1e-310, 0, 2e-310, 1)$$),
-- lag_score_zscore: -polarity (x - mean) / sd
 ('zscore NULL sd -> NULL',                  $$SELECT rezago.lag_score_zscore(1, 0, NULL, 1)$$),
 ('zscore NaN value -> NULL',                $$SELECT rezago.lag_score_zscore('NaN', 0, 1, 1)$$),
 ('zscore Infinity sd',                      $$SELECT rezago.lag_score_zscore(1, 0, 'Infinity', 1)$$),
 ('zscore negative sd',                      $$SELECT rezago.lag_score_zscore(1, 0, -1, 1)$$),
 ('zscore sd 0 -> 0',                        $$SELECT rezago.lag_score_zscore(1, 0, 0, 1)$$),
 ('zscore huge, opposite signs -> -2',     $$SELECT rezago.lag_score_zscore(1.7e308, -1.7e308, 1.7e308, 1)$$),
 ('zscore overflow (tiny sd)',               $$SELECT rezago.lag_score_zscore(1e300, 0, 1e-300, 1)$$),
 ('zscore tiny magnitudes -> -2',            $$SELECT rezago.lag_score_zscore(3e-310, 1e-310, 1e-310, 1)$$),
-- dimension_score / dimension_coverage / territory_average
 ('dimension_score empty -> NULL',           $$SELECT rezago.dimension_score(s, w) FROM (VALUES (1::float8, 1::float8)) v(s, w) WHERE false$$),
 ('dimension_score one row -> 0.3',          $$SELECT rezago.dimension_score(0.3, 2)$$),
 ('dimension_score all NULL scores -> NULL', $$SELECT rezago.dimension_score(s, 1) FROM (VALUES (NULL::float8), (NULL)) v(s)$$),
 ('dimension_score zero weights -> NULL',    $$SELECT rezago.dimension_score(s, 0) FROM (VALUES (0.2::float8), (0.4)) v(s)$$),
 ('dimension_coverage zero weights -> NULL', $$SELECT rezago.dimension_coverage(s, 0) FROM (VALUES (0.2::float8), (0.4)) v(s)$$),
 ('dimension_score weights summing to zero', $$SELECT rezago.dimension_score(s, w) FROM (VALUES (0.2::float8, 1::float8), (0.4, -1)) v(s, w)$$),
 ('dimension_score negative weight',         $$SELECT rezago.dimension_score(0.2, -0.5)$$),
 ('dimension_score NULL weight',             $$SELECT rezago.dimension_score(0.2, NULL)$$),
 ('dimension_score NaN weight',              $$SELECT rezago.dimension_score(0.2, 'NaN')$$),
 ('dimension_score NaN score',               $$SELECT rezago.dimension_score('NaN', 1)$$),
 ('dimension_score -Infinity score',         $$SELECT rezago.dimension_score('-Infinity', 1)$$),
 ('dimension_score huge weights overflow',   $$SELECT rezago.dimension_score(s, 1e308) FROM (VALUES (0.5::float8), (0.5)) v(s)$$),
 ('dimension_score tiny weights -> 0.3',     $$SELECT rezago.dimension_score(s, 1e-300) FROM (VALUES (0.2::float8), (0.4)) v(s)$$),
 ('dimension_score NaN min_coverage',        $$SELECT rezago.dimension_score(0.2, 1, 'NaN')$$),
 ('dimension_score total_weight 0',          $$SELECT rezago.dimension_score(0.2, 1, 0.5, 0)$$),
 ('dimension_coverage NULL total',           $$SELECT rezago.dimension_coverage(0.2, 1, NULL)$$),
 ('territory_average empty -> NULL',         $$SELECT rezago.territory_average(s) FROM (VALUES (1::float8)) v(s) WHERE false$$),
 ('territory_average one row -> 0.7',        $$SELECT rezago.territory_average(0.7)$$),
 ('territory_average Infinity',              $$SELECT rezago.territory_average('Infinity')$$),
 ('territory_average huge overflow',         $$SELECT rezago.territory_average(s) FROM (VALUES (1.7e308::float8), (1.7e308)) v(s)$$),
-- support functions with forged states (weighted_mean_accum(NULL, ...) crashed the server)
 ('weighted_mean_accum NULL state -> first row: {2,2,1; 0,0; (1,1)}',          $$SELECT rezago.weighted_mean_accum(NULL, 1, 1)$$),
 ('weighted_mean_accum_total NULL state -> {2,2,1; 0,1; (1,1)}',    $$SELECT rezago.weighted_mean_accum_total(NULL, 1, 1, 1)$$),
 ('average_accum NULL state -> {2,2,1; 0,0; (1,1)}',                $$SELECT rezago.average_accum(NULL, 1)$$),
 ('weighted_mean_final NaN state',           $$SELECT rezago.weighted_mean_final('{0,1,NaN,0,0}')$$),
 ('weighted_mean_coverage short state',      $$SELECT rezago.weighted_mean_coverage('{1}')$$),
 ('weighted_mean_combine 2-D state',         $$SELECT rezago.weighted_mean_combine('{0,0,0,0,0}', '{{0,0,0,0,0}}')$$),
-- methodology helpers
 ('require_methodology unknown',             $$SELECT rezago.require_methodology('nope')$$),
 ('require_methodology NULL',                $$SELECT rezago.require_methodology(NULL)$$),
 ('require_methodology all weights zero',    $$SELECT rezago.require_methodology('allzero')$$),
 ('require_rule normalisation NULL -> the methodology''s: minmax', $$SELECT rezago.require_rule('toy', 'normalisation')$$),
 ('require_rule normalisation zscore -> zscore',  $$SELECT rezago.require_rule('toy', 'normalisation', 'zscore')$$),
 ('require_rule normalisation unknown',           $$SELECT rezago.require_rule('toy', 'normalisation', 'bogus')$$),
 ('require_rule normalisation goalpost without goalposts', $$SELECT rezago.require_rule('toy', 'normalisation', 'goalpost')$$),
 ('require_rule normalisation unknown methodology', $$SELECT rezago.require_rule('nope', 'normalisation', 'rank')$$),
 ('require_rule threshold_rule NULL -> mean',     $$SELECT rezago.require_rule('toy', 'threshold_rule')$$),
 ('require_rule threshold_rule unknown',          $$SELECT rezago.require_rule('toy', 'threshold_rule', 'mode')$$),
 ('require_rule threshold_rule percentile without percentile', $$SELECT rezago.require_rule('toy', 'threshold_rule', 'percentile')$$),
 ('require_rule unknown kind',             $$SELECT rezago.require_rule('toy', 'weights')$$),
 ('require_new_methodology_code exists',     $$SELECT rezago.require_new_methodology_code('toy')$$),
 ('copy_methodology NULL target',            $$SELECT rezago.copy_methodology('toy', NULL)$$),
 ('copy_methodology bad target code',        $$SELECT rezago.copy_methodology('toy', 'Mi Índice')$$),
 ('copy_methodology existing target',        $$SELECT rezago.copy_methodology('toy', 'ufro2017')$$),
 ('copy_methodology unknown source',         $$SELECT rezago.copy_methodology('nope', 'x')$$),
 ('methodology_in_force NULL -> NULL',       $$SELECT rezago.methodology_in_force(NULL)$$),
 ('methodology_in_force 1900 -> NULL',       $$SELECT rezago.methodology_in_force(1900)$$),
 ('methodology_weights toy',                 $$SELECT string_agg(variable || '=' || effective_weight, ' ' ORDER BY variable) FROM rezago.methodology_weights('toy')$$),
 ('methodology_weights unknown',             $$SELECT count(*) FROM rezago.methodology_weights('nope')$$),
-- the index over tables
 ('comuna_lag_scores unknown methodology',   $$SELECT count(*) FROM rezago.comuna_lag_scores(2020, 'nope')$$),
 ('comuna_lag_scores NULL methodology',      $$SELECT count(*) FROM rezago.comuna_lag_scores(2020, NULL)$$),
 ('comuna_lag_scores one comuna -> 0, 0',    $$SELECT string_agg(cut || ':' || variable || '=' || score, ' ' ORDER BY variable) FROM rezago.comuna_lag_scores(2021, 'toy')$$),
 ('comuna_lag_scores huge -> 0, 1, .5; tiny equal -> 0', $$SELECT string_agg(cut || ':' || left(variable, 4) || '=' || score, ' ' ORDER BY variable, cut) FROM rezago.comuna_lag_scores(2022, 'toy')$$),
 ('comuna_lag_scores as zscore: agrupaciones (30 - x) / sqrt(250) -> 1.265 .632 0 -.632 -1.265; antenas sd 0 -> 0', $$SELECT string_agg(cut || ':' || left(variable, 4) || '=' || round(score::numeric, 3), ' ' ORDER BY variable, cut) FROM rezago.comuna_lag_scores(2020, 'toy', 'zscore')$$),
 ('comuna_lag_scores as rank: agrupaciones 1 .75 .5 .25 0; antenas tied -> 0', $$SELECT string_agg(cut || ':' || left(variable, 4) || '=' || score, ' ' ORDER BY variable, cut) FROM rezago.comuna_lag_scores(2020, 'toy', 'rank')$$),
 ('comuna_lag_scores unknown normalisation', $$SELECT count(*) FROM rezago.comuna_lag_scores(2020, 'toy', 'bogus')$$),
 ('variable_vintages 2020 -> 2020 (5), 2020 (5)', $$SELECT string_agg(left(variable, 4) || '=' || vintage || ' (' || comunas || ')', ' ' ORDER BY variable) FROM rezago.variable_vintages(2020, 'toy')$$),
 ('variable_vintages unknown period -> NULL (0)', $$SELECT string_agg(left(variable, 4) || '=' || coalesce(vintage::text, 'NULL') || ' (' || comunas || ')', ' ' ORDER BY variable) FROM rezago.variable_vintages(1900, 'toy')$$),
 ('variable_vintages unknown methodology', $$SELECT count(*) FROM rezago.variable_vintages(2020, 'nope')$$),
 ('scoring_values 2021 -> 101 only, observed', $$SELECT string_agg(cut || ':' || left(variable, 4) || '=' || value || coalesce(CASE WHEN imputed THEN '*' END, ''), ' ' ORDER BY variable) FROM rezago.scoring_values(2021, 'toy')$$),
 ('scoring_values NULL period -> no rows', $$SELECT count(*) FROM rezago.scoring_values(NULL, 'toy')$$),
 ('scoring_values unknown methodology', $$SELECT count(*) FROM rezago.scoring_values(2020, 'nope')$$),
 ('comuna_dimension_scores unknown period -> no rows', $$SELECT count(*) FROM rezago.comuna_dimension_scores(1900, 'toy')$$),
 ('comuna_dimension_scores NULL period -> no rows', $$SELECT count(*) FROM rezago.comuna_dimension_scores(NULL, 'toy')$$),
 ('comuna_index 2020 -> .5 .375 .25 .125 0', $$SELECT string_agg(cut || '=' || index || '#' || rank, ' ' ORDER BY cut) FROM rezago.comuna_index(2020, 'toy')$$),
 ('comuna_index one comuna: 101 = 0, others missing', $$SELECT string_agg(cut || '=' || coalesce(index::text, array_to_string(missing_dimensions, '+')), ' ' ORDER BY cut) FROM rezago.comuna_index(2021, 'toy') WHERE cut <= 105$$),
 ('comuna_index unknown period -> all NULL', $$SELECT count(*) || ' comunas, ' || count(index) || ' indices' FROM rezago.comuna_index(1900, 'toy') WHERE cut <= 105$$),
 ('comuna_index huge, minmax -> 0 .5 .25',   $$SELECT string_agg(cut || '=' || index, ' ' ORDER BY cut) FROM rezago.comuna_index(2022, 'toy') WHERE index IS NOT NULL$$),
 ('comuna_index huge, zscore -> -.5 .5 0',   $$SELECT string_agg(cut || '=' || round(index::numeric, 12), ' ' ORDER BY cut) FROM rezago.comuna_index(2022, 'toyz') WHERE index IS NOT NULL$$),
 ('comuna_index unknown methodology',        $$SELECT count(*) FROM rezago.comuna_index(2020, 'nope')$$),
 ('territory_index 0, 1, 2 members (101 twice) -> t1 .5, t2 .4375 (rank 4: tempty, tnull score .5 too)', $$SELECT string_agg(territory || '=' || coalesce(index::text, 'NULL') || '#' || coalesce(rank::text, '-') || ' ' || members || '/' || scored, ' ' ORDER BY territory) FROM rezago.territory_index(2020, 'toy') WHERE territory IN ('t0', 't1', 't2')$$),
 ('territory_index unknown period',          $$SELECT string_agg(territory || '=' || coalesce(index::text, 'NULL') || ' ' || members || '/' || scored, ' ' ORDER BY territory) FROM rezago.territory_index(1900, 'toy') WHERE territory IN ('t0', 't1', 't2')$$),
 ('territory_dimension_scores 0, 1, 2 members', $$SELECT string_agg(territory || ':' || left(dimension, 10) || '=' || coalesce(score::text, 'NULL') || ' ' || members || '/' || scored, ' ' ORDER BY territory, dimension) FROM rezago.territory_dimension_scores(2020, 'toy') WHERE territory IN ('t0', 't1', 't2')$$),
 ('territory_dimension_scores unknown methodology', $$SELECT count(*) FROM rezago.territory_dimension_scores(2020, 'nope')$$),
-- loaders
 ('import_observations NULL source -> NULL (strict)', $$SELECT rezago.import_observations(NULL)$$),
 ('import_observations empty source -> 0',  $$SELECT rezago.import_observations('matrix_empty_obs')$$),
 ('import_observations one row -> 1',       $$SELECT rezago.import_observations('matrix_obs')$$),
 ('import_observations NaN value',          $$SELECT rezago.import_observations('matrix_nan_obs')$$),
 ('import_observations no such table (PostgreSQL''s regclass input)', $$SELECT rezago.import_observations('no_such_table')$$),
 ('import_comunas NULL source',             $$SELECT rezago.import_comunas(NULL)$$),
 ('import_comunas empty source -> 0',       $$SELECT rezago.import_comunas('matrix_empty_geom')$$),
 ('import_comunas NULL cut column',         $$SELECT rezago.import_comunas('matrix_empty_geom', cut_column => NULL)$$),
 ('import_comunas invalid bow tie -> 1, made valid', $$SELECT pg_temp.stage('bow_tie') || rezago.import_comunas('matrix_one_geom')$$),
 ('import_comunas empty geometry',          $$SELECT pg_temp.stage('empty') || rezago.import_comunas('matrix_one_geom')$$),
 ('import_comunas SRID 0',                  $$SELECT pg_temp.stage('srid0') || rezago.import_comunas('matrix_one_geom')$$),
 ('import_comunas unknown SRID',            $$SELECT pg_temp.stage('srid999999') || rezago.import_comunas('matrix_one_geom')$$),
 ('import_comunas degenerate polygon',      $$SELECT pg_temp.stage('degenerate') || rezago.import_comunas('matrix_one_geom')$$),
 ('import_comunas a line',                  $$SELECT pg_temp.stage('line') || rezago.import_comunas('matrix_one_geom')$$),
 ('import_comunas_geojson not a collection', $$SELECT rezago.import_comunas_geojson('{"type": "Feature"}')$$),
 ('import_comunas_geojson NULL',            $$SELECT rezago.import_comunas_geojson(NULL)$$),
 ('import_comunas_geojson no features -> 0', $$SELECT rezago.import_comunas_geojson('{"type": "FeatureCollection", "features": []}')$$),
 ('import_comunas_geojson no coordinates',  $$SELECT rezago.import_comunas_geojson('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"cod_comuna": 107, "Comuna": "Siete"}, "geometry": {"type": "Polygon"}}]}')$$),
-- role helpers
 ('grant_reader NULL role',                 $$SELECT count(*) FROM rezago.grant_reader(NULL)$$),
 ('grant_editor no such role (PostgreSQL''s regrole input)',              $$SELECT count(*) FROM rezago.grant_editor('no_such_role')$$),
 ('grant_methodology_owner NULL',           $$SELECT count(*) FROM rezago.grant_methodology_owner(NULL)$$),
 ('revoke_reader NULL',                     $$SELECT count(*) FROM rezago.revoke_reader(NULL)$$),
 ('revoke_editor NULL',                     $$SELECT count(*) FROM rezago.revoke_editor(NULL)$$),
 ('revoke_methodology_owner NULL',          $$SELECT count(*) FROM rezago.revoke_methodology_owner(NULL)$$),
 ('access_statements unknown level',        $$SELECT count(*) FROM rezago.access_statements('admin', 'postgres')$$),
 ('apply_access NULL levels',               $$SELECT count(*) FROM rezago.apply_access(NULL, 'postgres', true)$$),
 ('restrict_public_execute twice -> 0',     $$SELECT count(*) FROM rezago.restrict_public_execute()$$),
 ('unclassified_objects -> 0',              $$SELECT count(*) FROM rezago.unclassified_objects()$$),
-- territories and contiguity (issue 3): 0 and 1 member, a comuna in two
-- territories, invalid, empty and missing boundaries, bad tolerances
 ('territory_contiguity per territory',     $$SELECT string_agg(territory || ':' || members || '/' || components || '/' || coalesce(contiguous::text, 'NULL'), ' ' ORDER BY territory) FROM rezago.territory_contiguity(0)$$),
 ('territory_contiguity unknown code -> no rows', $$SELECT count(*) FROM rezago.territory_contiguity(0, ARRAY['nope'])$$),
 ('territory_contiguity NaN tolerance',     $$SELECT count(*) FROM rezago.territory_contiguity('NaN')$$),
 ('territory_contiguity negative tolerance', $$SELECT count(*) FROM rezago.territory_contiguity(-1)$$),
 ('territory_contiguity NULL tolerance',    $$SELECT count(*) FROM rezago.territory_contiguity(NULL)$$),
 ('check_territory two touching -> contiguous', $$SELECT members || '/' || components || '/' || contiguous FROM rezago.check_territory(ARRAY[101, 102])$$),
 ('check_territory empty list',             $$SELECT members || '/' || components || '/' || coalesce(contiguous::text, 'NULL') FROM rezago.check_territory('{}')$$),
 ('check_territory one member',             $$SELECT members || '/' || components || '/' || coalesce(contiguous::text, 'NULL') FROM rezago.check_territory(ARRAY[101])$$),
 ('check_territory duplicate and unknown',  $$SELECT members || '/' || components || '/' || coalesce(contiguous::text, 'NULL') FROM rezago.check_territory(ARRAY[101, 101, 999])$$),
 ('check_territory invalid + empty boundary', $$SELECT members || '/' || components || '/' || coalesce(contiguous::text, 'NULL') FROM rezago.check_territory(ARRAY[107, 108, 102])$$),
 ('check_territory NULL',                   $$SELECT count(*) FROM rezago.check_territory(NULL)$$),
 ('group_contiguity two groups',            $$SELECT string_agg(territory || ':' || members || '/' || components, ' ' ORDER BY territory) FROM rezago.group_contiguity(ARRAY['a', 'a', 'b', 'b'], ARRAY[101, 102, 101, 103])$$),
 ('group_contiguity arrays of unequal length', $$SELECT count(*) FROM rezago.group_contiguity(ARRAY['a'], ARRAY[101, 102])$$),
 ('comuna_adjacency of 101..103 -> 101-102, 102-103', $$SELECT string_agg(cut_a || '-' || cut_b, ' ' ORDER BY cut_a, cut_b) FROM rezago.comuna_adjacency(0, false, ARRAY[101, 102, 103])$$),
 ('comuna_adjacency with invalid and empty', $$SELECT count(*) FROM rezago.comuna_adjacency(0, true, ARRAY[107, 108, 109, 102])$$),
 ('comuna_adjacency Infinity tolerance',    $$SELECT count(*) FROM rezago.comuna_adjacency('Infinity')$$),
 ('boundary_pairs_intersect 101-102, 101-109, 101-999', $$SELECT rezago.boundary_pairs_intersect(ARRAY(SELECT cut FROM rezago.comuna WHERE cut IN (101, 102, 109) ORDER BY cut), ARRAY(SELECT geom::bytea FROM rezago.comuna WHERE cut IN (101, 102, 109) ORDER BY cut), ARRAY[101, 101, 101], ARRAY[102, 109, 999])::text$$),
 ('boundary_pairs_intersect bytes not WKB',  $$SELECT rezago.boundary_pairs_intersect(ARRAY[1, 2], ARRAY['\x01'::bytea, '\x01'::bytea], ARRAY[1], ARRAY[2])::text$$),
 ('boundary_pairs_intersect id twice',       $$SELECT rezago.boundary_pairs_intersect(ARRAY[1, 1], ARRAY[NULL, NULL]::bytea[], ARRAY[1], ARRAY[1])::text$$),
 ('territory_union invalid member',         $$SELECT members || '/' || members_with_geometry || ' ' || ST_IsValid(geom) FROM rezago.territory_union(ARRAY['tbad'])$$),
 ('territory_union_geom',                   $$SELECT count(*) || ' ' || bool_and(ST_IsValid(geom)) FROM rezago.territory_union_geom()$$),
 ('refresh_territory_geometry unknown code', $$SELECT rezago.refresh_territory_geometry(ARRAY['nope'])$$),
 ('create_province_territories without provincias', $$SELECT count(*) FROM rezago.create_province_territories('p_', 0)$$),
 ('create_province_territories NULL prefix', $$SELECT count(*) FROM rezago.create_province_territories(NULL)$$),
 ('create_pilot_territories without the comunas', $$SELECT count(*) FROM rezago.create_pilot_territories()$$),
 ('connected_components of 1-2, 2-3, 5-5', $$SELECT rezago.connected_components(a, b)::text FROM (VALUES (1::bigint, 2::bigint), (2, 3), (5, 5)) e(a, b)$$),
 ('component_count empty -> 0',             $$SELECT rezago.component_count(a, b) FROM (VALUES (1::bigint, 2::bigint)) e(a, b) WHERE false$$),
 ('component_count NULL edge',              $$SELECT rezago.component_count(a, b) FROM (VALUES (1::bigint, NULL::bigint)) e(a, b)$$),
 ('valid_geometry of a bow tie',            $$SELECT ST_IsValid(rezago.valid_geometry('SRID=4326;POLYGON((0 0,2 2,2 0,0 2,0 0))'))$$),
 ('valid_tolerance NaN',                    $$SELECT rezago.valid_tolerance('NaN')$$),
 ('valid_tolerance 1e6',                    $$SELECT rezago.valid_tolerance(1e6)$$),
 ('metric_srid of Santiago -> 32719',       $$SELECT rezago.metric_srid('SRID=4326;POINT(-70.65 -33.45)')$$),
 ('metric_srid NULL',                       $$SELECT rezago.metric_srid(NULL)$$),
 ('expand_by_metres NaN -> NULL',           $$SELECT rezago.expand_by_metres('SRID=4326;POINT(0 0)', 'NaN')$$),
 ('expand_by_metres tiny -> 1 mm box',      $$SELECT ST_XMax(rezago.expand_by_metres('SRID=4326;POINT(0 0)', 5e-324)) > 0$$),
 ('name_key accents and case',              $$SELECT rezago.name_key('  Ñuñoa / RÁNQUIL ')$$),
 ('comuna_cut unknown name',                $$SELECT rezago.comuna_cut('Nowhere')$$),
 ('comuna_cut NULL -> NULL',                $$SELECT rezago.comuna_cut(NULL)$$),
 ('comuna_cuts with a NULL element',        $$SELECT rezago.comuna_cuts(ARRAY['C1', NULL])::text$$),
 ('provincia_code unknown',                 $$SELECT rezago.provincia_code('Nowhere')$$),
 ('resolve_name unknown kind',              $$SELECT rezago.resolve_name('region', 'C1')$$),
 ('find_comuna empty name',                 $$SELECT count(*) FROM rezago.find_comuna('')$$),
 ('find_provincia NULL',                    $$SELECT count(*) FROM rezago.find_provincia(NULL)$$),
 ('find_place unknown kind',                $$SELECT count(*) FROM rezago.find_place('region', 'C1')$$),
-- entry and exit status (issue 4)
 ('exit_status empty -> insufficient_data', $$SELECT (rezago.exit_status(v, t, 1)).stage FROM (VALUES (1::float8, 2::float8)) x(v, t) WHERE false$$),
 ('exit_status NaN value',                  $$SELECT (rezago.exit_status('NaN', 1, 1)).stage$$),
 ('exit_status polarity 0',                 $$SELECT (rezago.exit_status(1, 1, 0)).stage$$),
 ('exit_status one overcome of one -> exited', $$SELECT (rezago.exit_status(3, 2, 1)).stage$$),
 ('territory_means empty -> NULL',         $$SELECT rezago.territory_means(v, p, x, ARRAY['a'], ARRAY[2020])::text FROM (VALUES ('a', 2020, 1::float8)) r(v, p, x) WHERE false$$),
 ('territory_means NaN value',              $$SELECT rezago.territory_means('a', 2020, 'NaN', ARRAY['a'], ARRAY[2020])::text$$),
 ('territory_means NULL variables',         $$SELECT rezago.territory_means('a', 2020, 1, NULL, ARRAY[2020])::text$$),
 ('territory_means repeated variable',      $$SELECT rezago.territory_means('a', 2020, 1, ARRAY['a', 'a'], ARRAY[2020, 2020])::text$$),
 ('territory_means lengths differ',         $$SELECT rezago.territory_means('a', 2020, 1, ARRAY['a', 'b'], ARRAY[2020])::text$$),
 ('territory_means other period skipped',   $$SELECT rezago.territory_means('a', 2019, 1, ARRAY['a', 'b'], ARRAY[2020, NULL])::text$$),
 ('territory_means overflow',               $$SELECT rezago.territory_means(v, 2020, x, ARRAY['a'], ARRAY[2020])::text FROM (VALUES ('a', 1.7e308::float8), ('a', 1.7e308)) r(v, x)$$),
 ('entry_status empty',                     $$SELECT rezago.entry_status(n, r, c, l, i)::text FROM (VALUES (1::bigint, 1::bigint, 1::bigint, 1::float8, 0::float8)) x(n, r, c, l, i) WHERE false$$),
 ('entry_status negative localities',       $$SELECT rezago.entry_status(1, 1, 3, -1, 0)::text$$),
 ('entry_status isolated > localities',     $$SELECT rezago.entry_status(1, 1, 3, 1, 5)::text$$),
 ('territory_gaps unknown methodology',     $$SELECT count(*) FROM rezago.territory_gaps(2020, 'nope')$$),
 ('territory_gaps 0 members excluded, 101 twice', $$SELECT string_agg(DISTINCT territory, ' ' ORDER BY territory) FROM rezago.territory_gaps(2020, 'toy') WHERE territory IN ('t0', 't1', 't2')$$),
 ('territory_exit unknown period',          $$SELECT string_agg(territory || '=' || coalesce(stage, 'NULL'), ' ' ORDER BY territory) FROM rezago.territory_exit(1900, 'toy') WHERE territory IN ('t0', 't1', 't2')$$),
 ('territory_entry without poverty data',   $$SELECT string_agg(territory || '=' || coalesce(eligible::text, 'NULL'), ' ' ORDER BY territory) FROM rezago.territory_entry(2020, 'toy') WHERE territory IN ('t0', 't1', 't2')$$),
 ('variable_thresholds unknown methodology', $$SELECT count(*) FROM rezago.variable_thresholds(2020, 'nope')$$),
 ('variable_thresholds as median: agrupaciones 30, antenas 5', $$SELECT string_agg(left(variable, 4) || '=' || threshold || ' (' || source || ')', ' ' ORDER BY variable) FROM rezago.variable_thresholds(2020, 'toy', 'median')$$),
 ('variable_thresholds as fixed without values -> NULL', $$SELECT string_agg(left(variable, 4) || '=' || coalesce(threshold::text, 'NULL'), ' ' ORDER BY variable) FROM rezago.variable_thresholds(2020, 'toy', 'fixed')$$),
 ('territory_exit as percentile without percentile', $$SELECT count(*) FROM rezago.territory_exit(2020, 'toy', 'percentile')$$),
 ('comuna_poverty_ranks no data -> 0',      $$SELECT count(*) FROM rezago.comuna_poverty_ranks(2020)$$),
 ('programme_status period 0 -> not in programme', $$SELECT count(*) || ' ' || bool_or(in_programme) FROM rezago.programme_status(0, 'toy')$$),
 ('programme_status as_of infinity',        $$SELECT count(*) FROM rezago.programme_status(2020, 'toy', 'infinity')$$),
 ('most_lagged n = 0',                      $$SELECT count(*) FROM rezago.most_lagged(0, 2020, 'toy')$$),
 ('most_lagged n = -1',                     $$SELECT count(*) FROM rezago.most_lagged(-1, 2020, 'toy')$$),
-- portal (issue 7): views' functions, explanations, maps
 ('default_methodology',                    $$SELECT rezago.default_methodology()$$),
 ('index_periods toy -> 2020 2021 2022',    $$SELECT string_agg(period::text, ' ' ORDER BY period) FROM rezago.index_periods('toy')$$),
 ('index_status_label unknown',             $$SELECT rezago.index_status_label('nope')$$),
 ('comuna_contributions unknown methodology', $$SELECT count(*) FROM rezago.comuna_contributions(2020, 'nope')$$),
 ('territory_contributions unknown period', $$SELECT count(*) FROM rezago.territory_contributions(1900, 'toy')$$),
 ('explain_territory 0 members',            $$SELECT count(*) FROM rezago.explain_territory('t0', 2020, 'toy')$$),
 ('explain_territory unknown territory',    $$SELECT count(*) FROM rezago.explain_territory('nope', 2020, 'toy')$$),
 ('entry_periods without poverty data -> 0', $$SELECT count(*) FROM rezago.entry_periods()$$),
 ('criterion_value NULL',                   $$SELECT rezago.criterion_value(NULL)$$),
 ('default_contiguity_tolerance',           $$SELECT rezago.default_contiguity_tolerance()$$),
 ('map_features territories with invalid/empty members', $$SELECT count(*) FROM rezago.map_features('territory', 2020, 'toy')$$),
 ('map_features unknown layer',             $$SELECT count(*) FROM rezago.map_features('region', 2020, 'toy')$$),
 ('geojson decimals -1',                    $$SELECT rezago.geojson('comuna', 2020, 'toy', -1)::text$$),
 ('geojson empty geometry comuna skipped',  $$SELECT jsonb_array_length(rezago.geojson('comuna', 2020, 'toy') -> 'features')$$),
 ('svg_map width 0',                        $$SELECT length(rezago.svg_map('comuna', 2020, 'toy', 0))$$),
 ('svg_map classes 99',                     $$SELECT length(rezago.svg_map('comuna', 2020, 'toy', classes => 99))$$),
 ('map_tile zoom 30',                       $$SELECT length(rezago.map_tile('comuna', 30, 0, 0, 2020, 'toy'))$$),
 ('map_tile NULL coordinates -> NULL',      $$SELECT length(rezago.map_tile('comuna', NULL, 0, 0, 2020, 'toy'))$$),
 ('comuna_tiles x out of range',            $$SELECT length(rezago.comuna_tiles(1, 5, 0, 2020, 'toy'))$$),
 ('territory_tiles tile 0/0/0',             $$SELECT length(rezago.territory_tiles(0, 0, 0, 2020, 'toy')) > 0$$),
 ('comuna_tiles_martin bad period',         $$SELECT length(rezago.comuna_tiles_martin(0, 0, 0, '{"period": "x"}'))$$),
 ('territory_tiles_martin NULL params',     $$SELECT length(rezago.territory_tiles_martin(0, 0, 0, NULL)) > 0$$),
 ('check_tile negative',                    $$SELECT rezago.check_tile(1, -1, 0)$$),
 ('check_map_layer NULL',                   $$SELECT rezago.check_map_layer(NULL)$$),
 ('check_svg_args bad breaks',              $$SELECT rezago.check_svg_args(600, 400, 5, 'nope')$$),
 ('map_palette 0 classes',                  $$SELECT rezago.map_palette(0)::text$$),
 ('xml_escape',                             $$SELECT rezago.xml_escape('<a href="x">&</a>')$$),
 ('refresh_portal_views (owner)',           $$SELECT count(*) FROM rezago.refresh_portal_views(false)$$),
-- uncertainty and sensitivity (issue 5)
 ('random_uniforms 3 in [0,1)',             $$SELECT bool_and(u >= 0 AND u < 1) || ' ' || count(*) FROM unnest(rezago.random_uniforms(1, 0, 3)) u$$),
 ('random_uniforms negative stream',        $$SELECT rezago.random_uniforms(1, -1, 3)::text$$),
 ('random_uniforms n too large',            $$SELECT cardinality(rezago.random_uniforms(1, 0, 2000000))$$),
 ('uncertainty_draws 0 runs',               $$SELECT count(*) FROM rezago.uncertainty_draws(0)$$),
 ('uncertainty_runs unknown period',        $$SELECT count(*) FROM rezago.uncertainty_runs(1900, 5, 1, 'toy')$$),
 ('rank_uncertainty NaN perturbation',      $$SELECT count(*) FROM rezago.rank_uncertainty(2020, 5, 1, 'toy', weight_perturbation => 'NaN')$$),
 ('rank_uncertainty unknown normalisation', $$SELECT count(*) FROM rezago.rank_uncertainty(2020, 5, 1, 'toy', normalisations => ARRAY['nope'])$$),
 ('rank_uncertainty 0, 1, 2 members',       $$SELECT string_agg(territory, ' ' ORDER BY territory) FROM rezago.rank_uncertainty(2020, 5, 1, 'toy') WHERE territory IN ('t0', 't1', 't2')$$),
 ('comuna_rank_uncertainty unknown period', $$SELECT count(*) FROM rezago.comuna_rank_uncertainty(1900, 5, 1, 'toy')$$),
 ('comuna_rank_uncertainty 2020 -> 5 comunas ranked', $$SELECT count(*) FILTER (WHERE nominal_rank IS NOT NULL) FROM rezago.comuna_rank_uncertainty(2020, 5, 1, 'toy')$$),
 ('comuna_rank_uncertainty NULL target',    $$SELECT count(*) FROM rezago.comuna_rank_uncertainty(2020, 5, 1, 'toy', target => NULL)$$),
 ('rank_uncertainty leave_out NULL element', $$SELECT count(*) FROM rezago.rank_uncertainty(2020, 5, 1, 'toy', leave_out => ARRAY[NULL])$$),
 ('rank_uncertainty weight_sets JSON null',  $$SELECT count(*) FROM rezago.rank_uncertainty(2020, 5, 1, 'toy', weight_sets => 'null')$$),
 ('rank_uncertainty dimension perturbation 1', $$SELECT count(*) FROM rezago.rank_uncertainty(2020, 5, 1, 'toy', dimension_weight_perturbation => 1)$$),
 ('rank_sensitivity 1 base sample',         $$SELECT count(*) FROM rezago.rank_sensitivity(2020, 1, 1, 'toy')$$),
 ('sensitivity_analytic unknown model',     $$SELECT count(*) FROM rezago.sensitivity_analytic('nope')$$),
 ('exit_status_accum NULL state',           $$SELECT rezago.exit_status_accum(NULL, 1, 2, 1)::text$$),
 ('exit_status_accum (7 arguments) NULL state', $$SELECT rezago.exit_status_accum(NULL, 1, 2, 1, 3, 0.3, 0.6, 0.5)::text$$),
 ('exit_status_combine short state',        $$SELECT rezago.exit_status_combine('{1}', '{1}')::text$$),
 ('exit_status_final NaN state',            $$SELECT rezago.exit_status_final('{NaN,0,0,0,0,0,0}')::text$$),
 ('entry_status_accum NULL state',          $$SELECT rezago.entry_status_accum(NULL, 1, 1, 3, 1, 0)::text$$),
 ('entry_status_accum (9 arguments) NULL state', $$SELECT rezago.entry_status_accum(NULL, 1, 1, 3, 1, 0, 100, 0.3, 0.1, 2)::text$$),
 ('entry_status_combine short state',       $$SELECT rezago.entry_status_combine('{1}', '{1}')::text$$),
 ('entry_status_final Infinity state',      $$SELECT rezago.entry_status_final('{Infinity,0,0,0,0,0,0,0,0,0,0,0,0,0,0}')::text$$),
 ('territory_geometry_sync called directly (PostgreSQL''s own check)', $$SELECT rezago.territory_geometry_sync()$$),
 ('protect_builtin_rows called directly (PostgreSQL''s own check)',   $$SELECT rezago.protect_builtin_rows()$$),
-- the unit aggregates (src/sql/index.sql): (dimension, n_dimensions, score, weight, dimension_weight, min_coverage)
 ('unit_index one dimension -> .4',          $$SELECT rezago.unit_index(d, 1, s, 0.5, 1, 0.5) FROM (VALUES (1, 0.2::float8), (1, 0.6)) v(d, s)$$),
 ('unit_index empty -> NULL',                $$SELECT rezago.unit_index(1, 1, 0.5, 1, 1, 0) WHERE false$$),
 ('unit_index a dimension without rows -> NULL', $$SELECT rezago.unit_index(1, 2, 0.5, 1, 1, 0)$$),
 ('unit_index NULL dimension',               $$SELECT rezago.unit_index(NULL, 1, 0.5, 1, 1, 0)$$),
 ('unit_index dimension 3 of 2',             $$SELECT rezago.unit_index(3, 2, 0.5, 1, 1, 0)$$),
 ('unit_index n_dimensions 0',               $$SELECT rezago.unit_index(1, 0, 0.5, 1, 1, 0)$$),
 ('unit_index NaN score',                    $$SELECT rezago.unit_index(1, 1, 'NaN', 1, 1, 0)$$),
 ('unit_index Infinity weight',              $$SELECT rezago.unit_index(1, 1, 0.5, 'Infinity', 1, 0)$$),
 ('unit_index zero dimension_weight',        $$SELECT rezago.unit_index(1, 1, 0.5, 1, 0, 0)$$),
 ('unit_index min_coverage 2',               $$SELECT rezago.unit_index(1, 1, 0.5, 1, 1, 2)$$),
 ('unit_index rows weighing 2 in a dimension', $$SELECT rezago.unit_index(1, 1, s, 1, 1, 0) FROM (VALUES (0.2::float8), (0.4)) v(s)$$),
 ('unit_index n_dimensions changes',         $$SELECT rezago.unit_index(1, n, 0.5, 0.5, 1, 0) FROM (VALUES (1), (2)) v(n)$$),
 ('unit_dimension_scores half missing, min_coverage .5 -> {.8,NULL}', $$SELECT rezago.unit_dimension_scores(d, 2, s, 0.5, 1, 0.5)::text FROM (VALUES (1, 0.8::float8), (1, NULL)) v(d, s)$$),
 ('unit_dimension_coverage -> {.5,NULL}',    $$SELECT rezago.unit_dimension_coverage(d, 2, s, 0.5, 1, 0.5)::text FROM (VALUES (1, 0.8::float8), (1, NULL)) v(d, s)$$),
 ('unit_missing_dimensions -> {2}',          $$SELECT rezago.unit_missing_dimensions(d, 2, s, 0.5, 1, 0.5)::text FROM (VALUES (1, 0.8::float8), (1, NULL)) v(d, s)$$),
 ('unit_accum NULL state (direct call) -> new state: header 4,3,1; n 1, mincov 0, not slotted, dw 1; row (1,1,.5)', $$SELECT rezago.unit_accum(NULL, 1, 1, 0.5, 1, 1, 0)::text$$),
 ('unit_combine different n_dimensions',     $$SELECT rezago.unit_combine('{4,3,0,1,0,0,0}', '{5,3,0,2,0,0,0,0}')::text$$),
 ('unit_index_final NaN state',              $$SELECT rezago.unit_index_final('{1,0,1,1,1,NaN}')$$),
 ('unit_dimension_scores_final short state', $$SELECT rezago.unit_dimension_scores_final('{1}')::text$$),
 ('unit_dimension_coverage_final 2-D state', $$SELECT rezago.unit_dimension_coverage_final('{{1,0,0,0,0,0}}')::text$$),
 ('unit_missing_dimensions_final n = 0 state', $$SELECT rezago.unit_missing_dimensions_final('{0,0}')::text$$),
-- from raw values, with the scoring table of toy in 2020 (fisico = 1, social = 2)
 ('unit_index_values 2020 -> .5 .375 .25 .125 0', $$SELECT string_agg(x.cut || '=' || x.i, ' ' ORDER BY x.cut) FROM (SELECT o.cut, rezago.unit_index_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage) i FROM rezago.observation o, rezago.variable_scoring(2020, 'toy') s WHERE o.period = 2020 GROUP BY o.cut) x$$),
 ('unit_dimension_scores_values agrupaciones 10 -> {NULL,1}', $$SELECT rezago.unit_dimension_scores_values('agrupaciones_sociales', 10, s.variables, s.scoring, 0)::text FROM rezago.variable_scoring(2020, 'toy') s$$),
 ('unit_dimension_coverage_values NaN value -> {NULL,0}', $$SELECT rezago.unit_dimension_coverage_values('agrupaciones_sociales', 'NaN', s.variables, s.scoring, 0)::text FROM rezago.variable_scoring(2020, 'toy') s$$),
 ('unit_missing_dimensions_values unknown variable -> {1,2}', $$SELECT rezago.unit_missing_dimensions_values('nope', 1, s.variables, s.scoring, 0)::text FROM rezago.variable_scoring(2020, 'toy') s$$),
 ('unit_index_values NULL scoring',          $$SELECT rezago.unit_index_values('antenas', 1, ARRAY['antenas'], NULL, 0)$$),
 ('unit_index_values scoring of the wrong shape', $$SELECT rezago.unit_index_values('antenas', 1, ARRAY['antenas'], '{1,1}', 0)$$),
 ('unit_index_values NaN in the scoring table', $$SELECT rezago.unit_index_values('antenas', 1, ARRAY['antenas'], '{{1,1,1,1,1,0,0,1,NaN,NULL}}', 0)$$),
 ('unit_state_values unknown variable -> header 4,3,1; 1,0, slotted, dw 0; empty slot', $$SELECT rezago.unit_state_values('nope', 1, ARRAY['antenas'], '{{1,1,1,1,1,0,0,1,NULL,NULL}}', 0)::text$$),
 ('scoring_rows toy 2020: antenas all equal, agrupaciones 10..50', $$SELECT string_agg(variable || ':' || dimension_no || '/' || n_dimensions || ' ' || lo || '..' || hi, ', ' ORDER BY variable) FROM rezago.scoring_rows(2020, 'toy')$$),
 ('scoring_rows unknown methodology',        $$SELECT count(*) FROM rezago.scoring_rows(2020, 'nope')$$),
 ('variable_scoring NULL period -> no rows', $$SELECT count(*) FROM rezago.variable_scoring(NULL, 'toy')$$),
 ('variable_scoring unknown period -> bounds NULL', $$SELECT scoring::text FROM rezago.variable_scoring(1900, 'toy')$$),
 ('ranked_lag_score_rows minmax methodology -> no rows', $$SELECT count(*) FROM rezago.ranked_lag_score_rows(2020, 'toy')$$),
 ('ranked_lag_score_rows unknown methodology', $$SELECT count(*) FROM rezago.ranked_lag_score_rows(2020, 'nope')$$),
 ('unit_state -> header 4,3,2; n 1, min_coverage .5, not slotted, dw 1; rows sorted (1,-.5,0), (1,.5,.2)', $$SELECT rezago.unit_state(1, 1, s, 0.5, 1, 0.5)::text FROM (VALUES (0.2::float8), (NULL)) v(s)$$),
 ('unit_state NULL weight',                  $$SELECT rezago.unit_state(1, 1, 0.5, NULL, 1, 0)::text$$),
 ('unit_state_values agrupaciones 30 -> header 5,3,2; n 2, mincov 0, slotted, dw 0,.5; slots (2,1,.5), empty', $$SELECT rezago.unit_state_values('agrupaciones_sociales', 30, s.variables, s.scoring, 0)::text FROM rezago.variable_scoring(2020, 'toy') s$$),
 ('unit_state_values NULL min_coverage',     $$SELECT rezago.unit_state_values('antenas', 1, ARRAY['antenas'], '{{1,1,1,1,1,0,0,1,NULL,NULL}}', NULL)::text$$),
 ('comuna_unit_states 2020 -> index .5 .375 .25 .125 0', $$SELECT string_agg(cut || '=' || rezago.unit_index_final(state), ' ' ORDER BY cut) FROM rezago.comuna_unit_states(2020, 'toy')$$),
 ('comuna_unit_states NULL period -> no rows', $$SELECT count(*) FROM rezago.comuna_unit_states(NULL, 'toy')$$),
 ('comuna_unit_states unknown methodology',  $$SELECT count(*) FROM rezago.comuna_unit_states(2020, 'nope')$$),
 ('unit_state_trim short state',             $$SELECT rezago.unit_state_trim('{3,3}')::text$$),
 ('unit_state_trim NaN state',               $$SELECT rezago.unit_state_trim('{3,3,0,1,NaN,0}')::text$$),
 -- canonical sums: ascending magnitude, so the row order cannot matter
 -- .1+.2 = .30000000000000004, + .3 = .6000000000000001 (sum() in the order
 -- .3, .2, .1 gives .6): both orders give the canonical bits
 ('canonical_sum .1 .2 .3 in two orders: same bits, = (.1 + .2) + .3, sum() differs -> t t t', $$SELECT (a = b)::text || ' ' || (a = (0.1::float8 + 0.2) + 0.3) || ' ' || (c <> a) FROM (SELECT (SELECT rezago.canonical_sum(x) FROM (VALUES (0.1::float8), (0.2), (0.3)) v(x)) AS a, (SELECT rezago.canonical_sum(x) FROM (VALUES (0.3::float8), (0.2), (0.1)) v(x)) AS b, (SELECT sum(x) FROM (VALUES (0.3::float8), (0.2), (0.1)) v(x)) AS c) q$$),
 -- -1e308 + 1e308 = 0, + 1e308: no overflow in any order
 ('canonical_sum 1e308, 1e308, -1e308 -> 1e308', $$SELECT rezago.canonical_sum(x) FROM (VALUES (1e308::float8), (1e308), (-1e308)) v(x)$$),
 ('canonical_sum 1e308 twice -> out of range', $$SELECT rezago.canonical_sum(x) FROM (VALUES (1e308::float8), (1e308)) v(x)$$),
 ('canonical_sum empty -> NULL',             $$SELECT rezago.canonical_sum(x) FROM (VALUES (NULL::float8)) v(x)$$),
 ('canonical_sum NaN',                       $$SELECT rezago.canonical_sum(x) FROM (VALUES (1::float8), ('NaN')) v(x)$$),
 -- the mean of values scaled by 2^1022 does not overflow
 ('canonical_avg 1e308 twice -> 1e308',      $$SELECT rezago.canonical_avg(x) FROM (VALUES (1e308::float8), (1e308), (NULL)) v(x)$$),
 ('canonical_avg -Infinity',                 $$SELECT rezago.canonical_avg(x) FROM (VALUES ('-Infinity'::float8)) v(x)$$),
 -- 2 4 4 4 5 5 7 9: mean 5, squares 32, sqrt(32 / 7) = 2.1380899352993950
 ('canonical_stddev_samp 2 4 4 4 5 5 7 9 -> 2.138089935299395', $$SELECT rezago.canonical_stddev_samp(x) FROM unnest('{2,4,4,4,5,5,7,9}'::float8[]) x$$),
 ('canonical_stddev_samp one value -> NULL', $$SELECT rezago.canonical_stddev_samp(x) FROM (VALUES (3::float8)) v(x)$$),
 ('canonical_stddev_samp -1e308, 1e308 -> 1.4142135623730951e308', $$SELECT rezago.canonical_stddev_samp(x) FROM (VALUES (-1e308::float8), (1e308)) v(x)$$),
 ('canonical_accum NULL state -> first row {0,1,1,1}',              $$SELECT rezago.canonical_accum(NULL, 1)::text$$),
 ('canonical_accum direct call -> {0,1,1,2}', $$SELECT rezago.canonical_accum('{0,1,0}', 2)::text$$),
 ('canonical_combine 2-D state',             $$SELECT rezago.canonical_combine('{0,1,0}', '{{0,1,0}}')::text$$),
 ('canonical_sum_final more rows than room', $$SELECT rezago.canonical_sum_final('{0,1,2,5}')$$),
 ('canonical_avg_final Infinity state',      $$SELECT rezago.canonical_avg_final('{0,1,1,Infinity}')$$),
 ('canonical_stddev_samp_final wrong width', $$SELECT rezago.canonical_stddev_samp_final('{0,2,1,1,1}')$$),
 ('territory_feature_id known, unknown, NULL', $$SELECT rezago.territory_feature_id('tbad') || ' ' || coalesce(rezago.territory_feature_id('nope')::text, 'NULL') || ' ' || coalesce(rezago.territory_feature_id(NULL)::text, 'NULL')$$),
 ('map_dimension_scores unknown layer',    $$SELECT count(*) FROM rezago.map_dimension_scores('region')$$),
-- the audit (issue 18): statistics, correlations, reliability, influence, comparison
 ('distribution_moments NULL, NaN, Infinity missing -> {2,1.5,..}', $$SELECT rezago.distribution_moments(ARRAY[1, NULL, 'NaN', '-Infinity', 2]::float8[])::text$$),
 ('distribution_moments huge -> mean 0, sd 1.7e308, skewness 0', $$SELECT rezago.distribution_moments(ARRAY[1.7e308, -1.7e308, 0]::float8[])::text$$),
 ('distribution_moments empty -> n 0',     $$SELECT rezago.distribution_moments(ARRAY[]::float8[])::text$$),
 ('correlation lengths differ',            $$SELECT rezago.correlation(ARRAY[1, 2]::float8[], ARRAY[1]::float8[])$$),
 ('correlation unknown method',            $$SELECT rezago.correlation(ARRAY[1, 2]::float8[], ARRAY[1, 2]::float8[], 'tau')$$),
 ('correlation huge -> 1',                 $$SELECT rezago.correlation(ARRAY[1.7e308, -1.7e308, 0]::float8[], ARRAY[1, -1, 0]::float8[])$$),
 ('correlation one complete pair -> NULL', $$SELECT rezago.correlation(ARRAY[1, 'NaN']::float8[], ARRAY[1, 2]::float8[], 'kendall')$$),
 ('reliability one-dimensional',           $$SELECT rezago.reliability(ARRAY[1, 2]::float8[])::text$$),
 ('reliability empty -> n 0, k 0',         $$SELECT rezago.reliability(ARRAY[]::float8[])::text$$),
 ('reliability Infinity rows left out',    $$SELECT rezago.reliability(ARRAY[[1, 2], ['Infinity', 1], [2, 1], [3, 3]]::float8[])::text$$),
 ('variable_statistics 2020: antenas constant, agrupaciones 10..50', $$SELECT string_agg(left(variable, 4) || ' n ' || n || ' sd ' || sd || ' skew ' || coalesce(skewness::text, 'NULL'), '; ' ORDER BY variable) FROM rezago.variable_statistics(2020, 'toy')$$),
 ('variable_statistics 2022 huge values',  $$SELECT string_agg(left(variable, 4) || ' n ' || n || ' out ' || cardinality(outlier_comunas), '; ' ORDER BY variable) FROM rezago.variable_statistics(2022, 'toy')$$),
 ('variable_statistics NULL period -> n 0', $$SELECT string_agg(n::text, ' ') FROM rezago.variable_statistics(NULL, 'toy')$$),
 ('variable_statistics unknown methodology', $$SELECT count(*) FROM rezago.variable_statistics(2020, 'nope')$$),
 ('variable_correlations 2020 (antenas constant -> NULL)', $$SELECT string_agg(other_kind || ' ' || coalesce(round(correlation::numeric, 3)::text, 'NULL'), ', ' ORDER BY variable, other_kind) FROM rezago.variable_correlations(2020, 'toy')$$),
 ('variable_correlations unknown method',  $$SELECT count(*) FROM rezago.variable_correlations(2020, 'toy', 'tau')$$),
 ('variable_correlations NaN threshold -> nothing redundant', $$SELECT count(*) FILTER (WHERE redundant) FROM rezago.variable_correlations(2020, 'toy', 'pearson', 'NaN')$$),
 ('dimension_reliability 2020 (one item, constant item)', $$SELECT string_agg(level || ' ' || comunas || ' ' || coalesce(cronbach_alpha::text, 'NULL') || ' ' || coalesce(first_component_share::text, 'NULL'), '; ' ORDER BY level) FROM rezago.dimension_reliability(2020, 'toy')$$),
 ('dimension_reliability one comuna (2021)', $$SELECT string_agg(level || ' ' || comunas, '; ' ORDER BY level) FROM rezago.dimension_reliability(2021, 'toy')$$),
 ('effective_weights no period',           $$SELECT string_agg(left(variable, 4) || ' ' || nominal_weight || ' ' || coalesce(variance_share::text, 'NULL'), '; ' ORDER BY variable) FROM rezago.effective_weights('toy')$$),
 ('effective_weights 2020 -> social 1, fisico 0', $$SELECT string_agg(left(variable, 4) || ' ' || round(variance_share::numeric, 12), '; ' ORDER BY variable) FROM rezago.effective_weights('toy', 2020)$$),
 ('effective_weights NULL methodology',    $$SELECT count(*) FROM rezago.effective_weights(NULL, 2020)$$),
 ('variable_influence NULL n',             $$SELECT count(*) FROM rezago.variable_influence(2020, 'toy', NULL)$$),
 ('variable_influence unknown period -> no shifts', $$SELECT string_agg(left(variable, 4) || ' ' || comunas || ' ' || coalesce(comuna_mean_shift::text, 'NULL'), '; ' ORDER BY variable) FROM rezago.variable_influence(1900, 'toy')$$),
 ('variable_influence unknown methodology', $$SELECT count(*) FROM rezago.variable_influence(2020, 'nope')$$),
 ('compare_methodologies same -> 1, 1',    $$SELECT compared || ' ' || spearman || ' ' || kendall FROM rezago.compare_methodologies(2020, 'toy', 'toy') WHERE territory IS NULL$$),
 ('compare_methodologies NULL n -> not in top', $$SELECT count(*) FILTER (WHERE top_n_a) FROM rezago.compare_methodologies(2020, 'toy', 'toyz', NULL)$$),
 ('compare_methodologies unknown methodology', $$SELECT count(*) FROM rezago.compare_methodologies(2020, 'toy', 'nope')$$),
-- old codes, regiones over time, availability (issue 15)
 ('comuna_regions NULL day -> today''s',   $$SELECT count(*) || ' ' || count(region_code) FROM rezago.comuna_regions(NULL)$$),
 ('comuna_regions infinity',                $$SELECT count(*) FROM rezago.comuna_regions('infinity')$$),
 ('comuna_regions -infinity',               $$SELECT count(*) FROM rezago.comuna_regions('-infinity')$$),
 ('data_availability NULL methodology',     $$SELECT count(*) FROM rezago.data_availability(NULL)$$),
 ('data_availability unknown methodology',  $$SELECT count(*) FROM rezago.data_availability('nope')$$),
 ('data_availability toy: 2 variables + 4 context x 3 periods', $$SELECT count(*) || ' ' || max(share) FROM rezago.data_availability('toy')$$),
-- outlier treatment and geometric aggregation (sql/index_treatment.sql has the hand cases)
 ('treated_value NULL value -> NULL',        $$SELECT rezago.treated_value(NULL, 0, 1)$$),
 ('treated_value NaN value -> NULL',         $$SELECT rezago.treated_value('NaN', 0, 1)$$),
 ('treated_value Infinity win_hi',           $$SELECT rezago.treated_value(1, 0, 'Infinity')$$),
 ('treated_value NaN log_min',               $$SELECT rezago.treated_value(1, NULL, NULL, 'NaN', 1)$$),
 ('treated_value huge -> ln(1e308 + 1)',     $$SELECT rezago.treated_value(1e308, NULL, NULL, 0, 1)$$),
 ('coinr_treatment empty -> n 0',            $$SELECT rezago.coinr_treatment('{}')::text$$),
 ('coinr_treatment all NULL -> n 0',         $$SELECT rezago.coinr_treatment('{NULL,NULL}')::text$$),
 ('coinr_treatment huge values, no overflow', $$SELECT round((rezago.coinr_treatment('{1e307,2e307,3e307,4e307,5e307,6e307,7e307,8e307,9e307,1e308,-1e308,-1.7e308}')).skewness_before::numeric, 4)$$),
 ('coinr_treatment winmax -1',               $$SELECT rezago.coinr_treatment('{1,2,3,4}', -1)$$),
 ('coinr_treatment NaN threshold',           $$SELECT rezago.coinr_treatment('{1,2,3,4}', 5, 'NaN')$$),
 ('geometric_log_achievement NULL -> NULL',  $$SELECT rezago.geometric_log_achievement(NULL)$$),
 ('geometric_log_achievement -Infinity -> NULL', $$SELECT rezago.geometric_log_achievement('-Infinity')$$),
 ('geometric_log_achievement NaN zscore_max', $$SELECT rezago.geometric_log_achievement(0, 'NaN')$$),
 ('geometric_log_achievement huge z-score range', $$SELECT rezago.geometric_log_achievement(-1.7e308, 1.7e308)$$),
 ('geometric_index NULL -> NULL',            $$SELECT rezago.geometric_index(NULL)$$),
 ('geometric_index overflow',                $$SELECT rezago.geometric_index(1e300)$$),
 ('outlier_treatment toy 2020',              $$SELECT string_agg(variable || ':' || treatment || '/' || n, ' ' ORDER BY variable) FROM rezago.outlier_treatment(2020, 'toy')$$),
 ('outlier_treatment unknown methodology',   $$SELECT count(*) FROM rezago.outlier_treatment(2020, 'nope')$$),
 ('outlier_treatment NULL period -> nothing', $$SELECT count(*) FILTER (WHERE n > 0) FROM rezago.outlier_treatment(NULL, 'toy')$$),
 ('comuna_geometric_states toy 2020 -> 101: p = 100 (antenas, all equal) and 1 (agrupaciones, most lagged), sqrt = 10, 1 - 9/99 = .909090909091 (arithmetic .5); 105 0', $$SELECT string_agg(cut || '=' || round(rezago.geometric_index(rezago.unit_index_final(state))::numeric, 12), ' ' ORDER BY cut) FROM rezago.comuna_geometric_states(2020, 'toy')$$),
 ('comuna_geometric_states unknown methodology', $$SELECT count(*) FROM rezago.comuna_geometric_states(2020, 'nope')$$),
 ('comuna_boundary_check_sync called directly (PostgreSQL''s own check)', $$SELECT rezago.comuna_boundary_check_sync()$$),
 ('require_observation_source NULL -> NULL', $$SELECT rezago.require_observation_source(NULL)$$),
 ('require_observation_source rezago.observation', $$SELECT rezago.require_observation_source('rezago.observation')$$),
 ('require_observation_source text columns', $$SELECT rezago.require_observation_source('matrix_obs')$$),
 ('require_observation_source NaN value', $$SELECT rezago.require_observation_source('matrix_nan_obs')$$),
 ('require_observation_source an index', $$SELECT rezago.require_observation_source('rezago.observation_period_idx')$$),
 ('require_observation_source no such table (PostgreSQL''s regclass input)', $$SELECT rezago.require_observation_source('no_such_table')$$),
 ('read_observation_source NULL -> no rows', $$SELECT count(*) FROM rezago.read_observation_source(NULL)$$),
 ('read_observation_source NaN value', $$SELECT count(*) FROM rezago.read_observation_source('matrix_nan_obs')$$),
 ('source_observations NULL -> no rows', $$SELECT count(*) FROM rezago.source_observations(NULL)$$),
 ('source_observations text columns', $$SELECT count(*) FROM rezago.source_observations('matrix_empty_obs')$$),
 ('comuna_index over a NaN source', $$SELECT count(*) FROM rezago.comuna_index(2020, 'toy', observations => 'matrix_nan_obs')$$),
 ('rank_uncertainty over a NaN source', $$SELECT count(*) FROM rezago.rank_uncertainty(2020, 10, methodology => 'toy', observations => 'matrix_nan_obs')$$),
 ('observation_source_checked NULL -> false', $$SELECT rezago.observation_source_checked(NULL)$$),
 ('observation_source_checked never checked -> false', $$SELECT rezago.observation_source_checked('matrix_obs')$$),
 ('observation_source_passed NULL -> nothing', $$SELECT rezago.observation_source_passed(NULL)$$),
 ('observation_source_passed on a source without the columns: the columns are still checked', $$SELECT rezago.observation_source_passed('matrix_obs'), rezago.require_observation_source('matrix_obs')$$),
 ('unit_ampi_final NULL -> NULL',           $$SELECT rezago.unit_ampi_final(NULL)$$),
 ('unit_ampi_final toy 2020 -> scores (s, 0): s/2 + 15 s^2 / (70 + 30 s) = .65 .466216216216 .294117647059 .137096774194 0', $$SELECT string_agg(cut || '=' || round(rezago.unit_ampi_final(state)::numeric, 12), ' ' ORDER BY cut) FROM rezago.comuna_unit_states(2020, 'toy')$$),
 ('unit_ampi_final z-scores (toyz 2020)',    $$SELECT max(rezago.unit_ampi_final(state)) FROM rezago.comuna_unit_states(2020, 'toyz')$$),
 ('unit_ampi_final NaN state',               $$SELECT rezago.unit_ampi_final('{1,0,1,1,1,NaN}')$$),
 ('territory_gaps over a NaN source',       $$SELECT count(*) FROM rezago.territory_gaps(2020, 'toy', observations => 'matrix_nan_obs')$$),
 ('territory_gaps NULL source -> values NULL', $$SELECT count(*) || ' ' || count(value) FROM rezago.territory_gaps(2020, 'toy', observations => NULL)$$),
 ('comuna_gap_values_statement NULL -> NULL', $$SELECT rezago.comuna_gap_values_statement(NULL, ARRAY[2020])$$),
 ('comuna_gap_values_statement lengths differ', $$SELECT rezago.comuna_gap_values_statement(ARRAY['a', 'b'], ARRAY[2020])$$),
 ('comuna_gap_values_statement two dimensions', $$SELECT rezago.comuna_gap_values_statement(ARRAY[['a'], ['b']], ARRAY[2020, 2020])$$),
 ('comuna_gap_values 2020 -> agrupaciones 10 g, antenas without vintage NULL; 101..105', $$SELECT string_agg(cut || '=' || vals::text, ' ' ORDER BY cut) FROM rezago.comuna_gap_values(ARRAY['agrupaciones_sociales', 'antenas'], ARRAY[2020, NULL])$$),
 ('comuna_gap_values no variables -> no rows', $$SELECT count(*) FROM rezago.comuna_gap_values('{}', '{}')$$),
 ('comuna_gap_values NULL vintages -> no rows', $$SELECT count(*) FROM rezago.comuna_gap_values(ARRAY['antenas'], NULL)$$),
 ('comuna_gap_values over a NaN source',    $$SELECT count(*) FROM rezago.comuna_gap_values(ARRAY['agrupaciones_sociales'], ARRAY[2020], 'matrix_nan_obs')$$);

SELECT m.id, m.label,
       coalesce(o.result, format('%s %s%s%s', o.state, o.message,
                    CASE WHEN o.detail <> '' THEN ' [detail: ' || left(replace(o.detail, E'\n', ' / '), 90) || ']'
                         ELSE ' [NO DETAIL]' END,
                    CASE WHEN o.hint <> '' THEN ' [hint]' ELSE ' [NO HINT]' END)) AS outcome
FROM matrix m CROSS JOIN LATERAL pg_temp.outcome(m.q) o ORDER BY m.id;

-- the bow tie for real: stored valid, two triangles of area 1 each
SELECT pg_temp.stage('bow_tie') || rezago.import_comunas('matrix_one_geom') AS loaded;
SELECT ST_IsValid(geom) AS valid, GeometryType(geom) AS type, ST_NumGeometries(geom) AS parts, ST_Area(geom) AS area
FROM rezago.comuna WHERE cut = 106;

-- public routines of the extension that no case above calls (expected: none;
-- support functions taking internal cannot be called from SQL at all)
SELECT p.oid::regprocedure AS routine_without_case
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
  AND NOT 'internal'::regtype = ANY (p.proargtypes::regtype[])
  AND NOT EXISTS (SELECT 1 FROM matrix m WHERE m.q ~ ('rezago\.' || p.proname || '\('))
ORDER BY 1::text;
ROLLBACK;
