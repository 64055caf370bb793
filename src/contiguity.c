/*
 * contiguity.c
 *	  Connected components of a graph given as rows (a, b), for the
 *	  contiguity of functional territories (doc/method.md section 6), and the
 *	  tolerance check shared by the contiguity functions.
 *
 * Aggregates over (a bigint, b bigint) rows, usable on any table:
 *	 rezago.connected_components(a, b) -> jsonb  [[1,2,3],[7]]
 *	 rezago.component_count(a, b)      -> integer
 * A row with two ids is an edge (it adds both nodes); a row with one id and
 * one NULL adds that node alone; (NULL, NULL) is ignored; a self-loop (a, a)
 * adds node a; duplicate rows change nothing.
 *
 * The state is a union-find forest (union by rank, path halving) over the
 * distinct ids, found through a simplehash table id -> index: O(rows * alpha)
 * time and O(nodes) memory, in the aggregate context.  Parallel aggregation
 * is supported through combine, serial and deserial functions: the serial
 * form lists every id with the index of its root.
 */
#include "rezago.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

/* GEOS, through its reentrant C API only (boundary_pairs_intersect) */
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

PG_FUNCTION_INFO_V1(rezago_cc_accum);
PG_FUNCTION_INFO_V1(rezago_cc_combine);
PG_FUNCTION_INFO_V1(rezago_cc_serialize);
PG_FUNCTION_INFO_V1(rezago_cc_deserialize);
PG_FUNCTION_INFO_V1(rezago_cc_components);
PG_FUNCTION_INFO_V1(rezago_cc_count);
PG_FUNCTION_INFO_V1(rezago_valid_tolerance);

/* the largest tolerance accepted, in metres (see rezago_valid_tolerance) */
#define MAX_TOLERANCE_M 100000.0

/* nodes are indexed by int32; the largest number of distinct ids */
#define CC_MAX_NODES	(PG_INT32_MAX - 1)

/* id -> index hash table */
typedef struct CCEntry
{
	int64		id;
	int32		index;
	char		status;
} CCEntry;

static inline uint32
cc_hash_id(int64 id)
{
	uint64		u = (uint64) id;

	return hash_combine(murmurhash32((uint32) u), murmurhash32((uint32) (u >> 32)));
}

#define SH_PREFIX		ccmap
#define SH_ELEMENT_TYPE CCEntry
#define SH_KEY_TYPE		int64
#define SH_KEY			id
#define SH_HASH_KEY(tb, key) cc_hash_id(key)
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct CCState
{
	MemoryContext mcxt;			/* where the arrays live */
	ccmap_hash *map;
	int64	   *ids;			/* index -> id */
	int32	   *parent;			/* union-find forest */
	uint8	   *rank;
	int32		n;				/* distinct ids */
	int32		cap;			/* allocated length of the arrays */
	int32		ncomp;			/* current number of components */
} CCState;

static CCState *
cc_create(MemoryContext mcxt, int32 expected)
{
	CCState    *st = MemoryContextAllocZero(mcxt, sizeof(CCState));

	st->mcxt = mcxt;
	st->cap = Max(expected, 64);
	st->map = ccmap_create(mcxt, st->cap, NULL);
	st->ids = MemoryContextAllocHuge(mcxt, sizeof(int64) * st->cap);
	st->parent = MemoryContextAllocHuge(mcxt, sizeof(int32) * st->cap);
	st->rank = MemoryContextAllocHuge(mcxt, sizeof(uint8) * st->cap);
	return st;
}

/* Index of node id, added as a new component when not seen before. */
static int32
cc_node(CCState *st, int64 id)
{
	bool		found;
	CCEntry    *e;

	e = ccmap_insert(st->map, id, &found);
	if (found)
		return e->index;
	if (st->n >= CC_MAX_NODES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct nodes for connected_components"),
				 errdetail("The aggregate handles at most %d distinct ids.", CC_MAX_NODES),
				 errhint("Split the graph, e.g. group by territory.")));
	if (st->n == st->cap)
	{
		int32		newcap = (st->cap > CC_MAX_NODES / 2) ? CC_MAX_NODES : st->cap * 2;

		st->ids = repalloc_huge(st->ids, sizeof(int64) * newcap);
		st->parent = repalloc_huge(st->parent, sizeof(int32) * newcap);
		st->rank = repalloc_huge(st->rank, sizeof(uint8) * newcap);
		st->cap = newcap;
	}
	e->index = st->n;
	st->ids[st->n] = id;
	st->parent[st->n] = st->n;
	st->rank[st->n] = 0;
	st->ncomp++;
	return st->n++;
}

