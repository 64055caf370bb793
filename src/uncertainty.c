/*
 * uncertainty.c
 *	  How sure is the ranking?  Uncertainty and sensitivity analysis of the
 *	  territory index (rank_uncertainty, rank_sensitivity, uncertainty_runs,
 *	  uncertainty_draws, sensitivity_analytic, random_uniforms).
 *
 * The index is rebuilt many times, each time with other choices that the
 * plan leaves open: the normalisation, the aggregation (arithmetic or
 * geometric), the weights (each perturbed by up to +-p, renormalised) and the
 * threshold rule of the exit stages.  The data are read once through SPI into
 * dense arrays; everything that does not depend on a run's draws is computed
 * once (the lag scores under every normalisation, the exit stage of every
 * territory under every threshold rule), so that a run costs one pass over
 * comunas x variables plus a sort of the territories.
 *
 * The nominal run is the methodology as stored: its normalisation,
 * arithmetic aggregation, its weights and threshold rule.  It reproduces
 * rezago.territory_index (index to rounding, same ranks).  Each run's index
 * follows METHOD.md section 3 with the run's choices:
 *	- lag scores over the comunas with data, winsorised first when the
 *	  methodology says so, with the definitions of comuna_lag_scores;
 *	- dimension score: weighted mean of the available scores, NULL when the
 *	  scored share of the dimension's (run) weight is below min_coverage;
 *	- index: weighted mean of the dimension scores, NULL if any is NULL;
 *	- territory: mean of its members' indices (population-weighted when the
 *	  methodology says so), NULL when no member has one;
 *	- rank: descending, ties share a rank (1, 1, 3), NULL index unranked.
 *
 * Geometric aggregation.  Lag scores are 0 for the best comuna of a variable
 * (min-max, rank) and z-scores are negative for half of them, so a geometric
 * mean of raw scores is either 0 or undefined.  Like COINr, which asks for
 * indicators normalised onto [1, 100] before a geometric mean, the geometric
 * runs aggregate achievements on a [1, 100] scale, where a low achievement
 * (a large lag) is not compensated by the others:
 *	  achievement a = 1 - s for min-max, rank and goalpost scores s in [0, 1];
 *	  a = z_max - z for z-scores (z_max: the variable's largest lag z-score
 *	  in the period, so a >= 0, in standard deviations);
 *	  p = 1 + 99 a;  dimension P_d = weighted geometric mean of p;
 *	  P = weighted geometric mean of the P_d;  index = 1 - (P - 1) / 99.
 * A comuna whose scores are all equal to s gets index s under both
 * aggregations (for the bounded normalisations); weights, coverage and NULL
 * rules are those of the arithmetic mean.
 *
 * Exit stage of a run (METHOD.md section 4, as rezago.territory_exit): a
 * territory's value of a variable is the mean of its members' raw values; the
 * threshold is the official one of the period when rezago.official_threshold
 * has it (an authority's threshold is not a choice: it wins in every run),
 * else the run's rule over the comunas' raw values: mean, median
 * (percentile_cont(0.5)), the methodology's percentile or its fixed value;
 * the gap polarity * (threshold - value) is overcome when <= 0; a variable is
 * evaluated when the value and the threshold exist; the stage is
 * rezago_exit_stage(evaluated, overcome, variables, params).
 *
 * Draws.  Run r (r >= 1) of seed k uses the generator of stream r (rng.h)
 * and draws, in this order, D = 3 + dimensions + variables uniforms: u[0]
 * normalisation, u[1] aggregation, u[2] threshold rule, then one per
 * dimension weight and one per variable weight (dimensions and variables in
 * code order, C collation).  Every uniform is drawn even when its input is
 * fixed, so that fixing one input leaves the others' draws unchanged.  A
 * choice among n options is option floor(u n); a weight w becomes
 * w (1 + p (2u - 1)), then the weights are renormalised (variables within
 * their dimension, dimensions over the index).  Run 0 is the nominal run.
 *
 * Sensitivity (Saltelli design).  Row j (1..N) of matrices A and B is drawn
 * from stream j: A's D uniforms, then B's.  Each varied input is a group of
 * columns (normalisation; aggregation; threshold rule; per dimension, the
 * dimension's weight and its variables' weights); A_B^(i) is A with group
 * i's columns from B.  With f the output (mean absolute rank shift from the
 * nominal ranking, or share of territories whose exit stage changes) and V
 * the variance of f over the 2N rows of A and B:
 *	  S_i  = mean_j f(B)_j (f(A_B^i)_j - f(A)_j) / V		(Saltelli et al. 2010)
 *	  ST_i = mean_j (f(A)_j - f(A_B^i)_j)^2 / (2 V)		(Jansen 1999)
 * with standard errors sd(term) / sqrt(N) / V.  N (k + 2) model runs.  The
 * outputs are centred on their mean over A and B first (as SALib does),
 * which leaves the estimators' expectations unchanged and lowers the
 * variance of the first-order one.
 */
#include "rezago.h"
#include "rng.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(rezago_rank_uncertainty);
PG_FUNCTION_INFO_V1(rezago_uncertainty_runs);
PG_FUNCTION_INFO_V1(rezago_uncertainty_draws);
PG_FUNCTION_INFO_V1(rezago_rank_sensitivity);
PG_FUNCTION_INFO_V1(rezago_sensitivity_analytic);
PG_FUNCTION_INFO_V1(rezago_random_uniforms);

/* documented limits */
#define MAX_RUNS			1000000
#define MAX_BASE_SAMPLES	100000
#define MAX_UNIFORMS		1000000
#define MAX_ANALYTIC_INPUTS 20

/* geometric aggregation works on achievements put on [1, 1 + GEO_SCALE] */
#define GEO_SCALE			99.0

enum
{
	NORM_MINMAX, NORM_ZSCORE, NORM_RANK, NORM_GOALPOST, N_NORM
};
static const char *const norm_names[N_NORM] = {"minmax", "zscore", "rank", "goalpost"};

enum
{
	AGG_ARITHMETIC, AGG_GEOMETRIC, N_AGG
};
static const char *const agg_names[N_AGG] = {"arithmetic", "geometric"};

enum
{
	THR_MEAN, THR_MEDIAN, THR_PERCENTILE, THR_FIXED, N_THR
};
static const char *const thr_names[N_THR] = {"mean", "median", "percentile", "fixed"};

/* columns of a draw: three choices, then dimension weights, then variables */
#define COL_NORM	0
#define COL_AGG		1
#define COL_THR		2
#define COL_WEIGHTS 3

/* What varies, and how much (the arguments shared by every function). */
typedef struct UncOptions
{
	const char *fn;
	int32		period;
	int32		runs;			/* runs, or base samples of the sensitivity */
	int64		seed;
	char	   *methodology;
	bool		vary_norm;
	bool		vary_agg;
	float8		wpert;
	bool		vary_thr;
	int			n_norms;
	int			norms[N_NORM];
	int			n_thrs;
	int			thrs[N_THR];
} UncOptions;

/* The methodology and the data, in dense arrays. */
typedef struct Model
{
	const char *fn;
	/* methodology */
	int			nominal_norm;
	int			nominal_thr;
	float8		min_coverage;
	bool		population;
	bool		has_winsor_lo,
				has_winsor_hi;
	float8		winsor_lo,
				winsor_hi;
	bool		has_thr_pct;
	float8		thr_pct;
	RezagoExitParams exitp;
	/* variables, grouped by dimension, both in code order */
	int			nv,
				nd;
	char	  **var_code;
	int		   *var_dim;
	int		   *var_pol;
	float8	   *var_w;			/* normalised within the dimension */
	bool	   *has_gp;
	float8	   *gp_min,
			   *gp_max;
	bool	   *has_fixed;
	float8	   *fixed;
	float8	   *official;		/* official threshold of the period, NaN = none */
	char	  **dim_code;
	float8	   *dim_w;			/* normalised over the index */
	int		   *dim_first,
			   *dim_nv;
	/* comunas */
	int			nc;
	int32	   *cuts;			/* sorted */
	float8	   *raw;			/* nc x nv raw values, NaN = no value */
	float8	   *pop;			/* nc population weights (population weighting) */
	/* territories (code order) and their members */
	int			nt;
	char	  **terr_code;
	int		   *terr_first,
			   *terr_n,
			   *member;			/* comuna indices */
	int			nm;
	int		   *mcomuna;		/* comunas that belong to some territory */
	/* precomputed per choice; NULL until needed */
	float8	   *score[N_NORM];	/* nc x nv lag scores, NaN = no value */
	float8	   *logp[N_NORM];	/* nc x nv log(1 + 99 achievement) */
	uint8	   *stage[N_THR];	/* nt exit stages */
} Model;

