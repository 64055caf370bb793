#!/usr/bin/env bash
# A crash during a load loses nothing, and leaves nothing half loaded
# (issue 13).  Data are loaded (load_data: the real data), then a large
# rezago.import_observations (about 200,000 rows) is started and the server
# crashed under it:
#   1. replace => true over the loaded periods and new ones, stopped with
#      pg_ctl -m immediate after the import has deleted the old rows and
#      written the new ones (and a CHECKPOINT has put them in the data files)
#      but before it returns;
#   2. an appending load of new periods whose backend is killed with
#      SIGKILL while it writes rows, so that the postmaster kills every
#      session and reinitialises (crash recovery without a restart);
#   3. the same appending load ended by pg_terminate_backend (a clean abort).
# After each, the client of the import got an error, the server recovered
# (its log says so), and every extension table has exactly the rows it had
# before the import (row count and md5 of each table).  At the end the
# recovered indexes of the extension tables agree with their tables
# (amcheck), every reading function gives exactly the results it gave before
# the imports (record_results: every function, period and methodology; see
# settle for why the dead rows are vacuumed first), and an import commits.
# The import is made to wait before it can finish: another session holds an
# uncommitted observation with the key of the import's last row, so the
# import blocks on that key (waiting for the transaction holding it) after
# writing every other row, and the crash always lands inside the import,
# never after it, whatever the speed of the machine.  No assertion depends on
# timing; waits are bounded by deadlines.
source "$(dirname "$0")/lib/common.sh"
bindir=$("$PG_CONFIG" --bindir)
data=$PGHOST/data   # test/with_cluster.sh makes the cluster in $PGHOST/data
as_owner=()
[ "$(id -u)" = 0 ] && as_owner=(runuser -u postgres --)
db=rezago_crash
work=$(mktemp -d /tmp/rezago-crash.XXXXXX)
chmod 777 "$work"
pids=()   # background psql sessions started here, ended on exit
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS

createdb $db
sql $db -c "CREATE EXTENSION rezago CASCADE" 2> /dev/null
load_data $db

# Staging tables (plain tables, so that a session of their own can import
# them): every comuna x every variable x enough periods for about 200,000
# rows each (25 periods of the real data), values computed from the key
# (proportions within 0..1).  crash_replace covers the loaded periods
# (2019-2023: every loaded row is deleted by the import) and new periods from
# 3000; crash_append only new periods from 4000.  Rows are in period,
# variable, cut order: the import inserts them in that order.
sql $db -q <<'SQL'
CREATE FUNCTION pg_temp.stage(periods int[]) RETURNS TABLE (cut int, variable text, period int, value float8)
LANGUAGE sql AS $$
    SELECT c.cut, v.code, p,
           ((c.cut * 7919 + p * 104729 + length(v.code) * 31) % 10007) / 10007.0
               * CASE WHEN v.unit = 'proportion' THEN 1 ELSE 1000 END
    FROM unnest(periods) p CROSS JOIN rezago.variable v CROSS JOIN rezago.comuna c
    ORDER BY p, v.code, c.cut
$$;
SELECT ceil(200000.0 / ((SELECT count(*) FROM rezago.comuna) * (SELECT count(*) FROM rezago.variable)))::int AS periods,
       (SELECT count(DISTINCT period) FROM rezago.observation) AS loaded_periods \gset
CREATE TABLE crash_replace AS
SELECT * FROM pg_temp.stage(ARRAY(SELECT DISTINCT period FROM rezago.observation ORDER BY 1)
                            || ARRAY(SELECT generate_series(3000, 2999 + greatest(:periods - :loaded_periods, 1))));
