/*
 * audit_cache.c
 *	  The readings the audit's statistics share (issue 18): the lag scores,
 *	  the unit states and the comuna index of a methodology in a period, each
 *	  computed by its one definition (rezago.comuna_lag_scores,
 *	  comuna_unit_states, comuna_index: the last over the cached states)
 *	  and kept for the rest of the transaction, so that the audit functions run in one transaction (or one
 *	  statement) read each of them once instead of once per function.
 *
 *	  An entry is keyed by the reading, its arguments, the role it was read
 *	  as (the current user and row_security: a SECURITY DEFINER function's
 *	  reading, or one made before SET ROLE, is never handed to another role,
 *	  whose privileges and row-level policies may show it fewer rows) and
 *	  the snapshot it was read under: xmin, xmax, the in-progress transaction
 *	  ids and the command id.  Two snapshots of one transaction equal in those see the same rows,
 *	  as long as no subtransaction of it has aborted in between (its writes
 *	  vanish while the command id stays): so a hit returns exactly what the
 *	  definition would return again; any change that could alter it (a write
 *	  in this transaction, which advances the command id; another
 *	  transaction's commit, which changes xmax or the in-progress list under
 *	  READ COMMITTED) misses and reads again, and a subtransaction's abort
 *	  (ROLLBACK TO SAVEPOINT, an exception block) empties the cache.  The
 *	  entries live in a context under TopTransactionContext: they go with the
 *	  transaction.
 *	  The rows are returned as they were read, in the same order, bit for
 *	  bit.  Only sources whose rows follow the snapshot are kept (tables,
 *	  materialised views, rezago.observation): a view or a foreign table is
 *	  read at every call, as the definition reads it.  So is a source under
 *	  row-level security for the current role: a policy may read a setting
 *	  (current_setting('app.tenant')) that changes none of the key.
 */
#include "audit.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(rezago_audit_lag_scores);
PG_FUNCTION_INFO_V1(rezago_audit_unit_states);
PG_FUNCTION_INFO_V1(rezago_audit_comuna_index);

/* entries kept per transaction (an audit of two methodologies needs 6) */
#define AUDIT_CACHE_SIZE 16

/*
 * A reading larger than this is returned but not kept (Chile's lag scores
 * take under 1 MB; 100,000 units' 18 variables some 200 MB, which a
 * transaction should not hold on to)
 */
#define AUDIT_CACHE_MAX_BYTES ((Size) 64 * 1024 * 1024)

typedef enum AuditReading
{
	READING_LAG_SCORES,
	READING_UNIT_STATES,
	READING_COMUNA_INDEX
} AuditReading;

/*
 * the one definition of each reading, schema-qualified; the comuna index is
 * comuna_index's (rezago.comuna_index_from_states) over the unit states read
 * through this cache, so that an audit computes them once
 */
static const char *const reading_sql[] = {
	"SELECT * FROM rezago.comuna_lag_scores($1, $2, observations => $3)",
	"SELECT * FROM rezago.comuna_unit_states($1, $2, observations => $3)",
	"SELECT * FROM rezago.comuna_index_from_states($1, $2, $3, true)"
};

typedef struct AuditEntry
{
	AuditReading reading;
	bool		null_period,
				null_methodology,
				null_observations;
	int32		period;
	char	   *methodology;
	Oid			observations;
	/* the role it was read as */
	Oid			userid;
	bool		row_security;
	/* the snapshot */
	TransactionId xmin,
				xmax;
	uint32		xcnt;
	TransactionId *xip;
	int32		subxcnt;
	TransactionId *subxip;
	bool		suboverflowed;
	CommandId	curcid;
	/* the rows, in a context of their own */
	MemoryContext cxt;
	TupleDesc	tupdesc;
	int			nrows;
	HeapTuple  *rows;
} AuditEntry;

static MemoryContext cache_cxt = NULL;
static LocalTransactionId cache_lxid = InvalidLocalTransactionId;
static AuditEntry *cache[AUDIT_CACHE_SIZE];
static int	cache_n = 0;

/*
 * A subtransaction's abort takes its writes back without moving the command
 * id: what was read since may be gone, so nothing read is kept
 */
static void
cache_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB || cache_cxt == NULL || cache_lxid != MyProc->lxid)
		return;
	for (int i = 0; i < cache_n; i++)
		MemoryContextDelete(cache[i]->cxt);
	cache_n = 0;
}

