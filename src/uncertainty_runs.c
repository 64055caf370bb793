/*
 * uncertainty_runs.c
 *	  The runs of the uncertainty analysis, drawn and reported:
 *	  rank_uncertainty (the rank distribution and exit stages of each
 *	  territory over the runs), uncertainty_runs (each run's index, rank and
 *	  stage of every territory), uncertainty_draws (each run's choices and
 *	  weights) and random_uniforms (the generator, for reproducing draws).
 *
 * Draws.  Run r (r >= 1) of seed k uses the generator of stream r (rng.h)
 * and draws, in this order, D = 3 + dimensions + variables uniforms: u[0]
 * normalisation, u[1] aggregation, u[2] threshold rule, then one per
 * dimension weight and one per variable weight (dimensions and variables in
 * code order, C collation); then one column for each optional input that
 * varies (leave_out, weight_sets, imputations, outlier_treatments, in this
 * order), so that runs without them draw as before.  Every uniform is drawn even when its input is
 * fixed, so that fixing one input leaves the others' draws unchanged.  A
 * choice among n options is option floor(u n); a weight w becomes
 * w (1 + p (2u - 1)), then the weights are renormalised (variables within
 * their dimension, dimensions over the index).  Run 0 is the nominal run.
 */
#include "uncertainty.h"
#include "rng.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(rezago_rank_uncertainty);
PG_FUNCTION_INFO_V1(rezago_comuna_rank_uncertainty);
PG_FUNCTION_INFO_V1(rezago_uncertainty_runs);
PG_FUNCTION_INFO_V1(rezago_uncertainty_draws);
PG_FUNCTION_INFO_V1(rezago_random_uniforms);

/* --------------------------------------------------------------------
 * Draws: the choices of a run
 * -------------------------------------------------------------------- */

int
rezago_n_uniforms(const Model *m)
{
	return COL_WEIGHTS + m->nd + m->nv + (m->col_leave >= 0) + (m->col_wset >= 0) +
		(m->col_imp >= 0) + (m->col_treat >= 0);
}

void
rezago_draw_uniforms(int64 seed, uint64 stream, float8 *u, int n)
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

void
rezago_config_alloc(const Model *m, RunConfig *cfg)
{
	cfg->vw = palloc(sizeof(float8) * m->nv);
	cfg->dw = palloc(sizeof(float8) * m->nd);
	cfg->dout = palloc(sizeof(bool) * m->nd);
}

void
rezago_nominal_config(const Model *m, RunConfig *cfg)
{
	cfg->norm = m->nominal_norm;
	cfg->agg = m->nominal_agg;
	cfg->thr = m->nominal_thr;
	cfg->imp = m->nominal_imp;
	cfg->treat = m->nominal_treat;
	cfg->left_out = -1;
	cfg->wset = -1;
	memcpy(cfg->vw, m->var_w, sizeof(float8) * m->nv);
	memcpy(cfg->dw, m->dim_w, sizeof(float8) * m->nd);
	memset(cfg->dout, 0, sizeof(bool) * m->nd);
}

/* w[i] *= 1 + p (2 u[i] - 1) for i < n, then w /= sum(w) */
static void
perturb(float8 *w, const float8 *u, int n, float8 p)
{
	float8		total = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		w[i] *= 1.0 + p * (2.0 * u[i] - 1.0);
		total += w[i];
	}
	for (i = 0; i < n; i++)
		w[i] /= total;
}

/*
 * Leaves variable v out of the run: its weight becomes 0 and the others of
 * its dimension share the dimension's weight; when none is left, the
 * dimension is left out and the others share the index.
 */
void
rezago_leave_out(const Model *m, RunConfig *cfg, int v)
{
	int			d = m->var_dim[v],
				end = m->dim_first[d] + m->dim_nv[d],
				i;
	float8		total = 0;

	cfg->left_out = v;
	cfg->vw[v] = 0;
	for (i = m->dim_first[d]; i < end; i++)
		total += cfg->vw[i];
	if (total > 0)
	{
		for (i = m->dim_first[d]; i < end; i++)
			cfg->vw[i] /= total;
		return;
	}
	cfg->dout[d] = true;
	cfg->dw[d] = 0;
	total = 0;
	for (i = 0; i < m->nd; i++)
		total += cfg->dw[i];
	for (i = 0; i < m->nd && total > 0; i++)	/* 0: nothing left to score */
		cfg->dw[i] /= total;
}

/*
 * The choices of a run from its uniforms (u == NULL: the nominal run): the
 * normalisation, aggregation, threshold rule, imputation and outlier
 * treatment; the weights: a weight set
 * (or the methodology's), dimension weights perturbed and renormalised, then
 * each dimension's variable weights; then the variable left out, if any.
 */
