/*
 * treatment.c
 *	  Outlier treatment and geometric aggregation (doc/method.md 3.2 and
 *	  3.4):
 *
 *	  coinr_treatment(values, winmax, skew_threshold, kurtosis_threshold)
 *		COINr's default Treat rule on one variable's reference population:
 *		winsorise the most extreme points one at a time until |skewness| <
 *		skew_threshold or kurtosis < kurtosis_threshold, at most winmax
 *		points; when that fails, the log transform log(x - min + 0.01 (max -
 *		min)) of the untreated values instead.  Returns the winsorisation
 *		limits and the log parameters that rezago.scoring_rows hands to every
 *		scoring path.
 *	  treated_value(value, win_lo, win_hi, log_min, log_offset)
 *		the one formula that applies a treatment to a value: clamp, then log.
 *	  rank_key(value, polarity, win_lo, win_hi, log_min, log_offset)
 *		what the rank normalisation ranks: polarity x the treated value.
 *	  geometric_log_achievement(score, zscore_max), geometric_index(mean)
 *		the geometric aggregation of the uncertainty runs (the formulas are
 *		the inline helpers of rezago.h, which uncertainty_scoring.c calls).
 */
#include "rezago.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/float.h"

PG_FUNCTION_INFO_V1(rezago_coinr_treatment);
PG_FUNCTION_INFO_V1(rezago_treated_value);
PG_FUNCTION_INFO_V1(rezago_rank_key);
PG_FUNCTION_INFO_V1(rezago_geometric_log_achievement);
PG_FUNCTION_INFO_V1(rezago_geometric_index);

/*
 * Skewness and kurtosis as COINr's skew() and kurt() (e1071 type 2, the
 * definitions of Excel's SKEW and KURT, kurtosis in excess of 3) of x[0..n).
 * The values are first divided by their largest magnitude (both statistics
 * are scale-free), so that no power overflows; sums in canonical order.
 * skew NaN when n < 3 or every value is equal, kurt NaN when n < 4 or every
 * value is equal.
 */
static void
skew_kurt(const float8 *x, int n, float8 *scratch, float8 *skew, float8 *kurt)
{
	float8		big = 0,
				mean,
				m2,
				m3,
				m4;
	int			i;

	*skew = *kurt = get_float8_nan();
	for (i = 0; i < n; i++)
		big = Max(big, fabs(x[i]));
	if (n < 3 || big == 0)
		return;
	for (i = 0; i < n; i++)
		scratch[i] = x[i] / big;
	mean = rezago_canonical_sum(scratch, n) / n;
	for (i = 0; i < n; i++)
		scratch[i] = x[i] / big - mean;
	for (i = 0; i < n; i++)
		scratch[i] = scratch[i] * scratch[i];
	m2 = rezago_canonical_sum(scratch, n);
	if (!(m2 > 0))
		return;
	for (i = 0; i < n; i++)
	{
		float8		d = x[i] / big - mean;

		scratch[i] = d * d * d;
	}
	m3 = rezago_canonical_sum(scratch, n);
	for (i = 0; i < n; i++)
	{
		float8		d = x[i] / big - mean;

		scratch[i] = (d * d) * (d * d);
	}
	m4 = rezago_canonical_sum(scratch, n);
	*skew = sqrt((float8) n) * m3 / pow(m2, 1.5) * sqrt((float8) n * (n - 1)) / (n - 2);
	if (n >= 4)
	{
		float8		r = n * m4 / (m2 * m2);

		*kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((float8) (n - 2) * (n - 3));
	}
}

static int
cmp_float8_asc(const void *a, const void *b)
{
	float8		x = *(const float8 *) a,
				y = *(const float8 *) b;

	return (x > y) - (x < y);
}

/* COINr's check_SkewKurt: |skew| < t_skew or kurt < t_kurt; undefined passes */
static bool
passes(float8 skew, float8 kurt, float8 t_skew, float8 t_kurt)
{
	if (isnan(skew) || isnan(kurt))
		return true;
	return fabs(skew) < t_skew || kurt < t_kurt;
}

