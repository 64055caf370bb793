/*
 * poverty_ranks.c
 *	  rezago.comuna_poverty_ranks(period, observations): the income-poverty
 *	  ranks of the entry criteria (doc/method.md section 5) from ONE sort of
 *	  the period's poverty values.
 *
 *	  The rows (cut, región on 31 December of the period, value) are read
 *	  with one statement (rezago.source_observations joined with
 *	  rezago.comuna_regions, as the SQL version of this function did); the
 *	  values are sorted once, in descending order with the float8 btree order
 *	  (NaN above +Infinity, -0 equal to 0: the order and the peers of rank()
 *	  OVER (ORDER BY value DESC)), and one pass gives each row its national
 *	  rank and, by a counter per región, its regional rank; the regional
 *	  counts come from a pass before the sort.  Ties share a rank (1, 1, 3).
 *	  The rows are returned in ascending cut order (a sort of integers).
 *
 *	  The SQL version sorted the rows three times (by value, by región and
 *	  value, by cut), each sort external at the default work_mem from 100,000
 *	  comunas on, and passed them through two window aggregates
 *	  (doc/performance.md, "territory_entry in one sort").
 */
#include "rezago.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "utils/float.h"
#include "utils/hsearch.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(rezago_comuna_poverty_ranks);

/*
 * The statement: every operator, function and type schema-qualified, so the
 * caller's search_path cannot change what it reads.  Comunas without a
 * región code on the day keep a row (comuna_regions returns every comuna)
 * and get NULL regional rank and count.
 */
static const char *const poverty_rows_sql =
"SELECT o.cut, c.region_code, o.value"
" FROM rezago.source_observations($2) o"
" JOIN rezago.comuna_regions(CASE WHEN $1 OPERATOR(pg_catalog.>=) 1"
" AND $1 OPERATOR(pg_catalog.<=) 9999 THEN pg_catalog.make_date($1, 12, 31) END) c"
" ON c.cut OPERATOR(pg_catalog.=) o.cut"
" WHERE o.variable OPERATOR(pg_catalog.=) 'pobreza_ingresos'::pg_catalog.text"
" AND o.period OPERATOR(pg_catalog.=) $1 AND o.value IS NOT NULL";

typedef struct PovertyRow
{
	float8		value;
	int32		cut;
	int32		region;
	bool		has_region;
	int64		national_rank;
	int64		regional_rank;
	int64		regional_count;
} PovertyRow;

typedef struct RegionCounter
{
	int32		region;			/* hash key */
	int64		count;			/* comunas of the región with a value */
	int64		seen;			/* of them, those already ranked */
	int64		last_rank;
	float8		last_value;
} RegionCounter;

/* descending value (float8 btree order), then ascending cut */
static inline int
cmp_value_desc(const PovertyRow *a, const PovertyRow *b)
{
	int			c = float8_cmp_internal(b->value, a->value);

	if (c != 0)
		return c;
	return (a->cut > b->cut) - (a->cut < b->cut);
}

#define ST_SORT sort_by_value_desc
#define ST_ELEMENT_TYPE PovertyRow
#define ST_COMPARE(a, b) cmp_value_desc(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* ascending cut, then descending value (a source has one row per cut) */
static inline int
cmp_cut(const PovertyRow *a, const PovertyRow *b)
{
	if (a->cut != b->cut)
		return (a->cut > b->cut) - (a->cut < b->cut);
	return float8_cmp_internal(b->value, a->value);
}

#define ST_SORT sort_by_cut
#define ST_ELEMENT_TYPE PovertyRow
#define ST_COMPARE(a, b) cmp_cut(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * The statement's rows go straight into a growing PovertyRow array (in the
 * caller's memory context) through this DestReceiver: no SPI tuple table,
 * no copy of each row as a heap tuple.
 */
typedef struct PovertyReceiver
{
	DestReceiver pub;
	MemoryContext cxt;
	PovertyRow *rows;
	int64		n;
	int64		cap;
} PovertyReceiver;

static void
poverty_receiver_startup(DestReceiver *self, int operation, TupleDesc desc)
{
	if (desc->natts != 3 || TupleDescAttr(desc, 0)->atttypid != INT4OID ||
		TupleDescAttr(desc, 1)->atttypid != INT4OID ||
		TupleDescAttr(desc, 2)->atttypid != FLOAT8OID)
		elog(ERROR, "rezago.comuna_poverty_ranks: unexpected row type");
}

static bool
poverty_receiver_receive(TupleTableSlot *slot, DestReceiver *self)
{
	PovertyReceiver *r = (PovertyReceiver *) self;
	PovertyRow *p;

	slot_getallattrs(slot);
	if (r->n == r->cap)
	{
		int64		cap = r->cap * 2;

		if ((Size) cap >= MaxAllocHugeSize / sizeof(PovertyRow))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many poverty observations to rank: more than %lld",
							(long long) r->n),
					 errdetail("rezago.comuna_poverty_ranks holds the rows of one period in memory."),
					 errhint("Rank one period of a source with fewer rows.")));
		r->rows = repalloc_huge(r->rows, sizeof(PovertyRow) * cap);
		r->cap = cap;
	}
	p = &r->rows[r->n++];
	p->cut = slot->tts_isnull[0] ? 0 : DatumGetInt32(slot->tts_values[0]);
	p->has_region = !slot->tts_isnull[1];
	p->region = p->has_region ? DatumGetInt32(slot->tts_values[1]) : 0;
	Assert(!slot->tts_isnull[2]);	/* WHERE o.value IS NOT NULL */
	p->value = slot->tts_isnull[2] ? 0 : DatumGetFloat8(slot->tts_values[2]);
	p->national_rank = p->regional_rank = p->regional_count = 0;
	return true;
}

