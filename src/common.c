/*
 * common.c
 *	  Module magic and the helpers declared in rezago.h: checks of numbers
 *	  and arguments, and the fixed-length float8[] aggregate states.  Every
 *	  argument check of more than one SQL function lives here, once, so that
 *	  the same mistake gets the same error wherever it is made.
 */
#include "rezago.h"

#include "catalog/pg_type.h"
#include "utils/float.h"

PG_MODULE_MAGIC;

/* --------------------------------------------------------------------
 * Numbers
 * -------------------------------------------------------------------- */

/*
 * A float8 argument, so that a polarity carried in a float8[] row (the
 * scoring rows) is checked before any conversion: 1.5, NaN or 1e10 are
 * errors, not whatever a cast to int would make of them.
 */
int
rezago_polarity(float8 polarity, const char *fn)
{
	if (polarity != 1 && polarity != -1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("polarity must be 1 or -1, not %.15g", polarity),
				 errdetail("Function %s received a polarity other than +1 (more is better) or -1 (more is worse).", fn),
				 errhint("Use the polarity column of rezago.variable.")));
	return polarity > 0 ? 1 : -1;
}

void
rezago_require_finite(float8 v, const char *what, const char *fn)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number", what),
				 errdetail("Function %s received %s = %s.", fn, what,
						   isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity")),
				 errhint("Filter out NaN and infinite values, or replace them with NULL to mark them as missing.")));
}

void
rezago_require_finite_result(float8 v, const char *what, const char *fn)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range", what),
				 errdetail("Function %s computed %s = %s from finite inputs.", fn, what,
						   isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity")),
				 errhint("The inputs are too large (or too close to zero) for double precision: rescale them, e.g. express the values in thousands.")));
}

void
rezago_require_weight(float8 w, const char *fn)
{
	rezago_require_finite(w, "weight", fn);
	if (w < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight must not be negative"),
				 errdetail("Function %s received weight = %g.", fn, w),
				 errhint("Weights are relative importances: use zero to leave an item out.")));
}

/* --------------------------------------------------------------------
 * Arguments
 * -------------------------------------------------------------------- */

void
rezago_require_not_null(FunctionCallInfo fcinfo, int argno, const char *what,
						const char *hint, const char *fn)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what),
				 errdetail("Function %s received a NULL %s.", fn, what),
				 errhint("%s", hint)));
}

void
rezago_require_int_range(int32 v, const char *what, int32 lo, int32 hi,
						 const char *hint, const char *fn)
{
	if (v < lo || v > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between %d and %d", what, lo, hi),
				 errdetail("Function %s received %s = %d.", fn, what, v),
				 errhint("%s", hint)));
}

int32
rezago_int_arg(FunctionCallInfo fcinfo, int argno, const char *what, int32 lo,
			   int32 hi, const char *null_hint, const char *range_hint,
			   const char *fn)
{
	int32		v;

	rezago_require_not_null(fcinfo, argno, what, null_hint, fn);
	v = PG_GETARG_INT32(argno);
	rezago_require_int_range(v, what, lo, hi, range_hint, fn);
	return v;
}

float8
rezago_float_arg(FunctionCallInfo fcinfo, int argno, const char *what,
				 const char *null_hint, const char *fn)
{
	float8		v;

	rezago_require_not_null(fcinfo, argno, what, null_hint, fn);
	v = PG_GETARG_FLOAT8(argno);
	rezago_require_finite(v, what, fn);
	return v;
}

bool
rezago_raw_value(FunctionCallInfo fcinfo, int argno, float8 *v)
{
	if (PG_ARGISNULL(argno))
		return false;
	*v = PG_GETARG_FLOAT8(argno);
	return !(isnan(*v) || isinf(*v));
}

void
rezago_require_1d_array(ArrayType *a, const char *what, const char *hint,
						const char *fn)
{
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what),
				 errdetail("Function %s received a %d-dimensional array.", fn, ARR_NDIM(a)),
				 errhint("%s", hint)));
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