/*
 * coinr_treatment(values float8[], winmax int, skew_threshold float8,
 *				   kurtosis_threshold float8)
 *	-> (n, skewness_before, kurtosis_before, win_lo, win_hi, winsorised_low,
 *		winsorised_high, log_transform, log_min, log_offset, skewness_after,
 *		kurtosis_after, passes)
 *
 * NULL, NaN and infinite elements are not values (left out).  NULL values
 * array: NULL.  NULL winmax or threshold, winmax outside 0..1000000,
 * threshold not finite and positive: error.  Fewer than 4 values, or all
 * equal: statistics NULL and nothing done.
 */
Datum
rezago_coinr_treatment(PG_FUNCTION_ARGS)
{
	const char *fn = "coinr_treatment";
	ArrayType  *a;
	Datum	   *elems;
	bool	   *enulls;
	int			nelems,
				n = 0,
				winmax,
				i,
				nlow = 0,
				nhigh = 0;
	float8		t_skew,
				t_kurt,
				*v,
				*w,
				*scratch,
				lo,
				hi,
				s0,
				k0,
				s,
				k;
	bool		log_tf = false,
				ok;
	Datum		values[13];
	bool		nulls[13];
	TupleDesc	tupdesc;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	winmax = rezago_int_arg(fcinfo, 1, "winmax", 0, 1000000,
							"Pass the largest number of points to winsorise, e.g. 5 (COINr's default).",
							"Pass a number of points between 0 and 1000000.", fn);
	t_skew = rezago_float_arg(fcinfo, 2, "skew_threshold",
							  "Pass the threshold of the absolute skewness, e.g. 2 (COINr's default).", fn);
	t_kurt = rezago_float_arg(fcinfo, 3, "kurtosis_threshold",
							  "Pass the threshold of the kurtosis, e.g. 3.5 (COINr's default).", fn);
	if (!(t_skew > 0) || !(t_kurt > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("thresholds must be positive"),
				 errdetail("Function %s received skew_threshold = %g and kurtosis_threshold = %g.",
						   fn, t_skew, t_kurt),
				 errhint("COINr's defaults are 2 and 3.5.")));
	a = PG_GETARG_ARRAYTYPE_P(0);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("values must be a one-dimensional array"),
				 errdetail("Function %s received an array of %d dimensions.", fn, ARR_NDIM(a)),
				 errhint("Pass array_agg(value) of one variable.")));
	deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &enulls, &nelems);
	v = palloc(sizeof(float8) * (nelems + 1));
	w = palloc(sizeof(float8) * (nelems + 1));
	scratch = palloc(sizeof(float8) * (nelems + 1));
	for (i = 0; i < nelems; i++)
	{
		float8		x;

		if (enulls[i])
			continue;
		x = DatumGetFloat8(elems[i]);
		if (!isnan(x) && !isinf(x))
			v[n++] = x;
	}
	/* ascending: the winsorisation walks the sorted values from both ends */
	qsort(v, n, sizeof(float8), cmp_float8_asc);

	lo = n > 0 ? v[0] : 0;
	hi = n > 0 ? v[n - 1] : 0;
	skew_kurt(v, n, scratch, &s0, &k0);
	s = s0;
	k = k0;
	ok = (n < 4) || passes(s0, k0, t_skew, t_kurt);
	/* winsorise: the most extreme points take the next value, one at a time */
	while (!ok && nlow + nhigh < winmax)
	{
		if (s >= 0)
		{
			/* the largest value below hi, but not below lo */
			float8		next = lo;

			for (i = n - 1; i >= 0; i--)
				if (v[i] < hi)
				{
					next = Max(v[i], lo);
					break;
				}
			hi = next;
			nhigh = 0;
			for (i = 0; i < n; i++)
				nhigh += (v[i] > hi);
		}
		else
		{
			float8		next = hi;

			for (i = 0; i < n; i++)
				if (v[i] > lo)
				{
					next = Min(v[i], hi);
					break;
				}
			lo = next;
			nlow = 0;
			for (i = 0; i < n; i++)
				nlow += (v[i] < lo);
		}
		for (i = 0; i < n; i++)
			w[i] = rezago_treat(v[i], lo, hi, false, 0, 0);
		skew_kurt(w, n, scratch, &s, &k);
		ok = passes(s, k, t_skew, t_kurt);
		if (lo == hi)
			break;
	}
	/* winsorisation failed: log transform of the untreated values instead */
	if (!ok)
	{
		log_tf = true;
		lo = v[0];
		hi = v[n - 1];
		nlow = nhigh = 0;
		for (i = 0; i < n; i++)
			w[i] = rezago_treat(v[i], lo, hi, true, v[0], 0.01 * (v[n - 1] - v[0]));
		skew_kurt(w, n, scratch, &s, &k);
		ok = passes(s, k, t_skew, t_kurt);
	}

	memset(nulls, 0, sizeof(nulls));
	values[0] = Int32GetDatum(n);
	values[1] = Float8GetDatum(s0);
	nulls[1] = isnan(s0);
	values[2] = Float8GetDatum(k0);
	nulls[2] = isnan(k0);
	/* limits only where points were moved */
	values[3] = Float8GetDatum(lo);
	nulls[3] = !(nlow > 0 || log_tf);
	values[4] = Float8GetDatum(hi);
	nulls[4] = !(nhigh > 0 || log_tf);
	values[5] = Int32GetDatum(nlow);
	values[6] = Int32GetDatum(nhigh);
	values[7] = BoolGetDatum(log_tf);
	values[8] = Float8GetDatum(n > 0 ? v[0] : 0);
	nulls[8] = !log_tf;
	values[9] = Float8GetDatum(n > 0 ? 0.01 * (v[n - 1] - v[0]) : 0);
	nulls[9] = !log_tf;
	values[10] = Float8GetDatum(s);
	nulls[10] = isnan(s);
	values[11] = Float8GetDatum(k);
	nulls[11] = isnan(k);
	values[12] = BoolGetDatum(ok);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * The treatment of rezago.treated_value applied to argument value_arg, with
 * win_lo, win_hi, log_min and log_offset the four arguments from limits_arg
 * on: clamped to [win_lo, win_hi] (a NULL limit: none), then, when log_min
 * and log_offset are not NULL, log(x - log_min + log_offset) with x first
 * clamped to at least log_min.  False (SQL NULL) for a NULL or non-finite
 * value.  Non-finite limits or log parameters, log_offset <= 0, win_lo >
 * win_hi: error, whatever the value.
 */
