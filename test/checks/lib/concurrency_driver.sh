#!/usr/bin/env bash
# Concurrency driver (issue 13): a portal reads while an editor loads.
# Used by test/checks/concurrency.sh (sourced: run_concurrency) and by the
# benchmark (test/bench/run.py --concurrency runs this file).
#
#   concurrency_driver.sh [--setup] [--seconds N] [--clients N] [--period P]
#                         [--methodology M] [--writer MODE] [--summary FILE] DB
#
# --setup (re)creates DB and loads it with load_data (real data from
# $REZAGO_DATA, else synthetic); without it DB must hold such data already.
# Needs PGHOST etc. (test/with_cluster.sh), pgbench and python3.
#
# Two committed states of one period exist: A = the loaded values of the
# methodology's variables in the period, B = the same rows with the square
# root of every value (sign kept: monotone but not affine, so min-max
# scores, the index and the ranks change; and smaller, so that B's floats
# carry no larger rounding errors than A's).  Before the run every reader
# query runs once in state A, once in B and once more in A, and its result
# is kept.  Then, for N seconds (and, for the queries that have not yet
# seen both states, up to two more rounds of 10 s):
#   - CLIENTS readers (pgbench -c CLIENTS -j 2, as role rezago_conc_portal
#     made with rezago.grant_reader, so the security_invoker views run as a
#     reader) call at random the portal views, their materialised copies,
#     the GeoJSON of comunas and of territories, the comuna and territory
#     vector tiles and territory_index for the period; each call records
#     the md5 of its result and its start time, and keeps the result itself
#     the first time a digest appears;
#   - 1 writer (pgbench) loops: as an editor (grant_editor),
#     import_observations(state A or B, replace => true), alternating, then,
#     as the views' owner, rezago.refresh_portal_views() (CONCURRENTLY);
#   - 1 sampler (pgbench) reads pg_stat_activity every 100 ms.
# Then every digest a reader got must be that of state A or state B of its
# query, bit for bit: the same data give the same bits under every plan
# (README, "Same numbers every time").  A digest that is neither is
# compared result to result (concurrency_compare.py) to tell, in the
# message, a result equal to a state only to 1e-9 (a sum that depends on
# the plan again: a failure too) from a half-loaded period (whole lag
# scores apart).
# It fails (non-zero) on any error in a reader or the writer, on any call
# that saw neither state, when some query never saw both states (so it
# could not have failed), or when a sample shows a reader waiting on a
# heavyweight lock that the writer holds or waits for (waits on another
# session, e.g. autovacuum truncating the churned table, are reported).
# Speed is printed, never asserted.
#
# --writer MODE shows that the check fails when it should:
#   atomic     (default) the writer described above;
#   nonatomic  deletes the period's rows in one transaction, waits until a
#              reader has started a call after that, and inserts the new
#              rows in a second one: readers see a half-loaded period;
#   blocking   refreshes without CONCURRENTLY: readers of the materialised
#              views wait for the refresh's lock.
# --summary FILE writes the figures as JSON (for the benchmark's report).

# shellcheck source=test/checks/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# conc_queries PERIOD METHODOLOGY Z/X/Y: kind|SQL of the result as bytea
conc_queries() {
    local p=$1 m=$2 z x y
    IFS=/ read -r z x y <<< "$3"
    local rows="convert_to(json_agg(r ORDER BY r::text)::text, 'UTF8')"
    cat <<EOF
v_comuna_index|SELECT $rows FROM rezago.v_comuna_index r WHERE r.period = $p
v_comuna_dimension_scores|SELECT $rows FROM rezago.v_comuna_dimension_scores r WHERE r.period = $p
v_territory_index|SELECT $rows FROM rezago.v_territory_index r WHERE r.period = $p
v_territory_gaps|SELECT $rows FROM rezago.v_territory_gaps r WHERE r.period = $p
mv_comuna_index|SELECT $rows FROM rezago.mv_comuna_index r WHERE r.period = $p
mv_territory_index|SELECT $rows FROM rezago.mv_territory_index r WHERE r.period = $p
geojson_comuna|SELECT convert_to(rezago.geojson('comuna', $p, '$m')::text, 'UTF8')
geojson_territory|SELECT convert_to(rezago.geojson('territory', $p, '$m')::text, 'UTF8')
comuna_tiles|SELECT rezago.comuna_tiles($z, $x, $y, $p, '$m')
territory_tiles|SELECT rezago.territory_tiles($z, $x, $y, $p, '$m')
territory_index|SELECT $rows FROM rezago.territory_index($p, '$m') r
EOF
}

