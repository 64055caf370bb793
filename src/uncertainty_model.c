/*
 * uncertainty_model.c
 *	  What an uncertainty analysis reads, through SPI, into a Model
 *	  (uncertainty.h): the methodology (its rules, its variables grouped by
 *	  dimension with their weights), the population weights, the territories
 *	  with their members, and what the SQL functions compute for every choice
 *	  a run may make: the lag scores under each normalisation, imputation
 *	  and outlier treatment (rezago.comuna_lag_scores) and the exit stage of each territory under
 *	  each threshold rule (rezago.territory_exit).  The engine computes no
 *	  statistic of its own: reference populations, winsorisation,
 *	  normalisations, thresholds and gaps have their one definition in SQL.
 *	  Also the frame of every set-returning analysis function: its memory
 *	  context and result.
 */
#include "uncertainty.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

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

/*
 * The observation source as an argument of the reading functions, from an
 * oid parameter: InvalidOid (a NULL argument) stays NULL, no observations
 * (NULLIF is SQL syntax, not a function a search_path could replace).
 */
#define OBSERVATIONS_ARG(param) "NULLIF(" param ", 0::pg_catalog.oid)::pg_catalog.regclass"

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
cmp_string(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Slot of comuna `cut` in m->cuts (sorted) */
static int
comuna_slot(const Model *m, int32 cut)
{
	const int32 *hit = bsearch(&cut, m->cuts, m->nc, sizeof(int32), rezago_cmp_int32);

	if (hit == NULL)
		elog(ERROR, "rezago uncertainty: comuna %d not found", cut);
	return (int) (hit - m->cuts);
}

/* Slot of territory `code` in m->terr_code (in code order under COLLATE "C") */
static int
territory_slot(const Model *m, const char *code)
{
	char	  **hit = bsearch(&code, m->terr_code, m->nt, sizeof(char *), cmp_string);

	if (hit == NULL)
		elog(ERROR, "rezago uncertainty: territory %s not found", code);
	return (int) (hit - m->terr_code);
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

	tt = query("SELECT m.normalisation, m.min_coverage, m.territory_weighting,"
			   " m.threshold_rule, m.threshold_percentile IS NOT NULL, m.aggregation,"
			   " m.imputation, rezago.require_rule(m.code, 'outlier_treatment'),"
			   " m.winsor_lower IS NOT NULL OR m.winsor_upper IS NOT NULL"
			   " FROM rezago.methodology m"
			   " WHERE m.code OPERATOR(pg_catalog.=) rezago.require_methodology($1)",
			   1, types, args);
	if (SPI_processed != 1)
		elog(ERROR, "rezago uncertainty: methodology %s not found", o->methodology);
	s = col_text(tt, 0, 1);
	m->nominal_norm = rezago_name_index(s, rezago_norm_names, N_NORM);
	m->min_coverage = col_float(tt, 0, 2, &has);
	s = col_text(tt, 0, 3);
	m->population = (strcmp(s, "population") == 0);
	s = col_text(tt, 0, 4);
	m->nominal_thr = rezago_name_index(s, rezago_thr_names, N_THR);
	m->has_thr_pct = DatumGetBool(col(tt, 0, 5, &has));
	s = col_text(tt, 0, 6);
	m->nominal_agg = rezago_name_index(s, rezago_agg_names, N_AGG);
	m->nominal_imp = rezago_name_index(col_text(tt, 0, 7), rezago_imp_names, N_IMP);
	m->nominal_treat = rezago_name_index(col_text(tt, 0, 8), rezago_treat_names, N_TREAT);
	m->has_winsor = DatumGetBool(col(tt, 0, 9, &has));
	if (m->nominal_norm < 0 || m->nominal_thr < 0 || m->nominal_agg < 0 ||
		m->nominal_imp < 0 || m->nominal_treat < 0)
		elog(ERROR, "rezago uncertainty: methodology %s has an unknown rule", o->methodology);

	tt = query("SELECT w.variable, w.dimension, w.polarity::integer, w.variable_weight,"
			   " w.dimension_weight, mv.goalpost_min IS NOT NULL AND mv.goalpost_max IS NOT NULL"
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
	m->dim_code = palloc(sizeof(char *) * m->nv);
	m->dim_w = palloc(sizeof(float8) * m->nv);
	m->dim_first = palloc(sizeof(int) * m->nv);
	m->dim_nv = palloc0(sizeof(int) * m->nv);
	d = -1;
	for (r = 0; r < SPI_processed; r++)
	{
		int			v = (int) r;
		char	   *dim = col_text(tt, r, 2);

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
		m->has_gp[v] = DatumGetBool(col(tt, r, 6, &has));
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
	/*
	 * ampi needs bounded scores (doc/method.md 3.4): no run may draw it with
	 * zscore.  A run draws each from the list when it varies, else has the
	 * methodology's (which the catalogue keeps from being ampi with zscore).
	 */
	{
		bool		ampi = false,
					zscore = false;

		for (i = 0; i < (o->vary_agg ? o->n_aggs : 0); i++)
			ampi |= (o->aggs[i] == AGG_AMPI);
		for (i = 0; i < (o->vary_norm ? o->n_norms : 0); i++)
			zscore |= (o->norms[i] == NORM_ZSCORE);
		ampi |= (m->nominal_agg == AGG_AMPI && !o->vary_agg);
		zscore |= (m->nominal_norm == NORM_ZSCORE && !o->vary_norm);
		if (ampi && zscore)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("aggregation ampi cannot be drawn with normalisation zscore"),
					 errdetail("Function %s could draw a run that aggregates unbounded z-scores with the adjusted Mazziotta-Pareto index, which needs scores in [0, 1].",
							   o->fn),
					 errhint("Leave zscore out of normalisations (for example normalisations => ARRAY['minmax', 'rank']), or ampi out of aggregations.")));
	}
	for (i = 0; i < o->n_treats; i++)
		if (o->treats[i] == TREAT_PERCENTILE && !m->has_winsor)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("outlier treatment percentile needs winsorisation percentiles"),
					 errdetail("Methodology %s has neither winsor_lower nor winsor_upper.", o->methodology),
					 errhint("Analyse a copy of the methodology with winsor_lower or winsor_upper set, or leave percentile out of outlier_treatments.")));
}

