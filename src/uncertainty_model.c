/*
 * uncertainty_model.c
 *	  What an uncertainty analysis reads, through SPI, into a Model
 *	  (uncertainty.h): the methodology (its rules, its variables grouped by
 *	  dimension with their weights), the population weights, the territories
 *	  with their members, and what the SQL functions compute for every choice
 *	  a run may make: the lag scores under each normalisation
 *	  (rezago.comuna_lag_scores) and the exit stage of each territory under
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
			   " m.threshold_rule, m.threshold_percentile IS NOT NULL, m.aggregation"
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
	if (m->nominal_norm < 0 || m->nominal_thr < 0 || m->nominal_agg < 0)
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
 * The lag scores of every comuna and variable under normalisation `norm`, as
 * rezago.comuna_lag_scores computes them: nc x nv, NaN where a comuna has no
 * value.
 */
static void
load_scores(Model *m, const UncOptions *o, int norm)
{
	Oid			types[3] = {INT4OID, TEXTOID, TEXTOID};
	Datum		args[3] = {Int32GetDatum(o->period), CStringGetTextDatum(o->methodology),
	CStringGetTextDatum(rezago_norm_names[norm])};
	Size		k,
				cells = (Size) m->nc * m->nv;
	float8	   *score = palloc(sizeof(float8) * (cells + 1));
	SPITupleTable *tt;
	uint64		r;
	bool		isnull;

	for (k = 0; k < cells; k++)
		score[k] = get_float8_nan();
	tt = query("SELECT s.cut, s.variable, s.score FROM rezago.comuna_lag_scores($1, $2, $3) s",
			   3, types, args);
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
	m->score[norm] = score;
}

/*
 * The exit stage of every territory under threshold rule `rule`, as
 * rezago.territory_exit computes it.
 */
static void
load_stages(Model *m, const UncOptions *o, int rule)
{
	Oid			types[3] = {INT4OID, TEXTOID, TEXTOID};
	Datum		args[3] = {Int32GetDatum(o->period), CStringGetTextDatum(o->methodology),
	CStringGetTextDatum(rezago_thr_names[rule])};
	uint8	   *stage = palloc0(sizeof(uint8) * (m->nt + 1));
	SPITupleTable *tt;
	uint64		r;

	tt = query("SELECT e.territory, e.stage FROM rezago.territory_exit($1, $2, $3) e",
			   3, types, args);
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
	if (with_data)
	{
		bool		norm_used[N_NORM] = {0};
		bool		thr_used[N_THR] = {0};
		int			i;

		load_data(m, o);
		/* the nominal choices, and those the runs draw from */
		norm_used[m->nominal_norm] = true;
		thr_used[m->nominal_thr] = true;
		for (i = 0; o->vary_norm && i < o->n_norms; i++)
			norm_used[o->norms[i]] = true;
		for (i = 0; o->vary_thr && i < o->n_thrs; i++)
			thr_used[o->thrs[i]] = true;
		for (i = 0; i < N_NORM; i++)
			if (norm_used[i])
				load_scores(m, o, i);
		for (i = 0; i < N_THR; i++)
			if (thr_used[i])
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

