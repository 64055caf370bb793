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
 *
 * An audit correlates each series with a dozen others (variable_correlations:
 * 189 pairs of 25 series): each call site keeps the order of the arrays it
 * has seen (OrderCache, fn_extra), so that a pair's values reach the sorts
 * already in order, where they cost one pass.  Orders only save time: the
 * sorts still run and check, and every result has the bits of a call
 * without them.
 */
#include "audit.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(rezago_correlation);

/* the largest sample kendall accepts: n^2 / 2 pair comparisons */
#define MAX_KENDALL_PAIRS 100000

/*
 * out[i] = x[i] / 2^e, 2^e the power of two just above the largest |x[i]|;
 * returns e
 */
static int
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
	return e;
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

/*
 * Pearson's correlation of x[0..n) and y[0..n); xo and yo, when not NULL,
 * hold the same values as x and y in canonical order, which spares a sort
 * of each (the sorts only check them: any order gives the same bits).
 */
static float8
pearson_ordered(const float8 *x, const float8 *y, int n,
				const float8 *xo, const float8 *yo)
{
	float8	   *t,
			   *w,
			   *v,
			   *xs,
			   *ys,
			   *os,
				mx,
				my,
				sxy,
				sxx,
				syy;
	int			i,
				ex,
				ey;

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
	os = palloc(sizeof(float8) * (n + 1));
	xs = palloc(sizeof(float8) * (n + 1));
	ys = palloc(sizeof(float8) * (n + 1));
	ex = scale_unit(x, n, xs);
	ey = scale_unit(y, n, ys);
	/*
	 * means and sum (x - mx)^2, sum (y - my)^2: a sort of x and of y (of
	 * xo and yo, scaled by the same powers of two, which keeps the order)
	 */
	if (xo != NULL)
		for (i = 0; i < n; i++)
			os[i] = ldexp(xo[i], -ex);
	mean_and_squares(xo != NULL ? os : xs, n, w, v, t, &mx, &sxx);
	if (yo != NULL)
		for (i = 0; i < n; i++)
			os[i] = ldexp(yo[i], -ey);
	mean_and_squares(yo != NULL ? os : ys, n, w, v, t, &my, &syy);
	for (i = 0; i < n; i++)
		t[i] = (xs[i] - mx) * (ys[i] - my);
	sxy = rezago_canonical_sum(t, n);
	pfree(t);
	pfree(w);
	pfree(v);
	pfree(xs);
	pfree(ys);
	pfree(os);
	if (!(sxx > 0) || !(syy > 0) || isinf(sxx) || isinf(syy))
		return get_float8_nan();
	/* |r| <= 1 in exact arithmetic; rounding may pass it by an ulp */
	return Max(-1.0, Min(1.0, sxy / sqrt(sxx) / sqrt(syy)));
}