/* Root of node i, halving the path on the way (state must be writable). */
static int32
cc_find(CCState *st, int32 i)
{
	while (st->parent[i] != i)
	{
		st->parent[i] = st->parent[st->parent[i]];
		i = st->parent[i];
	}
	return i;
}

static void
cc_union(CCState *st, int32 i, int32 j)
{
	i = cc_find(st, i);
	j = cc_find(st, j);
	if (i == j)
		return;
	if (st->rank[i] < st->rank[j])
	{
		int32		t = i;

		i = j;
		j = t;
	}
	st->parent[j] = i;
	if (st->rank[i] == st->rank[j])
		st->rank[i]++;
	st->ncomp--;
}

static MemoryContext
cc_aggcontext(FunctionCallInfo fcinfo, const char *fn)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fn),
				 errdetail("This is a support function of rezago.connected_components and rezago.component_count."),
				 errhint("Call the aggregates instead.")));
	return aggcontext;
}

/*
 * Transition: (state, a, b).  Non-strict: NULL ids are allowed, see the
 * header comment.
 */
Datum
rezago_cc_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = cc_aggcontext(fcinfo, "rezago_cc_accum");
	CCState    *st = PG_ARGISNULL(0) ? NULL : (CCState *) PG_GETARG_POINTER(0);
	bool		a_null = PG_ARGISNULL(1);
	bool		b_null = PG_ARGISNULL(2);
	int32		i = -1,
				j = -1;

	if (a_null && b_null)
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	if (st == NULL)
		st = cc_create(aggcontext, 64);
	if (!a_null)
		i = cc_node(st, PG_GETARG_INT64(1));
	if (!b_null)
		j = cc_node(st, PG_GETARG_INT64(2));
	if (i >= 0 && j >= 0 && i != j)
		cc_union(st, i, j);
	PG_RETURN_POINTER(st);
}

/* Adds every node and every link of src (read-only) to dst. */
static void
cc_merge(CCState *dst, const CCState *src)
{
	int32		k;

	for (k = 0; k < src->n; k++)
	{
		int32		r = k;
		int32		i;

		while (src->parent[r] != r)
			r = src->parent[r];
		i = cc_node(dst, src->ids[k]);
		if (r != k)
			cc_union(dst, i, cc_node(dst, src->ids[r]));
	}
}

Datum
rezago_cc_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = cc_aggcontext(fcinfo, "rezago_cc_combine");
	CCState    *st1 = PG_ARGISNULL(0) ? NULL : (CCState *) PG_GETARG_POINTER(0);
	CCState    *st2 = PG_ARGISNULL(1) ? NULL : (CCState *) PG_GETARG_POINTER(1);

	if (st2 == NULL)
	{
		if (st1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st1);
	}
	if (st1 == NULL)
		st1 = cc_create(aggcontext, st2->n);	/* copy, never return st2 */
	cc_merge(st1, st2);
	PG_RETURN_POINTER(st1);
}

/*
 * Serial form: int32 n, then n times (int64 id, int32 root index).
 */
Datum
rezago_cc_serialize(PG_FUNCTION_ARGS)
{
	CCState    *st;
	StringInfoData buf;
	int32		k;

	cc_aggcontext(fcinfo, "rezago_cc_serialize");
	st = (CCState *) PG_GETARG_POINTER(0);
	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->n);
	for (k = 0; k < st->n; k++)
	{
		int32		r = k;

		while (st->parent[r] != r)
			r = st->parent[r];
		pq_sendint64(&buf, st->ids[k]);
		pq_sendint32(&buf, r);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
cc_bad_serial(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized state of connected_components"),
			 errdetail("The state is damaged or was not produced by rezago_cc_serialize."),
			 errhint("Do not call aggregate support functions directly.")));
}

