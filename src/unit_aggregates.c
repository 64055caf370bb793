/*
 * unit_aggregates.c
 *	  The unit_* aggregates: the whole lag index of one unit (comuna) in one
 *	  group, one row per variable, so that comuna_index and
 *	  comuna_dimension_scores aggregate once per comuna.  The lag-score
 *	  formulas are the ones of lag_score.c, the argument checks those of
 *	  common.c (rezago.h).
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
 * (doc/method.md 3.3-3.4).  Each input row is one variable of the unit:
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
 * that asks for several of them runs it once per row.  The state is a
 * row-list state (rezago.h) whose fields are n_dimensions, min_coverage, a
 * "slotted" flag and the n dimension weights (0 until a row of the
 * dimension is seen), and whose rows are (dimension, weight, score) for
 * every row of positive weight, the weight negated when the row had no
 * score.  The *_values forms know each row's variable, so their state is
 * slotted: one row per variable of the scoring table, in its order, (0, 0,
 * 0) until the variable is seen; such a state is the same whatever the
 * order of the rows, and a variable seen twice in a group is an error.  The
 * sums of a dimension are taken at the end, in canonical order
 * (canonical_sum.c), so that they do not depend on the order of the rows.
 */
#define UNIT_N			0		/* fields */
#define UNIT_MINCOV		1
#define UNIT_SLOTTED	2		/* 1: one row per variable, see below */
#define UNIT_DWEIGHT	3		/* + dimension - 1 */
#define UNIT_WIDTH		3		/* rows */
#define UR_DIMENSION	0
#define UR_WEIGHT		1
#define UR_SCORE		2
#define UNIT_MAX_DIMENSIONS 1000

/* What the final functions need of one dimension. */
typedef struct UnitDimension
{
	float8		dweight;		/* weight in the index (0: no row) */
	float8		total;			/* weight of its rows */
	float8		scored;			/* weight of its scored rows */
	float8		sum;			/* sum of weight * score */
} UnitDimension;

typedef struct UnitSums
{
	int			n;
	float8		mincov;
	UnitDimension *dims;
} UnitSums;

PG_FUNCTION_INFO_V1(rezago_unit_accum);
PG_FUNCTION_INFO_V1(rezago_unit_combine);
PG_FUNCTION_INFO_V1(rezago_unit_index);
PG_FUNCTION_INFO_V1(rezago_unit_ampi_index);
PG_FUNCTION_INFO_V1(rezago_unit_dimension_scores);
PG_FUNCTION_INFO_V1(rezago_unit_dimension_coverage);
PG_FUNCTION_INFO_V1(rezago_unit_missing_dimensions);
PG_FUNCTION_INFO_V1(rezago_unit_state_trim);

/* hints shared by several checks */
#define HINT_DIMENSION "Number the dimensions 1..n_dimensions, e.g. with dense_rank() OVER (ORDER BY dimension)."
#define HINT_N_DIMENSIONS "Pass the number of dimensions of the methodology."
#define HINT_SCORING "Build variables and scoring with rezago.variable_scoring(period, methodology)."

/* Number of dimensions of a state, checked against its fields. */
static int
unit_state_n(const RezagoRows *r, const char *fn)
{
	float8		n = r->nfields > UNIT_SLOTTED ? r->fields[UNIT_N] : -1;

	if (!(n >= 1 && n <= UNIT_MAX_DIMENSIONS) || n != (int) n || r->nfields != UNIT_DWEIGHT + n ||
		(r->fields[UNIT_SLOTTED] != 0 && r->fields[UNIT_SLOTTED] != 1))
		rezago_invalid_state("Function %s expects the float8 state of the unit aggregates.", fn);
	return (int) n;
}

/*
 * The state of the group in argument 0, or a new one for n dimensions with
 * room for capacity rows.  A new state is made in the current (per-row)
 * context: nodeAgg copies a new state into the aggregate context itself, so
 * allocating it there would leave a dead copy per group.
 */
static void unit_state_check(const RezagoRows *r, int had, int n, float8 mincov, int slots,
							 const char *fn);

static void
unit_state_new(RezagoRows *r, int n, float8 mincov, int slots, const char *fn)
{
	rezago_rows_new(r, UNIT_DWEIGHT + n, UNIT_WIDTH, slots > 0 ? slots : 16, fn);
	r->fields[UNIT_N] = n;
	r->fields[UNIT_MINCOV] = mincov;
	r->fields[UNIT_SLOTTED] = slots > 0;
	rezago_rows_fill(r, slots, fn);
}

static void
unit_state(FunctionCallInfo fcinfo, int n, float8 mincov, int slots,
		   RezagoRows *r, const char *fn)
{
	if (PG_ARGISNULL(0))
	{
		unit_state_new(r, n, mincov, slots, fn);
		return;
	}
	rezago_rows_get(fcinfo, 0, -1, UNIT_WIDTH, r, fn);
	unit_state_check(r, unit_state_n(r, fn), n, mincov, slots, fn);
}

/*
 * The constants of a row against those of its group's state (had
 * dimensions): n_dimensions, min_coverage, and the kind of state.
 */
static void
unit_state_check(const RezagoRows *r, int had, int n, float8 mincov, int slots,
				 const char *fn)
{
	if (had != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_dimensions must be the same for every row of a group"),
				 errdetail("Function %s received n_dimensions = %d in a group that began with %d.",
						   fn, n, had),
				 errhint("Pass a constant: the number of dimensions of the methodology.")));
	if (r->fields[UNIT_SLOTTED] != (slots > 0) || (slots > 0 && r->nrows != slots))
		rezago_invalid_state("Function %s expects %s.", fn,
							 slots > 0 ? "one row per variable of the scoring table" : "a state of rows");
	rezago_require_same_constant(r->fields[UNIT_MINCOV], mincov, "minimum coverage", fn);
}

/*
 * Records the weight of dimension dim (1-based): the first row of the
 * dimension sets it, every later row (or combined state) must agree.
 */
static void
unit_set_dweight(RezagoRows *r, float8 dweight, int dim, const char *fn)
{
	float8	   *slot = &r->fields[UNIT_DWEIGHT + dim - 1];

	if (*slot != 0 && *slot != dweight)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimension_weight must be the same for every row of a dimension"),
				 errdetail("Function %s received %g and %g for dimension %d.", fn, *slot, dweight, dim),
				 errhint("Pass the dimension's weight from the methodology.")));
	*slot = dweight;
}

