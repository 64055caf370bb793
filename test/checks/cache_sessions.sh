#!/usr/bin/env bash
# Caches stay true across sessions (issue 13; sql/cache_invalidation.sql
# shows it within one transaction).  Session A is one long-lived psql (one
# backend, fed through a fifo) that warms everything a session keeps: a
# prepared statement with a generic plan (the unit_*_values aggregate over
# two periods' scoring tables, hashed), a plpgsql function whose statements'
# plans are cached, and every reading function (index, dimension scores,
# *_values aggregates, territory index and exit, rank_uncertainty, territory
# geometry, contiguity, the portal view).  Session B changes observations,
# a methodology (weights, threshold rule), a comuna (boundary, región) and
# a territory's membership in an open transaction: A does not see it.  B
# commits: A, in the same backend (pg_backend_pid unchanged), sees exactly
# what a fresh session sees, and what B saw before committing.  On the data
# of $REZAGO_DATA (synthetic when missing), with serial plans so that float
# sums are added in the same order everywhere.
source "$(dirname "$0")/lib/common.sh"
db=rezago_cache
work=$(mktemp -d /tmp/rezago-cache.XXXXXX)
chmod 777 "$work"
a_pid=; b_pid=
cleanup() {
    exec 7>&- 8>&- 2>/dev/null || true
    [ -n "$a_pid" ] && kill "$a_pid" 2>/dev/null
    [ -n "$b_pid" ] && kill "$b_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

createdb "$db"
sql "$db" -c "CREATE EXTENSION rezago CASCADE" 2>/dev/null
load_data "$db"
period=2023
methodology=sinim4

# The plpgsql function every session calls, the comuna and territories B
# changes (the first comuna with every variable of the period in a
# territory of three or more, and the first territory it is not in), and
# statistics.
sql "$db" > /dev/null <<SQL
CREATE FUNCTION public.cache_snapshot(p integer, m text)
RETURNS TABLE (what text, key text, got text)
LANGUAGE plpgsql AS \$\$
BEGIN
    RETURN QUERY SELECT 'comuna_index', ci.cut::text, ROW(ci.index, ci.rank, ci.missing_dimensions)::text
    FROM rezago.comuna_index(p, m) ci;
    RETURN QUERY SELECT 'dimension_score', ds.cut || ' ' || ds.dimension, ROW(ds.score, ds.coverage)::text
    FROM rezago.comuna_dimension_scores(p, m) ds;
    RETURN QUERY
    SELECT 'unit_values', o.cut::text,
           ROW(rezago.unit_index_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage),
               rezago.unit_dimension_scores_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage),
               rezago.unit_dimension_coverage_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage),
               rezago.unit_missing_dimensions_values(o.variable, o.value, s.variables, s.scoring, s.min_coverage))::text
    FROM rezago.observation o, rezago.variable_scoring(p, m) s
    WHERE o.period = p
    GROUP BY o.cut, s.variables, s.scoring, s.min_coverage;
    RETURN QUERY SELECT 'territory_index', ti.territory, ROW(ti.index, ti.rank, ti.members, ti.scored)::text
    FROM rezago.territory_index(p, m) ti;
    RETURN QUERY SELECT 'territory_exit', te.territory, ROW(te.evaluated, te.overcome, te.share, te.stage)::text
    FROM rezago.territory_exit(p, m) te;
    RETURN QUERY SELECT 'rank_uncertainty', ru.territory, ru::text
    FROM rezago.rank_uncertainty(p, 30, 7, m) ru;
    RETURN QUERY
    SELECT 'territory_geometry', g.territory,
           ROW(g.members, g.members_with_geometry, ST_NumGeometries(g.geom),
               md5(ST_AsBinary(ST_Normalize(g.geom))), g.error)::text
    FROM rezago.territory_geometry g;
    RETURN QUERY SELECT 'contiguity', tc.territory, ROW(tc.members, tc.components, tc.contiguous, tc.detail)::text
    FROM rezago.territory_contiguity(0) tc;
    RETURN QUERY SELECT 'v_comuna_index', v.cut::text, ROW(v.region_code, v.region, v.index, v.rank, v.quintile)::text
    FROM rezago.v_comuna_index v WHERE v.period = p;