Datum
rezago_cc_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = cc_aggcontext(fcinfo, "rezago_cc_deserialize");
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	CCState    *st;
	int32		n,
				k;
	int32	   *roots;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < 4)
		cc_bad_serial();
	n = pq_getmsgint(&buf, 4);
	if (n < 0 || (int64) buf.len != 4 + (int64) n * 12)
		cc_bad_serial();
	st = cc_create(aggcontext, n);
	roots = palloc(sizeof(int32) * Max(n, 1));
	for (k = 0; k < n; k++)
	{
		int64		id = pq_getmsgint64(&buf);

		roots[k] = pq_getmsgint(&buf, 4);
		if (roots[k] < 0 || roots[k] >= n || cc_node(st, id) != k)
			cc_bad_serial();	/* out of range, or a duplicate id */
	}
	for (k = 0; k < n; k++)
		if (roots[k] != k)
			cc_union(st, k, roots[k]);
	pfree(roots);
	PG_RETURN_POINTER(st);
}

/* node indices by id; arg is the ids array */
static int
cmp_by_id(const void *a, const void *b, void *arg)
{
	const int64 *ids = (const int64 *) arg;
	int64		x = ids[*(const int32 *) a];
	int64		y = ids[*(const int32 *) b];

	return (x > y) - (x < y);
}

/* components: larger first, then by smallest id (= component number) */
static int
cmp_component(const void *a, const void *b, void *arg)
{
	const int32 *size = (const int32 *) arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	if (size[x] != size[y])
		return (size[x] < size[y]) ? 1 : -1;
	return (x > y) - (x < y);
}

/*
 * connected_components: jsonb array of components, each an array of ids in
 * ascending order; the largest component first, ties by smallest id.  The
 * state is only read (no path compression), as final functions must.
 */
