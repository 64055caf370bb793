/*
 * weighted_mean.c
 *	  The weighted-mean aggregates behind dimension scores, the index and
 *	  territory averages (doc/method.md section 3): dimension_score,
 *	  dimension_coverage and territory_average.
 *
 * The weighted-mean state is a row-list state (rezago.h) with two fields:
 *	 minimum coverage required (0 when the aggregate was given none), and
 *	 declared total weight (0 when not declared): coverage is then measured
 *	 against it, so that missing items need no input row;
 * and one row (weight, score) per input row of positive weight, the weight
 * negated when the row had no score.  The sums are taken in the final
 * function, in canonical order (canonical_sum.c), so that they do not depend
 * on the order of the rows.
 */
#include "rezago.h"

#include "utils/builtins.h"

#define WM_FIELDS		2
#define WM_MINCOV		0
#define WM_DECLARED		1
#define WM_WIDTH		2

/* The sums of a weighted-mean state. */
typedef struct WmeanSums
{
	float8		total;			/* weight of every row (scored or missing) */
	float8		scored;			/* weight of the rows that had a score */
	float8		sum;			/* sum of weight * score */
} WmeanSums;

/* coverage computed from sums of weights is compared with this slack */
#define COVERAGE_SLACK	REZAGO_COVERAGE_SLACK

PG_FUNCTION_INFO_V1(rezago_wmean_accum);
PG_FUNCTION_INFO_V1(rezago_wmean_accum_mincov);
PG_FUNCTION_INFO_V1(rezago_wmean_accum_total);
PG_FUNCTION_INFO_V1(rezago_wmean_accum_cov_total);
PG_FUNCTION_INFO_V1(rezago_average_accum);
PG_FUNCTION_INFO_V1(rezago_wmean_combine);
PG_FUNCTION_INFO_V1(rezago_wmean_final);
PG_FUNCTION_INFO_V1(rezago_wmean_coverage);

/* Adds one (score, weight) pair to the state. */
static void
wmean_add(RezagoRows *r, bool score_null, float8 score, float8 weight,
		  const char *fn)
{
	float8	   *row;

	rezago_require_weight(weight, fn);
	if (weight == 0)
		return;					/* a zero weight leaves the item out */
	if (!score_null)
		rezago_require_finite(score, "score", fn);
	row = rezago_rows_append(r, fn);
	row[0] = score_null ? -weight : weight;
	row[1] = score_null ? 0 : score;
}

/* The sums of the rows of a state, each in canonical order. */
static WmeanSums
wmean_sums(const RezagoRows *r, const char *fn)
{
	float8		buf[3 * 64];	/* the usual group: a territory's members */
	float8	   *total = r->nrows <= 64 ? buf : palloc(sizeof(float8) * 3 * r->nrows);
	float8	   *scored = total + r->nrows;
	float8	   *products = scored + r->nrows;
	int			nscored = 0;
	WmeanSums	sums;

	for (int i = 0; i < r->nrows; i++)
	{
		const float8 *row = r->rows + (Size) i * WM_WIDTH;

		total[i] = fabs(row[0]);
		if (row[0] > 0)
		{
			scored[nscored] = row[0];
			products[nscored++] = row[0] * row[1];
		}
	}
	sums.total = rezago_canonical_sum(total, r->nrows);
	sums.scored = rezago_canonical_sum(scored, nscored);
	sums.sum = rezago_canonical_sum(products, nscored);
	rezago_require_finite_result(sums.total, "sum of weights", fn);
	rezago_require_finite_result(sums.sum, "weighted sum of scores", fn);
	if (total != buf)
		pfree(total);
	return sums;
}

/* Adds argument 1 (score) with the given weight to the state in argument 0. */
static Datum
wmean_accum(FunctionCallInfo fcinfo, float8 weight, const char *fn)
{
	RezagoRows	r;

	rezago_rows_get_or_new(fcinfo, 0, WM_FIELDS, WM_WIDTH, 16, &r, fn);
	wmean_add(&r, PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_FLOAT8(1),
			  weight, fn);
	PG_RETURN_ARRAYTYPE_P(rezago_rows_result(fcinfo, &r, fn));
}

