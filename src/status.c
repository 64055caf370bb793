/*
 * status.c
 *	  Entry and exit status of territories (doc/method.md sections 4 and 5) as
 *	  aggregates usable over any table:
 *
 *	  exit_status(value, threshold, polarity [, total_variables,
 *				  started_share, advanced_share, min_evaluated_share])
 *		one row per variable of a territory -> (evaluated, overcome, share,
 *		stage); the stage comes from rezago_exit_stage() (exit_stage.c).
 *
 *	  entry_status(national_rank, regional_rank, regional_count, localities,
 *				   isolated_localities [, national_top, regional_share,
 *				   isolation_share, min_criteria])
 *		one row per member comuna -> (e1_national, e2_regional,
 *		e3_isolation, criteria_met, eligible) in three-valued logic: a
 *		criterion is NULL only when the members without data could change it.
 *
 * Both keep a float8[] state (rezago_state_values) with a combine function,
 * so they run in parallel workers without serial/deserial functions.  Counts
 * are kept as float8, exact up to 2^53 rows.  The parameters are per-group
 * constants stored in the state and checked to be the same on every row.
 */
#include "rezago.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include <limits.h>

PG_FUNCTION_INFO_V1(rezago_exit_status_accum);
PG_FUNCTION_INFO_V1(rezago_exit_status_accum_params);
PG_FUNCTION_INFO_V1(rezago_exit_status_combine);
PG_FUNCTION_INFO_V1(rezago_exit_status_final);
PG_FUNCTION_INFO_V1(rezago_entry_status_accum);
PG_FUNCTION_INFO_V1(rezago_entry_status_accum_params);
PG_FUNCTION_INFO_V1(rezago_entry_status_combine);
PG_FUNCTION_INFO_V1(rezago_entry_status_final);

/* ------------------------------------------------------------------------
 * Shared helpers
 * ------------------------------------------------------------------------
 */

/*
 * Stores the group constants vals[0..n-1] in st[first..first+n-1], checking
 * that a state which has already seen rows (st[rows_idx] > 0) holds the same
 * values.  names[i] names constant i in the error.
 */
static void
set_group_constants(float8 *st, int rows_idx, int first, const float8 *vals,
					int n, const char *const *names, const char *fn)
{
	int			i;

	if (st[rows_idx] > 0)
	{
		for (i = 0; i < n; i++)
			rezago_require_same_constant(st[first + i], vals[i], names[i], fn);
		return;
	}
	for (i = 0; i < n; i++)
		st[first + i] = vals[i];
}

/*
 * Combine function body shared by both aggregates, whose states are laid
 * out as [0] rows, then sums up to slot first_const - 1, then the nconst
 * group constants: adds the sums of argument 1 to argument 0 and checks
 * that both hold the same constants.
 */
static float8 *
combine_states(FunctionCallInfo fcinfo, int len, int first_const, int nconst,
			   const char *const *names, ArrayType **a, const char *fn)
{
	float8	   *st = rezago_state_values(fcinfo, 0, len, a, fn);
	const float8 *other = rezago_state_peek(PG_GETARG_ARRAYTYPE_P(1), len, fn);
	int			i;

	Assert(first_const + nconst == len);
	if (other[0] > 0)
		set_group_constants(st, 0, first_const, other + first_const, nconst,
							names, fn);
	for (i = 0; i < first_const; i++)
		st[i] += other[i];
	return st;
}

/* Hints of the parameter arguments of the long forms (common.c checks them). */
#define HINT_PARAM_NULL "Pass the value stored in rezago.methodology, or use the short form of the aggregate for the defaults."
#define HINT_PARAM_RANGE "Use the value stored in rezago.methodology."

static void
invalid_state(const char *fn)
{
	rezago_invalid_state("Function %s received a state it cannot have built.", fn);
}

/* A count kept in a float8 state, as an int for the result. */
static int32
count_to_int(float8 c, const char *fn)
{
	if (!(c >= 0 && !isinf(c) && c == floor(c)))
		invalid_state(fn);
	if (c > (float8) INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many rows in one group"),
				 errdetail("Function %s counted %.0f rows; at most %d are supported.", fn, c, INT_MAX),
				 errhint("Group the rows by territory.")));
	return (int32) c;
}