Datum
rezago_cc_components(PG_FUNCTION_ARGS)
{
	CCState    *st;
	int32		n,
				k,
				ncomp = 0;
	int32	   *root,
			   *order,
			   *comp_of_root,
			   *size,
			   *comp_order,
			   *start,
			   *slot;
	int32	   *members;
	JsonbParseState *ps = NULL;
	JsonbValue *res;
	JsonbValue	v;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (CCState *) PG_GETARG_POINTER(0);
	n = st->n;
	if (n == 0)
		PG_RETURN_NULL();

	/* root of every node, memoised in a local array */
	root = palloc_extended(sizeof(int32) * n, MCXT_ALLOC_HUGE);
	for (k = 0; k < n; k++)
		root[k] = -1;
	for (k = 0; k < n; k++)
	{
		int32		r = k;

		while (root[r] < 0 && st->parent[r] != r)
			r = st->parent[r];
		r = (root[r] >= 0) ? root[r] : r;
		for (int32 i = k; root[i] < 0; i = st->parent[i])
		{
			root[i] = r;
			if (st->parent[i] == i)
				break;
		}
	}

	/* nodes in ascending id order; components numbered by smallest id */
	order = palloc_extended(sizeof(int32) * n, MCXT_ALLOC_HUGE);
	for (k = 0; k < n; k++)
		order[k] = k;
	qsort_arg(order, n, sizeof(int32), cmp_by_id, st->ids);

	comp_of_root = palloc_extended(sizeof(int32) * n, MCXT_ALLOC_HUGE);
	size = palloc_extended(sizeof(int32) * n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (k = 0; k < n; k++)
		comp_of_root[k] = -1;
	for (k = 0; k < n; k++)
	{
		int32		r = root[order[k]];

		if (comp_of_root[r] < 0)
			comp_of_root[r] = ncomp++;
		size[comp_of_root[r]]++;
	}
	Assert(ncomp == st->ncomp);

	comp_order = palloc_extended(sizeof(int32) * ncomp, MCXT_ALLOC_HUGE);
	for (k = 0; k < ncomp; k++)
		comp_order[k] = k;
	qsort_arg(comp_order, ncomp, sizeof(int32), cmp_component, size);

	/* bucket the nodes (visited in id order) by output position */
	start = palloc_extended(sizeof(int32) * (ncomp + 1), MCXT_ALLOC_HUGE);
	slot = palloc_extended(sizeof(int32) * ncomp, MCXT_ALLOC_HUGE);
	start[0] = 0;
	for (k = 0; k < ncomp; k++)
	{
		start[k + 1] = start[k] + size[comp_order[k]];
		slot[comp_order[k]] = start[k];
	}
	members = palloc_extended(sizeof(int32) * n, MCXT_ALLOC_HUGE);
	for (k = 0; k < n; k++)
	{
		int32		c = comp_of_root[root[order[k]]];

		members[slot[c]++] = order[k];
	}

	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	for (k = 0; k < ncomp; k++)
	{
		pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
		for (int32 i = start[k]; i < start[k + 1]; i++)
		{
			v.type = jbvNumeric;
			v.val.numeric = int64_to_numeric(st->ids[members[i]]);
			pushJsonbValue(&ps, WJB_ELEM, &v);
		}
		pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
		CHECK_FOR_INTERRUPTS();
	}
	res = pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
	PG_RETURN_POINTER(JsonbValueToJsonb(res));
}

/* component_count: number of components; 0 when there is no node */
Datum
rezago_cc_count(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_INT32(0);
	PG_RETURN_INT32(((CCState *) PG_GETARG_POINTER(0))->ncomp);
}

/*
 * valid_tolerance(tolerance_m): returns its argument when it is a usable
 * adjacency tolerance in metres (finite, 0 <= t <= 100 km); errors otherwise.
 * NULL is an error too: a NULL tolerance has no meaning, and silently
 * reading it as 0 would hide a mistake.
 */
Datum
rezago_valid_tolerance(PG_FUNCTION_ARGS)
{
	float8		t;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("tolerance must not be NULL"),
				 errdetail("The adjacency tolerance is a distance in metres."),
				 errhint("Pass 0 (comunas must intersect) or a distance in metres, e.g. 150.")));
	t = PG_GETARG_FLOAT8(0);
	/* NaN fails every comparison: it is caught here with the infinities */
	if (!(t >= 0 && t <= MAX_TOLERANCE_M))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance must be between 0 and %g metres", MAX_TOLERANCE_M),
				 errdetail("The function received tolerance_m = %s.",
						   isnan(t) ? "NaN" : isinf(t) ? (t > 0 ? "Infinity" : "-Infinity") : psprintf("%g", t)),
				 errhint("Use 0 (comunas must intersect) or the width of the gaps of the boundary file, e.g. 150; join comunas across the sea with rezago.adjacency_link.")));
	PG_RETURN_FLOAT8(t);
}

/*
 * ---------------------------------------------------------------------------
 * Which pairs of boundaries intersect, over GEOS (issue 17)
 *
 *	 rezago.boundary_pairs_intersect(ids int[], boundaries bytea[],
 *									 cut_a int[], cut_b int[]) -> boolean[]
 *
 * boundaries are EWKB (geometry::bytea), parallel to ids; the result says,
 * for each pair (cut_a[i], cut_b[i]), whether the two boundaries intersect,
 * as ST_Intersects does.  Each boundary is read into GEOS once, whatever the
 * number of its pairs, and split into its parts (a multipolygon is the union
 * of its polygons, so two boundaries intersect exactly when a part of one
 * intersects a part of the other); the parts keep their bounding boxes, so
 * that only the parts near the other boundary are tested, and each part is
 * prepared (indexed) once, the first time it is tested.  That is what
 * comuna_adjacency did in SQL part by part, without converting every part to
 * GEOS again at every test.
 *
 * GEOS allocates with malloc: every GEOS object of a call is listed in a
 * GeosRun, freed at the end, or by a memory context callback when an error
 * (or a cancel) leaves the function early.  GEOS reports its errors to a
 * handler that only copies the message (a longjmp through C++ frames would
 * be undefined behaviour); the error is raised once GEOS has returned.
 * ---------------------------------------------------------------------------
 */
PG_FUNCTION_INFO_V1(rezago_boundary_pairs_intersect);

typedef struct BoundaryPart
{
	const GEOSGeometry *geom;	/* owned by its Boundary */
	const GEOSPreparedGeometry *prep;	/* prepared on first use, or NULL */
	double		xmin,
				ymin,
				xmax,
				ymax;
	int			npoints;
} BoundaryPart;

