-- Calls that record_results.sql makes besides the automatic ones (included
-- by it with \ir; not a script of its own).
--
-- pg_temp.extra_calls: reading functions with an argument that is neither a
-- period nor a methodology and has no default (so the automatic loop cannot
-- call them), and further calls of functions the loop does call (small runs,
-- other seeds, other layers).  args is the list of named arguments; the
-- function's arguments named period and methodology that args leaves out are
-- varied over every period and methodology, as in the automatic calls.  A
-- function missing from the installed version (rezago 0.1.0 in upgrade.sh)
-- is skipped, without a line.  Functions that are not called at all: the
-- transition, combine and final functions of the aggregates (the aggregates
-- are called below), the trigger function and the volatile (writing)
-- functions (refresh_*, import_*, grant_*, ...).
CREATE TEMP TABLE extra_calls (fn regprocedure, args text);
CREATE TEMP TABLE extra_call_sigs AS
SELECT c.sig, c.args, pg_catalog.row_number() OVER () AS n
FROM (VALUES
    -- scores of single values
    ('rezago.lag_score(double precision,double precision,double precision,integer)',
     'value => 7.3, min => 0.1, max => 10.7, polarity => 1'),
    ('rezago.lag_score(double precision,double precision,double precision,integer)',
     'value => 7.3, min => 0.1, max => 10.7, polarity => -1'),
    ('rezago.lag_score_zscore(double precision,double precision,double precision,integer)',
     'value => 1.7, mean => 1.1, sd => 0.3, polarity => 1'),
    ('rezago.lag_score_zscore(double precision,double precision,double precision,integer)',
     'value => 1.7, mean => 1.1, sd => 0.3, polarity => -1'),
    -- methodologies, names and places
    ('rezago.require_methodology(text)', 'code => ''sinim4'''),
    ('rezago.require_rule(text,text,text)', 'methodology => ''sinim4'', kind => ''normalisation'''),
    ('rezago.require_rule(text,text,text)', 'methodology => ''vintage'', kind => ''threshold_rule'', rule => ''median'''),
    -- what-if rules
    ('rezago.comuna_lag_scores(integer,text,text,regclass,text,text)', 'normalisation => ''rank'''),
    ('rezago.comuna_lag_scores(integer,text,text,regclass,text,text)', 'normalisation => ''zscore'''),
    ('rezago.comuna_lag_scores(integer,text,text,regclass,text,text)', 'imputation => ''median_region'''),
    ('rezago.comuna_lag_scores(integer,text,text,regclass,text,text)', 'outlier_treatment => ''coinr'''),
    ('rezago.territory_exit(integer,text,text,regclass)', 'threshold_rule => ''median'''),
    -- the index's one definitions with their readings through the audit's cache
    ('rezago.comuna_index_from_states(integer,text,regclass,boolean)', 'audit_cache => true'),
    ('rezago.territory_index_from_comunas(integer,text,regclass,boolean)', 'audit_cache => true'),
    ('rezago.require_new_methodology_code(text)', 'code => ''nueva_2030'''),
    ('rezago.name_key(text)', 'name => ''Ñuñoa  (Santiago)'''),
    ('rezago.find_place(text,text,text)', 'kind => ''comuna'', name => ''San Juan'''),
    ('rezago.find_place(text,text,text)', 'kind => ''provincia'', name => ''Santiago'''),
    ('rezago.find_comuna(text,text)', 'name => ''Santiago'''),
    ('rezago.find_comuna(text,text)', 'name => ''los angeles'', within => ''Biobío'''),
    ('rezago.find_provincia(text,text)', 'name => ''Cautín'''),
    ('rezago.resolve_name(text,text,text)', 'kind => ''comuna'', name => ''Temuco'''),
    ('rezago.comuna_cut(text,text)', 'name => ''Punta Arenas'''),
    ('rezago.comuna_cuts(text[],text)', 'names => ARRAY[''Combarbalá'', ''Monte Patria'', ''Punitaqui'', ''Canela'']'),
    ('rezago.provincia_code(text,text)', 'name => ''Cautín'''),
    ('rezago.comuna_regions(date)', 'day => ''2009-12-31'''),
    ('rezago.comuna_regions(date)', 'day => ''2018-09-06'''),
    -- geometry helpers and contiguity of proposals
    ('rezago.valid_tolerance(double precision)', 'tolerance_m => 250'),
    ('rezago.valid_geometry(geometry)', 'geom => (SELECT c.geom FROM rezago.comuna c WHERE c.cut = 9101)'),
    ('rezago.expand_by_metres(geometry,double precision)',
     'geom => (SELECT c.geom FROM rezago.comuna c WHERE c.cut = 12101), metres => 1500'),
    ('rezago.metric_srid(geometry)', 'geom => (SELECT c.geom FROM rezago.comuna c WHERE c.cut = 13101)'),
    ('rezago.boundary_pairs_intersect(integer[],bytea[],integer[],integer[])',
     'ids => ARRAY(SELECT c.cut FROM rezago.comuna c WHERE c.cut IN (12101, 12102, 12103, 12401) ORDER BY c.cut), '
     'boundaries => ARRAY(SELECT c.geom::bytea FROM rezago.comuna c WHERE c.cut IN (12101, 12102, 12103, 12401) ORDER BY c.cut), '
     'cut_a => ARRAY[12101, 12101, 12101, 12102, 12102, 12103], cut_b => ARRAY[12102, 12103, 12401, 12103, 12401, 12401]'),
    ('rezago.check_territory(integer[],double precision)',
     'cuts => rezago.comuna_cuts(ARRAY[''Combarbalá'', ''Monte Patria'', ''Punitaqui'', ''Canela''])'),
    ('rezago.check_territory(integer[],double precision)', 'cuts => ARRAY[4101, 4102, 4103, 4104, 9101], tolerance_m => 500'),
    ('rezago.group_contiguity(text[],integer[],double precision)',
     'groups => ARRAY[''a'', ''a'', ''a'', ''b'', ''b'', NULL, ''c''], cuts => ARRAY[4101, 4102, 4106, 9101, 9120, 13101, 12101], '
     'tolerance_m => 100'),
    -- the rank table from arrays (variables at their vintages, treatment rows)
    ('rezago.rank_table(text[],integer[],double precision[],regclass)',
     'variables => ARRAY[''gasto_municipal'', ''dependencia_fcm''], vintages => ARRAY[2023, 2022], '
     'treatments => ''{{1,NULL,NULL,NULL,NULL},{-1,NULL,NULL,NULL,NULL}}'''),
    -- status, explanation
    ('rezago.most_lagged(integer,integer,text,regclass)', 'n => 10'),
    ('rezago.explain_territory(text,integer,text,regclass)', 'territory => ''cross'', period => 2023, methodology => ''digital'''),
    ('rezago.explain_territory(text,integer,text,regclass)', 'territory => ''prov_91'''),
    ('rezago.index_status_label(text)', 'status => ''exit_started'''),
    ('rezago.criterion_value(boolean)', 'met => true'),
    ('rezago.criterion_value(boolean)', 'met => NULL'),
    ('rezago.access_statements(text,regrole,boolean)', 'level => ''reader'', role => ''pg_monitor'''),
    ('rezago.access_statements(text,regrole,boolean)', 'level => ''editor'', role => ''pg_monitor'', is_grant => false'),
    ('rezago.access_statements(text,regrole,boolean)', 'level => ''methodology_owner'', role => ''pg_monitor'''),
    -- maps: territory layers, full-precision coordinates, vector tiles
    ('rezago.check_map_layer(text)', 'layer => ''territory'''),
    ('rezago.check_tile(integer,integer,integer)', 'z => 4, x => 4, y => 9'),
    ('rezago.check_svg_args(integer,integer,integer,text)', 'width => 600, height => 900, classes => 5, breaks => ''quantile'''),
    ('rezago.xml_escape(text)', 't => ''<a href="x">Ñuble & Biobío</a>'''),
    ('rezago.map_features(text,integer,text)', 'layer => ''territory'''),
    ('rezago.geojson(text,integer,text,integer)', 'layer => ''territory'', period => 2023, methodology => ''sinim4'', decimals => 15'),
    ('rezago.svg_map(text,integer,text,integer,integer,text,integer[],boolean,integer,text,text)',
     'layer => ''territory'', period => 2023, methodology => ''sinim4'', breaks => ''equal'''),
    ('rezago.map_tile(text,integer,integer,integer,integer,text)', 'layer => ''comuna'', z => 6, x => 19, y => 38'),
    ('rezago.map_tile(text,integer,integer,integer,integer,text)', 'layer => ''territory'', z => 4, x => 4, y => 9'),
    ('rezago.comuna_tiles(integer,integer,integer,integer,text)', 'z => 4, x => 4, y => 9, period => 2023, methodology => ''sinim4'''),
    ('rezago.territory_tiles(integer,integer,integer,integer,text)', 'z => 5, x => 9, y => 19, period => 2022, methodology => ''digital'''),
    ('rezago.comuna_tiles_martin(integer,integer,integer,json)',
     'z => 5, x => 9, y => 19, query_params => ''{"period": "2021", "methodology": "sinim4"}'''),
    ('rezago.territory_tiles_martin(integer,integer,integer,json)',
     'z => 4, x => 4, y => 9, query_params => ''{"period": "2023", "methodology": "digital"}'''),
    ('rezago.territory_tiles_martin(integer,integer,integer,json)', 'z => 5, x => 9, y => 19'),
    ('rezago.territory_feature_id(text)', 'territory => ''prov_82'''),
    ('rezago.map_dimension_scores(text)', 'layer => ''comuna'''),
    ('rezago.map_dimension_scores(text)', 'layer => ''territory'''),
    -- uncertainty: fixed seeds, small runs, other options than the defaults
    ('rezago.rank_uncertainty(integer,integer,bigint,text,boolean,boolean,double precision,boolean,text[],text[],integer,double precision,double precision,text[],jsonb,text,text[],text[],text[],regclass)',
     'runs => 64, seed => 20240607, weight_perturbation => 0.5, top_n => 5'),
    ('rezago.rank_uncertainty(integer,integer,bigint,text,boolean,boolean,double precision,boolean,text[],text[],integer,double precision,double precision,text[],jsonb,text,text[],text[],text[],regclass)',
     'runs => 32, seed => 7, dimension_weight_perturbation => 0.1, leave_out => ARRAY[''escolaridad'', ''empresas''], target => ''capital_economico'''),
    ('rezago.comuna_rank_uncertainty(integer,integer,bigint,text,boolean,boolean,double precision,text[],integer,double precision,double precision,text[],jsonb,text,text[],text[],text[],regclass)',
     'runs => 32, seed => 20240607, top_n => 20'),
    ('rezago.uncertainty_runs(integer,integer,bigint,text,boolean,boolean,double precision,boolean,text[],text[],double precision,double precision,text[],jsonb,text,text[],text[],text[],regclass)',
     'runs => 16, seed => 20240607'),
    ('rezago.uncertainty_runs(integer,integer,bigint,text,boolean,boolean,double precision,boolean,text[],text[],double precision,double precision,text[],jsonb,text,text[],text[],text[],regclass)',
     'runs => 16, seed => 7, normalisations => ARRAY[''minmax'', ''rank''], aggregations => ARRAY[''arithmetic'', ''ampi'']'),
    ('rezago.uncertainty_draws(integer,bigint,text,boolean,boolean,double precision,boolean,text[],text[],double precision,double precision,text[],jsonb,text,text[],text[],text[])',
     'runs => 16, seed => 20240607'),
    ('rezago.rank_sensitivity(integer,integer,bigint,text,boolean,boolean,double precision,boolean,text[],text[],text,double precision,double precision,text[],jsonb,text,text[],text[],text[],regclass)',
     'base_samples => 32, seed => 20240607, output => ''stage_shift'''),
    ('rezago.sensitivity_analytic(text,integer,bigint,double precision[])',
     'model => ''linear'', base_samples => 512, seed => 7, coefficients => ARRAY[1, 2, 3.5]'),
    ('rezago.sensitivity_analytic(text,integer,bigint,double precision[])', 'model => ''ishigami'', base_samples => 512, seed => 7'),
    -- the audit (issue 18): two methodologies, other methods, the C building blocks
    ('rezago.compare_methodologies(integer,text,text,integer,regclass)', 'methodology_a => ''sinim4'', methodology_b => ''ufro2017'', n => 5'),
    ('rezago.variable_correlations(integer,text,text,double precision,regclass)', 'method => ''kendall'', redundancy_threshold => 0.5'),
    ('rezago.distribution_moments(double precision[])', 'vals => ARRAY[3.5, 1, 7, 2.25, 1e6]'),
    ('rezago.correlation(double precision[],double precision[],text)', 'x => ARRAY[1, 2, 3, 4.5], y => ARRAY[2, 1, 4, 3], method => ''kendall'''),
    ('rezago.reliability(double precision[])', 'items => ARRAY[[1, 2, 1], [2, 1, 3], [3, 4, 2], [4, 3, 5]]::float8[]'),
    ('rezago.random_uniforms(bigint,bigint,integer)', 'seed => 42, stream => 3, n => 16')
) c(sig, args);
INSERT INTO pg_temp.extra_calls
SELECT pg_catalog.to_regprocedure(c.sig), c.args
FROM pg_temp.extra_call_sigs c
WHERE pg_catalog.to_regprocedure(c.sig) IS NOT NULL
ORDER BY c.n;

