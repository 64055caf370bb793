/*
 * The lag index (doc/method.md section 3): lag scores, dimension scores and the
 * index of comunas and territories.
 *   - C building blocks usable over any table (src/lag_score.c, src/weighted_mean.c): lag_score,
 *     lag_score_zscore and the weighted-mean aggregates;
 *   - canonical sums (src/canonical_sum.c): every floating-point sum adds
 *     its terms in one order, so that results do not depend on row order,
 *     plan, parallel workers or a restore;
 *   - the unit_* aggregates (src/unit_aggregates.c): the whole index of one unit
 *     in one group, one row per variable; their *_values forms score raw
 *     observations themselves from a scoring table (rezago.variable_scoring),
 *     so that comuna_index groups rezago.observation by comuna directly,
 *     read in comuna order from the index observation_period_cut_idx;
 *   - how each variable is scored in a period (rezago.scoring_rows): the min
 *     and max of the reference population are two probes of the index on
 *     (period, variable, value);
 *   - the index over the extension's tables: comuna_lag_scores, and
 *     comuna_index and comuna_dimension_scores, which apply the final
 *     functions they need to one aggregation per comuna
 *     (rezago.comuna_unit_states); the territory scores are means of their
 *     members'.
 */

--------------------------------------------------------------------------
-- C building blocks (src/lag_score.c, src/weighted_mean.c), usable over any table
--------------------------------------------------------------------------