typedef struct Boundary
{
	int32		id;
	bytea	   *wkb;			/* NULL: no boundary */
	bool		read;			/* geom and parts set */
	GEOSGeometry *geom;
	int			nparts;			/* non-empty atomic parts */
	BoundaryPart *parts;
	double		xmin,
				ymin,
				xmax,
				ymax;			/* of all parts, when nparts > 0 */
} Boundary;

typedef struct GeosRun
{
	GEOSContextHandle_t handle;
	GEOSWKBReader *reader;
	Boundary   *b;				/* sorted by id */
	int			n;
	bool		freed;
	char		message[256];	/* last GEOS error */
	MemoryContextCallback callback;
} GeosRun;

static void
geos_message(const char *message, void *userdata)
{
	GeosRun    *run = (GeosRun *) userdata;

	strlcpy(run->message, message ? message : "(no message)", sizeof(run->message));
}

static void
geos_run_free(void *arg)
{
	GeosRun    *run = (GeosRun *) arg;

	if (run->freed)
		return;
	run->freed = true;
	for (int i = 0; i < run->n; i++)
	{
		Boundary   *b = &run->b[i];

		for (int k = 0; k < b->nparts; k++)
			if (b->parts[k].prep)
				GEOSPreparedGeom_destroy_r(run->handle, b->parts[k].prep);
		if (b->geom)
			GEOSGeom_destroy_r(run->handle, b->geom);
		b->nparts = 0;
		b->geom = NULL;
	}
	if (run->reader)
		GEOSWKBReader_destroy_r(run->handle, run->reader);
	GEOS_finish_r(run->handle);
}

static void
geos_failed(GeosRun *run, const char *what, int32 id)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("could not %s the boundary of %d", what, id),
			 errdetail("GEOS reported: %s.", run->message),
			 errhint("Pass valid boundaries as EWKB (geometry::bytea), e.g. made valid by rezago.valid_geometry.")));
}

static int
cmp_boundary_id(const void *a, const void *b)
{
	int32		x = ((const Boundary *) a)->id;
	int32		y = ((const Boundary *) b)->id;

	return (x > y) - (x < y);
}

/* the non-empty atomic parts of g, appended to b->parts */
static void
boundary_add_parts(GeosRun *run, Boundary *b, const GEOSGeometry *g, int *cap)
{
	int			type = GEOSGeomTypeId_r(run->handle, g);

	check_stack_depth();
	if (type == GEOS_MULTIPOINT || type == GEOS_MULTILINESTRING ||
		type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION)
	{
		int			n = GEOSGetNumGeometries_r(run->handle, g);

		for (int k = 0; k < n; k++)
			boundary_add_parts(run, b, GEOSGetGeometryN_r(run->handle, g, k), cap);
		return;
	}
	if (GEOSisEmpty_r(run->handle, g))
		return;
	if (b->nparts == *cap)
	{
		*cap = (*cap == 0) ? 8 : *cap * 2;
		b->parts = b->parts ? repalloc_huge(b->parts, sizeof(BoundaryPart) * *cap)
			: palloc_extended(sizeof(BoundaryPart) * *cap, MCXT_ALLOC_HUGE);
	}
	{
		BoundaryPart *p = &b->parts[b->nparts];

		p->geom = g;
		p->prep = NULL;
		p->npoints = GEOSGetNumCoordinates_r(run->handle, g);
		if (!GEOSGeom_getExtent_r(run->handle, g, &p->xmin, &p->ymin, &p->xmax, &p->ymax) ||
			p->npoints < 0)
			geos_failed(run, "measure", b->id);
		if (b->nparts == 0)
		{
			b->xmin = p->xmin;
			b->ymin = p->ymin;
			b->xmax = p->xmax;
			b->ymax = p->ymax;
		}
		else
		{
			b->xmin = Min(b->xmin, p->xmin);
			b->ymin = Min(b->ymin, p->ymin);
			b->xmax = Max(b->xmax, p->xmax);
			b->ymax = Max(b->ymax, p->ymax);
		}
		b->nparts++;
	}
}