# conc_setup DB PERIOD METHODOLOGY: roles, the two states, the log tables
conc_setup() {
    local db=$1 p=$2 m=$3
    sql "$db" -v period="$p" -v methodology="$m" > /dev/null <<'SQL'
SET client_min_messages = warning;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rezago_conc_portal') THEN
        CREATE ROLE rezago_conc_portal LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rezago_conc_editor') THEN
        CREATE ROLE rezago_conc_editor;
    END IF;
END $$;
SELECT count(*) FROM rezago.grant_reader('rezago_conc_portal');
SELECT count(*) FROM rezago.grant_editor('rezago_conc_editor');
-- the views and the refresh follow the default methodology
SELECT format('ALTER DATABASE %I SET rezago.default_methodology = %L', current_database(), :'methodology') \gexec
SELECT format('ALTER DATABASE %I SET extra_float_digits = 3', current_database()) \gexec
-- a run that did not finish left state B (or a half state) behind: put
-- its state A back first, so that A is always the data as loaded
-- (strict: nothing to do when there was no such run)
SELECT rezago.import_observations(to_regclass('rezago_conc.state_a'), replace => true);
DROP SCHEMA IF EXISTS rezago_conc CASCADE;
CREATE SCHEMA rezago_conc;
-- state A: the period's values of the methodology's variables as loaded;
-- state B: the same rows, the square root of every value (sign kept)
CREATE TABLE rezago_conc.state_a AS
SELECT o.cut, o.variable, o.period, o.value FROM rezago.observation o
WHERE o.period = :period
  AND o.variable IN (SELECT mv.variable FROM rezago.methodology_variable mv
                     WHERE mv.methodology = :'methodology' AND mv.weight > 0);
CREATE TABLE rezago_conc.state_b AS
SELECT s.cut, s.variable, s.period, sign(s.value) * sqrt(abs(s.value)) AS value FROM rezago_conc.state_a s;
CREATE TABLE rezago_conc.kind (script_no integer PRIMARY KEY, kind text UNIQUE NOT NULL);
-- (kind, digest) of the result of each query in each state
CREATE TABLE rezago_conc.expected (kind text NOT NULL, state text NOT NULL, digest text NOT NULL,
                                   PRIMARY KEY (kind, state));
-- one row per reader call; results, once per digest (no unique index: a
-- reader must never wait for another; a duplicate is harmless)
CREATE UNLOGGED TABLE rezago_conc.log (kind text NOT NULL, digest text NOT NULL, started timestamptz NOT NULL);
CREATE UNLOGGED TABLE rezago_conc.body (kind text NOT NULL, digest text NOT NULL, body bytea NOT NULL);
-- the state each digest a reader got stands for (NULL: neither)
CREATE TABLE rezago_conc.matched (kind text, digest text, state text, note text, PRIMARY KEY (kind, digest));
CREATE UNLOGGED TABLE rezago_conc.writer_log (cycle bigint, step text, state text, started timestamptz,
                                             finished timestamptz, n bigint);
CREATE UNLOGGED TABLE rezago_conc.sample (at timestamptz, readers integer, readers_active integer,
                                         lock_waits integer, other_waits integer, refreshing boolean,
                                         importing boolean, detail text);
-- pgbench's per-transaction log of the readers (pgbench -l)
CREATE TABLE rezago_conc.txlog (client integer, tx bigint, latency_us text, script_no integer,
                                epoch bigint, us bigint, kind text, round integer);
CREATE TABLE rezago_conc.round (round integer PRIMARY KEY, seconds integer, kinds text,
                                started timestamptz, finished timestamptz);
CREATE SEQUENCE rezago_conc.cycle;
-- nonatomic writer only: waits (at most timeout_s) until a reader of the
-- tables (not of the materialised copies) has started a call after since
CREATE FUNCTION rezago_conc.wait_for_reader(since timestamptz, timeout_s integer) RETURNS boolean
LANGUAGE plpgsql AS $f$
BEGIN
    FOR i IN 1 .. timeout_s * 100 LOOP
        IF EXISTS (SELECT 1 FROM rezago_conc.log l WHERE l.started > since AND l.kind NOT LIKE 'mv\_%') THEN
            RETURN true;
        END IF;
        PERFORM pg_sleep(0.01);
    END LOOP;
    RETURN false;
END $f$;
GRANT USAGE ON SCHEMA rezago_conc TO rezago_conc_portal, rezago_conc_editor;
GRANT INSERT ON rezago_conc.log TO rezago_conc_portal;
GRANT SELECT, INSERT ON rezago_conc.body TO rezago_conc_portal;
GRANT SELECT ON rezago_conc.state_a, rezago_conc.state_b, rezago_conc.log TO rezago_conc_editor;
GRANT INSERT ON rezago_conc.writer_log TO rezago_conc_editor;
GRANT USAGE ON SEQUENCE rezago_conc.cycle TO rezago_conc_editor;
ANALYZE;
SQL
}

