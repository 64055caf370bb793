/*
 * index_unit.c
 *	  The unit_* aggregates: the whole lag index of one unit (comuna) in one
 *	  group, one row per variable, so that comuna_index and
 *	  comuna_dimension_scores aggregate once per comuna (update 0.2.0,
 *	  sql/update-0.2.0/15_index_speed.sql).  The lag-score formulas and the
 *	  argument checks are the ones of index.c (rezago.h).
 */
#include "rezago.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

/*
 * Unit aggregates: the dimension scores and the index of one unit (comuna)
 * from the lag scores of its variables, in one pass over one group per unit
 * (METHOD.md 3.3-3.4).  Each input row is one variable of the unit:
 *
 *	 unit_*(dimension, n_dimensions, score, weight, dimension_weight, min_coverage)
 *
 * dimension is the variable's dimension numbered 1..n_dimensions; weight is
 * the variable's share of its dimension (the weights of one dimension's
 * variables sum to 1, as rezago.methodology_weights gives them), so a
 * missing variable needs no row and a dimension's coverage is the weight of
 * its scored rows; dimension_weight is the dimension's weight in the index
 * (relative).  n_dimensions and min_coverage are constants of the group,
 * dimension_weight a constant of each dimension.
 *
 * The four aggregates share one transition function and state, so a query
 * that asks for several of them runs it once per row.  State: a float8[] of
 * UNIT_HEAD + UNIT_SLOT * n elements:
 *	 [0] n_dimensions, [1] min_coverage, then for dimension d (0-based) at
 *	 UNIT_HEAD + UNIT_SLOT * d:
 *	 +0 dimension weight (0 until a row of d is seen)
 *	 +1 weight of d's rows
 *	 +2 weight of d's scored rows
 *	 +3 sum of weight * score
 */
#define UNIT_HEAD		2
#define UNIT_N			0
#define UNIT_MINCOV		1
#define UNIT_SLOT		4
#define US_DWEIGHT		0
#define US_TOTAL		1
#define US_SCORED		2
#define US_SUM			3
#define UNIT_MAX_DIMENSIONS 1000

PG_FUNCTION_INFO_V1(rezago_unit_accum);
PG_FUNCTION_INFO_V1(rezago_unit_combine);
PG_FUNCTION_INFO_V1(rezago_unit_index);
PG_FUNCTION_INFO_V1(rezago_unit_dimension_scores);
PG_FUNCTION_INFO_V1(rezago_unit_dimension_coverage);
PG_FUNCTION_INFO_V1(rezago_unit_missing_dimensions);

static void
require_not_null(FunctionCallInfo fcinfo, int argno, const char *what,
				 const char *fn, const char *hint)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what),
				 errdetail("Function %s received a NULL %s.", fn, what),
				 errhint("%s", hint)));
}

static int
unit_len(int n)
{
	return UNIT_HEAD + UNIT_SLOT * n;
}

/* Number of dimensions of a state array, checked against its length. */
static int
unit_state_n(ArrayType *a, const char *fn)
{
	const float8 *st;
	int			n,
				i;

	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < UNIT_HEAD)
		n = -1;
	else
	{
		st = (const float8 *) ARR_DATA_PTR(a);
		n = (st[UNIT_N] >= 1 && st[UNIT_N] <= UNIT_MAX_DIMENSIONS) ? (int) st[UNIT_N] : -1;
		if (n > 0 && (st[UNIT_N] != n || ARR_DIMS(a)[0] != unit_len(n)))
			n = -1;
		for (i = 0; n > 0 && i < unit_len(n); i++)
			if (isnan(st[i]) || isinf(st[i]))
				n = -1;			/* a forged state */
	}
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid aggregate state"),
				 errdetail("Function %s expects the float8 state of the unit aggregates.", fn),
				 errhint("Do not call aggregate support functions directly; use the aggregate.")));
	return n;
}