static void
poverty_receiver_nothing(DestReceiver *self)
{
}

/*
 * Reads the period's rows into a palloc'd array (in the caller's memory
 * context); *n gets their number.
 */
static PovertyRow *
read_poverty_rows(FunctionCallInfo fcinfo, int64 *n)
{
	Oid			types[2] = {INT4OID, REGCLASSOID};
	PovertyReceiver recv;
	SPIExecuteOptions options;
	ParamListInfo params;
	SPIPlanPtr	plan;
	int			i,
				rc;

	memset(&recv, 0, sizeof(recv));
	recv.pub.receiveSlot = poverty_receiver_receive;
	recv.pub.rStartup = poverty_receiver_startup;
	recv.pub.rShutdown = poverty_receiver_nothing;
	recv.pub.rDestroy = poverty_receiver_nothing;
	recv.pub.mydest = DestTuplestore;
	recv.cxt = CurrentMemoryContext;
	recv.cap = 1024;
	recv.rows = MemoryContextAllocHuge(recv.cxt, sizeof(PovertyRow) * recv.cap);

	params = makeParamList(2);
	for (i = 0; i < 2; i++)
	{
		params->params[i].isnull = PG_ARGISNULL(i);
		params->params[i].value = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
		params->params[i].pflags = PARAM_FLAG_CONST;
		params->params[i].ptype = types[i];
	}
	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = &recv.pub;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "rezago.comuna_poverty_ranks: SPI_connect failed");
	plan = SPI_prepare(poverty_rows_sql, 2, types);
	if (plan == NULL)
		elog(ERROR, "rezago.comuna_poverty_ranks: SPI_prepare failed (%s)",
			 SPI_result_code_string(SPI_result));
	rc = SPI_execute_plan_extended(plan, &options);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "rezago.comuna_poverty_ranks: query failed (%s)",
			 SPI_result_code_string(rc));
	SPI_freeplan(plan);
	SPI_finish();
	*n = recv.n;
	return recv.rows;
}

/*
 * The ranks of rows[0..n): national_rank among all, regional_rank and
 * regional_count within the región (rows without one get none).  Sorts
 * rows by descending value.
 */
static void
rank_poverty_rows(PovertyRow *rows, int64 n)
{
	HASHCTL		ctl;
	HTAB	   *regions;
	int64		i;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int32);
	ctl.entrysize = sizeof(RegionCounter);
	ctl.hcxt = CurrentMemoryContext;
	regions = hash_create("rezago poverty ranks per region", 64, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	/* the regional counts */
	for (i = 0; i < n; i++)
	{
		RegionCounter *r;
		bool		found;

		if (!rows[i].has_region)
			continue;
		r = hash_search(regions, &rows[i].region, HASH_ENTER, &found);
		if (!found)
		{
			r->count = 0;
			r->seen = 0;
			r->last_rank = 0;
			r->last_value = 0;
		}
		r->count++;
	}

	/* one sort; a row's rank is 1 + the rows before it that are not peers */
	sort_by_value_desc(rows, (size_t) n);
	for (i = 0; i < n; i++)
	{
		PovertyRow *p = &rows[i];
		RegionCounter *r;

		if (i == 0 || float8_cmp_internal(p->value, rows[i - 1].value) != 0)
			p->national_rank = i + 1;
		else
			p->national_rank = rows[i - 1].national_rank;
		if (!p->has_region)
			continue;
		r = hash_search(regions, &p->region, HASH_FIND, NULL);
		Assert(r != NULL);
		if (r->seen == 0 || float8_cmp_internal(p->value, r->last_value) != 0)
			r->last_rank = r->seen + 1;
		r->seen++;
		r->last_value = p->value;
		p->regional_rank = r->last_rank;
		p->regional_count = r->count;
	}
	hash_destroy(regions);
}

Datum
rezago_comuna_poverty_ranks(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PovertyRow *rows;
	int64		n,
				i;

	InitMaterializedSRF(fcinfo, 0);
	rows = read_poverty_rows(fcinfo, &n);
	rank_poverty_rows(rows, n);
	sort_by_cut(rows, (size_t) n);
	for (i = 0; i < n; i++)
	{
		const PovertyRow *p = &rows[i];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = Int32GetDatum(p->cut);
		values[1] = Int32GetDatum(p->region);
		nulls[1] = !p->has_region;
		values[2] = Float8GetDatum(p->value);
		values[3] = Int64GetDatum(p->national_rank);
		values[4] = Int64GetDatum(p->regional_rank);
		nulls[4] = !p->has_region;
		values[5] = Int64GetDatum(p->regional_count);
		nulls[5] = !p->has_region;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	pfree(rows);
	PG_RETURN_NULL();
}