void
rezago_config_from_uniforms(const Model *m, const UncOptions *o, const float8 *u,
							RunConfig *cfg)
{
	int			d;

	rezago_nominal_config(m, cfg);
	if (u == NULL)
		return;
	if (o->vary_norm)
		cfg->norm = o->norms[pick(u[COL_NORM], o->n_norms)];
	if (o->vary_agg)
		cfg->agg = o->aggs[pick(u[COL_AGG], o->n_aggs)];
	if (o->vary_thr)
		cfg->thr = o->thrs[pick(u[COL_THR], o->n_thrs)];
	if (m->col_imp >= 0)
		cfg->imp = o->imps[pick(u[m->col_imp], o->n_imps)];
	if (m->col_treat >= 0)
		cfg->treat = o->treats[pick(u[m->col_treat], o->n_treats)];
	if (m->col_wset >= 0)
	{
		cfg->wset = pick(u[m->col_wset], m->n_wsets);
		memcpy(cfg->vw, m->wset_vw + (Size) cfg->wset * m->nv, sizeof(float8) * m->nv);
		memcpy(cfg->dw, m->wset_dw + (Size) cfg->wset * m->nd, sizeof(float8) * m->nd);
		for (d = 0; d < m->nd; d++)
			cfg->dout[d] = !(cfg->dw[d] > 0);
	}
	if (o->dwpert > 0)
		perturb(cfg->dw, u + COL_WEIGHTS, m->nd, o->dwpert);
	if (o->vwpert > 0)
		for (d = 0; d < m->nd; d++)
			if (!cfg->dout[d])
				perturb(cfg->vw + m->dim_first[d], u + COL_WEIGHTS + m->nd + m->dim_first[d],
						m->dim_nv[d], o->vwpert);
	if (m->col_leave >= 0)
	{
		/* none, or one of the listed variables, with equal probability */
		int			k = pick(u[m->col_leave], m->n_leave + 1);

		if (k > 0 && cfg->dout[m->var_dim[m->leave[k - 1]]])
			cfg->left_out = m->leave[k - 1];	/* out with its dimension already */
		else if (k > 0)
			rezago_leave_out(m, cfg, m->leave[k - 1]);
	}
}

/* --------------------------------------------------------------------
 * The rows of the functions: labels, and the choices of run r
 * -------------------------------------------------------------------- */

/*
 * Text datums of every label a row may carry, made once per call: a long
 * uncertainty_runs must not allocate per row (runs x territories rows).
 */