/* the cache of this transaction; a new transaction starts empty */
static void
cache_check_transaction(void)
{
	static bool registered = false;

	if (!registered)
	{
		RegisterSubXactCallback(cache_subxact_callback, NULL);
		registered = true;
	}
	if (cache_cxt == NULL || cache_lxid != MyProc->lxid)
	{
		/* the previous context went with its transaction */
		cache_cxt = AllocSetContextCreate(TopTransactionContext, "rezago audit cache",
										  ALLOCSET_DEFAULT_SIZES);
		cache_lxid = MyProc->lxid;
		cache_n = 0;
	}
}

static int
xid_cmp(const void *a, const void *b)
{
	TransactionId x = *(const TransactionId *) a,
				y = *(const TransactionId *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* a sorted copy of n transaction ids */
static TransactionId *
xids_copy(const TransactionId *x, int n)
{
	TransactionId *c = palloc(sizeof(TransactionId) * (n + 1));

	if (n > 0)
	{
		memcpy(c, x, sizeof(TransactionId) * n);
		qsort(c, n, sizeof(TransactionId), xid_cmp);
	}
	return c;
}

static bool
entry_matches(const AuditEntry *e, const AuditEntry *k)
{
	if (e->reading != k->reading ||
		e->null_period != k->null_period || e->null_methodology != k->null_methodology ||
		e->null_observations != k->null_observations)
		return false;
	if (!k->null_period && e->period != k->period)
		return false;
	if (!k->null_methodology && strcmp(e->methodology, k->methodology) != 0)
		return false;
	if (!k->null_observations && e->observations != k->observations)
		return false;
	if (e->userid != k->userid || e->row_security != k->row_security)
		return false;
	if (e->xmin != k->xmin || e->xmax != k->xmax || e->curcid != k->curcid ||
		e->xcnt != k->xcnt || e->subxcnt != k->subxcnt ||
		e->suboverflowed != k->suboverflowed)
		return false;
	if (k->xcnt > 0 && memcmp(e->xip, k->xip, sizeof(TransactionId) * k->xcnt) != 0)
		return false;
	if (k->subxcnt > 0 && memcmp(e->subxip, k->subxip, sizeof(TransactionId) * k->subxcnt) != 0)
		return false;
	return true;
}

/* reads the rows of a reading under the active snapshot into e */
static void
entry_read(AuditEntry *e, Datum *args, const bool *nulls)
{
	Oid			types[3] = {INT4OID, TEXTOID, REGCLASSOID};
	char		n[3];
	MemoryContext cxt = CurrentMemoryContext;
	int			rc,
				i;

	for (i = 0; i < 3; i++)
		n[i] = nulls[i] ? 'n' : ' ';
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "rezago audit cache: SPI_connect failed");
	rc = SPI_execute_with_args(reading_sql[e->reading], 3, types, args, n, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "rezago audit cache: query failed (%s): %s",
			 SPI_result_code_string(rc), reading_sql[e->reading]);
	MemoryContextSwitchTo(cxt);
	e->tupdesc = CreateTupleDescCopy(SPI_tuptable->tupdesc);
	e->nrows = (int) SPI_processed;
	e->rows = palloc(sizeof(HeapTuple) * (e->nrows + 1));
	for (i = 0; i < e->nrows; i++)
		e->rows[i] = heap_copytuple(SPI_tuptable->vals[i]);
	SPI_finish();
	MemoryContextSwitchTo(cxt);
}

static void put_rows(ReturnSetInfo *rsinfo, const AuditEntry *e);

/*
 * Whether a reading over an observation source may be kept: its rows are
 * those of the snapshot (a table, a partitioned table or a materialised
 * view; a view may call a volatile function and a foreign table reads
 * another server) and no row-level policy applies to the current role (a
 * policy may read a setting, which the key does not hold).  Otherwise it is
 * read at every call.
 */
static bool
source_kept(Oid relid)
{
	char		kind = get_rel_relkind(relid);

	if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE && kind != RELKIND_MATVIEW)
		return false;
	return check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED;
}

