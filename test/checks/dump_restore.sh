#!/usr/bin/env bash
# pg_dump of a database using rezago, restored into a new one, gives
# identical results for every reading function (every period, every
# methodology) and identical rows in every table; built-in rows are not
# duplicated (no duplicate-key error: pg_dump keeps only rows with
# builtin = false), and user-created methodologies, dimensions, variables,
# comunas with geometry, observations, territories and role grants survive.
# Both the custom format (pg_restore --exit-on-error) and the plain SQL
# format (psql ON_ERROR_STOP) are restored.  Lines are compared exactly
# (floats at extra_float_digits = 3: see lib/record_results.sql); the
# materialised views are refreshed in the source and, as the README says,
# after the restore.
source "$(dirname "$0")/lib/common.sh"
work=$(mktemp -d /tmp/rezago-dump.XXXXXX)
chmod 777 "$work"
trap 'rm -rf "$work"' EXIT

createdb rezago_src
sql rezago_src -c "CREATE EXTENSION rezago CASCADE" 2>/dev/null
load_data rezago_src
sql rezago_src -At -c "SELECT count(*) FROM rezago.refresh_portal_views()" > /dev/null
# a reader role: its grants are part of the dump
sql rezago_src -c "CREATE ROLE rezago_dump_reader" \
    -c "SELECT count(*) FROM rezago.grant_reader('rezago_dump_reader')" > /dev/null
record_results rezago_src "$work/src"
say "source: $(grep -vc '^table' "$work/src") calls, $(grep '^table rezago.comuna|' "$work/src" | cut -d'|' -f2) comunas, $(grep '^table rezago.observation|' "$work/src" | cut -d'|' -f2) observations"

pg_dump -Fc -f "$work/dump.custom" rezago_src
pg_dump -f "$work/dump.sql" rezago_src
createdb rezago_custom
pg_restore --exit-on-error -d rezago_custom "$work/dump.custom" 2> "$work/restore.log" \
    || { cat "$work/restore.log"; fail "pg_restore of the custom-format dump"; }
createdb rezago_plain
sql rezago_plain -f "$work/dump.sql" > "$work/plain.log" 2>&1 \
    || { tail -20 "$work/plain.log"; fail "psql restore of the plain dump"; }

for db in rezago_custom rezago_plain; do
    sql "$db" -At -c "SELECT count(*) FROM rezago.refresh_portal_views()" > /dev/null
    record_results "$db" "$work/$db"
    if ! diff -u "$work/src" "$work/$db" > "$work/$db.diff"; then
        head -40 "$work/$db.diff"
        fail "$db: results or rows differ from the source after restore"
    fi
    # what users created is there (the counts are part of the diff above too)
    check=$(sql "$db" -At -c "
        SELECT (SELECT count(*) FROM rezago.methodology WHERE NOT builtin) >= 2,
               (SELECT count(*) FROM rezago.methodology WHERE builtin) = 1,
               EXISTS (SELECT 1 FROM rezago.dimension WHERE code = 'capital_digital' AND NOT builtin),
               EXISTS (SELECT 1 FROM rezago.variable WHERE code = 'conectividad' AND NOT builtin),
               (SELECT count(geom) FROM rezago.comuna) > 0,
               (SELECT bool_and(ST_IsValid(geom)) FROM rezago.comuna),
               EXISTS (SELECT 1 FROM rezago.territory_member WHERE territory = 'cross'),
               has_table_privilege('rezago_dump_reader', 'rezago.observation', 'SELECT'),
               NOT has_table_privilege('rezago_dump_reader', 'rezago.observation', 'INSERT'),
               NOT has_function_privilege('rezago_dump_reader', 'rezago.import_observations(regclass, boolean)', 'EXECUTE')")
    [ "$check" = "t|t|t|t|t|t|t|t|t|t" ] || fail "$db: user rows, geometries or grants missing ($check)"
    # built-in rows are still protected after restore
    if sql "$db" -c "UPDATE rezago.methodology_dimension SET weight = 9 WHERE methodology = 'ufro2017'" 2>/dev/null; then
        fail "$db: built-in rows are writable after restore"
    fi
done
say "custom and plain dumps restore without error; $(wc -l < "$work/src") recorded lines identical in both"