/*
 * The state of the group in argument 0, or a new zeroed one for n
 * dimensions.  A new state is made in the current (per-row) context:
 * nodeAgg copies a new state into the aggregate context itself, so
 * allocating it there would leave a dead copy per group.
 */
static ArrayType *
unit_state(FunctionCallInfo fcinfo, int n, float8 mincov, const char *fn)
{
	ArrayType  *a;
	float8	   *st;

	if (PG_ARGISNULL(0))
	{
		int			len = unit_len(n);
		Size		nbytes = ARR_OVERHEAD_NONULLS(1) + sizeof(float8) * len;

		a = (ArrayType *) palloc0(nbytes);
		SET_VARSIZE(a, nbytes);
		a->ndim = 1;
		a->dataoffset = 0;
		a->elemtype = FLOAT8OID;
		ARR_DIMS(a)[0] = len;
		ARR_LBOUND(a)[0] = 1;
		st = (float8 *) ARR_DATA_PTR(a);
		st[UNIT_N] = n;
		st[UNIT_MINCOV] = mincov;
		return a;
	}
	a = AggCheckCallContext(fcinfo, NULL) ? PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
	if (unit_state_n(a, fn) != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_dimensions must be the same for every row of a group"),
				 errdetail("Function %s received n_dimensions = %d in a group that began with %d.",
						   fn, n, unit_state_n(a, fn)),
				 errhint("Pass a constant: the number of dimensions of the methodology.")));
	st = (float8 *) ARR_DATA_PTR(a);
	if (st[UNIT_MINCOV] != mincov)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("minimum coverage must be the same for every row of a group"),
				 errdetail("Function %s received %g and %g in one group.", fn, st[UNIT_MINCOV], mincov),
				 errhint("Pass a constant, such as the value stored in the methodology.")));
	return a;
}

/*
 * Records the weight of dimension dim (1-based) in its slot: the first row
 * of the dimension sets it, every later row (or combined state) must agree.
 */
static void
unit_set_dweight(float8 *slot, float8 dweight, int dim, const char *fn)
{
	if (slot[US_DWEIGHT] != 0 && slot[US_DWEIGHT] != dweight)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimension_weight must be the same for every row of a dimension"),
				 errdetail("Function %s received %g and %g for dimension %d.", fn, slot[US_DWEIGHT], dweight, dim),
				 errhint("Pass the dimension's weight from the methodology.")));
	slot[US_DWEIGHT] = dweight;
}

/* Adds one variable (score, weight) of dimension dim (1-based) to the state. */
static void
unit_add(float8 *st, int dim, bool score_null, float8 score, float8 weight,
		 float8 dweight, const char *fn)
{
	float8	   *slot = st + UNIT_HEAD + UNIT_SLOT * (dim - 1);

	unit_set_dweight(slot, dweight, dim, fn);
	if (weight > 0)
	{
		slot[US_TOTAL] += weight;
		if (!score_null)
		{
			slot[US_SCORED] += weight;
			slot[US_SUM] += weight * score;
		}
	}
}

static int
get_n_dimensions(FunctionCallInfo fcinfo, int argno, const char *fn)
{
	int32		n;

	require_not_null(fcinfo, argno, "n_dimensions", fn,
					 "Pass the number of dimensions of the methodology.");
	n = PG_GETARG_INT32(argno);
	if (n < 1 || n > UNIT_MAX_DIMENSIONS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_dimensions must be between 1 and %d", UNIT_MAX_DIMENSIONS),
				 errdetail("Function %s received n_dimensions = %d.", fn, n),
				 errhint("Pass the number of dimensions of the methodology.")));
	return n;
}

static void
check_dimension(int dim, int n, const char *fn)
{
	if (dim < 1 || dim > n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimension must be between 1 and n_dimensions"),
				 errdetail("Function %s received dimension %d with n_dimensions = %d.", fn, dim, n),
				 errhint("Number the dimensions 1..n_dimensions, e.g. with dense_rank() OVER (ORDER BY dimension).")));
}