/* Forms the composite result of a final function. */
static Datum
make_result(FunctionCallInfo fcinfo, Datum *values, bool *nulls)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/* ------------------------------------------------------------------------
 * exit_status
 *
 * State float8[7]:
 *	 [0] rows seen (variables of the territory)
 *	 [1] rows evaluated (value and threshold known)
 *	 [2] rows overcome (gap <= 0)
 *	 [3] declared number of variables (0: the number of rows seen)
 *	 [4] started share, [5] advanced share, [6] minimum evaluated share
 * ------------------------------------------------------------------------
 */
#define EX_LEN			7
#define EX_ROWS			0
#define EX_EVALUATED	1
#define EX_OVERCOME		2
#define EX_TOTAL		3
#define EX_NCONST		4		/* constants: total and the three shares */

static const char *const exit_const_names[EX_NCONST] = {
	"total_variables", "started_share", "advanced_share", "min_evaluated_share"
};

/* rows can never exceed the declared number of variables */
static void
exit_check_rows(const float8 *st, const char *fn)
{
	if (st[EX_TOTAL] > 0 && st[EX_ROWS] > st[EX_TOTAL])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a group has more rows than total_variables"),
				 errdetail("Function %s received %.0f rows for %.0f variables.", fn, st[EX_ROWS], st[EX_TOTAL]),
				 errhint("Pass one row per variable of the territory, and the number of variables of the methodology; check for duplicate rows.")));
}

/*
 * Adds one variable: argument 1 value, 2 threshold, 3 polarity.  The
 * constants (total, shares) are given by the caller, already validated.
 */
