/*
 * uncertainty_scoring.c
 *	  What one run of the uncertainty analysis computes.  Everything that
 *	  does not depend on the run's draws is read once per call
 *	  (uncertainty_model.c): the lag scores under every normalisation, from
 *	  rezago.comuna_lag_scores, and the exit stage of every territory under
 *	  every threshold rule, from rezago.territory_exit; a run then costs one
 *	  pass over comunas x variables plus a sort of the territories
 *	  (rezago_evaluate_run).
 *
 * The nominal run is the methodology as stored: its normalisation,
 * aggregation, its weights and threshold rule.  It reproduces
 * rezago.territory_index and rezago.territory_exit bit for bit
 * (sql/uncertainty_bitwise.sql).  Each run's index follows doc/method.md
 * section 3 with the run's choices:
 *	- lag scores: those of rezago.comuna_lag_scores under the run's
 *	  normalisation;
 *	- dimension score: weighted mean of the available scores, NULL when the
 *	  scored share of the dimension's (run) weight is below min_coverage;
 *	- index: weighted mean of the dimension scores, NULL if any is NULL (a
 *	  dimension the run left out, RunConfig.dout, does not count); with a
 *	  target dimension, that dimension's score instead;
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
 * AMPI (opted in: aggregations lists ampi, or the methodology's
 * aggregation): the index is rezago_ampi_index (common.c, the formula of
 * unit_ampi_final) of the run's dimension scores with the run's dimension
 * weights; with a target dimension, that dimension's score (the AMPI of a
 * single score is the score).  A dimension score outside [0, 1] is 22023,
 * as in rezago.comuna_index; zscore with ampi is refused before any run.
 *
 * Exit stage of a run: the stage rezago.territory_exit gives the territory
 * under the run's threshold rule (an official threshold of the period wins
 * over every rule there, as it does in the nominal functions).
 */
#include "uncertainty.h"

#include "utils/float.h"

/*
 * geometric aggregation works on achievements put on [1, 1 + 99]: the
 * formulas are rezago_geo_log_achievement and rezago_geo_index (rezago.h),
 * which the nominal index (rezago.comuna_index) uses too
 */

/* --------------------------------------------------------------------
 * Precomputation: achievements for the geometric aggregation
 * -------------------------------------------------------------------- */

/* logp[k] = log(1 + 99 a) of every score read for scoring combination k */
static void
compute_achievements(Model *m, int k)
{
	const float8 *score = m->score[k];
	int			norm = SCORING_NORM(k);
	Size		cells = (Size) m->nc * m->nv;
	float8	   *logp = palloc(sizeof(float8) * (cells + 1));
	int			v,
				c;

	for (v = 0; v < m->nv; v++)
	{
		/* z-scores: achievement zmax - z, zmax the variable's largest lag */
		float8		zmax = -get_float8_infinity();

		if (norm == NORM_ZSCORE)
			for (c = 0; c < m->nc; c++)
				if (!isnan(score[(Size) c * m->nv + v]))
					zmax = Max(zmax, score[(Size) c * m->nv + v]);
		for (c = 0; c < m->nc; c++)
		{
			Size		cell = (Size) c * m->nv + v;
			float8		a = (norm == NORM_ZSCORE) ? zmax - score[cell] : 1.0 - score[cell];

			/* NaN (no value) stays NaN */
			logp[cell] = rezago_geo_log_achievement(a);
		}
	}
	m->logp[k] = logp;
}

/* Precomputes what the runs need beyond what was read (uncertainty_model.c). */
void
rezago_prepare_model(Model *m)
{
	int			i;

	for (i = 0; i < N_SCORING; i++)
		if (m->score[i] != NULL)
			compute_achievements(m, i);
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
	bool		ampi = (cfg->agg == AGG_AMPI && m->target_dim < 0);
	int			scoring = SCORING(cfg->norm, cfg->imp, cfg->treat);
	const float8 *sc = geo ? m->logp[scoring] : m->score[scoring];
	float8		mincov = m->min_coverage - REZAGO_COVERAGE_SLACK;
	/* scratch for the terms of one sum: a dimension's or a territory's */
	float8	   *terms = palloc(sizeof(float8) * (m->nv + m->nc + 1));
	float8	   *weights = palloc(sizeof(float8) * (m->nv + m->nc + 1));
	float8	   *dterms = palloc(sizeof(float8) * (m->nd + 1));
	float8	   *dweights = palloc(sizeof(float8) * (m->nd + 1));
	float8	   *dscores = palloc(sizeof(float8) * (m->nd + 1));
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

			if (cfg->dout[d] || (m->target_dim >= 0 && d != m->target_dim))
			{
				/* left out of the run, or not the dimension analysed */
				dterms[d] = dweights[d] = dscores[d] = 0;
				continue;
			}
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
			dscores[d] = ds / ws;
			dterms[d] = cfg->dw[d] * dscores[d];
			dweights[d] = cfg->dw[d];
			if (m->target_dim == d)
			{
				/* the dimension's score is the value analysed */
				isum = ds;
				iw = ws;
			}
		}
		if (d == m->nd && m->target_dim < 0)
		{
			/* as unit_index: canonical sums over the dimensions */
			isum = rezago_canonical_sum(dterms, m->nd);
			iw = rezago_canonical_sum(dweights, m->nd);
		}
		if (d < m->nd)
			res->cidx[c] = get_float8_nan();
		else if (ampi)
		{
			/*
			 * unit_ampi_final's formula over the run's dimension scores and
			 * weights (a dimension left out weighs 0 and adds exact zeros);
			 * the canonical sums above sorted dterms and dweights in place
			 */
			for (d = 0; d < m->nd; d++)
			{
				weights[d] = cfg->dout[d] ? 0 : cfg->dw[d];
				if (weights[d] > 0)
					rezago_ampi_require_score(dscores[d], d, m->fn);
			}
			res->cidx[c] = rezago_ampi_index(dscores, weights, m->nd, terms);
		}
		else if (geo)
			res->cidx[c] = rezago_geo_index(isum / iw);
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
	pfree(dscores);
}


/*
 * The nominal run, which every analysis starts from.  When units exist but
 * none has a value to rank (the methodology cannot score the period's data),
 * every run would be empty too: that is an error, not rows of NULLs.
 */
void
rezago_evaluate_nominal(const Model *m, const UncOptions *o, const RunConfig *cfg,
						RunResult *res)
{
	const char *unit = o->comunas ? "comuna" : "territory";
	const char *units = o->comunas ? "comunas" : "territories";
	int			t;

	rezago_evaluate_run(m, cfg, res);
	for (t = 0; t < m->nt; t++)
		if (res->rank[t] > 0)
			return;
	if (m->nt > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("no %s has %s %s in period %d under methodology %s",
						unit, m->target_dim < 0 ? "an" : "a",
						m->target_dim < 0 ? "index" : psprintf("%s score", m->dim_code[m->target_dim]),
						o->period, o->methodology),
				 errdetail("Function %s found %d %s, none with a value to rank, so no run would rank any.",
						   o->fn, m->nt, m->nt == 1 ? unit : units),
				 errhint("rezago.data_availability() shows which variables the period holds; a methodology with max_data_age, imputation or a lower min_coverage scores incomplete data.")));
}