/*
 * Adds one variable (score, weight) of dimension dim (1-based) to the state:
 * a new row, or in a slotted state the row of variable slot (0-based).
 */
static void
unit_add(RezagoRows *r, int slot, int dim, bool score_null, float8 score,
		 float8 weight, float8 dweight, const char *fn)
{
	unit_set_dweight(r, dweight, dim, fn);
	if (weight > 0)
	{
		float8	   *row = slot >= 0 ? r->rows + slot * UNIT_WIDTH : rezago_rows_append(r, fn);

		if (row[UR_DIMENSION] != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a variable appears twice in one group"),
					 errdetail("Function %s received variable number %d twice for one unit.", fn, slot + 1),
					 errhint("Group by unit and period: a unit has one observation per variable and period.")));

		row[UR_DIMENSION] = dim;
		row[UR_WEIGHT] = score_null ? -weight : weight;
		row[UR_SCORE] = score_null ? 0 : score;
	}
}

/*
 * The sums of every dimension of the state in argument 0, each in canonical
 * order.  Every row is checked, since a state can be forged.  Scratch lives
 * on the stack for the usual sizes (this runs once per comuna).
 */
#define UNIT_STACK_ROWS 64
#define UNIT_STACK_DIMS 32

typedef struct UnitScratch
{
	int			start[UNIT_STACK_DIMS + 1];
	int			ntotal[UNIT_STACK_DIMS];
	int			nscored[UNIT_STACK_DIMS];
	UnitDimension dims[UNIT_STACK_DIMS];
	float8		terms[3 * UNIT_STACK_ROWS];
} UnitScratch;

static UnitSums
unit_sums(ArrayType *state, UnitScratch *scratch, const char *fn)
{
	RezagoRows	r;
	UnitSums	u;
	bool		small;
	int		   *start,
			   *ntotal,
			   *nscored;
	float8	   *total,
			   *scored,
			   *products;

	rezago_rows_peek(state, -1, UNIT_WIDTH, &r, fn);
	u.n = unit_state_n(&r, fn);
	u.mincov = r.fields[UNIT_MINCOV];
	small = u.n <= UNIT_STACK_DIMS && r.nrows <= UNIT_STACK_ROWS;
	if (small)
	{
		memset(scratch, 0, offsetof(UnitScratch, terms));
		u.dims = scratch->dims;
		start = scratch->start;
		ntotal = scratch->ntotal;
		nscored = scratch->nscored;
		total = scratch->terms;
	}
	else
	{
		u.dims = palloc0(sizeof(UnitDimension) * u.n);
		start = palloc0(sizeof(int) * (u.n + 1));
		ntotal = palloc0(sizeof(int) * u.n);
		nscored = palloc0(sizeof(int) * u.n);
		total = palloc(sizeof(float8) * 3 * Max(r.nrows, 1));
	}
	scored = total + r.nrows;
	products = scored + r.nrows;

	/* rows grouped by dimension: count, then place (a counting sort) */
	for (int i = 0; i < r.nrows; i++)
	{
		float8		dim = r.rows[i * UNIT_WIDTH + UR_DIMENSION];

		if (dim == 0 && r.rows[i * UNIT_WIDTH + UR_WEIGHT] == 0 && r.rows[i * UNIT_WIDTH + UR_SCORE] == 0)
			continue;			/* a variable not seen (slotted state) */
		if (!(dim >= 1 && dim <= u.n) || dim != (int) dim || r.rows[i * UNIT_WIDTH + UR_WEIGHT] == 0)
			rezago_invalid_state("Function %s found a row of dimension %g or weight 0 in a state of %d dimensions.",
								 fn, dim, u.n);
		start[(int) dim]++;
	}
	/* start[d] = where dimension d (0-based) begins, start[n] = nrows */
	for (int d = 0; d < u.n; d++)
		start[d + 1] += start[d];
	for (int i = 0; i < r.nrows; i++)
	{
		const float8 *row = r.rows + i * UNIT_WIDTH;
		int			d = (int) row[UR_DIMENSION] - 1;

		if (d < 0)
			continue;
		total[start[d] + ntotal[d]++] = fabs(row[UR_WEIGHT]);
		if (row[UR_WEIGHT] > 0)
		{
			scored[start[d] + nscored[d]] = row[UR_WEIGHT];
			products[start[d] + nscored[d]++] = row[UR_WEIGHT] * row[UR_SCORE];
		}
	}
	for (int d = 0; d < u.n; d++)
	{
		UnitDimension *dd = &u.dims[d];

		dd->dweight = r.fields[UNIT_DWEIGHT + d];
		if (dd->dweight < 0)
			rezago_invalid_state("Function %s found a negative dimension weight.", fn);
		if (ntotal[d] == 0)
			continue;
		dd->total = rezago_canonical_sum(total + start[d], ntotal[d]);
		dd->scored = rezago_canonical_sum(scored + start[d], nscored[d]);
		dd->sum = rezago_canonical_sum(products + start[d], nscored[d]);
		rezago_require_finite_result(dd->total, "sum of weights", fn);
		rezago_require_finite_result(dd->sum, "weighted sum of scores", fn);
	}
	return u;
}

static void
check_dimension(int dim, int n, const char *fn)
{
	if (dim < 1 || dim > n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("dimension must be between 1 and n_dimensions"),
				 errdetail("Function %s received dimension %d with n_dimensions = %d.", fn, dim, n),
				 errhint(HINT_DIMENSION)));
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
	RezagoRows	r;
	int32		dim;
	int			n = rezago_int_arg(fcinfo, 2, "n_dimensions", 1, UNIT_MAX_DIMENSIONS,
								   HINT_N_DIMENSIONS, HINT_N_DIMENSIONS, fn);
	float8		weight,
				dweight,
				mincov;

	rezago_require_not_null(fcinfo, 1, "dimension", HINT_DIMENSION, fn);
	dim = PG_GETARG_INT32(1);
	check_dimension(dim, n, fn);
	rezago_require_weight_not_null(PG_ARGISNULL(4), fn);
	weight = PG_GETARG_FLOAT8(4);
	rezago_require_weight(weight, fn);
	rezago_require_not_null(fcinfo, 5, "dimension_weight",
							"Pass the dimension's weight in the index, a positive number.", fn);
	dweight = PG_GETARG_FLOAT8(5);
	check_dimension_weight(dweight, fn);
	mincov = rezago_get_min_coverage(fcinfo, 6, fn);
	if (!PG_ARGISNULL(3) && weight > 0)
		rezago_require_finite(PG_GETARG_FLOAT8(3), "score", fn);

	unit_state(fcinfo, n, mincov, 0, &r, fn);
	unit_add(&r, -1, dim, PG_ARGISNULL(3), PG_ARGISNULL(3) ? 0 : PG_GETARG_FLOAT8(3),
			 weight, dweight, fn);
	PG_RETURN_ARRAYTYPE_P(rezago_rows_result(fcinfo, &r, fn));
}

