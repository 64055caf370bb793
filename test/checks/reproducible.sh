#!/usr/bin/env bash
# Issue 13: the same data give bit-identical results whatever the physical
# order of the rows, the plan or a dump and restore.
#
# The baseline: real data (else synthetic) in rezago_src, materialised views
# refreshed, VACUUM ANALYZE, every reading function recorded with a serial
# plan and without JIT (lib/record_results.sql: every function for every
# period and methodology, the calls of lib/record_calls.sql, the aggregates
# on the table rows, every view and materialised view, every table; floats
# exact).  Each condition records the same (or a stated subset) in its own
# database and must give exactly the same lines:
#   shuffled          comuna, territory_member and observation rewritten in a
#                     random heap order (lib/shuffle_rows.sql; the check
#                     fails if the order did not change), territory
#                     geometries and materialised views recomputed;
#   parallel          parallel plans forced (lib/plan_settings.sql), views
#                     refreshed under them; a probe with auto_explain shows
#                     that workers were launched, else the check fails;
#   shuffled+parallel both;
#   jit               every query JIT-compiled with inlining and optimisation
#                     (the extension's bitcode inlined; EXPLAIN shows it, else
#                     the check fails); fails loudly when the server has no
#                     JIT (llvmjit.so);
#   dump custom, dump plain   pg_dump -Fc | pg_restore, pg_dump | psql,
#                     recorded as the restore leaves them (never vacuumed:
#                     autovacuum is off in the cluster during the check, and
#                     the visibility map changes plans), the materialised
#                     views refreshed as the README says.
# Forced parallel plans and JIT cost much more per call (worker start-up,
# LLVM), so those conditions record a subset, named in the summary: the
# parallel ones every call for the latest period (2023) and every call
# without a period, no views; jit the index functions for 2023 and sinim4,
# and the aggregates.
# Records run two at a time.  Prints a summary line per condition, and for a
# failing one the functions that differ, the first differing calls and the
# first differing values of a few of them.
# REZAGO_SHUFFLE_SEED (in [-1, 1]) repeats a shuffle; REZAGO_ALLOW_NO_JIT=1
# lets the check pass on a server without JIT (it still says so).
source "$(dirname "$0")/lib/common.sh"
started=$(date +%s)
work=$(mktemp -d /tmp/rezago-reproducible.XXXXXX)
chmod 777 "$work"
# no autovacuum in this throwaway cluster while the check runs: a VACUUM sets
# the visibility map, which changes plans, so each database is vacuumed when
# the check says (the baseline, shuffled and parallel ones) or never (the
# restored ones, recorded as a restore leaves them)
sql postgres -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" > /dev/null
trap 'sql postgres -c "ALTER SYSTEM RESET autovacuum" -c "SELECT pg_reload_conf()" > /dev/null 2>&1; rm -rf "$work"' EXIT
status=0

# JIT must be there, or the jit condition would pass without testing anything
jit_lib=$("$PG_CONFIG" --pkglibdir)/llvmjit.so
if [ "$(sql postgres -At -c "SET jit = on" -c "SELECT pg_jit_available()")" = t ]; then
    have_jit=true
else
    have_jit=false
    echo "################################################################"
    echo "# $(basename "$0"): NO JIT IN THIS SERVER ($jit_lib missing or not loadable):"
    echo "# the jit condition is NOT RUN.  Install PostgreSQL's LLVM JIT (Debian:"
    echo "# postgresql-15 ships llvmjit.so; a source build needs --with-llvm)."
    echo "################################################################"
    [ "${REZAGO_ALLOW_NO_JIT:-}" = 1 ] || status=1
fi

# the baseline database, and a copy of it for each condition that changes
# its database (copies before any session opens on rezago_src)
createdb rezago_src
sql rezago_src -c "CREATE EXTENSION rezago CASCADE" 2>/dev/null
load_data rezago_src
sql rezago_src -At -c "SELECT count(*) FROM rezago.refresh_portal_views()" > /dev/null
sql rezago_src -c "VACUUM ANALYZE"
pg_dump -Fc -f "$work/dump.custom" rezago_src
pg_dump -f "$work/dump.sql" rezago_src
for db in rezago_shuffled rezago_shuffled_parallel rezago_parallel rezago_jit; do
    createdb -T rezago_src "$db"
done
say "baseline database ready after $(($(date +%s) - started)) s"

# the subsets of the expensive conditions (regular expressions on the
# "function|arguments" of a line, see record_results.sql): the latest period
# (2023 in the real data) and, for JIT and the probe, one methodology
period=$(sql rezago_src -At -c "SELECT max(period) FROM rezago.observation")
methodology=$(sql rezago_src -At -c "SELECT coalesce((SELECT code FROM rezago.methodology WHERE code = 'sinim4'),
                                                      rezago.default_methodology())")