/* "a, b, c": the dimension or variable codes of the methodology */
static char *
codes_list(char **codes, int n)
{
	return rezago_names_list((const char *const *) codes, n);
}

/*
 * weight_sets: a JSON array of objects, each giving every variable of the
 * methodology a weight in the index (a number >= 0, any scale).  Set k gives
 * dimension d the share sum(w of its variables) / sum(w), and variable v the
 * share w_v / sum(w of its dimension) within it.  A dimension whose weights
 * are all 0 is left out of the index (its weight 0).
 */
static void
load_weight_sets(Model *m, const UncOptions *o)
{
	const char *fn = o->fn;
	Oid			types[1] = {JSONBOID};
	Datum		args[1] = {o->weight_sets};
	SPITupleTable *tt;
	uint64		r;
	int			k,
				v,
				d;
	bool		isnull;
	float8	   *raw;
	bool	   *seen;
	float8	   *scratch;		/* rezago_canonical_sum sorts its terms */

	tt = query("SELECT pg_catalog.jsonb_typeof($1),"
			   " CASE WHEN pg_catalog.jsonb_typeof($1) OPERATOR(pg_catalog.=) 'array'"
			   "      THEN pg_catalog.jsonb_array_length($1) END",
			   1, types, args);
	if (strcmp(col_text(tt, 0, 1), "array") != 0 || DatumGetInt32(col(tt, 0, 2, &isnull)) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight_sets must be a non-empty JSON array of objects"),
				 errdetail("Function %s received a JSON %s.", fn, col_text(tt, 0, 1)),
				 errhint("Pass '[{\"%s\": 1, ...}, {...}]', one object per weight set giving every variable a weight.",
						 m->var_code[0])));
	m->n_wsets = DatumGetInt32(col(tt, 0, 2, &isnull));
	tt = query("SELECT s.k::integer, pg_catalog.jsonb_typeof(s.e), w.key,"
			   " pg_catalog.jsonb_typeof(w.value),"
			   " CASE WHEN pg_catalog.jsonb_typeof(w.value) OPERATOR(pg_catalog.=) 'number'"
			   "      THEN pg_catalog.float8(w.value) END"
			   " FROM pg_catalog.jsonb_array_elements($1) WITH ORDINALITY s(e, k)"
			   " LEFT JOIN LATERAL pg_catalog.jsonb_each("
			   "   CASE WHEN pg_catalog.jsonb_typeof(s.e) OPERATOR(pg_catalog.=) 'object' THEN s.e END) w ON true"
			   " ORDER BY s.k, w.key COLLATE \"C\"",
			   1, types, args);
	raw = palloc0(sizeof(float8) * ((Size) m->n_wsets * m->nv + 1));
	seen = palloc0(sizeof(bool) * ((Size) m->n_wsets * m->nv + 1));
	for (r = 0; r < SPI_processed; r++)
	{
		char	   *key;
		float8		w;
		bool		has;

		k = DatumGetInt32(col(tt, r, 1, &isnull)) - 1;
		if (strcmp(col_text(tt, r, 2), "object") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight set %d is not a JSON object", k + 1),
					 errdetail("Function %s received a JSON %s as weight set %d.", fn, col_text(tt, r, 2), k + 1),
					 errhint("Each weight set is an object such as {\"%s\": 1, ...}.", m->var_code[0])));
		key = col_text(tt, r, 3);
		if (key == NULL)
			continue;			/* an empty object: every variable is missing */
		for (v = 0; v < m->nv; v++)
			if (strcmp(m->var_code[v], key) == 0)
				break;
		if (v == m->nv)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight set %d names \"%s\", which is not a variable of methodology %s", k + 1, key, o->methodology),
					 errdetail("The variables of methodology %s are: %s.", o->methodology, codes_list(m->var_code, m->nv)),
					 errhint("Check the spelling; codes are lower case.")));
		w = col_float(tt, r, 5, &has);
		if (!has || !(w >= 0) || isinf(w))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight set %d gives variable %s a weight that is not a finite number >= 0", k + 1, key),
					 errdetail("Function %s received a JSON %s for %s in weight set %d.", fn, col_text(tt, r, 4), key, k + 1),
					 errhint("Give every variable a number >= 0; 0 leaves it out.")));
		raw[(Size) k * m->nv + v] = w;
		seen[(Size) k * m->nv + v] = true;
	}
	m->wset_vw = palloc(sizeof(float8) * ((Size) m->n_wsets * m->nv + 1));
	m->wset_dw = palloc(sizeof(float8) * ((Size) m->n_wsets * m->nd + 1));
	scratch = palloc(sizeof(float8) * (m->nv + 1));
	for (k = 0; k < m->n_wsets; k++)
	{
		float8	   *w = raw + (Size) k * m->nv;
		float8	   *vw = m->wset_vw + (Size) k * m->nv;
		float8	   *dw = m->wset_dw + (Size) k * m->nd;
		float8		total;

		for (v = 0; v < m->nv; v++)
			if (!seen[(Size) k * m->nv + v])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("weight set %d gives no weight to variable %s", k + 1, m->var_code[v]),
						 errdetail("A weight set gives every variable of methodology %s a weight: %s.",
								   o->methodology, codes_list(m->var_code, m->nv)),
						 errhint("Give the variable a weight; 0 leaves it out.")));
		for (d = 0; d < m->nd; d++)
		{
			int			end = m->dim_first[d] + m->dim_nv[d];

			memcpy(scratch, w + m->dim_first[d], sizeof(float8) * m->dim_nv[d]);
			dw[d] = rezago_canonical_sum(scratch, m->dim_nv[d]);
			for (v = m->dim_first[d]; v < end; v++)
				vw[v] = dw[d] > 0 ? w[v] / dw[d] : 0;
		}
		memcpy(scratch, dw, sizeof(float8) * m->nd);
		total = rezago_canonical_sum(scratch, m->nd);
		if (!(total > 0) || isinf(total))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight set %d gives every variable weight 0", k + 1),
					 errdetail("Function %s needs at least one variable with a positive weight in every set.", fn),
					 errhint("Give some variable a positive weight.")));
		for (d = 0; d < m->nd; d++)
			dw[d] /= total;
	}
}