/*
 * Text datums of every label a row may carry, made once per call: a long
 * uncertainty_runs must not allocate per row (runs x territories rows).
 */
typedef struct Labels
{
	Datum		norm[N_NORM];
	Datum		agg[N_AGG];
	Datum		thr[N_THR];
	Datum		stage[REZAGO_N_EXIT_STAGES];
	Datum	   *territory;		/* nt */
	Datum	   *variable;		/* nv */
	Datum	   *dimension;		/* nv: the dimension of each variable */
} Labels;

static void
make_labels(const Model *m, Labels *l)
{
	int			i;

	for (i = 0; i < N_NORM; i++)
		l->norm[i] = CStringGetTextDatum(norm_names[i]);
	for (i = 0; i < N_AGG; i++)
		l->agg[i] = CStringGetTextDatum(agg_names[i]);
	for (i = 0; i < N_THR; i++)
		l->thr[i] = CStringGetTextDatum(thr_names[i]);
	for (i = 0; i < REZAGO_N_EXIT_STAGES; i++)
		l->stage[i] = CStringGetTextDatum(rezago_exit_stage_names[i]);
	l->territory = palloc(sizeof(Datum) * (m->nt + 1));
	for (i = 0; i < m->nt; i++)
		l->territory[i] = CStringGetTextDatum(m->terr_code[i]);
	l->variable = palloc(sizeof(Datum) * (m->nv + 1));
	l->dimension = palloc(sizeof(Datum) * (m->nv + 1));
	for (i = 0; i < m->nv; i++)
	{
		l->variable[i] = CStringGetTextDatum(m->var_code[i]);
		l->dimension[i] = CStringGetTextDatum(m->dim_code[m->var_dim[i]]);
	}
}

/* The choices of one run. */
typedef struct RunConfig
{
	int			norm,
				agg,
				thr;
	float8	   *vw;				/* nv variable weights, sum 1 per dimension */
	float8	   *dw;				/* nd dimension weights, sum 1 */
} RunConfig;

/* The results of one run. */
typedef struct RunResult
{
	float8	   *cidx;			/* nc comuna indices (members only), NaN = NULL */
	float8	   *tidx;			/* nt territory indices, NaN = NULL */
	int32	   *rank;			/* nt ranks, 0 = unranked */
	int		   *order;			/* nt scratch */
	const uint8 *stage;			/* nt exit stages */
} RunResult;

/* --------------------------------------------------------------------
 * Argument checks
 * -------------------------------------------------------------------- */

/* hints of the argument checks (rezago_require_not_null, rezago_int_arg) */
#define HINT_NULL_ARG "Pass a value, or leave the argument out to use its default."
#define HINT_LIMITS "The limits keep one call within memory and time bounds; run a larger analysis as several calls with other seeds."

/* Index of `s` in names[0..n), or -1. */
static int
name_index(const char *s, const char *const *names, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static char *
names_list(const char *const *names, int n)
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
				 errhint("Give at least one of: %s; or turn the variation off.", names_list(names, nnames))));
	for (i = 0; i < n; i++)
	{
		char	   *s;
		int			k;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", name),
					 errdetail("Function %s received a NULL in element %d of %s.", fn, i + 1, name),
					 errhint("Give only names from: %s.", names_list(names, nnames))));
		s = TextDatumGetCString(elems[i]);
		k = name_index(s, names, nnames);
		if (k < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown %s option \"%s\"", name, s),
					 errdetail("Function %s knows: %s.", fn, names_list(names, nnames)),
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
static void
parse_options(FunctionCallInfo fcinfo, int period_arg, int first,
			  const char *runs_name, int32 min_runs, int32 max_runs, const char *fn,
			  UncOptions *o)
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
	o->n_norms = choices_arg(fcinfo, first + 7, "normalisations", norm_names, N_NORM, o->norms, fn);
	o->n_thrs = choices_arg(fcinfo, first + 8, "threshold_rules", thr_names, N_THR, o->thrs, fn);
}

/* --------------------------------------------------------------------
 * Reading the methodology and the data (SPI)
 * -------------------------------------------------------------------- */

/*
 * Runs a read-only query.  SPI leaves CurrentMemoryContext in its procedure
 * context after each call; switch back to the caller's context, where the
 * model's copies of the results must live.
 */
static SPITupleTable *
query(const char *sql, int nargs, Oid *types, Datum *values)
{
	MemoryContext cxt = CurrentMemoryContext;
	int			rc = SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0);

	MemoryContextSwitchTo(cxt);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "rezago uncertainty: query failed (%s): %s",
			 SPI_result_code_string(rc), sql);
	return SPI_tuptable;
}

static Datum
col(SPITupleTable *tt, uint64 row, int colno, bool *isnull)
{
	return SPI_getbinval(tt->vals[row], tt->tupdesc, colno, isnull);
}

static char *
col_text(SPITupleTable *tt, uint64 row, int colno)
{
	bool		isnull;
	Datum		d = col(tt, row, colno, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static float8
col_float(SPITupleTable *tt, uint64 row, int colno, bool *has)
{
	bool		isnull;
	Datum		d = col(tt, row, colno, &isnull);

	*has = !isnull;
	return isnull ? 0 : DatumGetFloat8(d);
}

static int
comuna_slot(const Model *m, int32 cut)
{
	int			lo = 0,
				hi = m->nc - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (m->cuts[mid] == cut)
			return mid;
		if (m->cuts[mid] < cut)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	elog(ERROR, "rezago uncertainty: comuna %d not found", cut);
	return -1;					/* keep the compiler quiet */
}

static int
variable_slot(const Model *m, const char *code)
{
	int			v;

	for (v = 0; v < m->nv; v++)
		if (strcmp(m->var_code[v], code) == 0)
			return v;
	elog(ERROR, "rezago uncertainty: variable %s not in the methodology", code);
	return -1;
}

static void
load_methodology(Model *m, const UncOptions *o)
{
	Oid			types[1] = {TEXTOID};
	Datum		args[1] = {CStringGetTextDatum(o->methodology)};
	SPITupleTable *tt;
	bool		has;
	char	   *s;
	uint64		r;
	int			d;

	tt = query("SELECT m.normalisation, m.winsor_lower, m.winsor_upper, m.min_coverage,"
			   " m.territory_weighting, m.threshold_rule, m.threshold_percentile,"
			   " m.exit_started_share, m.exit_advanced_share, m.exit_min_evaluated_share"
			   " FROM rezago.methodology m"
			   " WHERE m.code OPERATOR(pg_catalog.=) rezago.require_methodology($1)",
			   1, types, args);
	if (SPI_processed != 1)
		elog(ERROR, "rezago uncertainty: methodology %s not found", o->methodology);
	s = col_text(tt, 0, 1);
	m->nominal_norm = name_index(s, norm_names, N_NORM);
	m->winsor_lo = col_float(tt, 0, 2, &m->has_winsor_lo);
	m->winsor_hi = col_float(tt, 0, 3, &m->has_winsor_hi);
	m->min_coverage = col_float(tt, 0, 4, &has);
	s = col_text(tt, 0, 5);
	m->population = (strcmp(s, "population") == 0);
	s = col_text(tt, 0, 6);
	m->nominal_thr = name_index(s, thr_names, N_THR);
	m->thr_pct = col_float(tt, 0, 7, &m->has_thr_pct);
	m->exitp.started_share = col_float(tt, 0, 8, &has);
	m->exitp.advanced_share = col_float(tt, 0, 9, &has);
	m->exitp.min_evaluated_share = col_float(tt, 0, 10, &has);
	if (m->nominal_norm < 0 || m->nominal_thr < 0)
		elog(ERROR, "rezago uncertainty: methodology %s has an unknown rule", o->methodology);
	rezago_check_exit_params(&m->exitp, m->fn);

	tt = query("SELECT w.variable, w.dimension, w.polarity::integer, w.variable_weight,"
			   " w.dimension_weight, mv.goalpost_min, mv.goalpost_max, mv.threshold_fixed"
			   " FROM rezago.methodology_weights($1) w"
			   " JOIN rezago.methodology_variable mv"
			   "   ON mv.methodology OPERATOR(pg_catalog.=) $1"
			   "  AND mv.variable OPERATOR(pg_catalog.=) w.variable"
			   " ORDER BY w.dimension COLLATE \"C\", w.variable COLLATE \"C\"",
			   1, types, args);
	m->nv = (int) SPI_processed;
	if (m->nv == 0)
		elog(ERROR, "rezago uncertainty: methodology %s has no variable", o->methodology);
	m->var_code = palloc(sizeof(char *) * m->nv);
	m->var_dim = palloc(sizeof(int) * m->nv);
	m->var_pol = palloc(sizeof(int) * m->nv);
	m->var_w = palloc(sizeof(float8) * m->nv);
	m->has_gp = palloc(sizeof(bool) * m->nv);
	m->gp_min = palloc(sizeof(float8) * m->nv);
	m->gp_max = palloc(sizeof(float8) * m->nv);
	m->has_fixed = palloc(sizeof(bool) * m->nv);
	m->fixed = palloc(sizeof(float8) * m->nv);
	m->dim_code = palloc(sizeof(char *) * m->nv);
	m->dim_w = palloc(sizeof(float8) * m->nv);
	m->dim_first = palloc(sizeof(int) * m->nv);
	m->dim_nv = palloc0(sizeof(int) * m->nv);
	d = -1;
	for (r = 0; r < SPI_processed; r++)
	{
		int			v = (int) r;
		char	   *dim = col_text(tt, r, 2);
		bool		has_max;

		if (d < 0 || strcmp(dim, m->dim_code[d]) != 0)
		{
			d++;
			m->dim_code[d] = dim;
			m->dim_w[d] = col_float(tt, r, 5, &has);
			m->dim_first[d] = v;
		}
		m->dim_nv[d]++;
		m->var_code[v] = col_text(tt, r, 1);
		m->var_dim[v] = d;
		m->var_pol[v] = DatumGetInt32(col(tt, r, 3, &has));
		m->var_w[v] = col_float(tt, r, 4, &has);
		m->gp_min[v] = col_float(tt, r, 6, &m->has_gp[v]);
		m->gp_max[v] = col_float(tt, r, 7, &has_max);
		m->has_gp[v] = m->has_gp[v] && has_max;
		m->fixed[v] = col_float(tt, r, 8, &m->has_fixed[v]);
	}
	m->nd = d + 1;
}

/* Checks that every listed (or nominal) choice can be computed. */
static void
check_choices(const Model *m, const UncOptions *o)
{
	int			i,
				v;

	for (i = 0; i < o->n_norms; i++)
		if (o->vary_norm && o->norms[i] == NORM_GOALPOST)
			for (v = 0; v < m->nv; v++)
				if (!m->has_gp[v])
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("normalisation goalpost needs goalposts for every variable"),
							 errdetail("Variable %s of methodology %s has no goalpost_min or goalpost_max.",
									   m->var_code[v], o->methodology),
							 errhint("Set the goalposts in rezago.methodology_variable, or leave goalpost out of normalisations.")));
	for (i = 0; i < o->n_thrs; i++)
		if (o->vary_thr && o->thrs[i] == THR_PERCENTILE && !m->has_thr_pct)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("threshold rule percentile needs a threshold percentile"),
					 errdetail("Methodology %s has no threshold_percentile.", o->methodology),
					 errhint("Set rezago.methodology.threshold_percentile, or leave percentile out of threshold_rules.")));
}