static void unit_combine_rows(RezagoRows *r, const RezagoRows *other, const char *fn);

/* Combine (strict: nodeAgg copies the first non-NULL state itself). */
Datum
rezago_unit_combine(PG_FUNCTION_ARGS)
{
	const char *fn = "unit aggregates combine";
	RezagoRows	r,
				other;

	rezago_rows_get(fcinfo, 0, -1, UNIT_WIDTH, &r, fn);
	rezago_rows_peek(PG_GETARG_ARRAYTYPE_P(1), -1, UNIT_WIDTH, &other, fn);
	unit_combine_rows(&r, &other, fn);
	PG_RETURN_ARRAYTYPE_P(rezago_rows_result(fcinfo, &r, fn));
}

/* Adds the rows of state other (checked in full) to state r. */
static void
unit_combine_rows(RezagoRows *r, const RezagoRows *other, const char *fn)
{
	int			n = unit_state_n(r, fn);

	if (unit_state_n(other, fn) != n || other->fields[UNIT_MINCOV] != r->fields[UNIT_MINCOV])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_dimensions and minimum coverage must be the same for every row of a group"),
				 errdetail("Function %s received states with different constants.", fn),
				 errhint("Pass constants, such as the values stored in the methodology.")));
	if (other->fields[UNIT_SLOTTED] != r->fields[UNIT_SLOTTED] ||
		(r->fields[UNIT_SLOTTED] == 1 && other->nrows != r->nrows))
		rezago_invalid_state("Function %s received states of different kinds.", fn);
	for (int d = 0; d < n; d++)
		if (other->fields[UNIT_DWEIGHT + d] != 0)
			unit_set_dweight(r, other->fields[UNIT_DWEIGHT + d], d + 1, fn);
	if (r->fields[UNIT_SLOTTED] == 0)
		rezago_rows_append_all(r, other, fn);
	else
		for (int i = 0; i < other->nrows; i++)
		{
			const float8 *o = other->rows + i * UNIT_WIDTH;

			/* other's variable i: a row of positive weight, or none */
			if (o[UR_DIMENSION] != 0)
			{
				if (!(o[UR_DIMENSION] >= 1 && o[UR_DIMENSION] <= n) || o[UR_WEIGHT] == 0)
					rezago_invalid_state("Function %s found a row of dimension %g or weight 0.", fn, o[UR_DIMENSION]);
				unit_add(r, i, (int) o[UR_DIMENSION], o[UR_WEIGHT] < 0, o[UR_SCORE],
						 fabs(o[UR_WEIGHT]), r->fields[UNIT_DWEIGHT + (int) o[UR_DIMENSION] - 1], fn);
			}
		}
}

/*
 * Coverage of dimension d: the weight of its scored rows (weights are shares
 * of the dimension).  false when the dimension has no row of positive
 * weight.  Rows weighing more than the whole dimension are an error.
 */
static bool
unit_coverage(const UnitSums *u, int d, float8 *coverage)
{
	const UnitDimension *s = &u->dims[d];

	if (s->total <= 0)
		return false;
	if (s->total > 1 + REZAGO_COVERAGE_SLACK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the rows of a dimension weigh more than the whole dimension"),
				 errdetail("The rows of dimension %d weigh %g in all; weights are shares of their dimension and sum to at most 1.",
						   d + 1, s->total),
				 errhint("Pass each variable's share of its dimension (rezago.methodology_weights().variable_weight), or check for duplicate rows.")));
	*coverage = s->scored;
	return true;
}

/* Score of dimension d: NULL (false) when unscored or below min coverage. */
static bool
unit_dimension_score(const UnitSums *u, int d, float8 *score)
{
	const UnitDimension *s = &u->dims[d];
	float8		coverage;

	if (!unit_coverage(u, d, &coverage) || s->scored <= 0 ||
		coverage < u->mincov - REZAGO_COVERAGE_SLACK)
		return false;
	*score = s->sum / s->scored;
	return true;
}

/*
 * unit_index: weighted mean of the n dimension scores; NULL if any is NULL.
 * Both sums in canonical order, as dimension_score() takes them.
 */
static Datum
unit_index_of(FunctionCallInfo fcinfo, ArrayType *state)
{
	UnitScratch scratch;
	UnitSums	u = unit_sums(state, &scratch, "unit_index");
	float8	   *terms = u.n <= UNIT_STACK_DIMS ? scratch.terms : palloc(sizeof(float8) * u.n);
	float8	   *weights = u.n <= UNIT_STACK_DIMS ? scratch.terms + UNIT_STACK_DIMS : palloc(sizeof(float8) * u.n);
	float8		score;
	int			d;

	for (d = 0; d < u.n; d++)
	{
		if (!unit_dimension_score(&u, d, &score))
			PG_RETURN_NULL();
		terms[d] = u.dims[d].dweight * score;
		weights[d] = u.dims[d].dweight;
	}
	PG_RETURN_FLOAT8(rezago_canonical_sum(terms, u.n) / rezago_canonical_sum(weights, u.n));
}

/*
 * unit_ampi_index: the adjusted Mazziotta-Pareto index (AMPI) of the n
 * dimension scores, as a lag index (doc/method.md 3.4).  Each dimension
 * score s in [0,1] is put on the AMPI scale r = 70 + 60 s; with the
 * normalised dimension weights W, M = sum W r, S^2 = sum W (r - M)^2 (a
 * weighted population variance) and, since larger means more lagged, the
 * unbalance penalty is added (rezago_ampi_index, common.c: the one formula,
 * shared with the uncertainty runs), reported as (AMPI+ - 70) / 60, in
 * [m, 1] for the arithmetic index m.  NULL when any dimension score is
 * NULL, as unit_index; a score outside [0,1] (z-scores) is an error.
 */
