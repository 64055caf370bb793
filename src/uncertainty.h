/*
 * uncertainty.h
 *	  How sure is the ranking?  Uncertainty and sensitivity analysis of the
 *	  territory index (rank_uncertainty, rank_sensitivity, uncertainty_runs,
 *	  uncertainty_draws, sensitivity_analytic, random_uniforms): the types and
 *	  functions its files share.  Private to the uncertainty_*.c files.
 *
 * The index is rebuilt many times, each time with other choices that the
 * plan leaves open: the normalisation, the aggregation (arithmetic,
 * geometric or, opted in, ampi), the weights (each perturbed by up to +-p, renormalised) and the
 * threshold rule of the exit stages.  Everything that does not depend on a
 * run's draws is read once through SPI into dense arrays, as the SQL
 * functions compute it (the lag scores under every normalisation from
 * rezago.comuna_lag_scores, the exit stage of every territory under every
 * threshold rule from rezago.territory_exit), so that the engine has no
 * scoring rule of its own and a run costs one pass over comunas x variables
 * plus a sort of the territories.
 *
 * Files, in the order a call goes through them:
 *	uncertainty_options.c	  the arguments every analysis function shares:
 *							  what varies, and how much (UncOptions)
 *	uncertainty_model.c		  the methodology and the data, read through SPI
 *							  into a Model: lag scores per normalisation,
 *							  exit stages per threshold rule; the frame of
 *							  the set-returning functions
 *	uncertainty_scoring.c	  what a run computes: the index, territory
 *							  means and ranks
 *	uncertainty_runs.c		  the draws of a run (RunConfig); rank_uncertainty,
 *							  uncertainty_runs, uncertainty_draws,
 *							  random_uniforms
 *	uncertainty_sensitivity.c the Saltelli design and the Saltelli 2010 /
 *							  Jansen estimators; rank_sensitivity,
 *							  sensitivity_analytic
 */
#ifndef REZAGO_UNCERTAINTY_H
#define REZAGO_UNCERTAINTY_H

#include "rezago.h"

/* documented limits */
#define MAX_RUNS			1000000
#define MAX_BASE_SAMPLES	100000
#define MAX_UNIFORMS		1000000
#define MAX_ANALYTIC_INPUTS 20

/* hints of the argument checks (rezago_require_not_null, rezago_int_arg) */
#define HINT_NULL_ARG "Pass a value, or leave the argument out to use its default."
#define HINT_LIMITS "The limits keep one call within memory and time bounds; run a larger analysis as several calls with other seeds."

/* The choices a run makes; their SQL names are rezago_*_names[choice]. */
enum
{
	NORM_MINMAX, NORM_ZSCORE, NORM_RANK, NORM_GOALPOST, N_NORM
};
enum
{
	AGG_ARITHMETIC, AGG_GEOMETRIC, AGG_AMPI, N_AGG
};
enum
{
	THR_MEAN, THR_MEDIAN, THR_PERCENTILE, THR_FIXED, N_THR
};
/* the imputation and outlier treatment (rezago.require_rule's names) */
enum
{
	IMP_NONE, IMP_MEDIAN_REGION, IMP_MEDIAN_PROVINCIA, IMP_CARRY_FORWARD, N_IMP
};
enum
{
	TREAT_NONE, TREAT_PERCENTILE, TREAT_COINR, N_TREAT
};
extern const char *const rezago_norm_names[N_NORM];
extern const char *const rezago_agg_names[N_AGG];
extern const char *const rezago_thr_names[N_THR];
extern const char *const rezago_imp_names[N_IMP];
extern const char *const rezago_treat_names[N_TREAT];

/*
 * The lag scores of a run depend on its normalisation, imputation and
 * outlier treatment: one score array per combination (Model.score).
 */
#define N_SCORING (N_NORM * N_IMP * N_TREAT)
#define SCORING(norm, imp, treat) (((norm) * N_IMP + (imp)) * N_TREAT + (treat))
#define SCORING_NORM(k) ((k) / (N_IMP * N_TREAT))

/*
 * columns of a draw: three choices, then dimension weights, then variables;
 * then, only when those inputs are given (so that draws without them are
 * unchanged), the variable left out, the weight set, the imputation and the
 * outlier treatment (Model.col_leave, col_wset, col_imp, col_treat)
 */
