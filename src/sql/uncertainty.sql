/*
 * Uncertainty and sensitivity analysis of the territory ranking
 * (src/uncertainty_*.c, src/rng.c).  How sure is a rank?  The index is rebuilt
 * `runs` times with other normalisations, aggregations, weights and
 * threshold rules; all in C over arrays read once.
 */

CREATE FUNCTION rezago.rank_uncertainty(
    period integer,
    runs integer DEFAULT 1000,
    seed bigint DEFAULT 1,
    methodology text DEFAULT 'ufro2017',
    vary_normalisation boolean DEFAULT true,
    vary_aggregation boolean DEFAULT true,
    weight_perturbation double precision DEFAULT 0.25,
    vary_threshold boolean DEFAULT true,
    normalisations text[] DEFAULT ARRAY['minmax', 'zscore', 'rank'],
    threshold_rules text[] DEFAULT ARRAY['mean', 'median'],
    top_n integer DEFAULT 10,
    dimension_weight_perturbation double precision DEFAULT NULL,
    variable_weight_perturbation double precision DEFAULT NULL,
    leave_out text[] DEFAULT NULL,
    weight_sets jsonb DEFAULT NULL,
    target text DEFAULT 'index',
    imputations text[] DEFAULT NULL,
    outlier_treatments text[] DEFAULT NULL,
    aggregations text[] DEFAULT NULL,
    observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, nominal_index double precision, nominal_rank bigint,
               median_rank double precision, rank_p05 double precision, rank_p95 double precision,
               best_rank bigint, worst_rank bigint, top_n_probability double precision,
               ranked_runs integer, nominal_stage text,
               p_insufficient_data double precision, p_lagging double precision,
               p_exit_started double precision, p_exit_advanced double precision,
               p_exited double precision, runs integer)
AS 'MODULE_PATHNAME', 'rezago_rank_uncertainty'
LANGUAGE C STABLE PARALLEL RESTRICTED CALLED ON NULL INPUT ROWS 60;
COMMENT ON FUNCTION rezago.rank_uncertainty(integer, integer, bigint, text, boolean, boolean, double precision, boolean, text[], text[], integer, double precision, double precision, text[], jsonb, text, text[], text[], text[], regclass) IS
'How sure is the ranking? Rebuilds the territory index runs times (1..1000000), each run drawing a normalisation from normalisations, an aggregation (from aggregations: NULL means arithmetic or geometric; the list may add ampi, the adjusted Mazziotta-Pareto index, which needs normalisations without zscore), weights perturbed by up to +-weight_perturbation (in [0,1); renormalised) and a threshold rule from threshold_rules, for the inputs whose vary_ flag is true; dimension_weight_perturbation and variable_weight_perturbation (NULL: weight_perturbation) perturb the two levels apart; weight_sets, a JSON array of objects giving every variable a weight in the index (any scale, 0 leaves it out), replaces the methodology''s weights by one set drawn per run; leave_out lists variables of which each run leaves out one or none, with equal probability (the others of its dimension share its weight); target = a dimension code analyses that dimension''s score instead of the index. imputations and outlier_treatments (NULL: the methodology''s own only) list the imputations (none, median_region, median_provincia, carry_forward) and outlier treatments (none, percentile, coinr; rezago.require_rule) of which each run draws one with equal probability: its lag scores are those of rezago.comuna_lag_scores under them. Per territory: the nominal index and rank (the methodology as stored; equal to territory_index), the median, 5th and 95th percentile (percentile_cont) of its rank over the runs where it has one, best and worst rank, the probability of ranking among the top_n most lagged, the nominal exit stage and the probability of each stage. Deterministic for a seed: run r draws from xoshiro256** stream (seed, r); runs without leave_out, weight_sets, imputations and outlier_treatments draw as before they existed. Errors: NULL argument (22004), out-of-range or unknown option, variable or dimension, malformed weight set (22023), unknown methodology (42704), no territory with a value to rank in the period (P0002).';

CREATE FUNCTION rezago.comuna_rank_uncertainty(
    period integer,
    runs integer DEFAULT 1000,
    seed bigint DEFAULT 1,
    methodology text DEFAULT 'ufro2017',
    vary_normalisation boolean DEFAULT true,
    vary_aggregation boolean DEFAULT true,
    weight_perturbation double precision DEFAULT 0.25,
    normalisations text[] DEFAULT ARRAY['minmax', 'zscore', 'rank'],
    top_n integer DEFAULT 10,
    dimension_weight_perturbation double precision DEFAULT NULL,
    variable_weight_perturbation double precision DEFAULT NULL,
    leave_out text[] DEFAULT NULL,
    weight_sets jsonb DEFAULT NULL,
    target text DEFAULT 'index',
    imputations text[] DEFAULT NULL,
    outlier_treatments text[] DEFAULT NULL,
    aggregations text[] DEFAULT NULL,
    observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, nominal_index double precision, nominal_rank bigint,
               median_rank double precision, rank_p05 double precision, rank_p95 double precision,
               best_rank bigint, worst_rank bigint, top_n_probability double precision,
               ranked_runs integer, runs integer)
