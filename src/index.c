/*
 * index.c
 *	  Building blocks of the lag index (METHOD.md section 3): the lag score of
 *	  one raw value, and the weighted-mean aggregates behind dimension scores,
 *	  the index and territory averages.
 *
 * The weighted-mean state is a float8[5]:
 *	 [0] weight of every input row (scored or missing)
 *	 [1] weight of the rows that had a score
 *	 [2] sum of weight * score
 *	 [3] minimum coverage required (0 when the aggregate was given none)
 *	 [4] declared total weight (0 when not declared): coverage is then
 *		 measured against it, so that missing items need no input row
 */
#include "rezago.h"

#include "utils/builtins.h"

#define WM_LEN			5
#define WM_TOTAL		0
#define WM_SCORED		1
#define WM_SUM			2
#define WM_MINCOV		3
#define WM_DECLARED		4

/* coverage computed from sums of weights is compared with this slack */
#define COVERAGE_SLACK	REZAGO_COVERAGE_SLACK

PG_FUNCTION_INFO_V1(rezago_lag_score);
PG_FUNCTION_INFO_V1(rezago_lag_score_zscore);
PG_FUNCTION_INFO_V1(rezago_wmean_accum);
PG_FUNCTION_INFO_V1(rezago_wmean_accum_mincov);
PG_FUNCTION_INFO_V1(rezago_wmean_accum_total);
PG_FUNCTION_INFO_V1(rezago_wmean_accum_cov_total);
PG_FUNCTION_INFO_V1(rezago_average_accum);
PG_FUNCTION_INFO_V1(rezago_wmean_combine);
PG_FUNCTION_INFO_V1(rezago_wmean_final);
PG_FUNCTION_INFO_V1(rezago_wmean_coverage);

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
 * polarity +-1); shared with the uncertainty analysis so that both compute
 * the same number.
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

/* Adds one (score, weight) pair to the state. */
static void
wmean_add(float8 *st, bool score_null, float8 score, float8 weight,
		  const char *fn)
{
	rezago_require_weight(weight, fn);
	if (weight == 0)
		return;					/* a zero weight leaves the item out */
	st[WM_TOTAL] += weight;
	rezago_require_finite_result(st[WM_TOTAL], "sum of weights", fn);
	if (score_null)
		return;
	rezago_require_finite(score, "score", fn);
	st[WM_SCORED] += weight;
	st[WM_SUM] += weight * score;
	rezago_require_finite_result(st[WM_SUM], "weighted sum of scores", fn);
}

void
rezago_require_weight_not_null(bool isnull, const char *fn)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("weight must not be NULL"),
				 errdetail("Function %s received a row with a NULL weight.", fn),
				 errhint("Give every row a weight; use zero to leave a row out.")));
}

/* Adds argument 1 (score) with the given weight to the state in argument 0. */
static Datum
wmean_accum(FunctionCallInfo fcinfo, float8 weight, const char *fn)
{
	ArrayType  *a;
	float8	   *st = rezago_state_values(fcinfo, 0, WM_LEN, &a, fn);

	wmean_add(st, PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_FLOAT8(1),
			  weight, fn);
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Stores a per-group constant (minimum coverage or declared total weight) in
 * slot idx of the state, checking that it does not change within the group.
 */
static void
set_group_constant(float8 *st, int idx, float8 value, const char *what,
				   const char *fn)
{
	if (st[WM_TOTAL] > 0 && st[idx] != value)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be the same for every row of a group", what),
				 errdetail("Function %s received %g and %g in one group.", fn, st[idx], value),
				 errhint("Pass a constant, such as the value stored in the methodology.")));
	st[idx] = value;
}

float8
rezago_get_min_coverage(FunctionCallInfo fcinfo, int argno, const char *fn)
{
	float8		mincov;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("minimum coverage must not be NULL"),
				 errdetail("Function %s received a NULL min_coverage.", fn),
				 errhint("Pass a share between 0 and 1, or use the two-argument form.")));
	mincov = PG_GETARG_FLOAT8(argno);
	rezago_require_finite(mincov, "min_coverage", fn);
	if (mincov < 0 || mincov > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("minimum coverage must be between 0 and 1"),
				 errdetail("Function %s received min_coverage = %g.", fn, mincov),
				 errhint("Coverage is the share of the weight that had data: 0.5 means half.")));
	return mincov;
}

static float8
get_total_weight(FunctionCallInfo fcinfo, int argno, const char *fn)
{
	float8		total;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("total weight must not be NULL"),
				 errdetail("Function %s received a NULL total_weight.", fn),
				 errhint("Pass the sum of the weights of every item of the group, scored or not.")));
	total = PG_GETARG_FLOAT8(argno);
	rezago_require_finite(total, "total_weight", fn);
	if (total <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("total weight must be positive"),
				 errdetail("Function %s received total_weight = %g.", fn, total),
				 errhint("Pass the sum of the weights of every item of the group, scored or not.")));
	return total;
}

