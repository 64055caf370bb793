/*
 * common.c
 *	  Module magic and the helpers declared in rezago.h.
 */
#include "rezago.h"

#include "catalog/pg_type.h"

PG_MODULE_MAGIC;

int
rezago_polarity(int32 polarity, const char *fn)
{
	if (polarity != 1 && polarity != -1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("polarity must be 1 or -1, not %d", polarity),
				 errdetail("Function %s received a polarity other than +1 (more is better) or -1 (more is worse).", fn),
				 errhint("Use the polarity column of rezago.variable.")));
	return polarity;
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

static void
check_state_array(ArrayType *a, int len, const char *fn)
{
	bool		ok = ARR_NDIM(a) == 1 && ARR_DIMS(a)[0] == len && !ARR_HASNULL(a) &&
		ARR_ELEMTYPE(a) == FLOAT8OID;

	/* a state is built from finite numbers only: NaN or Infinity is forged */
	for (int i = 0; ok && i < len; i++)
		ok = !isnan(((float8 *) ARR_DATA_PTR(a))[i]) && !isinf(((float8 *) ARR_DATA_PTR(a))[i]);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid aggregate state"),
				 errdetail("Function %s expects a one-dimensional float8 array of %d finite elements without NULLs.", fn, len),
				 errhint("Do not call aggregate support functions directly; use the aggregate.")));
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