typedef struct Labels
{
	Datum		norm[N_NORM];
	Datum		agg[N_AGG];
	Datum		thr[N_THR];
	Datum		imp[N_IMP];
	Datum		treat[N_TREAT];
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
		l->norm[i] = CStringGetTextDatum(rezago_norm_names[i]);
	for (i = 0; i < N_AGG; i++)
		l->agg[i] = CStringGetTextDatum(rezago_agg_names[i]);
	for (i = 0; i < N_THR; i++)
		l->thr[i] = CStringGetTextDatum(rezago_thr_names[i]);
	for (i = 0; i < N_IMP; i++)
		l->imp[i] = CStringGetTextDatum(rezago_imp_names[i]);
	for (i = 0; i < N_TREAT; i++)
		l->treat[i] = CStringGetTextDatum(rezago_treat_names[i]);
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

/* The choices of run r (0 = nominal); u is scratch for the uniforms. */
static void
config_of_run(const Model *m, const UncOptions *o, int r, float8 *u, RunConfig *cfg)
{
	CHECK_FOR_INTERRUPTS();
	if (r > 0)
		rezago_draw_uniforms(o->seed, (uint64) r, u, rezago_n_uniforms(m));
	rezago_config_from_uniforms(m, o, r > 0 ? u : NULL, cfg);
}

/*
 * The choices of uncertainty_runs and uncertainty_draws: the first four
 * columns (run, normalisation, aggregation, threshold rule) and the last four
 * (the variable left out and the weight set, NULL when none; the imputation
 * and the outlier treatment).
 */
static void
put_choices(Datum *values, bool *nulls, int ncols, int r, const RunConfig *cfg,
			const Labels *l)
{
	values[0] = Int32GetDatum(r);
	values[1] = l->norm[cfg->norm];
	values[2] = l->agg[cfg->agg];
	values[3] = l->thr[cfg->thr];
	values[ncols - 4] = cfg->left_out >= 0 ? l->variable[cfg->left_out] : (Datum) 0;
	nulls[ncols - 4] = cfg->left_out < 0;
	values[ncols - 3] = Int32GetDatum(cfg->wset + 1);
	nulls[ncols - 3] = cfg->wset < 0;
	values[ncols - 2] = l->imp[cfg->imp];
	values[ncols - 1] = l->treat[cfg->treat];
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

static void
rankdist_finish(RankDist *rd)
{
	int			t;

	if (!rd->hist)
		for (t = 0; t < rd->nt; t++)
			qsort(rd->cells + (Size) t * rd->width, rd->ranked[t], sizeof(int32), rezago_cmp_int32);
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

/*
 * rank_uncertainty (territories) and comuna_rank_uncertainty (comunas): the
 * same columns up to runs, the territories' exit stages after them.
 */
#define RU_COLS 17

static Datum
rank_distribution(FunctionCallInfo fcinfo, bool comunas, const char *fn)
{
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
				s,
				top_arg = comunas ? 8 : 10;

	rezago_parse_options(fcinfo, 0, 1, "runs", 1, MAX_RUNS, !comunas, fn, &o);
	o.comunas = comunas;
	top_n = rezago_int_arg(fcinfo, top_arg, "top_n", 1, PG_INT32_MAX, HINT_NULL_ARG,
						   comunas ? "top_n counts the most lagged comunas: 10 means ranks 1 to 10." :
						   "top_n counts the most lagged territories: 10 means ranks 1 to 10.", fn);
	rezago_parse_more_options(fcinfo, top_arg + 1, &o);
	m = rezago_begin_analysis(fcinfo, &o, true, &cxt, &old);
	make_labels(m, &labels);
	rezago_config_alloc(m, &cfg);
	rezago_result_alloc(m, &nom);
	rezago_result_alloc(m, &res);
	rezago_nominal_config(m, &cfg);
	rezago_evaluate_nominal(m, &o, &cfg, &nom);

	rankdist_init(&rd, m->nt, o.runs);
	top = palloc0(sizeof(int32) * (m->nt + 1));
	stages = palloc0(sizeof(int32) * ((Size) m->nt * REZAGO_N_EXIT_STAGES + 1));
	u = palloc(sizeof(float8) * rezago_n_uniforms(m));
	for (r = 1; r <= o.runs; r++)
	{
		config_of_run(m, &o, r, u, &cfg);
		rezago_evaluate_run(m, &cfg, &res);
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

		values[0] = comunas ? Int32GetDatum(m->cuts[t]) : labels.territory[t];
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
		if (comunas)
			values[10] = Int32GetDatum(o.runs);
		else
		{
			values[10] = labels.stage[nom.stage[t]];
			for (s = 0; s < REZAGO_N_EXIT_STAGES; s++)
				values[11 + s] = Float8GetDatum((float8) stages[t * REZAGO_N_EXIT_STAGES + s] / o.runs);
			values[16] = Int32GetDatum(o.runs);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return rezago_end_analysis(cxt, old);
}

Datum
rezago_rank_uncertainty(PG_FUNCTION_ARGS)
{
	return rank_distribution(fcinfo, false, "rank_uncertainty");
}

Datum
rezago_comuna_rank_uncertainty(PG_FUNCTION_ARGS)
{
	return rank_distribution(fcinfo, true, "comuna_rank_uncertainty");
}

/* --------------------------------------------------------------------
 * uncertainty_runs and uncertainty_draws
 * -------------------------------------------------------------------- */

#define UR_COLS 12

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

	rezago_parse_options(fcinfo, 0, 1, "runs", 1, MAX_RUNS, true, fn, &o);
	rezago_parse_more_options(fcinfo, 10, &o);
	m = rezago_begin_analysis(fcinfo, &o, true, &cxt, &old);
	make_labels(m, &labels);
	rezago_config_alloc(m, &cfg);
	rezago_result_alloc(m, &res);
	rezago_nominal_config(m, &cfg);
	rezago_evaluate_nominal(m, &o, &cfg, &res);
	u = palloc(sizeof(float8) * rezago_n_uniforms(m));
	for (r = 0; r <= o.runs; r++)
	{
		config_of_run(m, &o, r, u, &cfg);
		rezago_evaluate_run(m, &cfg, &res);
		for (t = 0; t < m->nt; t++)
		{
			Datum		values[UR_COLS];
			bool		nulls[UR_COLS] = {0};

			put_choices(values, nulls, UR_COLS, r, &cfg, &labels);
			values[4] = labels.territory[t];
			values[5] = Float8GetDatum(res.tidx[t]);
			nulls[5] = isnan(res.tidx[t]);
			values[6] = Int64GetDatum(res.rank[t]);
			nulls[6] = res.rank[t] == 0;
			values[7] = labels.stage[res.stage[t]];
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return rezago_end_analysis(cxt, old);
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

	rezago_parse_options(fcinfo, -1, 0, "runs", 1, MAX_RUNS, true, fn, &o);
	rezago_parse_more_options(fcinfo, 9, &o);
	m = rezago_begin_analysis(fcinfo, &o, false, &cxt, &old);
	make_labels(m, &labels);
	rezago_config_alloc(m, &cfg);
	u = palloc(sizeof(float8) * rezago_n_uniforms(m));
	for (r = 0; r <= o.runs; r++)
	{
		config_of_run(m, &o, r, u, &cfg);
		for (v = 0; v < m->nv; v++)
		{
			Datum		values[UR_COLS];
			bool		nulls[UR_COLS] = {0};

			put_choices(values, nulls, UR_COLS, r, &cfg, &labels);
			values[4] = labels.dimension[v];
			values[5] = labels.variable[v];
			values[6] = Float8GetDatum(cfg.dw[m->var_dim[v]]);
			values[7] = Float8GetDatum(cfg.vw[v]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return rezago_end_analysis(cxt, old);
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