/* --------------------------------------------------------------------
 * Aggregate states
 * -------------------------------------------------------------------- */

void
rezago_require_same_constant(float8 had, float8 got, const char *what,
							 const char *fn)
{
	if (had != got)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be the same for every row of a group", what),
				 errdetail("Function %s received %g and %g in one group.", fn, had, got),
				 errhint("Pass a constant, such as the value stored in the methodology.")));
}

static void
check_state_array(ArrayType *a, int len, const char *fn)
{
	bool		ok = ARR_NDIM(a) == 1 && ARR_DIMS(a)[0] == len && !ARR_HASNULL(a) &&
		ARR_ELEMTYPE(a) == FLOAT8OID;

	/* a state is built from finite numbers only: NaN or Infinity is forged */
	for (int i = 0; ok && i < len; i++)
		ok = !isnan(((float8 *) ARR_DATA_PTR(a))[i]) && !isinf(((float8 *) ARR_DATA_PTR(a))[i]);
	if (!ok)
		rezago_invalid_state("Function %s expects a one-dimensional float8 array of %d finite elements without NULLs.", fn, len);
}

const float8 *
rezago_state_peek(ArrayType *a, int len, const char *fn)
{
	check_state_array(a, len, fn);
	return (const float8 *) ARR_DATA_PTR(a);
}

ArrayType *
rezago_state_arg(FunctionCallInfo fcinfo, int argno, const char *fn)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("aggregate state must not be NULL"),
				 errdetail("Function %s received a NULL state.", fn),
				 errhint("Do not call aggregate support functions directly; use the aggregate.")));
	if (AggCheckCallContext(fcinfo, NULL))
		return PG_GETARG_ARRAYTYPE_P(argno);	/* ours to scribble on */
	return PG_GETARG_ARRAYTYPE_P_COPY(argno);
}

float8 *
rezago_state_values(FunctionCallInfo fcinfo, int argno, int len,
					ArrayType **result, const char *fn)
{
	ArrayType  *a = rezago_state_arg(fcinfo, argno, fn);

	check_state_array(a, len, fn);
	*result = a;
	return (float8 *) ARR_DATA_PTR(a);
}

int
rezago_cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a,
				y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/*
 * Adjusted Mazziotta-Pareto index (doc/method.md 3.4): with W the
 * normalised weights, M = sum W r and S^2 = sum W (r - M)^2 on the scale
 * r = 70 + 60 s, AMPI+ = M + S^2 / M; mapped back to the score scale,
 * (AMPI+ - 70) / 60 = m + 60 v / (70 + 60 m), m = sum W s (the arithmetic
 * index, to the bit) and v = sum W (s - m)^2.  Every sum in canonical order
 * (rezago_canonical_sum sorts its terms, so it sums copies).
 */
void
rezago_ampi_require_score(float8 score, int dimension, const char *fn)
{
	if (!(score >= -REZAGO_AMPI_SCORE_SLACK && score <= 1 + REZAGO_AMPI_SCORE_SLACK))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the adjusted mazziotta-pareto index needs dimension scores in [0, 1]"),
				 errdetail("Function %s found the score %g in dimension %d.", fn, score, dimension + 1),
				 errhint("Score with a bounded normalisation (minmax, rank or goalpost), not zscore.")));
}

float8
rezago_ampi_index(const float8 *scores, const float8 *weights, int n, float8 *terms)
{
	float8		wsum,
				mean,
				var;
	int			d;

	memcpy(terms, weights, sizeof(float8) * n);
	wsum = rezago_canonical_sum(terms, n);
	if (!(wsum > 0))
		return get_float8_nan();
	for (d = 0; d < n; d++)
		terms[d] = weights[d] * scores[d];
	mean = rezago_canonical_sum(terms, n) / wsum;
	for (d = 0; d < n; d++)
		terms[d] = weights[d] * (scores[d] - mean) * (scores[d] - mean);
	var = rezago_canonical_sum(terms, n) / wsum;
	return mean + 60 * var / (70 + 60 * mean);
}