static void
load_data(Model *m, const UncOptions *o)
{
	Oid			types[2] = {INT4OID, TEXTOID};
	Datum		args[2] = {Int32GetDatum(o->period), CStringGetTextDatum(o->methodology)};
	SPITupleTable *tt;
	uint64		r;
	int			i,
				t;
	bool		isnull;
	bool	   *is_member;

	tt = query("SELECT c.cut FROM rezago.comuna c ORDER BY c.cut", 0, NULL, NULL);
	m->nc = (int) SPI_processed;
	m->cuts = palloc(sizeof(int32) * (m->nc + 1));
	for (r = 0; r < SPI_processed; r++)
		m->cuts[r] = DatumGetInt32(col(tt, r, 1, &isnull));
	m->raw = palloc(sizeof(float8) * ((Size) m->nc * m->nv + 1));
	for (i = 0; i < m->nc * m->nv; i++)
		m->raw[i] = get_float8_nan();

	tt = query("SELECT o.cut, o.variable, o.value FROM rezago.observation o"
			   " WHERE o.period OPERATOR(pg_catalog.=) $1 AND o.value IS NOT NULL"
			   "   AND o.variable IN (SELECT w.variable FROM rezago.methodology_weights($2) w)",
			   2, types, args);
	for (r = 0; r < SPI_processed; r++)
	{
		int			c = comuna_slot(m, DatumGetInt32(col(tt, r, 1, &isnull)));
		char	   *code = col_text(tt, r, 2);
		int			v = variable_slot(m, code);
		float8		x = DatumGetFloat8(col(tt, r, 3, &isnull));

		pfree(code);
		if (isnan(x) || isinf(x))
			continue;			/* refused by the table's constraint anyway */
		m->raw[(Size) c * m->nv + v] = x;
	}

	/* official thresholds win over every threshold rule (as in variable_thresholds) */
	m->official = palloc(sizeof(float8) * m->nv);
	for (i = 0; i < m->nv; i++)
		m->official[i] = get_float8_nan();
	tt = query("SELECT ot.variable, ot.value FROM rezago.official_threshold ot"
			   " WHERE ot.period OPERATOR(pg_catalog.=) $1"
			   "   AND ot.variable IN (SELECT w.variable FROM rezago.methodology_weights($2) w)",
			   2, types, args);
	for (r = 0; r < SPI_processed; r++)
	{
		char	   *code = col_text(tt, r, 1);

		m->official[variable_slot(m, code)] = DatumGetFloat8(col(tt, r, 2, &isnull));
		pfree(code);
	}

	m->pop = palloc0(sizeof(float8) * (m->nc + 1));
	if (m->population)
	{
		tt = query("SELECT o.cut, o.value FROM rezago.observation o"
				   " WHERE o.variable OPERATOR(pg_catalog.=) 'poblacion'"
				   "   AND o.period OPERATOR(pg_catalog.=) $1",
				   1, types, args);
		for (r = 0; r < SPI_processed; r++)
		{
			int			c = comuna_slot(m, DatumGetInt32(col(tt, r, 1, &isnull)));
			Datum		d = col(tt, r, 2, &isnull);

			if (!isnull)
			{
				m->pop[c] = DatumGetFloat8(d);
				rezago_require_weight(m->pop[c], m->fn);
			}
		}
	}

	tt = query("SELECT t.code, tm.cut FROM rezago.territory t"
			   " LEFT JOIN rezago.territory_member tm ON tm.territory OPERATOR(pg_catalog.=) t.code"
			   " ORDER BY t.code COLLATE \"C\", tm.cut",
			   0, NULL, NULL);
	m->terr_code = palloc(sizeof(char *) * (SPI_processed + 1));
	m->terr_first = palloc(sizeof(int) * (SPI_processed + 1));
	m->terr_n = palloc0(sizeof(int) * (SPI_processed + 1));
	m->member = palloc(sizeof(int) * (SPI_processed + 1));
	is_member = palloc0(sizeof(bool) * (m->nc + 1));
	t = -1;
	i = 0;
	for (r = 0; r < SPI_processed; r++)
	{
		char	   *code = col_text(tt, r, 1);
		Datum		d;

		if (t < 0 || strcmp(code, m->terr_code[t]) != 0)
		{
			t++;
			m->terr_code[t] = code;
			m->terr_first[t] = i;
		}
		d = col(tt, r, 2, &isnull);
		if (!isnull)
		{
			int			c = comuna_slot(m, DatumGetInt32(d));

			m->member[i++] = c;
			m->terr_n[t]++;
			is_member[c] = true;
		}
	}
	m->nt = t + 1;
	m->mcomuna = palloc(sizeof(int) * (m->nc + 1));
	m->nm = 0;
	for (i = 0; i < m->nc; i++)
		if (is_member[i])
			m->mcomuna[m->nm++] = i;
}

/*
 * Reads what the analysis needs into a fresh Model.  Validates the
 * methodology (rezago.require_methodology: 42704 unknown, 22023 incomplete)
 * and the listed choices.  Everything is allocated in the current memory
 * context; SPI's own memory is released before returning.
 */
