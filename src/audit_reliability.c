/*
 * audit_reliability.c
 *	  reliability(items float8[][]): how consistently the items of a
 *	  dimension (or the dimensions of the index) measure one thing
 *	  (doc/method.md section 13.3), over the rows (units) where every item is
 *	  present:
 *		Cronbach's alpha = k / (k - 1) * (1 - sum_j var(item j) / var(sum_j item j)),
 *			variances with n - 1 (R var()), the textbook formula;
 *		the principal components of the items' correlation matrix (R
 *			prcomp(scale. = TRUE), eigen(cor(X))): its eigenvalues by the
 *			cyclic Jacobi method; the share of variance of the first
 *			component is its eigenvalue over k (the trace).
 */
#include "audit.h"

#include "catalog/pg_type.h"
#include "utils/float.h"

PG_FUNCTION_INFO_V1(rezago_reliability);

/* the largest item count (a k x k matrix) */
#define MAX_ITEMS 1000
#define JACOBI_SWEEPS 100

/*
 * Eigenvalues of the symmetric k x k matrix a (destroyed), descending, into
 * ev[0..k): cyclic Jacobi rotations until the off-diagonal mass is zero to
 * rounding.
 */
static void
jacobi_eigenvalues(float8 *a, int k, float8 *ev)
{
	int			sweep,
				p,
				q,
				i;

	for (sweep = 0; sweep < JACOBI_SWEEPS; sweep++)
	{
		float8		off = 0,
					diag = 0;

		for (p = 0; p < k; p++)
		{
			diag += a[p * k + p] * a[p * k + p];
			for (q = p + 1; q < k; q++)
				off += a[p * k + q] * a[p * k + q];
		}
		if (off <= 1e-30 * diag || off == 0)
			break;
		for (p = 0; p < k; p++)
			for (q = p + 1; q < k; q++)
			{
				float8		apq = a[p * k + q],
							theta,
							t,
							c,
							s;

				if (apq == 0)
					continue;
				theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
				t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
				c = 1 / sqrt(t * t + 1);
				s = t * c;
				for (i = 0; i < k; i++)
				{
					/* columns p and q */
					float8		aip = a[i * k + p],
								aiq = a[i * k + q];

					a[i * k + p] = c * aip - s * aiq;
					a[i * k + q] = s * aip + c * aiq;
				}
				for (i = 0; i < k; i++)
				{
					/* rows p and q */
					float8		api = a[p * k + i],
								aqi = a[q * k + i];

					a[p * k + i] = c * api - s * aqi;
					a[q * k + i] = s * api + c * aqi;
				}
				a[p * k + q] = a[q * k + p] = 0;
			}
	}
	for (p = 0; p < k; p++)
		ev[p] = a[p * k + p];
	/* descending; k is small */
	for (p = 1; p < k; p++)
		for (q = p; q > 0 && ev[q] > ev[q - 1]; q--)
		{
			float8		t = ev[q];

			ev[q] = ev[q - 1];
			ev[q - 1] = t;
		}
}

/*
 * reliability(items float8[][]) -> float8[5]:
 * {n complete rows, k items, Cronbach's alpha, first eigenvalue of the
 * correlation matrix, its share of the variance (eigenvalue / k)}.  Rows
 * with a missing item (NULL, NaN, +/-Infinity) are left out.  alpha is NULL
 * when k < 2, n < 2 or the total has no variance; the eigenvalue and share
 * are NULL when n < 2 or an item is constant over the complete rows (k = 1
 * gives 1 and 1).  An array that is not two-dimensional (an empty one
 * gives n = k = 0), or more than 1,000 items: 22023.  NULL: NULL (strict).
 */
Datum
rezago_reliability(PG_FUNCTION_ARGS)
{
	const char *fn = "reliability";
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *x,
			   *col,
			   *tot,
			   *scratch,
			   *corr,
			   *ev,
			   *itemvar,
				mean,
				sd;
	bool	   *present;
	int			nel,
				rows = 0,
				k = 0,
				n = 0,
				i,
				j,
				l;
	bool		constant = false;
	Datum		out[5];
	bool		nulls[5] = {false, false, true, true, true};
	int			dims[1] = {5},
				lbs[1] = {1};

	if (ARR_NDIM(arr) != 0 && ARR_NDIM(arr) != 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("items must be a two-dimensional array"),
				 errdetail("%s received an array of %d dimensions.", fn, ARR_NDIM(arr)),
				 errhint("Pass one row per unit and one column per item, e.g. array_agg(ARRAY[a, b, c]).")));
	if (ARR_NDIM(arr) == 2)
	{
		rows = ARR_DIMS(arr)[0];
		k = ARR_DIMS(arr)[1];
	}
	if (k > MAX_ITEMS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("items must have at most %d columns", MAX_ITEMS),
				 errdetail("%s received %d items.", fn, k),
				 errhint("Pass the variables of one dimension, or the dimensions of the index.")));
	rezago_audit_values(arr, &x, &present, &nel);
	/* keep the complete rows, in place */
	for (i = 0; i < rows; i++)
	{
		bool		complete = true;

		for (j = 0; j < k; j++)
			complete = complete && present[i * k + j];
		if (!complete)
			continue;
		for (j = 0; j < k; j++)
			x[n * k + j] = x[i * k + j];
		n++;
	}
	out[0] = Float8GetDatum((float8) n);
	out[1] = Float8GetDatum((float8) k);
	if (n >= 2 && k >= 1)
	{
		col = palloc(sizeof(float8) * n);
		tot = palloc(sizeof(float8) * n);
		scratch = palloc(sizeof(float8) * n);
		itemvar = palloc(sizeof(float8) * k);
		for (j = 0; j < k; j++)
		{
			for (i = 0; i < n; i++)
				col[i] = x[i * k + j];
			rezago_canonical_moments(col, n, scratch, &mean, &sd);
			itemvar[j] = sd * sd;
			constant = constant || !(sd > 0);
		}
		/* the total of each row, in canonical order */
		{
			float8	   *r = palloc(sizeof(float8) * k);

			for (i = 0; i < n; i++)
			{
				memcpy(r, x + (Size) i * k, sizeof(float8) * k);
				tot[i] = rezago_canonical_sum(r, k);
			}
		}
		rezago_canonical_moments(tot, n, scratch, &mean, &sd);
		if (k >= 2 && sd > 0 && !isinf(sd))
		{
			float8		sv = rezago_canonical_sum(itemvar, k);

			out[2] = Float8GetDatum((float8) k / (k - 1) * (1 - sv / (sd * sd)));
			rezago_require_finite_result(DatumGetFloat8(out[2]), "alpha", fn);
			nulls[2] = false;
		}
		if (!constant)
		{
			float8	   *cj = palloc(sizeof(float8) * n);

			corr = palloc(sizeof(float8) * k * k);
			ev = palloc(sizeof(float8) * k);
			for (j = 0; j < k; j++)
			{
				corr[j * k + j] = 1;
				for (l = j + 1; l < k; l++)
				{
					for (i = 0; i < n; i++)
					{
						col[i] = x[i * k + j];
						cj[i] = x[i * k + l];
					}
					corr[j * k + l] = corr[l * k + j] = rezago_pearson(col, cj, n);
					if (isnan(corr[j * k + l]))
						constant = true;
				}
			}
			if (!constant)
			{
				jacobi_eigenvalues(corr, k, ev);
				out[3] = Float8GetDatum(ev[0]);
				out[4] = Float8GetDatum(ev[0] / k);
				nulls[3] = nulls[4] = false;
			}
		}
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, nulls, 1, dims, lbs, FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
