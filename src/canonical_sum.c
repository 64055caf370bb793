/*
 * canonical_sum.c
 *	  Sums that do not depend on row order.
 *
 * Floating-point addition is not associative: the same numbers summed in
 * another order can differ in the last bits, and the order in which rows
 * reach an aggregate depends on the heap, the plan, parallel workers and
 * restores.  rezago takes every floating-point sum in one canonical order,
 * ascending magnitude then ascending value, so that a sum is a function of
 * the multiset of its terms alone (doc/method.md section 11).
 * SQL sums do the same with avg(x ORDER BY abs(x), x); since PostgreSQL's
 * float8 sum and avg add left to right, both give the same bits.
 *
 * Aggregates whose results are sums keep their rows in a "row-list" state
 * and sum them in the final function (rezago.h describes the layout).
 */
#include "rezago.h"

#include "catalog/pg_type.h"
#include "utils/float.h"
#include "utils/memutils.h"

/* canonical_qsort(): PostgreSQL's quicksort with the comparison inlined */
#define ST_SORT canonical_qsort
#define ST_ELEMENT_TYPE float8
#define ST_COMPARE(a, b) rezago_canonical_cmp(*(a), *(b))
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* Sorts terms[0..n) into canonical order (short lists by insertion). */
void
rezago_canonical_sort(float8 *terms, int n)
{
	if (n > 16)
	{
		canonical_qsort(terms, n);
		return;
	}
	for (int i = 1; i < n; i++)
	{
		float8		t = terms[i];
		int			j = i;

		while (j > 0 && rezago_canonical_cmp(terms[j - 1], t) > 0)
		{
			terms[j] = terms[j - 1];
			j--;
		}
		terms[j] = t;
	}
}

float8
rezago_canonical_sum(float8 *terms, int n)
{
	float8		sum = 0;

	rezago_canonical_sort(terms, n);
	/* -0 + +0 = +0 in any order: equal-comparing terms may stay unordered */
	for (int i = 0; i < n; i++)
		sum += terms[i];
	return sum;
}

/*
 * Row-list states: a float8[] of
 *	 [0] F, the number of fields of the aggregate's own
 *	 [1] W, the width of a row
 *	 [2] R, the number of rows
 *	 [3 .. 3+F)  the fields
 *	 then R rows of W elements, then spare room (zeros) for more rows.
 */
#define RL_FIELDS	0
#define RL_WIDTH	1
#define RL_ROWS		2
#define RL_HEAD		3

static void
rows_invalid(const char *fn, const char *what)
{
	rezago_invalid_state("Function %s: %s.", fn, what);
}

/* Sets r's view of array a; checks the shape, and every element if all. */
static void
rows_view(ArrayType *a, int nfields, int width, bool all, RezagoRows *r,
		  const char *fn)
{
	const float8 *v;
	int			len;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < RL_HEAD)
		rows_invalid(fn, "expected a one-dimensional float8 array without NULLs");
	len = ARR_DIMS(a)[0];
	v = (const float8 *) ARR_DATA_PTR(a);
	if (v[RL_WIDTH] != width)
		rows_invalid(fn, psprintf("expected rows of width %d", width));
	/* nfields < 0: as many as the state says (the caller checks them) */
	if (nfields < 0 && v[RL_FIELDS] >= 0 && v[RL_FIELDS] <= len - RL_HEAD)
		nfields = (int) v[RL_FIELDS];
	if (v[RL_FIELDS] != nfields || len < RL_HEAD + nfields)
		rows_invalid(fn, psprintf("expected a state of %d fields", nfields));
	/* !(x >= 0) also rejects NaN */
	if (!(v[RL_ROWS] >= 0) || v[RL_ROWS] != floor(v[RL_ROWS]) ||
		v[RL_ROWS] > (len - RL_HEAD - nfields) / width)
		rows_invalid(fn, "the number of rows does not fit the array");
	for (int i = 0; all && i < len; i++)
		if (isnan(v[i]) || isinf(v[i]))
			rows_invalid(fn, "a state holds finite numbers only");
	r->array = a;
	r->nfields = nfields;
	r->width = width;
	r->nrows = (int) v[RL_ROWS];
	r->capacity = (len - RL_HEAD - nfields) / width;
	r->fields = (float8 *) ARR_DATA_PTR(a) + RL_HEAD;
	r->rows = r->fields + nfields;
}

/* A zeroed array of room for capacity rows, in the current context. */
static ArrayType *
rows_alloc(int nfields, int width, int capacity)
{
	int			len = RL_HEAD + nfields + width * capacity;
	Size		nbytes = ARR_OVERHEAD_NONULLS(1) + sizeof(float8) * (Size) len;
	ArrayType  *a;
	float8	   *v;

	if (nbytes > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows in one group"),
				 errdetail("An aggregate state would need %zu bytes.", nbytes),
				 errhint("Aggregate fewer rows per group.")));
	a = (ArrayType *) palloc0(nbytes);
	SET_VARSIZE(a, nbytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = len;
	ARR_LBOUND(a)[0] = 1;
	v = (float8 *) ARR_DATA_PTR(a);
	v[RL_FIELDS] = nfields;
	v[RL_WIDTH] = width;
	return a;
}