static bool
treat_arguments(FunctionCallInfo fcinfo, int value_arg, int limits_arg, const char *fn, float8 *result)
{
	float8		x,
				lo = -get_float8_infinity(),
				hi = get_float8_infinity(),
				lmin = 0,
				loff = 0;
	bool		log_tf;

	if (!PG_ARGISNULL(limits_arg))
	{
		lo = PG_GETARG_FLOAT8(limits_arg);
		rezago_require_finite(lo, "win_lo", fn);
	}
	if (!PG_ARGISNULL(limits_arg + 1))
	{
		hi = PG_GETARG_FLOAT8(limits_arg + 1);
		rezago_require_finite(hi, "win_hi", fn);
	}
	if (lo > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("win_lo must not be greater than win_hi"),
				 errdetail("Function %s received win_lo = %g and win_hi = %g.", fn, lo, hi),
				 errhint("Pass the limits of rezago.scoring_rows, low first.")));
	log_tf = !PG_ARGISNULL(limits_arg + 2) && !PG_ARGISNULL(limits_arg + 3);
	if (log_tf)
	{
		lmin = PG_GETARG_FLOAT8(limits_arg + 2);
		loff = PG_GETARG_FLOAT8(limits_arg + 3);
		rezago_require_finite(lmin, "log_min", fn);
		rezago_require_finite(loff, "log_offset", fn);
		if (!(loff > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("log_offset must be positive"),
					 errdetail("Function %s received log_offset = %g.", fn, loff),
					 errhint("Pass the log_offset of rezago.scoring_rows: 0.01 x (max - min).")));
	}
	if (PG_ARGISNULL(value_arg))
		return false;
	x = PG_GETARG_FLOAT8(value_arg);
	if (isnan(x) || isinf(x))
		return false;
	x = rezago_treat(x, lo, hi, log_tf, lmin, loff);
	rezago_require_finite_result(x, "treated value", fn);
	*result = x;
	return true;
}