#define COL_NORM	0
#define COL_AGG		1
#define COL_THR		2
#define COL_WEIGHTS 3

/* What varies, and how much (the arguments shared by every function). */
typedef struct UncOptions
{
	const char *fn;
	int32		period;
	int32		runs;			/* runs, or base samples of the sensitivity */
	int64		seed;
	char	   *methodology;
	bool		vary_norm;
	bool		vary_agg;
	float8		wpert;			/* weight_perturbation */
	float8		dwpert,			/* of dimension weights (default wpert) */
				vwpert;			/* of variable weights (default wpert) */
	bool		vary_thr;
	bool		comunas;		/* the units are the comunas, not territories */
	bool		ranks_only;		/* the caller reads ranks only: the exit
								 * stages are not read (variable_influence) */
	int			n_leave;		/* leave_out: variables a run may leave out */
	char	  **leave_names;
	Datum		weight_sets;	/* jsonb, or 0 when none */
	char	   *target;			/* "index" or a dimension code */
	Oid			observations;	/* the observation source (regclass), or
								 * InvalidOid for NULL: no observations */
	int			n_norms;
	int			norms[N_NORM];
	int			n_aggs;			/* aggregations drawn from (default:
								 * arithmetic, geometric) */
	int			aggs[N_AGG];
	int			n_thrs;
	int			thrs[N_THR];
	int			n_imps;			/* imputations drawn from; 0: the methodology's */
	int			imps[N_IMP];
	int			n_treats;		/* outlier treatments drawn from; 0: the
								 * methodology's */
	int			treats[N_TREAT];
} UncOptions;

/* The methodology and the data, in dense arrays. */
typedef struct Model
{
	const char *fn;
	/* methodology */
	int			nominal_norm;
	int			nominal_agg;	/* methodology.aggregation */
	int			nominal_thr;
	int			nominal_imp;	/* methodology.imputation */
	int			nominal_treat;	/* its outlier treatment (require_rule) */
	bool		has_winsor;		/* winsor_lower or winsor_upper is set */
	float8		min_coverage;
	bool		population;
	bool		has_thr_pct;	/* threshold rule percentile is possible */
	/* variables, grouped by dimension, both in code order */
	int			nv,
				nd;
	char	  **var_code;
	int		   *var_dim;
	int		   *var_pol;
	float8	   *var_w;			/* normalised within the dimension */
	bool	   *has_gp;			/* both goalposts are set */
	char	  **dim_code;
	float8	   *dim_w;			/* normalised over the index */
	int		   *dim_first,
			   *dim_nv;
	/* comunas */
	int			nc;
	int32	   *cuts;			/* sorted */
	float8	   *pop;			/* nc population weights (population weighting) */
	/* territories (code order) and their members */
	int			nt;
	char	  **terr_code;
	int		   *terr_first,
			   *terr_n,
			   *member;			/* comuna indices */
	int			nm;
	int		   *mcomuna;		/* comunas that belong to some territory */
	/* per choice; NULL when no run uses it */
	/* options resolved against the methodology (uncertainty_model.c) */
	int			target_dim;		/* -1: the index; else the dimension analysed */
	int			n_leave;
	int		   *leave;			/* variables a run may leave out */
	int			n_wsets;
	float8	   *wset_vw;		/* n_wsets x nv weights within the dimension */
	float8	   *wset_dw;		/* n_wsets x nd dimension weights */
	int			col_leave,		/* columns of their draws, or -1 */
				col_wset,
				col_imp,
				col_treat;
	/* per SCORING(normalisation, imputation, treatment) */
	float8	   *score[N_SCORING];	/* nc x nv lag scores, NaN = no value */
	float8	   *logp[N_SCORING];	/* nc x nv log(1 + 99 achievement) */
	uint8	   *stage[N_THR];	/* nt exit stages */
} Model;