CREATE FUNCTION rezago.lag_score(value double precision, min double precision,
                                 max double precision, polarity integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_lag_score'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.lag_score(double precision, double precision, double precision, integer) IS
'Min-max lag score in [0,1], 1 = most lagged: (max-value)/(max-min) for polarity +1, (value-min)/(max-min) for -1, clamped to [0,1]; 0 when max = min. NULL or non-finite value: NULL. NULL min/max/polarity: NULL. Non-finite min or max, max < min, polarity not +-1: error.';

CREATE FUNCTION rezago.lag_score_zscore(value double precision, mean double precision,
                                        sd double precision, polarity integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_lag_score_zscore'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.lag_score_zscore(double precision, double precision, double precision, integer) IS
'Z-score lag score, larger = more lagged: -polarity*(value-mean)/sd; 0 when sd = 0; unbounded. NULL or non-finite value: NULL. Non-finite mean or sd, negative sd, polarity not +-1: error.';

CREATE FUNCTION rezago.treated_value(value double precision, win_lo double precision, win_hi double precision,
                                     log_min double precision DEFAULT NULL, log_offset double precision DEFAULT NULL)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_treated_value'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.treated_value(double precision, double precision, double precision, double precision, double precision) IS
'A value as the outlier treatment leaves it (doc/method.md 3.2): clamped to [win_lo, win_hi] (a NULL limit: none), then, when log_min and log_offset are both given, ln(x - log_min + log_offset) with x at least log_min (COINr''s log_CT). The limits and log parameters of a methodology are the columns of rezago.scoring_rows; every lag score of rezago is a score of this value. NULL or non-finite value: NULL. Errors: non-finite limits or log parameters, win_lo > win_hi, log_offset <= 0 (22023).';

CREATE FUNCTION rezago.rank_key(value double precision, polarity double precision,
                                win_lo double precision, win_hi double precision,
                                log_min double precision DEFAULT NULL, log_offset double precision DEFAULT NULL)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_rank_key'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.rank_key(double precision, double precision, double precision, double precision, double precision, double precision) IS
'What the rank normalisation ranks, descending (doc/method.md): polarity x rezago.treated_value(value, win_lo, win_hi, log_min, log_offset); rezago.rank_table and rezago.ranked_lag_score_rows rank by it. NULL value or NULL polarity: NULL (nothing else checked). Errors: polarity other than 1 or -1 (NaN included), then the errors of rezago.treated_value (22023); otherwise a NaN or infinite value: NULL.';

CREATE FUNCTION rezago.coinr_treatment(value_list double precision[], winmax integer DEFAULT 5,
                                       skew_threshold double precision DEFAULT 2,
                                       kurtosis_threshold double precision DEFAULT 3.5,
                                       OUT n integer, OUT skewness_before double precision,
                                       OUT kurtosis_before double precision,
                                       OUT win_lo double precision, OUT win_hi double precision,
                                       OUT winsorised_low integer, OUT winsorised_high integer,
                                       OUT log_transform boolean, OUT log_min double precision,
                                       OUT log_offset double precision,
                                       OUT skewness_after double precision, OUT kurtosis_after double precision,
                                       OUT passes boolean)
AS 'MODULE_PATHNAME', 'rezago_coinr_treatment'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.coinr_treatment(double precision[], integer, double precision, double precision) IS
'COINr''s default outlier treatment (Treat: winsorise, then log_CT; doc/method.md 3.2) of one variable''s values: skewness and kurtosis as COINr''s skew and kurt (Excel''s SKEW and KURT, kurtosis in excess of 3); while neither |skewness| < skew_threshold nor kurtosis < kurtosis_threshold and fewer than winmax points are winsorised, the largest values (positive skewness) or smallest (negative) take the next value, ties together; if the rule still fails, ln(x - min + 0.01 (max - min)) of the untreated values instead. Returns n, the statistics before and after, the limits win_lo and win_hi (NULL on a side where no point moved; min and max under the log), the points winsorised low and high, log_transform with log_min and log_offset (for rezago.treated_value), and whether the treated values pass. NULL, NaN and infinite elements are left out; fewer than 4 values or all equal: statistics NULL, nothing done. NULL array: NULL. Errors: NULL winmax or threshold (22004), winmax outside 0..1000000, thresholds not positive and finite, an array of more than one dimension (22023, 2202E).';

CREATE FUNCTION rezago.geometric_log_achievement(score double precision, zscore_max double precision DEFAULT NULL)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_geometric_log_achievement'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.geometric_log_achievement(double precision, double precision) IS
'The term of the geometric aggregation (doc/method.md 3.4; the uncertainty runs use the same C formula): ln(1 + 99 a), with the achievement a = 1 - score for a lag score in [0,1] (min-max, rank, goalpost), or a = zscore_max - score for a z-score (zscore_max: the variable''s largest z-score in the period). The weighted mean of these terms goes to rezago.geometric_index. NULL or non-finite score: NULL. Errors: a bounded score outside [0,1], a z-score above zscore_max, non-finite zscore_max (22023).';

CREATE FUNCTION rezago.geometric_index(mean_log double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_geometric_index'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.geometric_index(double precision) IS
'The lag index of a weighted mean of rezago.geometric_log_achievement terms: 1 - (exp(mean_log) - 1) / 99 (1 = most lagged; a comuna whose bounded scores all equal s gets s). NULL: NULL. Error on NaN or infinite (22023).';

CREATE FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_accum_mincov'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_accum_total(double precision[], double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_accum_total'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_accum_cov_total'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.average_accum(double precision[], double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_average_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_combine(double precision[], double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_wmean_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_final(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_wmean_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.weighted_mean_coverage(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_wmean_coverage'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision) IS 'Support function of rezago.dimension_score; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision, double precision) IS 'Support function of rezago.dimension_score; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_accum_total(double precision[], double precision, double precision, double precision) IS 'Support function of rezago.dimension_coverage; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_accum(double precision[], double precision, double precision, double precision, double precision) IS 'Support function of rezago.dimension_score; not for direct use.';
COMMENT ON FUNCTION rezago.average_accum(double precision[], double precision) IS 'Support function of rezago.territory_average; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_combine(double precision[], double precision[]) IS 'Combine function of the weighted-mean aggregates (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_final(double precision[]) IS 'Final function of the weighted-mean aggregates; not for direct use.';
COMMENT ON FUNCTION rezago.weighted_mean_coverage(double precision[]) IS 'Final function of rezago.dimension_coverage; not for direct use.';

CREATE AGGREGATE rezago.dimension_score(score double precision, weight double precision) (
    SFUNC = rezago.weighted_mean_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_final, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_score(double precision, double precision) IS
'Weighted mean of the non-NULL scores. A NULL score is missing (its weight lowers coverage); weight 0 leaves a row out. NULL when nothing is scored or the input is empty. Error on NaN/infinite score, NULL/negative/non-finite weight.';

CREATE AGGREGATE rezago.dimension_score(score double precision, weight double precision,
                                        min_coverage double precision) (
    SFUNC = rezago.weighted_mean_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_final, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_score(double precision, double precision, double precision) IS
'Weighted mean of the non-NULL scores, NULL when the scored share of the weight (coverage) is below min_coverage (a constant in [0,1]; 1 = any missing score gives NULL). Same NULL/NaN policy as the two-argument form.';

CREATE AGGREGATE rezago.dimension_score(score double precision, weight double precision,
                                        min_coverage double precision, total_weight double precision) (
    SFUNC = rezago.weighted_mean_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_final, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_score(double precision, double precision, double precision, double precision) IS
'As dimension_score(score, weight, min_coverage), but coverage is measured against total_weight (the weight of every item of the group, a positive constant), so missing items need no input row. Error when the rows weigh more than total_weight.';

CREATE AGGREGATE rezago.dimension_coverage(score double precision, weight double precision) (
    SFUNC = rezago.weighted_mean_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_coverage, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_coverage(double precision, double precision) IS
'Share of the weight whose score is not NULL, in [0,1]. NULL on empty input or when every weight is 0. Shares its state with dimension_score(score, weight).';

CREATE AGGREGATE rezago.dimension_coverage(score double precision, weight double precision,
                                           total_weight double precision) (
    SFUNC = rezago.weighted_mean_accum_total, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_coverage, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.dimension_coverage(double precision, double precision, double precision) IS
'Scored weight divided by total_weight (a positive constant: the weight of every item, present or not). NULL on empty input.';

CREATE AGGREGATE rezago.territory_average(score double precision) (
    SFUNC = rezago.average_accum, STYPE = double precision[],
    FINALFUNC = rezago.weighted_mean_final, COMBINEFUNC = rezago.weighted_mean_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.territory_average(double precision) IS
'Arithmetic mean of the non-NULL member scores (the plan''s territory score). NULL when no member is scored or the input is empty. Error on NaN/infinite score. Count the scored members with count(score).';

--------------------------------------------------------------------------
-- Canonical sums (src/canonical_sum.c)
-- Every floating-point sum of rezago adds its terms in ascending magnitude,
-- then ascending value, so that the same data give the same bits whatever the
-- row order, plan, parallel workers or restore.  The C aggregates keep their
-- rows and sum them at the end; these three aggregates bring the same sums to
-- SQL, where the functions below use them instead of sum(), avg() and
-- stddev_samp().
--------------------------------------------------------------------------

CREATE FUNCTION rezago.canonical_accum(double precision[], double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_canonical_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.canonical_combine(double precision[], double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_canonical_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.canonical_sum_final(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_canonical_sum_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.canonical_avg_final(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_canonical_avg_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.canonical_stddev_samp_final(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_canonical_stddev_samp_final'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.canonical_accum(double precision[], double precision) IS 'Transition function of the canonical_* aggregates; not for direct use.';
COMMENT ON FUNCTION rezago.canonical_combine(double precision[], double precision[]) IS 'Combine function of the canonical_* aggregates (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION rezago.canonical_sum_final(double precision[]) IS 'Final function of rezago.canonical_sum; not for direct use.';
COMMENT ON FUNCTION rezago.canonical_avg_final(double precision[]) IS 'Final function of rezago.canonical_avg; not for direct use.';
COMMENT ON FUNCTION rezago.canonical_stddev_samp_final(double precision[]) IS 'Final function of rezago.canonical_stddev_samp; not for direct use.';

CREATE AGGREGATE rezago.canonical_sum(value double precision) (
    SFUNC = rezago.canonical_accum, STYPE = double precision[],
    FINALFUNC = rezago.canonical_sum_final, COMBINEFUNC = rezago.canonical_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.canonical_sum(double precision) IS
'Sum of the non-NULL values added in ascending magnitude, then ascending value: the same bits whatever the order of the rows, the plan or parallel workers (sum() adds in row order). Equals sum(value ORDER BY abs(value), value). NULL on empty input. Errors: a NaN or infinite value (22023), a sum out of range (22003). Keeps the values of a group in memory (8 bytes each).';
CREATE AGGREGATE rezago.canonical_avg(value double precision) (
    SFUNC = rezago.canonical_accum, STYPE = double precision[],
    FINALFUNC = rezago.canonical_avg_final, COMBINEFUNC = rezago.canonical_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.canonical_avg(double precision) IS
'Mean of the non-NULL values, summed as rezago.canonical_sum over the values scaled by a power of two (so that values near 1e308 cannot overflow the sum): the same bits whatever the order of the rows, and the bits of avg(value ORDER BY abs(value), value) whenever that does not overflow. NULL on empty input. Error on a NaN or infinite value (22023).';
CREATE AGGREGATE rezago.canonical_stddev_samp(value double precision) (
    SFUNC = rezago.canonical_accum, STYPE = double precision[],
    FINALFUNC = rezago.canonical_stddev_samp_final, COMBINEFUNC = rezago.canonical_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.canonical_stddev_samp(double precision) IS
'Sample standard deviation of the non-NULL values in two passes: sqrt(sum((x - mean)^2) / (n - 1)), each sum as rezago.canonical_sum over the values scaled by a power of two, the mean as rezago.canonical_avg: the same bits whatever the order of the rows. NULL for fewer than two values. Error on a NaN or infinite value (22023).';

--------------------------------------------------------------------------
-- One pass per unit: the unit_* aggregates (src/unit_aggregates.c)
--------------------------------------------------------------------------

-- The whole index of one unit in one group: one row per variable of the
-- unit, one group per unit (comuna_index aggregates per comuna in a single
-- pass instead of per comuna and dimension, then per comuna).
CREATE FUNCTION rezago.unit_accum(double precision[], integer, integer, double precision,
                                  double precision, double precision, double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.unit_combine(double precision[], double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_combine'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_index_final(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_unit_index'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_dimension_scores_final(double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_dimension_scores'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_dimension_coverage_final(double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_dimension_coverage'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_missing_dimensions_final(double precision[])
RETURNS integer[] AS 'MODULE_PATHNAME', 'rezago_unit_missing_dimensions'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_state_trim(double precision[])
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_state_trim'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.unit_state_trim(double precision[]) IS 'Final function of rezago.unit_state and unit_state_values: the state without its spare room, its rows sorted (so that the same rows give the same array in any order); not for direct use. A malformed or non-finite state: 22023.';
COMMENT ON FUNCTION rezago.unit_accum(double precision[], integer, integer, double precision, double precision, double precision, double precision) IS 'Transition function of the unit_* aggregates; not for direct use.';
COMMENT ON FUNCTION rezago.unit_combine(double precision[], double precision[]) IS 'Combine function of the unit_* aggregates (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION rezago.unit_index_final(double precision[]) IS 'Final function of rezago.unit_index: what it gives, from a state of rezago.unit_state or unit_state_values. NULL state: NULL (strict); a malformed or non-finite state: 22023.';
COMMENT ON FUNCTION rezago.unit_dimension_scores_final(double precision[]) IS 'Final function of rezago.unit_dimension_scores: what it gives, from a state of rezago.unit_state or unit_state_values. NULL state: NULL (strict); a malformed or non-finite state: 22023.';
COMMENT ON FUNCTION rezago.unit_dimension_coverage_final(double precision[]) IS 'Final function of rezago.unit_dimension_coverage: what it gives, from a state of rezago.unit_state or unit_state_values. NULL state: NULL (strict); a malformed or non-finite state: 22023.';
COMMENT ON FUNCTION rezago.unit_missing_dimensions_final(double precision[]) IS 'Final function of rezago.unit_missing_dimensions: what it gives, from a state of rezago.unit_state or unit_state_values. NULL state: NULL (strict); a malformed or non-finite state: 22023.';

CREATE AGGREGATE rezago.unit_index(dimension integer, n_dimensions integer, score double precision,
                                   weight double precision, dimension_weight double precision,
                                   min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_index_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_index(integer, integer, double precision, double precision, double precision, double precision) IS
'Lag index of one unit from one row per variable (doc/method.md 3.3-3.4): dimension numbered 1..n_dimensions, the lag score (NULL = missing), weight = the variable''s share of its dimension (a dimension''s weights sum to 1, so missing variables need no row), the dimension''s weight in the index, and min_coverage. Each dimension score is the weighted mean of its scored rows, NULL when their weight (the coverage) is below min_coverage; the index is the weighted mean of the n dimension scores, NULL when any is NULL or has no row. n_dimensions and min_coverage are constants of the group, dimension_weight of each dimension. Errors: NULL dimension, n_dimensions, weight, dimension_weight or min_coverage (22004); dimension outside 1..n_dimensions, n_dimensions outside 1..1000, NaN/infinite score, negative or non-finite weight, dimension_weight not positive, min_coverage outside [0,1], a constant that changes, rows of a dimension weighing more than 1 (22023). Weight 0 leaves a row out. Empty input: NULL.';

CREATE AGGREGATE rezago.unit_dimension_scores(dimension integer, n_dimensions integer, score double precision,
                                              weight double precision, dimension_weight double precision,
                                              min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_dimension_scores_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_dimension_scores(integer, integer, double precision, double precision, double precision, double precision) IS
'The n dimension scores of one unit, as an array indexed by dimension number: element d is the weighted mean of the scored rows of dimension d, NULL when it has none or their coverage is below min_coverage. Inputs, NULL policy and errors as rezago.unit_index (shares its state).';

CREATE AGGREGATE rezago.unit_dimension_coverage(dimension integer, n_dimensions integer, score double precision,
                                                weight double precision, dimension_weight double precision,
                                                min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_dimension_coverage_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_dimension_coverage(integer, integer, double precision, double precision, double precision, double precision) IS
'The coverage of each of the n dimensions of one unit (the weight of its scored rows, in [0,1]), as an array indexed by dimension number; NULL where the dimension has no row of positive weight. Inputs, NULL policy and errors as rezago.unit_index (shares its state).';

CREATE AGGREGATE rezago.unit_missing_dimensions(dimension integer, n_dimensions integer, score double precision,
                                                weight double precision, dimension_weight double precision,
                                                min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_missing_dimensions_final, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_missing_dimensions(integer, integer, double precision, double precision, double precision, double precision) IS
'The numbers of the dimensions of one unit without a score (no row, nothing scored, or coverage below min_coverage), ascending; empty when the index can be computed. Inputs, NULL policy and errors as rezago.unit_index (shares its state).';

-- The same four aggregates from raw observations (src/unit_aggregates.c: the
-- aggregate looks each row's variable up in the scoring table and scores
-- it), so that comuna_index groups rezago.observation itself by comuna.
-- Their state is internal (the slotted float8[] state of rezago.unit_state,
-- made and kept by the transition function alone, so not checked again at
-- every row); rezago.unit_state_values returns it as that float8[].
CREATE FUNCTION rezago.unit_values_accum(internal, text, double precision, text[],
                                         double precision[], double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'rezago_unit_values_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.unit_values_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'rezago_unit_values_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.unit_values_serial(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'rezago_unit_values_serial'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_values_deserial(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'rezago_unit_values_deserial'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.unit_values_index_final(internal)
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_unit_values_index'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.unit_values_dimension_scores_final(internal)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_values_dimension_scores'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.unit_values_dimension_coverage_final(internal)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_values_dimension_coverage'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.unit_values_missing_dimensions_final(internal)
RETURNS integer[] AS 'MODULE_PATHNAME', 'rezago_unit_values_missing_dimensions'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rezago.unit_values_state_final(internal)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_values_state'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.unit_values_accum(internal, text, double precision, text[], double precision[], double precision) IS 'Transition function of the unit_*_values aggregates (internal state); not for direct use (0A000 outside an aggregate).';
COMMENT ON FUNCTION rezago.unit_values_combine(internal, internal) IS 'Combine function of the unit_*_values aggregates (parallel aggregation); not for direct use (0A000 outside an aggregate).';
COMMENT ON FUNCTION rezago.unit_values_serial(internal) IS 'Serialisation function of the unit_*_values aggregates: the state''s float8 elements, as rezago.unit_state_values returns them; not for direct use (0A000 outside an aggregate).';
COMMENT ON FUNCTION rezago.unit_values_deserial(bytea, internal) IS 'Deserialisation function of the unit_*_values aggregates, every element checked (22023); not for direct use (0A000 outside an aggregate).';
COMMENT ON FUNCTION rezago.unit_values_index_final(internal) IS 'Final function of rezago.unit_index_values: rezago.unit_index_final of the state; not for direct use (0A000 outside an aggregate).';
COMMENT ON FUNCTION rezago.unit_values_dimension_scores_final(internal) IS 'Final function of rezago.unit_dimension_scores_values: rezago.unit_dimension_scores_final of the state; not for direct use (0A000 outside an aggregate).';
COMMENT ON FUNCTION rezago.unit_values_dimension_coverage_final(internal) IS 'Final function of rezago.unit_dimension_coverage_values: rezago.unit_dimension_coverage_final of the state; not for direct use (0A000 outside an aggregate).';
COMMENT ON FUNCTION rezago.unit_values_missing_dimensions_final(internal) IS 'Final function of rezago.unit_missing_dimensions_values: rezago.unit_missing_dimensions_final of the state; not for direct use (0A000 outside an aggregate).';
COMMENT ON FUNCTION rezago.unit_values_state_final(internal) IS 'Final function of rezago.unit_state_values: the state as the float8[] that rezago.unit_state documents (slotted), every element checked; not for direct use (0A000 outside an aggregate).';

CREATE AGGREGATE rezago.unit_index_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = internal, SSPACE = 800,
    FINALFUNC = rezago.unit_values_index_final, COMBINEFUNC = rezago.unit_values_combine,
    SERIALFUNC = rezago.unit_values_serial, DESERIALFUNC = rezago.unit_values_deserial, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_index_values(text, double precision, text[], double precision[], double precision) IS
'What rezago.unit_index gives, from one row per raw observation of the unit: the variable''s code and its value, scored with the methodology''s scoring table (variables and scoring from rezago.variable_scoring(period, methodology): min-max, goalpost or z-score, winsorised when the methodology says so; not rank). A row whose variable is NULL or not in the table is ignored; a NULL, NaN or infinite value is a missing value. variables, scoring and min_coverage are the same for every row of a group (pass scalar subqueries; each group may have its own, e.g. one per period). Errors: NULL variables, scoring or min_coverage (22004); a malformed scoring table (22023, with the problem in the detail). Shares its state with unit_dimension_scores_values, unit_dimension_coverage_values, unit_missing_dimensions_values and unit_state_values; empty input: NULL.';

CREATE AGGREGATE rezago.unit_dimension_scores_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = internal, SSPACE = 800,
    FINALFUNC = rezago.unit_values_dimension_scores_final, COMBINEFUNC = rezago.unit_values_combine,
    SERIALFUNC = rezago.unit_values_serial, DESERIALFUNC = rezago.unit_values_deserial, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_dimension_scores_values(text, double precision, text[], double precision[], double precision) IS
'What rezago.unit_dimension_scores gives, from raw observations and a scoring table: inputs, NULL policy and errors as rezago.unit_index_values (shares its state).';

CREATE AGGREGATE rezago.unit_dimension_coverage_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = internal, SSPACE = 800,
    FINALFUNC = rezago.unit_values_dimension_coverage_final, COMBINEFUNC = rezago.unit_values_combine,
    SERIALFUNC = rezago.unit_values_serial, DESERIALFUNC = rezago.unit_values_deserial, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_dimension_coverage_values(text, double precision, text[], double precision[], double precision) IS
'What rezago.unit_dimension_coverage gives, from raw observations and a scoring table: inputs, NULL policy and errors as rezago.unit_index_values (shares its state).';

CREATE AGGREGATE rezago.unit_missing_dimensions_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = internal, SSPACE = 800,
    FINALFUNC = rezago.unit_values_missing_dimensions_final, COMBINEFUNC = rezago.unit_values_combine,
    SERIALFUNC = rezago.unit_values_serial, DESERIALFUNC = rezago.unit_values_deserial, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_missing_dimensions_values(text, double precision, text[], double precision[], double precision) IS
'What rezago.unit_missing_dimensions gives, from raw observations and a scoring table: inputs, NULL policy and errors as rezago.unit_index_values (shares its state).';

-- The state itself (no final function), so that one query aggregates once
-- per comuna (rezago.comuna_unit_states) and its callers apply the final
-- functions they need.
CREATE AGGREGATE rezago.unit_state(dimension integer, n_dimensions integer, score double precision,
                                   weight double precision, dimension_weight double precision,
                                   min_coverage double precision) (
    SFUNC = rezago.unit_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_state_trim, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_state(integer, integer, double precision, double precision, double precision, double precision) IS
'The state the unit_* aggregates share, as a float8[]: 3 + n_dimensions (the number of fields), 3 (the width of a row), the number of rows R, then n_dimensions, min_coverage, 0 (1 for the slotted state of unit_state_values: one row per variable of the scoring table, in its order, 0,0,0 for a variable without a row), the weight of each dimension (0 when it has no row), then R rows (dimension, weight, score) in ascending order, one per input row of positive weight, the weight negated when the score is missing. The sums are taken by the final functions in canonical order (ascending magnitude), so that results do not depend on row order. Pass it to rezago.unit_index_final, unit_dimension_scores_final, unit_dimension_coverage_final or unit_missing_dimensions_final to get what the aggregate of that name gives. Inputs, NULL policy and errors as rezago.unit_index; empty input: NULL.';

CREATE AGGREGATE rezago.unit_state_values(variable text, value double precision, variables text[],
        scoring double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_values_accum, STYPE = internal, SSPACE = 800,
    FINALFUNC = rezago.unit_values_state_final, COMBINEFUNC = rezago.unit_values_combine,
    SERIALFUNC = rezago.unit_values_serial, DESERIALFUNC = rezago.unit_values_deserial, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_state_values(text, double precision, text[], double precision[], double precision) IS
'As rezago.unit_state, from one row per raw observation and a scoring table, in the slotted form: one row per variable of the scoring table, in its order (inputs, NULL policy and errors as rezago.unit_index_values; a variable twice in one group: 22023).';

-- The same state from raw observations under the rank normalisation: the
-- scores come from a rank table computed once for the whole population
-- (rezago.rank_table, flattened by rezago.variable_scoring into its ranks), in which the aggregate looks each value up, so
-- that one statement grouped by comuna computes what
-- rezago.ranked_lag_score_rows and unit_state compute over the whole
-- source (comuna_states_statement).  Its state is unit_state's, not the
-- slotted one, so that the two give the same arrays.
CREATE FUNCTION rezago.unit_ranks_accum(double precision[], text, double precision, text[],
                                        double precision[], double precision[], double precision)
RETURNS double precision[] AS 'MODULE_PATHNAME', 'rezago_unit_ranks_accum'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.unit_ranks_accum(double precision[], text, double precision, text[], double precision[], double precision[], double precision) IS 'Transition function of rezago.unit_state_ranks; not for direct use.';

CREATE AGGREGATE rezago.unit_state_ranks(variable text, value double precision, variables text[],
        scoring double precision[], ranks double precision[], min_coverage double precision) (
    SFUNC = rezago.unit_ranks_accum, STYPE = double precision[], SSPACE = 640,
    FINALFUNC = rezago.unit_state_trim, COMBINEFUNC = rezago.unit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.unit_state_ranks(text, double precision, text[], double precision[], double precision[], double precision) IS
'As rezago.unit_state, from one row per raw observation under the rank normalisation: each row''s variable is looked up in the scoring table (variables and scoring as rezago.variable_scoring gives them: its dimension number, n_dimensions, weight and dimension weight; the bounds are not used) and its value in the rank table ranks, whose score it takes: a one-dimensional float8[] holding, for each variable in the order of variables, m, its m distinct values in strictly ascending order, then their m lag scores in [0,1] (rezago.rank_scores computes them once for the whole population; comuna_states_statement writes them in). The state is the one rezago.unit_state gives over the rows of rezago.ranked_lag_score_rows (not slotted), to the bit. A row whose variable is NULL or not in the table is ignored (a group of such rows alone: a state without rows); a NULL, NaN or infinite value is a missing value. Errors: NULL variables, scoring, ranks or min_coverage (22004); a malformed scoring or rank table, a value not in its variable''s rank table (22023, with the problem in the detail). Empty input: NULL.';

--------------------------------------------------------------------------
-- How each variable is scored in a period, and the index of every comuna
--------------------------------------------------------------------------

-- The whole-population step over an observation source other than
-- rezago.observation (issue 19) as top-level statements over the source,
-- each reading it once, built as rezago.comuna_states_statement builds its
-- (the source named once, constants, schema-qualified operators), so that a
-- distributed engine such as Citus can push them down: the count, minimum
-- and maximum of every (variable, period) (combinable aggregates: partial
-- on each node, combined on the coordinator), and, when the methodology
-- needs more than those (percentile limits, COINr's treatment, z-score
-- moments), the sorted values of every (variable, vintage) (percentile_cont
-- cannot be combined from partial states).  rezago.variable_vintages and
-- rezago.scoring_rows take these rows over such a source instead of a
-- subquery over it per variable and period; over rezago.observation they
-- keep their index probes, and these statements are never run.
CREATE FUNCTION rezago.source_extent_statement(first_period integer, last_period integer,
                                               observations regclass)
RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    src regclass := rezago.require_observation_source(observations);
BEGIN
    RETURN pg_catalog.format(
        'SELECT s.variable::pg_catalog.text AS variable, s.period::pg_catalog.int4 AS period,'
        || E'\n       pg_catalog.count(*) AS comunas, pg_catalog.min(s.value::pg_catalog.float8) AS min,'
        || E'\n       pg_catalog.max(s.value::pg_catalog.float8) AS max'
        || E'\nFROM %s s'
        || E'\nWHERE s.period OPERATOR(pg_catalog.>=) %L::pg_catalog.int4 AND s.period OPERATOR(pg_catalog.<=) %L::pg_catalog.int4'
        || E'\n  AND s.value IS NOT NULL'
        || E'\nGROUP BY s.variable, s.period',
        src, first_period, last_period);
END;
$$;
COMMENT ON FUNCTION rezago.source_extent_statement(integer, integer, regclass) IS
'The statement that computes, over an observation source, the number of non-NULL values (comunas), their minimum and maximum (as double precision) for every variable and period from first_period to last_period: one top-level SELECT over the source, named once, grouped by its columns variable and period (count, min and max: on Citus, partial aggregates on the workers, combined on the coordinator). rezago.run_source_extent_statement runs it; rezago.variable_vintages uses it over a source other than rezago.observation (rezago.scoring_rows takes its bounds from there) (doc/sources.md). STRICT: NULL for a NULL argument. Errors: a bad source, as rezago.require_observation_source (42809, 42703, 42804, 22000).';

CREATE FUNCTION rezago.run_source_extent_statement(first_period integer, last_period integer,
                                                   observations regclass)
RETURNS TABLE (variable text, period integer, comunas bigint, min double precision, max double precision)
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED ROWS 100
-- PARALLEL RESTRICTED: a temporary table cannot be read in a parallel worker
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY EXECUTE rezago.source_extent_statement(first_period, last_period, observations);
END;
$$;
COMMENT ON FUNCTION rezago.run_source_extent_statement(integer, integer, regclass) IS
'Runs rezago.source_extent_statement: one row per variable and period from first_period to last_period with a non-NULL value in the source, with their number (comunas), minimum and maximum. STRICT: no rows for a NULL argument. Errors: as rezago.source_extent_statement.';

CREATE FUNCTION rezago.source_values_statement(variables text[], periods integer[], observations regclass)
RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    src regclass := rezago.require_observation_source(observations);
BEGIN
    RETURN pg_catalog.format(
        'SELECT s.variable::pg_catalog.text AS variable, s.period::pg_catalog.int4 AS period,'
        || E'\n       pg_catalog.array_agg(s.value::pg_catalog.float8 ORDER BY s.value::pg_catalog.float8) AS value_list'
        || E'\nFROM %s s'
        || E'\nWHERE s.period OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.int4[])'
        || E'\n  AND s.variable::pg_catalog.text OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.text[])'
        || E'\n  AND s.value IS NOT NULL'
        || E'\nGROUP BY s.variable, s.period',
        src, periods, variables);
END;
$$;
COMMENT ON FUNCTION rezago.source_values_statement(text[], integer[], regclass) IS
'The statement that gathers, over an observation source, the non-NULL values (as double precision, in ascending order) of every variable of variables and period of periods: one top-level SELECT over the source, named once, grouped by its columns variable and period. The statistics that cannot be combined from partial states (percentile winsorisation limits, COINr''s treatment, the z-score moments of treated values) are computed from these lists by rezago.scoring_rows, which runs it (rezago.run_source_values_statement) over a source other than rezago.observation when the methodology needs them. STRICT: NULL for a NULL argument. Errors: a bad source, as rezago.require_observation_source (42809, 42703, 42804, 22000).';

CREATE FUNCTION rezago.run_source_values_statement(variables text[], periods integer[], observations regclass)
RETURNS TABLE (variable text, period integer, value_list double precision[])
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED ROWS 20
-- PARALLEL RESTRICTED: a temporary table cannot be read in a parallel worker
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY EXECUTE rezago.source_values_statement(variables, periods, observations);
END;
$$;
COMMENT ON FUNCTION rezago.run_source_values_statement(text[], integer[], regclass) IS
'Runs rezago.source_values_statement: one row per variable of variables and period of periods with a non-NULL value in the source, with the list of those values in ascending order. STRICT: no rows for a NULL argument. Errors: as rezago.source_values_statement.';

CREATE FUNCTION rezago.variable_vintages(period integer, methodology text DEFAULT 'ufro2017',
                                         observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, vintage integer, comunas bigint, min double precision, max double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    -- the vintages, and the count, min and max of the values there: over a
    -- source other than rezago.observation all from one statement over it
    -- (st), so that rezago.scoring_rows, which takes its bounds from here,
    -- reads the source once for the whole step (issue 19); over
    -- rezago.observation index probes, the min and max only when a caller
    -- reads them (an inlined caller that does not drops them from its plan)
    WITH m AS MATERIALIZED (
        SELECT x.max_data_age FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(variable_vintages.methodology))
    ), st AS MATERIALIZED (
        -- a source other than rezago.observation: the count, min and max of
        -- the values of every variable and period within age, one statement
        -- over it (a one-time filter: never run over rezago.observation)
        SELECT e.variable, e.period, e.comunas, e.min, e.max
        FROM rezago.run_source_extent_statement(variable_vintages.period - (SELECT m.max_data_age FROM m),
                                                variable_vintages.period, variable_vintages.observations) e
        WHERE variable_vintages.observations <> 'rezago.observation'::regclass
    ), v AS MATERIALIZED (
        -- the latest period within age with a value: over rezago.observation
        -- one index probe per variable and candidate period, newest first;
        -- over another source, from its counts (CASE runs one branch)
        SELECT w.variable,
               CASE WHEN variable_vintages.observations = 'rezago.observation'::regclass THEN
               (SELECT p.p
                FROM generate_series(variable_vintages.period,
                                     variable_vintages.period - (SELECT m.max_data_age FROM m), -1) p(p)
                -- a scalar subquery, not EXISTS: PostgreSQL would turn
                -- EXISTS into a join, which over an observation source
                -- (rezago.source_observations) reads the whole table
                WHERE (SELECT true FROM rezago.source_observations(variable_vintages.observations) o
                       WHERE o.period = p.p AND o.variable = w.variable AND o.value IS NOT NULL LIMIT 1)
                ORDER BY p.p DESC LIMIT 1)
               ELSE (SELECT max(st.period) FROM st WHERE st.variable = w.variable) END AS vintage
        FROM rezago.methodology_weights(variable_vintages.methodology) w
    )
    SELECT v.variable, v.vintage,
           CASE WHEN variable_vintages.observations = 'rezago.observation'::regclass THEN
           (SELECT count(*) FROM rezago.source_observations(variable_vintages.observations) o
            WHERE o.period = v.vintage AND o.variable = v.variable AND o.value IS NOT NULL)
           ELSE coalesce((SELECT st.comunas FROM st WHERE st.variable = v.variable AND st.period = v.vintage), 0) END,
           -- two probes of the index on (period, variable, value)
           CASE WHEN variable_vintages.observations = 'rezago.observation'::regclass THEN
           (SELECT min(o.value) FROM rezago.source_observations(variable_vintages.observations) o
            WHERE o.period = v.vintage AND o.variable = v.variable)
           ELSE (SELECT st.min FROM st WHERE st.variable = v.variable AND st.period = v.vintage) END,
           CASE WHEN variable_vintages.observations = 'rezago.observation'::regclass THEN
           (SELECT max(o.value) FROM rezago.source_observations(variable_vintages.observations) o
            WHERE o.period = v.vintage AND o.variable = v.variable)
           ELSE (SELECT st.max FROM st WHERE st.variable = v.variable AND st.period = v.vintage) END
    FROM v
    ORDER BY v.variable;
END;
COMMENT ON FUNCTION rezago.variable_vintages(integer, text, regclass) IS
'The vintage of every variable of the methodology for a period: the latest period P'' with period - methodology.max_data_age <= P'' <= period that has a non-NULL value of the variable (the same for every comuna), how many comunas have a value then, and the minimum and maximum of those values (the raw bounds of the reference population, rezago.scoring_rows). vintage NULL (comunas 0, min and max NULL) when none is within age. Every scoring function reads each variable at its vintage. Over a source other than rezago.observation all four come from one statement over it (rezago.source_extent_statement). Errors: unknown or incomplete methodology.';

CREATE FUNCTION rezago.scoring_values(period integer, methodology text DEFAULT 'ufro2017',
                                      observations regclass DEFAULT 'rezago.observation',
                                      imputation text DEFAULT NULL)
RETURNS TABLE (cut integer, variable text, vintage integer, value double precision, imputed boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        -- the methodology's imputation, or the what-if one (rezago.require_rule)
        SELECT (SELECT rezago.require_rule(scoring_values.methodology, 'imputation', scoring_values.imputation)) AS imputation,
               x.max_data_age FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(scoring_values.methodology))
    ), vt AS MATERIALIZED (
        SELECT v.variable, v.vintage
        FROM rezago.variable_vintages(scoring_values.period, scoring_values.methodology, observations => scoring_values.observations) v
        WHERE v.vintage IS NOT NULL
    ), missing AS MATERIALIZED (
        -- comunas without an observed value at the vintage, when imputing
        SELECT c.cut, c.region_code, c.provincia_code, vt.variable, vt.vintage
        FROM rezago.comuna c CROSS JOIN vt
        WHERE (SELECT m.imputation <> 'none' FROM m)
          AND NOT EXISTS (SELECT FROM rezago.source_observations(scoring_values.observations) o
                          WHERE o.cut = c.cut AND o.variable = vt.variable AND o.period = vt.vintage
                            AND o.value IS NOT NULL)
    ), medians AS MATERIALIZED (
        -- medians of the observed values at the vintage: by región or
        -- provincia (national = 0), and nationally (national = 1)
        SELECT g.variable, g.grp, GROUPING(g.grp) AS national,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY g.value) AS median
        FROM (SELECT o.variable, o.value,
                     CASE (SELECT m.imputation FROM m) WHEN 'median_region' THEN c.region_code
                                                       ELSE c.provincia_code END AS grp
              FROM vt
              JOIN rezago.source_observations(scoring_values.observations) o ON o.variable = vt.variable AND o.period = vt.vintage
              JOIN rezago.comuna c ON c.cut = o.cut
              WHERE (SELECT m.imputation IN ('median_region', 'median_provincia') FROM m)
                AND o.value IS NOT NULL) g
        GROUP BY GROUPING SETS ((g.variable, g.grp), (g.variable))
    )
    -- observed values at the vintage: a range of the index on (period,
    -- variable, value) per variable (a lateral subquery, so that the plan
    -- does not depend on the source being the table or a parameter)
    SELECT o.cut, o.variable, o.period, o.value, false
    FROM vt CROSS JOIN LATERAL (
        SELECT o.cut, o.variable, o.period, o.value
        FROM rezago.source_observations(scoring_values.observations) o
        WHERE o.variable = vt.variable AND o.period = vt.vintage AND o.value IS NOT NULL
        OFFSET 0) o
    UNION ALL
    -- median imputation: the group's median, else the national one
    SELECT x.cut, x.variable, x.vintage,
           coalesce((SELECT md.median FROM medians md
                     WHERE md.variable = x.variable AND md.national = 0
                       AND md.grp = CASE (SELECT m.imputation FROM m) WHEN 'median_region' THEN x.region_code
                                                                     ELSE x.provincia_code END),
                    (SELECT md.median FROM medians md WHERE md.variable = x.variable AND md.national = 1)),
           true
    FROM missing x
    WHERE (SELECT m.imputation IN ('median_region', 'median_provincia') FROM m)
    UNION ALL
    -- carry forward: the comuna's own latest value within max_data_age
    SELECT x.cut, x.variable, cf.period, cf.value, true
    FROM missing x
    CROSS JOIN LATERAL (
        SELECT o.period, o.value FROM rezago.source_observations(scoring_values.observations) o
        WHERE o.cut = x.cut AND o.variable = x.variable AND o.value IS NOT NULL
          AND o.period BETWEEN scoring_values.period - (SELECT m.max_data_age FROM m) AND scoring_values.period
        ORDER BY o.period DESC LIMIT 1
    ) cf
    WHERE (SELECT m.imputation = 'carry_forward' FROM m);
END;
COMMENT ON FUNCTION rezago.scoring_values(integer, text, regclass, text) IS
'The value every comuna has for every variable of the methodology in a period, as the index scores it: the observed value at the variable''s vintage (rezago.variable_vintages; imputed false), and, when the methodology imputes (or imputation, a what-if rule after observations: NULL = the methodology''s; none, median_region, median_provincia or carry_forward, checked by rezago.require_rule), a value for each comuna in rezago.comuna without one (imputed true): median_region / median_provincia, the median (percentile_cont 0.5) of the observed values of its región / provincia at the vintage, or the national median when the group has none; carry_forward, its own latest non-NULL value within max_data_age (vintage is then that value''s period; no row when it has none). Imputed values never enter the reference population (rezago.scoring_rows). Errors: unknown or incomplete methodology.';

CREATE FUNCTION rezago.scoring_rows(period integer, methodology text DEFAULT 'ufro2017',
                                    normalisation text DEFAULT NULL,
                                    observations regclass DEFAULT 'rezago.observation',
                                    outlier_treatment text DEFAULT NULL)
RETURNS TABLE (variable text, dimension text, dimension_no integer, n_dimensions integer,
               polarity smallint, weight double precision, dimension_weight double precision,
               min_coverage double precision, normalisation text, zscore boolean,
               lo double precision, hi double precision, win_lo double precision, win_hi double precision,
               vintage integer, log_min double precision, log_offset double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED ROWS 20
-- jit = off: the plan holds the subqueries of every normalisation and
-- winsorisation, of which one runs, and the planner adds up their costs
-- (about 1e6 at 100,000 units); JIT then compiled and optimised some 170
-- functions for each call, 0.7-1 s, for a query that runs in 4 ms without
-- it.  The SET clause also keeps the function from being inlined: its 18
-- rows are computed once, on their own (ROWS 20 tells the callers).
SET jit = off
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        -- the outlier treatment: the methodology's, or the what-if one
        -- (rezago.require_rule: none, percentile with the methodology's
        -- limits, coinr with its parameters)
        SELECT x.code, CASE WHEN t.rule = 'percentile' THEN x.winsor_lower END AS winsor_lower,
               CASE WHEN t.rule = 'percentile' THEN x.winsor_upper END AS winsor_upper,
               x.min_coverage, t.rule AS outlier_treatment,
               x.coinr_winmax, x.coinr_skew_threshold, x.coinr_kurtosis_threshold,
               (SELECT rezago.require_rule(scoring_rows.methodology, 'normalisation', scoring_rows.normalisation))
                   AS normalisation
        FROM rezago.methodology x
        CROSS JOIN (SELECT rezago.require_rule(scoring_rows.methodology, 'outlier_treatment',
                                               scoring_rows.outlier_treatment) AS rule) t
        WHERE x.code = (SELECT rezago.require_methodology(scoring_rows.methodology))
    ), w AS (
        SELECT w.variable, w.dimension, w.polarity, w.variable_weight, w.dimension_weight,
               dense_rank() OVER (ORDER BY w.dimension)::integer AS dimension_no, vt.vintage,
               vt.min, vt.max
        FROM rezago.methodology_weights(scoring_rows.methodology) w
        JOIN rezago.variable_vintages(scoring_rows.period, scoring_rows.methodology, observations => scoring_rows.observations) vt
          ON vt.variable = w.variable
    ), sv AS MATERIALIZED (
        -- the min and max of every variable at its vintage come with the
        -- vintage (rezago.variable_vintages: over a source other than
        -- rezago.observation from the one statement that decides the
        -- vintages, so the source is read once for them); the values
        -- themselves, sorted, one more statement, only when the treatment or
        -- the normalisation needs more than min and max (percentiles do not
        -- combine).  A one-time filter: it never runs over
        -- rezago.observation, which keeps its index probes below, and CASE
        -- runs only the branch of the source at hand.
        SELECT e.variable, e.period, e.value_list
        FROM rezago.run_source_values_statement((SELECT array_agg(w.variable) FROM w),
                                                (SELECT array_agg(DISTINCT w.vintage) FROM w),
                                                scoring_rows.observations) e
        WHERE scoring_rows.observations <> 'rezago.observation'::regclass
          AND (SELECT m.winsor_lower IS NOT NULL OR m.winsor_upper IS NOT NULL OR m.normalisation = 'zscore'
                      OR (m.outlier_treatment = 'coinr' AND m.normalisation <> 'goalpost') FROM m)
    ), mv AS MATERIALIZED (
        -- one row per variable with all that its score needs.  The reference
        -- population's min and max (rezago.variable_vintages) are two probes
        -- of the index on (period, variable, value), not a pass over the
        -- observations;
        -- winsorisation limits (a sort) and moments (a pass) are computed
        -- only when the methodology asks for them.  min and max of the
        -- winsorised values are the winsorised min and max.  The reference
        -- population is the observed values at the variable's vintage
        -- (imputed values never enter it).
        SELECT w.variable, w.dimension, w.polarity, w.variable_weight, w.dimension_weight, w.dimension_no,
               w.vintage,
               (max(w.dimension_no) OVER ())::integer AS n_dimensions, m.normalisation, m.min_coverage,
               lim.lo AS win_lo, lim.hi AS win_hi, lim.log_min, lim.log_offset,
               CASE WHEN m.normalisation = 'goalpost' THEN v.goalpost_min
                    ELSE rezago.treated_value(w.min, lim.lo, lim.hi, lim.log_min, lim.log_offset) END AS lo,
               CASE WHEN m.normalisation = 'goalpost' THEN v.goalpost_max
                    ELSE rezago.treated_value(w.max, lim.lo, lim.hi, lim.log_min, lim.log_offset) END AS hi,
               m.normalisation = 'zscore' AS zscore, mom.mean, mom.sd
        FROM w
        CROSS JOIN m
        JOIN rezago.methodology_variable v ON v.methodology = m.code AND v.variable = w.variable
        CROSS JOIN LATERAL (
            -- the treatment: the percentile limits, or COINr's rule
            -- (rezago.coinr_treatment) on the reference population, not
            -- under goalposts (fixed bounds in raw units); treated values
            -- are rezago.treated_value(value, win_lo, win_hi, log_min,
            -- log_offset) in every scoring path
            SELECT coalesce(pct.lo, tr.win_lo) AS lo, coalesce(pct.hi, tr.win_hi) AS hi,
                   tr.log_min, tr.log_offset
            FROM (SELECT) one
            LEFT JOIN LATERAL (
                SELECT t.win_lo, t.win_hi, t.log_min, t.log_offset
                FROM rezago.coinr_treatment(
                         -- the values are read only for coinr (CASE is lazy)
                         CASE WHEN m.outlier_treatment = 'coinr' AND m.normalisation <> 'goalpost'
                               AND scoring_rows.observations = 'rezago.observation'::regclass THEN
                             (SELECT array_agg(o.value ORDER BY o.value) FROM rezago.source_observations(scoring_rows.observations) o
                              WHERE o.period = w.vintage AND o.variable = w.variable AND o.value IS NOT NULL)
                              WHEN m.outlier_treatment = 'coinr' AND m.normalisation <> 'goalpost' THEN
                             (SELECT sv.value_list FROM sv WHERE sv.variable = w.variable AND sv.period = w.vintage)
                         END,
                         m.coinr_winmax, m.coinr_skew_threshold, m.coinr_kurtosis_threshold) t
                WHERE m.outlier_treatment = 'coinr' AND m.normalisation <> 'goalpost'
            ) tr ON true
            CROSS JOIN LATERAL (
            SELECT CASE WHEN m.winsor_lower IS NULL THEN NULL
                        WHEN scoring_rows.observations = 'rezago.observation'::regclass THEN
                       (SELECT percentile_cont(m.winsor_lower) WITHIN GROUP (ORDER BY o.value)
                        FROM rezago.source_observations(scoring_rows.observations) o
                        WHERE o.period = w.vintage AND o.variable = w.variable
                          AND o.value IS NOT NULL)
                        ELSE (SELECT percentile_cont(m.winsor_lower) WITHIN GROUP (ORDER BY u.x)
                              FROM sv CROSS JOIN LATERAL unnest(sv.value_list) u(x)
                              WHERE sv.variable = w.variable AND sv.period = w.vintage) END AS lo,
                   CASE WHEN m.winsor_upper IS NULL THEN NULL
                        WHEN scoring_rows.observations = 'rezago.observation'::regclass THEN
                       (SELECT percentile_cont(m.winsor_upper) WITHIN GROUP (ORDER BY o.value)
                        FROM rezago.source_observations(scoring_rows.observations) o
                        WHERE o.period = w.vintage AND o.variable = w.variable
                          AND o.value IS NOT NULL)
                        ELSE (SELECT percentile_cont(m.winsor_upper) WITHIN GROUP (ORDER BY u.x)
                              FROM sv CROSS JOIN LATERAL unnest(sv.value_list) u(x)
                              WHERE sv.variable = w.variable AND sv.period = w.vintage) END AS hi
            ) pct
        ) lim
        LEFT JOIN LATERAL (
            -- as comuna_lag_scores below: canonical sums over values
            -- scaled by a power of two, so that huge values cannot overflow
            SELECT rezago.canonical_avg(x.xv) AS mean,
                   coalesce(rezago.canonical_stddev_samp(x.xv), 0) AS sd
            FROM (SELECT rezago.treated_value(o.value, lim.lo, lim.hi, lim.log_min, lim.log_offset) AS xv
                  FROM rezago.source_observations(scoring_rows.observations) o
                  WHERE m.normalisation = 'zscore' AND scoring_rows.observations = 'rezago.observation'::regclass
                    AND o.period = w.vintage AND o.variable = w.variable AND o.value IS NOT NULL
                  UNION ALL
                  -- another source: the same values, from its sorted lists
                  SELECT rezago.treated_value(u.x, lim.lo, lim.hi, lim.log_min, lim.log_offset)
                  FROM sv CROSS JOIN LATERAL unnest(sv.value_list) u(x)
                  WHERE m.normalisation = 'zscore' AND scoring_rows.observations <> 'rezago.observation'::regclass
                    AND sv.variable = w.variable AND sv.period = w.vintage) x
        ) mom ON true
    )
    SELECT mv.variable, mv.dimension, mv.dimension_no, mv.n_dimensions, mv.polarity, mv.variable_weight,
           mv.dimension_weight, mv.min_coverage, mv.normalisation, mv.zscore,
           CASE WHEN mv.zscore THEN mv.mean ELSE mv.lo END, CASE WHEN mv.zscore THEN mv.sd ELSE mv.hi END,
           mv.win_lo, mv.win_hi, mv.vintage, mv.log_min, mv.log_offset
    FROM mv
    ORDER BY mv.variable;
END;
COMMENT ON FUNCTION rezago.scoring_rows(integer, text, text, regclass, text) IS
'How each variable of a methodology is scored in a period (with the methodology''s normalisation, or the one passed in normalisation; with the methodology''s outlier treatment, or the one passed in outlier_treatment after observations: none, percentile or coinr, rezago.require_rule): its dimension and the dimension''s number (1..n_dimensions, in code order), polarity, weight (share of its dimension), the dimension''s normalised weight, min_coverage, normalisation, and the bounds of its lag score: lo and hi are the min and max of the reference population (winsorised when the methodology says so; the goalposts for goalpost), or for zscore the mean and sd; win_lo and win_hi the winsorisation limits (NULL: none); vintage the period its values come from (rezago.variable_vintages); log_min and log_offset the log transform of outlier_treatment coinr (NULL: none). Every path scores rezago.treated_value(value, win_lo, win_hi, log_min, log_offset), and lo, hi, mean and sd are statistics of the treated values; outlier_treatment coinr (rezago.coinr_treatment) is not applied under goalpost. The reference population is the observed values at the vintage; the min and max are read from the index on (period, variable, value). This is the one definition of the reference population and its statistics: every lag score of rezago is computed from it. Errors: unknown or incomplete methodology, unknown normalisation or goalpost without goalposts (rezago.require_rule).';

-- The rank table of the rank normalisation, the whole-population step that
-- its per-comuna step looks values up in: each variable's distinct observed
-- values at its vintage and the lag score rezago.ranked_lag_score_rows
-- gives each (percent_rank() of polarity x the treated value, descending,
-- ties sharing it), from the sorted values of rezago.source_values_statement
-- (one statement over the source, grouped by variable and period).  The
-- variables, vintages and treatments come in as arrays, so that a caller
-- that has the scoring rows already (rezago.variable_scoring, which writes
-- the flattened table into its ranks for rezago.comuna_states_statement;
-- rezago.rank_scores) does not compute them again.
CREATE FUNCTION rezago.rank_table(variables text[], vintages integer[], treatments double precision[],
                                  observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, vintage integer, value_list double precision[], scores double precision[])
LANGUAGE sql STABLE PARALLEL RESTRICTED ROWS 20
-- planned on its own (the SET clause keeps it from being inlined), with no
-- JIT for its few rows
SET jit = off
BEGIN ATOMIC
    WITH sr AS MATERIALIZED (
        -- one row per element of variables, with its vintage and its
        -- treatment row (polarity, win_lo, win_hi, log_min, log_offset)
        SELECT u.n, u.variable, u.vintage,
               rank_table.treatments[u.n][1] AS polarity, rank_table.treatments[u.n][2] AS win_lo,
               rank_table.treatments[u.n][3] AS win_hi, rank_table.treatments[u.n][4] AS log_min,
               rank_table.treatments[u.n][5] AS log_offset
        FROM ROWS FROM (unnest(rank_table.variables), unnest(rank_table.vintages)) WITH ORDINALITY u(variable, vintage, n)
        WHERE u.variable IS NOT NULL
    ), sv AS MATERIALIZED (
        SELECT e.variable, e.period, e.value_list
        FROM rezago.run_source_values_statement((SELECT array_agg(sr.variable) FROM sr WHERE sr.vintage IS NOT NULL),
                                                (SELECT array_agg(DISTINCT sr.vintage) FROM sr WHERE sr.vintage IS NOT NULL),
                                                rank_table.observations) e
    )
    SELECT sr.variable, sr.vintage,
           coalesce(array_agg(k.x ORDER BY k.x) FILTER (WHERE k.x IS NOT NULL), '{}'),
           coalesce(array_agg(k.score ORDER BY k.x) FILTER (WHERE k.x IS NOT NULL), '{}')
    FROM sr
    LEFT JOIN sv ON sv.variable = sr.variable AND sv.period = sr.vintage AND sr.polarity IS NOT NULL
    LEFT JOIN LATERAL (
        -- the window of rezago.ranked_lag_score_rows over the same values
        SELECT DISTINCT ON (u.x) u.x, u.score
        FROM (SELECT x.x,
                     percent_rank() OVER (ORDER BY rezago.rank_key(x.x, sr.polarity, sr.win_lo, sr.win_hi, sr.log_min, sr.log_offset) DESC) AS score
              FROM unnest(sv.value_list) x(x)) u
        ORDER BY u.x
    ) k ON true
    -- one row per element of variables, even when a variable comes twice
    -- (with another vintage or treatment row)
    GROUP BY sr.n, sr.variable, sr.vintage
    ORDER BY sr.variable, sr.n;
END;
COMMENT ON FUNCTION rezago.rank_table(text[], integer[], double precision[], regclass) IS
'The rank table of the rank normalisation for the variables given: for every element of variables (NULL elements skipped; one row each, ordered by variable then position, so that a variable given twice, with another vintage or treatment row, gets two rows), its vintage (the element of vintages at the same place), its distinct observed values at that vintage in the source, ascending (value_list), and the lag score of each (scores): percent_rank() of rezago.rank_key(value, polarity, win_lo, win_hi, log_min, log_offset) (polarity x the treated value), descending, ties sharing a score, the treatment row being treatments[i] = {polarity, win_lo, win_hi, log_min, log_offset} (as rezago.scoring_rows gives them) - what rezago.ranked_lag_score_rows gives a comuna with that value. Read from the sorted values of rezago.source_values_statement, one statement over the source. Empty lists for a variable without a vintage, a treatment row or values; no rows for NULL variables; NULL source: empty lists. rezago.rank_scores and rezago.variable_scoring (its ranks) are built on it. Errors: for a variable with values, a polarity other than 1 or -1 or a non-finite winsorisation limit (22023, rezago.rank_key); a bad source (rezago.require_observation_source).';

CREATE FUNCTION rezago.variable_scoring(period integer, methodology text DEFAULT 'ufro2017',
                                        observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variables text[], scoring double precision[], n_dimensions integer, dimensions text[],
               min_coverage double precision, normalisation text, vintages integer[], ranks double precision[])
LANGUAGE sql STABLE STRICT PARALLEL RESTRICTED
BEGIN ATOMIC
    -- STRICT also keeps it out of the callers' plans (PostgreSQL does not
    -- inline a strict set-returning function): its 18-row query is planned
    -- and run once, on its own, and a large caller's plan stays small, which
    -- is what JIT compiles.
    WITH r AS MATERIALIZED (
        SELECT * FROM rezago.scoring_rows(variable_scoring.period, variable_scoring.methodology, observations => variable_scoring.observations)
    ), rk AS MATERIALIZED (
        -- under the rank normalisation, the rank table from the same scoring
        -- rows (a one-time filter: not computed otherwise)
        SELECT t.variable, t.value_list, t.scores
        FROM rezago.rank_table((SELECT array_agg(r.variable ORDER BY r.variable) FROM r),
                               (SELECT array_agg(r.vintage ORDER BY r.variable) FROM r),
                               (SELECT array_agg(ARRAY[r.polarity, r.win_lo, r.win_hi, r.log_min, r.log_offset] ORDER BY r.variable) FROM r),
                               variable_scoring.observations) t
        WHERE (SELECT min(r.normalisation) FROM r) = 'rank'
    )
    SELECT array_agg(r.variable ORDER BY r.variable),
           array_agg(ARRAY[r.dimension_no, r.n_dimensions, r.weight, r.dimension_weight, r.polarity,
                           CASE WHEN r.zscore THEN 1 ELSE 0 END, r.lo, r.hi, r.win_lo, r.win_hi]
                     ORDER BY r.variable),
           min(r.n_dimensions),
           rezago.methodology_dimension_codes(variable_scoring.methodology),
           min(r.min_coverage), min(r.normalisation),
           -- the vintages the bounds come from, so that a caller that reads
           -- each variable at its vintage (rezago.comuna_states_statement)
           -- need not decide them again
           array_agg(r.vintage ORDER BY r.variable),
           -- flattened as rezago.unit_state_ranks reads it: per variable in
           -- the order of variables, m, its m values, their m scores
           CASE WHEN min(r.normalisation) = 'rank' THEN
               (SELECT array_agg(u.e ORDER BY rk.variable, u.k)
                FROM rk CROSS JOIN LATERAL unnest(ARRAY[cardinality(rk.value_list)::double precision]
                                                  || rk.value_list || rk.scores) WITH ORDINALITY u(e, k))
           END
    FROM r;
END;
COMMENT ON FUNCTION rezago.variable_scoring(integer, text, regclass) IS
'rezago.scoring_rows as the arguments of the unit_*_values aggregates: variables (codes, in order) and scoring (one row per variable: dimension number, n_dimensions, weight, dimension weight, polarity, 1 for zscore else 0, lo, hi, winsorisation low and high), plus n_dimensions, the dimension codes by number, min_coverage, normalisation, vintages (each variable''s vintage, rezago.variable_vintages, in the order of variables; NULL for a variable without one) and, under the rank normalisation, ranks: the rank table of rezago.rank_table as the ranks argument of rezago.unit_state_ranks (per variable in the order of variables: m, its m distinct values, their m scores; NULL under another normalisation), computed from the same scoring rows, so that rezago.comuna_states_statement computes the whole-population step once. One row. Errors: unknown or incomplete methodology.';

-- The whole-population step of the rank normalisation, once: the rank
-- table (rezago.rank_table) of the methodology's variables under the rank
-- normalisation, whatever the methodology's own.
CREATE FUNCTION rezago.rank_scores(period integer, methodology text DEFAULT 'ufro2017',
                                   observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, vintage integer, value_list double precision[], scores double precision[])
LANGUAGE sql STABLE PARALLEL RESTRICTED ROWS 20
BEGIN ATOMIC
    WITH sc AS MATERIALIZED (
        -- the scoring rows under rank: the vintages and treatments
        SELECT r.variable, r.vintage, r.polarity, r.win_lo, r.win_hi, r.log_min, r.log_offset
        FROM rezago.scoring_rows(rank_scores.period, rank_scores.methodology, 'rank',
                                 observations => rank_scores.observations) r
    )
    SELECT t.variable, t.vintage, t.value_list, t.scores
    FROM rezago.rank_table((SELECT array_agg(sc.variable ORDER BY sc.variable) FROM sc),
                           (SELECT array_agg(sc.vintage ORDER BY sc.variable) FROM sc),
                           (SELECT array_agg(ARRAY[sc.polarity, sc.win_lo, sc.win_hi, sc.log_min, sc.log_offset] ORDER BY sc.variable) FROM sc),
                           rank_scores.observations) t
    ORDER BY t.variable;
END;
COMMENT ON FUNCTION rezago.rank_scores(integer, text, regclass) IS
'The whole-population step of the rank normalisation, computed once: for every variable of the methodology, its vintage (rezago.variable_vintages), its distinct observed values at the vintage in ascending order (value_list; empty without a vintage) and the lag score of each (scores): what rezago.ranked_lag_score_rows gives a comuna with that value, percent_rank() of polarity x the treated value (the methodology''s winsorisation or COINr treatment, rezago.scoring_rows), descending, ties sharing a score. Under the rank normalisation whatever the methodology''s own: rezago.rank_table of the rows of rezago.scoring_rows, read from the sorted values of rezago.source_values_statement, one statement over the source. rezago.comuna_states_statement writes the same table into its statement (rezago.unit_state_ranks), from rezago.variable_scoring''s ranks. NULL period or source: every variable with empty lists. Errors: unknown (42704) or incomplete (22023) methodology; a bad source (rezago.require_observation_source).';

-- The per-comuna step of the index over an observation source as one
-- top-level statement (issue 19): the scoring table, the whole-population
-- step, is computed first (rezago.variable_scoring) and written into the
-- statement as constants; what remains is a scan of the source grouped by
-- its cut, which a distributed engine such as Citus runs on the nodes that
-- hold the rows (grouped by its distribution column: entirely there; the
-- aggregate has combine, serial and deserial functions otherwise).
-- Constants, not parameters: the text is the whole statement, so that a
-- user can run or EXPLAIN it as it is, and Citus plans a statement without
-- parameters as any plain query.  extra_float_digits = 3 writes every float
-- in its shortest exact form, so the constants read back to the same bits.
-- rezago.comuna_states_query builds it, with its tables written in as
-- constants (parameters false: comuna_states_statement) or as the
-- parameters $1 variables, $2 scoring, $3 min_coverage and, under rank,
-- $4 ranks (parameters true: run_comuna_rank_states_statement, which passes
-- them with EXECUTE ... USING instead of writing the rank table out as text
-- and parsing it back).  One template: only the four arguments differ.
CREATE FUNCTION rezago.comuna_states_query(period integer, methodology text, observations regclass,
                                           parameters boolean,
                                           OUT statement text, OUT variables text[],
                                           OUT scoring double precision[], OUT min_coverage double precision,
                                           OUT ranks double precision[])
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 3
AS $$
DECLARE
    m rezago.methodology;
    src regclass := rezago.require_observation_source(observations);
    sc record;
    vt record;
    rows_read text;
    why text;
    arg text[];
BEGIN
    SELECT * INTO m FROM rezago.methodology x WHERE x.code = rezago.require_methodology(methodology);
    -- the paths of rezago.comuna_unit_states that read values other than the
    -- period's own observations, or score them otherwise than a scoring or
    -- rank table
    why := CASE WHEN m.outlier_treatment = 'coinr' AND m.normalisation <> 'rank'
                    THEN 'outlier_treatment coinr may log-transform values, which a scoring table cannot say'
                WHEN m.imputation <> 'none'
                    THEN pg_catalog.format('it imputes missing values (imputation %s)', m.imputation)
           END;
    IF why IS NOT NULL THEN
        RAISE EXCEPTION 'the comuna states of methodology % are not one statement over the source', m.code
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = pg_catalog.format('Under methodology %s %s; rezago.comuna_unit_states computes its states reading the source whole.',
                                             m.code, why),
                  HINT = 'Call rezago.comuna_unit_states or rezago.comuna_index with observations => the source. A statement exists for methodologies without imputation or COINr''s outlier treatment (but for the rank normalisation, which may use it).';
    END IF;
    -- the whole-population step, once: the scoring table, with the vintages
    -- its bounds come from (rezago.variable_vintages through scoring_rows)
    SELECT s.variables, s.scoring, s.min_coverage, s.vintages, s.ranks INTO sc
    FROM rezago.variable_scoring(period, methodology, observations => src) s;
    variables := sc.variables;
    scoring := sc.scoring;
    min_coverage := sc.min_coverage;
    ranks := sc.ranks;
    -- the four arguments of the aggregate, as constants or as parameters
    arg := CASE WHEN parameters
                THEN ARRAY['$1', '$2', '$3', '$4']
                ELSE ARRAY[pg_catalog.quote_nullable(sc.variables), pg_catalog.quote_nullable(sc.scoring),
                           pg_catalog.quote_nullable(sc.min_coverage), pg_catalog.quote_nullable(sc.ranks)]
           END;
    -- the rows read: the period's, or with vintages (max_data_age > 0) each
    -- variable's at its own vintage (those of the scoring table), the rows of
    -- rezago.scoring_values without imputation; under rank or vintages only
    -- the methodology's variables, as the paths they replace read them
    IF m.max_data_age > 0 THEN
        SELECT pg_catalog.array_agg(v.variable ORDER BY v.variable) AS variables,
               pg_catalog.array_agg(v.vintage ORDER BY v.variable) AS vintages,
               pg_catalog.array_agg(DISTINCT v.vintage) AS periods
          INTO vt
          FROM ROWS FROM (pg_catalog.unnest(sc.variables), pg_catalog.unnest(sc.vintages)) v(variable, vintage)
         WHERE v.vintage IS NOT NULL;
        rows_read := pg_catalog.format(
            E'\nWHERE s.period OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.int4[]) AND s.value IS NOT NULL'
            || E'\n  AND s.variable::pg_catalog.text OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.text[])'
            || E'\n  AND s.period OPERATOR(pg_catalog.=) (%L::pg_catalog.int4[])[pg_catalog.array_position(%L::pg_catalog.text[], s.variable::pg_catalog.text)]',
            vt.periods, vt.variables, vt.vintages, vt.variables);
    ELSIF m.normalisation = 'rank' THEN
        rows_read := pg_catalog.format(
            E'\nWHERE s.period OPERATOR(pg_catalog.=) %L::pg_catalog.int4 AND s.value IS NOT NULL'
            || E'\n  AND s.variable::pg_catalog.text OPERATOR(pg_catalog.=) ANY (%L::pg_catalog.text[])',
            period, sc.variables);
    ELSE
        rows_read := pg_catalog.format(
            E'\nWHERE s.period OPERATOR(pg_catalog.=) %L::pg_catalog.int4 AND s.value IS NOT NULL', period);
    END IF;
    IF m.normalisation <> 'rank' THEN
        -- the same aggregate, over the same rows, as the first branch of
        -- rezago.comuna_unit_states over rezago.observation: the same
        -- states, to the bit (the aggregate does not depend on row order)
        statement := pg_catalog.format(
            'SELECT s.cut::pg_catalog.int4 AS cut,'
            || E'\n       rezago.unit_state_values(s.variable::pg_catalog.text, s.value::pg_catalog.float8,'
            || E'\n           %s::pg_catalog.text[],'
            || E'\n           %s::pg_catalog.float8[],'
            || E'\n           %s::pg_catalog.float8) AS state'
            || E'\nFROM %s s'
            || rows_read
            || E'\nGROUP BY s.cut',
            arg[1], arg[2], arg[3], src);
        RETURN;
    END IF;
    -- the rank normalisation: the whole-population step once (each
    -- variable's distinct values and their scores, rezago.rank_table,
    -- computed by rezago.variable_scoring from the same scoring rows as the
    -- scoring table and flattened in its order as rezago.unit_state_ranks
    -- reads it: sc.ranks); then the rows of rezago.ranked_lag_score_rows (the
    -- methodology's variables, observed in the period) looked up in it and
    -- aggregated as rezago.comuna_unit_states aggregates them (unit_state):
    -- the same states, to the bit
    statement := pg_catalog.format(
        'SELECT s.cut::pg_catalog.int4 AS cut,'
        || E'\n       rezago.unit_state_ranks(s.variable::pg_catalog.text, s.value::pg_catalog.float8,'
        || E'\n           %s::pg_catalog.text[],'
        || E'\n           %s::pg_catalog.float8[],'
        || E'\n           %s::pg_catalog.float8[],'
        || E'\n           %s::pg_catalog.float8) AS state'
        || E'\nFROM %s s'
        || rows_read
        || E'\nGROUP BY s.cut',
        arg[1], arg[2], arg[4], arg[3], src);
END;
$$;
COMMENT ON FUNCTION rezago.comuna_states_query(integer, text, regclass, boolean) IS
'The statement of rezago.comuna_states_statement and the tables it computes with: with parameters false, statement is the text comuna_states_statement returns (the scoring and rank tables written in as constants); with parameters true, the same statement with $1 (variables), $2 (scoring), $3 (min_coverage) and, under the rank normalisation, $4 (ranks) in their place, to be run with EXECUTE ... USING variables, scoring, min_coverage, ranks (rezago.run_comuna_rank_states_statement): the same plan without writing the rank table out as text and parsing it back. variables, scoring, min_coverage and ranks are those of rezago.variable_scoring over the source (ranks NULL under another normalisation). Internal. STRICT: NULL for a NULL argument. Errors: as rezago.comuna_states_statement.';

CREATE FUNCTION rezago.comuna_states_statement(period integer, methodology text DEFAULT 'ufro2017',
                                               observations regclass DEFAULT 'rezago.observation')
RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL RESTRICTED
BEGIN ATOMIC
    SELECT q.statement
    FROM rezago.comuna_states_query(comuna_states_statement.period, comuna_states_statement.methodology,
                                    comuna_states_statement.observations, false) q;
END;
COMMENT ON FUNCTION rezago.comuna_states_statement(integer, text, regclass) IS
'The statement that computes rezago.comuna_unit_states over an observation source for methodologies without imputation or outlier_treatment coinr (coinr is allowed under the rank normalisation): one top-level SELECT over the source, grouped by its column cut, over the period''s rows (with vintages, max_data_age > 0: each variable''s rows at its vintage, the vintages of rezago.variable_scoring (rezago.variable_vintages), the pairs written in; under rank or vintages, the methodology''s variables only), of rezago.unit_state_values with the scoring table of rezago.variable_scoring (computed first, over the source) written in as constants (floats in their shortest exact form); under the rank normalisation, of rezago.unit_state_ranks over the methodology''s variables, with the rank table of rezago.variable_scoring''s ranks (rezago.rank_table: each variable''s distinct values and their scores, computed first, from the same scoring rows) written in as well. The source is named once, schema-qualified; no other relation is read. Run it, or EXPLAIN it, as it is: on Citus, over a table distributed by cut, it runs on the workers (doc/sources.md). rezago.run_comuna_states_statement runs it (under rank, the same statement with the four tables of the aggregate as parameters: rezago.comuna_states_query, rezago.run_comuna_rank_states_statement), and comuna_unit_states uses it for such methodologies over a source other than rezago.observation, and over rezago.observation for those without vintages or the rank normalisation as well (a statement PostgreSQL may run in parallel workers). STRICT: NULL for a NULL argument. Errors: a bad source (as rezago.require_observation_source: 42809, 42703, 42804, 22000), unknown (42704) or incomplete (22023) methodology, a methodology whose states need more than one statement (0A000, the reason in the detail).';

-- Under rank, the statement runs with its tables as parameters (the rank
-- table is not written out as text and parsed back).  RETURN QUERY EXECUTE
-- plans it once for these values (a one-shot plan, always a custom one), and
-- PL/pgSQL marks its parameters constant, so the planner folds them into
-- Consts and the aggregates recognise the tables by their address.  It runs
-- without parallel workers: its rank table
-- (two numbers per distinct value of every variable) is a constant of the
-- plan, which every worker would receive serialised and parse again before
-- reading a row; at 100,000 units that took longer than the scan, and the
-- leader did the work alone (doc/sources.md).  A function's SET clause, not
-- set_config(): it is undone at exit, and is allowed when the calling query
-- runs in parallel mode, where set_config() is refused.
CREATE FUNCTION rezago.run_comuna_rank_states_statement(period integer, methodology text,
                                                        observations regclass)
RETURNS TABLE (cut integer, state double precision[])
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    q record;
BEGIN
    SELECT * INTO q FROM rezago.comuna_states_query(period, methodology, observations, true);
    RETURN QUERY EXECUTE q.statement USING q.variables, q.scoring, q.min_coverage, q.ranks;
END;
$$;
COMMENT ON FUNCTION rezago.run_comuna_rank_states_statement(integer, text, regclass) IS
'Runs the statement of rezago.comuna_states_statement with its tables as parameters (rezago.comuna_states_query with parameters true, EXECUTE ... USING: the rank table is not written out as text and parsed back; a one-shot plan, in which the planner folds them into constants) and without parallel workers (max_parallel_workers_per_gather = 0 for the call, since each worker would receive the rank table and parse it again): what rezago.run_comuna_states_statement runs for a methodology under the rank normalisation. The same states, to the bit, as the text of comuna_states_statement run as it is. STRICT: no rows for a NULL argument. Errors: as rezago.comuna_states_statement.';

CREATE FUNCTION rezago.run_comuna_states_statement(period integer, methodology text DEFAULT 'ufro2017',
                                                   observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, state double precision[])
LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
-- PARALLEL RESTRICTED: a temporary table cannot be read in a parallel worker
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (SELECT m.normalisation FROM rezago.methodology m WHERE m.code = run_comuna_states_statement.methodology)
       = 'rank' THEN
        RETURN QUERY SELECT r.cut, r.state
                     FROM rezago.run_comuna_rank_states_statement(period, methodology, observations) r;
    ELSE
        RETURN QUERY EXECUTE rezago.comuna_states_statement(period, methodology, observations);
    END IF;
END;
$$;
COMMENT ON FUNCTION rezago.run_comuna_states_statement(integer, text, regclass) IS
'Runs rezago.comuna_states_statement: the state (rezago.unit_state_values) of every comuna with a non-NULL observation in the period in the source, equal to the bit to what rezago.comuna_unit_states gives over rezago.observation holding the same rows. Under the rank normalisation through rezago.run_comuna_rank_states_statement, without parallel workers. STRICT: no rows for a NULL argument. Errors: as rezago.comuna_states_statement (0A000 for a methodology with imputation, or coinr without rank).';

CREATE FUNCTION rezago.ranked_lag_score_rows(period integer, methodology text DEFAULT 'ufro2017',
                                             normalisation text DEFAULT NULL,
                                             observations regclass DEFAULT 'rezago.observation',
                                             imputation text DEFAULT NULL,
                                             outlier_treatment text DEFAULT NULL)
RETURNS TABLE (cut integer, variable text, dimension text, value double precision,
               score double precision, weight double precision, dimension_no integer,
               n_dimensions integer, dimension_weight double precision, min_coverage double precision,
               vintage integer, imputed boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED
-- The SET clause keeps it out of the callers' plans: comuna_unit_states and
-- comuna_lag_scores reach it only for the rank normalisation, and then plan
-- it on its own; otherwise its window never enters their plan.
SET jit = off
BEGIN ATOMIC
    WITH mv AS MATERIALIZED (
        SELECT * FROM rezago.scoring_rows(ranked_lag_score_rows.period, ranked_lag_score_rows.methodology,
                                          ranked_lag_score_rows.normalisation, observations => ranked_lag_score_rows.observations,
                                          outlier_treatment => ranked_lag_score_rows.outlier_treatment) r
        WHERE r.normalisation = 'rank'
    ), sv AS MATERIALIZED (
        SELECT v.cut, v.variable, v.vintage, v.value, v.imputed,
               rezago.rank_key(v.value, mv.polarity, mv.win_lo, mv.win_hi, mv.log_min, mv.log_offset) AS lag_key
        FROM rezago.scoring_values(ranked_lag_score_rows.period, ranked_lag_score_rows.methodology, observations => ranked_lag_score_rows.observations,
                                   imputation => ranked_lag_score_rows.imputation) v
        JOIN mv ON mv.variable = v.variable
    ), observed AS (
        -- percent_rank() among the observed values: (the number of less
        -- lagged values, those with a higher polarity x value) / (n - 1)
        SELECT sv.cut, sv.variable, sv.vintage, sv.value, sv.imputed,
               percent_rank() OVER (PARTITION BY sv.variable ORDER BY sv.lag_key DESC) AS score
        FROM sv WHERE NOT sv.imputed
    ), n AS (
        SELECT sv.variable, count(*) AS n FROM sv WHERE NOT sv.imputed GROUP BY sv.variable
    )
    SELECT x.cut, mv.variable, mv.dimension, x.value, x.score,
           mv.weight, mv.dimension_no, mv.n_dimensions, mv.dimension_weight, mv.min_coverage, x.vintage, x.imputed
    FROM (SELECT * FROM observed
          UNION ALL
          -- an imputed value is ranked among the observed ones, which it
          -- does not move: the same formula, counting observed values only
          SELECT i.cut, i.variable, i.vintage, i.value, i.imputed,
                 CASE WHEN n.n > 1
                      THEN (SELECT count(*) FROM sv o
                            WHERE o.variable = i.variable AND NOT o.imputed AND o.lag_key > i.lag_key)::float8
                           / (n.n - 1)
                      ELSE 0 END
          FROM sv i JOIN n ON n.variable = i.variable
          WHERE i.imputed) x
    JOIN mv ON mv.variable = x.variable;
END;
COMMENT ON FUNCTION rezago.ranked_lag_score_rows(integer, text, text, regclass, text, text) IS
'The lag scores under the rank normalisation (the methodology''s, or normalisation = ''rank''; imputation and outlier_treatment after observations as in rezago.comuna_lag_scores): percent_rank() of polarity x the winsorised value, descending, over the observed values at the vintage (rezago.scoring_rows gives the winsorisation limits); an imputed value (rezago.scoring_values) scores as an observed value equal to it would, (the number of observed values less lagged than it) / (n - 1), and moves no other score. With what the unit_* aggregates need: the dimension''s number (1..n_dimensions, in code order), n_dimensions, the dimension''s normalised weight and min_coverage; and the value''s vintage and imputed flag. No rows under another normalisation. Errors: as rezago.scoring_rows.';

CREATE FUNCTION rezago.comuna_lag_scores(period integer, methodology text DEFAULT 'ufro2017',
                                         normalisation text DEFAULT NULL,
                                         observations regclass DEFAULT 'rezago.observation',
                                         imputation text DEFAULT NULL,
                                         outlier_treatment text DEFAULT NULL)
RETURNS TABLE (cut integer, variable text, dimension text, value double precision,
               score double precision, weight double precision, vintage integer, imputed boolean)
LANGUAGE sql STABLE PARALLEL RESTRICTED
-- jit = off: inlined into its caller, the branches of every normalisation and
-- imputation rule (planned, not run) added up to a cost of about 1.4e5 on
-- Chile's 346 comunas, and JIT compiled some 220 functions on every call (a
-- third of a second for a 6,000-row result; doc/performance.md).  The SET
-- clause also keeps it from being inlined: callers get its rows as computed.
SET jit = off
BEGIN ATOMIC
    -- every statistic comes from rezago.scoring_rows, every value from
    -- rezago.scoring_values, every rank score from
    -- rezago.ranked_lag_score_rows; this only applies the formulas
    WITH sr AS MATERIALIZED (
        SELECT * FROM rezago.scoring_rows(comuna_lag_scores.period, comuna_lag_scores.methodology,
                                          comuna_lag_scores.normalisation, observations => comuna_lag_scores.observations,
                                          outlier_treatment => comuna_lag_scores.outlier_treatment) r
    )
    SELECT v.cut, sr.variable, sr.dimension, v.value,
           CASE WHEN sr.zscore
                THEN rezago.lag_score_zscore(rezago.treated_value(v.value, sr.win_lo, sr.win_hi, sr.log_min, sr.log_offset),
                                             sr.lo, sr.hi, sr.polarity)
                ELSE rezago.lag_score(rezago.treated_value(v.value, sr.win_lo, sr.win_hi, sr.log_min, sr.log_offset),
                                      sr.lo, sr.hi, sr.polarity)
           END,
           sr.weight, v.vintage, v.imputed
    FROM rezago.scoring_values(comuna_lag_scores.period, comuna_lag_scores.methodology, observations => comuna_lag_scores.observations,
                               imputation => comuna_lag_scores.imputation) v
    JOIN sr ON sr.variable = v.variable
    WHERE sr.normalisation <> 'rank'
      AND (SELECT rezago.require_rule(comuna_lag_scores.methodology, 'normalisation', comuna_lag_scores.normalisation)) <> 'rank'
    UNION ALL
    SELECT r.cut, r.variable, r.dimension, r.value, r.score, r.weight, r.vintage, r.imputed
    FROM rezago.ranked_lag_score_rows(comuna_lag_scores.period, comuna_lag_scores.methodology,
                                      comuna_lag_scores.normalisation, observations => comuna_lag_scores.observations,
                                      imputation => comuna_lag_scores.imputation,
                                      outlier_treatment => comuna_lag_scores.outlier_treatment) r
    WHERE (SELECT rezago.require_rule(comuna_lag_scores.methodology, 'normalisation', comuna_lag_scores.normalisation)) = 'rank';
END;
COMMENT ON FUNCTION rezago.comuna_lag_scores(integer, text, text, regclass, text, text) IS
'Lag score (0..1 for minmax/rank/goalpost, 1 = most lagged) of every comuna and variable of the methodology with a value in the period (rezago.scoring_values: observed at the variable''s vintage, or imputed), with the variable''s normalised weight within its dimension, the vintage and the imputed flag; under the methodology''s normalisation, or the one passed in normalisation (minmax, zscore, rank, goalpost) for a what-if; likewise imputation (none, median_region, median_provincia, carry_forward) and outlier_treatment (none, percentile, coinr), what-if arguments after observations (NULL: the methodology''s own; rezago.require_rule), which the uncertainty runs vary. The reference population is the observed values at the vintage (doc/method.md 3.1-3.2); its statistics come from rezago.scoring_rows. An imputed value outside the observed range scores 0 or 1 under minmax (lag_score clamps). Errors: unknown or incomplete methodology, unknown normalisation, goalpost without goalposts.';

CREATE FUNCTION rezago.comuna_unit_states(period integer, methodology text DEFAULT 'ufro2017',
                                          observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, state double precision[])
LANGUAGE sql STABLE PARALLEL RESTRICTED
-- enable_hashagg = off: the states keep a row per variable (canonical sums,
-- src/canonical_sum.c), so a hash table of every comuna's state costs a
-- cache miss per row; grouping the rows as the index on (period, cut,
-- variable) delivers them keeps one state live at a time (100,000 units:
-- 0.75 s of CPU instead of 1.32 s, doc/performance.md)
SET enable_hashagg = off
-- parallel_tuple_cost = 0.01 (default 0.1): the statement over the period's
-- rows (below) sends one partial state per unit through its Gather Merge, and
-- a parallel index-only scan in (period, cut) order hands each worker whole
-- units, so a worker's partial states are final ones, not duplicates to
-- combine; at the default the planner kept 100,000 units serial (cost 125.7k
-- against 131k in parallel; 115k at 0.01).  parallel_setup_cost keeps its
-- default, which keeps Chile's 346 comunas serial (doc/performance.md)
SET parallel_tuple_cost = 0.01
-- jit = off: the branches for vintages and rank, which a methodology rules
-- out, are planned (not run) too, and JIT would compile them all on every
-- call: 100,000 units took 2.5 s with JIT, 0.9 s without
-- (doc/performance.md)
SET jit = off
BEGIN ATOMIC
    -- one group per comuna (not per comuna and dimension); each branch is
    -- planned on its own, the ones the methodology and the source rule out
    -- return nothing (their conditions read g alone, so that the scoring
    -- table sc is computed only by the branches that use it)
    WITH sc AS MATERIALIZED (
        SELECT * FROM rezago.variable_scoring(comuna_unit_states.period, comuna_unit_states.methodology, observations => comuna_unit_states.observations)
    ), g AS MATERIALIZED (
        SELECT CASE WHEN m.normalisation = 'rank'
                         AND (m.imputation <> 'none'
                              OR comuna_unit_states.observations IS NULL
                              OR comuna_unit_states.observations = 'rezago.observation'::regclass) THEN 'rank'
                    -- rank over another source: one statement (the rank
                    -- table computed first, rezago.comuna_states_statement)
                    WHEN m.normalisation = 'rank' THEN 'statement'
                    -- COINr's treatment may log-transform values, which the
                    -- scoring table of the unit_*_values aggregates cannot
                    -- say: its scores come from comuna_lag_scores
                    WHEN m.outlier_treatment = 'coinr' THEN 'scored'
                    -- imputation, or vintages over rezago.observation: the
                    -- values of scoring_values (vintages over another
                    -- source: the statement, which reads them there)
                    WHEN m.imputation <> 'none' OR comuna_unit_states.observations IS NULL
                         OR (m.max_data_age > 0
                             AND comuna_unit_states.observations = 'rezago.observation'::regclass) THEN 'values'
                    -- the period's observations, scored by the scoring table:
                    -- one top-level statement over the source, rezago.observation
                    -- included (below)
                    ELSE 'statement'
               END AS path
        FROM rezago.methodology m
        WHERE m.code = (SELECT rezago.require_methodology(comuna_unit_states.methodology))
    )
    -- the period's observations scored by the scoring table: one top-level
    -- statement over the source grouped by cut (rezago.comuna_states_statement,
    -- which computes the scoring table itself and writes it in as constants),
    -- run by plpgsql's RETURN QUERY EXECUTE.  Over rezago.observation too:
    -- with the table as constants (not InitPlans of this query, which keep a
    -- plan in the leader) and planned on its own, the statement may run as a
    -- Partial GroupAggregate in parallel workers when the period is large
    -- (PostgreSQL 14+ runs RETURN QUERY in parallel), and serially over the
    -- index on (period, cut, variable) when it is small; the states are the
    -- same to the bit whichever worker saw which row (unit_values_combine).
    -- Over a distributed source, the rows are aggregated where they are.
    SELECT x.cut, x.state
    FROM rezago.run_comuna_states_statement(comuna_unit_states.period, comuna_unit_states.methodology,
                                            comuna_unit_states.observations) x
    WHERE (SELECT g.path = 'statement' FROM g)
    UNION ALL
    -- with imputation, or vintages over rezago.observation: the values of
    -- rezago.scoring_values
    SELECT v.cut,
           rezago.unit_state_values(v.variable, v.value, (SELECT sc.variables FROM sc),
                                    (SELECT sc.scoring FROM sc), (SELECT sc.min_coverage FROM sc))
    FROM rezago.scoring_values(comuna_unit_states.period, comuna_unit_states.methodology, observations => comuna_unit_states.observations) v
    WHERE (SELECT g.path = 'values' FROM g)
    GROUP BY v.cut
    UNION ALL
    -- outlier_treatment coinr: the lag scores of comuna_lag_scores
    SELECT s.cut, rezago.unit_state(sr.dimension_no, sr.n_dimensions, s.score, sr.weight,
                                    sr.dimension_weight, sr.min_coverage)
    FROM rezago.comuna_lag_scores(comuna_unit_states.period, comuna_unit_states.methodology, observations => comuna_unit_states.observations) s
    JOIN rezago.scoring_rows(comuna_unit_states.period, comuna_unit_states.methodology, observations => comuna_unit_states.observations) sr
      ON sr.variable = s.variable
    WHERE (SELECT g.path = 'scored' FROM g)
    GROUP BY s.cut
    UNION ALL
    SELECT r.cut, rezago.unit_state(r.dimension_no, r.n_dimensions, r.score, r.weight,
                                    r.dimension_weight, r.min_coverage)
    FROM rezago.ranked_lag_score_rows(comuna_unit_states.period, comuna_unit_states.methodology, observations => comuna_unit_states.observations) r
    WHERE (SELECT g.path = 'rank' FROM g)
    GROUP BY r.cut;
END;
COMMENT ON FUNCTION rezago.comuna_unit_states(integer, text, regclass) IS
'The unit_* aggregate state (rezago.unit_state) of every comuna with an observation in the period: pass it to rezago.unit_index_final, unit_dimension_scores_final, unit_dimension_coverage_final or unit_missing_dimensions_final (dimensions numbered 1..n in code order). comuna_index and comuna_dimension_scores are built on it. Over a source other than rezago.observation, a methodology without imputation or outlier_treatment coinr (coinr allowed under the rank normalisation) is computed by one top-level statement over the source, grouped by cut (rezago.comuna_states_statement; under rank with the rank table of rezago.rank_table computed first, by rezago.variable_scoring; doc/sources.md); so is, over rezago.observation, a methodology without imputation, vintages (max_data_age 0), outlier_treatment coinr or the rank normalisation: with the scoring table written in as constants, PostgreSQL may run the statement in parallel workers when the period is large (the same states to the bit; doc/performance.md); the others read the source through rezago.source_observations. NULL period: no rows. Errors: unknown (42704, also for NULL) or incomplete (22023) methodology; a bad source (rezago.require_observation_source).';

CREATE FUNCTION rezago.comuna_geometric_states(period integer, methodology text DEFAULT 'ufro2017',
                                               observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, state double precision[])
LANGUAGE sql STABLE PARALLEL RESTRICTED
-- jit = off, which also keeps it out of comuna_index's plan: inlined, the
-- costs of comuna_lag_scores (about 7e9 at 100,000 units) made JIT compile
-- comuna_index's whole plan on every call, arithmetic or not (2.5 s became
-- 10 s at 100,000 units)
SET jit = off
BEGIN ATOMIC
    SELECT l.cut,
           rezago.unit_state(l.dimension_no, l.n_dimensions, l.log_achievement, l.weight,
                             l.dimension_weight, l.min_coverage)
    FROM (SELECT s.cut, sr.dimension_no, sr.n_dimensions, sr.weight, sr.dimension_weight, sr.min_coverage,
                 rezago.geometric_log_achievement(s.score,
                     CASE WHEN sr.zscore THEN max(s.score) OVER (PARTITION BY s.variable) END) AS log_achievement
          FROM rezago.comuna_lag_scores(comuna_geometric_states.period, comuna_geometric_states.methodology, observations => comuna_geometric_states.observations) s
          JOIN rezago.scoring_rows(comuna_geometric_states.period, comuna_geometric_states.methodology, observations => comuna_geometric_states.observations) sr
            ON sr.variable = s.variable) l
    GROUP BY l.cut;
END;
COMMENT ON FUNCTION rezago.comuna_geometric_states(integer, text, regclass) IS
'The unit_* aggregate state (rezago.unit_state) of every comuna with a lag score in the period, with rezago.geometric_log_achievement of each score in place of the score (z-scores against the variable''s largest z-score of the period): unit_index_final of it, passed to rezago.geometric_index, is the geometric index (doc/method.md 3.4; what comuna_index gives under aggregation geometric, whatever the methodology''s aggregation). NULL period: no rows. Errors: as rezago.comuna_lag_scores.';

CREATE FUNCTION rezago.unit_ampi_final(double precision[])
RETURNS double precision AS 'MODULE_PATHNAME', 'rezago_unit_ampi_index'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.unit_ampi_final(double precision[]) IS
'The adjusted Mazziotta-Pareto index (AMPI, ISTAT''s aggregation for its BES well-being indices) of the dimension scores of a state of rezago.unit_state or unit_state_values (as comuna_unit_states gives it), as a lag index in [0,1] (doc/method.md 3.4): each dimension score s on the AMPI scale r = 70 + 60 s, M and S the weighted mean and weighted population standard deviation of r with the dimension weights, AMPI+ = M + S^2/M (larger = more lagged, so the unbalance adds), reported as (AMPI+ - 70)/60: the arithmetic index when the dimension scores are equal, more otherwise. What comuna_index gives under aggregation ampi. NULL state: NULL (strict); NULL when any dimension score is NULL (unit_missing_dimensions_final lists them). Errors: a dimension score outside [0,1], as z-scores give (22023); a malformed or non-finite state (22023).';

--------------------------------------------------------------------------
-- The readings the audit shares within a transaction (src/audit_cache.c):
-- here, before the index, so that comuna_index and territory_index can read
-- through them (rezago.comuna_index_from_states,
-- rezago.territory_index_from_comunas; the C functions run their
-- definitions by SPI, bound when called)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.audit_lag_scores(period integer, methodology text DEFAULT 'ufro2017',
                                        observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, variable text, dimension text, value double precision,
               score double precision, weight double precision, vintage integer, imputed boolean)
AS 'MODULE_PATHNAME', 'rezago_audit_lag_scores'
LANGUAGE C STABLE PARALLEL RESTRICTED CALLED ON NULL INPUT ROWS 6000;
COMMENT ON FUNCTION rezago.audit_lag_scores(integer, text, regclass) IS
'The rows of rezago.comuna_lag_scores(period, methodology, observations => observations), as that function returns them (same rows, same order, bit for bit), read once per transaction and snapshot: a second call with the same arguments in the same transaction, under a snapshot that sees the same rows (same xmin, xmax, in-progress transactions and command id: no write in between, here or committed elsewhere), returns the rows already read, to the same role only (current user and row_security: another role, after SET ROLE or in a SECURITY DEFINER function, reads under its own privileges); a subtransaction''s abort forgets them. Only a source that follows the snapshot is kept (a table, partitioned table or materialised view: rezago.observation); a view or foreign table is read at every call, and so is a source under row-level security for the current role (a policy may read a setting that the key does not hold). What the audit functions read, so that an audit run in one transaction (or one statement) computes the lag scores once. NULL arguments and errors: as rezago.comuna_lag_scores.';

CREATE FUNCTION rezago.audit_unit_states(period integer, methodology text DEFAULT 'ufro2017',
                                         observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, state double precision[])
AS 'MODULE_PATHNAME', 'rezago_audit_unit_states'
LANGUAGE C STABLE PARALLEL RESTRICTED CALLED ON NULL INPUT ROWS 346;
COMMENT ON FUNCTION rezago.audit_unit_states(integer, text, regclass) IS
'The rows of rezago.comuna_unit_states(period, methodology, observations => observations), read once per transaction and snapshot, as rezago.audit_lag_scores says. NULL arguments and errors: as rezago.comuna_unit_states.';

CREATE FUNCTION rezago.audit_comuna_index(period integer, methodology text DEFAULT 'ufro2017',
                                          observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, index double precision, rank bigint, missing_dimensions text[])
AS 'MODULE_PATHNAME', 'rezago_audit_comuna_index'
LANGUAGE C STABLE PARALLEL RESTRICTED CALLED ON NULL INPUT ROWS 346;
COMMENT ON FUNCTION rezago.audit_comuna_index(integer, text, regclass) IS
'The rows of rezago.comuna_index(period, methodology, observations => observations), read once per transaction and snapshot, as rezago.audit_lag_scores says; computed by comuna_index''s one definition from the unit states of rezago.audit_unit_states (rezago.comuna_index_from_states), so that an audit reads the states once. NULL arguments and errors: as rezago.comuna_index.';

CREATE FUNCTION rezago.comuna_dimension_scores(period integer, methodology text DEFAULT 'ufro2017',
                                               observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, dimension text, score double precision, coverage double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH dims AS MATERIALIZED (
        SELECT rezago.methodology_dimension_codes(comuna_dimension_scores.methodology) AS codes
    )
    SELECT u.cut, (SELECT dims.codes FROM dims)[s.dimension_no], s.score, s.coverage
    FROM rezago.comuna_unit_states(comuna_dimension_scores.period, comuna_dimension_scores.methodology, observations => comuna_dimension_scores.observations) u
    CROSS JOIN LATERAL unnest(rezago.unit_dimension_scores_final(u.state),
                              rezago.unit_dimension_coverage_final(u.state))
        WITH ORDINALITY AS s(score, coverage, dimension_no)
    WHERE s.coverage IS NOT NULL
      AND (SELECT rezago.require_methodology(comuna_dimension_scores.methodology)) IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.comuna_dimension_scores(integer, text, regclass) IS
'Dimension score of each comuna (weighted mean of its lag scores in the dimension) and its coverage (share of the dimension''s weight with data). Score NULL when coverage < methodology.min_coverage. One row per comuna and dimension with at least one observation in the period.';

-- comuna_index's one definition, with two ways to its unit states: computed
-- (rezago.comuna_unit_states: comuna_index) or read through the audit's
-- cache (rezago.audit_unit_states: audit_comuna_index).  audit_cache is a
-- constant in both callers: inlined, the branch it rules out is a constant
-- false filter, which the planner drops, so comuna_index's plan is the one it
-- had before it was split.
CREATE FUNCTION rezago.comuna_index_from_states(period integer, methodology text DEFAULT 'ufro2017',
                                                observations regclass DEFAULT 'rezago.observation',
                                                audit_cache boolean DEFAULT false)
RETURNS TABLE (cut integer, index double precision, rank bigint, missing_dimensions text[])
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH dims AS MATERIALIZED (
        SELECT rezago.methodology_dimension_codes(comuna_index_from_states.methodology) AS codes
    ), agg AS MATERIALIZED (
        SELECT m.aggregation FROM rezago.methodology m WHERE m.code = comuna_index_from_states.methodology
    ), states AS NOT MATERIALIZED (
        -- the unit states, computed or read through the audit's cache (NOT
        -- MATERIALIZED: inlined into the two branches that read them, of
        -- which one runs, as when each called comuna_unit_states itself)
        SELECT u.cut, u.state
        FROM rezago.comuna_unit_states(comuna_index_from_states.period, comuna_index_from_states.methodology, observations => comuna_index_from_states.observations) u
        WHERE comuna_index_from_states.audit_cache IS NOT TRUE
        UNION ALL
        SELECT u.cut, u.state
        FROM rezago.audit_unit_states(comuna_index_from_states.period, comuna_index_from_states.methodology, comuna_index_from_states.observations) u
        WHERE comuna_index_from_states.audit_cache IS TRUE
    ), per_comuna AS (
        SELECT u.cut, rezago.unit_index_final(u.state) AS index,
               rezago.unit_missing_dimensions_final(u.state) AS missing
        FROM states u
        WHERE (SELECT agg.aggregation = 'arithmetic' FROM agg)
        UNION ALL
        -- geometric (doc/method.md 3.4): the same unit_* means, of the log
        -- achievements; then back to a lag index
        SELECT ge.cut, rezago.geometric_index(rezago.unit_index_final(ge.state)),
               rezago.unit_missing_dimensions_final(ge.state)
        FROM rezago.comuna_geometric_states(comuna_index_from_states.period, comuna_index_from_states.methodology, observations => comuna_index_from_states.observations) ge
        WHERE (SELECT agg.aggregation = 'geometric' FROM agg)
        UNION ALL
        -- ampi (doc/method.md 3.4): the adjusted Mazziotta-Pareto index of
        -- the (arithmetic) dimension scores, as a lag index
        SELECT am.cut, rezago.unit_ampi_final(am.state), rezago.unit_missing_dimensions_final(am.state)
        FROM states am
        WHERE (SELECT agg.aggregation = 'ampi' FROM agg)
    )
    SELECT c.cut, p.index,
           CASE WHEN p.index IS NOT NULL THEN rank() OVER (ORDER BY p.index DESC NULLS LAST) END,
           CASE WHEN p.cut IS NULL THEN (SELECT dims.codes FROM dims)
                WHEN p.index IS NULL THEN
                    ARRAY(SELECT (SELECT dims.codes FROM dims)[i.dimension_no]
                          FROM unnest(p.missing) WITH ORDINALITY AS i(dimension_no, o)
                          ORDER BY i.o)
           END
    FROM rezago.comuna c
    LEFT JOIN per_comuna p ON p.cut = c.cut
    WHERE (SELECT rezago.require_methodology(comuna_index_from_states.methodology)) IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.comuna_index_from_states(integer, text, regclass, boolean) IS
'Internal: the one definition of rezago.comuna_index (same rows, same columns), its arithmetic and ampi indices computed from unit states that are computed by rezago.comuna_unit_states (audit_cache false or NULL: what comuna_index calls) or read through rezago.audit_unit_states (audit_cache true: what rezago.audit_comuna_index calls, so that an audit reads the states once per transaction); the geometric index reads rezago.comuna_geometric_states either way. NULL arguments and errors: as rezago.comuna_index.';

CREATE FUNCTION rezago.comuna_index(period integer, methodology text DEFAULT 'ufro2017',
                                    observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, index double precision, rank bigint, missing_dimensions text[])
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    -- inlined, with its states computed (the audit's cache not read)
    SELECT x.cut, x.index, x.rank, x.missing_dimensions
    FROM rezago.comuna_index_from_states(comuna_index.period, comuna_index.methodology,
                                         comuna_index.observations, false) x;
END;
COMMENT ON FUNCTION rezago.comuna_index(integer, text, regclass) IS
'Lag index of every comuna in rezago.comuna for a period: weighted mean of its dimension scores (methodology.aggregation arithmetic), or, for geometric, 1 - (P - 1)/99 with P the weighted geometric mean over dimensions of the weighted geometric means of the achievements 1 + 99 (1 - score) (z-scores: 1 + 99 (largest z-score of the variable - z)), as the uncertainty runs define it, or, for ampi, the adjusted Mazziotta-Pareto index of the dimension scores mapped back to [0,1] (rezago.unit_ampi_final) (doc/method.md 3.4). NULL when any dimension score is NULL, and missing_dimensions then lists them. rank: 1 = most lagged, among comunas with an index; ties share a rank (1,1,3).';

CREATE FUNCTION rezago.outlier_treatment(period integer, methodology text DEFAULT 'ufro2017',
                                         observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, vintage integer, treatment text, n integer,
               skewness_before double precision, kurtosis_before double precision,
               win_lo double precision, win_hi double precision,
               winsorised_low integer, winsorised_high integer, low_comunas integer[], high_comunas integer[],
               log_transform boolean, log_min double precision, log_offset double precision,
               skewness_after double precision, kurtosis_after double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    -- the limits and log parameters are those of rezago.scoring_rows (the
    -- one place they are computed); this reads them back over the
    -- reference population, the observed values at the vintage
    WITH sr AS MATERIALIZED (
        SELECT * FROM rezago.scoring_rows(outlier_treatment.period, outlier_treatment.methodology, observations => outlier_treatment.observations) r
    ), obs AS (
        SELECT sr.variable, o.cut, o.value,
               rezago.treated_value(o.value, sr.win_lo, sr.win_hi, sr.log_min, sr.log_offset) AS treated
        FROM sr JOIN rezago.source_observations(outlier_treatment.observations) o
          ON o.period = sr.vintage AND o.variable = sr.variable AND o.value IS NOT NULL
    ), per AS (
        -- moments only: no winsorisation (winmax 0), thresholds no value reaches
        SELECT obs.variable,
               rezago.coinr_treatment(array_agg(obs.value ORDER BY obs.value), 0, 1e308, 1e308) AS before,
               rezago.coinr_treatment(array_agg(obs.treated ORDER BY obs.treated), 0, 1e308, 1e308) AS after,
               array_agg(obs.cut ORDER BY obs.cut) FILTER (WHERE obs.value < sr.win_lo AND sr.log_offset IS NULL) AS low,
               array_agg(obs.cut ORDER BY obs.cut) FILTER (WHERE obs.value > sr.win_hi AND sr.log_offset IS NULL) AS high
        FROM obs JOIN sr ON sr.variable = obs.variable
        GROUP BY obs.variable, sr.win_lo, sr.win_hi, sr.log_offset
    )
    SELECT sr.variable, sr.vintage,
           CASE WHEN sr.log_offset IS NOT NULL THEN 'log'
                WHEN cardinality(per.low) > 0 OR cardinality(per.high) > 0 THEN 'winsorised'
                ELSE 'none' END,
           coalesce((per.before).n, 0),
           (per.before).skewness_before, (per.before).kurtosis_before,
           sr.win_lo, sr.win_hi,
           coalesce(cardinality(per.low), 0), coalesce(cardinality(per.high), 0),
           coalesce(per.low, '{}'), coalesce(per.high, '{}'),
           sr.log_offset IS NOT NULL, sr.log_min, sr.log_offset,
           (per.after).skewness_before, (per.after).kurtosis_before
    FROM sr LEFT JOIN per ON per.variable = sr.variable
    ORDER BY sr.variable;
END;
COMMENT ON FUNCTION rezago.outlier_treatment(integer, text, regclass) IS
'What the methodology''s outlier treatment does to each variable in a period (doc/method.md 3.2), read from rezago.scoring_rows over the reference population (the observed values at the vintage): treatment none, winsorised or log; n values; skewness and kurtosis (COINr''s skew and kurt) of the raw and of the treated values (rezago.treated_value; NULL for fewer than 4 values or all equal); the limits win_lo and win_hi (the percentiles, or the coinr rule''s: NULL where nothing moved); the points raised (winsorised_low, low_comunas) and lowered (winsorised_high, high_comunas), by cut; and the log transform (log_min, log_offset). Imputed values are not in the population. Errors: unknown or incomplete methodology, as rezago.scoring_rows.';

--------------------------------------------------------------------------
-- Territories: the mean of their members (doc/method.md 3.5)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.territory_dimension_scores(period integer, methodology text DEFAULT 'ufro2017',
                                                  observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, dimension text, score double precision, members bigint, scored bigint)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        -- the methodology is checked once, by the WHERE below: a one-time
        -- filter over the join, evaluated before any row (this CTE
        -- included) is read
        SELECT x.territory_weighting FROM rezago.methodology x
        WHERE x.code = territory_dimension_scores.methodology
    ), dims AS MATERIALIZED (
        SELECT DISTINCT w.dimension FROM rezago.methodology_weights(territory_dimension_scores.methodology) w
    ), pop AS (
        SELECT o.cut, o.value FROM rezago.source_observations(territory_dimension_scores.observations) o
        WHERE o.variable = 'poblacion' AND o.period = territory_dimension_scores.period
          AND (SELECT m.territory_weighting = 'population' FROM m)
    )
    SELECT tm.territory, dims.dimension,
           CASE (SELECT m.territory_weighting FROM m)
               WHEN 'mean' THEN rezago.territory_average(s.score)
               ELSE rezago.dimension_score(s.score, coalesce(pop.value, 0))
           END,
           count(*), count(s.score)
    FROM rezago.territory_member tm
    CROSS JOIN dims
    LEFT JOIN rezago.comuna_dimension_scores(territory_dimension_scores.period, territory_dimension_scores.methodology, observations => territory_dimension_scores.observations) s
      ON s.cut = tm.cut AND s.dimension = dims.dimension
    LEFT JOIN pop ON pop.cut = tm.cut
    WHERE (SELECT rezago.require_methodology(territory_dimension_scores.methodology)) IS NOT NULL
    GROUP BY tm.territory, dims.dimension;
END;
COMMENT ON FUNCTION rezago.territory_dimension_scores(integer, text, regclass) IS
'Dimension score of each territory: mean of its members'' dimension scores (population-weighted when the methodology says so), with the number of members and of scored members.';

-- territory_index's one definition, with two ways to the comuna index:
-- computed (rezago.comuna_index: territory_index) or read through the
-- audit's cache (rezago.audit_comuna_index: compare_methodologies, which
-- would otherwise compute again, inside its own plan, the comuna index an
-- audit has already read).  audit_cache is a constant in both callers:
-- inlined, the branch it rules out is a constant false filter, which the
-- planner drops, so territory_index's plan is the one it had before.
CREATE FUNCTION rezago.territory_index_from_comunas(period integer, methodology text DEFAULT 'ufro2017',
                                                    observations regclass DEFAULT 'rezago.observation',
                                                    audit_cache boolean DEFAULT false)
RETURNS TABLE (territory text, index double precision, rank bigint, members bigint, scored bigint)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        -- the methodology is checked once, by the final WHERE: a one-time
        -- filter of the top plan node, evaluated before any row (this CTE
        -- included) is read, so a second rezago.require_methodology here
        -- could never raise first
        SELECT x.territory_weighting FROM rezago.methodology x
        WHERE x.code = territory_index_from_comunas.methodology
    ), pop AS (
        SELECT o.cut, o.value FROM rezago.source_observations(territory_index_from_comunas.observations) o
        WHERE o.variable = 'poblacion' AND o.period = territory_index_from_comunas.period
          AND (SELECT m.territory_weighting = 'population' FROM m)
    ), t AS (
        SELECT tm.territory,
               CASE (SELECT m.territory_weighting FROM m)
                   WHEN 'mean' THEN rezago.territory_average(ci.index)
                   ELSE rezago.dimension_score(ci.index, coalesce(pop.value, 0))
               END AS index,
               count(*) AS members, count(ci.index) AS scored
        FROM rezago.territory_member tm
        JOIN (SELECT c.cut, c.index
              FROM rezago.comuna_index(territory_index_from_comunas.period, territory_index_from_comunas.methodology,
                                       observations => territory_index_from_comunas.observations) c
              WHERE territory_index_from_comunas.audit_cache IS NOT TRUE
              UNION ALL
              SELECT c.cut, c.index
              FROM rezago.audit_comuna_index(territory_index_from_comunas.period, territory_index_from_comunas.methodology,
                                             territory_index_from_comunas.observations) c
              WHERE territory_index_from_comunas.audit_cache IS TRUE) ci ON ci.cut = tm.cut
        LEFT JOIN pop ON pop.cut = tm.cut
        GROUP BY tm.territory
    )
    SELECT tr.code, t.index,
           CASE WHEN t.index IS NOT NULL THEN rank() OVER (ORDER BY t.index DESC NULLS LAST) END,
           coalesce(t.members, 0), coalesce(t.scored, 0)
    FROM rezago.territory tr LEFT JOIN t ON t.territory = tr.code
    WHERE (SELECT rezago.require_methodology(territory_index_from_comunas.methodology)) IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.territory_index_from_comunas(integer, text, regclass, boolean) IS
'Internal: the one definition of rezago.territory_index (same rows, same columns), from the comuna index computed by rezago.comuna_index (audit_cache false or NULL: what territory_index calls) or read through rezago.audit_comuna_index (audit_cache true: what rezago.compare_methodologies calls, so that an audit in one transaction computes each methodology''s comuna index once). NULL arguments and errors: as rezago.territory_index.';

CREATE FUNCTION rezago.territory_index(period integer, methodology text DEFAULT 'ufro2017',
                                       observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, index double precision, rank bigint, members bigint, scored bigint)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    -- inlined, with the comuna index computed (the audit's cache not read)
    SELECT x.territory, x.index, x.rank, x.members, x.scored
    FROM rezago.territory_index_from_comunas(territory_index.period, territory_index.methodology,
                                             territory_index.observations, false) x;
END;
COMMENT ON FUNCTION rezago.territory_index(integer, text, regclass) IS
'Lag index of every territory: mean of its member comunas'' indices (doc/method.md 3.5; population-weighted only when the methodology says so), rank (1 = most lagged, ties share a rank, NULL index unranked), number of members and of members with an index.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    -- C building blocks and their aggregate support functions
    ('routine',  'lag_score',                      'read'),
    ('routine',  'lag_score_zscore',               'read'),
    ('routine',  'treated_value',                  'read'),
    ('routine',  'rank_key',                       'read'),
    ('routine',  'coinr_treatment',                'read'),
    ('routine',  'geometric_log_achievement',      'read'),
    ('routine',  'geometric_index',                'read'),
    ('routine',  'weighted_mean_accum',            'read'),
    ('routine',  'weighted_mean_accum_total',      'read'),
    ('routine',  'average_accum',                  'read'),
    ('routine',  'weighted_mean_combine',          'read'),
    ('routine',  'weighted_mean_final',            'read'),
    ('routine',  'weighted_mean_coverage',         'read'),
    ('routine',  'dimension_score',                'read'),
    ('routine',  'dimension_coverage',             'read'),
    ('routine',  'territory_average',              'read'),
    -- canonical sums
    ('routine',  'canonical_accum',                'read'),
    ('routine',  'canonical_combine',              'read'),
    ('routine',  'canonical_sum_final',            'read'),
    ('routine',  'canonical_avg_final',            'read'),
    ('routine',  'canonical_stddev_samp_final',    'read'),
    ('routine',  'canonical_sum',                  'read'),
    ('routine',  'canonical_avg',                  'read'),
    ('routine',  'canonical_stddev_samp',          'read'),
    -- the unit aggregates
    ('routine',  'unit_accum',                     'read'),
    ('routine',  'unit_values_accum',              'read'),
    ('routine',  'unit_values_combine',            'read'),
    ('routine',  'unit_values_serial',             'read'),
    ('routine',  'unit_values_deserial',           'read'),
    ('routine',  'unit_values_index_final',        'read'),
    ('routine',  'unit_values_dimension_scores_final', 'read'),
    ('routine',  'unit_values_dimension_coverage_final', 'read'),
    ('routine',  'unit_values_missing_dimensions_final', 'read'),
    ('routine',  'unit_values_state_final',        'read'),
    ('routine',  'unit_combine',                   'read'),
    ('routine',  'unit_index_final',               'read'),
    ('routine',  'unit_dimension_scores_final',    'read'),
    ('routine',  'unit_dimension_coverage_final',  'read'),
    ('routine',  'unit_missing_dimensions_final',  'read'),
    ('routine',  'unit_state_trim',                'read'),
    ('routine',  'unit_index',                     'read'),
    ('routine',  'unit_dimension_scores',          'read'),
    ('routine',  'unit_dimension_coverage',        'read'),
    ('routine',  'unit_missing_dimensions',        'read'),
    ('routine',  'unit_index_values',              'read'),
    ('routine',  'unit_dimension_scores_values',   'read'),
    ('routine',  'unit_dimension_coverage_values', 'read'),
    ('routine',  'unit_missing_dimensions_values', 'read'),
    ('routine',  'unit_state',                     'read'),
    ('routine',  'unit_state_values',              'read'),
    ('routine',  'unit_ranks_accum',               'read'),
    ('routine',  'unit_state_ranks',               'read'),
    -- scoring and the index
    ('routine',  'source_extent_statement',        'read'),
    ('routine',  'run_source_extent_statement',    'read'),
    ('routine',  'source_values_statement',        'read'),
    ('routine',  'run_source_values_statement',    'read'),
    ('routine',  'variable_vintages',              'read'),
    ('routine',  'scoring_values',                 'read'),
    ('routine',  'scoring_rows',                   'read'),
    ('routine',  'variable_scoring',               'read'),
    ('routine',  'ranked_lag_score_rows',          'read'),
    ('routine',  'rank_scores',                    'read'),
    ('routine',  'rank_table',                     'read'),
    ('routine',  'comuna_states_statement',        'read'),
    ('routine',  'comuna_states_query',            'read'),
    ('routine',  'run_comuna_states_statement',    'read'),
    ('routine',  'run_comuna_rank_states_statement', 'read'),
    ('routine',  'comuna_unit_states',             'read'),
    ('routine',  'comuna_lag_scores',              'read'),
    ('routine',  'comuna_dimension_scores',        'read'),
    ('routine',  'audit_lag_scores',               'read'),
    ('routine',  'audit_unit_states',              'read'),
    ('routine',  'audit_comuna_index',             'read'),
    ('routine',  'comuna_index',                   'read'),
    ('routine',  'comuna_index_from_states',       'read'),
    ('routine',  'outlier_treatment',              'read'),
    ('routine',  'comuna_geometric_states',        'read'),
    ('routine',  'unit_ampi_final',                'read'),
    ('routine',  'territory_dimension_scores',     'read'),
    ('routine',  'territory_index',                'read'),
    ('routine',  'territory_index_from_comunas',   'read');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