/* reads the boundary into GEOS on first use */
static void
boundary_read(GeosRun *run, Boundary *b)
{
	int			cap = 0;

	if (b->read)
		return;
	if (run->reader == NULL)
	{
		run->reader = GEOSWKBReader_create_r(run->handle);
		if (run->reader == NULL)
			geos_failed(run, "read", b->id);
	}
	b->geom = GEOSWKBReader_read_r(run->handle, run->reader,
								   (const unsigned char *) VARDATA_ANY(b->wkb),
								   VARSIZE_ANY_EXHDR(b->wkb));
	if (b->geom == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid boundary of %d", b->id),
				 errdetail("GEOS could not read it as WKB: %s.", run->message),
				 errhint("Pass boundaries as EWKB, geometry::bytea.")));
	b->read = true;
	boundary_add_parts(run, b, b->geom, &cap);
}

static inline bool
boxes_meet(double axmin, double aymin, double axmax, double aymax,
		   double bxmin, double bymin, double bxmax, double bymax)
{
	return axmin <= bxmax && bxmin <= axmax && aymin <= bymax && bymin <= aymax;
}

/* whether two parts intersect: the larger one prepared, the other tested */
static bool
parts_intersect(GeosRun *run, BoundaryPart *p, BoundaryPart *q, int32 pid, int32 qid)
{
	char		r;

	if (q->npoints > p->npoints)
	{
		BoundaryPart *t = p;
		int32		tid = pid;

		p = q;
		q = t;
		pid = qid;
		qid = tid;
	}
	if (p->prep == NULL)
	{
		p->prep = GEOSPrepare_r(run->handle, p->geom);
		if (p->prep == NULL)
			geos_failed(run, "prepare", pid);
	}
	r = GEOSPreparedIntersects_r(run->handle, p->prep, q->geom);
	if (r == 2)
		geos_failed(run, "test", qid);
	return r == 1;
}

/*
 * whether a and b intersect: only the parts of each that meet the other's
 * box, and of those only the pairs whose boxes meet (cand: room for the
 * parts of both)
 */
static bool
boundaries_intersect(GeosRun *run, Boundary *a, Boundary *b, int *cand)
{
	int			na = 0,
				nb = 0;

	if (a->nparts == 0 || b->nparts == 0 ||
		!boxes_meet(a->xmin, a->ymin, a->xmax, a->ymax, b->xmin, b->ymin, b->xmax, b->ymax))
		return false;
	for (int k = 0; k < a->nparts; k++)
		if (boxes_meet(a->parts[k].xmin, a->parts[k].ymin, a->parts[k].xmax, a->parts[k].ymax,
					   b->xmin, b->ymin, b->xmax, b->ymax))
			cand[na++] = k;
	for (int k = 0; k < b->nparts; k++)
		if (boxes_meet(b->parts[k].xmin, b->parts[k].ymin, b->parts[k].xmax, b->parts[k].ymax,
					   a->xmin, a->ymin, a->xmax, a->ymax))
			cand[na + nb++] = k;
	for (int i = 0; i < na; i++)
	{
		BoundaryPart *p = &a->parts[cand[i]];

		for (int j = 0; j < nb; j++)
		{
			BoundaryPart *q = &b->parts[cand[na + j]];

			if (boxes_meet(p->xmin, p->ymin, p->xmax, p->ymax, q->xmin, q->ymin, q->xmax, q->ymax) &&
				parts_intersect(run, p, q, a->id, b->id))
				return true;
		}
	}
	return false;
}

static Boundary *
boundary_of(GeosRun *run, int32 id)
{
	Boundary	key;

	key.id = id;
	return (Boundary *) bsearch(&key, run->b, run->n, sizeof(Boundary), cmp_boundary_id);
}

static void
bpi_same_length(int x, int y, const char *what)
{
	if (x != y)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have the same number of elements", what),
				 errdetail("They have %d and %d elements.", x, y),
				 errhint("Pass parallel arrays, e.g. built by array_agg in one query.")));
}

/*
 * boundary_pairs_intersect(ids, boundaries, cut_a, cut_b): boolean[] parallel
 * to cut_a and cut_b.  A pair with a NULL id, or an id without a boundary
 * (not in ids, or its boundary NULL) gives NULL; an empty boundary
 * intersects nothing.  Duplicate ids are an error.  STRICT.
 */