# conc_state DB a|b: loads a state the way the writer does, and refreshes
conc_state() {
    sql "$1" -v state="$2" > /dev/null <<'SQL'
SELECT rezago.import_observations(('rezago_conc.state_' || :'state')::regclass, replace => true);
SELECT count(*) FROM rezago.refresh_portal_views();
SQL
}

# conc_scripts DIR PERIOD METHODOLOGY Z/X/Y WRITER: the pgbench scripts
conc_scripts() {
    local dir=$1 p=$2 m=$3 t=$4 writer=$5 kind q n=0
    mkdir -p "$dir/readers"
    : > "$dir/kinds"
    while IFS='|' read -r kind q; do
        # one statement, so one snapshot: the read, its digest and start,
        # the result kept if its digest is new (at most 50 per query)
        cat > "$dir/readers/$kind.sql" <<EOF
WITH r AS MATERIALIZED (SELECT statement_timestamp() AS started, coalesce(($q), '\\x'::bytea) AS body),
     d AS MATERIALIZED (SELECT r.started, md5(r.body) AS digest, r.body FROM r),
     keep AS (INSERT INTO rezago_conc.body (kind, digest, body)
              SELECT '$kind', d.digest, d.body FROM d
              WHERE NOT EXISTS (SELECT 1 FROM rezago_conc.body b WHERE b.kind = '$kind' AND b.digest = d.digest)
                AND (SELECT count(*) FROM rezago_conc.body b WHERE b.kind = '$kind') < 50)
INSERT INTO rezago_conc.log (kind, digest, started) SELECT '$kind', d.digest, d.started FROM d;
EOF
        echo "$n|$kind" >> "$dir/kinds"
        n=$((n + 1))
    done < <(conc_queries "$p" "$m" "$t")

    local import refresh="SELECT sum(v.rows) AS n FROM rezago.refresh_portal_views() v"
    local log="INSERT INTO rezago_conc.writer_log (cycle, step, state, started, finished, n)"
    case $writer in
        atomic) ;;
        nonatomic) ;;
        blocking) refresh="SELECT sum(v.rows) AS n FROM rezago.refresh_portal_views(false) v" ;;
        *) fail "unknown writer mode $writer (atomic, nonatomic, blocking)" ;;
    esac
    {
        echo "SELECT nextval('rezago_conc.cycle') AS cycle \\gset"
        echo "SELECT CASE WHEN :cycle % 2 = 1 THEN 'b' ELSE 'a' END AS state \\gset"
        echo "SET ROLE rezago_conc_editor;"
        if [ "$writer" = nonatomic ]; then
            echo "DELETE FROM rezago.observation o USING rezago_conc.state_a s WHERE o.cut = s.cut AND o.variable = s.variable AND o.period = s.period;"
            echo "SELECT rezago_conc.wait_for_reader(clock_timestamp(), 10);"
            import="rezago.import_observations('rezago_conc.state_:state', replace => false)"
        else
            import="rezago.import_observations('rezago_conc.state_:state', replace => true)"
        fi
        # OFFSET 0 and the aggregate: finished is read once the step is done
        echo "$log SELECT :cycle, 'import', ':state', statement_timestamp(), clock_timestamp(), i.n FROM (SELECT $import AS n OFFSET 0) i;"
        echo "RESET ROLE;"
        echo "$log SELECT :cycle, 'refresh', ':state', statement_timestamp(), clock_timestamp(), r.n FROM ($refresh) r;"
    } > "$dir/writer.sql"

    # readers waiting on a heavyweight lock (not on the extension of the
    # log tables): lock_waits those the writer blocks (a failure),
    # other_waits those something else blocks (autovacuum truncating the
    # churned table, say: reported, not the editor's doing), or whose lock
    # was released before pg_blocking_pids could name its holder
    cat > "$dir/sampler.sql" <<'SQL'