parallel_only="(^|, )period => $period(, |\$)|^[^|]*\\|((?!period =>).)*\$"
parallel_skip="^(view|materialized view) "
jit_only="^(comuna_index|territory_index)\\|period => $period, methodology => '$methodology'\$"
jit_only+="|^aggregate rezago\\.(dimension_score|dimension_coverage|territory_average|unit_index|entry_status)\\|"
probe_only="^(comuna_index|territory_index|territory_dimension_scores|territory_contributions|rank_uncertainty)\\|"
probe_only+="period => $period, methodology => '$methodology'\$|^aggregate rezago\\.(territory_average|unit_index)\\|"

# shuffle DB: another heap order for comuna, territory_member, observation,
# checked; the same seed gives the same order in both shuffled databases
seed=${REZAGO_SHUFFLE_SEED:-0.$RANDOM}
shuffle() {
    local db=$1 out=$work/shuffle.$1
    sql "$db" -At -v seed="$seed" -f "$lib/shuffle_rows.sql" > "$out"
    [ "$(wc -l < "$out")" = 3 ] || { cat "$out"; fail "shuffle_rows.sql did not report the three tables"; }
    while IFS='|' read -r tbl n moved before after; do
        [ "$db" = rezago_shuffled ] \
            && say "shuffled $tbl (seed $seed): $moved of $n rows moved in the heap (first by ctid: $before -> $after)"
        [ "$n" -gt 0 ] && [ "$moved" -ge $((n / 2)) ] || fail "shuffling $tbl did not change its physical order"
    done < "$out"
}
# refresh_views DB [plan]: the materialised views recomputed (under the plan)
refresh_views() {
    sql "$1" -At -v plan="${2:-serial}" -f "$lib/plan_settings.sql" \
        -c "SELECT count(*) FROM rezago.refresh_portal_views(false)" > /dev/null
}
# restored DB: says whether the restore filled the materialised views (the
# README says to refresh them after a restore; they are, then)
restored() {
    say "$1: materialised views populated by the restore: $(sql "$1" -At -c "SELECT string_agg(relname || ' ' || relispopulated, ', ' ORDER BY relname) FROM pg_class WHERE relkind = 'm' AND relnamespace = 'rezago'::regnamespace") (refreshed)"
}
# all_visible DB: the pages of observation and comuna marked all-visible
# (ANALYZE, at the start of each record, counts them)
all_visible() {
    sql "$1" -At -c "SELECT string_agg(format('%s %s of %s', relname, relallvisible, relpages), ', ' ORDER BY relname)
                     FROM pg_class WHERE oid IN ('rezago.observation'::regclass, 'rezago.comuna'::regclass)"
}
# condition NAME: prepares the condition's database and records it
condition() {
    local name=$1 t=$(date +%s) db
    local -a opts=()
    case $name in
        baseline) db=rezago_src ;;
        shuffled) db=rezago_shuffled
            shuffle "$db"; refresh_views "$db"; sql "$db" -c "VACUUM ANALYZE" ;;
        parallel) db=rezago_parallel
            refresh_views "$db" parallel
            opts=(-v plan=parallel -v only="$parallel_only" -v skip="$parallel_skip") ;;
        shuffled+parallel) db=rezago_shuffled_parallel
            shuffle "$db"; refresh_views "$db" parallel; sql "$db" -c "VACUUM ANALYZE"
            opts=(-v plan=parallel -v only="$parallel_only" -v skip="$parallel_skip") ;;
        jit) db=rezago_jit
            opts=(-v plan=jit -v only="$jit_only") ;;
        "dump custom") db=rezago_custom
            createdb "$db"
            pg_restore --exit-on-error -d "$db" "$work/dump.custom" 2> "$work/restore.log" \
                || { cat "$work/restore.log"; fail "pg_restore of the custom-format dump"; }
            restored "$db"; refresh_views "$db" ;;
        "dump plain") db=rezago_plain
            createdb "$db"
            sql "$db" -f "$work/dump.sql" > "$work/plain.log" 2>&1 \
                || { tail -20 "$work/plain.log"; fail "psql restore of the plain dump"; }
            restored "$db"; refresh_views "$db" ;;
    esac
    record_results "$db" "$work/rec.$name" "" "${opts[@]}"
    echo $(($(date +%s) - t)) > "$work/secs.$name"
    case $name in dump*|baseline) say "$name: pages all-visible when recorded: $(all_visible "$db")" ;; esac
}
declare -A record_db=([baseline]=rezago_src [shuffled]=rezago_shuffled [parallel]=rezago_parallel
                      [shuffled+parallel]=rezago_shuffled_parallel [jit]=rezago_jit
                      ["dump custom"]=rezago_custom ["dump plain"]=rezago_plain)
# the longest first, two at a time
conditions=(parallel shuffled+parallel shuffled baseline "dump custom" "dump plain")
$have_jit && conditions+=(jit)
for name in "${conditions[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
    (condition "$name") > "$work/log.$name" 2>&1 &
done
wait || true
for name in "${conditions[@]}"; do
    [ -s "$work/secs.$name" ] || { cat "$work/log.$name"; fail "condition $name failed"; }
    grep -v '^$' "$work/log.$name" || true
done