Datum
rezago_boundary_pairs_intersect(PG_FUNCTION_ARGS)
{
	ArrayType  *ids_a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *wkb_a = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *ca_a = PG_GETARG_ARRAYTYPE_P(2);
	ArrayType  *cb_a = PG_GETARG_ARRAYTYPE_P(3);
	Datum	   *ids,
			   *wkbs,
			   *ca,
			   *cb;
	bool	   *ids_null,
			   *wkb_null,
			   *ca_null,
			   *cb_null;
	int			nids,
				nwkb,
				npairs,
				npairs_b,
				nb = 0,
				maxparts = 0;
	GeosRun    *run;
	Datum	   *out;
	bool	   *out_null;
	int			dims[1];
	int			lbs[1] = {1};
	int		   *cand;

	deconstruct_array(ids_a, INT4OID, 4, true, TYPALIGN_INT, &ids, &ids_null, &nids);
	deconstruct_array(wkb_a, BYTEAOID, -1, false, TYPALIGN_INT, &wkbs, &wkb_null, &nwkb);
	deconstruct_array(ca_a, INT4OID, 4, true, TYPALIGN_INT, &ca, &ca_null, &npairs);
	deconstruct_array(cb_a, INT4OID, 4, true, TYPALIGN_INT, &cb, &cb_null, &npairs_b);
	bpi_same_length(nids, nwkb, "ids and boundaries");
	bpi_same_length(npairs, npairs_b, "cut_a and cut_b");

	run = palloc0(sizeof(GeosRun));
	run->b = palloc0(sizeof(Boundary) * Max(nids, 1));
	for (int i = 0; i < nids; i++)
	{
		if (ids_null[i])
			continue;
		run->b[nb].id = DatumGetInt32(ids[i]);
		run->b[nb].wkb = wkb_null[i] ? NULL : DatumGetByteaPP(wkbs[i]);
		nb++;
	}
	qsort(run->b, nb, sizeof(Boundary), cmp_boundary_id);
	for (int i = 1; i < nb; i++)
		if (run->b[i].id == run->b[i - 1].id)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("id %d is given twice", run->b[i].id),
					 errdetail("Each id of ids names one boundary."),
					 errhint("Pass each comuna once, e.g. SELECT DISTINCT.")));

	/* from here on GEOS holds memory: freed at the end or on error */
	run->handle = GEOS_init_r();
	if (run->handle == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory"),
				 errdetail("GEOS could not start."),
				 errhint("Retry with fewer boundaries.")));
	run->n = nb;
	run->callback.func = geos_run_free;
	run->callback.arg = run;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &run->callback);
	GEOSContext_setErrorMessageHandler_r(run->handle, geos_message, run);
	GEOSContext_setNoticeMessageHandler_r(run->handle, NULL, NULL);

	out = palloc(sizeof(Datum) * Max(npairs, 1));
	out_null = palloc(sizeof(bool) * Max(npairs, 1));
	cand = NULL;
	for (int i = 0; i < npairs; i++)
	{
		Boundary   *a = ca_null[i] ? NULL : boundary_of(run, DatumGetInt32(ca[i]));
		Boundary   *b = cb_null[i] ? NULL : boundary_of(run, DatumGetInt32(cb[i]));

		CHECK_FOR_INTERRUPTS();
		out[i] = BoolGetDatum(false);
		out_null[i] = (a == NULL || b == NULL || a->wkb == NULL || b->wkb == NULL);
		if (out_null[i])
			continue;
		boundary_read(run, a);
		boundary_read(run, b);
		if (a->nparts + b->nparts > maxparts)
		{
			maxparts = Max(a->nparts + b->nparts, 2 * maxparts);
			cand = cand ? repalloc_huge(cand, sizeof(int) * maxparts)
				: palloc_extended(sizeof(int) * maxparts, MCXT_ALLOC_HUGE);
		}
		out[i] = BoolGetDatum(boundaries_intersect(run, a, b, cand));
	}
	geos_run_free(run);

	dims[0] = npairs;
	if (npairs == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(BOOLOID));
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, out_null, 1, dims, lbs,
											 BOOLOID, 1, true, TYPALIGN_CHAR));
}
