/*
 * uncertainty_scoring.c
 *	  What one run of the uncertainty analysis computes.  Everything that
 *	  does not depend on the run's draws is computed once per call
 *	  (rezago_prepare_model): the lag scores under every normalisation and
 *	  the exit stage of every territory under every threshold rule; a run
 *	  then costs one pass over comunas x variables plus a sort of the
 *	  territories (rezago_evaluate_run).
 *
 * The nominal run is the methodology as stored: its normalisation,
 * arithmetic aggregation, its weights and threshold rule.  It reproduces
 * rezago.territory_index (index to rounding, same ranks).  Each run's index
 * follows doc/method.md section 3 with the run's choices:
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
 * Exit stage of a run (doc/method.md section 4, as rezago.territory_exit): a
 * territory's value of a variable is the mean of its members' raw values; the
 * threshold is the official one of the period when rezago.official_threshold
 * has it (an authority's threshold is not a choice: it wins in every run),
 * else the run's rule over the comunas' raw values: mean, median
 * (percentile_cont(0.5)), the methodology's percentile or its fixed value;
 * the gap polarity * (threshold - value) is overcome when <= 0; a variable is
 * evaluated when the value and the threshold exist; the stage is
 * rezago_exit_stage(evaluated, overcome, variables, params).
 */
#include "uncertainty.h"

#include "utils/float.h"

/* geometric aggregation works on achievements put on [1, 1 + GEO_SCALE] */
#define GEO_SCALE			99.0

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
void
rezago_prepare_model(Model *m, const UncOptions *o)
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
 * One run: index, territory means, ranks and exit stages
 * -------------------------------------------------------------------- */

void
rezago_result_alloc(const Model *m, RunResult *res)
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
void
rezago_evaluate_run(const Model *m, const RunConfig *cfg, RunResult *res)
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