static void
check_dimension_weight(float8 dweight, const char *fn)
{
	rezago_require_finite(dweight, "dimension_weight", fn);
	if (dweight <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimension_weight must be positive"),
				 errdetail("Function %s received dimension_weight = %g.", fn, dweight),
				 errhint("Leave dimensions without weight out of the input.")));
}

/*
 * Transition: (state, dimension, n_dimensions, score, weight,
 * dimension_weight, min_coverage).  Every argument is checked before the
 * state is touched.
 */
Datum
rezago_unit_accum(PG_FUNCTION_ARGS)
{
	const char *fn = "the unit aggregates";
	ArrayType  *a;
	int32		dim;
	int			n = get_n_dimensions(fcinfo, 2, fn);
	float8		weight,
				dweight,
				mincov;

	require_not_null(fcinfo, 1, "dimension", fn,
					 "Number the dimensions 1..n_dimensions, e.g. with dense_rank() OVER (ORDER BY dimension).");
	dim = PG_GETARG_INT32(1);
	check_dimension(dim, n, fn);
	rezago_require_weight_not_null(PG_ARGISNULL(4), fn);
	weight = PG_GETARG_FLOAT8(4);
	rezago_require_weight(weight, fn);
	require_not_null(fcinfo, 5, "dimension_weight", fn,
					 "Pass the dimension's weight in the index, a positive number.");
	dweight = PG_GETARG_FLOAT8(5);
	check_dimension_weight(dweight, fn);
	mincov = rezago_get_min_coverage(fcinfo, 6, fn);
	if (!PG_ARGISNULL(3) && weight > 0)
		rezago_require_finite(PG_GETARG_FLOAT8(3), "score", fn);

	a = unit_state(fcinfo, n, mincov, fn);
	unit_add((float8 *) ARR_DATA_PTR(a), dim, PG_ARGISNULL(3),
			 PG_ARGISNULL(3) ? 0 : PG_GETARG_FLOAT8(3), weight, dweight, fn);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Combine (strict: nodeAgg copies the first non-NULL state itself). */
Datum
rezago_unit_combine(PG_FUNCTION_ARGS)
{
	const char *fn = "unit aggregates combine";
	ArrayType  *a = AggCheckCallContext(fcinfo, NULL) ? PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			n = unit_state_n(a, fn);
	float8	   *st = (float8 *) ARR_DATA_PTR(a);
	const float8 *other = (const float8 *) ARR_DATA_PTR(b);
	int			d;

	if (unit_state_n(b, fn) != n || other[UNIT_MINCOV] != st[UNIT_MINCOV])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_dimensions and minimum coverage must be the same for every row of a group"),
				 errdetail("Function %s received states with different constants.", fn),
				 errhint("Pass constants, such as the values stored in the methodology.")));
	for (d = 0; d < n; d++)
	{
		float8	   *s = st + UNIT_HEAD + UNIT_SLOT * d;
		const float8 *o = other + UNIT_HEAD + UNIT_SLOT * d;

		if (o[US_DWEIGHT] == 0)
			continue;
		unit_set_dweight(s, o[US_DWEIGHT], d + 1, fn);
		s[US_TOTAL] += o[US_TOTAL];
		s[US_SCORED] += o[US_SCORED];
		s[US_SUM] += o[US_SUM];
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Coverage of dimension d: the weight of its scored rows (weights are shares
 * of the dimension).  false when the dimension has no row of positive
 * weight.  Rows weighing more than the whole dimension are an error.
 */
static bool
unit_coverage(const float8 *st, int d, float8 *coverage)
{
	const float8 *s = st + UNIT_HEAD + UNIT_SLOT * d;

	if (s[US_TOTAL] <= 0)
		return false;
	if (s[US_TOTAL] > 1 + REZAGO_COVERAGE_SLACK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the rows of a dimension weigh more than the whole dimension"),
				 errdetail("The rows of dimension %d weigh %g in all; weights are shares of their dimension and sum to at most 1.",
						   d + 1, s[US_TOTAL]),
				 errhint("Pass each variable's share of its dimension (rezago.methodology_weights().variable_weight), or check for duplicate rows.")));
	*coverage = s[US_SCORED];
	return true;
}

