/*
 * audit_moments.c
 *	  distribution_moments(values float8[]): the moments of a sample that
 *	  rezago.variable_statistics reports (doc/method.md section 13.1), with
 *	  the conventions of base R and COINr:
 *		mean	 sum x / n
 *		sd		 sample standard deviation, sqrt(sum (x - mean)^2 / (n - 1)), as R sd()
 *		skewness G1 = n / ((n - 1)(n - 2)) * sum ((x - mean) / sd)^3
 *				 (the adjusted Fisher-Pearson coefficient: Excel SKEW, SAS,
 *				 SPSS, COINr skew(), e1071 type 2)
 *		kurtosis G2 = n (n + 1) / ((n - 1)(n - 2)(n - 3)) * sum ((x - mean) / sd)^4
 *				 - 3 (n - 1)^2 / ((n - 2)(n - 3))   (excess: 0 for a normal;
 *				 Excel KURT, SAS, SPSS, COINr kurt(), e1071 type 2)
 *	  Every sum is taken in canonical order (canonical_sum.c), so that the
 *	  result depends on the multiset of values only.
 */
#include "audit.h"

#include "catalog/pg_type.h"
#include "utils/float.h"

PG_FUNCTION_INFO_V1(rezago_distribution_moments);

void
rezago_audit_values(ArrayType *a, float8 **x, bool **present, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			i;

	deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, n);
	*x = palloc(sizeof(float8) * (*n + 1));
	*present = palloc(sizeof(bool) * (*n + 1));
	for (i = 0; i < *n; i++)
	{
		float8		v = nulls[i] ? 0 : DatumGetFloat8(elems[i]);

		(*present)[i] = !nulls[i] && !isnan(v) && !isinf(v);
		(*x)[i] = (*present)[i] ? v : 0;
	}
}

/*
 * distribution_moments(values float8[]) -> float8[5]:
 * {n, mean, sd, skewness, excess kurtosis} of the non-missing elements
 * (NULL, NaN and +/-Infinity are missing).  An element is NULL when it is
 * undefined: mean when n = 0; sd when n < 2; skewness when n < 3 or sd = 0;
 * kurtosis when n < 4 or sd = 0.  STRICT: a NULL array gives NULL.
 */
Datum
rezago_distribution_moments(PG_FUNCTION_ARGS)
{
	const char *fn = "distribution_moments";
	float8	   *x,
			   *z;
	bool	   *present;
	int			n,
				m = 0,
				i;
	float8		mean = 0,
				sd = 0,
				s3,
				s4,
				nn;
	Datum		out[5];
	bool		nulls[5] = {false, true, true, true, true};
	int			dims[1] = {5},
				lbs[1] = {1};

	rezago_audit_values(PG_GETARG_ARRAYTYPE_P(0), &x, &present, &n);
	for (i = 0; i < n; i++)
		if (present[i])
			x[m++] = x[i];
	z = palloc(sizeof(float8) * (m + 1));
	out[0] = Float8GetDatum((float8) m);
	if (m >= 1)
	{
		rezago_canonical_moments(x, m, z, &mean, m >= 2 ? &sd : NULL);
		rezago_require_finite_result(mean, "mean", fn);
		out[1] = Float8GetDatum(mean);
		nulls[1] = false;
	}
	if (m >= 2)
	{
		rezago_require_finite_result(sd, "standard deviation", fn);
		out[2] = Float8GetDatum(sd);
		nulls[2] = false;
	}
	if (m >= 3 && sd > 0)
	{
		nn = (float8) m;
		for (i = 0; i < m; i++)
		{
			float8		d = (x[i] - mean) / sd;

			z[i] = d * d * d;
		}
		s3 = rezago_canonical_sum(z, m);
		out[3] = Float8GetDatum(nn / ((nn - 1) * (nn - 2)) * s3);
		nulls[3] = false;
		if (m >= 4)
		{
			for (i = 0; i < m; i++)
			{
				float8		d = (x[i] - mean) / sd;

				z[i] = d * d * d * d;
			}
			s4 = rezago_canonical_sum(z, m);
			out[4] = Float8GetDatum(nn * (nn + 1) / ((nn - 1) * (nn - 2) * (nn - 3)) * s4
									- 3 * (nn - 1) * (nn - 1) / ((nn - 2) * (nn - 3)));
			nulls[4] = false;
		}
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, nulls, 1, dims, lbs, FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