/*
 * treated_value(value, win_lo, win_hi, log_min, log_offset): the value as a
 * treatment leaves it (treat_arguments).  NULL or non-finite value: NULL.
 * Non-finite limits or log parameters, log_offset <= 0, win_lo > win_hi:
 * error.
 */
Datum
rezago_treated_value(PG_FUNCTION_ARGS)
{
	float8		x;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!treat_arguments(fcinfo, 0, 1, "treated_value", &x))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(x);
}

/*
 * rank_key(value, polarity, win_lo, win_hi, log_min, log_offset): what the
 * rank normalisation ranks, descending: polarity x the treated value.  NULL
 * value or NULL polarity: NULL, nothing else checked.  Then a polarity other
 * than +-1 is an error, then the treatment's errors as treated_value; then a
 * NaN or infinite value: NULL.
 */
Datum
rezago_rank_key(PG_FUNCTION_ARGS)
{
	const char *fn = "rank_key";
	float8		x;
	int			pol;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	pol = rezago_polarity(PG_GETARG_FLOAT8(1), fn);
	if (!treat_arguments(fcinfo, 0, 2, fn, &x))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(pol * x);
}

/*
 * geometric_log_achievement(score, zscore_max): log(1 + 99 a), a = 1 -
 * score (bounded scores), or a = zscore_max - score when zscore_max is not
 * NULL (z-scores).  NULL or non-finite score: NULL.  Non-finite zscore_max,
 * a < 0: error (scores must be lag scores of [0, 1], or at most zscore_max).
 */
Datum
rezago_geometric_log_achievement(PG_FUNCTION_ARGS)
{
	const char *fn = "geometric_log_achievement";
	float8		s,
				a;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = PG_GETARG_FLOAT8(0);
	if (!PG_ARGISNULL(1))
		rezago_require_finite(PG_GETARG_FLOAT8(1), "zscore_max", fn);
	if (isnan(s) || isinf(s))
		PG_RETURN_NULL();
	a = PG_ARGISNULL(1) ? 1.0 - s : PG_GETARG_FLOAT8(1) - s;
	if (!(a >= 0) || (PG_ARGISNULL(1) && s < 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lag score out of range for the geometric aggregation"),
				 errdetail("Function %s received score = %g%s.", fn, s,
						   PG_ARGISNULL(1) ? " (bounded scores lie in [0, 1])" : ", above zscore_max"),
				 errhint("Pass a min-max, rank or goalpost lag score, or a z-score with the variable's largest z-score.")));
	a = rezago_geo_log_achievement(a);
	rezago_require_finite_result(a, "log achievement", fn);
	PG_RETURN_FLOAT8(a);
}

/*
 * geometric_index(mean_log): 1 - (exp(mean_log) - 1) / 99, the lag index of
 * a weighted mean of log achievements.  NULL: NULL.  Non-finite: error.
 */
Datum
rezago_geometric_index(PG_FUNCTION_ARGS)
{
	float8		m;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	m = PG_GETARG_FLOAT8(0);
	rezago_require_finite(m, "mean_log", "geometric_index");
	m = rezago_geo_index(m);
	rezago_require_finite_result(m, "geometric index", "geometric_index");
	PG_RETURN_FLOAT8(m);
}
