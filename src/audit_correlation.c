/*
 * audit_correlation.c
 *	  correlation(x float8[], y float8[], method): Pearson, Spearman or
 *	  Kendall's tau-b of paired samples, as base R's cor(x, y, method) on the
 *	  pairs where both are present (use = "complete.obs"); doc/method.md
 *	  section 13.2.
 *		pearson	 sum (x - mx)(y - my) / sqrt(sum (x - mx)^2 sum (y - my)^2),
 *				 every sum in canonical order (canonical_sum.c)
 *		spearman Pearson's correlation of the ranks, ties given their
 *				 average rank (R's rank(ties.method = "average"))
 *		kendall	 tau-b = (concordant - discordant) /
 *				 sqrt((n0 - tx)(n0 - ty)), n0 = n(n - 1)/2, tx and ty the
 *				 pairs tied in x and in y; exact integer counts, O(n^2)
 */
#include "audit.h"

#include "utils/builtins.h"
#include "utils/float.h"

PG_FUNCTION_INFO_V1(rezago_correlation);

/* the largest sample kendall accepts: n^2 / 2 pair comparisons */
#define MAX_KENDALL_PAIRS 100000

/* out[i] = x[i] / 2^e, 2^e the power of two just above the largest |x[i]| */
static void
scale_unit(const float8 *x, int n, float8 *out)
{
	float8		big = 0;
	int			e = 0,
				i;

	for (i = 0; i < n; i++)
		big = Max(big, fabs(x[i]));
	if (big > 0)
		(void) frexp(big, &e);
	for (i = 0; i < n; i++)
		out[i] = ldexp(x[i], -e);
}

/*
 * The mean of x[0..n) (rezago_canonical_moments) and the sum of its squared
 * deviations (rezago_canonical_sum), from one sort of x.  A canonical sum is
 * a function of the multiset of its terms; handed them already in canonical
 * order, the sort only checks that they are (PostgreSQL's quicksort looks
 * for sorted input first), so the bits are those of summing them in any
 * order, and an order this gets wrong costs only a full sort.  x in
 * canonical order (ascending magnitude) stays so when scaled by a power of
 * two; read in ascending value (the negatives of that order reversed, then
 * the rest), x - mean does not decrease, and the squared deviations taken
 * outward from the first one >= 0, smaller |x - mean| first, ascend.
 * w and v: scratch of n values each; t: of n.
 */
static void
mean_and_squares(const float8 *x, int n, float8 *w, float8 *v, float8 *t,
				 float8 *mean, float8 *squares)
{
	int			i,
				k = 0,
				lo,
				hi;

	memcpy(w, x, sizeof(float8) * n);
	rezago_canonical_sort(w, n);
	rezago_canonical_moments(w, n, t, mean, NULL);
	for (i = n - 1; i >= 0; i--)
		if (w[i] < 0)
			v[k++] = w[i];
	for (i = 0; i < n; i++)
		if (!(w[i] < 0))
			v[k++] = w[i];
	Assert(k == n);
	for (hi = 0; hi < n && v[hi] - *mean < 0; hi++)
		;
	lo = hi - 1;
	for (k = 0; k < n; k++)
	{
		float8		d;

		if (hi >= n || (lo >= 0 && fabs(v[lo] - *mean) <= fabs(v[hi] - *mean)))
			d = v[lo--] - *mean;
		else
			d = v[hi++] - *mean;
		t[k] = d * d;
	}
	*squares = rezago_canonical_sum(t, n);
}

float8
rezago_pearson(const float8 *x, const float8 *y, int n)
{
	float8	   *t,
			   *w,
			   *v,
			   *xs,
			   *ys,
				mx,
				my,
				sxy,
				sxx,
				syy;
	int			i;

	if (n < 2)
		return get_float8_nan();
	/*
	 * r does not change when x or y is scaled: scale each by a power of two
	 * (exact) to a largest magnitude in [0.5, 1), so that no product or sum
	 * overflows, whatever the magnitudes.
	 */
	t = palloc(sizeof(float8) * (n + 1));
	w = palloc(sizeof(float8) * (n + 1));
	v = palloc(sizeof(float8) * (n + 1));
	xs = palloc(sizeof(float8) * (n + 1));
	ys = palloc(sizeof(float8) * (n + 1));
	scale_unit(x, n, xs);
	scale_unit(y, n, ys);
	/* means and sum (x - mx)^2, sum (y - my)^2: a sort of x and of y */
	mean_and_squares(xs, n, w, v, t, &mx, &sxx);
	mean_and_squares(ys, n, w, v, t, &my, &syy);
	for (i = 0; i < n; i++)
		t[i] = (xs[i] - mx) * (ys[i] - my);
	sxy = rezago_canonical_sum(t, n);
	pfree(t);
	pfree(w);
	pfree(v);
	pfree(xs);
	pfree(ys);
	if (!(sxx > 0) || !(syy > 0) || isinf(sxx) || isinf(syy))
		return get_float8_nan();
	/* |r| <= 1 in exact arithmetic; rounding may pass it by an ulp */
	return Max(-1.0, Min(1.0, sxy / sqrt(sxx) / sqrt(syy)));
}

