-- Benchmark of observation sources, run by test/bench/sources.sh (from
-- test/realdata, after 01_load and the sinim4 methodology).  Prints figures,
-- asserts nothing but the equality of the results it times.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT rezago.copy_methodology('sinim4', m) FROM unnest(ARRAY['sinim4_age1', 'sinim4_rank']) m;
UPDATE rezago.methodology SET max_data_age = 1 WHERE code = 'sinim4_age1';
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'sinim4_rank';
SELECT count(territory) AS territories FROM rezago.create_province_territories();
CREATE TABLE obs_copy AS SELECT * FROM rezago.observation ORDER BY random();
ANALYZE obs_copy;

CREATE FUNCTION pg_temp.best_ms(q text, runs int) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    best double precision;
BEGIN
    FOR i IN 1..runs LOOP
        t0 := clock_timestamp();
        EXECUTE 'SELECT sum(length(x::text)) FROM (' || q || ') x';  -- every column computed
        best := least(best, (extract(epoch FROM clock_timestamp() - t0) * 1000)::double precision);
    END LOOP;
    RETURN best;
END $$;
CREATE FUNCTION pg_temp.digest(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    SET LOCAL extra_float_digits = 3;
    EXECUTE format('SELECT md5(string_agg(r::text, E''\n'' ORDER BY r::text)) FROM (%s) r', q) INTO d;
    RETURN d;
END $$;

-- the three ways give the same rows (sinim4_age1: the same vintages; it
-- read the source whole until vintages without imputation became a
-- statement too, so its column is now the statement with vintages)
SELECT f.fn,
       pg_temp.digest(format('SELECT * FROM rezago.%I(2023, ''sinim4'')', f.fn))
         = pg_temp.digest(format('SELECT * FROM rezago.%I(2023, ''sinim4'', observations => ''obs_copy'')', f.fn)) AS statement_equal,
       pg_temp.digest(format('SELECT * FROM rezago.%I(2023, ''sinim4'')', f.fn))
         = pg_temp.digest(format('SELECT * FROM rezago.%I(2023, ''sinim4_age1'', observations => ''obs_copy'')', f.fn)) AS general_equal
FROM unnest(ARRAY['comuna_index', 'comuna_dimension_scores', 'territory_index']) f(fn);

-- best of ten, the three ways interleaved per function (the third: the
-- copy under sinim4_age1, now the statement with vintages)
CREATE FUNCTION pg_temp.three_ways(q_table text, q_copy text, q_third text, OUT observation_ms numeric,
                                   OUT copy_statement_ms numeric, OUT third_ms numeric,
                                   OUT statement_ratio numeric, OUT third_ratio numeric)
LANGUAGE plpgsql AS $$
DECLARE tab double precision := pg_temp.best_ms(q_table, 10);
        stmt double precision := pg_temp.best_ms(q_copy, 10);
        third double precision := pg_temp.best_ms(q_third, 10);
BEGIN
    observation_ms := round(tab::numeric, 1);
    copy_statement_ms := round(stmt::numeric, 1);
    third_ms := round(third::numeric, 1);
    statement_ratio := round((stmt / tab)::numeric, 2);
    third_ratio := round((third / tab)::numeric, 2);
END $$;
SELECT f.fn, w.*
FROM unnest(ARRAY['comuna_index', 'comuna_dimension_scores', 'territory_index']) f(fn)
CROSS JOIN LATERAL pg_temp.three_ways(format('SELECT * FROM rezago.%I(2023, ''sinim4'')', f.fn),
                                      format('SELECT * FROM rezago.%I(2023, ''sinim4'', observations => ''obs_copy'')', f.fn),
                                      format('SELECT * FROM rezago.%I(2023, ''sinim4_age1'', observations => ''obs_copy'')', f.fn)) w;
-- the statement alone, and the whole-population step it starts with
SELECT round(pg_temp.best_ms('SELECT rezago.variable_scoring(2023, ''sinim4'', observations => ''obs_copy'')', 5)::numeric, 1)
           AS variable_scoring_copy_ms,
       round(pg_temp.best_ms('SELECT rezago.variable_scoring(2023, ''sinim4'')', 5)::numeric, 1)
           AS variable_scoring_observation_ms,
       round(pg_temp.best_ms('SELECT * FROM rezago.run_comuna_states_statement(2023, ''sinim4'', ''obs_copy'')', 5)::numeric, 1)
           AS run_statement_copy_ms;

-- the rank normalisation and vintages as statements (comuna_unit_states,
-- the step they change): over rezago.observation, over the copy (the
-- statement, after the rank table or the vintages), and over the copy by the
-- path the statement replaced (the rank rows, or scoring_values, read from
-- the source whole and aggregated the same way); the same rows, best of ten,
-- interleaved
CREATE TEMP TABLE replaced (methodology text, q text);
INSERT INTO replaced VALUES
    ('sinim4_rank', 'SELECT r.cut, rezago.unit_state(r.dimension_no, r.n_dimensions, r.score, r.weight, r.dimension_weight, r.min_coverage)
                     FROM rezago.ranked_lag_score_rows(2023, ''sinim4_rank'', observations => ''obs_copy'') r GROUP BY r.cut'),
    ('sinim4_age1', 'SELECT v.cut, rezago.unit_state_values(v.variable, v.value, sc.variables, sc.scoring, sc.min_coverage)
                     FROM rezago.scoring_values(2023, ''sinim4_age1'', observations => ''obs_copy'') v,
                          rezago.variable_scoring(2023, ''sinim4_age1'', ''obs_copy'') sc GROUP BY v.cut');
SELECT r.methodology,
       pg_temp.digest(format('SELECT * FROM rezago.comuna_unit_states(2023, %L)', r.methodology))
         = pg_temp.digest(format('SELECT * FROM rezago.comuna_unit_states(2023, %L, ''obs_copy'')', r.methodology)) AS statement_equal,
       pg_temp.digest(format('SELECT * FROM rezago.comuna_unit_states(2023, %L)', r.methodology))
         = pg_temp.digest(r.q) AS replaced_equal
FROM replaced r ORDER BY r.methodology;
-- (the third: the path replaced)
SELECT r.methodology, w.*
FROM replaced r
CROSS JOIN LATERAL pg_temp.three_ways(format('SELECT * FROM rezago.comuna_unit_states(2023, %L)', r.methodology),
                                      format('SELECT * FROM rezago.comuna_unit_states(2023, %L, ''obs_copy'')', r.methodology),
                                      r.q) w
ORDER BY r.methodology;
-- the thresholds over the copy (the sorted values by one statement) and over
-- rezago.observation (index probes)
SELECT round(pg_temp.best_ms('SELECT * FROM rezago.variable_thresholds(2023, ''sinim4'')', 10)::numeric, 1) AS thresholds_observation_ms,
       round(pg_temp.best_ms('SELECT * FROM rezago.variable_thresholds(2023, ''sinim4'', observations => ''obs_copy'')', 10)::numeric, 1) AS thresholds_copy_ms;