END
\$\$;
CREATE TABLE public.cache_target AS
SELECT tm.cut, tm.territory,
       (SELECT min(t.code) FROM rezago.territory t
        WHERE NOT EXISTS (SELECT 1 FROM rezago.territory_member x WHERE x.territory = t.code AND x.cut = tm.cut)) AS other
FROM rezago.territory_member tm
WHERE (SELECT count(*) FROM rezago.territory_member x WHERE x.territory = tm.territory) >= 3
  AND (SELECT count(DISTINCT o.variable) FROM rezago.observation o
       JOIN rezago.methodology_weights('$methodology') w ON w.variable = o.variable
       WHERE o.cut = tm.cut AND o.period = $period AND o.value IS NOT NULL)
      = (SELECT count(*) FROM rezago.methodology_weights('$methodology'))
  AND EXISTS (SELECT 1 FROM rezago.territory t
              WHERE NOT EXISTS (SELECT 1 FROM rezago.territory_member x WHERE x.territory = t.code AND x.cut = tm.cut))
ORDER BY tm.territory, tm.cut LIMIT 1;
ANALYZE;
SQL
target=$(sql "$db" -At -c "SELECT cut || ' in ' || territory || ', to ' || other FROM public.cache_target")
[ -n "$target" ] || fail "no comuna to change"

# What every session sets and prepares, and the snapshot it writes.
cat > "$work/prepare.sql" <<SQL
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SET plan_cache_mode = force_generic_plan;
SET rezago.default_methodology = '$methodology';
-- two periods' scoring tables in one statement: a hashed aggregation whose
-- groups' rows come interleaved (sorted by variable)
PREPARE two_periods AS
WITH sc AS MATERIALIZED (
    SELECT p.period, s.variables, s.scoring, s.min_coverage
    FROM (VALUES ($period - 1), ($period)) p(period)
    CROSS JOIN LATERAL rezago.variable_scoring(p.period, '$methodology') s
)
SELECT 'two_periods', o.period || ' ' || o.cut,
       rezago.unit_index_values(o.variable, o.value, sc.variables, sc.scoring, sc.min_coverage)::text
FROM (SELECT * FROM rezago.observation WHERE period IN ($period - 1, $period)
      ORDER BY variable, cut, period OFFSET 0) o
JOIN sc ON sc.period = o.period
GROUP BY o.period, o.cut;
SQL
# (the rows are sorted by the caller)
cat > "$work/snapshot.sql" <<SQL
SET enable_sort = off;
EXECUTE two_periods;
RESET enable_sort;
SELECT * FROM public.cache_snapshot($period, '$methodology');
SQL

# session NAME FD: a psql reading the fifo NAME.in, output in NAME.log
session() {
    mkfifo "$work/$1.in"
    psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" < "$work/$1.in" > "$work/$1.log" 2>&1 &
    eval "${1,,}_pid=$!"
    eval "exec $2> \"$work/$1.in\""
}
# send NAME FD SQL: runs SQL in the session and waits until it is done (the
# marker is unique even when send runs in a subshell)
send() {
    local name=$1 fd=$2 pid marker; shift 2
    marker="@@done $(date +%s%N) $BASHPID $RANDOM@@"
    printf '%s\n\\echo %s\n' "$*" "$marker" >&"$fd"
    pid=$(eval "echo \$${name,,}_pid")
    for _ in $(seq 1 6000); do
        grep -qxF "$marker" "$work/$name.log" && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log"; fail "session $name ended"; }
        sleep 0.1
    done
    cat "$work/$name.log"; fail "session $name: no answer in 10 minutes"
}
# snap NAME FD FILE: the session's snapshot, sorted, in FILE
snap() {
    send "$1" "$2" "\\o $3.raw
\\i $work/snapshot.sql
\\o"
    LC_ALL=C sort "$3.raw" > "$3"
}
# fresh FILE: the snapshot of a new session
fresh() {
    psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" > "$1.raw" 2> "$1.err" <<SQL || { cat "$1.err"; fail "fresh session"; }
\\i $work/prepare.sql
\\i $work/snapshot.sql
SQL
    LC_ALL=C sort "$1.raw" > "$1"
}
same() {   # FILE FILE WHAT
    if ! diff -u "$1" "$2" > "$work/diff"; then
        head -40 "$work/diff"
        fail "$3"
    fi
}
backend() {   # NAME FD: the session's backend pid
    send "$1" "$2" "\\o $work/$1.pid
SELECT pg_backend_pid();
\\o"
    cat "$work/$1.pid"
}