static Datum
exit_accum(FunctionCallInfo fcinfo, const float8 *consts, const char *fn)
{
	ArrayType  *a;
	float8	   *st;
	float8		value = 0,
				threshold;
	int			pol;

	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("polarity must not be NULL"),
				 errdetail("Function %s received a row with a NULL polarity.", fn),
				 errhint("Use the polarity column of rezago.variable: 1 when more is better, -1 when more is worse.")));
	pol = rezago_polarity(PG_GETARG_INT32(3), fn);
	st = rezago_state_values(fcinfo, 0, EX_LEN, &a, fn);
	set_group_constants(st, EX_ROWS, EX_TOTAL, consts, EX_NCONST,
						exit_const_names, fn);
	st[EX_ROWS] += 1;
	exit_check_rows(st, fn);
	if (!PG_ARGISNULL(2))
	{
		threshold = PG_GETARG_FLOAT8(2);
		rezago_require_finite(threshold, "threshold", fn);
		if (rezago_raw_value(fcinfo, 1, &value))
		{
			st[EX_EVALUATED] += 1;
			/* gap = polarity * (threshold - value) <= 0 */
			if (pol > 0 ? value >= threshold : value <= threshold)
				st[EX_OVERCOME] += 1;
		}
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

/* exit_status(value, threshold, polarity): default shares, total = rows */
Datum
rezago_exit_status_accum(PG_FUNCTION_ARGS)
{
	const float8 consts[EX_NCONST] = {0, 1.0 / 3, 2.0 / 3, 0.5};

	return exit_accum(fcinfo, consts, "exit_status");
}

/*
 * exit_status(value, threshold, polarity, total_variables, started_share,
 * advanced_share, min_evaluated_share)
 */
Datum
rezago_exit_status_accum_params(PG_FUNCTION_ARGS)
{
	const char *fn = "exit_status";
	RezagoExitParams p;
	float8		consts[EX_NCONST];

	consts[0] = rezago_int_arg(fcinfo, 4, "total_variables", 1, INT_MAX,
							   HINT_PARAM_NULL, HINT_PARAM_RANGE, fn);
	p.started_share = rezago_float_arg(fcinfo, 5, "started_share", HINT_PARAM_NULL, fn);
	p.advanced_share = rezago_float_arg(fcinfo, 6, "advanced_share", HINT_PARAM_NULL, fn);
	p.min_evaluated_share = rezago_float_arg(fcinfo, 7, "min_evaluated_share", HINT_PARAM_NULL, fn);
	rezago_check_exit_params(&p, fn);
	consts[1] = p.started_share;
	consts[2] = p.advanced_share;
	consts[3] = p.min_evaluated_share;
	return exit_accum(fcinfo, consts, fn);
}

Datum
rezago_exit_status_combine(PG_FUNCTION_ARGS)
{
	const char *fn = "exit_status combine";
	ArrayType  *a;
	float8	   *st = combine_states(fcinfo, EX_LEN, EX_TOTAL, EX_NCONST,
									exit_const_names, &a, fn);

	exit_check_rows(st, fn);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* (evaluated, overcome, share, stage); NULL on empty input */
Datum
rezago_exit_status_final(PG_FUNCTION_ARGS)
{
	const char *fn = "exit_status";
	const float8 *st = rezago_state_peek(PG_GETARG_ARRAYTYPE_P(0), EX_LEN, fn);
	RezagoExitParams p;
	int32		rows,
				evaluated,
				overcome,
				total;
	RezagoExitStage stage;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	if (st[EX_ROWS] <= 0)
		PG_RETURN_NULL();
	rows = count_to_int(st[EX_ROWS], fn);
	evaluated = count_to_int(st[EX_EVALUATED], fn);
	overcome = count_to_int(st[EX_OVERCOME], fn);
	total = st[EX_TOTAL] > 0 ? count_to_int(st[EX_TOTAL], fn) : rows;
	p.started_share = st[EX_TOTAL + 1];
	p.advanced_share = st[EX_TOTAL + 2];
	p.min_evaluated_share = st[EX_TOTAL + 3];
	rezago_check_exit_params(&p, fn);
	if (overcome > evaluated || evaluated > rows)
		invalid_state(fn);
	stage = rezago_exit_stage(evaluated, overcome, total, &p);

	values[0] = Int32GetDatum(evaluated);
	values[1] = Int32GetDatum(overcome);
	if (evaluated > 0)
		values[2] = Float8GetDatum((float8) overcome / evaluated);
	else
		nulls[2] = true;
	values[3] = CStringGetTextDatum(rezago_exit_stage_names[stage]);
	PG_RETURN_DATUM(make_result(fcinfo, values, nulls));
}

/* ------------------------------------------------------------------------
 * entry_status
 *
 * State float8[15]:
 *	 [0]  rows (member comunas)
 *	 [1]  E1 flagged (national rank <= national_top)   [2]  E1 unknown
 *	 [3]  E2 flagged (regional rank / count <= share)  [4]  E2 unknown
 *	 E3, by what is known of each member's (localities, isolated):
 *	 [5]  localities of members with both counts       [6]  their isolated
 *	 [7]  localities of members whose isolated count is missing
 *	 [8]  isolated of members whose localities count is missing
 *	 [9]  members whose localities count is missing (isolated known)
 *	 [10] members with both counts missing
 *	 [11] national_top, [12] regional_share, [13] isolation_share,
 *	 [14] min_criteria
 * ------------------------------------------------------------------------
 */
#define EN_LEN			15
#define EN_ROWS			0
#define EN_E1			1
#define EN_E1_UNKNOWN	2
#define EN_E2			3
#define EN_E2_UNKNOWN	4
#define EN_L_FULL		5
#define EN_I_FULL		6
#define EN_L_NO_I		7
#define EN_I_NO_L		8
#define EN_N_NO_L		9
#define EN_N_NONE		10
#define EN_TOP			11
#define EN_NCONST		4

static const char *const entry_const_names[EN_NCONST] = {
	"national_top", "regional_share", "isolation_share", "min_criteria"
};

/* A rank argument: NULL = unknown, otherwise at least 1. */
static bool
rank_arg(FunctionCallInfo fcinfo, int argno, const char *what, int64 *rank,
		 const char *fn)
{
	if (PG_ARGISNULL(argno))
		return false;
	*rank = PG_GETARG_INT64(argno);
	if (*rank < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at least 1", what),
				 errdetail("Function %s received %s = " INT64_FORMAT ".", fn, what, *rank),
				 errhint("Ranks start at 1 for the poorest comuna (rank() OVER (ORDER BY poverty DESC)); pass NULL when the comuna has no data.")));
	return true;
}

/* A count of localities: NULL/NaN/Infinity = missing, negative = error. */
static bool
count_arg(FunctionCallInfo fcinfo, int argno, const char *what, float8 *v,
		  const char *fn)
{
	if (!rezago_raw_value(fcinfo, argno, v))
		return false;
	if (*v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", what),
				 errdetail("Function %s received %s = %g.", fn, what, *v),
				 errhint("Pass the number of localities of the comuna, or NULL when it is not known.")));
	/* whole numbers below 2^53 add up exactly, in any order */
	if (*v != floor(*v) || *v > 1e15)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a whole number below 10^15", what),
				 errdetail("Function %s received %s = %g.", fn, what, *v),
				 errhint("Pass the number of localities of the comuna, or NULL when it is not known.")));
	return true;
}

