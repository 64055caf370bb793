-- NULL, out-of-range and unknown arguments of the uncertainty functions:
-- every error with its SQLSTATE, message, detail and hint (shown by a helper
-- that catches it, so that the output does not depend on C line numbers);
-- and the random number generator against an independent implementation.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
CREATE FUNCTION pg_temp.try(q text) RETURNS TABLE (state text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN QUERY SELECT 'ok'::text, NULL::text, NULL::text, NULL::text;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN NEXT;
END $$;
\x on
-- NULL arguments are errors (22004), not an empty result
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, seed => NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, methodology => NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, vary_aggregation => NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, weight_perturbation => NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, top_n => NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, normalisations => NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.uncertainty_draws(10, threshold_rules => ARRAY[''mean'', NULL])');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_sensitivity(2023, output => NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.sensitivity_analytic(NULL)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.sensitivity_analytic(''linear'', 100, 1, ARRAY[1, NULL])');
-- out of range (22023)
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, 0)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.uncertainty_runs(2023, 1000001)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, top_n => 0)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, weight_perturbation => 1)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, weight_perturbation => -0.1)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, weight_perturbation => ''NaN'')');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, weight_perturbation => ''Infinity'')');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_sensitivity(2023, 1)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_sensitivity(2023, 100001)');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.sensitivity_analytic(''linear'', 100, 1, ''{}'')');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.sensitivity_analytic(''linear'', 100, 1, ARRAY[1, ''NaN''::float8])');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.sensitivity_analytic(''ishigami'', 100, 1, ARRAY[1, 2, 3])');
SELECT * FROM pg_temp.try('SELECT rezago.random_uniforms(1, -1, 3)');
SELECT * FROM pg_temp.try('SELECT rezago.random_uniforms(1, 1, 1000001)');
-- unknown or malformed options (22023, 2202E)
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, normalisations => ARRAY[''minmax'', ''MinMax''])');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, normalisations => ARRAY[''rank'', ''rank''])');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, normalisations => ''{}'')');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, threshold_rules => ''{{mean},{median}}'')');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_sensitivity(2023, output => ''ranks'')');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.sensitivity_analytic(''sobol_g'')');
-- nothing to analyse
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_sensitivity(2023, 10, 1, ''ufro2017'', false, false, 0, false)');
-- the methodology: unknown (42704), options it cannot compute (22023)
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, methodology => ''nope'')');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, normalisations => ARRAY[''goalpost''])');
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, threshold_rules => ARRAY[''percentile''])');
-- an option that is not varied is not checked (the flag turns it off)
SELECT * FROM pg_temp.try('SELECT * FROM rezago.rank_uncertainty(2023, vary_normalisation => false, normalisations => ARRAY[''goalpost''])');
\x off

-- no territories, no data: an empty result, not an error
SELECT count(*) AS rows FROM rezago.rank_uncertainty(2023);
-- (the sensitivity has inputs but an output that never varies: NULL indices)
SELECT count(*) AS rows, count(first_order) AS with_index FROM rezago.rank_sensitivity(2023, 10);
SELECT count(*) AS rows, count(DISTINCT run) AS runs, count(DISTINCT variable) AS variables
FROM rezago.uncertainty_draws(3);

-- The generator: xoshiro256** seeded with SplitMix64 (rng.h).  Expected values
-- from an independent Python implementation whose core reproduces the
-- published test vectors (SplitMix64 from 1234567: 6457827717110365317, ...;
-- xoshiro256** from state {1,2,3,4}: 11520, 0, 1509978240, ...):
--   stream(1, 1)  -> 0.6012629994179048, 0.7477740925472398, 0.10301998939503632
--   stream(1, 2)  -> 0.5868272963556651, 0.567929109542978, 0.1867676689684853
--   stream(-5, 0) -> 0.29167713533165485, 0.6268824140123754
--   stream(9223372036854775807, 1000000) -> 0.3694149187760849, 0.059742365404533815
SET LOCAL extra_float_digits = 3;
SELECT rezago.random_uniforms(1, 1, 3) = ARRAY[0.6012629994179048, 0.7477740925472398, 0.10301998939503632]::float8[] AS seed1_stream1,
       rezago.random_uniforms(1, 2, 3) = ARRAY[0.5868272963556651, 0.567929109542978, 0.1867676689684853]::float8[] AS seed1_stream2,
       rezago.random_uniforms(-5, 0, 2) = ARRAY[0.29167713533165485, 0.6268824140123754]::float8[] AS negative_seed,
       rezago.random_uniforms(9223372036854775807, 1000000, 2) = ARRAY[0.3694149187760849, 0.059742365404533815]::float8[] AS extremes,
       rezago.random_uniforms(1, 1, 0) = '{}'::float8[] AS empty,
       rezago.random_uniforms(NULL, 1, 3) IS NULL AS null_seed;
-- a run's uniforms are the first ones of its stream: run 1 of seed 1 draws
-- u = 0.601..., 0.747..., 0.103...: normalisation floor(3 u) = 1 of (minmax,
-- zscore, rank) -> zscore; aggregation floor(2 u) = 1 -> geometric;
-- threshold rule floor(2 u) = 0 of (mean, median) -> mean
SELECT DISTINCT normalisation, aggregation, threshold_rule FROM rezago.uncertainty_draws(1, 1) WHERE run = 1;
-- uniforms in [0, 1) and without obvious bias over 100000 draws
SELECT min(u) >= 0 AND max(u) < 1 AS in_range, abs(avg(u) - 0.5) < 0.005 AS mean_ok,
       abs(variance(u) - 1 / 12.0) < 0.002 AS variance_ok
FROM unnest(rezago.random_uniforms(2024, 7, 100000)) u;
ROLLBACK;