static Datum
cached_reading(FunctionCallInfo fcinfo, AuditReading reading)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Snapshot	snap = GetActiveSnapshot();
	AuditEntry	key;
	AuditEntry *e = NULL;
	Datum		args[3];
	bool		nulls[3];
	MemoryContext old;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < 3; i++)
	{
		nulls[i] = PG_ARGISNULL(i);
		args[i] = nulls[i] ? (Datum) 0 : PG_GETARG_DATUM(i);
	}
	memset(&key, 0, sizeof(key));
	key.reading = reading;
	key.null_period = nulls[0];
	key.null_methodology = nulls[1];
	key.null_observations = nulls[2];
	key.period = nulls[0] ? 0 : DatumGetInt32(args[0]);
	key.methodology = nulls[1] ? NULL : TextDatumGetCString(args[1]);
	key.observations = nulls[2] ? InvalidOid : DatumGetObjectId(args[2]);
	key.userid = GetUserId();
	key.row_security = row_security;
	key.xmin = snap->xmin;
	key.xmax = snap->xmax;
	key.xcnt = snap->xcnt;
	key.subxcnt = snap->subxcnt;
	key.suboverflowed = snap->suboverflowed;
	key.curcid = snap->curcid;

	if (!nulls[2] && !source_kept(DatumGetObjectId(args[2])))
	{
		/* read every time, as the definition does */
		AuditEntry *t;
		MemoryContext tcxt = AllocSetContextCreate(CurrentMemoryContext, "rezago audit reading",
												   ALLOCSET_DEFAULT_SIZES);

		old = MemoryContextSwitchTo(tcxt);
		t = palloc(sizeof(AuditEntry));
		*t = key;
		entry_read(t, args, nulls);
		MemoryContextSwitchTo(old);
		put_rows(rsinfo, t);
		MemoryContextDelete(tcxt);
		return (Datum) 0;
	}
	cache_check_transaction();
	key.xip = xids_copy(snap->xip, snap->xcnt);
	key.subxip = xids_copy(snap->subxip, snap->subxcnt > 0 ? snap->subxcnt : 0);
	old = MemoryContextSwitchTo(cache_cxt);
	for (i = 0; i < cache_n; i++)
		if (entry_matches(cache[i], &key))
		{
			e = cache[i];
			break;
		}
	pfree(key.xip);
	pfree(key.subxip);
	if (e == NULL)
	{
		/*
		 * read, then keep: an error while reading leaves no entry (the
		 * entry's context, unlisted, goes with the transaction)
		 */
		MemoryContext ecxt = AllocSetContextCreate(cache_cxt, "rezago audit cache entry",
												   ALLOCSET_DEFAULT_SIZES);
		bool		keep;

		MemoryContextSwitchTo(ecxt);
		e = palloc(sizeof(AuditEntry));
		*e = key;
		e->cxt = ecxt;
		e->xip = xids_copy(snap->xip, snap->xcnt);
		e->subxip = xids_copy(snap->subxip, snap->subxcnt > 0 ? snap->subxcnt : 0);
		if (e->methodology != NULL)
			e->methodology = pstrdup(e->methodology);
		entry_read(e, args, nulls);
		keep = MemoryContextMemAllocated(ecxt, true) <= AUDIT_CACHE_MAX_BYTES;
		if (keep)
		{
			if (cache_n == AUDIT_CACHE_SIZE)
			{
				/* the oldest goes */
				MemoryContextDelete(cache[0]->cxt);
				memmove(&cache[0], &cache[1], sizeof(AuditEntry *) * (AUDIT_CACHE_SIZE - 1));
				cache_n--;
			}
			cache[cache_n++] = e;
		}
		MemoryContextSwitchTo(old);
		put_rows(rsinfo, e);
		if (!keep)
			MemoryContextDelete(ecxt);	/* too large to keep */
		return (Datum) 0;
	}
	MemoryContextSwitchTo(old);
	put_rows(rsinfo, e);
	return (Datum) 0;
}

static void
put_rows(ReturnSetInfo *rsinfo, const AuditEntry *e)
{
	int			i;

	if (e->tupdesc->natts != rsinfo->setDesc->natts)
		elog(ERROR, "rezago audit cache: the reading has %d columns, the function %d",
			 e->tupdesc->natts, rsinfo->setDesc->natts);
	for (i = 0; i < e->nrows; i++)
		tuplestore_puttuple(rsinfo->setResult, e->rows[i]);
}

Datum
rezago_audit_lag_scores(PG_FUNCTION_ARGS)
{
	return cached_reading(fcinfo, READING_LAG_SCORES);
}

Datum
rezago_audit_unit_states(PG_FUNCTION_ARGS)
{
	return cached_reading(fcinfo, READING_UNIT_STATES);
}

Datum
rezago_audit_comuna_index(PG_FUNCTION_ARGS)
{
	return cached_reading(fcinfo, READING_COMUNA_INDEX);
}