void
rezago_rows_new(RezagoRows *r, int nfields, int width, int capacity,
				const char *fn)
{
	rows_view(rows_alloc(nfields, width, capacity), nfields, width, false, r, fn);
}

void
rezago_rows_get(FunctionCallInfo fcinfo, int argno, int nfields, int width,
				RezagoRows *r, const char *fn)
{
	/*
	 * In an aggregate the state is ours to scribble on, and only our own
	 * functions (or an INITCOND, checked in full by the final function)
	 * made it: the shape is checked here, the rows when they are summed.
	 */
	rows_view(rezago_state_arg(fcinfo, argno, fn), nfields, width,
			  !AggCheckCallContext(fcinfo, NULL), r, fn);
}

void
rezago_rows_get_or_new(FunctionCallInfo fcinfo, int argno, int nfields, int width,
					   int capacity, RezagoRows *r, const char *fn)
{
	if (PG_ARGISNULL(argno))
		rezago_rows_new(r, nfields, width, capacity, fn);
	else
		rezago_rows_get(fcinfo, argno, nfields, width, r, fn);
}

void
rezago_rows_peek(ArrayType *a, int nfields, int width, RezagoRows *r,
				 const char *fn)
{
	rows_view(a, nfields, width, true, r, fn);
}

float8 *
rezago_rows_append(RezagoRows *r, const char *fn)
{
	float8	   *row;

	if (r->nrows == r->capacity)
	{
		/*
		 * Twice the room, in the current context: nodeAgg copies a new state
		 * into the aggregate context and frees the old one.
		 */
		int			nrows = r->nrows;
		int			capacity = Max(16, Min(2 * r->capacity, (int) (MaxAllocSize / sizeof(float8) / r->width)));
		ArrayType  *a;

		if (capacity <= r->capacity)
			capacity = r->capacity + 1; /* rows_alloc reports the limit */
		a = rows_alloc(r->nfields, r->width, capacity);
		memcpy((float8 *) ARR_DATA_PTR(a) + RL_HEAD, r->fields,
			   sizeof(float8) * (r->nfields + (Size) nrows * r->width));
		((float8 *) ARR_DATA_PTR(a))[RL_ROWS] = nrows;
		rows_view(a, r->nfields, r->width, false, r, fn);
	}
	row = r->rows + (Size) r->nrows * r->width;
	r->nrows++;
	r->fields[-RL_HEAD + RL_ROWS] = r->nrows;
	return row;
}

void
rezago_rows_fill(RezagoRows *r, int nrows, const char *fn)
{
	if (nrows > r->nrows && nrows <= r->capacity)
	{
		/* room enough: zero the rows in one go (a new state per group) */
		memset(r->rows + (Size) r->nrows * r->width, 0,
			   sizeof(float8) * (Size) (nrows - r->nrows) * r->width);
		r->nrows = nrows;
		r->fields[-RL_HEAD + RL_ROWS] = r->nrows;
	}
	while (r->nrows < nrows)
		(void) rezago_rows_append(r, fn);
}

void
rezago_rows_append_all(RezagoRows *r, const RezagoRows *other, const char *fn)
{
	Assert(r->width == other->width);
	for (int i = 0; i < other->nrows; i++)
		memcpy(rezago_rows_append(r, fn), other->rows + (Size) i * other->width,
			   sizeof(float8) * other->width);
}

ArrayType *
rezago_rows_trimmed(const RezagoRows *r, const char *fn)
{
	RezagoRows	t;

	if (r->nrows == r->capacity)
		return r->array;
	rezago_rows_new(&t, r->nfields, r->width, r->nrows, fn);
	memcpy(t.fields, r->fields, sizeof(float8) * (r->nfields + (Size) r->nrows * r->width));
	t.fields[-RL_HEAD + RL_ROWS] = r->nrows;
	return t.array;
}

ArrayType *
rezago_rows_result(FunctionCallInfo fcinfo, const RezagoRows *r, const char *fn)
{
	return AggCheckCallContext(fcinfo, NULL) ? r->array : rezago_rows_trimmed(r, fn);
}

/*
 * Mean of x[0..n) (n >= 1) in canonical order, over the values scaled by a
 * power of two f so that the sum cannot overflow: (sum(x / f) / n) * f.
 * Scaling by a power of two commutes with rounding, so this is the bits of
 * avg(x ORDER BY abs(x), x) whenever that does not overflow.  x is not
 * changed; scratch holds n elements.
 */
