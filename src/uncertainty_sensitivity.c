/*
 * uncertainty_sensitivity.c
 *	  Which choice moves the ranking?  rank_sensitivity: first-order and
 *	  total Sobol indices of the choices left open (uncertainty.h), by the
 *	  Saltelli design; sensitivity_analytic: the same estimators on functions
 *	  whose indices are known, to check them.
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
#include "uncertainty.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(rezago_rank_sensitivity);
PG_FUNCTION_INFO_V1(rezago_sensitivity_analytic);

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
		rezago_draw_uniforms(seed, (uint64) j + 1, u, 2 * D);
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

	rezago_config_from_uniforms(m, ctx->o, u, &ctx->cfg);
	rezago_evaluate_run(m, &ctx->cfg, &ctx->res);
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

	rezago_parse_options(fcinfo, 0, 1, "base_samples", 2, MAX_BASE_SAMPLES, true, fn, &o);
	rezago_require_not_null(fcinfo, 10, "output", HINT_NULL_ARG, fn);
	rezago_parse_more_options(fcinfo, 11, &o);
	out_name = text_to_cstring(PG_GETARG_TEXT_PP(10));
	output = rezago_name_index(out_name, out_names, N_OUT);
	if (output < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown output \"%s\"", out_name),
				 errdetail("Function %s knows: %s.", fn, rezago_names_list(out_names, N_OUT)),
				 errhint("rank_shift measures how far the ranking moves; stage_shift how many exit stages change.")));
	m = rezago_begin_analysis(fcinfo, &o, true, &cxt, &old);
	if (!o.vary_norm && !o.vary_agg && !o.vary_thr && o.dwpert == 0 && o.vwpert == 0 &&
		m->col_leave < 0 && m->col_wset < 0 && m->col_imp < 0 && m->col_treat < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no input varies"),
				 errdetail("Function %s received every vary_ flag false, no weight perturbation, no variable to leave out, no weight sets, imputations or outlier treatments.", fn),
				 errhint("Let at least one input vary.")));

	/* inputs: the varied choices, and one weight group per dimension */
	D = rezago_n_uniforms(m);
	group = palloc(sizeof(int) * D);
	input = palloc(sizeof(char *) * (7 + m->nd));
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
	if (o.dwpert > 0 || o.vwpert > 0)
		for (d = 0; d < m->nd; d++)
		{
			group[COL_WEIGHTS + d] = k;
			for (v = m->dim_first[d]; v < m->dim_first[d] + m->dim_nv[d]; v++)
				group[COL_WEIGHTS + m->nd + v] = k;
			input[k++] = psprintf("weights:%s", m->dim_code[d]);
		}
	/* the optional inputs, each a column of its own when given */
	{
		static char *const names[4] = {"left_out", "weight_set", "imputation", "outlier_treatment"};
		const int	cols[4] = {m->col_leave, m->col_wset, m->col_imp, m->col_treat};

		for (i = 0; i < 4; i++)
			if (cols[i] >= 0)
			{
				group[cols[i]] = k;
				input[k++] = names[i];
			}
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.m = m;
	ctx.o = &o;
	ctx.output = output;
	rezago_config_alloc(m, &ctx.cfg);
	rezago_result_alloc(m, &ctx.res);
	rezago_result_alloc(m, &nom);
	rezago_nominal_config(m, &ctx.cfg);
	rezago_evaluate_nominal(m, &o, &ctx.cfg, &nom);
	ctx.nom_rank = nom.rank;
	ctx.nom_stage = nom.stage;

	saltelli(o.runs, D, k, group, o.seed, index_model, &ctx, &sr);
	for (i = 0; i < k; i++)
		put_indices(rsinfo, input[i], &sr, i, o.runs, k);
	return rezago_end_analysis(cxt, old);
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
	i = rezago_name_index(model, models, 2);
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

