/*
 * rezago.h
 *	  Helpers shared by every C file of the rezago extension.
 *
 * Policy for non-finite numbers, applied by every function through these
 * helpers (doc/reference.md, "Conventions"):
 *	- a NULL raw value or lag score is a missing value: it is skipped and
 *	  lowers coverage where coverage is reported;
 *	- NaN and +/-Infinity are never silently used as numbers: raw values are
 *	  treated as missing (they are outside the reference population), while
 *	  parameters (min, max, weights, thresholds) raise an error.
 */
#ifndef REZAGO_H
#define REZAGO_H

#include "postgres.h"
#include "fmgr.h"
#include "utils/array.h"

#include <math.h>

/* Polarity of a variable: +1 more is better, -1 more is worse. */
extern int	rezago_polarity(float8 polarity, const char *fn);

/* Errors out (22023) unless v is a finite number; what names the argument. */
extern void rezago_require_finite(float8 v, const char *what, const char *fn);

/*
 * Errors out (22003) when a result computed from finite inputs overflowed to
 * an infinity or became NaN; what names the result.
 */
extern void rezago_require_finite_result(float8 v, const char *what,
										 const char *fn);

/* Errors out (22023) unless w is a finite number >= 0. */
extern void rezago_require_weight(float8 w, const char *fn);

/*
 * Arguments (common.c).  Each check names the argument (what) and the SQL
 * function (fn) in its error; the caller gives the hint, so that every
 * function keeps the advice that fits it.
 *
 * rezago_require_not_null: "<what> must not be NULL" (22004) when argument
 * argno is NULL.  rezago_require_int_range: "<what> must be between <lo>
 * and <hi>" (22023) unless lo <= v <= hi.  rezago_int_arg and
 * rezago_float_arg read a non-NULL int4 within [lo, hi], or a non-NULL
 * finite float8 (null_hint for the NULL error).
 */
extern void rezago_require_not_null(FunctionCallInfo fcinfo, int argno,
									const char *what, const char *hint,
									const char *fn);
extern void rezago_require_int_range(int32 v, const char *what, int32 lo,
									 int32 hi, const char *hint, const char *fn);
extern int32 rezago_int_arg(FunctionCallInfo fcinfo, int argno, const char *what,
							int32 lo, int32 hi, const char *null_hint,
							const char *range_hint, const char *fn);
extern float8 rezago_float_arg(FunctionCallInfo fcinfo, int argno,
							   const char *what, const char *null_hint,
							   const char *fn);

/*
 * A raw input value in argument argno: false when it is missing (NULL, NaN
 * or +/-Infinity, as the policy above says), else true with *v set.
 */
extern bool rezago_raw_value(FunctionCallInfo fcinfo, int argno, float8 *v);

/* qsort/bsearch comparator of int32 values, ascending */
extern int	rezago_cmp_int32(const void *a, const void *b);

/* Errors out (22023) unless a one-dimensional (or empty) array. */
extern void rezago_require_1d_array(ArrayType *a, const char *what,
									const char *hint, const char *fn);

/*
 * Argument checks of the weighted-mean aggregates (weighted_mean.c), shared
 * with the unit aggregates (unit_aggregates.c): a NULL weight is an error
 * (22004); the minimum coverage in argument argno must be a finite share in
 * [0, 1].
 */
extern void rezago_require_weight_not_null(bool isnull, const char *fn);
extern float8 rezago_get_min_coverage(FunctionCallInfo fcinfo, int argno, const char *fn);

/*
 * A per-group constant of an aggregate (minimum coverage, total weight, a
 * share of the exit rule, ...) met with another value than the group began
 * with: an error (22023) unless had == got.
 */
extern void rezago_require_same_constant(float8 had, float8 got,
										 const char *what, const char *fn);

/*
 * A state an aggregate cannot have built (a support function called
 * directly with a forged state): "invalid aggregate state" (22023) with the
 * detail given, printf-style.  A macro, so that the compiler checks the
 * format and knows that it does not return.
 */
#define rezago_invalid_state(...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE), \
			 errmsg("invalid aggregate state"), \
			 errdetail(__VA_ARGS__), \
			 errhint("Do not call aggregate support functions directly; use the aggregate.")))

/*
 * Coverage (a share of weight computed from sums of weights) is compared
 * with the minimum coverage with this slack, so that 3 x (1/3) counts as 1.
 */
#define REZAGO_COVERAGE_SLACK 1e-12