float8
rezago_pearson(const float8 *x, const float8 *y, int n)
{
	return pearson_ordered(x, y, n, NULL, NULL);
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

/*
 * r[0..n): ranks of x (1-based), ties given their average rank.  order,
 * when not NULL, lists 0..n-1 by x then position (spares the sort, which
 * only checks it); ro, when not NULL, receives the ranks in that order
 * (ascending, positive: canonical order).
 */
static void
average_ranks(const float8 *x, int n, const int *order, float8 *r, float8 *ro)
{
	RankItem   *it = palloc(sizeof(RankItem) * (n + 1));
	int			i,
				j;

	for (i = 0; i < n; i++)
	{
		it[i].i = order != NULL ? order[i] : i;
		it[i].v = x[it[i].i];
	}
	sort_rank_items(it, n);
	for (i = 0; i < n; i = j)
	{
		for (j = i + 1; j < n && it[j].v == it[i].v; j++)
			;
		/* positions i+1 .. j share (i + 1 + j) / 2 */
		for (int k = i; k < j; k++)
		{
			r[it[k].i] = (float8) (i + 1 + j) / 2.0;
			if (ro != NULL)
				ro[k] = r[it[k].i];
		}
	}
	pfree(it);
}

/*
 * The orders of the arrays one call site has seen (fn_extra), found by
 * comparing the arrays byte for byte (a different array differs within its
 * first elements, and memcmp stops there: cheaper than hashing each one):
 * the positions of its present elements in canonical order (for pearson)
 * and by value, then position (spearman's ranks), each computed when first
 * asked for.  At most
 * ORDER_SLOTS arrays and work_mem bytes (fn_mcxt lives as long as the call
 * site: the query, or the transaction for a PL/pgSQL expression), reused in
 * turn; an array larger than a quarter of that is not kept (its pairs cost
 * what they did without the cache).
 */
#define ORDER_SLOTS 64
#define ORDER_BUDGET ((Size) work_mem * 1024)

typedef struct SeriesOrder
{
	ArrayType  *array;			/* a copy; NULL: a free slot */
	int		   *canonical;
	int		   *by_value;
	int			npresent;
	Size		bytes;
} SeriesOrder;

typedef struct OrderCache
{
	SeriesOrder slot[ORDER_SLOTS];
	int			next;
	Size		bytes;
} OrderCache;

static inline int
cmp_canonical_item(const RankItem *p, const RankItem *q)
{
	int			c = rezago_canonical_cmp(p->v, q->v);

	return c != 0 ? c : (p->i > q->i) - (p->i < q->i);
}

/* sort_canonical_items(): by canonical order, then position */
#define ST_SORT sort_canonical_items
#define ST_ELEMENT_TYPE RankItem
#define ST_COMPARE(a, b) cmp_canonical_item(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

static void
forget_order(OrderCache *c, SeriesOrder *e)
{
	if (e->array == NULL)
		return;
	c->bytes -= e->bytes;
	pfree(e->array);
	if (e->canonical != NULL)
		pfree(e->canonical);
	if (e->by_value != NULL)
		pfree(e->by_value);
	memset(e, 0, sizeof(*e));
}

/* the entry of array a (NULL when it is too large to keep) */
static SeriesOrder *
series_order(FmgrInfo *flinfo, ArrayType *a)
{
	OrderCache *c = (OrderCache *) flinfo->fn_extra;
	Size		size = VARSIZE(a),
				bytes;
	SeriesOrder *e;
	int			i;

	if (c == NULL)
		c = flinfo->fn_extra = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(OrderCache));
	for (i = 0; i < ORDER_SLOTS; i++)
	{
		e = &c->slot[i];
		if (e->array != NULL && VARSIZE(e->array) == size &&
			memcmp(e->array, a, size) == 0)
			return e;
	}
	/* the array, and room for both orders */
	bytes = size + 2 * sizeof(int) * ((Size) ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)) + 1);
	if (bytes > ORDER_BUDGET / 4)
		return NULL;
	/* the slot in turn, and the ones after it while the budget needs */
	for (;;)
	{
		forget_order(c, &c->slot[c->next]);
		if (c->bytes + bytes <= ORDER_BUDGET)
			break;
		c->next = (c->next + 1) % ORDER_SLOTS;
	}
	e = &c->slot[c->next];
	c->next = (c->next + 1) % ORDER_SLOTS;
	e->array = MemoryContextAlloc(flinfo->fn_mcxt, size);
	memcpy(e->array, a, size);
	e->npresent = -1;
	e->bytes = bytes;
	c->bytes += bytes;
	return e;
}

/*
 * The positions of the present elements of x[0..n) in canonical order
 * (by_value false) or by value (true), from e or computed into it; NULL
 * when e is NULL.
 */
static const int *
series_positions(FmgrInfo *flinfo, SeriesOrder *e, const float8 *x,
				 const bool *present, int n, bool by_value)
{
	int		  **order;
	RankItem   *it;
	int			m = 0,
				i;

	if (e == NULL)
		return NULL;
	order = by_value ? &e->by_value : &e->canonical;
	if (*order != NULL)
		return *order;
	it = palloc(sizeof(RankItem) * (n + 1));
	for (i = 0; i < n; i++)
		if (present[i])
		{
			it[m].v = x[i];
			it[m].i = i;
			m++;
		}
	if (by_value)
		sort_rank_items(it, m);
	else
		sort_canonical_items(it, m);
	*order = MemoryContextAlloc(flinfo->fn_mcxt, sizeof(int) * (m + 1));
	for (i = 0; i < m; i++)
		(*order)[i] = it[i].i;
	e->npresent = m;
	pfree(it);
	return *order;
}

