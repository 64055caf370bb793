/*
 * exit_stage.c
 *	  The exit rule of doc/method.md section 4, shared by the status aggregates
 *	  and the uncertainty analysis.
 */
#include "rezago.h"

#include <math.h>

const char *const rezago_exit_stage_names[REZAGO_N_EXIT_STAGES] = {
	"insufficient_data", "lagging", "exit_started", "exit_advanced", "exited"
};

/* shares are compared with this slack so that 2/6 counts as 1/3 */
#define SHARE_SLACK 1e-9

void
rezago_check_exit_params(const RezagoExitParams *p, const char *fn)
{
	if (!(p->started_share > 0 && p->started_share <= 1) ||
		!(p->advanced_share > 0 && p->advanced_share <= 1) ||
		!(p->min_evaluated_share > 0 && p->min_evaluated_share <= 1) ||
		p->started_share > p->advanced_share)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid exit stage parameters"),
				 errdetail("Function %s received started share %g, advanced share %g, minimum evaluated share %g.",
						   fn, p->started_share, p->advanced_share, p->min_evaluated_share),
				 errhint("Shares must be in (0, 1], with the started share at most the advanced share.")));
}

RezagoExitStage
rezago_exit_stage(int evaluated, int overcome, int total,
				  const RezagoExitParams *p)
{
	float8		share;

	Assert(overcome >= 0 && overcome <= evaluated);
	if (evaluated <= 0 || total <= 0 ||
		(float8) evaluated < p->min_evaluated_share * total - SHARE_SLACK)
		return REZAGO_STAGE_INSUFFICIENT_DATA;
	if (overcome == evaluated)
		return REZAGO_STAGE_EXITED;
	share = (float8) overcome / evaluated;
	if (share >= p->advanced_share - SHARE_SLACK)
		return REZAGO_STAGE_EXIT_ADVANCED;
	if (share >= p->started_share - SHARE_SLACK)
		return REZAGO_STAGE_EXIT_STARTED;
	return REZAGO_STAGE_LAGGING;
}