CREATE TABLE crash_append AS SELECT * FROM pg_temp.stage(ARRAY(SELECT generate_series(4000, 3999 + :periods)));
ANALYZE crash_replace, crash_append;
CHECKPOINT;
SQL
rows_replace=$(sql $db -At -c "SELECT count(*) FROM crash_replace")
rows_append=$(sql $db -At -c "SELECT count(*) FROM crash_append")
loaded=$(sql $db -At -c "SELECT count(*) FROM rezago.observation")
overlap=$(sql $db -At -c "SELECT count(*) FROM rezago.observation o WHERE EXISTS
    (SELECT 1 FROM crash_replace s WHERE s.variable = o.variable AND s.period = o.period)")
[ "$overlap" = "$loaded" ] && [ "$loaded" -gt 0 ] || fail "crash_replace should replace all $loaded loaded rows, it covers $overlap"
say "loaded $loaded observations; staged $rows_replace rows to replace them, $rows_append to append"

# table_digests: one line per extension table, table|rows|md5 of its rows
# (floats printed exactly, as record_results does)
table_digests() {
    sql $db -At > "$1" <<'SQL'
SET extra_float_digits = 1;
CREATE FUNCTION pg_temp.digests() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE t regclass; n bigint; digest text;
BEGIN
    FOR t IN SELECT c.oid::regclass FROM pg_class c
             JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
             WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND c.relkind = 'r'
               AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago')
             ORDER BY c.oid::regclass::text
    LOOP
        EXECUTE format('SELECT count(*), md5(coalesce(string_agg(r::text, E''\n'' ORDER BY r::text), '''')) FROM %s r', t)
            INTO n, digest;
        RETURN NEXT format('%s|%s|%s', t, n, digest);
    END LOOP;
END $$;
SELECT * FROM pg_temp.digests();
SQL
    [ -s "$1" ] || fail "no table digests recorded"
}
same_tables() {   # what happened: the tables must be as before the imports
    table_digests "$work/tables.after"
    if ! diff -u "$work/tables.before" "$work/tables.after" > "$work/tables.diff"; then
        cat "$work/tables.diff"
        fail "$1: extension tables differ from before the import"
    fi
}

# settle: VACUUM, so that autovacuum cannot start in the middle of a
# recording.  No REINDEX or plan pinning is needed: every sum is taken in
# canonical order, so the dead rows of the aborted imports may change the
# plans but not one bit of the results (README, "Same numbers every time").
settle() { sql $db -q -c "VACUUM"; }
settle
record_results $db "$work/results.before"
# bytes a row takes in rezago.observation, to tell how much an import wrote
row_bytes=$(sql $db -At -c "SELECT pg_relation_size('rezago.observation') / count(*) FROM rezago.observation")
table_digests "$work/tables.before"
say "recorded $(grep -vc '^table' "$work/results.before") function calls and $(wc -l < "$work/tables.before") tables ($((SECONDS - started))s)"

start_server() {
    # the options of test/with_cluster.sh, appending to the same log
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$REZAGO_SERVER_LOG" -w -t 60 \
        -o "-p $PGPORT -k $PGHOST -c listen_addresses='' -c fsync=off ${REZAGO_SERVER_OPTS:-}" start > /dev/null \
        || fail "the server did not restart after the crash"
}
wait_ready() {   # after a crash-restart of the postmaster: bounded wait
    local deadline=$((SECONDS + 60))
    # the postmaster has reinitialised and recovered (not merely "not yet
    # noticed the crash"), then it accepts connections
    until log_since "$mark" | grep -q 'database system is ready to accept connections'; do
        [ $SECONDS -lt $deadline ] || fail "the server did not recover within 60s after $1"
        sleep 0.2
    done
    until pg_isready -q; do
        [ $SECONDS -lt $deadline ] || fail "the server did not come back within 60s after $1"
        sleep 0.2
    done
    # accepting connections, and the database can be read (recovery finished)
    until sql $db -At -c "SELECT 1" > /dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || fail "database $db unreadable 60s after $1"
        sleep 0.2
    done
}
log_since() { tail -c +"$(($1 + 1))" "$REZAGO_SERVER_LOG"; }
log_size() { stat -c %s "$REZAGO_SERVER_LOG"; }

# start_import NAME SOURCE REPLACE: the blocker session takes the key of the
# last row of SOURCE in an open transaction; then the import is started in
# the background.  Sets blocker_pid, import_pid (psql processes) and
# import_backend (the server process of the import, once it is waiting or
# writing, see wait_import).
start_import() {
    local name=$1 source=$2 replace=$3 key
    key=$(sql $db -At -F, -c "SELECT cut, quote_literal(variable), period FROM $source ORDER BY ctid DESC LIMIT 1")
    # the blocker: an uncommitted row with that key, held for at most 3 minutes
    PGAPPNAME=crash_blocker psql -X -q -v ON_ERROR_STOP=1 -d $db \
        -c "BEGIN" -c "INSERT INTO rezago.observation (cut, variable, period, value) VALUES ($key, 0)" \
        -c "SELECT pg_sleep(180)" > "$work/$name.blocker.out" 2>&1 &
    blocker_pid=$!; pids+=("$blocker_pid")
    local deadline=$((SECONDS + 30))
    until [ "$(sql $db -At -c "SELECT count(*) FROM pg_stat_activity
                               WHERE application_name = 'crash_blocker' AND query LIKE '%pg_sleep%'")" = 1 ]; do
        kill -0 "$blocker_pid" 2> /dev/null || { cat "$work/$name.blocker.out"; fail "$name: the blocker session ended"; }
        [ $SECONDS -lt $deadline ] || fail "$name: the blocker session did not start"
        sleep 0.1
    done
    obs_size_before=$(sql $db -At -c "SELECT pg_relation_size('rezago.observation')")
    PGAPPNAME=crash_import psql -X -q -v ON_ERROR_STOP=1 -d $db -At \
        -c "SELECT 'imported ' || rezago.import_observations('$source', replace => $replace)" \
        > "$work/$name.import.out" 2>&1 &
    import_pid=$!; pids+=("$import_pid")
    import_started=$SECONDS
}

# wait_import NAME UNTIL [ROWS]: waits (bounded) until the import has written rows
# into rezago.observation: UNTIL=blocked (it waits for the blocker's key,
# every other of its ROWS written) or UNTIL=writing (rezago.observation has grown by
# 1 MB: it is inserting).  Fails if the import ends first.
wait_import() {
    local name=$1 until=$2 state deadline=$((SECONDS + 90))
    while :; do
        kill -0 "$import_pid" 2> /dev/null || { cat "$work/$name.import.out"; fail "$name: the import ended before the crash"; }
        state=$(sql $db -At -F' ' -c "
            SELECT a.pid, coalesce(a.wait_event_type || ':' || a.wait_event, 'running'),
                   pg_relation_size('rezago.observation') - $obs_size_before,
                   EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted
                           AND l.relation = 'rezago.observation'::regclass AND l.mode = 'RowExclusiveLock')
            FROM pg_stat_activity a
            WHERE a.application_name = 'crash_import' AND a.state = 'active' AND a.query LIKE '%import_observations%'")
        if [ -n "$state" ]; then
            read -r import_backend import_wait grown writer <<< "$state"
            if [ "$writer" = t ]; then
                [ "$until" = blocked ] && [ "$import_wait" = Lock:transactionid ] && break
                # (or already blocked on its last row, if its rows take less)
                [ "$until" = writing ] && { [ "$grown" -ge 1048576 ] || [ "$import_wait" = Lock:transactionid ]; } && break
            fi
        fi
        [ $SECONDS -lt $deadline ] || fail "$name: the import was not $until within 90s (state: ${state:-not seen})"
        sleep 0.1
    done
    # blocked on its last row: it has written (nearly) all of its rows, at
    # least half the size they take in the table (which says that the
    # blocker's key really is among the last rows the import writes)
    if [ "$until" = blocked ] && [ $((grown * 2)) -lt $(($3 * row_bytes)) ]; then
        fail "$name: blocked after writing only $grown bytes of about $(($3 * row_bytes)) ($3 rows)"
    fi
    # still inside the import (not committed): it is active in the server
    [ "$(sql $db -At -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $import_backend AND state = 'active'")" = 1 ] \
        || fail "$name: the import is no longer running"
    say "$name: import running for $((SECONDS - import_started))s, $import_wait, rezago.observation grown by $((grown / 1024)) kB (uncommitted)"
}

# import_failed NAME: the client of the import got an error, no result
import_failed() {
    local name=$1 rc=0
    wait "$import_pid" || rc=$?
    if [ $rc = 0 ] || grep -q '^imported ' "$work/$name.import.out"; then
        cat "$work/$name.import.out"
        fail "$name: the import returned normally (rc $rc): it was not interrupted"
    fi
    say "$name: import client failed (rc $rc): $(grep -m1 -E 'server closed|terminat|connection' "$work/$name.import.out" || head -1 "$work/$name.import.out")"
}

# 1. replace => true, immediate stop of the server
start_import replace crash_replace true
wait_import replace blocked "$rows_replace"
# a checkpoint writes the import's uncommitted rows (and the deletions of
# the loaded rows) into the data files: recovery must treat them as aborted,
# not merely fail to replay them
sql $db -c "CHECKPOINT"
mark=$(log_size)
"${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m immediate stop > /dev/null || fail "pg_ctl -m immediate stop failed"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$data" status > /dev/null && fail "the server still runs after the immediate stop"
import_failed replace
wait "$blocker_pid" 2> /dev/null || true   # it lost its connection too
start_server
log=$(log_since "$mark")
grep -q 'not properly shut down; automatic recovery in progress' <<< "$log" \
    || { echo "$log"; fail "replace: no crash recovery in the server log"; }
same_tables "replace after pg_ctl -m immediate"
say "replace: server recovered, $(wc -l < "$work/tables.before") extension tables identical ($((SECONDS - started))s)"

# 2. appending load, backend killed with SIGKILL: the postmaster reinitialises
start_import append crash_append false
wait_import append writing
mark=$(log_size)
kill -9 "$import_backend"
import_failed append
wait "$blocker_pid" 2> /dev/null || true   # killed by the reinitialisation
wait_ready "the SIGKILL of the import's backend"
log=$(log_since "$mark")
grep -q "terminated by signal 9" <<< "$log" && grep -q "all server processes terminated; reinitializing" <<< "$log" \
    && grep -q 'not properly shut down; automatic recovery in progress' <<< "$log" \
    || { echo "$log"; fail "append: the server log does not show a crash-restart with recovery"; }
same_tables "append after SIGKILL of its backend"
say "append: postmaster reinitialised, extension tables identical ($((SECONDS - started))s)"

# 3. the same load ended by pg_terminate_backend (clean abort, no restart)
start_import terminate crash_append false
wait_import terminate writing
[ "$(sql $db -At -c "SELECT pg_terminate_backend($import_backend)")" = t ] || fail "terminate: pg_terminate_backend failed"
import_failed terminate
sql $db -At -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'crash_blocker'" > /dev/null
wait "$blocker_pid" 2> /dev/null || true
same_tables "append after pg_terminate_backend"
say "terminate: extension tables identical ($((SECONDS - started))s)"

# the recovered indexes of the extension tables agree with their rows
# (amcheck, before anything is vacuumed or rebuilt)
sql $db -q -c "CREATE EXTENSION amcheck" 2> /dev/null || fail "amcheck (contrib) is not installed"
checked=$(sql $db -At <<'SQL'
SELECT i.indexrelid::regclass, bt_index_check(i.indexrelid, heapallindexed => true)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = i.indrelid
WHERE am.amname = 'btree' AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rezago');
SQL
) || fail "amcheck found an inconsistent index of an extension table"
checked=$(echo "$checked" | grep -c .) || fail "no index of the extension checked"
say "$checked btree indexes of the extension tables consistent with their rows ($((SECONDS - started))s)"
# every function gives exactly the results it gave before the imports
settle
record_results $db "$work/results.after"
if ! diff -u "$work/results.before" "$work/results.after" > "$work/results.diff"; then
    head -40 "$work/results.diff"
    fail "$(grep -c '^+[^+]' "$work/results.diff") recorded lines differ from before the imports"
fi
say "$(grep -vc '^table' "$work/results.after") function calls and $(grep -c '^table' "$work/results.after") tables exactly as before ($((SECONDS - started))s)"
# and a load commits normally: the loaded rows imported again (replace)
sql $db -q -c "CREATE TABLE crash_again AS SELECT cut, variable, period, value FROM rezago.observation"
n=$(sql $db -At -c "SELECT rezago.import_observations('crash_again', replace => true)") || fail "the import fails after the crashes"
[ "$n" = "$loaded" ] || fail "the import after the crashes loaded $n rows, not $loaded"
same_tables "import of the same rows after the crashes"
say "an import commits after the crashes ($n rows, tables unchanged); total $((SECONDS - started))s"
