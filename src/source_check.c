/*
 * source_check.c
 *	  What was already checked under the snapshot the caller reads with: the
 *	  rows of an observation source (rezago.require_observation_source) and
 *	  the completeness of a methodology (rezago.require_methodology).
 *
 * A call over an observation source reads it several times (the reference
 * population, the values, the population weights, ...), each time through
 * rezago.read_observation_source, which checks the rows first.  The check
 * scans the whole source; its answer can only change when the rows it sees
 * change, that is when the snapshot changes.  Two snapshots with the same
 * xmin, xmax, command id and in-progress transactions see the same rows, so
 * (source, snapshot) identifies a check: the reads of one query, which share
 * their snapshot, check the source once; a later statement, a change made
 * by this transaction (a new command id) or a commit elsewhere (a new xmax or
 * list of transactions in progress) checks it again.  A methodology is
 * checked by five queries over the methodology tables, and one audit asks
 * for the same methodology some sixty times: (code, snapshot) identifies
 * that check in the same way.  The role is part of every key: another role
 * may be refused the tables, or see other rows of them.  So is the
 * transaction (its local id): a transaction that wrote and was rolled back
 * can leave a snapshot equal to the next one's.  A subtransaction's abort
 * takes its writes back without moving the command id, so it forgets every
 * check (as the audit's cache does, src/audit_cache.c).
 *
 * The remembered checks live in backend memory (a few slots, reused in
 * turn): nothing is written, so this works in read-only transactions and
 * on standbys.  A parallel worker remembers in its own memory (the
 * source's functions are PARALLEL RESTRICTED, require_methodology PARALLEL
 * SAFE: the worker has the leader's snapshot and role, and forgets at exit).
 */
#include "rezago.h"

#include "common/hashfn.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "access/xact.h"
#include "parser/parse_func.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

#define N_CHECKED 8
/* methodology codes longer than this are checked every time */
#define CHECKED_CODE_LEN 64

typedef struct CheckedSource
{
	Oid			relid;			/* a source, or InvalidOid */
	Oid			userid;
	LocalTransactionId lxid;
	char		code[CHECKED_CODE_LEN];	/* a methodology, or "" */
	TransactionId xmin,
				xmax;
	CommandId	curcid;
	uint32		xcnt,
				subxcnt;
	bool		suboverflowed;
	uint64		xip_hash;		/* of the in-progress lists, as they come */
} CheckedSource;

static CheckedSource checked[N_CHECKED];
static int	next_slot = 0;

/* a subtransaction's abort forgets every check */
static void
forget_checks(SubXactEvent event, SubTransactionId mySubid,
			  SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		memset(checked, 0, sizeof(checked));
}

/*
 * The key of (relid or code, the role, the active snapshot); false when
 * there is none, or the code is too long to keep.  Zeroed first, padding
 * included: keys are compared with memcmp.
 */
static bool
snapshot_key(Oid relid, text *code, CheckedSource *k)
{
	Snapshot	s;
	uint64		h;

	if (!ActiveSnapshotSet())
		return false;
	memset(k, 0, sizeof(*k));
	if (code != NULL)
	{
		int			len = VARSIZE_ANY_EXHDR(code);

		/* and a terminating zero */
		if (len >= CHECKED_CODE_LEN)
			return false;
		memcpy(k->code, VARDATA_ANY(code), len);
	}
	s = GetActiveSnapshot();
	k->relid = relid;
	k->userid = GetUserId();
	k->lxid = MyProc->lxid;
	k->xmin = s->xmin;
	k->xmax = s->xmax;
	k->curcid = s->curcid;
	k->xcnt = s->xcnt;
	k->subxcnt = (uint32) Max(s->subxcnt, 0);
	k->suboverflowed = s->suboverflowed;
	h = s->xcnt > 0 ? hash_bytes_extended((const unsigned char *) s->xip,
										  sizeof(TransactionId) * s->xcnt, 0) : 0;
	if (s->subxcnt > 0)
		h = hash_combine64(h, hash_bytes_extended((const unsigned char *) s->subxip,
												  sizeof(TransactionId) * s->subxcnt, 0));
	k->xip_hash = h;
	return true;
}

static bool
was_checked(const CheckedSource *k)
{
	for (int i = 0; i < N_CHECKED; i++)
		if (memcmp(&checked[i], k, sizeof(*k)) == 0)
			return true;
	return false;
}

static void
remember_checked(const CheckedSource *k)
{
	static bool registered = false;

	if (!registered)
	{
		RegisterSubXactCallback(forget_checks, NULL);
		registered = true;
	}
	checked[next_slot] = *k;
	next_slot = (next_slot + 1) % N_CHECKED;
}

/*
 * rezago.observation_source_checked(observations regclass) -> boolean: was
 * the source found good under this snapshot, by this role?  NULL: false.
 */
PG_FUNCTION_INFO_V1(rezago_observation_source_checked);
Datum
rezago_observation_source_checked(PG_FUNCTION_ARGS)
{
	CheckedSource k;

	PG_RETURN_BOOL(!PG_ARGISNULL(0) && snapshot_key(PG_GETARG_OID(0), NULL, &k) &&
				   was_checked(&k));
}

/*
 * rezago.observation_source_passed(observations regclass) -> void: remember
 * that the source was found good under this snapshot.  NULL: nothing.
 */
PG_FUNCTION_INFO_V1(rezago_observation_source_passed);
Datum
rezago_observation_source_passed(PG_FUNCTION_ARGS)
{
	CheckedSource k;

	if (!PG_ARGISNULL(0) && snapshot_key(PG_GETARG_OID(0), NULL, &k))
		remember_checked(&k);
	PG_RETURN_VOID();
}

/*
 * rezago.require_methodology(code text) -> text: the code, when the
 * methodology exists and is complete.  Checked by rezago.check_methodology
 * (which raises 42704 or 22023) unless this role found it complete under
 * this snapshot; NULL and codes too long to keep are checked every time
 * (NULL: 42704 from the check).  The check is looked up once per call site
 * (fn_extra) and called through fmgr, as the caller's role.
 */
PG_FUNCTION_INFO_V1(rezago_require_methodology);
Datum
rezago_require_methodology(PG_FUNCTION_ARGS)
{
	FmgrInfo   *check = (FmgrInfo *) fcinfo->flinfo->fn_extra;
	CheckedSource k;
	bool		keyed;
	Datum		code;

	LOCAL_FCINFO(call, 1);

	keyed = !PG_ARGISNULL(0) && snapshot_key(InvalidOid, PG_GETARG_TEXT_PP(0), &k);
	if (keyed && was_checked(&k))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (check == NULL)
	{
		Oid			argtypes[1] = {TEXTOID};
		Oid			fn = LookupFuncName(list_make2(makeString("rezago"),
												   makeString("check_methodology")),
										1, argtypes, false);

		check = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(FmgrInfo));
		fmgr_info_cxt(fn, check, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = check;
	}
	InitFunctionCallInfoData(*call, check, 1, PG_GET_COLLATION(), NULL, NULL);
	call->args[0].value = PG_GETARG_DATUM(0);
	call->args[0].isnull = PG_ARGISNULL(0);
	code = FunctionCallInvoke(call);
	if (call->isnull)
		PG_RETURN_NULL();
	/* the check ran under the caller's snapshot (a STABLE function) */
	if (keyed)
		remember_checked(&k);
	PG_RETURN_DATUM(code);
}