INSERT INTO rezago_conc.sample (at, readers, readers_active, lock_waits, other_waits, refreshing, importing, detail)
SELECT clock_timestamp(),
       count(*) FILTER (WHERE a.application_name = 'rezago_conc_reader'),
       count(*) FILTER (WHERE a.application_name = 'rezago_conc_reader' AND a.state = 'active'),
       count(*) FILTER (WHERE w.waiting AND w.by_writer),
       count(*) FILTER (WHERE w.waiting AND NOT w.by_writer),
       coalesce(bool_or(a.application_name = 'rezago_conc_writer' AND a.state = 'active' AND a.query LIKE '%refresh_portal_views%'), false),
       coalesce(bool_or(a.application_name = 'rezago_conc_writer' AND a.state = 'active' AND a.query LIKE '%import_observations%'), false),
       string_agg(format('pid %s waits on %s/%s, blocked by %s', a.pid, a.wait_event_type, a.wait_event,
                         coalesce(w.blockers, 'nobody any more (released before it could be read)')), ' // ')
           FILTER (WHERE w.waiting)
FROM pg_stat_activity a
CROSS JOIN LATERAL (
    SELECT a.application_name = 'rezago_conc_reader' AND a.wait_event_type = 'Lock' AND a.wait_event <> 'extend' AS waiting,
           coalesce(bool_or(x.application_name = 'rezago_conc_writer'), false) AS by_writer,
           string_agg(format('pid %s (%s%s)', x.pid, coalesce(nullif(x.application_name, ''), x.backend_type),
                             coalesce(': ' || coalesce(substring(x.query FROM 'rezago\.[a-z_]+\([^)]*\)'), left(x.query, 80)), '')),
                      ', ') AS blockers
    FROM pg_stat_activity x
    WHERE a.wait_event_type = 'Lock' AND x.pid = ANY (pg_blocking_pids(a.pid))
) w
GROUP BY ();
\sleep 100 ms
SQL
}

