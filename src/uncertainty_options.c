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
const char *const rezago_agg_names[N_AGG] = {"arithmetic", "geometric", "ampi"};
const char *const rezago_thr_names[N_THR] = {"mean", "median", "percentile", "fixed"};
const char *const rezago_imp_names[N_IMP] = {"none", "median_region", "median_provincia", "carry_forward"};
const char *const rezago_treat_names[N_TREAT] = {"none", "percentile", "coinr"};

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

/* weight_perturbation and its two refinements: at least 0, less than 1 */
static float8
perturbation_arg(FunctionCallInfo fcinfo, int argno, const char *name, const char *fn)
{
	float8		p;

	rezago_require_not_null(fcinfo, argno, name, HINT_NULL_ARG, fn);
	p = PG_GETARG_FLOAT8(argno);
	if (!(p >= 0 && p < 1))		/* also catches NaN */
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least 0 and less than 1", name),
				 errdetail("Function %s received %s = %g.", fn, name, p),
				 errhint("0.25 perturbs every weight by up to 25%% either way; 0 keeps the methodology's weights.")));
	return p;
}

/*
 * The shared arguments: period (at period_arg, or none when -1), then from
 * `first` on: runs, seed, methodology, vary_normalisation, vary_aggregation,
 * weight_perturbation, vary_threshold (when `thresholds`), normalisations,
 * threshold_rules (when `thresholds`).
 */
void
rezago_parse_options(FunctionCallInfo fcinfo, int period_arg, int first,
					 const char *runs_name, int32 min_runs, int32 max_runs,
					 bool thresholds, const char *fn, UncOptions *o)
{
	int			a = first;

	memset(o, 0, sizeof(*o));
	o->fn = fn;
	o->target = "index";
	if (period_arg >= 0)
	{
		rezago_require_not_null(fcinfo, period_arg, "period", HINT_NULL_ARG, fn);
		o->period = PG_GETARG_INT32(period_arg);
	}
	o->runs = rezago_int_arg(fcinfo, a++, runs_name, min_runs, max_runs,
							 HINT_NULL_ARG, HINT_LIMITS, fn);
	rezago_require_not_null(fcinfo, a, "seed", HINT_NULL_ARG, fn);
	o->seed = PG_GETARG_INT64(a++);
	rezago_require_not_null(fcinfo, a, "methodology", HINT_NULL_ARG, fn);
	o->methodology = text_to_cstring(PG_GETARG_TEXT_PP(a++));
	rezago_require_not_null(fcinfo, a, "vary_normalisation", HINT_NULL_ARG, fn);
	o->vary_norm = PG_GETARG_BOOL(a++);
	rezago_require_not_null(fcinfo, a, "vary_aggregation", HINT_NULL_ARG, fn);
	o->vary_agg = PG_GETARG_BOOL(a++);
	/* aggregations (rezago_parse_more_options): arithmetic or geometric */
	o->n_aggs = 2;
	o->aggs[0] = AGG_ARITHMETIC;
	o->aggs[1] = AGG_GEOMETRIC;
	o->wpert = perturbation_arg(fcinfo, a++, "weight_perturbation", fn);
	o->dwpert = o->vwpert = o->wpert;
	if (thresholds)
	{
		rezago_require_not_null(fcinfo, a, "vary_threshold", HINT_NULL_ARG, fn);
		o->vary_thr = PG_GETARG_BOOL(a++);
	}
	o->n_norms = choices_arg(fcinfo, a++, "normalisations", rezago_norm_names, N_NORM, o->norms, fn);
	if (thresholds)
		o->n_thrs = choices_arg(fcinfo, a++, "threshold_rules", rezago_thr_names, N_THR, o->thrs, fn);
	else
	{
		/* no exit stage is computed: the nominal rule only, never drawn */
		o->n_thrs = 0;
	}
}

/*
 * The arguments every analysis function ends with, from `first` on:
 * dimension_weight_perturbation, variable_weight_perturbation (NULL: the
 * weight_perturbation), leave_out (text[] of variables; NULL or empty:
 * none), weight_sets (jsonb, checked against the methodology when it is
 * read), target ('index' or a dimension), imputations and
 * outlier_treatments (text[] of rezago.require_rule's names; NULL: the
 * methodology's own, not drawn), aggregations (text[]: arithmetic,
 * geometric, ampi; NULL: arithmetic and geometric, so that every seed draws
 * as before ampi existed), observations.
 */
void
rezago_parse_more_options(FunctionCallInfo fcinfo, int first, UncOptions *o)
{
	const char *fn = o->fn;

	if (!PG_ARGISNULL(first))
		o->dwpert = perturbation_arg(fcinfo, first, "dimension_weight_perturbation", fn);
	if (!PG_ARGISNULL(first + 1))
		o->vwpert = perturbation_arg(fcinfo, first + 1, "variable_weight_perturbation", fn);
	if (!PG_ARGISNULL(first + 2))
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(first + 2);
		Datum	   *elems;
		bool	   *nulls;
		int			i,
					j;

		rezago_require_1d_array(a, "leave_out",
								"Pass a list of variable codes such as ARRAY['escolaridad', 'pobreza_ingresos'].", fn);
		deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &o->n_leave);
		o->leave_names = palloc(sizeof(char *) * (o->n_leave + 1));
		for (i = 0; i < o->n_leave; i++)
		{
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("leave_out must not contain NULL"),
						 errdetail("Function %s received a NULL in element %d of leave_out.", fn, i + 1),
						 errhint("Give variable codes of the methodology.")));
			o->leave_names[i] = TextDatumGetCString(elems[i]);
			for (j = 0; j < i; j++)
				if (strcmp(o->leave_names[j], o->leave_names[i]) == 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("leave_out lists \"%s\" twice", o->leave_names[i]),
							 errdetail("Function %s leaves out one listed variable (or none) per run, each with equal probability, so a repeated variable is ambiguous.", fn),
							 errhint("List each variable once.")));
		}
	}
	if (!PG_ARGISNULL(first + 3))
		o->weight_sets = PG_GETARG_DATUM(first + 3);
	rezago_require_not_null(fcinfo, first + 4, "target", HINT_NULL_ARG, fn);
	o->target = text_to_cstring(PG_GETARG_TEXT_PP(first + 4));
	/* imputations and outlier treatments a run draws from; NULL: none */
	if (!PG_ARGISNULL(first + 5))
		o->n_imps = choices_arg(fcinfo, first + 5, "imputations", rezago_imp_names, N_IMP, o->imps, fn);
	if (!PG_ARGISNULL(first + 6))
		o->n_treats = choices_arg(fcinfo, first + 6, "outlier_treatments", rezago_treat_names, N_TREAT,
								  o->treats, fn);
	if (!PG_ARGISNULL(first + 7))
		o->n_aggs = choices_arg(fcinfo, first + 7, "aggregations", rezago_agg_names, N_AGG,
								o->aggs, fn);
	/*
	 * observations, checked where it is read (rezago.source_observations);
	 * uncertainty_draws, which reads no data, has no such argument
	 */
	if (PG_NARGS() > first + 8 && !PG_ARGISNULL(first + 8))
		o->observations = PG_GETARG_OID(first + 8);
	else
		o->observations = InvalidOid;
}