/*
 * The positions of a's present elements in canonical order (by_value
 * false) or by value, then position (true), among the n complete pairs
 * (keep[i] >= 0: the position of element i among them): a new array, or
 * NULL when a is too large to keep.
 */
static int *
kept_positions(FmgrInfo *flinfo, ArrayType *a, const float8 *x,
			   const bool *present, int nx, bool by_value, const int *keep, int n)
{
	SeriesOrder *e = series_order(flinfo, a);
	const int  *order = series_positions(flinfo, e, x, present, nx, by_value);
	int		   *out;
	int			k = 0;

	if (order == NULL)
		return NULL;
	out = palloc(sizeof(int) * (n + 1));
	for (int i = 0; i < e->npresent; i++)
		if (keep[order[i]] >= 0 && k < n)
			out[k++] = keep[order[i]];
	/* every complete pair is present in a: never false */
	if (k != n)
	{
		pfree(out);
		return NULL;
	}
	return out;
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
	ArrayType  *ax = PG_GETARG_ARRAYTYPE_P(0),
			   *ay = PG_GETARG_ARRAYTYPE_P(1);
	float8	   *x,
			   *y,
			   *cx,
			   *cy,
			   *rx,
			   *ry,
			   *ox = NULL,
			   *oy = NULL,
				r;
	bool	   *px,
			   *py;
	int		   *keep;
	int			nx,
				ny,
				n = 0,
				i;
	bool		spearman;

	if (strcmp(method, "pearson") != 0 && strcmp(method, "spearman") != 0 &&
		strcmp(method, "kendall") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown correlation method \"%s\"", method),
				 errdetail("%s knows pearson, spearman and kendall.", fn),
				 errhint("Pass method => 'pearson', 'spearman' or 'kendall'.")));
	rezago_audit_values(ax, &x, &px, &nx);
	rezago_audit_values(ay, &y, &py, &ny);
	if (nx != ny)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("x and y must have the same number of elements"),
				 errdetail("%s received %d and %d elements.", fn, nx, ny),
				 errhint("Pass the two values of each unit at the same position, with NULL where one is missing.")));
	/* the complete pairs: keep[i], the position of pair i among them, or -1 */
	cx = palloc(sizeof(float8) * (nx + 1));
	cy = palloc(sizeof(float8) * (nx + 1));
	keep = palloc(sizeof(int) * (nx + 1));
	for (i = 0; i < nx; i++)
	{
		keep[i] = (px[i] && py[i]) ? n : -1;
		if (keep[i] >= 0)
		{
			cx[n] = x[i];
			cy[n] = y[i];
			n++;
		}
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
		r = kendall_tau_b(cx, cy, n);
	}
	else
	{
		int		   *kx,
				   *ky;

		spearman = strcmp(method, "spearman") == 0;
		/*
		 * the orders of each array, kept for the next pairs of the call
		 * site; kx is a copy, which y's entry may not take away
		 */
		kx = kept_positions(fcinfo->flinfo, ax, x, px, nx, spearman, keep, n);
		ky = kept_positions(fcinfo->flinfo, ay, y, py, ny, spearman, keep, n);
		if (kx != NULL)
			ox = palloc(sizeof(float8) * (n + 1));
		if (ky != NULL)
			oy = palloc(sizeof(float8) * (n + 1));
		if (spearman)
		{
			rx = palloc(sizeof(float8) * n);
			ry = palloc(sizeof(float8) * n);
			average_ranks(cx, n, kx, rx, ox);
			average_ranks(cy, n, ky, ry, oy);
			r = pearson_ordered(rx, ry, n, ox, oy);
		}
		else
		{
			for (i = 0; kx != NULL && i < n; i++)
				ox[i] = cx[kx[i]];
			for (i = 0; ky != NULL && i < n; i++)
				oy[i] = cy[ky[i]];
			r = pearson_ordered(cx, cy, n, ox, oy);
		}
	}
	if (isnan(r))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(r);
}