-- pg_temp.extra_queries: the aggregates, called directly on the rows as they
-- lie in the tables (observation, in heap order unless the query says
-- otherwise), so that a result depending on the order of the rows or on a
-- parallel plan's partial states shows up here first.  Recorded as
-- "aggregate NAME|LABEL|rows|md5"; needs: the aggregate the query calls
-- (queries whose aggregate is not installed are skipped).
CREATE TEMP TABLE extra_queries (label text, needs regprocedure, query text);
CREATE TEMP TABLE extra_query_sigs AS
SELECT q.label, q.needs, q.query, pg_catalog.row_number() OVER () AS n
FROM (VALUES
    ('dimension_score(value, weight [, 0.5]), dimension_coverage(value, weight) by variable, period',
     'rezago.dimension_score(double precision,double precision)',
     'SELECT o.variable, o.period, rezago.dimension_score(o.value, 1 + o.cut % 3), rezago.dimension_score(o.value, 1 + o.cut % 3, 0.5),
             rezago.dimension_coverage(o.value, 1 + o.cut % 3)
      FROM rezago.observation o GROUP BY 1, 2'),
    ('dimension_score(value, weight, 0.5, 900) by variable, period',
     'rezago.dimension_score(double precision,double precision,double precision,double precision)',
     'SELECT o.variable, o.period, rezago.dimension_score(o.value, 1 + o.cut % 3, 0.5, 900) FROM rezago.observation o GROUP BY 1, 2'),
    ('dimension_coverage(value, weight, 900) by variable, period',
     'rezago.dimension_coverage(double precision,double precision,double precision)',
     'SELECT o.variable, o.period, rezago.dimension_coverage(o.value, 1 + o.cut % 3, 900) FROM rezago.observation o GROUP BY 1, 2'),
    ('territory_average(value) by variable, period', 'rezago.territory_average(double precision)',
     'SELECT o.variable, o.period, rezago.territory_average(o.value) FROM rezago.observation o GROUP BY 1, 2'),
    ('territory_average(value / 7) by period', 'rezago.territory_average(double precision)',
     'SELECT o.period, rezago.territory_average(o.value / 7) FROM rezago.observation o GROUP BY 1'),
    ('unit_index, unit_dimension_scores, unit_dimension_coverage, unit_missing_dimensions, unit_state of comuna_lag_scores (digital) by cut',
     'rezago.unit_index(integer,integer,double precision,double precision,double precision,double precision)',
     'SELECT l.period, l.cut, rezago.unit_index(s.dimension_no, s.n_dimensions, l.score, s.weight, s.dimension_weight, s.min_coverage),
             rezago.unit_dimension_scores(s.dimension_no, s.n_dimensions, l.score, s.weight, s.dimension_weight, s.min_coverage),
             rezago.unit_dimension_coverage(s.dimension_no, s.n_dimensions, l.score, s.weight, s.dimension_weight, s.min_coverage),
             rezago.unit_missing_dimensions(s.dimension_no, s.n_dimensions, l.score, s.weight, s.dimension_weight, s.min_coverage),
             rezago.unit_state(s.dimension_no, s.n_dimensions, l.score, s.weight, s.dimension_weight, s.min_coverage)
      FROM (SELECT p.period, x.* FROM (SELECT DISTINCT o.period FROM rezago.observation o) p,
                                      LATERAL rezago.comuna_lag_scores(p.period, ''digital'') x) l
      JOIN (SELECT p.period, y.* FROM (SELECT DISTINCT o.period FROM rezago.observation o) p,
                                      LATERAL rezago.scoring_rows(p.period, ''digital'') y) s
        ON s.period = l.period AND s.variable = l.variable
      GROUP BY 1, 2'),
    ('unit_index of comuna_lag_scores (sinim4) by cut',
     'rezago.unit_index(integer,integer,double precision,double precision,double precision,double precision)',
     'SELECT l.period, l.cut, rezago.unit_index(s.dimension_no, s.n_dimensions, l.score, s.weight, s.dimension_weight, s.min_coverage)
      FROM (SELECT p.period, x.* FROM (SELECT DISTINCT o.period FROM rezago.observation o) p,
                                      LATERAL rezago.comuna_lag_scores(p.period, ''sinim4'') x) l
      JOIN (SELECT p.period, y.* FROM (SELECT DISTINCT o.period FROM rezago.observation o) p,
                                      LATERAL rezago.scoring_rows(p.period, ''sinim4'') y) s
        ON s.period = l.period AND s.variable = l.variable
      GROUP BY 1, 2'),
    ('unit_*_values of observations by cut, period', 'rezago.unit_index_values(text,double precision,text[],double precision[],double precision)',
     'SELECT o.period, o.cut, rezago.unit_index_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage),
             rezago.unit_dimension_scores_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage),
             rezago.unit_dimension_coverage_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage),
             rezago.unit_missing_dimensions_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage),
             rezago.unit_state_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage)
      FROM (SELECT DISTINCT x.period FROM rezago.observation x) p
      CROSS JOIN LATERAL rezago.variable_scoring(p.period, ''sinim4'') s
      JOIN rezago.observation o ON o.period = p.period AND o.variable = ANY (s.variables) GROUP BY 1, 2'),
    ('unit_state_ranks of observations by cut, period, with the rank table of rank_scores (sinim4)',
     'rezago.unit_state_ranks(text,double precision,text[],double precision[],double precision[],double precision)',
     'SELECT o.period, o.cut, rezago.unit_state_ranks(o.variable, o.value, s.variables, s.scoring, k.ranks, s.min_coverage)
      FROM (SELECT DISTINCT x.period FROM rezago.observation x) p
      CROSS JOIN LATERAL rezago.variable_scoring(p.period, ''sinim4'') s
      CROSS JOIN LATERAL (
          SELECT array_agg(f.e ORDER BY n.n, f.part, f.i) AS ranks
          FROM unnest(s.variables) WITH ORDINALITY n(variable, n)
          JOIN rezago.rank_scores(p.period, ''sinim4'') r ON r.variable = n.variable
          CROSS JOIN LATERAL (SELECT 0 AS part, 0::bigint AS i, cardinality(r.value_list)::float8 AS e
                              UNION ALL SELECT 1, u.i, u.x FROM unnest(r.value_list) WITH ORDINALITY u(x, i)
                              UNION ALL SELECT 2, u.i, u.x FROM unnest(r.scores) WITH ORDINALITY u(x, i)) f) k
      JOIN rezago.observation o ON o.period = p.period AND o.variable = ANY (s.variables) GROUP BY 1, 2'),
    ('exit_status(value, threshold, polarity [, 20, 0.3, 0.6, 0.5]) of territory_gaps by territory, period',
     'rezago.exit_status(double precision,double precision,integer)',
     'SELECT p.period, g.territory, rezago.exit_status(g.value, g.threshold, v.polarity),
             rezago.exit_status(g.value, g.threshold, v.polarity, 20, 0.3, 0.6, 0.5)
      FROM (SELECT DISTINCT o.period FROM rezago.observation o) p
      CROSS JOIN LATERAL rezago.territory_gaps(p.period, ''sinim4'') g
      JOIN rezago.variable v ON v.code = g.variable GROUP BY 1, 2'),
    ('entry_status(ranks of dependencia_fcm 2023, localities) by provincia',
     'rezago.entry_status(bigint,bigint,bigint,double precision,double precision)',
     'SELECT r.provincia_code, rezago.entry_status(r.national_rank, r.regional_rank, r.regional_count, 3 + r.cut % 5, r.cut % 3),
             rezago.entry_status(r.national_rank, r.regional_rank, r.regional_count, 3 + r.cut % 5, r.cut % 3, 40, 0.3, 0.2, 2)
      FROM (SELECT c.cut, c.provincia_code, rank() OVER (ORDER BY o.value DESC) AS national_rank,
                   rank() OVER (PARTITION BY c.region_code ORDER BY o.value DESC) AS regional_rank,
                   count(*) OVER (PARTITION BY c.region_code) AS regional_count
            FROM rezago.observation o JOIN rezago.comuna c ON c.cut = o.cut
            WHERE o.variable = ''dependencia_fcm'' AND o.period = 2023) r GROUP BY 1'),
    ('connected_components, component_count of comuna_adjacency', 'rezago.connected_components(bigint,bigint)',
     'SELECT rezago.connected_components(a.cut_a, a.cut_b), rezago.component_count(a.cut_a, a.cut_b)
      FROM rezago.comuna_adjacency(with_length => false,
                                   cuts => (SELECT array_agg(c.cut) FROM rezago.comuna c WHERE c.region_code IN (8, 9, 16))) a')
) q(label, needs, query);
-- a signature that does not resolve is skipped only in an older version of
-- the extension or when asked (-v allow_missing_calls=on: upgrade.sh, whose
-- deltas forget a function on purpose); otherwise, in the version this tree
-- builds, it is a stale line of this file, which would silently skip its calls
\if :{?allow_missing_calls}
SELECT pg_catalog.set_config('record_results.allow_missing_calls', :'allow_missing_calls', false) \gset
\else
SELECT pg_catalog.set_config('record_results.allow_missing_calls', 'off', false) \gset
\endif
DO $$
DECLARE stale text;
BEGIN
    SELECT pg_catalog.string_agg(DISTINCT x.sig, ', ') INTO stale
    FROM (SELECT c.sig FROM pg_temp.extra_call_sigs c
          UNION ALL SELECT q.needs FROM pg_temp.extra_query_sigs q) x
    WHERE pg_catalog.to_regprocedure(x.sig) IS NULL;
    IF stale IS NOT NULL AND pg_catalog.current_setting('record_results.allow_missing_calls') <> 'on'
       AND (SELECT e.installed_version = e.default_version
            FROM pg_catalog.pg_available_extensions e WHERE e.name = 'rezago') THEN
        RAISE EXCEPTION 'record_calls.sql names functions this version does not have: %', stale
            USING HINT = 'Update the signatures in test/checks/lib/record_calls.sql.';
    END IF;
END $$;
INSERT INTO pg_temp.extra_queries
SELECT q.label, pg_catalog.to_regprocedure(q.needs), q.query
FROM pg_temp.extra_query_sigs q
WHERE pg_catalog.to_regprocedure(q.needs) IS NOT NULL
ORDER BY q.n;