# parallel plans really ran: a few calls again, with auto_explain's plans
PGOPTIONS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 \
-c auto_explain.log_nested_statements=on -c auto_explain.log_analyze=on -c auto_explain.log_timing=off \
-c auto_explain.log_level=warning -c log_min_messages=error" \
    sql rezago_parallel -At -v plan=parallel -v trace=on -v only="$probe_only" -f "$lib/record_results.sql" \
    2> "$work/probe.err" > /dev/null
read -r probed launched launched_list < <(awk '
    /record_results call: / { sub(/.*record_results call: /, ""); call = $0; calls++ }
    /Workers Launched: [1-9]/ && call != "" && !(call in seen) {
        seen[call] = 1; n++; fn = call; sub(/\|.*/, "", fn); if (!(fn in fns)) { fns[fn] = 1; list = list sep fn; sep = "," } }
    END { print calls + 0, n + 0, (list == "" ? "-" : list) }' "$work/probe.err")
if [ "$launched" -gt 0 ]; then
    say "parallel: workers launched in $launched of $probed probed calls ($launched_list)"
else
    status=1
    say "FAILED: parallel: no parallel worker launched in $probed probed calls: the parallel conditions test nothing"
fi

# JIT really compiled, inlined and optimised
if $have_jit; then
    sql rezago_jit -At -v plan=jit -f "$lib/plan_settings.sql" -c "EXPLAIN (ANALYZE, TIMING OFF)
        SELECT o.variable, rezago.territory_average(o.value) FROM rezago.observation o GROUP BY 1" > "$work/jit.plan"
    if grep -q 'Inlining true' "$work/jit.plan" && grep -q 'Optimization true' "$work/jit.plan"; then
        say "jit: $(grep -o 'Functions: [0-9]*' "$work/jit.plan") compiled, inlined and optimised in a probe (EXPLAIN);" \
            "extension bitcode: $(ls "$("$PG_CONFIG" --pkglibdir)/bitcode/rezago.index.bc" > /dev/null 2>&1 && echo installed || echo MISSING)"
    else
        status=1
        cat "$work/jit.plan"
        say "FAILED: jit: the probe's plan was not JIT-compiled with inlining and optimisation"
    fi
fi

# comparison with the baseline
exact_regex() { sed 's/[][\\.*^$(){}+?|]/\\&/g' <<< "$1"; }
say "$(printf '%-18s %6s %8s  %s' condition calls rows result)"
say "$(printf '%-18s %6s %8s  %s' baseline "$(wc -l < "$work/rec.baseline")" \
       "$(awk -F'|' '!/^table / && $3 > 0 { n += $3 } END { print n + 0 }' "$work/rec.baseline")" \
       "recorded ($(cat "$work/secs.baseline") s)")"
failed=()
for name in "${conditions[@]}"; do
    [ "$name" = baseline ] && continue
    subset=
    case $name in parallel|shuffled+parallel|jit) subset=subset ;; esac
    if python3 "$lib/compare_digests.py" "$work/rec.baseline" "$work/rec.$name" $subset > "$work/cmp.$name"; then
        result="identical"
    else
        result="FAILED"
        failed+=("$name")
        status=1
    fi
    read -r calls rows same differ one tally < <(head -1 "$work/cmp.$name")
    [ "$result" = FAILED ] && result="FAILED: $differ calls differ, $one on one side only: $tally"
    say "$(printf '%-18s %6s %8s  %s' "$name" "$calls" "$rows" "$result") ($(cat "$work/secs.$name") s${subset:+, subset})"
done

# for each failing condition: the first differing calls, and the first
# differing values of up to three of them (one per function)
for name in "${failed[@]}"; do
    say "$name: first differing calls:"
    tail -n +2 "$work/cmp.$name" | head -5 | sed 's/^/    /'
    opts=()
    case $name in
        parallel|shuffled+parallel) opts=(-v plan=parallel) ;;
        jit) opts=(-v plan=jit) ;;
    esac
    tail -n +2 "$work/cmp.$name" | grep -v '  (' | awk -F'|' '!seen[$1]++' | head -3 > "$work/keys.$name" || true
    [ -s "$work/keys.$name" ] || continue
    only=$(while read -r key; do printf '^%s$|' "$(exact_regex "$key")"; done < "$work/keys.$name")
    sql rezago_src -At -v detail=on -v only="${only%|}" -f "$lib/record_results.sql" > "$work/detail-base.$name" || true
    sql "${record_db[$name]}" -At -v detail=on "${opts[@]}" -v only="${only%|}" -f "$lib/record_results.sql" \
        > "$work/detail.$name" || true
    say "$name: first differing values (baseline vs $name):"
    python3 "$lib/first_difference.py" "$work/detail-base.$name" "$work/detail.$name"
done

say "$(wc -l < "$work/rec.baseline") baseline lines; run time $(($(date +%s) - started)) s"
[ "$status" = 0 ] || fail "results are not reproducible (or a condition could not be tested): ${failed[*]:-see above}"
say "every condition gives the baseline's results bit for bit"