Datum
rezago_unit_ampi_index(PG_FUNCTION_ARGS)
{
	const char *fn = "unit_ampi_final";
	UnitScratch scratch;
	UnitSums	u = unit_sums(PG_GETARG_ARRAYTYPE_P(0), &scratch, fn);
	bool		small = u.n <= UNIT_STACK_DIMS;
	float8	   *scores = small ? scratch.terms : palloc(sizeof(float8) * u.n);
	float8	   *weights = small ? scratch.terms + UNIT_STACK_DIMS : palloc(sizeof(float8) * u.n);
	float8	   *terms = small ? scratch.terms + 2 * UNIT_STACK_DIMS : palloc(sizeof(float8) * u.n);
	float8		index;
	int			d;

	for (d = 0; d < u.n; d++)
	{
		if (!unit_dimension_score(&u, d, &scores[d]))
			PG_RETURN_NULL();
		rezago_ampi_require_score(scores[d], d, fn);
		weights[d] = u.dims[d].dweight;
	}
	index = rezago_ampi_index(scores, weights, u.n, terms);
	if (isnan(index))
		rezago_invalid_state("Function %s found dimension weights that do not sum to more than 0.", fn);
	PG_RETURN_FLOAT8(index);
}

/* float8[n] of per-dimension values, NULL elements where get() says so. */
static Datum
unit_float_array(ArrayType *state, bool (*get) (const UnitSums *, int, float8 *),
				 const char *fn)
{
	UnitScratch scratch;
	UnitSums	u = unit_sums(state, &scratch, fn);
	Datum	   *values = palloc(sizeof(Datum) * u.n);
	bool	   *nulls = palloc(sizeof(bool) * u.n);
	int			dims[1] = {u.n};
	int			lbs[1] = {1};
	int			d;

	for (d = 0; d < u.n; d++)
	{
		float8		v;

		nulls[d] = !get(&u, d, &v);
		values[d] = nulls[d] ? (Datum) 0 : Float8GetDatum(v);
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(values, nulls, 1, dims, lbs, FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* unit_dimension_scores: float8[n], NULL where the dimension has no score. */
static Datum
unit_dimension_scores_of(ArrayType *state)
{
	return unit_float_array(state, unit_dimension_score, "unit_dimension_scores");
}

/* unit_dimension_coverage: float8[n], NULL where the dimension has no row. */
static Datum
unit_dimension_coverage_of(ArrayType *state)
{
	return unit_float_array(state, unit_coverage, "unit_dimension_coverage");
}

/* unit_missing_dimensions: int4[] of the dimensions without a score, ascending. */
static Datum
unit_missing_dimensions_of(ArrayType *state)
{
	UnitScratch scratch;
	UnitSums	u = unit_sums(state, &scratch, "unit_missing_dimensions");
	Datum	   *values = palloc(sizeof(Datum) * u.n);
	int			count = 0,
				d;
	float8		score;

	for (d = 0; d < u.n; d++)
		if (!unit_dimension_score(&u, d, &score))
			values[count++] = Int32GetDatum(d + 1);
	PG_RETURN_ARRAYTYPE_P(construct_array(values, count, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}

/* The final functions of the float8[] state (unit_state, unit_*). */
Datum
rezago_unit_index(PG_FUNCTION_ARGS)
{
	return unit_index_of(fcinfo, PG_GETARG_ARRAYTYPE_P(0));
}

Datum
rezago_unit_dimension_scores(PG_FUNCTION_ARGS)
{
	return unit_dimension_scores_of(PG_GETARG_ARRAYTYPE_P(0));
}

Datum
rezago_unit_dimension_coverage(PG_FUNCTION_ARGS)
{
	return unit_dimension_coverage_of(PG_GETARG_ARRAYTYPE_P(0));
}

Datum
rezago_unit_missing_dimensions(PG_FUNCTION_ARGS)
{
	return unit_missing_dimensions_of(PG_GETARG_ARRAYTYPE_P(0));
}

/* Rows in (dimension, weight, score) order. */
static int
unit_row_cmp(const void *a, const void *b)
{
	const float8 *x = a,
			   *y = b;

	for (int i = 0; i < UNIT_WIDTH; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/*
 * Final function of unit_state and unit_state_values: the state without its
 * spare room and with its rows sorted, so that the same rows give the same
 * array whatever order they came in (a slotted state is in variable order
 * already).  Every element is checked.
 */
Datum
rezago_unit_state_trim(PG_FUNCTION_ARGS)
{
	const char *fn = "unit_state";
	RezagoRows	r,
				t;

	rezago_rows_peek(PG_GETARG_ARRAYTYPE_P(0), -1, UNIT_WIDTH, &r, fn);
	unit_state_n(&r, fn);
	if (r.fields[UNIT_SLOTTED] == 1 && r.nrows == r.capacity)
		PG_RETURN_ARRAYTYPE_P(r.array);	/* in variable order already */
	rezago_rows_new(&t, r.nfields, UNIT_WIDTH, r.nrows, fn);
	memcpy(t.fields, r.fields, sizeof(float8) * r.nfields);
	rezago_rows_append_all(&t, &r, fn);
	/* insertion sort: a unit has a few dozen rows at most */
	for (int i = 1; i < t.nrows; i++)
	{
		float8		row[UNIT_WIDTH];
		int			j = i;

		memcpy(row, t.rows + i * UNIT_WIDTH, sizeof(row));
		while (j > 0 && unit_row_cmp(t.rows + (j - 1) * UNIT_WIDTH, row) > 0)
		{
			memcpy(t.rows + j * UNIT_WIDTH, t.rows + (j - 1) * UNIT_WIDTH, sizeof(row));
			j--;
		}
		memcpy(t.rows + j * UNIT_WIDTH, row, sizeof(row));
	}
	PG_RETURN_ARRAYTYPE_P(t.array);
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
	/* rank table (unit_state_ranks): distinct values ascending, their scores */
	int			rank_n;
	const float8 *rank_values;
	const float8 *rank_scores;
} UnitScoringVar;

typedef struct UnitScoring
{
	/* the argument datums it was built from, to recognise them */
	Pointer		vars_ptr;
	Pointer		scoring_ptr;
	Pointer		ranks_ptr;		/* NULL: no rank table */
	char	   *vars_copy;
	char	   *scoring_copy;
	char	   *ranks_copy;
	Size		vars_size;
	Size		scoring_size;
	Size		ranks_size;
	MemoryContext mcxt;			/* holds this entry alone */
	int			n_dimensions;
	int			nvar;
	int			mask;			/* hash table size - 1 */
	int		   *table;			/* open addressing: index into vars, -1 */
	UnitScoringVar *vars;
	int		   *next;			/* [nvar + 1]: the slot looked up after slot i
								 * last time (i = nvar: after none), or -1 */
	int			last;			/* the slot of the last lookup, nvar for none */
} UnitScoring;

/*
 * The scoring tables of one call site (fn_extra), most recently used first:
 * a query that passes one table per group (e.g. per period) and reads the
 * groups' rows interleaved (hashed aggregation) finds each table again
 * instead of rebuilding it at every row.  An evicted entry's memory is
 * freed, so a query over many tables holds UNIT_SCORING_CACHE of them.
 */
#define UNIT_SCORING_CACHE 8

/* What the table arguments of a call site are (scoring_args_kind) */
typedef enum ScoringArgsKind
{
	SCORING_ARGS_VARYING,		/* any expression: may change at every row */
	SCORING_ARGS_PARAM,			/* Consts and Params: fixed within a scan */
	SCORING_ARGS_CONST			/* Consts only: fixed for the whole execution */
} ScoringArgsKind;

typedef struct UnitScoringCache
{
	ScoringArgsKind args_kind;	/* see scoring_args_kind */
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
			 errhint(HINT_SCORING)));
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
static void scoring_build_ranks(UnitScoring *sc, Datum ranks_d, const char *fn);

static UnitScoring *
scoring_build(Datum vars_d, Datum scoring_d, Datum ranks_d, MemoryContext parent, const char *fn)
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
	sc->next = palloc(sizeof(int) * (nvar + 1));
	for (i = 0; i <= nvar; i++)
		sc->next[i] = -1;
	sc->last = nvar;

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
		v->polarity = rezago_polarity(DatumGetFloat8(row[SC_POLARITY]), fn);
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
	if (ranks_d != (Datum) 0)
	{
		sc->ranks_ptr = DatumGetPointer(ranks_d);
		sc->ranks_size = VARSIZE_ANY(DatumGetPointer(ranks_d));
		sc->ranks_copy = palloc(sc->ranks_size);
		memcpy(sc->ranks_copy, DatumGetPointer(ranks_d), sc->ranks_size);
		scoring_build_ranks(sc, ranks_d, fn);
	}
	sc->mcxt = mcxt;
	MemoryContextSwitchTo(old);
	return sc;
}

/*
 * The rank table of unit_state_ranks (in the entry's context): ranks is a
 * one-dimensional float8[] holding, for each variable of the scoring table
 * in its order, m (the number of its distinct values), its m distinct
 * values in strictly ascending order, then their m lag scores in [0, 1]:
 * the whole-population step of the rank normalisation, computed once
 * (rezago.rank_scores), which the aggregate looks values up in.
 */
static void
scoring_build_ranks(UnitScoring *sc, Datum ranks_d, const char *fn)
{
	ArrayType  *ra = DatumGetArrayTypePCopy(ranks_d);
	const float8 *e;
	int			ne,
				pos = 0;

	if (ARR_NDIM(ra) > 1 || ARR_ELEMTYPE(ra) != FLOAT8OID || ARR_HASNULL(ra))
		scoring_error(fn, "ranks must be a one-dimensional float8 array without NULLs");
	ne = ARR_NDIM(ra) == 0 ? 0 : ARR_DIMS(ra)[0];
	e = (const float8 *) ARR_DATA_PTR(ra);
	for (int i = 0; i < sc->nvar; i++)
	{
		UnitScoringVar *v = &sc->vars[i];
		float8		m = pos < ne ? e[pos] : -1;

		if (!(m >= 0 && m <= (ne - pos - 1) / 2) || m != floor(m))
			scoring_error(fn, psprintf("ranks: variable %s must begin with the number m of its values, followed by m values and m scores",
									   v->code));
		v->rank_n = (int) m;
		v->rank_values = e + pos + 1;
		v->rank_scores = e + pos + 1 + v->rank_n;
		for (int j = 0; j < v->rank_n; j++)
		{
			if (isnan(v->rank_values[j]) || isinf(v->rank_values[j]) ||
				(j > 0 && !(v->rank_values[j - 1] < v->rank_values[j])))
				scoring_error(fn, psprintf("ranks: the values of variable %s must be finite and strictly ascending", v->code));
			if (!(v->rank_scores[j] >= 0 && v->rank_scores[j] <= 1))
				scoring_error(fn, psprintf("ranks: the scores of variable %s must be numbers in [0, 1]", v->code));
		}
		pos += 1 + 2 * v->rank_n;
	}
	if (pos != ne)
		scoring_error(fn, psprintf("ranks has %d elements after the tables of the %d variables", ne - pos, sc->nvar));
}

static bool
scoring_same(const UnitScoring *sc, Datum vars_d, Datum scoring_d, Datum ranks_d)
{
	Pointer		vp = DatumGetPointer(vars_d),
				sp = DatumGetPointer(scoring_d),
				rp = DatumGetPointer(ranks_d);

	return VARSIZE_ANY(vp) == sc->vars_size && VARSIZE_ANY(sp) == sc->scoring_size &&
		memcmp(vp, sc->vars_copy, sc->vars_size) == 0 &&
		memcmp(sp, sc->scoring_copy, sc->scoring_size) == 0 &&
		(rp == NULL ? sc->ranks_copy == NULL :
		 sc->ranks_copy != NULL && VARSIZE_ANY(rp) == sc->ranks_size &&
		 memcmp(rp, sc->ranks_copy, sc->ranks_size) == 0);
}

/*
 * What the variables and scoring arguments (and ranks, for
 * unit_state_ranks: aggregate arguments 2..last_table_arg of nargs) of this
 * aggregate call are.  All Consts (the tables written into the statement
 * of rezago.comuna_states_statement, or passed to it as parameters by
 * rezago.run_comuna_rank_states_statement, which the planner folds into
 * Consts): every row passes the same value for
 * the whole execution (the plan's own, or a copy of it when the aggregate
 * sorts its input), so the same address and size prove the same table at
 * every row, the first row of a group included.
 * Consts and Params (a scalar subquery becomes an InitPlan's Param, a
 * function argument an external one): such a value changes only when the
 * Agg node is rescanned, and a rescan starts every group again, at whose
 * first row the table is compared in full (a new value may sit at a freed
 * one's address).  Any other expression (a column of a join, a correlated
 * subquery) may give another table at the same address and of the same
 * size from one row to the next: a hashed aggregation interleaves the rows
 * of its groups (one period's table, then another's, in the same freed and
 * reused memory), so the address proves nothing and the table is compared
 * at every row.  Varying outside an aggregate (no Aggref: a direct call, a
 * window aggregate).
 */
static ScoringArgsKind
scoring_args_kind(FunctionCallInfo fcinfo, int nargs, int last_table_arg)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	ScoringArgsKind kind = SCORING_ARGS_CONST;
	int			argno;

	if (aggref == NULL || list_length(aggref->args) != nargs)
		return SCORING_ARGS_VARYING;
	for (argno = 2; argno <= last_table_arg; argno++)
	{
		Node	   *arg = (Node *) ((TargetEntry *) list_nth(aggref->args, argno))->expr;

		if (IsA(arg, Param))
			kind = SCORING_ARGS_PARAM;
		else if (!IsA(arg, Const))
			return SCORING_ARGS_VARYING;
	}
	return kind;
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
	/* the formulas of rezago.lag_score_zscore and rezago.lag_score (lag_score.c) */
	if (v->zscore)
		*score = rezago_zscore_lag(x, v->lo, v->hi, v->polarity);
	else
		*score = rezago_minmax_lag(x, v->lo, v->hi, v->polarity);
	return true;
}

PG_FUNCTION_INFO_V1(rezago_unit_values_accum);
PG_FUNCTION_INFO_V1(rezago_unit_values_combine);
PG_FUNCTION_INFO_V1(rezago_unit_values_serial);
PG_FUNCTION_INFO_V1(rezago_unit_values_deserial);
PG_FUNCTION_INFO_V1(rezago_unit_values_index);
PG_FUNCTION_INFO_V1(rezago_unit_values_dimension_scores);
PG_FUNCTION_INFO_V1(rezago_unit_values_dimension_coverage);
PG_FUNCTION_INFO_V1(rezago_unit_values_missing_dimensions);
PG_FUNCTION_INFO_V1(rezago_unit_values_state);

/*
 * The state of the unit_*_values aggregates is internal: a RezagoRows in
 * the aggregate context whose array is the slotted float8[] state described
 * above (one row per variable of the scoring table, so it never grows),
 * made by the transition function and by nobody else.  It is therefore not
 * checked again at every row, as a float8[] state that SQL can forge must
 * be; the final functions read it as they read a float8[] state (every
 * element checked, once per group), rezago.unit_state_values returns that
 * float8[] itself, and serial/deserial functions carry it between parallel
 * workers as the same float8 elements (checked in full on arrival).
 */
static MemoryContext
unit_values_context(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s must be called as part of an aggregate", fn),
				 errdetail("It is a support function of the unit_*_values aggregates."),
				 errhint("Call an aggregate such as rezago.unit_index_values.")));
	return aggcxt;
}

/*
 * The slot of the variable whose code is s, or -1.  Rows come grouped by
 * unit, and each unit's rows in the same order of variables (that of the
 * index or of the load), so the variable that followed the previous row's
 * variable last time is tried first (one comparison of the code), and only
 * when it is not that one is the code hashed.  A guess is checked in full,
 * so the order of the rows changes the work, never the answer.
 */
static int
scoring_lookup(UnitScoring *sc, const char *s, int len)
{
	int			guess = sc->next[sc->last];
	int			slot;

	if (guess >= 0 && sc->vars[guess].len == len && memcmp(sc->vars[guess].code, s, len) == 0)
		slot = guess;
	else
	{
		slot = sc->table[scoring_probe(sc, s, len)];
		sc->next[sc->last] = slot;
	}
	sc->last = slot >= 0 ? slot : sc->nvar;
	return slot;
}

/*
 * The scoring table of this aggregate call (arguments vars_argno and
 * vars_argno + 1, and ranks_argno for a rank table, 0 for none; nargs
 * aggregate arguments).  The table is meant to be the same for every row of
 * a group (a scalar subquery; a query may pass another table in each group,
 * e.g. one per period).  It is cached per call site (fn_extra, which lives
 * as long as one execution of the query: a prepared statement or a plpgsql
 * function builds it again at each execution), the last few tables
 * (UnitScoringCache).  The table is compared in full with the cached ones
 * at every row when the arguments may change from row to row, at the first
 * row of every group when they are Consts and Params, and once when they
 * are Consts (scoring_args_kind): otherwise the same address and size prove
 * the same table.  Comparing a rank table of a million values at the first
 * row of each of 100,000 units was most of the time of the statement.  A
 * table that is not in the cache is read again.
 */
static UnitScoring *
scoring_cached(FunctionCallInfo fcinfo, int vars_argno, int ranks_argno, int nargs,
			   const char *fn)
{
	Datum		vars_d = PG_GETARG_DATUM(vars_argno),
				scoring_d = PG_GETARG_DATUM(vars_argno + 1),
				ranks_d = ranks_argno > 0 ? PG_GETARG_DATUM(ranks_argno) : (Datum) 0;
	UnitScoringCache *cache = (UnitScoringCache *) fcinfo->flinfo->fn_extra;
	UnitScoring *sc;
	int			i;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(UnitScoringCache));
		cache->args_kind = scoring_args_kind(fcinfo, nargs,
											 ranks_argno > 0 ? ranks_argno - 1 : vars_argno);
		fcinfo->flinfo->fn_extra = cache;
	}
	sc = cache->n > 0 ? cache->entry[0] : NULL;
	if (sc != NULL &&
		(cache->args_kind == SCORING_ARGS_CONST ||
		 (cache->args_kind == SCORING_ARGS_PARAM && !PG_ARGISNULL(0))) &&
		sc->vars_ptr == DatumGetPointer(vars_d) &&
		sc->scoring_ptr == DatumGetPointer(scoring_d) &&
		VARSIZE_ANY(DatumGetPointer(vars_d)) == sc->vars_size &&
		VARSIZE_ANY(DatumGetPointer(scoring_d)) == sc->scoring_size &&
		(ranks_argno == 0 ||
		 (sc->ranks_ptr == DatumGetPointer(ranks_d) &&
		  VARSIZE_ANY(DatumGetPointer(ranks_d)) == sc->ranks_size)))
		return sc;				/* the table of this group's earlier rows */
	for (i = 0; i < cache->n; i++)
		if (scoring_same(cache->entry[i], vars_d, scoring_d, ranks_d))
			break;
	if (i < cache->n)
	{
		sc = cache->entry[i];
		sc->vars_ptr = DatumGetPointer(vars_d);
		sc->scoring_ptr = DatumGetPointer(scoring_d);
		sc->ranks_ptr = DatumGetPointer(ranks_d);
	}
	else
	{
		sc = scoring_build(vars_d, scoring_d, ranks_d, fcinfo->flinfo->fn_mcxt, fn);
		if (cache->n == UNIT_SCORING_CACHE)
			MemoryContextDelete(cache->entry[--cache->n]->mcxt);
		i = cache->n++;
	}
	/* most recently used first */
	memmove(&cache->entry[1], &cache->entry[0], sizeof(UnitScoring *) * i);
	cache->entry[0] = sc;
	return sc;
}

