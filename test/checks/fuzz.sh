#!/usr/bin/env bash
# Fuzzing with sqlsmith (Debian package): random SQL over a database with
# rezago and real data (synthetic when $REZAGO_DATA is missing), as a role
# that is editor and methodology owner (so that random INSERT, UPDATE and
# DELETE reach the extension's tables and triggers), for a bounded number of
# queries from a fixed seed.  Fails when the server log shows a crash
# ("terminated by signal") or an assertion failure ("TRAP:"; run_tests.sh
# builds the module with ASSERTS=1).
#   REZAGO_FUZZ_QUERIES  number of queries (default 2000, a few seconds)
#   REZAGO_FUZZ_SEED     seed (default 20240601)
# A long run:  REZAGO_FUZZ_QUERIES=100000 test/with_cluster.sh test/checks/fuzz.sh
# Two phases of half the queries each: sqlsmith over the whole catalogue,
# then focused on rezago (sqlsmith reads its routines from an unqualified
# pg_proc, so the fuzzing role's search_path puts a view of pg_proc limited to
# schema rezago first).  sqlsmith generates no set-returning calls: it
# exercises the C building blocks, aggregates, loaders and triggers, and
# sql/badinput_generic.sql calls every function deterministically.
source "$(dirname "$0")/lib/common.sh"
queries=${REZAGO_FUZZ_QUERIES:-2000}
seed=${REZAGO_FUZZ_SEED:-20240601}
log=${REZAGO_SERVER_LOG:?the server log is needed (run through test/with_cluster.sh)}

need_command sqlsmith sqlsmith

createdb rezago_fuzz
sql rezago_fuzz -c "CREATE EXTENSION rezago CASCADE" 2>/dev/null
load_data rezago_fuzz
sql rezago_fuzz > /dev/null <<'SQL'
CREATE ROLE rezago_fuzzer LOGIN;
SELECT count(*) FROM rezago.grant_editor('rezago_fuzzer');
SELECT count(*) FROM rezago.grant_methodology_owner('rezago_fuzzer');
-- random pg_sleep calls and huge joins must not stall the run
ALTER ROLE rezago_fuzzer SET statement_timeout = '2s';
ALTER DATABASE rezago_fuzz SET track_functions = 'all';
-- the focused phase: routines of rezago only
CREATE SCHEMA fuzz_focus;
CREATE VIEW fuzz_focus.pg_proc AS SELECT * FROM pg_catalog.pg_proc WHERE pronamespace = 'rezago'::regnamespace;
GRANT USAGE ON SCHEMA fuzz_focus TO rezago_fuzzer;
GRANT SELECT ON fuzz_focus.pg_proc TO rezago_fuzzer;
SQL
before=$(grep -c 'terminated by signal\|TRAP:' "$log" || true)

out=$(mktemp /tmp/rezago-sqlsmith.XXXXXX)
trap 'rm -f "$out"' EXIT
run_sqlsmith() {   # phase name, number of queries
    local rc=0
    say "sqlsmith $1: $2 queries, seed $seed"
    timeout $(($2 / 10 + 300)) sqlsmith --target="host=$PGHOST port=$PGPORT dbname=rezago_fuzz user=rezago_fuzzer" \
        --seed="$seed" --max-queries="$2" --exclude-catalog --verbose > "$out" 2>&1 || rc=$?
    grep -E '^(queries|error rate)' "$out" | tail -2 | tr '\n' ' '; echo
    [ $rc = 0 ] || { tail -20 "$out"; fail "sqlsmith ($1) exited with $rc (seed $seed)"; }
}
run_sqlsmith "whole catalogue" $((queries / 2))
sql rezago_fuzz -c "ALTER ROLE rezago_fuzzer SET search_path = fuzz_focus, pg_catalog, public"
run_sqlsmith "rezago routines" $((queries - queries / 2))
# the server must still answer, and its log must show no crash or assertion
sql rezago_fuzz -At -c "SELECT 'rezago functions called: ' || count(*) || ', calls: ' || coalesce(sum(calls), 0)
                        FROM pg_stat_user_functions WHERE schemaname = 'rezago'" \
    || fail "the server does not answer after fuzzing"
after=$(grep -c 'terminated by signal\|TRAP:' "$log" || true)
if [ "$after" != "$before" ]; then
    grep -B2 -A8 'terminated by signal\|TRAP:' "$log" | head -60
    fail "the server crashed or failed an assertion (seed $seed; reproduce with REZAGO_FUZZ_SEED=$seed REZAGO_FUZZ_QUERIES=$queries)"
fi
say "no crash, no assertion failure"