/*
 * The options that name parts of the methodology: the target, the variables
 * a run may leave out and the weight sets; and the columns of their draws.
 */
static void
resolve_options(Model *m, const UncOptions *o)
{
	const char *fn = o->fn;
	int			i,
				v,
				col;

	m->target_dim = -1;
	if (o->target != NULL && strcmp(o->target, "index") != 0)
	{
		for (i = 0; i < m->nd; i++)
			if (strcmp(m->dim_code[i], o->target) == 0)
				m->target_dim = i;
		if (m->target_dim < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown target \"%s\"", o->target),
					 errdetail("Function %s analyses the index or one dimension of methodology %s: %s.",
							   fn, o->methodology, codes_list(m->dim_code, m->nd)),
					 errhint("Pass target => 'index', or a dimension code.")));
	}
	m->n_leave = o->n_leave;
	m->leave = palloc(sizeof(int) * (o->n_leave + 1));
	for (i = 0; i < o->n_leave; i++)
	{
		for (v = 0; v < m->nv; v++)
			if (strcmp(m->var_code[v], o->leave_names[i]) == 0)
				break;
		if (v == m->nv)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("leave_out names \"%s\", which is not a variable of methodology %s", o->leave_names[i], o->methodology),
					 errdetail("The variables of methodology %s are: %s.", o->methodology, codes_list(m->var_code, m->nv)),
					 errhint("Check the spelling; codes are lower case.")));
		m->leave[i] = v;
	}
	if (o->weight_sets != (Datum) 0)
		load_weight_sets(m, o);
	col = COL_WEIGHTS + m->nd + m->nv;
	m->col_leave = m->n_leave > 0 ? col++ : -1;
	m->col_wset = m->n_wsets > 0 ? col++ : -1;
	m->col_imp = o->n_imps > 0 ? col++ : -1;
	m->col_treat = o->n_treats > 0 ? col++ : -1;
}