/* Score of dimension d: NULL (false) when unscored or below min coverage. */
static bool
unit_dimension_score(const float8 *st, int d, float8 *score)
{
	const float8 *s = st + UNIT_HEAD + UNIT_SLOT * d;
	float8		coverage;

	if (!unit_coverage(st, d, &coverage) || s[US_SCORED] <= 0 ||
		coverage < st[UNIT_MINCOV] - REZAGO_COVERAGE_SLACK)
		return false;
	*score = s[US_SUM] / s[US_SCORED];
	return true;
}

/* unit_index: weighted mean of the n dimension scores; NULL if any is NULL. */
Datum
rezago_unit_index(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	int			n = unit_state_n(a, "unit_index");
	const float8 *st = (const float8 *) ARR_DATA_PTR(a);
	float8		sum = 0,
				wsum = 0,
				score;
	int			d;

	for (d = 0; d < n; d++)
	{
		const float8 *s = st + UNIT_HEAD + UNIT_SLOT * d;

		if (!unit_dimension_score(st, d, &score))
			PG_RETURN_NULL();
		sum += s[US_DWEIGHT] * score;
		wsum += s[US_DWEIGHT];
	}
	PG_RETURN_FLOAT8(sum / wsum);
}

/* float8[n] of per-dimension values, NULL elements where get() says so. */
static Datum
unit_float_array(FunctionCallInfo fcinfo, bool (*get) (const float8 *, int, float8 *),
				 const char *fn)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	int			n = unit_state_n(a, fn);
	const float8 *st = (const float8 *) ARR_DATA_PTR(a);
	Datum	   *values = palloc(sizeof(Datum) * n);
	bool	   *nulls = palloc(sizeof(bool) * n);
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int			d;

	for (d = 0; d < n; d++)
	{
		float8		v;

		nulls[d] = !get(st, d, &v);
		values[d] = nulls[d] ? (Datum) 0 : Float8GetDatum(v);
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(values, nulls, 1, dims, lbs, FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* unit_dimension_scores: float8[n], NULL where the dimension has no score. */
Datum
rezago_unit_dimension_scores(PG_FUNCTION_ARGS)
{
	return unit_float_array(fcinfo, unit_dimension_score, "unit_dimension_scores");
}

/* unit_dimension_coverage: float8[n], NULL where the dimension has no row. */
Datum
rezago_unit_dimension_coverage(PG_FUNCTION_ARGS)
{
	return unit_float_array(fcinfo, unit_coverage, "unit_dimension_coverage");
}

/* unit_missing_dimensions: int4[] of the dimensions without a score, ascending. */
Datum
rezago_unit_missing_dimensions(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	int			n = unit_state_n(a, "unit_missing_dimensions");
	const float8 *st = (const float8 *) ARR_DATA_PTR(a);
	Datum	   *values = palloc(sizeof(Datum) * n);
	int			count = 0,
				d;
	float8		score;

	for (d = 0; d < n; d++)
		if (!unit_dimension_score(st, d, &score))
			values[count++] = Int32GetDatum(d + 1);
	PG_RETURN_ARRAYTYPE_P(construct_array(values, count, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}

/*
 * The same aggregates from raw values: unit_*_values(variable, value,
 * variables, scoring, min_coverage).  Each row is one observation; the
 * aggregate finds its variable in the methodology's scoring table and
 * computes the lag score itself, so that a query can group the observation
 * table by comuna directly, without joining each row to its variable.
 *
 * variables: text[] of the methodology's variable codes; scoring: float8[]
 * of one row per variable (same order) and SC_COLS columns, as
 * rezago.variable_scoring() builds it:
 */
#define SC_DIMENSION	0		/* dimension number, 1..n_dimensions */
#define SC_NDIM			1		/* n_dimensions (the same in every row) */
#define SC_WEIGHT		2		/* share of the dimension */
#define SC_DWEIGHT		3		/* dimension weight */
#define SC_POLARITY		4		/* +1 / -1 */
#define SC_ZSCORE		5		/* 0: min-max over [lo, hi]; 1: z-score */
#define SC_LO			6		/* min (or goalpost min), or the mean */
#define SC_HI			7		/* max (or goalpost max), or the sd */
#define SC_WIN_LO		8		/* winsorisation limits, NULL for none */
#define SC_WIN_HI		9
#define SC_COLS			10

typedef struct UnitScoringVar
{
	char	   *code;
	int			len;
	int			dimension;
	float8		weight;
	float8		dweight;
	int			polarity;
	bool		zscore;
	bool		has_bounds;		/* lo and hi known (the variable has data) */
	float8		lo;
	float8		hi;
	bool		has_win_lo;
	bool		has_win_hi;
	float8		win_lo;
	float8		win_hi;
} UnitScoringVar;

typedef struct UnitScoring
{
	/* the argument datums it was built from, to recognise them */
	Pointer		vars_ptr;
	Pointer		scoring_ptr;
	char	   *vars_copy;
	char	   *scoring_copy;
	Size		vars_size;
	Size		scoring_size;
	MemoryContext mcxt;			/* holds this entry alone */
	int			n_dimensions;
	int			nvar;
	int			mask;			/* hash table size - 1 */
	int		   *table;			/* open addressing: index into vars, -1 */
	UnitScoringVar *vars;
} UnitScoring;

/*
 * The scoring tables of one call site (fn_extra), most recently used first:
 * a query that passes one table per group (e.g. per period) and reads the
 * groups' rows interleaved (hashed aggregation) finds each table again
 * instead of rebuilding it at every row.  An evicted entry's memory is
 * freed, so a query over many tables holds UNIT_SCORING_CACHE of them.
 */
#define UNIT_SCORING_CACHE 8

typedef struct UnitScoringCache
{
	bool		args_stable;	/* see scoring_args_stable */
	int			n;
	UnitScoring *entry[UNIT_SCORING_CACHE];
} UnitScoringCache;

static void
scoring_error(const char *fn, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid scoring table"),
			 errdetail("Function %s: %s.", fn, detail),
			 errhint("Build variables and scoring with rezago.variable_scoring(period, methodology).")));
}

/*
 * The slot of code s in the open-addressing table: the one holding it, or
 * the empty slot (-1) where it would go.
 */
static uint32
scoring_probe(const UnitScoring *sc, const char *s, int len)
{
	uint32		h = DatumGetUInt32(hash_any((const unsigned char *) s, len)) & sc->mask;

	while (sc->table[h] >= 0)
	{
		const UnitScoringVar *c = &sc->vars[sc->table[h]];

		if (c->len == len && memcmp(c->code, s, len) == 0)
			break;
		h = (h + 1) & sc->mask;
	}
	return h;
}

/*
 * Reads and checks the scoring table into a new cache entry, in a memory
 * context of its own under parent.
 */
static UnitScoring *
scoring_build(Datum vars_d, Datum scoring_d, MemoryContext parent, const char *fn)
{
	MemoryContext mcxt = AllocSetContextCreate(parent, "rezago unit scoring",
											   ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	UnitScoring *sc = palloc0(sizeof(UnitScoring));
	ArrayType  *va = DatumGetArrayTypeP(vars_d);
	ArrayType  *sa = DatumGetArrayTypeP(scoring_d);
	Datum	   *codes;
	bool	   *code_nulls;
	Datum	   *cells;
	bool	   *cell_nulls;
	int			nvar,
				ncell,
				i,
				size;

	if (ARR_NDIM(va) != 1 || ARR_ELEMTYPE(va) != TEXTOID)
		scoring_error(fn, "variables must be a one-dimensional text array");
	deconstruct_array(va, TEXTOID, -1, false, TYPALIGN_INT, &codes, &code_nulls, &nvar);
	if (nvar < 1)
		scoring_error(fn, "variables is empty");
	if (ARR_NDIM(sa) != 2 || ARR_ELEMTYPE(sa) != FLOAT8OID ||
		ARR_DIMS(sa)[0] != nvar || ARR_DIMS(sa)[1] != SC_COLS)
		scoring_error(fn, psprintf("scoring must be a float8 array of %d rows (one per variable) and %d columns",
								   nvar, SC_COLS));
	deconstruct_array(sa, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &cells, &cell_nulls, &ncell);

	sc->nvar = nvar;
	sc->vars = palloc0(sizeof(UnitScoringVar) * nvar);
	for (size = 8; size < 2 * nvar; size *= 2)
		;
	sc->mask = size - 1;
	sc->table = palloc(sizeof(int) * size);
	for (i = 0; i < size; i++)
		sc->table[i] = -1;

	for (i = 0; i < nvar; i++)
	{
		UnitScoringVar *v = &sc->vars[i];
		const Datum *row = cells + i * SC_COLS;
		const bool *nul = cell_nulls + i * SC_COLS;
		text	   *t;
		int			c;
		uint32		h;

		if (code_nulls[i])
			scoring_error(fn, "a variable code is NULL");
		t = DatumGetTextPP(codes[i]);
		v->len = VARSIZE_ANY_EXHDR(t);
		v->code = pnstrdup(VARDATA_ANY(t), v->len);
		for (c = SC_DIMENSION; c <= SC_ZSCORE; c++)
			if (nul[c] || isnan(DatumGetFloat8(row[c])) || isinf(DatumGetFloat8(row[c])))
				scoring_error(fn, psprintf("variable %s: column %d must be a finite number", v->code, c + 1));
		if (i == 0)
			sc->n_dimensions = (int) DatumGetFloat8(row[SC_NDIM]);
		if (DatumGetFloat8(row[SC_NDIM]) != sc->n_dimensions ||
			sc->n_dimensions < 1 || sc->n_dimensions > UNIT_MAX_DIMENSIONS)
			scoring_error(fn, "n_dimensions must be the same whole number in [1, 1000] in every row");
		v->dimension = (int) DatumGetFloat8(row[SC_DIMENSION]);
		if (v->dimension != DatumGetFloat8(row[SC_DIMENSION]))
			scoring_error(fn, psprintf("variable %s: the dimension number must be a whole number", v->code));
		check_dimension(v->dimension, sc->n_dimensions, fn);
		v->weight = DatumGetFloat8(row[SC_WEIGHT]);
		rezago_require_weight(v->weight, fn);
		v->dweight = DatumGetFloat8(row[SC_DWEIGHT]);
		check_dimension_weight(v->dweight, fn);
		v->polarity = rezago_polarity((int) DatumGetFloat8(row[SC_POLARITY]), fn);
		if (DatumGetFloat8(row[SC_ZSCORE]) != 0 && DatumGetFloat8(row[SC_ZSCORE]) != 1)
			scoring_error(fn, psprintf("variable %s: the z-score column must be 0 or 1", v->code));
		v->zscore = DatumGetFloat8(row[SC_ZSCORE]) == 1;
		v->has_bounds = !nul[SC_LO] && !nul[SC_HI];
		if (v->has_bounds)
		{
			v->lo = DatumGetFloat8(row[SC_LO]);
			v->hi = DatumGetFloat8(row[SC_HI]);
			rezago_require_finite(v->lo, v->zscore ? "mean" : "min", fn);
			rezago_require_finite(v->hi, v->zscore ? "sd" : "max", fn);
			if (v->hi < (v->zscore ? 0 : v->lo))
				scoring_error(fn, psprintf("variable %s: %s", v->code,
										   v->zscore ? "the sd is negative" : "max is less than min"));
		}
		v->has_win_lo = !nul[SC_WIN_LO];
		v->has_win_hi = !nul[SC_WIN_HI];
		v->win_lo = v->has_win_lo ? DatumGetFloat8(row[SC_WIN_LO]) : 0;
		v->win_hi = v->has_win_hi ? DatumGetFloat8(row[SC_WIN_HI]) : 0;
		if (v->has_win_lo)
			rezago_require_finite(v->win_lo, "winsorisation limit", fn);
		if (v->has_win_hi)
			rezago_require_finite(v->win_hi, "winsorisation limit", fn);

		h = scoring_probe(sc, v->code, v->len);
		if (sc->table[h] >= 0)
			scoring_error(fn, psprintf("variable %s appears twice", v->code));
		sc->table[h] = i;
	}
	sc->vars_ptr = DatumGetPointer(vars_d);
	sc->scoring_ptr = DatumGetPointer(scoring_d);
	sc->vars_size = VARSIZE_ANY(DatumGetPointer(vars_d));
	sc->scoring_size = VARSIZE_ANY(DatumGetPointer(scoring_d));
	sc->vars_copy = palloc(sc->vars_size);
	memcpy(sc->vars_copy, DatumGetPointer(vars_d), sc->vars_size);
	sc->scoring_copy = palloc(sc->scoring_size);
	memcpy(sc->scoring_copy, DatumGetPointer(scoring_d), sc->scoring_size);
	sc->mcxt = mcxt;
	MemoryContextSwitchTo(old);
	return sc;
}

static bool
scoring_same(const UnitScoring *sc, Datum vars_d, Datum scoring_d)
{
	Pointer		vp = DatumGetPointer(vars_d),
				sp = DatumGetPointer(scoring_d);

	return VARSIZE_ANY(vp) == sc->vars_size && VARSIZE_ANY(sp) == sc->scoring_size &&
		memcmp(vp, sc->vars_copy, sc->vars_size) == 0 &&
		memcmp(sp, sc->scoring_copy, sc->scoring_size) == 0;
}

/*
 * Whether the variables and scoring arguments of this aggregate call are
 * each a Const or a Param (a scalar subquery becomes an InitPlan's Param,
 * a function argument an external one).  Such a value changes only when the
 * Agg node is rescanned, and a rescan starts every group again, at whose
 * first row the table is compared in full.  Any other expression (a column
 * of a join, a correlated subquery) may give another table at the same
 * address and of the same size from one row to the next: a hashed
 * aggregation interleaves the rows of its groups (one period's table, then
 * another's, in the same freed and reused memory), so the address proves
 * nothing and the table is compared at every row.  false outside an
 * aggregate (no Aggref: a direct call, a window aggregate).
 */
static bool
scoring_args_stable(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	int			argno;

	if (aggref == NULL || list_length(aggref->args) != 5)
		return false;
	for (argno = 2; argno <= 3; argno++)
	{
		Node	   *arg = (Node *) ((TargetEntry *) list_nth(aggref->args, argno))->expr;

		if (!IsA(arg, Const) && !IsA(arg, Param))
			return false;
	}
	return true;
}

/* The lag score of x (finite) for variable v; false when it has none. */
static bool
scoring_score(const UnitScoringVar *v, float8 x, float8 *score)
{
	if (!v->has_bounds)
		return false;
	if (v->has_win_lo && x < v->win_lo)
		x = v->win_lo;
	if (v->has_win_hi && x > v->win_hi)
		x = v->win_hi;
	/* the formulas of rezago.lag_score_zscore and rezago.lag_score (index.c) */
	if (v->zscore)
		*score = rezago_zscore_lag(x, v->lo, v->hi, v->polarity);
	else
		*score = rezago_minmax_lag(x, v->lo, v->hi, v->polarity);
	return true;
}

PG_FUNCTION_INFO_V1(rezago_unit_values_accum);

/*
 * Transition: (state, variable, value, variables, scoring, min_coverage).
 * A row whose variable is NULL or not in the table is ignored; a NULL, NaN
 * or infinite value is a missing value of its variable.
 */
Datum
rezago_unit_values_accum(PG_FUNCTION_ARGS)
{
	const char *fn = "the unit_*_values aggregates";
	UnitScoring *sc;
	ArrayType  *a;
	float8		mincov;
	const UnitScoringVar *v = NULL;

	require_not_null(fcinfo, 3, "variables", fn,
					 "Build variables and scoring with rezago.variable_scoring(period, methodology).");
	require_not_null(fcinfo, 4, "scoring", fn,
					 "Build variables and scoring with rezago.variable_scoring(period, methodology).");
	mincov = rezago_get_min_coverage(fcinfo, 5, fn);

	/*
	 * The scoring table is meant to be the same for every row of a group (a
	 * scalar subquery; a query may pass another table in each group, e.g.
	 * one per period).  It is cached per call site (fn_extra, which lives as
	 * long as one execution of the query: a prepared statement or a plpgsql
	 * function builds it again at each execution), the last few tables
	 * (UnitScoringCache).  The table is compared in full with the cached
	 * ones at the first row of every group, and at every row unless the
	 * arguments are a Const or a Param (scoring_args_stable): only then do
	 * the same address and size within a group prove the same table.  A
	 * table that is not in the cache is read again.
	 */
	{
		Datum		vars_d = PG_GETARG_DATUM(3),
					scoring_d = PG_GETARG_DATUM(4);
		UnitScoringCache *cache = (UnitScoringCache *) fcinfo->flinfo->fn_extra;
		int			i;

		if (cache == NULL)
		{
			cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(UnitScoringCache));
			cache->args_stable = scoring_args_stable(fcinfo);
			fcinfo->flinfo->fn_extra = cache;
		}
		sc = cache->n > 0 ? cache->entry[0] : NULL;
		if (sc != NULL && cache->args_stable && !PG_ARGISNULL(0) &&
			sc->vars_ptr == DatumGetPointer(vars_d) &&
			sc->scoring_ptr == DatumGetPointer(scoring_d) &&
			VARSIZE_ANY(DatumGetPointer(vars_d)) == sc->vars_size &&
			VARSIZE_ANY(DatumGetPointer(scoring_d)) == sc->scoring_size)
			;					/* the table of this group's earlier rows */
		else
		{
			for (i = 0; i < cache->n; i++)
				if (scoring_same(cache->entry[i], vars_d, scoring_d))
					break;
			if (i < cache->n)
			{
				sc = cache->entry[i];
				sc->vars_ptr = DatumGetPointer(vars_d);
				sc->scoring_ptr = DatumGetPointer(scoring_d);
			}
			else
			{
				sc = scoring_build(vars_d, scoring_d, fcinfo->flinfo->fn_mcxt, fn);
				if (cache->n == UNIT_SCORING_CACHE)
					MemoryContextDelete(cache->entry[--cache->n]->mcxt);
				i = cache->n++;
			}
			/* most recently used first */
			memmove(&cache->entry[1], &cache->entry[0], sizeof(UnitScoring *) * i);
			cache->entry[0] = sc;
		}
	}

	if (!PG_ARGISNULL(1))
	{
		text	   *t = PG_GETARG_TEXT_PP(1);
		int			len = VARSIZE_ANY_EXHDR(t);
		uint32		h = scoring_probe(sc, VARDATA_ANY(t), len);

		if (sc->table[h] >= 0)
			v = &sc->vars[sc->table[h]];
	}

	a = unit_state(fcinfo, sc->n_dimensions, mincov, fn);
	if (v != NULL)
	{
		float8		x,
					score = 0;
		bool		scored = false;

		if (!PG_ARGISNULL(2))
		{
			x = PG_GETARG_FLOAT8(2);
			if (!isnan(x) && !isinf(x))
				scored = scoring_score(v, x, &score);
		}
		unit_add((float8 *) ARR_DATA_PTR(a), v->dimension, !scored, score,
				 v->weight, v->dweight, fn);
	}
	PG_RETURN_ARRAYTYPE_P(a);
}