typedef struct RankItem
{
	float8		v;
	int			i;
} RankItem;

static inline int
cmp_rank_item(const RankItem *p, const RankItem *q)
{
	if (p->v != q->v)
		return (p->v < q->v) ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

/* sort_rank_items(): PostgreSQL's quicksort with the comparison inlined */
#define ST_SORT sort_rank_items
#define ST_ELEMENT_TYPE RankItem
#define ST_COMPARE(a, b) cmp_rank_item(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* r[0..n): ranks of x (1-based), ties given their average rank */
static void
average_ranks(const float8 *x, int n, float8 *r)
{
	RankItem   *it = palloc(sizeof(RankItem) * (n + 1));
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		it[i].v = x[i];
		it[i].i = i;
	}
	sort_rank_items(it, n);
	for (i = 0; i < n; i = j)
	{
		for (j = i + 1; j < n && it[j].v == it[i].v; j++)
			;
		/* positions i+1 .. j share (i + 1 + j) / 2 */
		for (int k = i; k < j; k++)
			r[it[k].i] = (float8) (i + 1 + j) / 2.0;
	}
	pfree(it);
}

static float8
kendall_tau_b(const float8 *x, const float8 *y, int n)
{
	int64		s = 0,
				tx = 0,
				ty = 0,
				n0 = (int64) n * (n - 1) / 2;
	int			i,
				j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
		{
			int			a = (x[i] > x[j]) - (x[i] < x[j]),
						b = (y[i] > y[j]) - (y[i] < y[j]);

			s += a * b;
			tx += (a == 0);
			ty += (b == 0);
		}
	if (n0 - tx <= 0 || n0 - ty <= 0)
		return get_float8_nan();
	return (float8) s / sqrt((float8) (n0 - tx)) / sqrt((float8) (n0 - ty));
}

/*
 * correlation(x float8[], y float8[], method text DEFAULT 'pearson'):
 * the correlation of the pairs (x[i], y[i]) where both are present (NULL,
 * NaN and +/-Infinity are missing).  NULL when fewer than two pairs remain
 * or one side is constant over them.  Arrays of different lengths or an
 * unknown method: 22023; kendall over more than 100,000 pairs: 54000.
 * NULL argument: NULL (strict).
 */
Datum
rezago_correlation(PG_FUNCTION_ARGS)
{
	const char *fn = "correlation";
	char	   *method = text_to_cstring(PG_GETARG_TEXT_PP(2));
	float8	   *x,
			   *y,
			   *rx,
			   *ry,
				r;
	bool	   *px,
			   *py;
	int			nx,
				ny,
				n = 0,
				i;

	if (strcmp(method, "pearson") != 0 && strcmp(method, "spearman") != 0 &&
		strcmp(method, "kendall") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown correlation method \"%s\"", method),
				 errdetail("%s knows pearson, spearman and kendall.", fn),
				 errhint("Pass method => 'pearson', 'spearman' or 'kendall'.")));
	rezago_audit_values(PG_GETARG_ARRAYTYPE_P(0), &x, &px, &nx);
	rezago_audit_values(PG_GETARG_ARRAYTYPE_P(1), &y, &py, &ny);
	if (nx != ny)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("x and y must have the same number of elements"),
				 errdetail("%s received %d and %d elements.", fn, nx, ny),
				 errhint("Pass the two values of each unit at the same position, with NULL where one is missing.")));
	for (i = 0; i < nx; i++)
		if (px[i] && py[i])
		{
			x[n] = x[i];
			y[n] = y[i];
			n++;
		}
	if (n < 2)
		PG_RETURN_NULL();
	if (strcmp(method, "kendall") == 0)
	{
		if (n > MAX_KENDALL_PAIRS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("kendall correlation of more than %d pairs", MAX_KENDALL_PAIRS),
					 errdetail("%s received %d complete pairs; tau-b compares every two of them.", fn, n),
					 errhint("Use method => 'spearman' for large samples.")));
		r = kendall_tau_b(x, y, n);
	}
	else if (strcmp(method, "spearman") == 0)
	{
		rx = palloc(sizeof(float8) * n);
		ry = palloc(sizeof(float8) * n);
		average_ranks(x, n, rx);
		average_ranks(y, n, ry);
		r = rezago_pearson(rx, ry, n);
	}
	else
		r = rezago_pearson(x, y, n);
	if (isnan(r))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(r);
}