/*
 * Adds one member comuna: argument 1 national rank, 2 regional rank, 3
 * number of comunas of its región with data, 4 localities, 5 isolated
 * localities.  consts: national_top, regional_share, isolation_share,
 * min_criteria, already validated.
 */
static Datum
entry_accum(FunctionCallInfo fcinfo, const float8 *consts, const char *fn)
{
	ArrayType  *a;
	float8	   *st;
	int64		nrank,
				rrank,
				rcount;
	float8		loc = 0,
				iso = 0;
	bool		have_loc,
				have_iso;

	/* validate the whole row before touching the state */
	bool		have_nrank = rank_arg(fcinfo, 1, "national_rank", &nrank, fn);
	bool		have_rrank = rank_arg(fcinfo, 2, "regional_rank", &rrank, fn);

	if (have_rrank)
	{
		if (PG_ARGISNULL(3))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("regional_count must not be NULL when regional_rank is given"),
					 errdetail("Function %s received regional rank " INT64_FORMAT " without the number of comunas of the región.", fn, rrank),
					 errhint("Pass count(*) OVER (PARTITION BY region_code) over the comunas with data.")));
		rcount = PG_GETARG_INT64(3);
		if (rcount < rrank)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("regional_rank must not exceed regional_count"),
					 errdetail("Function %s received regional rank " INT64_FORMAT " in a región of " INT64_FORMAT " comunas with data.", fn, rrank, rcount),
					 errhint("Rank and count the comunas of the same región, over the comunas with data.")));
	}
	else
		rcount = 0;
	have_loc = count_arg(fcinfo, 4, "localities", &loc, fn);
	have_iso = count_arg(fcinfo, 5, "isolated_localities", &iso, fn);
	if (have_loc && have_iso && iso > loc)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("isolated_localities must not exceed localities"),
				 errdetail("Function %s received %g isolated localities of %g.", fn, iso, loc),
				 errhint("Isolated localities are a subset of the comuna's localities.")));

	st = rezago_state_values(fcinfo, 0, EN_LEN, &a, fn);
	set_group_constants(st, EN_ROWS, EN_TOP, consts, EN_NCONST,
						entry_const_names, fn);
	st[EN_ROWS] += 1;

	if (!have_nrank)
		st[EN_E1_UNKNOWN] += 1;
	else if (nrank <= (int64) st[EN_TOP])
		st[EN_E1] += 1;

	/*
	 * rank / count <= share: both sides are correctly rounded, so a rank
	 * exactly at the cut (3 of 10 with share 0.30) is inside it.
	 */
	if (!have_rrank)
		st[EN_E2_UNKNOWN] += 1;
	else if ((float8) rrank / (float8) rcount <= st[EN_TOP + 1])
		st[EN_E2] += 1;

	if (have_loc && have_iso)
	{
		st[EN_L_FULL] += loc;
		st[EN_I_FULL] += iso;
	}
	else if (have_loc)
		st[EN_L_NO_I] += loc;
	else if (have_iso)
	{
		st[EN_I_NO_L] += iso;
		st[EN_N_NO_L] += 1;
	}
	else
		st[EN_N_NONE] += 1;
	PG_RETURN_ARRAYTYPE_P(a);
}

/* entry_status(5 inputs): ufro2017 defaults 100, 0.30, 0.10, 2 */
Datum
rezago_entry_status_accum(PG_FUNCTION_ARGS)
{
	const float8 consts[EN_NCONST] = {100, 0.30, 0.10, 2};

	return entry_accum(fcinfo, consts, "entry_status");
}