/*
 * Transition: (state, variable, value, variables, scoring, min_coverage).
 * A row whose variable is NULL or not in the table is ignored; a NULL, NaN
 * or infinite value is a missing value of its variable.
 */
Datum
rezago_unit_values_accum(PG_FUNCTION_ARGS)
{
	const char *fn = "the unit_*_values aggregates";
	MemoryContext aggcxt = unit_values_context(fcinfo, "rezago.unit_values_accum");
	UnitScoring *sc;
	RezagoRows *r = PG_ARGISNULL(0) ? NULL : (RezagoRows *) PG_GETARG_POINTER(0);
	float8		mincov;
	int			slot = -1;

	rezago_require_not_null(fcinfo, 3, "variables", HINT_SCORING, fn);
	rezago_require_not_null(fcinfo, 4, "scoring", HINT_SCORING, fn);
	/* min_coverage is checked at the group's first row, then compared */
	if (r != NULL && !PG_ARGISNULL(5) && PG_GETARG_FLOAT8(5) == r->fields[UNIT_MINCOV])
		mincov = r->fields[UNIT_MINCOV];
	else
		mincov = rezago_get_min_coverage(fcinfo, 5, fn);

	sc = scoring_cached(fcinfo, 3, 0, 5, fn);

	if (!PG_ARGISNULL(1))
	{
		text	   *t = PG_GETARG_TEXT_PP(1);

		slot = scoring_lookup(sc, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}

	if (r == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(aggcxt);

		r = palloc(sizeof(RezagoRows));
		unit_state_new(r, sc->n_dimensions, mincov, sc->nvar, fn);
		MemoryContextSwitchTo(old);
	}
	else if (r->fields[UNIT_N] != sc->n_dimensions || r->nrows != sc->nvar ||
			 r->fields[UNIT_MINCOV] != mincov)
	{
		/* our own state: only the constants of this row are checked */
		unit_state_check(r, (int) r->fields[UNIT_N], sc->n_dimensions, mincov, sc->nvar, fn);
	}
	if (slot >= 0)
	{
		const UnitScoringVar *v = &sc->vars[slot];
		float8		x,
					score = 0;
		bool		scored = false;

		if (rezago_raw_value(fcinfo, 2, &x))
			scored = scoring_score(v, x, &score);
		unit_add(r, slot, v->dimension, !scored, score, v->weight, v->dweight, fn);
	}
	PG_RETURN_POINTER(r);
}

/*
 * The lag score of x (finite) under the rank normalisation: the score its
 * variable's rank table gives the value (a binary search); a value that is
 * not in the table is an error, since the table is the whole reference
 * population (rezago.rank_scores) and every value scored is one of it.
 */
static float8
scoring_rank(const UnitScoringVar *v, float8 x, const char *fn)
{
	int			lo = 0,
				hi = v->rank_n - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (v->rank_values[mid] == x)
			return v->rank_scores[mid];
		if (v->rank_values[mid] < x)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("a value is not in the rank table of its variable"),
			 errdetail("Function %s received the value %g of variable %s, which is not one of its %d ranked values.",
					   fn, x, v->code, v->rank_n),
			 errhint("Build ranks with rezago.rank_scores over the same observations, period and methodology as the rows.")));
	return 0;					/* not reached */
}