/* The choices of one run. */
typedef struct RunConfig
{
	int			norm,
				agg,
				thr,
				imp,
				treat;
	int			left_out;		/* variable left out, or -1 */
	int			wset;			/* weight set drawn (0-based), or -1 */
	float8	   *vw;				/* nv variable weights, sum 1 per dimension */
	float8	   *dw;				/* nd dimension weights, sum 1 */
	bool	   *dout;			/* nd: dimension left out (all its variables) */
} RunConfig;

/* The results of one run. */
typedef struct RunResult
{
	float8	   *cidx;			/* nc comuna indices (members only), NaN = NULL */
	float8	   *tidx;			/* nt territory indices, NaN = NULL */
	int32	   *rank;			/* nt ranks, 0 = unranked */
	int		   *order;			/* nt scratch */
	const uint8 *stage;			/* nt exit stages */
} RunResult;

/* uncertainty_options.c */

/* Index of `s` in names[0..n), or -1. */
extern int	rezago_name_index(const char *s, const char *const *names, int n);
/* "a, b, c": names[0..n) for an error message. */
extern char *rezago_names_list(const char *const *names, int n);

/*
 * The shared arguments: period (at period_arg, or none when -1), then from
 * `first` on: runs, seed, methodology, vary_normalisation, vary_aggregation,
 * weight_perturbation, vary_threshold, normalisations, threshold_rules.
 */
extern void rezago_parse_options(FunctionCallInfo fcinfo, int period_arg, int first,
								 const char *runs_name, int32 min_runs, int32 max_runs,
								 bool thresholds, const char *fn, UncOptions *o);

/*
 * The arguments every analysis function ends with, from `first` on:
 * dimension_weight_perturbation, variable_weight_perturbation (NULL: the
 * weight_perturbation), leave_out, weight_sets, target, imputations,
 * outlier_treatments, aggregations, observations.
 */
extern void rezago_parse_more_options(FunctionCallInfo fcinfo, int first, UncOptions *o);

/* uncertainty_model.c */

/*
 * Sets up a materialised result, switches to a memory context of its own
 * (returned in *cxt; the previous one in *old) and reads the model (with the
 * data: the scores and stages of every choice a run may make) and prepares
 * it for the runs.  rezago_end_analysis switches back
 * and frees everything; it returns the set-returning function's result.
 */
extern Model *rezago_begin_analysis(FunctionCallInfo fcinfo, const UncOptions *o,
									bool with_data, MemoryContext *cxt,
									MemoryContext *old);
extern Datum rezago_end_analysis(MemoryContext cxt, MemoryContext old);
/* Every comuna a unit (territory) of its own; see uncertainty_model.c. */
extern void rezago_comunas_as_units(Model *m);

/* uncertainty_scoring.c */

/* Precomputes what the runs need beyond what was read (achievements). */
extern void rezago_prepare_model(Model *m);
extern void rezago_result_alloc(const Model *m, RunResult *res);
/* Computes the index, rank and exit stage of every territory under cfg. */
extern void rezago_evaluate_run(const Model *m, const RunConfig *cfg, RunResult *res);
/* The same for the nominal cfg; P0002 when units exist but none is ranked. */
extern void rezago_evaluate_nominal(const Model *m, const UncOptions *o,
									const RunConfig *cfg, RunResult *res);

/* uncertainty_runs.c */

/* The uniforms a run draws: 3 + dimensions + variables (+ 1 per optional column above). */
extern int	rezago_n_uniforms(const Model *m);
/* u[0..n): the first n uniforms of stream `stream` under seed (rng.h). */
extern void rezago_draw_uniforms(int64 seed, uint64 stream, float8 *u, int n);
extern void rezago_config_alloc(const Model *m, RunConfig *cfg);
/*
 * Leaves variable v out of cfg: weight 0, the others of its dimension share
 * the dimension's weight; an empty dimension is left out (cfg->dout).
 */
extern void rezago_leave_out(const Model *m, RunConfig *cfg, int v);
/* The nominal run: the methodology as stored (its aggregation too). */
extern void rezago_nominal_config(const Model *m, RunConfig *cfg);
/* The choices of a run from its uniforms (u == NULL: the nominal run). */
extern void rezago_config_from_uniforms(const Model *m, const UncOptions *o,
										const float8 *u, RunConfig *cfg);

#endif							/* REZAGO_UNCERTAINTY_H */
