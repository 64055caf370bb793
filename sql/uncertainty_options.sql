-- The options of the uncertainty analysis that a COINr user expects (issue 18),
-- on the SYNTHETIC data of test/fixtures/uncertainty_synthetic.sql (values made
-- up by a formula, labelled as such); each checked against an independent
-- computation: a methodology holding the run's weights, scored by
-- rezago.territory_index / comuna_index / territory_dimension_scores.
--  1. dimension and variable weights perturbed apart;
--  2. leave_out: a run leaves out one listed variable or none;
--  3. weight_sets: a run draws one whole set of weights;
--  4. target: a dimension's score instead of the index;
--  5. comuna_rank_uncertainty: the ranking of comunas;
--  6. rank_sensitivity with the new inputs;
--  7. bad arguments.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\set ECHO none
\o /dev/null
\i test/fixtures/uncertainty_synthetic.sql
\o
\set ECHO all

-- 1. Perturbation by level.  ufro2017: 6 dimensions of weight 1/6, variables
-- of equal weight within each.  dimension_weight_perturbation => 0 keeps every
-- dimension at 1/6 while variable weights move (and sum to 1 per dimension);
-- variable_weight_perturbation => 0 the other way round.
SELECT count(*) FILTER (WHERE abs(d.dimension_weight - 1.0 / 6) > 1e-15) AS dims_moved,
       count(*) FILTER (WHERE abs(d.variable_weight - w.variable_weight) > 1e-6) > 0 AS vars_moved
FROM rezago.uncertainty_draws(50, 1, 'ufro2017', false, false, 0.25, false,
                              dimension_weight_perturbation => 0) d
JOIN rezago.methodology_weights('ufro2017') w USING (variable)
WHERE run > 0;
SELECT count(*) FILTER (WHERE abs(d.variable_weight - w.variable_weight) > 1e-15) AS vars_moved,
       count(*) FILTER (WHERE abs(d.dimension_weight - 1.0 / 6) > 1e-6) > 0 AS dims_moved,
       -- a factor in [0.9, 1.1], renormalised: ratios within [0.9/1.1, 1.1/0.9]
       min(d.dimension_weight * 6) >= 0.9 / 1.1 AND max(d.dimension_weight * 6) <= 1.1 / 0.9 AS within
FROM rezago.uncertainty_draws(50, 1, 'ufro2017', false, false, 0.25, false,
                              dimension_weight_perturbation => 0.1, variable_weight_perturbation => 0) d
JOIN rezago.methodology_weights('ufro2017') w USING (variable)
WHERE run > 0;
-- NULL (the default) means weight_perturbation: the same draws bit for bit
SELECT (SELECT md5(string_agg(d::text, ';' ORDER BY run, variable))
        FROM rezago.uncertainty_draws(20, 5, 'ufro2017', true, true, 0.3, true) d)
     = (SELECT md5(string_agg(d::text, ';' ORDER BY run, variable))
        FROM rezago.uncertainty_draws(20, 5, 'ufro2017', true, true, 0.3, true,
                                      dimension_weight_perturbation => 0.3,
                                      variable_weight_perturbation => 0.3) d) AS same_draws;

-- 2. leave_out: each run leaves out escolaridad, antenas or nothing, each with
-- probability 1/3 (300 runs: about 100 each); the variable's weight is 0 and
-- the others of its dimension share it (capital_humano: 3 variables, so the
-- other two get 1/2 each)
SELECT coalesce(left_out, '(none)') AS left_out, count(DISTINCT run) AS runs
FROM rezago.uncertainty_draws(300, 1, 'ufro2017', false, false, 0, false,
                              leave_out => ARRAY['escolaridad', 'antenas'])
WHERE run > 0 GROUP BY 1 ORDER BY 1;
SELECT variable, variable_weight, dimension_weight
FROM rezago.uncertainty_draws(300, 1, 'ufro2017', false, false, 0, false,
                              leave_out => ARRAY['escolaridad', 'antenas'])
WHERE run = (SELECT min(run) FROM rezago.uncertainty_draws(300, 1, 'ufro2017', false, false, 0, false,
                                                           leave_out => ARRAY['escolaridad', 'antenas'])
             WHERE left_out = 'escolaridad')
  AND dimension = 'capital_humano' ORDER BY variable;
