/*
 * 05_canonical_sums: sums that do not depend on row order (issue 13).
 * Every floating-point sum of rezago adds its terms in ascending magnitude,
 * then ascending value (src/canonical_sum.c), so that the same data give the
 * same bits whatever the row order, plan, parallel workers or restore.  The
 * C aggregates keep their rows and sum them at the end; these three
 * aggregates bring the same sums to SQL, where the functions below use them
 * instead of sum(), avg() and stddev_samp().
 */
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