/* entry_status(5 inputs, national_top, regional_share, isolation_share, min_criteria) */
Datum
rezago_entry_status_accum_params(PG_FUNCTION_ARGS)
{
	const char *fn = "entry_status";
	float8		consts[EN_NCONST];

	consts[0] = rezago_int_arg(fcinfo, 6, "national_top", 1, INT_MAX,
							   HINT_PARAM_NULL, HINT_PARAM_RANGE, fn);
	consts[1] = rezago_float_arg(fcinfo, 7, "regional_share", HINT_PARAM_NULL, fn);
	if (!(consts[1] > 0 && consts[1] <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("regional_share must be in (0, 1]"),
				 errdetail("Function %s received regional_share = %g.", fn, consts[1]),
				 errhint("The default is 0.30: the poorest 30%% of the comunas of each región.")));
	consts[2] = rezago_float_arg(fcinfo, 8, "isolation_share", HINT_PARAM_NULL, fn);
	if (!(consts[2] >= 0 && consts[2] < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("isolation_share must be in [0, 1)"),
				 errdetail("Function %s received isolation_share = %g.", fn, consts[2]),
				 errhint("The default is 0.10: more than 10%% of the localities isolated.")));
	consts[3] = rezago_int_arg(fcinfo, 9, "min_criteria", 1, 3,
							   HINT_PARAM_NULL, HINT_PARAM_RANGE, fn);
	return entry_accum(fcinfo, consts, fn);
}

Datum
rezago_entry_status_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a;

	(void) combine_states(fcinfo, EN_LEN, EN_TOP, EN_NCONST, entry_const_names,
						  &a, "entry_status combine");
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * "Half or more of the n members are flagged", with k flagged and u
 * unknown: met when k >= n/2 whatever the unknown ones are, failed when even
 * k + u < n/2, unknown otherwise.  Returns 1, 0 or -1 (unknown).
 */
static int
half_or_more(float8 n, float8 k, float8 u)
{
	if (2 * k >= n)
		return 1;
	if (2 * (k + u) < n)
		return 0;
	return -1;
}

/*
 * E3: more than share s of the members' localities (summed) are isolated.
 * A member without data can take any value consistent with what is known:
 * isolated in [0, localities] when only localities is known, localities in
 * [isolated, infinity) when only isolated is known, anything when neither
 * is.  Met when every such completion is above s, failed when none is,
 * unknown otherwise.  A territory with no localities at all has share 0.
 *
 *	- The smallest share: missing isolated counts 0, missing localities
 *	  counts arbitrarily large.  With a missing localities count the share
 *	  gets arbitrarily close to 0 (never reaching it while some locality is
 *	  known to be isolated), so E3 is then met only when s = 0 and some
 *	  locality is known to be isolated.
 *	- The largest share: missing isolated counts = localities, missing
 *	  localities count = isolated count; a member with neither count can
 *	  push the share arbitrarily close to 1, so E3 cannot fail then.
 */
static int
isolation_met(const float8 *st, float8 s)
{
	float8		lf = st[EN_L_FULL],
				inf = st[EN_I_FULL],
				lb = st[EN_L_NO_I],
				ic = st[EN_I_NO_L];
	bool		met,
				failed;

	if (st[EN_N_NONE] == 0 && st[EN_N_NO_L] == 0)
		met = (lf + lb > 0) && inf / (lf + lb) > s;
	else
		met = (s == 0) && (inf + ic > 0);

	if (st[EN_N_NONE] > 0)
		failed = false;
	else
		failed = (lf + lb + ic == 0) || (inf + lb + ic) / (lf + lb + ic) <= s;

	Assert(!(met && failed));
	return met ? 1 : failed ? 0 : -1;
}