/*
 * The lag-score formulas of lag_score and lag_score_zscore (lag_score.c) on
 * validated, finite arguments: min-max with lo <= hi, clamped to [0, 1] (0
 * when hi = lo); z-score -polarity * (x - mean) / sd, 0 when sd = 0.  The
 * uncertainty analysis calls them so that it computes the same numbers.
 */
extern float8 rezago_minmax_lag(float8 x, float8 lo, float8 hi, int polarity);
extern float8 rezago_zscore_lag(float8 x, float8 mean, float8 sd, int polarity);

/*
 * Outlier treatment (treatment.c): x clamped to [lo, hi], then, when log_tf,
 * log(x - lmin + loff) with x at least lmin (COINr's log_CT: lmin the
 * minimum, loff 0.01 x the range of the reference population).  The one
 * formula of rezago.treated_value and rezago.coinr_treatment.
 */
static inline float8
rezago_treat(float8 x, float8 lo, float8 hi, bool log_tf, float8 lmin, float8 loff)
{
	x = (x < lo) ? lo : x;
	x = (x > hi) ? hi : x;
	if (log_tf)
		x = log(((x < lmin) ? lmin : x) - lmin + loff);
	return x;
}

/*
 * Geometric aggregation (doc/method.md 3.4; uncertainty_scoring.c and
 * treatment.c): an achievement a >= 0 (1 - a bounded lag score, or the
 * variable's largest z-score minus the z-score) is put on [1, 1 + 99 a] and
 * aggregated as a weighted mean of logs; the index is 1 - (exp(mean) - 1) /
 * 99.
 */
#define REZAGO_GEO_SCALE 99.0
static inline float8
rezago_geo_log_achievement(float8 a)
{
	return log(1.0 + REZAGO_GEO_SCALE * a);
}
static inline float8
rezago_geo_index(float8 mean_log)
{
	return 1.0 - (exp(mean_log) - 1.0) / REZAGO_GEO_SCALE;
}

/*
 * Adjusted Mazziotta-Pareto index (doc/method.md 3.4; common.c): the AMPI of
 * n dimension scores in [0, 1] with weights (sum > 0), as a lag index
 * m + 60 v / (70 + 60 m); terms is scratch for n.  NaN when the weights do
 * not sum to more than 0.  rezago_ampi_require_score raises 22023 for a
 * score outside [0, 1] (z-scores).  The one formula of unit_ampi_final
 * (rezago.comuna_index) and of the uncertainty runs.
 */
#define REZAGO_AMPI_SCORE_SLACK 1e-12
extern void rezago_ampi_require_score(float8 score, int dimension, const char *fn);
extern float8 rezago_ampi_index(const float8 *scores, const float8 *weights, int n,
								float8 *terms);

/*
 * Canonical summation (canonical_sum.c).  Every floating-point sum of
 * rezago adds its terms in ascending magnitude, then ascending value, so
 * that it depends on the multiset of terms only: not on row order, plan,
 * parallel workers or a restore.  Both sort terms in place.
 */
extern void rezago_canonical_sort(float8 *terms, int n);
extern float8 rezago_canonical_sum(float8 *terms, int n);

/* the canonical order: < 0 when x comes before y, 0 when either may */
static inline int
rezago_canonical_cmp(float8 x, float8 y)
{
	float8		ax = fabs(x),
				ay = fabs(y);

	if (ax != ay)
		return ax < ay ? -1 : 1;
	if (x != y)
		return x < y ? -1 : 1;
	return 0;
}

/*
 * Mean and sample standard deviation (two passes, NaN when n < 2; sd may be
 * NULL) of x[0..n), n >= 1, each sum in canonical order over the values
 * scaled by a power of two so that no sum overflows.  What the SQL
 * aggregates canonical_avg and canonical_stddev_samp give; scratch holds n
 * elements, x is not changed.
 */
extern void rezago_canonical_moments(const float8 *x, int n, float8 *scratch,
									 float8 *mean, float8 *sd);

/*
 * Row-list aggregate states (canonical_sum.c): aggregates whose results are
 * sums keep their rows and sum them in canonical order at the end.  The
 * state is a float8[] (so that parallel aggregation needs no serial
 * functions): [0] the number of fields F, [1] the row width W, [2] the
 * number of rows R, then F fields, then R rows of W elements, then spare
 * room.  fields and rows point into array, which append may replace.
 */