PG_FUNCTION_INFO_V1(rezago_unit_ranks_accum);

/*
 * Transition of rezago.unit_state_ranks: (state, variable, value, variables,
 * scoring, ranks, min_coverage).  The state is the float8[] state of
 * rezago.unit_state (rows, not slotted), and each row is what unit_state
 * receives from rezago.ranked_lag_score_rows: the variable's dimension,
 * weight and dimension weight from the scoring table, its lag score from the
 * rank table; so the state, sorted by unit_state_trim, is the one
 * unit_state gives over those rows, to the bit.  A row whose variable is
 * NULL or not in the table is ignored; a NULL, NaN or infinite value is a
 * missing value.
 */
Datum
rezago_unit_ranks_accum(PG_FUNCTION_ARGS)
{
	const char *fn = "rezago.unit_state_ranks";
	UnitScoring *sc;
	RezagoRows	r;
	float8		mincov,
				x;
	int			slot = -1;

	rezago_require_not_null(fcinfo, 3, "variables", HINT_SCORING, fn);
	rezago_require_not_null(fcinfo, 4, "scoring", HINT_SCORING, fn);
	rezago_require_not_null(fcinfo, 5, "ranks", "Build ranks with rezago.rank_scores(period, methodology, observations).", fn);
	mincov = rezago_get_min_coverage(fcinfo, 6, fn);
	sc = scoring_cached(fcinfo, 3, 5, 6, fn);
	unit_state(fcinfo, sc->n_dimensions, mincov, 0, &r, fn);
	if (!PG_ARGISNULL(1))
	{
		text	   *t = PG_GETARG_TEXT_PP(1);

		slot = scoring_lookup(sc, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	if (slot >= 0)
	{
		const UnitScoringVar *v = &sc->vars[slot];
		bool		scored = rezago_raw_value(fcinfo, 2, &x);

		unit_add(&r, -1, v->dimension, !scored, scored ? scoring_rank(v, x, fn) : 0,
				 v->weight, v->dweight, fn);
	}
	PG_RETURN_ARRAYTYPE_P(rezago_rows_result(fcinfo, &r, fn));
}

/* A copy of state in the current context, checked in full. */
static RezagoRows *
unit_values_copy(ArrayType *state, const char *fn)
{
	RezagoRows *r = palloc(sizeof(RezagoRows));
	RezagoRows	view;

	rezago_rows_peek(state, -1, UNIT_WIDTH, &view, fn);
	unit_state_n(&view, fn);
	if (view.fields[UNIT_SLOTTED] != 1 || view.nrows != view.capacity)
		rezago_invalid_state("Function %s expects the slotted state of the unit_*_values aggregates.", fn);
	*r = view;
	r->array = (ArrayType *) palloc(VARSIZE(state));
	memcpy(r->array, state, VARSIZE(state));
	r->fields = (float8 *) ARR_DATA_PTR(r->array) + (view.fields - (float8 *) ARR_DATA_PTR(state));
	r->rows = r->fields + r->nfields;
	return r;
}

/*
 * Combine (not strict: an internal state).  A state of the other argument is
 * copied into the aggregate context before it is kept.
 */
Datum
rezago_unit_values_combine(PG_FUNCTION_ARGS)
{
	const char *fn = "unit_*_values combine";
	MemoryContext aggcxt = unit_values_context(fcinfo, "rezago.unit_values_combine");
	RezagoRows *r = PG_ARGISNULL(0) ? NULL : (RezagoRows *) PG_GETARG_POINTER(0);
	RezagoRows *other = PG_ARGISNULL(1) ? NULL : (RezagoRows *) PG_GETARG_POINTER(1);
	MemoryContext old;

	if (other == NULL)
	{
		if (r == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(r);
	}
	old = MemoryContextSwitchTo(aggcxt);
	if (r == NULL)
		r = unit_values_copy(other->array, fn);
	else
		unit_combine_rows(r, other, fn);
	MemoryContextSwitchTo(old);
	PG_RETURN_POINTER(r);
}

/* Serial: the float8 elements of the state's array, as they are. */
Datum
rezago_unit_values_serial(PG_FUNCTION_ARGS)
{
	RezagoRows *r;
	ArrayType  *a;
	Size		len;
	bytea	   *b;

	(void) unit_values_context(fcinfo, "rezago.unit_values_serial");
	r = (RezagoRows *) PG_GETARG_POINTER(0);
	a = r->array;
	len = sizeof(float8) * (Size) ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	b = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), ARR_DATA_PTR(a), len);
	PG_RETURN_BYTEA_P(b);
}

/* Deserial: the state of those elements, checked in full. */
Datum
rezago_unit_values_deserial(PG_FUNCTION_ARGS)
{
	const char *fn = "unit_*_values deserial";
	bytea	   *b;
	Size		len;
	int			nelems;
	ArrayType  *a;

	(void) unit_values_context(fcinfo, "rezago.unit_values_deserial");
	b = PG_GETARG_BYTEA_PP(0);
	len = VARSIZE_ANY_EXHDR(b);
	if (len % sizeof(float8) != 0 || len / sizeof(float8) > (Size) MaxArraySize)
		rezago_invalid_state("Function %s expects whole float8 elements.", fn);
	nelems = (int) (len / sizeof(float8));
	a = (ArrayType *) palloc0(ARR_OVERHEAD_NONULLS(1) + len);
	SET_VARSIZE(a, ARR_OVERHEAD_NONULLS(1) + len);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = nelems;
	ARR_LBOUND(a)[0] = 1;
	memcpy(ARR_DATA_PTR(a), VARDATA_ANY(b), len);
	PG_RETURN_POINTER(unit_values_copy(a, fn));
}

/* The state's float8[] for a final function; NULL for no state. */
static ArrayType *
unit_values_final_state(FunctionCallInfo fcinfo, const char *fn)
{
	(void) unit_values_context(fcinfo, fn);
	return PG_ARGISNULL(0) ? NULL : ((RezagoRows *) PG_GETARG_POINTER(0))->array;
}

/* The final functions of the internal state: those of the float8[] state. */
Datum
rezago_unit_values_index(PG_FUNCTION_ARGS)
{
	ArrayType  *a = unit_values_final_state(fcinfo, "rezago.unit_values_index_final");

	if (a == NULL)
		PG_RETURN_NULL();
	return unit_index_of(fcinfo, a);
}

Datum
rezago_unit_values_dimension_scores(PG_FUNCTION_ARGS)
{
	ArrayType  *a = unit_values_final_state(fcinfo, "rezago.unit_values_dimension_scores_final");

	if (a == NULL)
		PG_RETURN_NULL();
	return unit_dimension_scores_of(a);
}

Datum
rezago_unit_values_dimension_coverage(PG_FUNCTION_ARGS)
{
	ArrayType  *a = unit_values_final_state(fcinfo, "rezago.unit_values_dimension_coverage_final");

	if (a == NULL)
		PG_RETURN_NULL();
	return unit_dimension_coverage_of(a);
}

Datum
rezago_unit_values_missing_dimensions(PG_FUNCTION_ARGS)
{
	ArrayType  *a = unit_values_final_state(fcinfo, "rezago.unit_values_missing_dimensions_final");

	if (a == NULL)
		PG_RETURN_NULL();
	return unit_missing_dimensions_of(a);
}

/*
 * unit_state_values: the float8[] state, a copy in the caller's context
 * (the state is our own; whoever reads the array checks it in full, as the
 * final functions of the float8[] state do).  The slotted state is in
 * variable order already: the same array whatever the order of the rows.
 */
Datum
rezago_unit_values_state(PG_FUNCTION_ARGS)
{
	ArrayType  *a = unit_values_final_state(fcinfo, "rezago.unit_values_state_final");
	ArrayType  *copy;

	if (a == NULL)
		PG_RETURN_NULL();
	copy = (ArrayType *) palloc(VARSIZE(a));
	memcpy(copy, a, VARSIZE(a));
	PG_RETURN_ARRAYTYPE_P(copy);
}