# 1. session A warms everything; a fresh session agrees
session A 7
send A 7 "\\i $work/prepare.sql"
pid_before=$(backend A 7)
snap A 7 "$work/a0"
fresh "$work/f0"
same "$work/a0" "$work/f0" "session A and a fresh session differ before any change"
rows=$(wc -l < "$work/a0")
say "session A (backend $pid_before) and a fresh session agree: $rows rows; changing comuna $target"

# 2. session B changes everything in an open transaction: A does not see it
session B 8
send B 8 "\\i $work/prepare.sql
BEGIN;
UPDATE rezago.observation SET value = value * 2 + 1
WHERE period = $period AND cut = (SELECT cut FROM public.cache_target);
UPDATE rezago.methodology_dimension SET weight = weight * 3
WHERE methodology = '$methodology' AND dimension = (SELECT min(dimension) FROM rezago.methodology_weights('$methodology'));
UPDATE rezago.methodology SET threshold_rule = 'median' WHERE code = '$methodology';
UPDATE rezago.comuna SET geom = ST_Translate(geom, 0.5, 0.5), region_code = -region_code, region = region || ' (moved)'
WHERE cut = (SELECT cut FROM public.cache_target);
UPDATE rezago.territory_member SET territory = (SELECT other FROM public.cache_target)
WHERE cut = (SELECT cut FROM public.cache_target) AND territory = (SELECT territory FROM public.cache_target);"
snap B 8 "$work/b_open"
snap A 7 "$work/a_open"
same "$work/a0" "$work/a_open" "session A sees session B's uncommitted changes"
changed_open=$(diff "$work/a0" "$work/b_open" | grep -c '^>' || true)
[ "$changed_open" -gt 0 ] || fail "session B does not see its own changes"
say "B's open transaction changes $changed_open rows for B, none for A"

# 3. B commits: A, same backend, sees what a fresh session sees
send B 8 "COMMIT;"
exec 8>&-
wait "$b_pid" || fail "session B failed: $(cat "$work/B.log")"
b_pid=
snap A 7 "$work/a1"
pid_after=$(backend A 7)
[ "$pid_before" = "$pid_after" ] || fail "session A changed backend ($pid_before, then $pid_after)"
fresh "$work/f1"
same "$work/f1" "$work/a1" "after B's commit, session A differs from a fresh session"
same "$work/f1" "$work/b_open" "after B's commit, a fresh session differs from what B saw before committing"

# every kind of result moved
{ diff "$work/a0" "$work/a1" || true; } | grep '^>' | cut -d'|' -f1 | sed 's/^> //' | sort | uniq -c > "$work/moved"
for what in comuna_index dimension_score unit_values two_periods territory_index territory_exit \
            rank_uncertainty territory_geometry contiguity v_comuna_index; do
    grep -q " $what\$" "$work/moved" || { cat "$work/moved"; fail "no $what result changed after B's commit"; }
done
# the prepared statement kept its generic plan
send A 7 "\\o $work/plans
SELECT generic_plans || ' generic, ' || custom_plans || ' custom' FROM pg_prepared_statements WHERE name = 'two_periods';
\\o"
say "after B's commit, session A (backend $pid_after, two_periods: $(cat "$work/plans") plans) equals a fresh session and B: $(awk '{printf "%s%s %s", s, $1, $2; s=", "}' "$work/moved") changed"
exec 7>&-
wait "$a_pid" || fail "session A failed: $(cat "$work/A.log")"
a_pid=