typedef struct RezagoRows
{
	ArrayType  *array;
	float8	   *fields;
	float8	   *rows;
	int			nfields;
	int			width;
	int			nrows;
	int			capacity;
} RezagoRows;

/* A new state with zeroed fields and room for capacity rows. */
extern void rezago_rows_new(RezagoRows *r, int nfields, int width, int capacity,
							const char *fn);

/*
 * The state in argument argno: modified in place when called as an
 * aggregate support function (its shape checked), else a copy checked in
 * full.  A NULL or malformed state is an error (22004, 22023).
 */
extern void rezago_rows_get(FunctionCallInfo fcinfo, int argno, int nfields,
							int width, RezagoRows *r, const char *fn);

/* As rezago_rows_get, but a NULL state gives a new one (an aggregate's first row). */
extern void rezago_rows_get_or_new(FunctionCallInfo fcinfo, int argno, int nfields,
								   int width, int capacity, RezagoRows *r,
								   const char *fn);

/*
 * Read-only view of a state, every element checked finite.  nfields < 0
 * takes the number of fields from the state (the caller checks it).
 */
extern void rezago_rows_peek(ArrayType *a, int nfields, int width,
							 RezagoRows *r, const char *fn);

/* Room for one more row at the end (zeroed); r->array may change. */
extern float8 *rezago_rows_append(RezagoRows *r, const char *fn);

/* Appends zeroed rows until the state has nrows rows. */
extern void rezago_rows_fill(RezagoRows *r, int nrows, const char *fn);

/* Appends every row of other (of the same width) to r. */
extern void rezago_rows_append_all(RezagoRows *r, const RezagoRows *other,
								   const char *fn);

/* The state without its spare room (r->array itself when it has none). */
extern ArrayType *rezago_rows_trimmed(const RezagoRows *r, const char *fn);

/*
 * What a transition or combine function returns: the state itself in an
 * aggregate, else (a direct call) the state without its spare room.
 */
extern ArrayType *rezago_rows_result(FunctionCallInfo fcinfo, const RezagoRows *r,
									 const char *fn);

/*
 * Aggregate state kept as a plain float8[] of a fixed length (so that
 * parallel aggregation needs no serial/deserial functions).  Returns a
 * pointer to the elements of a validated array: when called as an aggregate
 * transition function the array is modified in place (it lives in the
 * aggregate context), otherwise a copy is made first.  A NULL state (only
 * possible when a support function is called directly) is an error.
 */
extern float8 *rezago_state_values(FunctionCallInfo fcinfo, int argno,
								   int len, ArrayType **result, const char *fn);

/*
 * The float8[] state in argument argno: itself in an aggregate (to be
 * modified in place), else a copy.  A NULL state is an error (22004).
 */
extern ArrayType *rezago_state_arg(FunctionCallInfo fcinfo, int argno, const char *fn);

/* Read-only view of a float8[] state of a fixed length, validated. */
extern const float8 *rezago_state_peek(ArrayType *a, int len, const char *fn);

/*
 * Exit stages of a territory (doc/method.md section 4), in order.  The SQL names
 * are rezago_exit_stage_names[stage].
 */
typedef enum RezagoExitStage
{
	REZAGO_STAGE_INSUFFICIENT_DATA = 0,
	REZAGO_STAGE_LAGGING,
	REZAGO_STAGE_EXIT_STARTED,
	REZAGO_STAGE_EXIT_ADVANCED,
	REZAGO_STAGE_EXITED
} RezagoExitStage;

#define REZAGO_N_EXIT_STAGES 5
extern const char *const rezago_exit_stage_names[REZAGO_N_EXIT_STAGES];

/* Methodology parameters of the exit rule. */
typedef struct RezagoExitParams
{
	float8		started_share;	/* default 1/3 */
	float8		advanced_share; /* default 2/3 */
	float8		min_evaluated_share;	/* default 0.5 */
} RezagoExitParams;

/*
 * Stage of a territory evaluated on `evaluated` variables (of `total` in the
 * methodology), `overcome` of which have a gap <= 0.  The one place the exit
 * rule lives: status aggregates and the uncertainty analysis both call it.
 */
extern RezagoExitStage rezago_exit_stage(int evaluated, int overcome, int total,
										 const RezagoExitParams *params);

/* Errors out (22023) unless the parameters are valid shares in order. */
extern void rezago_check_exit_params(const RezagoExitParams *params,
									 const char *fn);

#endif							/* REZAGO_H */