-- a run that leaves out escolaridad is the index of ufro2017 with escolaridad
-- at weight 0 (a methodology written by hand); runs leaving nothing out are
-- the nominal index
SAVEPOINT s;
SELECT rezago.copy_methodology('ufro2017', 'u_no_escolaridad');
UPDATE rezago.methodology_variable SET weight = 0
WHERE methodology = 'u_no_escolaridad' AND variable = 'escolaridad';
SELECT coalesce(u.left_out, '(none)') AS left_out, count(*) AS rows,
       count(*) FILTER (WHERE (u.index IS NULL) <> (x.index IS NULL) OR abs(u.index - x.index) > 1e-9
                           OR u.rank IS DISTINCT FROM x.rank) AS diff
FROM rezago.uncertainty_runs(2023, 60, 1, 'ufro2017', false, false, 0, false,
                             leave_out => ARRAY['escolaridad', 'antenas']) u
JOIN rezago.territory_index(2023, CASE WHEN u.left_out = 'escolaridad' THEN 'u_no_escolaridad'
                                       ELSE 'ufro2017' END) x USING (territory)
WHERE u.run > 0 AND u.left_out IS DISTINCT FROM 'antenas'
GROUP BY 1 ORDER BY 1;
ROLLBACK TO SAVEPOINT s;

-- 3. weight_sets: set 1 gives each variable 1 / (variables of its dimension),
-- so each dimension 1 in all: ufro2017's own weights; set 2 gives every
-- variable 1 but capital_social's two 0: dimensions weigh their number of
-- variables (3 3 3 3 4 / 16), capital_social is left out.
CREATE TEMP TABLE sets AS
SELECT jsonb_build_array(
         (SELECT jsonb_object_agg(w.variable, 1.0 / w.k)
          FROM (SELECT variable, count(*) OVER (PARTITION BY dimension) AS k
                FROM rezago.methodology_weights('ufro2017')) w),
         (SELECT jsonb_object_agg(w.variable, CASE WHEN w.dimension = 'capital_social' THEN 0 ELSE 1 END)
          FROM rezago.methodology_weights('ufro2017') w)) AS s;
SELECT weight_set, dimension, round(dimension_weight::numeric, 12) AS dimension_weight,
       round(min(variable_weight)::numeric, 12) AS min_vw, round(max(variable_weight)::numeric, 12) AS max_vw
FROM rezago.uncertainty_draws(40, 1, 'ufro2017', false, false, 0, false, weight_sets => (SELECT s FROM sets))
WHERE run > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2;
SAVEPOINT s;
SELECT rezago.copy_methodology('ufro2017', 'u_set2');
UPDATE rezago.methodology_dimension md SET weight = n.k
FROM (SELECT dimension, count(*) AS k FROM rezago.methodology_weights('ufro2017') GROUP BY 1) n
WHERE md.methodology = 'u_set2' AND md.dimension = n.dimension;
UPDATE rezago.methodology_dimension SET weight = 0 WHERE methodology = 'u_set2' AND dimension = 'capital_social';
UPDATE rezago.methodology_variable SET weight = 0 WHERE methodology = 'u_set2'
   AND variable IN ('agrupaciones_sociales', 'participacion_electoral');
SELECT u.weight_set, count(*) AS rows,
       count(*) FILTER (WHERE (u.index IS NULL) <> (x.index IS NULL) OR abs(u.index - x.index) > 1e-9
                           OR u.rank IS DISTINCT FROM x.rank) AS diff
FROM rezago.uncertainty_runs(2023, 30, 1, 'ufro2017', false, false, 0, false,
                             weight_sets => (SELECT s FROM sets)) u
JOIN rezago.territory_index(2023, CASE u.weight_set WHEN 1 THEN 'ufro2017' ELSE 'u_set2' END) x USING (territory)
WHERE u.run > 0 GROUP BY 1 ORDER BY 1;
ROLLBACK TO SAVEPOINT s;

