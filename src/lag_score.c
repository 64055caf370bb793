/*
 * lag_score.c
 *	  The lag score of one raw value (doc/method.md section 3): lag_score
 *	  (min-max, also goalposts) and lag_score_zscore, and their formulas on
 *	  validated arguments, rezago_minmax_lag and rezago_zscore_lag, which the
 *	  unit aggregates (unit_aggregates.c) call too, so that every path
 *	  computes the same number (the uncertainty analysis reads its scores
 *	  from rezago.comuna_lag_scores).
 */
#include "rezago.h"

PG_FUNCTION_INFO_V1(rezago_lag_score);
PG_FUNCTION_INFO_V1(rezago_lag_score_zscore);

/*
 * lag_score(value, min, max, polarity): min-max lag score in [0, 1],
 * 1 = most lagged.  (max - x)/(max - min) for polarity +1, (x - min)/(max -
 * min) for -1, clamped to [0, 1] so that the same function serves goalposts.
 * max = min gives 0 (no gap can be measured).
 *
 * NULL value: NULL.  NaN or infinite value: NULL (not in the reference
 * population).  NULL min, max or polarity: NULL.  Non-finite min or max,
 * max < min, polarity other than +-1: error.
 */
Datum
rezago_lag_score(PG_FUNCTION_ARGS)
{
	float8		x,
				lo,
				hi;
	int			pol;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	x = PG_GETARG_FLOAT8(0);
	lo = PG_GETARG_FLOAT8(1);
	hi = PG_GETARG_FLOAT8(2);
	pol = rezago_polarity(PG_GETARG_INT32(3), "lag_score");
	rezago_require_finite(lo, "min", "lag_score");
	rezago_require_finite(hi, "max", "lag_score");
	if (hi < lo)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max must not be less than min"),
				 errdetail("lag_score received min = %g and max = %g.", lo, hi),
				 errhint("Pass the smallest and largest value of the reference population, in that order.")));
	if (isnan(x) || isinf(x))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(rezago_minmax_lag(x, lo, hi, pol));
}

/*
 * The min-max formula of lag_score on validated, finite arguments (lo <= hi,
 * polarity +-1); shared with the unit aggregates so that both compute the
 * same number.
 */
float8
rezago_minmax_lag(float8 x, float8 lo, float8 hi, int pol)
{
	float8		s;

	if (hi == lo)
		return 0.0;
	if (isinf(hi - lo))
	{
		/* halve everything so that a range wider than DBL_MAX stays finite */
		hi *= 0.5;
		lo *= 0.5;
		x *= 0.5;
	}
	s = (pol > 0) ? (hi - x) / (hi - lo) : (x - lo) / (hi - lo);
	if (s < 0.0)
		s = 0.0;
	else if (s > 1.0)
		s = 1.0;
	return s;
}

/*
 * lag_score_zscore(value, mean, sd, polarity): standardised distance from
 * the mean, signed so that larger means more lagged: -polarity * (x - mean)
 * / sd.  sd = 0 gives 0.  Unbounded.  Same NULL/NaN policy as lag_score;
 * a negative sd is an error.
 */
Datum
rezago_lag_score_zscore(PG_FUNCTION_ARGS)
{
	float8		x,
				mean,
				sd;
	int			pol;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	x = PG_GETARG_FLOAT8(0);
	mean = PG_GETARG_FLOAT8(1);
	sd = PG_GETARG_FLOAT8(2);
	pol = rezago_polarity(PG_GETARG_INT32(3), "lag_score_zscore");
	rezago_require_finite(mean, "mean", "lag_score_zscore");
	rezago_require_finite(sd, "sd", "lag_score_zscore");
	if (sd < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("standard deviation must not be negative"),
				 errdetail("lag_score_zscore received sd = %g.", sd),
				 errhint("Pass stddev_samp() of the reference population.")));
	if (isnan(x) || isinf(x))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(rezago_zscore_lag(x, mean, sd, pol));
}

/* The formula of lag_score_zscore on validated, finite arguments (sd >= 0). */
float8
rezago_zscore_lag(float8 x, float8 mean, float8 sd, int pol)
{
	float8		z;

	if (sd == 0)
		return 0.0;
	z = -pol * (x / sd - mean / sd);
	if (isnan(z) || isinf(z))
		z = -pol * ((x - mean) / sd);	/* the quotients overflowed */
	rezago_require_finite_result(z, "z-score", "lag_score_zscore");
	return z;
}