static Model *
load_model(const UncOptions *o, bool with_data)
{
	MemoryContext cxt = CurrentMemoryContext;
	Model	   *m = palloc0(sizeof(Model));

	m->fn = o->fn;
	SPI_connect();
	MemoryContextSwitchTo(cxt); /* results and copies live in the caller's context */
	load_methodology(m, o);
	check_choices(m, o);
	if (with_data)
		load_data(m, o);
	SPI_finish();
	MemoryContextSwitchTo(cxt);
	return m;
}

/* --------------------------------------------------------------------
 * Precomputation: lag scores per normalisation, exit stages per rule
 * -------------------------------------------------------------------- */

static int
cmp_float8(const void *a, const void *b)
{
	float8		x = *(const float8 *) a,
				y = *(const float8 *) b;

	return (x > y) - (x < y);
}

/* percentile_cont(p) of n sorted values, as PostgreSQL computes it */
static float8
percentile_cont(const float8 *sorted, int n, float8 p)
{
	float8		pos = p * (n - 1);
	int			lo = (int) floor(pos),
				hi = (int) ceil(pos);

	if (lo == hi)
		return sorted[lo];
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/*
 * The values of variable v over the comunas that have one (the reference
 * population), in comuna order, winsorised when `winsorise`; returns n and
 * fills idx with their comuna slots.
 */
static int
variable_values(const Model *m, int v, bool winsorise, float8 *x, int *idx, float8 *sorted)
{
	int			c,
				n = 0;

	for (c = 0; c < m->nc; c++)
	{
		float8		val = m->raw[(Size) c * m->nv + v];

		if (!isnan(val))
		{
			x[n] = val;
			idx[n++] = c;
		}
	}
	if (winsorise && n > 0 && (m->has_winsor_lo || m->has_winsor_hi))
	{
		/* LEAST(GREATEST(x, lo), hi) where a missing limit is no limit */
		float8		lo,
					hi;
		int			i;

		memcpy(sorted, x, sizeof(float8) * n);
		qsort(sorted, n, sizeof(float8), cmp_float8);
		lo = m->has_winsor_lo ? percentile_cont(sorted, n, m->winsor_lo) : -get_float8_infinity();
		hi = m->has_winsor_hi ? percentile_cont(sorted, n, m->winsor_hi) : get_float8_infinity();
		for (i = 0; i < n; i++)
			x[i] = Min(Max(x[i], lo), hi);
	}
	return n;
}

typedef struct RankKey
{
	float8		key;
	int			i;
} RankKey;

static int
cmp_rankkey_desc(const void *a, const void *b)
{
	const RankKey *x = a,
			   *y = b;

	if (x->key != y->key)
		return (x->key < y->key) ? 1 : -1;
	return x->i - y->i;
}

static void
compute_scores(Model *m, int norm)
{
	Size		cells = (Size) m->nc * m->nv;
	float8	   *score = palloc(sizeof(float8) * (cells + 1));
	float8	   *logp = palloc(sizeof(float8) * (cells + 1));
	float8	   *x = palloc(sizeof(float8) * (m->nc + 1));
	float8	   *sorted = palloc(sizeof(float8) * (m->nc + 1));
	int		   *idx = palloc(sizeof(int) * (m->nc + 1));
	RankKey    *keys = palloc(sizeof(RankKey) * (m->nc + 1));
	Size		k;
	int			v,
				i;

	for (k = 0; k < cells; k++)
		score[k] = logp[k] = get_float8_nan();
	for (v = 0; v < m->nv; v++)
	{
		int			n = variable_values(m, v, true, x, idx, sorted);
		int			pol = m->var_pol[v];
		float8		zmax = 0;

		if (n == 0)
			continue;
		switch (norm)
		{
			case NORM_MINMAX:
			case NORM_GOALPOST:
				{
					float8		lo = x[0],
								hi = x[0];

					if (norm == NORM_GOALPOST)
					{
						lo = m->gp_min[v];
						hi = m->gp_max[v];
					}
					else
						for (i = 1; i < n; i++)
						{
							lo = Min(lo, x[i]);
							hi = Max(hi, x[i]);
						}
					for (i = 0; i < n; i++)
						score[(Size) idx[i] * m->nv + v] = rezago_minmax_lag(x[i], lo, hi, pol);
					break;
				}
			case NORM_ZSCORE:
				{
					/*
					 * rezago.canonical_avg() and
					 * coalesce(rezago.canonical_stddev_samp(), 0)
					 */
					float8	   *scratch = palloc(sizeof(float8) * n);
					float8		mean,
								sd;

					rezago_canonical_moments(x, n, scratch, &mean, &sd);
					pfree(scratch);
					if (n < 2)
						sd = 0;
					for (i = 0; i < n; i++)
					{
						float8		z = rezago_zscore_lag(x[i], mean, sd, pol);

						score[(Size) idx[i] * m->nv + v] = z;
						zmax = (i == 0) ? z : Max(zmax, z);
					}
					break;
				}
			case NORM_RANK:
				{
					/* percent_rank() OVER (ORDER BY polarity * x DESC) */
					int			rk = 1;

					for (i = 0; i < n; i++)
					{
						keys[i].key = pol * x[i];
						keys[i].i = i;
					}
					qsort(keys, n, sizeof(RankKey), cmp_rankkey_desc);
					for (i = 0; i < n; i++)
					{
						if (i > 0 && keys[i].key != keys[i - 1].key)
							rk = i + 1;
						score[(Size) idx[keys[i].i] * m->nv + v] =
							(n > 1) ? (float8) (rk - 1) / (n - 1) : 0.0;
					}
					break;
				}
		}
		/* achievements for the geometric aggregation, on [1, 100] */
		for (i = 0; i < n; i++)
		{
			Size		cell = (Size) idx[i] * m->nv + v;
			float8		a = (norm == NORM_ZSCORE) ? zmax - score[cell] : 1.0 - score[cell];

			logp[cell] = log(1.0 + GEO_SCALE * a);
		}
	}
	m->score[norm] = score;
	m->logp[norm] = logp;
	pfree(x);
	pfree(sorted);
	pfree(idx);
	pfree(keys);
}

/* territory value of every variable: mean of the members' raw values */
static float8 *
territory_values(const Model *m)
{
	float8	   *tv = palloc(sizeof(float8) * ((Size) m->nt * m->nv + 1));
	float8	   *vals = palloc(sizeof(float8) * (m->nc + 1));
	int			t,
				v,
				j;

	for (t = 0; t < m->nt; t++)
		for (v = 0; v < m->nv; v++)
		{
			int			n = 0;

			/* rezago.territory_average(): the canonical sum over n */
			for (j = 0; j < m->terr_n[t]; j++)
			{
				float8		val = m->raw[(Size) m->member[m->terr_first[t] + j] * m->nv + v];

				if (!isnan(val))
					vals[n++] = val;
			}
			tv[(Size) t * m->nv + v] = n > 0 ? rezago_canonical_sum(vals, n) / n : get_float8_nan();
		}
	pfree(vals);
	return tv;
}

static void
compute_stages(Model *m, int rule, const float8 *tv)
{
	float8	   *thr = palloc(sizeof(float8) * m->nv);
	float8	   *x = palloc(sizeof(float8) * (m->nc + 1));
	float8	   *sorted = palloc(sizeof(float8) * (m->nc + 1));
	int		   *idx = palloc(sizeof(int) * (m->nc + 1));
	uint8	   *stage = palloc(sizeof(uint8) * (m->nt + 1));
	int			v,
				t;

	for (v = 0; v < m->nv; v++)
	{
		int			n = variable_values(m, v, false, x, idx, sorted);

		thr[v] = get_float8_nan();
		if (!isnan(m->official[v]))
			thr[v] = m->official[v];
		else if (rule == THR_FIXED)
		{
			if (m->has_fixed[v])
				thr[v] = m->fixed[v];
		}
		else if (n > 0 && rule == THR_MEAN)
			rezago_canonical_moments(x, n, sorted, &thr[v], NULL);	/* canonical_avg() */
		else if (n > 0)
		{
			qsort(x, n, sizeof(float8), cmp_float8);
			thr[v] = percentile_cont(x, n, rule == THR_MEDIAN ? 0.5 : m->thr_pct);
		}
	}
	for (t = 0; t < m->nt; t++)
	{
		int			evaluated = 0,
					overcome = 0;

		for (v = 0; v < m->nv; v++)
		{
			float8		val = tv[(Size) t * m->nv + v];

			if (isnan(val) || isnan(thr[v]))
				continue;
			evaluated++;
			if (m->var_pol[v] * (thr[v] - val) <= 0)
				overcome++;
		}
		stage[t] = (uint8) rezago_exit_stage(evaluated, overcome, m->nv, &m->exitp);
	}
	m->stage[rule] = stage;
	pfree(thr);
	pfree(x);
	pfree(sorted);
	pfree(idx);
}

/* Precomputes every normalisation and threshold rule a run may use. */
static void
prepare(Model *m, const UncOptions *o)
{
	bool		norm_used[N_NORM] = {0};
	bool		thr_used[N_THR] = {0};
	float8	   *tv;
	int			i;

	norm_used[m->nominal_norm] = true;
	thr_used[m->nominal_thr] = true;
	for (i = 0; o->vary_norm && i < o->n_norms; i++)
		norm_used[o->norms[i]] = true;
	for (i = 0; o->vary_thr && i < o->n_thrs; i++)
		thr_used[o->thrs[i]] = true;
	for (i = 0; i < N_NORM; i++)
		if (norm_used[i])
			compute_scores(m, i);
	tv = territory_values(m);
	for (i = 0; i < N_THR; i++)
		if (thr_used[i])
			compute_stages(m, i, tv);
	pfree(tv);
}

/* --------------------------------------------------------------------
 * Runs
 * -------------------------------------------------------------------- */

static int
n_uniforms(const Model *m)
{
	return COL_WEIGHTS + m->nd + m->nv;
}

static void
draw_uniforms(int64 seed, uint64 stream, float8 *u, int n)
{
	RezagoRng	rng;
	int			i;

	rezago_rng_seed(&rng, seed, stream);
	for (i = 0; i < n; i++)
		u[i] = rezago_rng_uniform(&rng);
}

static inline int
pick(float8 u, int n)
{
	int			k = (int) (u * n);

	return Min(k, n - 1);
}

static void
config_alloc(const Model *m, RunConfig *cfg)
{
	cfg->vw = palloc(sizeof(float8) * m->nv);
	cfg->dw = palloc(sizeof(float8) * m->nd);
}

static void
nominal_config(const Model *m, RunConfig *cfg)
{
	cfg->norm = m->nominal_norm;
	cfg->agg = AGG_ARITHMETIC;
	cfg->thr = m->nominal_thr;
	memcpy(cfg->vw, m->var_w, sizeof(float8) * m->nv);
	memcpy(cfg->dw, m->dim_w, sizeof(float8) * m->nd);
}

/* The choices of a run from its uniforms (u == NULL: the nominal run). */
static void
config_from_uniforms(const Model *m, const UncOptions *o, const float8 *u, RunConfig *cfg)
{
	int			d,
				v;

	nominal_config(m, cfg);
	if (u == NULL)
		return;
	if (o->vary_norm)
		cfg->norm = o->norms[pick(u[COL_NORM], o->n_norms)];
	if (o->vary_agg)
		cfg->agg = pick(u[COL_AGG], N_AGG);
	if (o->vary_thr)
		cfg->thr = o->thrs[pick(u[COL_THR], o->n_thrs)];
	if (o->wpert > 0)
	{
		float8		total = 0;

		for (d = 0; d < m->nd; d++)
		{
			cfg->dw[d] *= 1.0 + o->wpert * (2.0 * u[COL_WEIGHTS + d] - 1.0);
			total += cfg->dw[d];
		}
		for (d = 0; d < m->nd; d++)
			cfg->dw[d] /= total;
		for (d = 0; d < m->nd; d++)
		{
			int			end = m->dim_first[d] + m->dim_nv[d];

			total = 0;
			for (v = m->dim_first[d]; v < end; v++)
			{
				cfg->vw[v] *= 1.0 + o->wpert * (2.0 * u[COL_WEIGHTS + m->nd + v] - 1.0);
				total += cfg->vw[v];
			}
			for (v = m->dim_first[d]; v < end; v++)
				cfg->vw[v] /= total;
		}
	}
}

static void
result_alloc(const Model *m, RunResult *res)
{
	res->cidx = palloc(sizeof(float8) * (m->nc + 1));
	res->tidx = palloc(sizeof(float8) * (m->nt + 1));
	res->rank = palloc(sizeof(int32) * (m->nt + 1));
	res->order = palloc(sizeof(int) * (m->nt + 1));
}

static int
cmp_territory_desc(const void *a, const void *b, void *arg)
{
	const float8 *tidx = arg;
	int			x = *(const int *) a,
				y = *(const int *) b;

	if (tidx[x] != tidx[y])
		return (tidx[x] < tidx[y]) ? 1 : -1;
	return x - y;
}

/* Computes the index, rank and exit stage of every territory under cfg. */
static void
evaluate(const Model *m, const RunConfig *cfg, RunResult *res)
{
	bool		geo = (cfg->agg == AGG_GEOMETRIC);
	const float8 *sc = geo ? m->logp[cfg->norm] : m->score[cfg->norm];
	float8		mincov = m->min_coverage - REZAGO_COVERAGE_SLACK;
	/* scratch for the terms of one sum: a dimension's or a territory's */
	float8	   *terms = palloc(sizeof(float8) * (m->nv + m->nc + 1));
	float8	   *weights = palloc(sizeof(float8) * (m->nv + m->nc + 1));
	float8	   *dterms = palloc(sizeof(float8) * (m->nd + 1));
	float8	   *dweights = palloc(sizeof(float8) * (m->nd + 1));
	int			i,
				t,
				n;

	Assert(sc != NULL && m->stage[cfg->thr] != NULL);
	for (i = 0; i < m->nm; i++)
	{
		int			c = m->mcomuna[i];
		const float8 *s = sc + (Size) c * m->nv;
		float8		isum = 0,
					iw = 0;
		int			d;

		for (d = 0; d < m->nd; d++)
		{
			float8		ds,
						ws;
			int			v,
						k = 0,
						end = m->dim_first[d] + m->dim_nv[d];

			/* the canonical sums of the unit aggregates (unit_aggregates.c) */
			for (v = m->dim_first[d]; v < end; v++)
				if (!isnan(s[v]) && cfg->vw[v] > 0)
				{
					terms[k] = cfg->vw[v] * s[v];
					weights[k++] = cfg->vw[v];
				}
			ds = rezago_canonical_sum(terms, k);
			ws = rezago_canonical_sum(weights, k);
			if (ws <= 0 || ws < mincov)
				break;			/* dimension score NULL: index NULL */
			dterms[d] = cfg->dw[d] * (ds / ws);
			dweights[d] = cfg->dw[d];
		}
		if (d == m->nd)
		{
			/* as unit_index: canonical sums over the dimensions */
			isum = rezago_canonical_sum(dterms, m->nd);
			iw = rezago_canonical_sum(dweights, m->nd);
		}
		if (d < m->nd)
			res->cidx[c] = get_float8_nan();
		else if (geo)
			res->cidx[c] = 1.0 - (exp(isum / iw) - 1.0) / GEO_SCALE;
		else
			res->cidx[c] = isum / iw;
	}

	n = 0;
	for (t = 0; t < m->nt; t++)
	{
		float8		sum,
					w;
		int			j,
					k = 0;

		/* territory_average() or dimension_score(index, population) */
		for (j = 0; j < m->terr_n[t]; j++)
		{
			int			c = m->member[m->terr_first[t] + j];
			float8		x = res->cidx[c];
			float8		pw = m->population ? m->pop[c] : 1.0;

			if (isnan(x) || !(pw > 0))
				continue;
			terms[k] = pw * x;
			weights[k++] = pw;
		}
		sum = rezago_canonical_sum(terms, k);
		w = rezago_canonical_sum(weights, k);
		res->tidx[t] = (w > 0) ? sum / w : get_float8_nan();
		res->rank[t] = 0;
		if (w > 0)
			res->order[n++] = t;
	}
	qsort_arg(res->order, n, sizeof(int), cmp_territory_desc, res->tidx);
	for (i = 0; i < n; i++)
	{
		t = res->order[i];
		if (i > 0 && res->tidx[t] == res->tidx[res->order[i - 1]])
			res->rank[t] = res->rank[res->order[i - 1]];
		else
			res->rank[t] = i + 1;
	}
	res->stage = m->stage[cfg->thr];
	pfree(terms);
	pfree(weights);
	pfree(dterms);
	pfree(dweights);
}

/* --------------------------------------------------------------------
 * The frame of every set-returning analysis function
 * -------------------------------------------------------------------- */

/*
 * Sets up a materialised result, switches to a memory context of its own
 * (returned in *cxt; the previous one in *old) and reads the model; with the
 * data, precomputes what the runs need.
 */
static Model *
begin_analysis(FunctionCallInfo fcinfo, const UncOptions *o, bool with_data,
			   MemoryContext *cxt, MemoryContext *old)
{
	Model	   *m;

	InitMaterializedSRF(fcinfo, 0);
	*cxt = AllocSetContextCreate(CurrentMemoryContext, "rezago uncertainty",
								 ALLOCSET_DEFAULT_SIZES);
	*old = MemoryContextSwitchTo(*cxt);
	m = load_model(o, with_data);
	if (with_data)
		prepare(m, o);
	return m;
}

static Datum
end_analysis(MemoryContext cxt, MemoryContext old)
{
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	return (Datum) 0;
}

/* The choices of run r (0 = nominal); u is scratch for the uniforms. */
static void
config_of_run(const Model *m, const UncOptions *o, int r, float8 *u, RunConfig *cfg)
{
	CHECK_FOR_INTERRUPTS();
	if (r > 0)
		draw_uniforms(o->seed, (uint64) r, u, n_uniforms(m));
	config_from_uniforms(m, o, r > 0 ? u : NULL, cfg);
}

/* the first four columns of uncertainty_runs and uncertainty_draws */
static void
put_choices(Datum *values, int r, const RunConfig *cfg, const Labels *l)
{
	values[0] = Int32GetDatum(r);
	values[1] = l->norm[cfg->norm];
	values[2] = l->agg[cfg->agg];
	values[3] = l->thr[cfg->thr];
}

/* --------------------------------------------------------------------
 * rank_uncertainty
 * -------------------------------------------------------------------- */

/*
 * Rank distribution of each territory over the runs: a histogram of ranks
 * when there are at least as many runs as ranks, else the ranks themselves;
 * either way at most runs x territories cells.
 */
typedef struct RankDist
{
	bool		hist;
	int			nt;
	int			width;			/* nt + 1 (histogram) or runs (list) */
	int32	   *cells;			/* nt x width */
	int32	   *ranked;			/* nt: runs with a rank */
} RankDist;

static void
rankdist_init(RankDist *rd, int nt, int runs)
{
	Size		n;

	rd->nt = nt;
	rd->hist = (nt + 1 <= runs);
	rd->width = rd->hist ? nt + 1 : runs;
	n = (Size) nt * rd->width + 1;
	rd->cells = MemoryContextAllocHuge(CurrentMemoryContext, n * sizeof(int32));
	memset(rd->cells, 0, n * sizeof(int32));
	rd->ranked = palloc0(sizeof(int32) * (nt + 1));
}

static void
rankdist_add(RankDist *rd, int t, int32 rank)
{
	int32	   *row = rd->cells + (Size) t * rd->width;

	if (rank <= 0)
		return;
	if (rd->hist)
		row[rank]++;
	else
		row[rd->ranked[t]] = rank;
	rd->ranked[t]++;
}

static int
cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a,
				y = *(const int32 *) b;

	return (x > y) - (x < y);
}