/* (e1_national, e2_regional, e3_isolation, criteria_met, eligible) */
Datum
rezago_entry_status_final(PG_FUNCTION_ARGS)
{
	const char *fn = "entry_status";
	const float8 *st = rezago_state_peek(PG_GETARG_ARRAYTYPE_P(0), EN_LEN, fn);
	int			crit[3];
	int			met = 0,
				unknown = 0,
				min_criteria,
				i;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (st[EN_ROWS] <= 0)
		PG_RETURN_NULL();
	(void) count_to_int(st[EN_ROWS], fn);
	/* the constants were validated on input: only a forged state fails */
	if (!(st[EN_TOP] >= 1 && st[EN_TOP + 1] > 0 && st[EN_TOP + 1] <= 1 &&
		  st[EN_TOP + 2] >= 0 && st[EN_TOP + 2] < 1 &&
		  st[EN_TOP + 3] >= 1 && st[EN_TOP + 3] <= 3))
		invalid_state(fn);
	for (i = EN_ROWS; i < EN_TOP; i++)
		if (!(st[i] >= 0 && !isinf(st[i])))
			invalid_state(fn);
	crit[0] = half_or_more(st[EN_ROWS], st[EN_E1], st[EN_E1_UNKNOWN]);
	crit[1] = half_or_more(st[EN_ROWS], st[EN_E2], st[EN_E2_UNKNOWN]);
	crit[2] = isolation_met(st, st[EN_TOP + 2]);
	min_criteria = (int) st[EN_TOP + 3];

	for (i = 0; i < 3; i++)
	{
		if (crit[i] < 0)
		{
			nulls[i] = true;
			unknown++;
		}
		else
		{
			values[i] = BoolGetDatum(crit[i] == 1);
			met += crit[i];
		}
	}
	values[3] = Int32GetDatum(met);
	if (met >= min_criteria)
		values[4] = BoolGetDatum(true);
	else if (met + unknown < min_criteria)
		values[4] = BoolGetDatum(false);
	else
		nulls[4] = true;
	PG_RETURN_DATUM(make_result(fcinfo, values, nulls));
}

/* ------------------------------------------------------------------------
 * territory_means(variable, period, value, variables, vintages)
 *
 * The value of a territory in every variable of a list (doc/method.md
 * section 4): the mean of its members' values of the variable at the
 * variable's vintage, from one row per member observation, as a float8[]
 * in the order of `variables` (NULL where no member has a value).  One
 * group holds one territory's rows, so that grouping the member rows by
 * territory alone, one territory after the other, streams (rezago.
 * territory_gaps); rows of other variables or periods are skipped, so one
 * index probe per member can feed it.  Each mean is the canonical sum of
 * the values divided by their number: the bits of rezago.territory_average.
 * The state is internal (the values of one territory) and has no combine
 * function: a territory's rows are few.
 * ------------------------------------------------------------------------
 */
PG_FUNCTION_INFO_V1(rezago_territory_means_accum);
PG_FUNCTION_INFO_V1(rezago_territory_means_final);

typedef struct TmSlot
{
	const char *name;			/* points into the state's copy */
	int			len;
	int			slot;			/* position in `variables` */
	bool		has_vintage;
	int32		vintage;
	int			n;
	int			cap;
	float8	   *values;
} TmSlot;

typedef struct TmState
{
	int			nvars;
	TmSlot	   *slots;			/* sorted by name, for bsearch */
} TmState;

#define TM_HINT "Pass the variables of the methodology once each, with one vintage per variable (rezago.variable_vintages)."

static int
tm_cmp_name(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	return c != 0 ? c : (alen > blen) - (alen < blen);
}

static int
tm_slot_cmp(const void *a, const void *b)
{
	const TmSlot *x = a,
			   *y = b;

	return tm_cmp_name(x->name, x->len, y->name, y->len);
}

/* The state of a group's first row: the variables and vintages, checked. */
static TmState *
tm_new_state(FunctionCallInfo fcinfo, MemoryContext cxt, const char *fn)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	TmState    *st = palloc0(sizeof(TmState));
	ArrayType  *vars,
			   *vints;
	Datum	   *vd,
			   *id;
	bool	   *vn,
			   *in;
	int			nv,
				ni;

	rezago_require_not_null(fcinfo, 4, "variables", TM_HINT, fn);
	rezago_require_not_null(fcinfo, 5, "vintages", TM_HINT, fn);
	vars = PG_GETARG_ARRAYTYPE_P(4);
	vints = PG_GETARG_ARRAYTYPE_P(5);
	rezago_require_1d_array(vars, "variables", TM_HINT, fn);
	rezago_require_1d_array(vints, "vintages", TM_HINT, fn);
	deconstruct_array(vars, TEXTOID, -1, false, TYPALIGN_INT, &vd, &vn, &nv);
	deconstruct_array(vints, INT4OID, 4, true, TYPALIGN_INT, &id, &in, &ni);
	if (nv != ni)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("variables and vintages must have the same length"),
				 errdetail("Function %s received %d variables and %d vintages.", fn, nv, ni),
				 errhint(TM_HINT)));
	st->nvars = nv;
	st->slots = palloc0(sizeof(TmSlot) * Max(nv, 1));
	for (int i = 0; i < nv; i++)
	{
		TmSlot	   *s = &st->slots[i];
		text	   *t;

		if (vn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("variables must not contain NULL"),
					 errdetail("Function %s received a NULL variable at position %d.", fn, i + 1),
					 errhint(TM_HINT)));
		t = DatumGetTextPP(vd[i]);
		s->len = VARSIZE_ANY_EXHDR(t);
		s->name = pnstrdup(VARDATA_ANY(t), s->len);
		s->slot = i;
		s->has_vintage = !in[i];
		s->vintage = in[i] ? 0 : DatumGetInt32(id[i]);
	}
	qsort(st->slots, nv, sizeof(TmSlot), tm_slot_cmp);
	for (int i = 1; i < nv; i++)
		if (tm_slot_cmp(&st->slots[i - 1], &st->slots[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("variables must not repeat"),
					 errdetail("Function %s received variable \"%s\" twice.", fn, st->slots[i].name),
					 errhint(TM_HINT)));
	MemoryContextSwitchTo(old);
	return st;
}

