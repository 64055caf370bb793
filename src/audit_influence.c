/*
 * audit_influence.c
 *	  variable_influence(period, methodology, n): what leaving each variable
 *	  out does to the ranking (doc/method.md section 13.5).  The index is not
 *	  computed again by a scoring engine of its own: the uncertainty engine's
 *	  model (uncertainty_model.c) reads the lag scores once from
 *	  rezago.comuna_lag_scores, and rezago_evaluate_run (uncertainty_scoring.c),
 *	  whose nominal run is rezago.comuna_index and territory_index bit for bit,
 *	  computes every index with the variable's weight set to 0 and the
 *	  other weights of its dimension renormalised (as methodology_weights does
 *	  for a methodology without the variable).  When the variable is the only
 *	  one of its dimension, the dimension leaves the index and the other
 *	  dimensions' weights are renormalised.  Lag scores do not depend on the
 *	  other variables (every normalisation is per variable), so they are read
 *	  once.  Comunas are ranked by the engine too, each seen as a territory
 *	  of its own (rezago_comunas_as_units), so that comunas and territories
 *	  follow one ranking rule: descending, ties share a rank (1, 1, 3).
 */
#include "audit.h"
#include "uncertainty.h"

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(rezago_variable_influence);

#define MAX_TOP_N 100000

/* mean and largest |a - b| over the units ranked in both; how many */
static int
rank_shift(const int32 *a, const int32 *b, int n, float8 *mean, int32 *max)
{
	float8	   *d = palloc(sizeof(float8) * (n + 1));
	int			i,
				k = 0;

	*max = 0;
	for (i = 0; i < n; i++)
		if (a[i] > 0 && b[i] > 0)
		{
			int32		s = abs(a[i] - b[i]);

			d[k++] = s;
			*max = Max(*max, s);
		}
	*mean = k > 0 ? rezago_canonical_sum(d, k) / k : 0;
	pfree(d);
	return k;
}

/*
 * variable_influence(period, methodology, n): one row per variable of the
 * methodology (in dimension, then variable order): comunas and territories
 * ranked both with and without it, the mean and largest absolute change of
 * their rank, and how many territories enter and leave the n most lagged.
 * NULL argument: 22004; n outside 1..100000: 22023; unknown (42704) or
 * incomplete (22023) methodology.
 */
Datum
rezago_variable_influence(PG_FUNCTION_ARGS)
{
	const char *fn = "variable_influence";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	UncOptions	o;
	Model	   *m;
	MemoryContext cxt,
				old;
	RunConfig	cfg;
	Model		cm;
	RunResult	nom,
				res,
				cnom,
				cres;
	int			top,
				v,
				i;

	rezago_require_not_null(fcinfo, 0, "period", HINT_NULL_ARG, fn);
	rezago_require_not_null(fcinfo, 1, "methodology", HINT_NULL_ARG, fn);
	top = rezago_int_arg(fcinfo, 2, "n", 1, MAX_TOP_N, HINT_NULL_ARG,
						 "Pass how many of the most lagged territories to compare, e.g. 10.", fn);
	memset(&o, 0, sizeof(o));
	o.fn = fn;
	o.period = PG_GETARG_INT32(0);
	o.runs = 1;
	o.seed = 1;
	o.methodology = text_to_cstring(PG_GETARG_TEXT_PP(1));
	o.target = "index";
	/* ranks only: the exit stages (rezago.territory_exit) are not read */
	o.ranks_only = true;
	/* checked where it is read (rezago.source_observations) */
	o.observations = PG_ARGISNULL(3) ? InvalidOid : PG_GETARG_OID(3);

	m = rezago_begin_analysis(fcinfo, &o, true, &cxt, &old);
	cm = *m;
	rezago_comunas_as_units(&cm);
	rezago_config_alloc(m, &cfg);
	rezago_result_alloc(m, &nom);
	rezago_result_alloc(m, &res);
	rezago_result_alloc(&cm, &cnom);
	rezago_result_alloc(&cm, &cres);
	rezago_nominal_config(m, &cfg);
	rezago_evaluate_run(m, &cfg, &nom);
	rezago_evaluate_run(&cm, &cfg, &cnom);

	for (v = 0; v < m->nv; v++)
	{
		int			d = m->var_dim[v],
					enter = 0,
					leave = 0,
					cn,
					tn;
		float8		cmean,
					tmean;
		int32		cmax,
					tmax;
		Datum		values[10];
		bool		nulls[10] = {0};

		/*
		 * the weights of a run that leaves v out, as the uncertainty runs
		 * define them: the others of its dimension share its weight, and a
		 * dimension left empty drops out of the index
		 */
		rezago_nominal_config(m, &cfg);
		rezago_leave_out(m, &cfg, v);
		rezago_evaluate_run(m, &cfg, &res);
		rezago_evaluate_run(&cm, &cfg, &cres);
		cn = rank_shift(cnom.rank, cres.rank, m->nc, &cmean, &cmax);
		tn = rank_shift(nom.rank, res.rank, m->nt, &tmean, &tmax);
		for (i = 0; i < m->nt; i++)
		{
			bool		was = nom.rank[i] > 0 && nom.rank[i] <= top,
						is = res.rank[i] > 0 && res.rank[i] <= top;

			enter += (is && !was);
			leave += (was && !is);
		}
		values[0] = CStringGetTextDatum(m->var_code[v]);
		values[1] = CStringGetTextDatum(m->dim_code[d]);
		values[2] = Int32GetDatum(cn);
		values[3] = Float8GetDatum(cmean);
		values[4] = Int32GetDatum(cmax);
		values[5] = Int32GetDatum(tn);
		values[6] = Float8GetDatum(tmean);
		values[7] = Int32GetDatum(tmax);
		values[8] = Int32GetDatum(enter);
		values[9] = Int32GetDatum(leave);
		nulls[3] = nulls[4] = (cn == 0);
		nulls[6] = nulls[7] = (tn == 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return rezago_end_analysis(cxt, old);
}