static void
rankdist_finish(RankDist *rd)
{
	int			t;

	if (!rd->hist)
		for (t = 0; t < rd->nt; t++)
			qsort(rd->cells + (Size) t * rd->width, rd->ranked[t], sizeof(int32), cmp_int32);
}

/* k-th smallest rank (0-based) of territory t */
static int32
rankdist_kth(const RankDist *rd, int t, int k)
{
	const int32 *row = rd->cells + (Size) t * rd->width;
	int			r,
				cum = 0;

	if (!rd->hist)
		return row[k];
	for (r = 1; r <= rd->nt; r++)
	{
		cum += row[r];
		if (cum > k)
			return r;
	}
	elog(ERROR, "rezago uncertainty: rank histogram is inconsistent");
	return 0;
}

/* percentile_cont(p) of the ranks of territory t */
static float8
rankdist_percentile(const RankDist *rd, int t, float8 p)
{
	int			n = rd->ranked[t];
	float8		pos = p * (n - 1);
	int			lo = (int) floor(pos),
				hi = (int) ceil(pos);
	float8		a = rankdist_kth(rd, t, lo);

	if (lo == hi)
		return a;
	return a + (rankdist_kth(rd, t, hi) - a) * (pos - lo);
}

#define RU_COLS 17

Datum
rezago_rank_uncertainty(PG_FUNCTION_ARGS)
{
	const char *fn = "rank_uncertainty";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt,
				old;
	UncOptions	o;
	Model	   *m;
	Labels		labels;
	RunConfig	cfg;
	RunResult	nom,
				res;
	RankDist	rd;
	int32		top_n;
	int32	   *top;
	int32	   *stages;
	float8	   *u;
	int			r,
				t,
				s;

	parse_options(fcinfo, 0, 1, "runs", 1, MAX_RUNS, fn, &o);
	top_n = rezago_int_arg(fcinfo, 10, "top_n", 1, PG_INT32_MAX, HINT_NULL_ARG,
						   "top_n counts the most lagged territories: 10 means ranks 1 to 10.", fn);
	m = begin_analysis(fcinfo, &o, true, &cxt, &old);
	make_labels(m, &labels);
	config_alloc(m, &cfg);
	result_alloc(m, &nom);
	result_alloc(m, &res);
	nominal_config(m, &cfg);
	evaluate(m, &cfg, &nom);

	rankdist_init(&rd, m->nt, o.runs);
	top = palloc0(sizeof(int32) * (m->nt + 1));
	stages = palloc0(sizeof(int32) * ((Size) m->nt * REZAGO_N_EXIT_STAGES + 1));
	u = palloc(sizeof(float8) * n_uniforms(m));
	for (r = 1; r <= o.runs; r++)
	{
		config_of_run(m, &o, r, u, &cfg);
		evaluate(m, &cfg, &res);
		for (t = 0; t < m->nt; t++)
		{
			rankdist_add(&rd, t, res.rank[t]);
			if (res.rank[t] > 0 && res.rank[t] <= top_n)
				top[t]++;
			stages[t * REZAGO_N_EXIT_STAGES + res.stage[t]]++;
		}
	}
	rankdist_finish(&rd);

	for (t = 0; t < m->nt; t++)
	{
		Datum		values[RU_COLS];
		bool		nulls[RU_COLS] = {0};
		bool		ranked = rd.ranked[t] > 0;

		values[0] = labels.territory[t];
		values[1] = Float8GetDatum(nom.tidx[t]);
		nulls[1] = isnan(nom.tidx[t]);
		values[2] = Int64GetDatum(nom.rank[t]);
		nulls[2] = nom.rank[t] == 0;
		if (ranked)
		{
			values[3] = Float8GetDatum(rankdist_percentile(&rd, t, 0.5));
			values[4] = Float8GetDatum(rankdist_percentile(&rd, t, 0.05));
			values[5] = Float8GetDatum(rankdist_percentile(&rd, t, 0.95));
			values[6] = Int64GetDatum(rankdist_kth(&rd, t, 0));
			values[7] = Int64GetDatum(rankdist_kth(&rd, t, rd.ranked[t] - 1));
		}
		else
			nulls[3] = nulls[4] = nulls[5] = nulls[6] = nulls[7] = true;
		values[8] = Float8GetDatum((float8) top[t] / o.runs);
		values[9] = Int32GetDatum(rd.ranked[t]);
		values[10] = labels.stage[nom.stage[t]];
		for (s = 0; s < REZAGO_N_EXIT_STAGES; s++)
			values[11 + s] = Float8GetDatum((float8) stages[t * REZAGO_N_EXIT_STAGES + s] / o.runs);
		values[16] = Int32GetDatum(o.runs);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return end_analysis(cxt, old);
}

/* --------------------------------------------------------------------
 * uncertainty_runs and uncertainty_draws
 * -------------------------------------------------------------------- */

#define UR_COLS 8

Datum
rezago_uncertainty_runs(PG_FUNCTION_ARGS)
{
	const char *fn = "uncertainty_runs";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt,
				old;
	UncOptions	o;
	Model	   *m;
	Labels		labels;
	RunConfig	cfg;
	RunResult	res;
	float8	   *u;
	int			r,
				t;

	parse_options(fcinfo, 0, 1, "runs", 1, MAX_RUNS, fn, &o);
	m = begin_analysis(fcinfo, &o, true, &cxt, &old);
	make_labels(m, &labels);
	config_alloc(m, &cfg);
	result_alloc(m, &res);
	u = palloc(sizeof(float8) * n_uniforms(m));
	for (r = 0; r <= o.runs; r++)
	{
		config_of_run(m, &o, r, u, &cfg);
		evaluate(m, &cfg, &res);
		for (t = 0; t < m->nt; t++)
		{
			Datum		values[UR_COLS];
			bool		nulls[UR_COLS] = {0};

			put_choices(values, r, &cfg, &labels);
			values[4] = labels.territory[t];
			values[5] = Float8GetDatum(res.tidx[t]);
			nulls[5] = isnan(res.tidx[t]);
			values[6] = Int64GetDatum(res.rank[t]);
			nulls[6] = res.rank[t] == 0;
			values[7] = labels.stage[res.stage[t]];
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return end_analysis(cxt, old);
}

Datum
rezago_uncertainty_draws(PG_FUNCTION_ARGS)
{
	const char *fn = "uncertainty_draws";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt,
				old;
	UncOptions	o;
	Model	   *m;
	Labels		labels;
	RunConfig	cfg;
	float8	   *u;
	int			r,
				v;

	parse_options(fcinfo, -1, 0, "runs", 1, MAX_RUNS, fn, &o);
	m = begin_analysis(fcinfo, &o, false, &cxt, &old);
	make_labels(m, &labels);
	config_alloc(m, &cfg);
	u = palloc(sizeof(float8) * n_uniforms(m));
	for (r = 0; r <= o.runs; r++)
	{
		config_of_run(m, &o, r, u, &cfg);
		for (v = 0; v < m->nv; v++)
		{
			Datum		values[UR_COLS];
			bool		nulls[UR_COLS] = {0};

			put_choices(values, r, &cfg, &labels);
			values[4] = labels.dimension[v];
			values[5] = labels.variable[v];
			values[6] = Float8GetDatum(cfg.dw[m->var_dim[v]]);
			values[7] = Float8GetDatum(cfg.vw[v]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return end_analysis(cxt, old);
}

/* --------------------------------------------------------------------
 * Saltelli design and the Saltelli 2010 / Jansen estimators
 * -------------------------------------------------------------------- */

typedef float8 (*SaltelliModel) (void *ctx, const float8 *u);

typedef struct SaltelliResult
{
	int			k;
	float8	   *first,
			   *total,
			   *first_se,
			   *total_se;
	bool		defined;		/* false when the output does not vary */
	float8		mean,
				variance;
} SaltelliResult;

/*
 * Runs the design: N rows, D columns, k groups (group[c] is the group of
 * column c, or -1 when the column is not an input), then estimates.
 */
static void
saltelli(int N, int D, int k, const int *group, int64 seed,
		 SaltelliModel model, void *ctx, SaltelliResult *out)
{
	float8	   *fa = palloc(sizeof(float8) * N);
	float8	   *fb = palloc(sizeof(float8) * N);
	float8	   *fab = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(float8) * (Size) N * k);
	float8	   *ab = palloc(sizeof(float8) * D);
	float8	   *u = palloc(sizeof(float8) * 2 * D);
	float8		mean = 0,
				var = 0;
	int			j,
				i,
				c;

	for (j = 0; j < N; j++)
	{
		const float8 *a = u,
				   *b = u + D;

		CHECK_FOR_INTERRUPTS();
		draw_uniforms(seed, (uint64) j + 1, u, 2 * D);
		fa[j] = model(ctx, a);
		fb[j] = model(ctx, b);
		for (i = 0; i < k; i++)
		{
			for (c = 0; c < D; c++)
				ab[c] = (group[c] == i) ? b[c] : a[c];
			fab[(Size) i * N + j] = model(ctx, ab);
		}
	}
	for (j = 0; j < N; j++)
		mean += fa[j] + fb[j];
	mean /= 2.0 * N;
	for (j = 0; j < N; j++)
		var += (fa[j] - mean) * (fa[j] - mean) + (fb[j] - mean) * (fb[j] - mean);
	var /= 2.0 * N;
	/*
	 * Centre the outputs (as SALib does): the estimators' expectations do not
	 * change, the first-order estimator's variance drops when |mean| is large
	 * compared with the spread.
	 */
	for (j = 0; j < N; j++)
	{
		fa[j] -= mean;
		fb[j] -= mean;
	}
	for (j = 0; j < (Size) N * k; j++)
		fab[j] -= mean;

	out->k = k;
	out->mean = mean;
	out->variance = var;
	out->defined = var > 0;
	out->first = palloc(sizeof(float8) * (k + 1));
	out->total = palloc(sizeof(float8) * (k + 1));
	out->first_se = palloc(sizeof(float8) * (k + 1));
	out->total_se = palloc(sizeof(float8) * (k + 1));
	for (i = 0; i < k && out->defined; i++)
	{
		const float8 *fi = fab + (Size) i * N;
		float8		s1 = 0,
					s2 = 0,
					t1 = 0,
					t2 = 0;

		for (j = 0; j < N; j++)
		{
			float8		x = fb[j] * (fi[j] - fa[j]);
			float8		y = 0.5 * (fa[j] - fi[j]) * (fa[j] - fi[j]);

			s1 += x;
			t1 += y;
		}
		s1 /= N;
		t1 /= N;
		for (j = 0; j < N; j++)
		{
			float8		x = fb[j] * (fi[j] - fa[j]) - s1;
			float8		y = 0.5 * (fa[j] - fi[j]) * (fa[j] - fi[j]) - t1;

			s2 += x * x;
			t2 += y * y;
		}
		out->first[i] = s1 / var;
		out->total[i] = t1 / var;
		out->first_se[i] = sqrt(s2 / (N - 1) / N) / var;
		out->total_se[i] = sqrt(t2 / (N - 1) / N) / var;
	}
	pfree(fa);
	pfree(fb);
	pfree(fab);
	pfree(ab);
	pfree(u);
}

/* one output row of the sensitivity functions */
#define RS_COLS 10

static void
put_indices(ReturnSetInfo *rsinfo, const char *input, const SaltelliResult *sr, int i,
			int N, int k)
{
	Datum		values[RS_COLS];
	bool		nulls[RS_COLS] = {0};

	values[0] = CStringGetTextDatum(input);
	values[1] = Float8GetDatum(sr->first[i]);
	values[2] = Float8GetDatum(sr->total[i]);
	values[3] = Float8GetDatum(sr->first_se[i]);
	values[4] = Float8GetDatum(sr->total_se[i]);
	nulls[1] = nulls[2] = nulls[3] = nulls[4] = !sr->defined;
	values[5] = Float8GetDatum(sr->mean);
	values[6] = Float8GetDatum(sr->variance);
	values[7] = Int32GetDatum(N);
	values[8] = Int64GetDatum((int64) N * (k + 2));
	values[9] = Int32GetDatum(k);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* --------------------------------------------------------------------
 * rank_sensitivity
 * -------------------------------------------------------------------- */

enum
{
	OUT_RANK_SHIFT, OUT_STAGE_SHIFT, N_OUT
};
static const char *const out_names[N_OUT] = {"rank_shift", "stage_shift"};

typedef struct IndexModelCtx
{
	const Model *m;
	const UncOptions *o;
	int			output;
	RunConfig	cfg;
	RunResult	res;
	const int32 *nom_rank;
	const uint8 *nom_stage;
} IndexModelCtx;

/*
 * The output of one configuration: mean |rank - nominal rank| over the
 * territories ranked in both (0 when there is none), or the share of
 * territories whose exit stage differs from the nominal one.
 */
static float8
index_model(void *arg, const float8 *u)
{
	IndexModelCtx *ctx = arg;
	const Model *m = ctx->m;
	float8		sum = 0;
	int			n = 0,
				t;

	config_from_uniforms(m, ctx->o, u, &ctx->cfg);
	evaluate(m, &ctx->cfg, &ctx->res);
	for (t = 0; t < m->nt; t++)
	{
		if (ctx->output == OUT_RANK_SHIFT)
		{
			if (ctx->res.rank[t] > 0 && ctx->nom_rank[t] > 0)
			{
				sum += abs(ctx->res.rank[t] - ctx->nom_rank[t]);
				n++;
			}
		}
		else
		{
			sum += (ctx->res.stage[t] != ctx->nom_stage[t]);
			n++;
		}
	}
	return n > 0 ? sum / n : 0.0;
}

Datum
rezago_rank_sensitivity(PG_FUNCTION_ARGS)
{
	const char *fn = "rank_sensitivity";
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext cxt,
				old;
	UncOptions	o;
	Model	   *m;
	IndexModelCtx ctx;
	RunResult	nom;
	SaltelliResult sr;
	char	   *out_name;
	int			output,
				D,
				k = 0,
				d,
				v,
				i;
	int		   *group;
	char	  **input;

	parse_options(fcinfo, 0, 1, "base_samples", 2, MAX_BASE_SAMPLES, fn, &o);
	rezago_require_not_null(fcinfo, 10, "output", HINT_NULL_ARG, fn);
	out_name = text_to_cstring(PG_GETARG_TEXT_PP(10));
	output = name_index(out_name, out_names, N_OUT);
	if (output < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown output \"%s\"", out_name),
				 errdetail("Function %s knows: %s.", fn, names_list(out_names, N_OUT)),
				 errhint("rank_shift measures how far the ranking moves; stage_shift how many exit stages change.")));
	if (!o.vary_norm && !o.vary_agg && !o.vary_thr && o.wpert == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no input varies"),
				 errdetail("Function %s received every vary_ flag false and weight_perturbation = 0.", fn),
				 errhint("Let at least one input vary.")));
	m = begin_analysis(fcinfo, &o, true, &cxt, &old);

	/* inputs: the varied choices, and one weight group per dimension */
	D = n_uniforms(m);
	group = palloc(sizeof(int) * D);
	input = palloc(sizeof(char *) * (3 + m->nd));
	for (i = 0; i < D; i++)
		group[i] = -1;
	if (o.vary_norm)
	{
		group[COL_NORM] = k;
		input[k++] = "normalisation";
	}
	if (o.vary_agg)
	{
		group[COL_AGG] = k;
		input[k++] = "aggregation";
	}
	if (o.vary_thr)
	{
		group[COL_THR] = k;
		input[k++] = "threshold_rule";
	}
	if (o.wpert > 0)
		for (d = 0; d < m->nd; d++)
		{
			group[COL_WEIGHTS + d] = k;
			for (v = m->dim_first[d]; v < m->dim_first[d] + m->dim_nv[d]; v++)
				group[COL_WEIGHTS + m->nd + v] = k;
			input[k++] = psprintf("weights:%s", m->dim_code[d]);
		}

	memset(&ctx, 0, sizeof(ctx));
	ctx.m = m;
	ctx.o = &o;
	ctx.output = output;
	config_alloc(m, &ctx.cfg);
	result_alloc(m, &ctx.res);
	result_alloc(m, &nom);
	nominal_config(m, &ctx.cfg);
	evaluate(m, &ctx.cfg, &nom);
	ctx.nom_rank = nom.rank;
	ctx.nom_stage = nom.stage;

	saltelli(o.runs, D, k, group, o.seed, index_model, &ctx, &sr);
	for (i = 0; i < k; i++)
		put_indices(rsinfo, input[i], &sr, i, o.runs, k);
	return end_analysis(cxt, old);
}

/* --------------------------------------------------------------------
 * sensitivity_analytic: the estimators on functions with known indices
 * -------------------------------------------------------------------- */

typedef struct AnalyticCtx
{
	bool		ishigami;
	int			k;
	const float8 *coef;
} AnalyticCtx;

static float8
analytic_model(void *arg, const float8 *u)
{
	AnalyticCtx *ctx = arg;
	float8		y = 0;
	int			i;

	if (ctx->ishigami)
	{
		/* x_i uniform on [-pi, pi]: sin x1 + a sin^2 x2 + b x3^4 sin x1 */
		float8		x1 = M_PI * (2 * u[0] - 1),
					x2 = M_PI * (2 * u[1] - 1),
					x3 = M_PI * (2 * u[2] - 1);

		return sin(x1) + ctx->coef[0] * sin(x2) * sin(x2) +
			ctx->coef[1] * pow(x3, 4) * sin(x1);
	}
	for (i = 0; i < ctx->k; i++)
		y += ctx->coef[i] * u[i];
	return y;
}

Datum
rezago_sensitivity_analytic(PG_FUNCTION_ARGS)
{
	const char *fn = "sensitivity_analytic";
	static const char *const models[] = {"linear", "ishigami"};
	static const float8 ishigami_default[2] = {7.0, 0.1};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AnalyticCtx ctx;
	SaltelliResult sr;
	char	   *model;
	int			N,
				i,
				n = 0;
	int64		seed;
	float8	   *coef = NULL;
	int			group[MAX_ANALYTIC_INPUTS];

	rezago_require_not_null(fcinfo, 0, "model", HINT_NULL_ARG, fn);
	model = text_to_cstring(PG_GETARG_TEXT_PP(0));
	N = rezago_int_arg(fcinfo, 1, "base_samples", 2, MAX_BASE_SAMPLES,
					   HINT_NULL_ARG, HINT_LIMITS, fn);
	rezago_require_not_null(fcinfo, 2, "seed", HINT_NULL_ARG, fn);
	seed = PG_GETARG_INT64(2);
	memset(&ctx, 0, sizeof(ctx));
	i = name_index(model, models, 2);
	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown model \"%s\"", model),
				 errdetail("Function %s knows: linear (sum of coefficient x uniform input), ishigami.", fn),
				 errhint("Pass linear with coefficients, or ishigami.")));
	ctx.ishigami = (i == 1);
	if (!PG_ARGISNULL(3))
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(3);
		bool	   *nulls;
		Datum	   *elems;
		int			j;

		rezago_require_1d_array(a, "coefficients", "Pass a list such as ARRAY[1, 2].", fn);
		deconstruct_array(a, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
		coef = palloc(sizeof(float8) * (n + 1));
		for (j = 0; j < n; j++)
		{
			if (nulls[j])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("coefficients must not contain NULL"),
						 errdetail("Function %s received a NULL coefficient %d.", fn, j + 1),
						 errhint("Give every coefficient a value.")));
			coef[j] = DatumGetFloat8(elems[j]);
			if (isnan(coef[j]) || isinf(coef[j]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("coefficients must be finite numbers"),
						 errdetail("Function %s received %g as coefficient %d.", fn, coef[j], j + 1),
						 errhint("Give every coefficient a finite value.")));
		}
	}
	if (ctx.ishigami)
	{
		if (coef == NULL)
		{
			coef = (float8 *) ishigami_default;
			n = 2;
		}
		if (n != 2)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the ishigami model takes two coefficients"),
					 errdetail("Function %s received %d coefficients.", fn, n),
					 errhint("Pass ARRAY[a, b], or NULL for the usual a = 7, b = 0.1.")));
		ctx.k = 3;
	}
	else
	{
		if (n < 1 || n > MAX_ANALYTIC_INPUTS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the linear model takes 1 to %d coefficients", MAX_ANALYTIC_INPUTS),
					 errdetail("Function %s received %d coefficients.", fn, n),
					 errhint("Pass ARRAY[a1, a2, ...]: Y = a1 x1 + a2 x2 + ... with x uniform on [0, 1).")));
		ctx.k = n;
	}
	ctx.coef = coef;
	for (i = 0; i < ctx.k; i++)
		group[i] = i;

	InitMaterializedSRF(fcinfo, 0);
	saltelli(N, ctx.k, ctx.k, group, seed, analytic_model, &ctx, &sr);
	for (i = 0; i < ctx.k; i++)
	{
		char		name[16];

		snprintf(name, sizeof(name), "x%d", i + 1);
		put_indices(rsinfo, name, &sr, i, N, ctx.k);
	}
	return (Datum) 0;
}

/* --------------------------------------------------------------------
 * random_uniforms: the generator, for reproducing draws
 * -------------------------------------------------------------------- */

Datum
rezago_random_uniforms(PG_FUNCTION_ARGS)
{
	const char *fn = "random_uniforms";
	int64		seed = PG_GETARG_INT64(0);
	int64		stream = PG_GETARG_INT64(1);
	int32		n = PG_GETARG_INT32(2);
	Datum	   *d;
	RezagoRng	rng;
	int			i;

	rezago_require_int_range(n, "n", 0, MAX_UNIFORMS,
							 "Ask for fewer numbers, or for several streams.", fn);
	if (stream < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stream must not be negative"),
				 errdetail("Function %s received stream = " INT64_FORMAT ".", fn, stream),
				 errhint("Streams are run numbers: 1, 2, ...")));
	d = palloc(sizeof(Datum) * (n + 1));
	rezago_rng_seed(&rng, seed, (uint64) stream);
	for (i = 0; i < n; i++)
		d[i] = Float8GetDatum(rezago_rng_uniform(&rng));
	PG_RETURN_ARRAYTYPE_P(construct_array(d, n, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