/*
 * Transition: argument 1 variable, 2 period, 3 value, 4 variables, 5
 * vintages (per-group constants, read from the group's first row).  A row
 * with a NULL variable, period or value, of a variable not in the list or of
 * another period than its vintage is skipped; a NaN or infinite value is an
 * error (22023), as in rezago.territory_average.
 */
Datum
rezago_territory_means_accum(PG_FUNCTION_ARGS)
{
	const char *fn = "territory_means";
	MemoryContext aggcxt;
	TmState    *st;
	text	   *var;
	const char *name;
	int			len,
				lo,
				hi;
	int32		period;
	float8		value;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s_accum can only be called as an aggregate transition function", fn),
				 errdetail("It was called directly."),
				 errhint("Call the aggregate rezago.territory_means.")));
	st = PG_ARGISNULL(0) ? tm_new_state(fcinfo, aggcxt, fn) : (TmState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_POINTER(st);
	value = PG_GETARG_FLOAT8(3);
	rezago_require_finite(value, "value", fn);
	var = PG_GETARG_TEXT_PP(1);
	name = VARDATA_ANY(var);
	len = VARSIZE_ANY_EXHDR(var);
	period = PG_GETARG_INT32(2);
	lo = 0;
	hi = st->nvars - 1;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		TmSlot	   *s = &st->slots[mid];
		int			c = tm_cmp_name(name, len, s->name, s->len);

		if (c == 0)
		{
			if (!s->has_vintage || s->vintage != period)
				break;
			if (s->n == s->cap)
			{
				MemoryContext old = MemoryContextSwitchTo(aggcxt);

				s->cap = s->cap == 0 ? 16 : s->cap * 2;
				s->values = s->values ? repalloc(s->values, sizeof(float8) * s->cap)
					: palloc(sizeof(float8) * s->cap);
				MemoryContextSwitchTo(old);
			}
			s->values[s->n++] = value;
			break;
		}
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	PG_RETURN_POINTER(st);
}

/* Final: the means in the order of `variables`, NULL where no value. */
Datum
rezago_territory_means_final(PG_FUNCTION_ARGS)
{
	const char *fn = "territory_means";
	TmState    *st;
	Datum	   *d;
	bool	   *nulls;
	int			dims[1],
				lbs[1] = {1};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s_final can only be called as an aggregate final function", fn),
				 errdetail("It was called directly."),
				 errhint("Call the aggregate rezago.territory_means.")));
	st = (TmState *) PG_GETARG_POINTER(0);
	d = palloc0(sizeof(Datum) * Max(st->nvars, 1));
	nulls = palloc(sizeof(bool) * Max(st->nvars, 1));
	for (int i = 0; i < st->nvars; i++)
	{
		TmSlot	   *s = &st->slots[i];
		float8	   *copy;
		float8		sum;

		nulls[s->slot] = s->n == 0;
		if (s->n == 0)
			continue;
		/* sorted in a copy: the final function may run again on the state */
		copy = palloc(sizeof(float8) * s->n);
		memcpy(copy, s->values, sizeof(float8) * s->n);
		sum = rezago_canonical_sum(copy, s->n);
		rezago_require_finite_result(sum, "sum of values", fn);
		d[s->slot] = Float8GetDatum(sum / (float8) s->n);
		pfree(copy);
	}
	dims[0] = st->nvars;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(d, nulls, 1, dims, lbs, FLOAT8OID,
											 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