# conc_expected DB DIR STATE: every reader query once, as the portal; the
# digests become the expected ones of STATE
conc_expected() {
    local db=$1 dir=$2 state=$3 f out
    sql "$db" -c "TRUNCATE rezago_conc.log"
    for f in "$dir"/readers/*.sql; do
        out=$(PGAPPNAME=rezago_conc_setup pgbench -n -t 1 -c 1 -U rezago_conc_portal -f "$f" "$db" 2>&1) \
            || { echo "$out"; fail "reader query $(basename "$f" .sql) failed in state $state"; }
    done
    # (psql -c does not interpolate variables; stdin does)
    echo "INSERT INTO rezago_conc.expected SELECT kind, :'state', digest FROM rezago_conc.log;" \
        | sql "$db" -v state="$state" > /dev/null
}

# conc_compare DB SQL: SQL selects (kind, digest) pairs seen; prints
# kind|digest|states|note comparing their kept results with A's and B's
conc_compare() {
    local db=$1 pairs=$2
    sql "$db" -At <<SQL | python3 "$lib/concurrency_compare.py"
WITH seen AS ($pairs),
refs AS (SELECT e.state AS role, e.kind, e.digest FROM rezago_conc.expected e WHERE e.state IN ('a', 'b')
         AND e.kind IN (SELECT kind FROM seen)
         UNION ALL SELECT 'x', kind, digest FROM seen)
SELECT r.role || '|' || r.kind || '|' || r.digest || '|' ||
       coalesce((SELECT encode(b.body, 'hex') FROM rezago_conc.body b WHERE b.kind = r.kind AND b.digest = r.digest LIMIT 1), '')
FROM refs r ORDER BY r.role, r.kind
SQL
}

# conc_round DB DIR ROUND SECONDS CLIENTS KIND...: readers of those kinds,
# the writer and the sampler, together for SECONDS; failures of pgbench are
# added to the caller's errors
conc_round() {
    local db=$1 dir=$2 round=$3 seconds=$4 clients=$5
    shift 5
    local files=() kind who rc rc_r=0 rc_w=0 rc_s=0 pid_r pid_w pid_s
    for kind in "$@"; do files+=(-f "$dir/readers/$kind.sql"); done
    rm -f "$dir"/txlog.*
    echo "INSERT INTO rezago_conc.round VALUES (:round, :seconds, :'kinds', clock_timestamp(), NULL);" \
        | sql "$db" -v round="$round" -v seconds="$seconds" -v kinds="$*" > /dev/null
    PGAPPNAME=rezago_conc_reader pgbench -n -U rezago_conc_portal -c "$clients" -j 2 -T "$seconds" \
        -l --log-prefix="$dir/txlog" "${files[@]}" "$db" > "$dir/readers.out" 2>&1 &
    pid_r=$!
    PGAPPNAME=rezago_conc_writer pgbench -n -c 1 -j 1 -T "$seconds" -f "$dir/writer.sql" "$db" \
        > "$dir/writer.out" 2>&1 &
    pid_w=$!
    PGAPPNAME=rezago_conc_sampler pgbench -n -c 1 -j 1 -T "$seconds" -f "$dir/sampler.sql" "$db" \
        > "$dir/sampler.out" 2>&1 &
    pid_s=$!
    wait $pid_r || rc_r=$?
    wait $pid_w || rc_w=$?
    wait $pid_s || rc_s=$?
    sql "$db" -q -c "UPDATE rezago_conc.round SET finished = clock_timestamp() WHERE round = $round"
    for who in readers writer sampler; do
        case $who in readers) rc=$rc_r ;; writer) rc=$rc_w ;; sampler) rc=$rc_s ;; esac
        if [ "$rc" != 0 ] || grep -q -E "ERROR|aborted|error:" "$dir/$who.out"; then
            echo "--- pgbench $who, round $round (exit $rc):"
            grep -E "ERROR|aborted|error|DETAIL|CONTEXT" "$dir/$who.out" | head -20
            errors+=("$who")
        fi
    done
    # pgbench -l: client tx latency_us script_no epoch us, script_no being
    # the position of the query among this round's -f
    cat "$dir"/txlog.* 2>/dev/null \
        | awk -v kinds="$*" -v round="$round" 'BEGIN { split(kinds, k, " ") } { print $0, k[$4 + 1], round }' \
        | sql "$db" -c "\\copy rezago_conc.txlog FROM STDIN (DELIMITER ' ')"
}

# conc_classify DB: the state of every digest the readers got that is not
# classified yet: identical to A's or B's, else compared result to result
conc_classify() {
    local db=$1
    sql "$db" -q -c "INSERT INTO rezago_conc.matched
                     SELECT DISTINCT l.kind, l.digest, e.state, 'identical' FROM rezago_conc.log l
                     JOIN rezago_conc.expected e ON e.kind = l.kind AND e.digest = l.digest
                     ON CONFLICT DO NOTHING"
    conc_compare "$db" "SELECT DISTINCT l.kind, l.digest FROM rezago_conc.log l
                        WHERE NOT EXISTS (SELECT 1 FROM rezago_conc.matched m WHERE m.kind = l.kind AND m.digest = l.digest)" \
        | sql "$db" -q -c "CREATE TEMP TABLE c (kind text, digest text, states text, note text)" \
              -c "\\copy c FROM STDIN (DELIMITER '|')" \
              -c "INSERT INTO rezago_conc.matched SELECT kind, digest, CASE WHEN states IN ('a', 'b') THEN states END,
                         CASE WHEN states IN ('a', 'b') THEN note WHEN states = '' THEN note ELSE 'equal to both states' END FROM c"
}

run_concurrency() {
    local db="" seconds=20 clients=8 period=2023 methodology=sinim4 writer=atomic summary="" setup=false
    while [ $# -gt 0 ]; do
        case $1 in
            --setup) setup=true ;;
            --seconds) seconds=$2; shift ;;
            --clients) clients=$2; shift ;;
            --period) period=$2; shift ;;
            --methodology) methodology=$2; shift ;;
            --writer) writer=$2; shift ;;
            --summary) summary=$2; shift ;;
            -*) fail "unknown option $1" ;;
            *) db=$1 ;;
        esac
        shift
    done
    [ -n "$db" ] || fail "usage: concurrency_driver.sh [--setup] [--seconds N] [--clients N] [--period P] [--methodology M] [--writer atomic|nonatomic|blocking] [--summary FILE] DB"
    need_command pgbench postgresql-15
    need_command python3 python3
    if [ $setup = true ]; then
        sql postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$db\""
        createdb "$db"
        sql "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION rezago CASCADE"
        load_data "$db"
    fi
    local work
    work=$(mktemp -d /tmp/rezago-conc.XXXXXX)
    chmod 777 "$work"
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT

    local t0=$SECONDS
    conc_setup "$db" "$period" "$methodology"
    local rows
    rows=$(sql "$db" -At -c "SELECT count(*) FROM rezago_conc.state_a")
    [ "$rows" -gt 0 ] || fail "no observations of period $period for methodology $methodology"
    # a tile at zoom 7 over the territory with the most members (on real
    # data, the province of Santiago: 32 comunas)
    local tile
    tile=$(sql "$db" -At <<'SQL'
SELECT format('%s/%s/%s', 7, floor((ST_X(p) + 20037508.342789244) / (40075016.68557849 / 128))::integer,
              floor((20037508.342789244 - ST_Y(p)) / (40075016.68557849 / 128))::integer)
FROM (SELECT ST_Transform(ST_PointOnSurface(g.geom::geometry), 3857) AS p
      FROM rezago.territory_geometry g
      WHERE g.geom IS NOT NULL
      ORDER BY (SELECT count(*) FROM rezago.territory_member m WHERE m.territory = g.territory) DESC, g.territory
      LIMIT 1) q
SQL
)
    [ -n "$tile" ] || fail "no territory with a boundary to draw tiles of"
    conc_scripts "$work" "$period" "$methodology" "$tile" "$writer"
    sql "$db" -c "\\copy rezago_conc.kind FROM '$work/kinds' (DELIMITER '|')"

    # expected results: A, B, then A again, which must give A's result
    conc_state "$db" a
    conc_expected "$db" "$work" a
    conc_state "$db" b
    conc_expected "$db" "$work" b
    conc_state "$db" a
    conc_expected "$db" "$work" a2
    local bad
    bad=$(conc_compare "$db" "SELECT DISTINCT kind, digest FROM rezago_conc.expected WHERE state IN ('a2', 'b')" \
          | sql "$db" -At -c "CREATE TEMP TABLE c (kind text, digest text, states text, note text)" \
                -c "\\copy c FROM STDIN (DELIMITER '|')" \
                -c "SELECT string_agg(c.kind || CASE WHEN e.state = 'a2' THEN ': not the same result twice in state A (' || c.note || ')'
                                                     ELSE ': the same result in states A and B' END, '; ' ORDER BY c.kind)
                    FROM c JOIN rezago_conc.expected e ON e.kind = c.kind AND e.digest = c.digest
                    WHERE (e.state = 'a2' AND c.states NOT LIKE 'a%') OR (e.state = 'b' AND c.states <> 'b')")
    [ -z "$bad" ] || fail "the reader queries cannot tell the two states apart: $bad"
    sql "$db" -q -c "TRUNCATE rezago_conc.log" -c "DELETE FROM rezago_conc.expected WHERE state = 'a2'" \
        -c "ANALYZE rezago_conc.expected"

    local nkinds
    nkinds=$(wc -l < "$work/kinds")
    say "results of every query in states A, B and A again kept ($((SECONDS - t0)) s)"
    say "$clients readers x $seconds s ($nkinds queries of period $period, methodology $methodology, tile $tile), 1 writer ($writer; $rows rows of state A or B per import), pg_stat_activity sampled every 100 ms"
    # round 1: every query for $seconds s; then, for at most two rounds of
    # 10 s, the queries that have not yet seen both states (few calls on a
    # slow machine), so that each query could have failed
    local errors=() round=1 missing
    missing=$(cut -d'|' -f2 "$work/kinds" | paste -sd' ')
    while :; do
        # shellcheck disable=SC2086 # $missing: one argument per query
        conc_round "$db" "$work" "$round" "$([ "$round" = 1 ] && echo "$seconds" || echo 10)" "$clients" $missing
        conc_classify "$db"
        missing=$(sql "$db" -At -c "SELECT string_agg(k.kind, ' ' ORDER BY k.script_no) FROM rezago_conc.kind k
                                    WHERE NOT EXISTS (SELECT 1 FROM rezago_conc.log l JOIN rezago_conc.matched m USING (kind, digest)
                                                      WHERE l.kind = k.kind AND m.state = 'a')
                                       OR NOT EXISTS (SELECT 1 FROM rezago_conc.log l JOIN rezago_conc.matched m USING (kind, digest)
                                                      WHERE l.kind = k.kind AND m.state = 'b')")
        # (no more rounds once it has failed anyway)
        if [ -z "$missing" ] || [ "$round" -ge 3 ] || [ ${#errors[@]} -gt 0 ] \
           || [ "$(sql "$db" -At -c "SELECT EXISTS (SELECT 1 FROM rezago_conc.matched WHERE state IS NULL)")" = t ]; then
            break
        fi
        round=$((round + 1))
        say "round $round (10 s) for the queries that have not yet seen both states: $missing"
    done
    # leave the data as loaded
    conc_state "$db" a

    # figures and verdicts, from the logs
    sql "$db" -v seconds="$seconds" <<'SQL' | sed "s/^/[$(basename "$0" .sh)] /"
\pset footer off
WITH calls AS (
    SELECT l.kind, m.state, m.note, l.started <= (SELECT r.finished FROM rezago_conc.round r WHERE r.round = 1) AS first
    FROM rezago_conc.log l
    LEFT JOIN rezago_conc.matched m ON m.kind = l.kind AND m.digest = l.digest
), lat AS (
    SELECT t.kind, t.latency_us::bigint / 1000.0 AS ms FROM rezago_conc.txlog t WHERE t.round = 1
), per AS (
    SELECT k.script_no AS ord, k.kind AS query,
           (SELECT count(*) FROM calls c WHERE c.kind = k.kind AND c.first) AS calls,
           (SELECT count(*) FROM calls c WHERE c.kind = k.kind AND NOT c.first) AS later,
           (SELECT count(*) FROM calls c WHERE c.kind = k.kind AND c.state = 'a') AS a,
           (SELECT count(*) FROM calls c WHERE c.kind = k.kind AND c.state = 'b') AS b,
           (SELECT count(*) FROM calls c WHERE c.kind = k.kind AND c.state IS NOT NULL AND c.note <> 'identical') AS close,
           (SELECT count(*) FROM calls c WHERE c.kind = k.kind AND c.state IS NULL) AS neither,
           (SELECT avg(ms) FROM lat WHERE lat.kind = k.kind) AS mean_ms,
           (SELECT max(ms) FROM lat WHERE lat.kind = k.kind) AS max_ms
    FROM rezago_conc.kind k
)
SELECT query, calls, round(calls / :seconds::numeric, 1) AS "calls/s", round(mean_ms) AS "mean ms",
       round(max_ms) AS "max ms", later AS "later rounds", a AS "state A", b AS "state B",
       close AS "of which to 1e-9", neither
FROM (SELECT * FROM per
      UNION ALL
      SELECT 1e6, 'total', sum(calls), sum(later), sum(a), sum(b), sum(close), sum(neither),
             (SELECT avg(ms) FROM lat), (SELECT max(ms) FROM lat) FROM per) t
ORDER BY ord;
SELECT step AS "writer step", count(*) AS times, round(avg(extract(epoch FROM finished - started)) * 1000) AS "mean ms",
       round(max(extract(epoch FROM finished - started)) * 1000) AS "max ms"
FROM rezago_conc.writer_log GROUP BY step ORDER BY step;
SQL

    local verdict
    verdict=$(sql "$db" -At -F'|' <<'SQL'
WITH calls AS (
    SELECT l.kind, l.digest, l.started, m.state, m.note FROM rezago_conc.log l
    LEFT JOIN rezago_conc.matched m ON m.kind = l.kind AND m.digest = l.digest
)
SELECT (SELECT count(*) FROM calls WHERE state IS NULL),
       (SELECT coalesce(string_agg(c.kind || ' at ' || to_char(c.started, 'HH24:MI:SS.MS') || ' (' || left(coalesce(c.note, 'result not kept'), 150) || ')', '; '), '')
        FROM (SELECT * FROM calls WHERE state IS NULL ORDER BY started LIMIT 3) c),
       (SELECT coalesce(string_agg(k.kind, ', ' ORDER BY k.kind), '') FROM rezago_conc.kind k
        WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.kind = k.kind AND c.state = 'a')
           OR NOT EXISTS (SELECT 1 FROM calls c WHERE c.kind = k.kind AND c.state = 'b')),
       (SELECT count(*) FROM rezago_conc.writer_log WHERE step = 'import'),
       (SELECT count(*) FROM rezago_conc.writer_log WHERE step = 'refresh'),
       (SELECT count(*) FROM rezago_conc.sample),
       (SELECT count(*) FROM rezago_conc.sample WHERE refreshing),
       (SELECT count(*) FROM rezago_conc.sample WHERE readers_active > 0),
       (SELECT count(*) FROM rezago_conc.sample WHERE lock_waits > 0),
       (SELECT coalesce(string_agg(detail, ' // '), '') FROM (SELECT detail FROM rezago_conc.sample WHERE lock_waits > 0 ORDER BY at LIMIT 2) s),
       (SELECT count(*) FROM rezago_conc.sample WHERE other_waits > 0),
       (SELECT coalesce(string_agg(detail, ' // '), '') FROM (SELECT detail FROM rezago_conc.sample WHERE other_waits > 0 ORDER BY at LIMIT 2) s),
       (SELECT round(max(t.latency_us::bigint) / 1000.0) FROM rezago_conc.txlog t WHERE t.round = 1),
       (SELECT round(max(extract(epoch FROM finished - started)) * 1000) FROM rezago_conc.writer_log WHERE step = 'refresh'),
       (SELECT count(*) FROM calls WHERE state IS NOT NULL AND note <> 'identical')
SQL
)
    local neither examples unseen imports refreshes samples s_refresh s_active s_wait wait_detail s_other other_detail max_reader max_refresh n_close
    IFS='|' read -r neither examples unseen imports refreshes samples s_refresh s_active s_wait wait_detail s_other other_detail max_reader max_refresh n_close <<< "$verdict"
    say "writer: $imports imports and $refreshes refreshes; longest refresh ${max_refresh:-?} ms, longest reader call ${max_reader:-?} ms"
    say "pg_stat_activity: $samples samples, $s_refresh while a refresh ran, $s_active with a reader active; readers waiting on a lock of the writer in $s_wait"
    [ "$s_other" = 0 ] || say "readers waiting on a lock not (or no longer) held by the writer in $s_other samples, e.g. $other_detail"

    if [ -n "$summary" ]; then
        sql "$db" -At -v seconds="$seconds" -v clients="$clients" -v writer="$writer" -v tile="$tile" -o "$summary" <<'SQL'
SELECT json_build_object(
    'seconds', :seconds, 'clients', :clients, 'writer', :'writer', 'tile', :'tile',
    'period', (SELECT min(period) FROM rezago_conc.state_a),
    'comunas', (SELECT count(*) FROM rezago.comuna),
    'methodology', current_setting('rezago.default_methodology'),
    'queries', (SELECT json_agg(json_build_object(
                    'query', k.kind,
                    'calls', (SELECT count(*) FROM rezago_conc.log l WHERE l.kind = k.kind
                              AND l.started <= (SELECT r.finished FROM rezago_conc.round r WHERE r.round = 1)),
                    'mean_ms', (SELECT avg(t.latency_us::bigint) / 1000.0 FROM rezago_conc.txlog t WHERE t.kind = k.kind AND t.round = 1),
                    'max_ms', (SELECT max(t.latency_us::bigint) / 1000.0 FROM rezago_conc.txlog t WHERE t.kind = k.kind AND t.round = 1))
                ORDER BY k.script_no) FROM rezago_conc.kind k),
    'writer_steps', (SELECT json_agg(json_build_object('step', step, 'times', n, 'mean_ms', mean_ms, 'max_ms', max_ms) ORDER BY step)
                     FROM (SELECT step, count(*) AS n, avg(extract(epoch FROM finished - started)) * 1000 AS mean_ms,
                                  max(extract(epoch FROM finished - started)) * 1000 AS max_ms
                           FROM rezago_conc.writer_log GROUP BY step) w),
    'rounds', (SELECT count(*) FROM rezago_conc.round),
    'samples', (SELECT count(*) FROM rezago_conc.sample),
    'samples_refreshing', (SELECT count(*) FROM rezago_conc.sample WHERE refreshing),
    'samples_lock_wait', (SELECT count(*) FROM rezago_conc.sample WHERE lock_waits > 0),
    'samples_other_wait', (SELECT count(*) FROM rezago_conc.sample WHERE other_waits > 0),
    'calls_neither_state', (SELECT count(*) FROM rezago_conc.log l LEFT JOIN rezago_conc.matched m USING (kind, digest)
                            WHERE m.state IS NULL))
SQL
    fi

    local problems=() p
    [ ${#errors[@]} = 0 ] || problems+=("errors in pgbench ${errors[*]}")
    [ "$neither" = 0 ] || problems+=("$neither reader calls saw neither state A nor state B (a half-loaded period), e.g. $examples")
    [ "$n_close" = 0 ] || problems+=("$n_close reader calls equal a state only to 1e-9, not bit for bit (a result that depends on the plan)")
    [ "$imports" -ge 2 ] || problems+=("the writer finished $imports imports: fewer than 2, the readers could not see both states")
    [ -z "$unseen" ] || problems+=("queries that did not see both states (the check could not have failed for them): $unseen")
    [ "$s_wait" = 0 ] || problems+=("$s_wait samples show readers waiting on a lock of the writer, e.g. $wait_detail")
    [ "$s_refresh" -gt 0 ] || problems+=("no sample was taken while a refresh ran: nothing shows the readers were not blocked by it")
    [ "$s_active" -gt 0 ] || problems+=("no sample saw a reader active")
    if [ ${#problems[@]} -gt 0 ]; then
        for p in "${problems[@]}"; do echo "[$(basename "$0" .sh)] PROBLEM: $p" >&2; done
        fail "readers are not safe while an editor loads ($writer writer)"
    fi
    say "every reader call saw state A or state B (never a half-loaded period), every query saw both, no reader waited on a lock of the writer"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    run_concurrency "$@"
fi