/*
 * Stores a per-group constant (minimum coverage or declared total weight) in
 * slot idx of the state, checking that it does not change within the group.
 */
static void
set_group_constant(RezagoRows *r, int idx, float8 value, const char *what,
				   const char *fn)
{
	if (r->nrows > 0)
		rezago_require_same_constant(r->fields[idx], value, what, fn);
	r->fields[idx] = value;
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
	RezagoRows	r;
	float8		mincov = (mincov_arg > 0) ? rezago_get_min_coverage(fcinfo, mincov_arg, fn) : 0;
	float8		total = (total_arg > 0) ? get_total_weight(fcinfo, total_arg, fn) : 0;

	rezago_require_weight_not_null(PG_ARGISNULL(2), fn);
	rezago_rows_get_or_new(fcinfo, 0, WM_FIELDS, WM_WIDTH, 16, &r, fn);
	set_group_constant(&r, WM_MINCOV, mincov, "minimum coverage", fn);
	set_group_constant(&r, WM_DECLARED, total, "total weight", fn);
	wmean_add(&r, PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_FLOAT8(1),
			  PG_GETARG_FLOAT8(2), fn);
	PG_RETURN_ARRAYTYPE_P(rezago_rows_result(fcinfo, &r, fn));
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
	RezagoRows	r,
				other;

	rezago_rows_get(fcinfo, 0, WM_FIELDS, WM_WIDTH, &r, fn);
	rezago_rows_peek(PG_GETARG_ARRAYTYPE_P(1), WM_FIELDS, WM_WIDTH, &other, fn);
	if (other.nrows > 0)
	{
		set_group_constant(&r, WM_MINCOV, other.fields[WM_MINCOV], "minimum coverage", fn);
		set_group_constant(&r, WM_DECLARED, other.fields[WM_DECLARED], "total weight", fn);
	}
	rezago_rows_append_all(&r, &other, fn);
	PG_RETURN_ARRAYTYPE_P(rezago_rows_result(fcinfo, &r, fn));
}

/*
 * Coverage of a state: scored weight over the declared total weight, or over
 * the weight of every input row when no total was declared.  NULL (returns
 * false) when there is no weight at all.
 */
static bool
wmean_state_coverage(const RezagoRows *r, const WmeanSums *sums, float8 *coverage)
{
	float8		total = r->fields[WM_DECLARED] > 0 ? r->fields[WM_DECLARED] : sums->total;

	if (total <= 0)
		return false;
	if (sums->total > total * (1 + COVERAGE_SLACK))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the rows of a group weigh more than the declared total weight"),
				 errdetail("The rows weigh %g in all, the declared total_weight is %g.", sums->total, total),
				 errhint("Declare the sum of the weights of every item of the group, or check for duplicate rows.")));
	*coverage = sums->scored / total;
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
	const char *fn = "dimension_score or territory_average";
	RezagoRows	r;
	WmeanSums	sums;
	float8		coverage;

	rezago_rows_peek(PG_GETARG_ARRAYTYPE_P(0), WM_FIELDS, WM_WIDTH, &r, fn);
	sums = wmean_sums(&r, fn);
	if (sums.scored <= 0 || !wmean_state_coverage(&r, &sums, &coverage))
		PG_RETURN_NULL();
	if (coverage < r.fields[WM_MINCOV] - COVERAGE_SLACK)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(sums.sum / sums.scored);
}

/* Final function of dimension_coverage: share of the weight that was scored. */
Datum
rezago_wmean_coverage(PG_FUNCTION_ARGS)
{
	const char *fn = "dimension_coverage";
	RezagoRows	r;
	WmeanSums	sums;
	float8		coverage;

	rezago_rows_peek(PG_GETARG_ARRAYTYPE_P(0), WM_FIELDS, WM_WIDTH, &r, fn);
	sums = wmean_sums(&r, fn);
	if (!wmean_state_coverage(&r, &sums, &coverage))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(coverage);
}
