#!/usr/bin/env bash
# Upgrade from the first released version keeps the data and the results:
#   1. CREATE EXTENSION rezago VERSION '0.1.0', load data (real data from
#      $REZAGO_DATA, else synthetic) and record every 0.1.0 reading function
#      for every period and methodology, and every table;
#   2. ALTER EXTENSION rezago UPDATE; the same calls give the same lines
#      (functions added by the update are recorded too, but not compared);
#   3. the regression suite runs on a catalogue made by 0.1.0 + UPDATE, and
#      that catalogue equals the one CREATE EXTENSION makes (pg_dump -s).
source "$(dirname "$0")/lib/common.sh"
work=$(mktemp -d /tmp/rezago-upgrade.XXXXXX)
chmod 777 "$work"
trap 'rm -rf "$work"' EXIT

createdb rezago_upgrade
sql rezago_upgrade -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION rezago VERSION '0.1.0'"
[ "$(sql rezago_upgrade -At -c "SELECT extversion FROM pg_extension WHERE extname = 'rezago'")" = 0.1.0 ] \
    || fail "could not install version 0.1.0"
load_data rezago_upgrade
record_results rezago_upgrade "$work/before"
record_results rezago_upgrade "$work/before-rows" detail
say "0.1.0: $(grep -vc '^table' "$work/before") calls recorded, $(grep -c '^table' "$work/before") tables"

sql rezago_upgrade -c "ALTER EXTENSION rezago UPDATE"
version=$(sql rezago_upgrade -At -c "SELECT extversion FROM pg_extension WHERE extname = 'rezago'")
default=$(sql rezago_upgrade -At -c "SELECT default_version FROM pg_available_extensions WHERE name = 'rezago'")
[ "$version" = "$default" ] || fail "updated to $version, not $default"
record_results rezago_upgrade "$work/after"
# every line of before must be in after, unchanged (the update may add
# functions and extension tables of its own, such as rezago.access_rule);
# calls whose digest changed are compared row by row: the update computes the
# index in one pass per comuna (15_index_speed), which sums in another order,
# so floats may differ in their last bits (relative tolerance 1e-12)
missing=$(LC_ALL=C comm -23 "$work/before" "$work/after")
if [ -n "$missing" ]; then
    if grep -q '^table ' <<< "$missing"; then
        echo "$missing" | grep '^table '
        fail "ALTER EXTENSION rezago UPDATE changed the extension's tables"
    fi
    record_results rezago_upgrade "$work/after-rows" detail
    python3 "$lib/compare_rows.py" "$work/before-rows" "$work/after-rows" \
        || fail "ALTER EXTENSION rezago UPDATE changed results"
    say "0.1.0 -> $version: $(wc -l < "$work/before") recorded lines identical or within 1e-12 ($(wc -l <<< "$missing") calls not bit-identical)"
else
    say "0.1.0 -> $version: all $(wc -l < "$work/before") recorded lines identical"
fi

# the regression suite on a catalogue made by 0.1.0 + UPDATE
createdb rezago_upgraded_empty
sql rezago_upgraded_empty -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION rezago VERSION '0.1.0'" \
    -c "ALTER EXTENSION rezago UPDATE"
tests=$(cd "$top/sql" && ls *.sql | grep -v '^rezago--' | sed 's/\.sql$//' | sort)
pg_regress=$(dirname "$("$PG_CONFIG" --pgxs)")/../test/regress/pg_regress
(cd "$top" && "$pg_regress" --inputdir=. --outputdir="$work" --bindir="$("$PG_CONFIG" --bindir)" \
    --use-existing --dbname=rezago_upgraded_empty $tests) \
    || { cat "$work/regression.diffs" 2>/dev/null | head -100; fail "regression suite on the upgraded catalogue"; }

# the upgraded catalogue is the one a fresh CREATE EXTENSION makes
createdb rezago_fresh
sql rezago_fresh -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION rezago"
schema_dump rezago_fresh "$work/fresh.sql"
schema_dump rezago_upgraded_empty "$work/upgraded.sql"
if ! diff -u "$work/fresh.sql" "$work/upgraded.sql" > "$work/schema.diff"; then
    head -60 "$work/schema.diff"
    fail "the catalogue after 0.1.0 + UPDATE differs from a fresh install"
fi
say "upgraded catalogue passes the regression suite and equals a fresh install"
