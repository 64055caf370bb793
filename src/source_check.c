/*
 * source_check.c
 *	  Which observation sources were already checked under the snapshot the
 *	  caller reads with (rezago.require_observation_source).
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
 * list of transactions in progress) checks it again.
 *
 * The remembered checks live in backend memory (a few slots, reused in
 * turn): nothing is written, so this works in read-only transactions and
 * on standbys.  The functions are PARALLEL RESTRICTED: a worker has memory
 * of its own.
 */
#include "rezago.h"

#include "common/hashfn.h"
#include "utils/snapmgr.h"

#define N_CHECKED 8

typedef struct CheckedSource
{
	Oid			relid;
	TransactionId xmin,
				xmax;
	CommandId	curcid;
	uint32		xcnt,
				subxcnt;
	bool		suboverflowed;
	uint32		xip_hash;
} CheckedSource;

static CheckedSource checked[N_CHECKED];
static int	next_slot = 0;

/* The key of (relid, the active snapshot); false when there is none. */
static bool
snapshot_key(Oid relid, CheckedSource *k)
{
	Snapshot	s;
	uint32		h;

	if (!ActiveSnapshotSet())
		return false;
	s = GetActiveSnapshot();
	memset(k, 0, sizeof(*k));
	k->relid = relid;
	k->xmin = s->xmin;
	k->xmax = s->xmax;
	k->curcid = s->curcid;
	k->xcnt = s->xcnt;
	k->subxcnt = (uint32) Max(s->subxcnt, 0);
	k->suboverflowed = s->suboverflowed;
	h = s->xcnt > 0 ? hash_bytes((const unsigned char *) s->xip, sizeof(TransactionId) * s->xcnt) : 0;
	if (s->subxcnt > 0)
		h = hash_combine(h, hash_bytes((const unsigned char *) s->subxip,
									   sizeof(TransactionId) * s->subxcnt));
	k->xip_hash = h;
	return true;
}

/*
 * rezago.observation_source_checked(observations regclass) -> boolean: was
 * the source found good under this snapshot?  NULL: false.
 */
PG_FUNCTION_INFO_V1(rezago_observation_source_checked);
Datum
rezago_observation_source_checked(PG_FUNCTION_ARGS)
{
	CheckedSource k;
	int			i;

	if (PG_ARGISNULL(0) || !snapshot_key(PG_GETARG_OID(0), &k))
		PG_RETURN_BOOL(false);
	for (i = 0; i < N_CHECKED; i++)
		if (memcmp(&checked[i], &k, sizeof(k)) == 0)
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
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

	if (!PG_ARGISNULL(0) && snapshot_key(PG_GETARG_OID(0), &k))
	{
		checked[next_slot] = k;
		next_slot = (next_slot + 1) % N_CHECKED;
	}
	PG_RETURN_VOID();
}