static float8
canonical_scale(const float8 *x, int n)
{
	float8		m = 0;
	int			e;

	for (int i = 0; i < n; i++)
		m = Max(m, fabs(x[i]));
	if (m == 0)
		return 1.0;
	(void) frexp(m, &e);		/* m = [0.5, 1) * 2^e */
	return ldexp(1.0, Max(e - 1, -1022));	/* |x| / f < 2 */
}

void
rezago_canonical_moments(const float8 *x, int n, float8 *scratch,
						 float8 *mean, float8 *sd)
{
	float8		f = canonical_scale(x, n),
				ms;

	Assert(n >= 1);
	for (int i = 0; i < n; i++)
		scratch[i] = x[i] / f;
	ms = rezago_canonical_sum(scratch, n) / n;
	*mean = ms * f;
	if (sd == NULL)
		return;
	if (n < 2)
	{
		*sd = get_float8_nan();
		return;
	}
	for (int i = 0; i < n; i++)
		scratch[i] = (x[i] / f - ms) * (x[i] / f - ms);
	*sd = sqrt(rezago_canonical_sum(scratch, n) / (n - 1)) * f;
}

/*
 * SQL aggregates canonical_sum, canonical_avg and canonical_stddev_samp:
 * sum, mean and sample standard deviation of the non-NULL values, in
 * canonical order.  A row-list state of no fields and rows of one value.
 */
PG_FUNCTION_INFO_V1(rezago_canonical_accum);
PG_FUNCTION_INFO_V1(rezago_canonical_combine);
PG_FUNCTION_INFO_V1(rezago_canonical_sum_final);
PG_FUNCTION_INFO_V1(rezago_canonical_avg_final);
PG_FUNCTION_INFO_V1(rezago_canonical_stddev_samp_final);

Datum
rezago_canonical_accum(PG_FUNCTION_ARGS)
{
	const char *fn = "the canonical_* aggregates";
	RezagoRows	r;

	rezago_rows_get_or_new(fcinfo, 0, 0, 1, 16, &r, fn);
	if (!PG_ARGISNULL(1))
	{
		float8		x = PG_GETARG_FLOAT8(1);

		rezago_require_finite(x, "value", fn);
		*rezago_rows_append(&r, fn) = x;
	}
	PG_RETURN_ARRAYTYPE_P(rezago_rows_result(fcinfo, &r, fn));
}

Datum
rezago_canonical_combine(PG_FUNCTION_ARGS)
{
	const char *fn = "the canonical_* aggregates";
	RezagoRows	r,
				other;

	rezago_rows_get(fcinfo, 0, 0, 1, &r, fn);
	rezago_rows_peek(PG_GETARG_ARRAYTYPE_P(1), 0, 1, &other, fn);
	rezago_rows_append_all(&r, &other, fn);
	PG_RETURN_ARRAYTYPE_P(rezago_rows_result(fcinfo, &r, fn));
}

/* The values of the state in argument 0 (a copy), or NULL when none. */
static float8 *
canonical_values(FunctionCallInfo fcinfo, int *n, const char *fn)
{
	RezagoRows	r;
	float8	   *x;

	rezago_rows_peek(PG_GETARG_ARRAYTYPE_P(0), 0, 1, &r, fn);
	*n = r.nrows;
	if (r.nrows == 0)
		return NULL;
	x = palloc(sizeof(float8) * r.nrows);
	memcpy(x, r.rows, sizeof(float8) * r.nrows);
	return x;
}

Datum
rezago_canonical_sum_final(PG_FUNCTION_ARGS)
{
	const char *fn = "canonical_sum";
	int			n;
	float8	   *x = canonical_values(fcinfo, &n, fn);
	float8		sum;

	if (x == NULL)
		PG_RETURN_NULL();
	sum = rezago_canonical_sum(x, n);
	rezago_require_finite_result(sum, "sum", fn);
	PG_RETURN_FLOAT8(sum);
}

Datum
rezago_canonical_avg_final(PG_FUNCTION_ARGS)
{
	int			n;
	float8	   *x = canonical_values(fcinfo, &n, "canonical_avg");
	float8		mean;

	if (x == NULL)
		PG_RETURN_NULL();
	rezago_canonical_moments(x, n, palloc(sizeof(float8) * n), &mean, NULL);
	PG_RETURN_FLOAT8(mean);
}

Datum
rezago_canonical_stddev_samp_final(PG_FUNCTION_ARGS)
{
	const char *fn = "canonical_stddev_samp";
	int			n;
	float8	   *x = canonical_values(fcinfo, &n, fn);
	float8		mean,
				sd;

	if (x == NULL || n < 2)
		PG_RETURN_NULL();
	rezago_canonical_moments(x, n, palloc(sizeof(float8) * n), &mean, &sd);
	rezago_require_finite_result(sd, "standard deviation", fn);
	PG_RETURN_FLOAT8(sd);
}