/*
 * Shared transition: argument 1 score, 2 weight, then optionally the minimum
 * coverage (argument mincov_arg) and the declared total weight (total_arg);
 * -1 where the form has no such argument.
 */
static Datum
wmean_accum_full(FunctionCallInfo fcinfo, int mincov_arg, int total_arg,
				 const char *fn)
{
	ArrayType  *a;
	float8	   *st;
	float8		mincov = (mincov_arg > 0) ? rezago_get_min_coverage(fcinfo, mincov_arg, fn) : 0;
	float8		total = (total_arg > 0) ? get_total_weight(fcinfo, total_arg, fn) : 0;

	rezago_require_weight_not_null(PG_ARGISNULL(2), fn);
	st = rezago_state_values(fcinfo, 0, WM_LEN, &a, fn);
	set_group_constant(st, WM_MINCOV, mincov, "minimum coverage", fn);
	set_group_constant(st, WM_DECLARED, total, "total weight", fn);
	wmean_add(st, PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_FLOAT8(1),
			  PG_GETARG_FLOAT8(2), fn);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* dimension_score(score, weight) transition */
Datum
rezago_wmean_accum(PG_FUNCTION_ARGS)
{
	return wmean_accum_full(fcinfo, -1, -1, "dimension_score");
}

/* dimension_score(score, weight, min_coverage) transition */
Datum
rezago_wmean_accum_mincov(PG_FUNCTION_ARGS)
{
	return wmean_accum_full(fcinfo, 3, -1, "dimension_score");
}

/* dimension_coverage(score, weight, total_weight) transition */
Datum
rezago_wmean_accum_total(PG_FUNCTION_ARGS)
{
	return wmean_accum_full(fcinfo, -1, 3, "dimension_coverage");
}

/* dimension_score(score, weight, min_coverage, total_weight) transition */
Datum
rezago_wmean_accum_cov_total(PG_FUNCTION_ARGS)
{
	return wmean_accum_full(fcinfo, 3, 4, "dimension_score");
}

/* territory_average(score) transition: every row weighs 1 */
Datum
rezago_average_accum(PG_FUNCTION_ARGS)
{
	return wmean_accum(fcinfo, 1.0, "territory_average");
}

Datum
rezago_wmean_combine(PG_FUNCTION_ARGS)
{
	const char *fn = "weighted mean combine";
	ArrayType  *a;
	float8	   *st = rezago_state_values(fcinfo, 0, WM_LEN, &a, fn);
	const float8 *other = rezago_state_peek(PG_GETARG_ARRAYTYPE_P(1), WM_LEN, fn);

	if (other[WM_TOTAL] > 0)
	{
		set_group_constant(st, WM_MINCOV, other[WM_MINCOV], "minimum coverage", fn);
		set_group_constant(st, WM_DECLARED, other[WM_DECLARED], "total weight", fn);
	}
	st[WM_TOTAL] += other[WM_TOTAL];
	st[WM_SCORED] += other[WM_SCORED];
	st[WM_SUM] += other[WM_SUM];
	rezago_require_finite_result(st[WM_TOTAL], "sum of weights", fn);
	rezago_require_finite_result(st[WM_SUM], "weighted sum of scores", fn);
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Coverage of a state: scored weight over the declared total weight, or over
 * the weight of every input row when no total was declared.  NULL (returns
 * false) when there is no weight at all.
 */
static bool
wmean_state_coverage(const float8 *st, float8 *coverage)
{
	float8		total = st[WM_DECLARED] > 0 ? st[WM_DECLARED] : st[WM_TOTAL];

	if (total <= 0)
		return false;
	if (st[WM_TOTAL] > total * (1 + COVERAGE_SLACK))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the rows of a group weigh more than the declared total weight"),
				 errdetail("The rows weigh %g in all, the declared total_weight is %g.", st[WM_TOTAL], total),
				 errhint("Declare the sum of the weights of every item of the group, or check for duplicate rows.")));
	*coverage = st[WM_SCORED] / total;
	return true;
}

/*
 * Final function of dimension_score and territory_average: the weighted mean
 * of the scored rows; NULL when nothing was scored or when the coverage is
 * below the minimum.
 */
Datum
rezago_wmean_final(PG_FUNCTION_ARGS)
{
	const float8 *st = rezago_state_peek(PG_GETARG_ARRAYTYPE_P(0), WM_LEN,
										 "weighted mean final");
	float8		coverage;

	if (st[WM_SCORED] <= 0 || !wmean_state_coverage(st, &coverage))
		PG_RETURN_NULL();
	if (coverage < st[WM_MINCOV] - COVERAGE_SLACK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(st[WM_SUM] / st[WM_SCORED]);
}

/* Final function of dimension_coverage: share of the weight that was scored. */
Datum
rezago_wmean_coverage(PG_FUNCTION_ARGS)
{
	const float8 *st = rezago_state_peek(PG_GETARG_ARRAYTYPE_P(0), WM_LEN,
										 "dimension_coverage");
	float8		coverage;

	if (!wmean_state_coverage(st, &coverage))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(coverage);
}