/*
 * Makes every comuna a unit of its own, a territory of one member
 * (unweighted, labelled by its CUT): the engine's territory values and ranks
 * are then the comunas', by the same rule.  Exit stages are not computed:
 * the nominal rule's are all insufficient_data.  Replaces the pointers, so a
 * copy of a Model can be converted without touching the original.
 */
void
rezago_comunas_as_units(Model *m)
{
	int			i;

	m->population = false;
	m->nt = m->nm = m->nc;
	m->terr_code = palloc(sizeof(char *) * (m->nc + 1));
	m->terr_first = palloc(sizeof(int) * (m->nc + 1));
	m->terr_n = palloc(sizeof(int) * (m->nc + 1));
	m->member = palloc(sizeof(int) * (m->nc + 1));
	m->mcomuna = m->member;
	for (i = 0; i < m->nc; i++)
	{
		m->terr_code[i] = psprintf("%d", m->cuts[i]);
		m->terr_first[i] = m->member[i] = i;
		m->terr_n[i] = 1;
	}
	m->stage[m->nominal_thr] = palloc0(sizeof(uint8) * (m->nc + 1));
}

static void
load_data(Model *m, const UncOptions *o)
{
	Oid			types[2] = {INT4OID, OIDOID};
	Datum		args[2] = {Int32GetDatum(o->period), ObjectIdGetDatum(o->observations)};
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
	m->pop = palloc0(sizeof(float8) * (m->nc + 1));
	if (o->comunas)
	{
		rezago_comunas_as_units(m);
		return;
	}
	if (m->population)
	{
		tt = query("SELECT o.cut, o.value FROM rezago.source_observations(" OBSERVATIONS_ARG("$2") ") o"
				   " WHERE o.variable OPERATOR(pg_catalog.=) 'poblacion'"
				   "   AND o.period OPERATOR(pg_catalog.=) $1",
				   2, types, args);
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
 * The lag scores of every comuna and variable under normalisation `norm`,
 * imputation `imp` and outlier treatment `treat`, as rezago.comuna_lag_scores
 * computes them: nc x nv, NaN where a comuna has no value.
 */
static void
load_scores(Model *m, const UncOptions *o, int norm, int imp, int treat)
{
	Oid			types[6] = {INT4OID, TEXTOID, TEXTOID, OIDOID, TEXTOID, TEXTOID};
	Datum		args[6] = {Int32GetDatum(o->period), CStringGetTextDatum(o->methodology),
		CStringGetTextDatum(rezago_norm_names[norm]), ObjectIdGetDatum(o->observations),
		CStringGetTextDatum(rezago_imp_names[imp]), CStringGetTextDatum(rezago_treat_names[treat])};
	Size		k,
				cells = (Size) m->nc * m->nv;
	float8	   *score = palloc(sizeof(float8) * (cells + 1));
	SPITupleTable *tt;
	uint64		r;
	bool		isnull;

	for (k = 0; k < cells; k++)
		score[k] = get_float8_nan();
	if (norm == m->nominal_norm && imp == m->nominal_imp && treat == m->nominal_treat)
	{
		/*
		 * the methodology's own rules: comuna_lag_scores' rows as
		 * rezago.audit_lag_scores keeps them for the transaction
		 * (audit_cache.c), so that an audit run in one transaction reads
		 * them once for variable_influence and the other audit functions
		 */
		Oid			ntypes[3] = {INT4OID, TEXTOID, OIDOID};
		Datum		nargs[3] = {args[0], args[1], args[3]};

		tt = query("SELECT s.cut, s.variable, s.score FROM rezago.audit_lag_scores($1, $2, "
				   OBSERVATIONS_ARG("$3") ") s", 3, ntypes, nargs);
	}
	else
		tt = query("SELECT s.cut, s.variable, s.score FROM rezago.comuna_lag_scores($1, $2, $3,"
				   " observations => " OBSERVATIONS_ARG("$4") ", imputation => $5, outlier_treatment => $6) s",
				   6, types, args);
	for (r = 0; r < SPI_processed; r++)
	{
		int			c = comuna_slot(m, DatumGetInt32(col(tt, r, 1, &isnull)));
		char	   *code = col_text(tt, r, 2);
		Datum		d = col(tt, r, 3, &isnull);

		if (!isnull)
			score[(Size) c * m->nv + variable_slot(m, code)] = DatumGetFloat8(d);
		pfree(code);
	}
	SPI_freetuptable(tt);
	m->score[SCORING(norm, imp, treat)] = score;
}

/*
 * The exit stage of every territory under threshold rule `rule`, as
 * rezago.territory_exit computes it.
 */
static void
load_stages(Model *m, const UncOptions *o, int rule)
{
	Oid			types[4] = {INT4OID, TEXTOID, TEXTOID, OIDOID};
	Datum		args[4] = {Int32GetDatum(o->period), CStringGetTextDatum(o->methodology),
		CStringGetTextDatum(rezago_thr_names[rule]), ObjectIdGetDatum(o->observations)};
	uint8	   *stage = palloc0(sizeof(uint8) * (m->nt + 1));
	SPITupleTable *tt;
	uint64		r;

	tt = query("SELECT e.territory, e.stage FROM rezago.territory_exit($1, $2, $3, observations => " OBSERVATIONS_ARG("$4") ") e",
			   4, types, args);
	for (r = 0; r < SPI_processed; r++)
	{
		char	   *code = col_text(tt, r, 1);
		char	   *name = col_text(tt, r, 2);
		int			st = rezago_name_index(name, rezago_exit_stage_names, REZAGO_N_EXIT_STAGES);

		if (st < 0)
			elog(ERROR, "rezago uncertainty: unknown exit stage %s", name);
		stage[territory_slot(m, code)] = (uint8) st;
		pfree(code);
		pfree(name);
	}
	SPI_freetuptable(tt);
	m->stage[rule] = stage;
}

/*
 * Reads what the analysis needs into a fresh Model: with the data, the lag
 * scores of every normalisation and the exit stages of every threshold rule
 * that a run may use.  Validates the methodology
 * (rezago.require_methodology: 42704 unknown, 22023 incomplete) and the
 * listed choices.  Everything is allocated in the current memory
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
	resolve_options(m, o);
	if (with_data)
	{
		bool		norm_used[N_NORM] = {0};
		bool		thr_used[N_THR] = {0};
		bool		imp_used[N_IMP] = {0};
		bool		treat_used[N_TREAT] = {0};
		int			i,
					j,
					k;

		load_data(m, o);
		/* the nominal choices, and those the runs draw from */
		norm_used[m->nominal_norm] = true;
		thr_used[m->nominal_thr] = true;
		imp_used[m->nominal_imp] = true;
		treat_used[m->nominal_treat] = true;
		for (i = 0; o->vary_norm && i < o->n_norms; i++)
			norm_used[o->norms[i]] = true;
		for (i = 0; o->vary_thr && i < o->n_thrs; i++)
			thr_used[o->thrs[i]] = true;
		for (i = 0; i < o->n_imps; i++)
			imp_used[o->imps[i]] = true;
		for (i = 0; i < o->n_treats; i++)
			treat_used[o->treats[i]] = true;
		/* every combination a run may draw */
		for (i = 0; i < N_NORM; i++)
			for (j = 0; j < N_IMP; j++)
				for (k = 0; k < N_TREAT; k++)
					if (norm_used[i] && imp_used[j] && treat_used[k])
						load_scores(m, o, i, j, k);
		for (i = 0; i < N_THR; i++)
			if (thr_used[i] && (o->comunas || o->ranks_only))
				m->stage[i] = palloc0(sizeof(uint8) * (m->nt + 1));	/* unused */
			else if (thr_used[i])
				load_stages(m, o, i);
	}
	SPI_finish();
	MemoryContextSwitchTo(cxt);
	return m;
}

/* --------------------------------------------------------------------
 * The frame of every set-returning analysis function
 * -------------------------------------------------------------------- */

/*
 * Sets up a materialised result, switches to a memory context of its own
 * (returned in *cxt; the previous one in *old) and reads the model; with the
 * data, precomputes what the runs need.
 */
Model *
rezago_begin_analysis(FunctionCallInfo fcinfo, const UncOptions *o, bool with_data,
					  MemoryContext *cxt, MemoryContext *old)
{
	Model	   *m;

	InitMaterializedSRF(fcinfo, 0);
	*cxt = AllocSetContextCreate(CurrentMemoryContext, "rezago uncertainty",
								 ALLOCSET_DEFAULT_SIZES);
	*old = MemoryContextSwitchTo(*cxt);
	m = load_model(o, with_data);
	if (with_data)
		rezago_prepare_model(m);
	return m;
}

Datum
rezago_end_analysis(MemoryContext cxt, MemoryContext old)
{
	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
	return (Datum) 0;
}