AS 'MODULE_PATHNAME', 'rezago_comuna_rank_uncertainty'
LANGUAGE C STABLE PARALLEL RESTRICTED CALLED ON NULL INPUT ROWS 350;
COMMENT ON FUNCTION rezago.comuna_rank_uncertainty(integer, integer, bigint, text, boolean, boolean, double precision, text[], integer, double precision, double precision, text[], jsonb, text, text[], text[], text[], regclass) IS
'How sure is the rank of each comuna? rank_uncertainty over the comunas of rezago.comuna instead of the territories: the same runs and draws (the same arguments, without the threshold rule, which only moves exit stages), one row per comuna with its nominal index (equal to comuna_index, or the target dimension''s score) and rank among all comunas, the median, 5th and 95th percentile of its rank over the runs where it has one, best and worst rank, and the probability of ranking among the top_n most lagged. Errors as rank_uncertainty; P0002 when no comuna has a value to rank.';

CREATE FUNCTION rezago.uncertainty_runs(
    period integer,
    runs integer DEFAULT 1000,
    seed bigint DEFAULT 1,
    methodology text DEFAULT 'ufro2017',
    vary_normalisation boolean DEFAULT true,
    vary_aggregation boolean DEFAULT true,
    weight_perturbation double precision DEFAULT 0.25,
    vary_threshold boolean DEFAULT true,
    normalisations text[] DEFAULT ARRAY['minmax', 'zscore', 'rank'],
    threshold_rules text[] DEFAULT ARRAY['mean', 'median'],
    dimension_weight_perturbation double precision DEFAULT NULL,
    variable_weight_perturbation double precision DEFAULT NULL,
    leave_out text[] DEFAULT NULL,
    weight_sets jsonb DEFAULT NULL,
    target text DEFAULT 'index',
    imputations text[] DEFAULT NULL,
    outlier_treatments text[] DEFAULT NULL,
    aggregations text[] DEFAULT NULL,
    observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (run integer, normalisation text, aggregation text, threshold_rule text,
               territory text, index double precision, rank bigint, exit_stage text,
               left_out text, weight_set integer,
               imputation text, outlier_treatment text)
AS 'MODULE_PATHNAME', 'rezago_uncertainty_runs'
LANGUAGE C STABLE PARALLEL RESTRICTED CALLED ON NULL INPUT ROWS 60000;
COMMENT ON FUNCTION rezago.uncertainty_runs(integer, integer, bigint, text, boolean, boolean, double precision, boolean, text[], text[], double precision, double precision, text[], jsonb, text, text[], text[], text[], regclass) IS
'Every run of rank_uncertainty (same arguments, same draws): one row per run and territory with the run''s choices, the territory index (or the target dimension''s score), rank (NULL when unranked) and exit stage, the variable the run left out and the weight set it drew (1-based; NULL when none), and its imputation and outlier treatment (the methodology''s own unless imputations or outlier_treatments vary them). Run 0 is the nominal run. For plots and for checking a run by hand; rank_uncertainty summarises the same runs.';

CREATE FUNCTION rezago.uncertainty_draws(
    runs integer DEFAULT 1000,
    seed bigint DEFAULT 1,
    methodology text DEFAULT 'ufro2017',
    vary_normalisation boolean DEFAULT true,
    vary_aggregation boolean DEFAULT true,
    weight_perturbation double precision DEFAULT 0.25,
    vary_threshold boolean DEFAULT true,
    normalisations text[] DEFAULT ARRAY['minmax', 'zscore', 'rank'],
    threshold_rules text[] DEFAULT ARRAY['mean', 'median'],
    dimension_weight_perturbation double precision DEFAULT NULL,
    variable_weight_perturbation double precision DEFAULT NULL,
    leave_out text[] DEFAULT NULL,
    weight_sets jsonb DEFAULT NULL,
    target text DEFAULT 'index',
    imputations text[] DEFAULT NULL,
    outlier_treatments text[] DEFAULT NULL,
    aggregations text[] DEFAULT NULL)
RETURNS TABLE (run integer, normalisation text, aggregation text, threshold_rule text,
               dimension text, variable text, dimension_weight double precision,
               variable_weight double precision, left_out text, weight_set integer,
               imputation text, outlier_treatment text)
AS 'MODULE_PATHNAME', 'rezago_uncertainty_draws'
LANGUAGE C STABLE PARALLEL SAFE CALLED ON NULL INPUT ROWS 18000;
COMMENT ON FUNCTION rezago.uncertainty_draws(integer, bigint, text, boolean, boolean, double precision, boolean, text[], text[], double precision, double precision, text[], jsonb, text, text[], text[], text[]) IS
'The choices each run of rank_uncertainty / uncertainty_runs makes (same arguments but the period): one row per run and variable with the normalisation, aggregation, threshold rule, the dimension''s weight (dimension weights sum to 1) and the variable''s weight within its dimension (sum to 1 per dimension; 0 for a variable left out, and the dimension''s weight 0 when all of its variables are), the variable left out and the weight set drawn (NULL when none), the imputation and the outlier treatment. Run 0 is the nominal run. Lets anyone recompute a run independently.';

CREATE FUNCTION rezago.rank_sensitivity(
    period integer,
    base_samples integer DEFAULT 1000,
    seed bigint DEFAULT 1,
    methodology text DEFAULT 'ufro2017',
    vary_normalisation boolean DEFAULT true,
    vary_aggregation boolean DEFAULT true,
    weight_perturbation double precision DEFAULT 0.25,
    vary_threshold boolean DEFAULT true,
    normalisations text[] DEFAULT ARRAY['minmax', 'zscore', 'rank'],
    threshold_rules text[] DEFAULT ARRAY['mean', 'median'],
    output text DEFAULT 'rank_shift',
    dimension_weight_perturbation double precision DEFAULT NULL,
    variable_weight_perturbation double precision DEFAULT NULL,
    leave_out text[] DEFAULT NULL,
    weight_sets jsonb DEFAULT NULL,
    target text DEFAULT 'index',
    imputations text[] DEFAULT NULL,
    outlier_treatments text[] DEFAULT NULL,
    aggregations text[] DEFAULT NULL,
    observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (input text, first_order double precision, total_order double precision,
               first_order_se double precision, total_order_se double precision,
               output_mean double precision, output_variance double precision,
               base_samples integer, model_runs bigint, inputs integer)
AS 'MODULE_PATHNAME', 'rezago_rank_sensitivity'
LANGUAGE C STABLE PARALLEL RESTRICTED CALLED ON NULL INPUT ROWS 10;
COMMENT ON FUNCTION rezago.rank_sensitivity(integer, integer, bigint, text, boolean, boolean, double precision, boolean, text[], text[], text, double precision, double precision, text[], jsonb, text, text[], text[], text[], regclass) IS
'Which choice moves the ranking most? Variance-based sensitivity of the output (rank_shift: mean absolute rank change from the nominal ranking over the territories ranked in both; stage_shift: share of territories whose exit stage changes) to each varied input: normalisation, aggregation, threshold_rule, weights:<dimension> (the dimension''s weight with its variables'' weights), left_out (with leave_out), weight_set (with weight_sets), imputation (with imputations) and outlier_treatment (with outlier_treatments); target as in rank_uncertainty. Saltelli design with base_samples (2..100000) rows, base_samples x (inputs + 2) model runs; first_order by the Saltelli 2010 estimator, total_order by Jansen''s, with standard errors. Indices NULL when the output does not vary. Deterministic for a seed. Errors as rank_uncertainty; 22023 when nothing varies or output is unknown.';

CREATE FUNCTION rezago.sensitivity_analytic(
    model text,
    base_samples integer DEFAULT 10000,
    seed bigint DEFAULT 1,
    coefficients double precision[] DEFAULT NULL)
RETURNS TABLE (input text, first_order double precision, total_order double precision,
               first_order_se double precision, total_order_se double precision,
               output_mean double precision, output_variance double precision,
               base_samples integer, model_runs bigint, inputs integer)
AS 'MODULE_PATHNAME', 'rezago_sensitivity_analytic'
LANGUAGE C IMMUTABLE PARALLEL SAFE CALLED ON NULL INPUT ROWS 3;
COMMENT ON FUNCTION rezago.sensitivity_analytic(text, integer, bigint, double precision[]) IS
'The estimators of rank_sensitivity (same design, same code) on test functions whose indices are known: linear (Y = sum of coefficients[i] x_i, x_i uniform on [0,1): S_i = ST_i = a_i^2 / sum a^2) and ishigami (a, b = coefficients, default 7 and 0.1; x uniform on [-pi, pi]). For checking the estimators and judging their error at a sample size. NULL model, base_samples or seed: 22004; unknown model or bad coefficients: 22023.';

CREATE FUNCTION rezago.random_uniforms(seed bigint, stream bigint, n integer)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'rezago_random_uniforms'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.random_uniforms(bigint, bigint, integer) IS
'The first n (0..1000000) uniforms in [0,1) of stream `stream` (>= 0) under `seed`: xoshiro256** seeded with SplitMix64, the generator of the uncertainty analysis (run r of rank_uncertainty is stream r). NULL argument: NULL.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('routine',  'rank_uncertainty',     'read'),
    ('routine',  'comuna_rank_uncertainty', 'read'),
    ('routine',  'uncertainty_runs',     'read'),
    ('routine',  'uncertainty_draws',    'read'),
    ('routine',  'rank_sensitivity',     'read'),
    ('routine',  'sensitivity_analytic', 'read'),
    ('routine',  'random_uniforms',      'read');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