-- 4. target: a dimension's score.  The nominal value of a territory is its
-- territory_dimension_scores score, ranked descending (ties share a rank)
SELECT count(*) AS territories,
       count(*) FILTER (WHERE (u.nominal_index IS NULL) <> (d.score IS NULL)
                           OR abs(u.nominal_index - d.score) > 1e-12) AS value_diff,
       count(*) FILTER (WHERE u.nominal_rank IS DISTINCT FROM d.rank) AS rank_diff
FROM rezago.rank_uncertainty(2023, 5, 1, 'ufro2017', target => 'capital_humano') u
JOIN (SELECT territory, score,
             CASE WHEN score IS NOT NULL THEN rank() OVER (ORDER BY score DESC NULLS LAST) END AS rank
      FROM rezago.territory_dimension_scores(2023, 'ufro2017') WHERE dimension = 'capital_humano') d
  USING (territory);

-- 5. comuna_rank_uncertainty: the nominal index and rank are comuna_index's
-- for every comuna (36 synthetic and the catalogue's); with nothing varied,
-- every run is the nominal one
SELECT count(*) AS comunas, count(u.nominal_rank) AS ranked,
       count(*) FILTER (WHERE (u.nominal_index IS NULL) <> (c.index IS NULL)
                           OR abs(u.nominal_index - c.index) > 1e-12
                           OR u.nominal_rank IS DISTINCT FROM c.rank) AS diff
FROM rezago.comuna_rank_uncertainty(2023, 5, 1, 'ufro2017') u
JOIN rezago.comuna_index(2023, 'ufro2017') c USING (cut);
SELECT count(*) FILTER (WHERE median_rank IS DISTINCT FROM nominal_rank::float8
                           OR best_rank IS DISTINCT FROM nominal_rank
                           OR worst_rank IS DISTINCT FROM nominal_rank) AS moved,
       count(*) FILTER (WHERE nominal_rank <= 10 AND top_n_probability <> 1) AS top_not_sure
FROM rezago.comuna_rank_uncertainty(2023, 20, 1, 'ufro2017', false, false, 0);
-- with every input varied the ranks spread, and stay within 1..ranked comunas
SELECT count(*) FILTER (WHERE best_rank < worst_rank) > 20 AS ranks_spread,
       min(best_rank) >= 1 AND max(worst_rank) <= count(nominal_rank) AS in_range
FROM rezago.comuna_rank_uncertainty(2023, 200, 1, 'ufro2017');

-- 6. rank_sensitivity: left_out and weight_set are inputs of their own
SELECT input, first_order IS NOT NULL AS estimated
FROM rezago.rank_sensitivity(2023, 20, 1, 'ufro2017', false, false, 0, false,
                             leave_out => ARRAY['escolaridad', 'antenas'],
                             weight_sets => (SELECT s FROM sets))
ORDER BY input;

-- 7. Bad arguments: SQLSTATE and message
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN EXECUTE q; RETURN 'no error';
EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE || ' ' || SQLERRM;
END $$;
SELECT pg_temp.try(q) FROM (VALUES
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, target => 'capital_nada')$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, leave_out => ARRAY['nada'])$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, leave_out => ARRAY['antenas', 'antenas'])$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, weight_sets => '{"antenas": 1}')$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, weight_sets => '[]')$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, weight_sets => '[1]')$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, weight_sets => '[{"nada": 1}]')$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, weight_sets => '[{"antenas": 1}]')$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, weight_sets => jsonb_build_array((SELECT jsonb_object_agg(variable, -1) FROM rezago.methodology_weights('ufro2017'))))$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, weight_sets => jsonb_build_array((SELECT jsonb_object_agg(variable, 'x') FROM rezago.methodology_weights('ufro2017'))))$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, weight_sets => jsonb_build_array((SELECT jsonb_object_agg(variable, 0) FROM rezago.methodology_weights('ufro2017'))))$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(2023, 5, variable_weight_perturbation => -0.1)$$),
 ($$SELECT count(*) FROM rezago.comuna_rank_uncertainty(1999, 5)$$),
 ($$SELECT count(*) FROM rezago.rank_uncertainty(1999, 5, target => 'capital_humano')$$),
 ($$SELECT count(*) FROM rezago.rank_sensitivity(2023, 5, 1, 'ufro2017', false, false, 0, false)$$)
) t(q);
ROLLBACK;
