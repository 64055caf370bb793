/*
 * uncertainty_options.c
 *	  The arguments that every uncertainty and sensitivity function shares
 *	  (UncOptions, uncertainty.h): the period, the number of runs (or base
 *	  samples), the seed, the methodology, and what varies: the
 *	  normalisation, the aggregation, the weights (each by up to
 *	  +-weight_perturbation) and the threshold rule, with the lists of
 *	  normalisations and threshold rules a run draws from.
 */
#include "uncertainty.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

const char *const rezago_norm_names[N_NORM] = {"minmax", "zscore", "rank", "goalpost"};
const char *const rezago_agg_names[N_AGG] = {"arithmetic", "geometric"};
const char *const rezago_thr_names[N_THR] = {"mean", "median", "percentile", "fixed"};

/* Index of `s` in names[0..n), or -1. */
int
rezago_name_index(const char *s, const char *const *names, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

char *
rezago_names_list(const char *const *names, int n)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", names[i]);
	return buf.data;
}

/* A text[] of distinct option names into their indices; returns the count. */
static int
choices_arg(FunctionCallInfo fcinfo, int argno, const char *name,
			const char *const *names, int nnames, int *out, const char *fn)
{
	ArrayType  *a;
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				j;

	rezago_require_not_null(fcinfo, argno, name, HINT_NULL_ARG, fn);
	a = PG_GETARG_ARRAYTYPE_P(argno);
	rezago_require_1d_array(a, name,
							psprintf("Pass a list such as ARRAY['%s', '%s'].", names[0], names[1]),
							fn);
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be empty", name),
				 errdetail("Function %s received an empty list of %s.", fn, name),
				 errhint("Give at least one of: %s; or turn the variation off.", rezago_names_list(names, nnames))));
	for (i = 0; i < n; i++)
	{
		char	   *s;
		int			k;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", name),
					 errdetail("Function %s received a NULL in element %d of %s.", fn, i + 1, name),
					 errhint("Give only names from: %s.", rezago_names_list(names, nnames))));
		s = TextDatumGetCString(elems[i]);
		k = rezago_name_index(s, names, nnames);
		if (k < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown %s option \"%s\"", name, s),
					 errdetail("Function %s knows: %s.", fn, rezago_names_list(names, nnames)),
					 errhint("Check the spelling; names are lower case.")));
		for (j = 0; j < i; j++)
			if (out[j] == k)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s lists \"%s\" twice", name, s),
						 errdetail("Function %s draws each listed option with equal probability, so a repeated option is ambiguous.", fn),
						 errhint("List each option once.")));
		out[i] = k;
	}
	return n;
}

/*
 * The shared arguments: period (at period_arg, or none when -1), then from
 * `first` on: runs, seed, methodology, vary_normalisation, vary_aggregation,
 * weight_perturbation, vary_threshold, normalisations, threshold_rules.
 */
void
rezago_parse_options(FunctionCallInfo fcinfo, int period_arg, int first,
					 const char *runs_name, int32 min_runs, int32 max_runs,
					 const char *fn, UncOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->fn = fn;
	if (period_arg >= 0)
	{
		rezago_require_not_null(fcinfo, period_arg, "period", HINT_NULL_ARG, fn);
		o->period = PG_GETARG_INT32(period_arg);
	}
	o->runs = rezago_int_arg(fcinfo, first, runs_name, min_runs, max_runs,
							 HINT_NULL_ARG, HINT_LIMITS, fn);
	rezago_require_not_null(fcinfo, first + 1, "seed", HINT_NULL_ARG, fn);
	o->seed = PG_GETARG_INT64(first + 1);
	rezago_require_not_null(fcinfo, first + 2, "methodology", HINT_NULL_ARG, fn);
	o->methodology = text_to_cstring(PG_GETARG_TEXT_PP(first + 2));
	rezago_require_not_null(fcinfo, first + 3, "vary_normalisation", HINT_NULL_ARG, fn);
	o->vary_norm = PG_GETARG_BOOL(first + 3);
	rezago_require_not_null(fcinfo, first + 4, "vary_aggregation", HINT_NULL_ARG, fn);
	o->vary_agg = PG_GETARG_BOOL(first + 4);
	rezago_require_not_null(fcinfo, first + 5, "weight_perturbation", HINT_NULL_ARG, fn);
	o->wpert = PG_GETARG_FLOAT8(first + 5);
	if (!(o->wpert >= 0 && o->wpert < 1))	/* also catches NaN */
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight_perturbation must be at least 0 and less than 1"),
				 errdetail("Function %s received weight_perturbation = %g.", fn, o->wpert),
				 errhint("0.25 perturbs every weight by up to 25%% either way; 0 keeps the methodology's weights.")));
	rezago_require_not_null(fcinfo, first + 6, "vary_threshold", HINT_NULL_ARG, fn);
	o->vary_thr = PG_GETARG_BOOL(first + 6);
	o->n_norms = choices_arg(fcinfo, first + 7, "normalisations", rezago_norm_names, N_NORM, o->norms, fn);
	o->n_thrs = choices_arg(fcinfo, first + 8, "threshold_rules", rezago_thr_names, N_THR, o->thrs, fn);
}

