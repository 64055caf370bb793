#!/usr/bin/env bash
# An updated database equals a fresh install of the current version.
#
# For every committed delta script sql/rezago--OLD--NEW.sql (OLD's install
# script, sql/rezago--OLD.sql, is committed when OLD is released):
#   1. CREATE EXTENSION rezago VERSION 'OLD', load data (real data from
#      $REZAGO_DATA, else synthetic), ALTER EXTENSION rezago UPDATE;
#   2. in another database, CREATE EXTENSION rezago (the current version,
#      from its own install script) and load the same data;
#   3. both must give the same results of every reading function and the
#      same extension tables (lib/record_results.sql), and the same
#      catalogue: pg_dump -s of both once every object of the extension has
#      been detached from it (pg_dump leaves an extension's objects out).
#
# The same comparison must also be seen to fail.  A fake previous version is
# built from the current install script (one function body changed, one
# function missing, one built-in label changed) and installed, with a delta
# to the current version, into the extension directory of $PG_CONFIG under a
# test-only version name: the comparison passes the delta that restores all
# three and catches each delta that forgets one of them.
source "$(dirname "$0")/lib/common.sh"
work=$(mktemp -d /tmp/rezago-upgrade.XXXXXX)
chmod 777 "$work"
extdir=$("$PG_CONFIG" --sharedir)/extension
fake=upgradetest-$$
trap 'rm -rf "$work" "$extdir/rezago--$fake.sql" "$extdir/rezago--$fake--"*.sql' EXIT

current=$(sql postgres -At -c "SELECT default_version FROM pg_available_extensions WHERE name = 'rezago'")
[ -f "$extdir/rezago--$current.sql" ] || fail "no install script of $current in $extdir: run make install"

# snapshot DB NAME: the results (NAME.results) and the catalogue (NAME.schema)
# of DB, which is left without extension members
# (allow_missing_calls: a delta that forgets a function must show as a
# difference, not stop the recording)
snapshot() {
    record_results "$1" "$work/$2.results" "" -v allow_missing_calls=on
    sql "$1" <<'SQL'
DO $$
DECLARE
    o record;
BEGIN
    FOR o IN
        SELECT x.type, x.identity
        FROM pg_catalog.pg_depend d
        CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) x
        WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
          AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'rezago')
    LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION rezago DROP %s %s', o.type, o.identity);
    END LOOP;
END
$$;
SQL
    schema_dump "$1" "$work/$2.schema"
    grep -q '^CREATE FUNCTION rezago\.comuna_index(' "$work/$2.schema" \
        || fail "the dump of $1 lacks the extension's functions"
}

# fresh WITH_DATA: a fresh install of the current version, snapshot fresh-WITH_DATA
fresh() {
    createdb "rezago_fresh_$1"
    sql "rezago_fresh_$1" -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION rezago"
    [ "$1" = no ] || load_data "rezago_fresh_$1"
    snapshot "rezago_fresh_$1" "fresh-$1"
}

# upgraded OLD WITH_DATA NAME: install OLD, load data, update, compare with
# the fresh install; the verdict (same or differs) in NAME.verdict
upgraded() {
    local db=rezago_up_$3
    createdb "$db"
    sql "$db" -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION rezago VERSION '$1'"
    [ "$2" = no ] || load_data "$db"
    sql "$db" -c "ALTER EXTENSION rezago UPDATE"
    [ "$(sql "$db" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'rezago'")" = "$current" ] \
        || fail "$db: ALTER EXTENSION rezago UPDATE did not reach $current"
    snapshot "$db" "$3"
    diff -u "$work/fresh-$2.schema" "$work/$3.schema" > "$work/$3.schema.diff" || true
    diff -u "$work/fresh-$2.results" "$work/$3.results" > "$work/$3.results.diff" || true
    if [ -s "$work/$3.schema.diff" ] || [ -s "$work/$3.results.diff" ]; then
        echo differs > "$work/$3.verdict"
        if [ -s "$work/$3.schema.diff" ]; then say "$3: the catalogue differs from a fresh install of $current"; fi
        if [ -s "$work/$3.results.diff" ]; then say "$3: results differ from a fresh install of $current"; fi
    else
        echo same > "$work/$3.verdict"
    fi
}
verdict() { cat "$work/$1.verdict"; }

# 1. every committed delta, on data
olds=$(for f in "$top"/sql/rezago--*--*.sql; do
           if [ -e "$f" ]; then basename "$f" | sed 's/^rezago--\(.*\)--.*\.sql$/\1/'; fi
       done | sort -u)
if [ -n "$olds" ]; then
    fresh yes
    for old in $olds; do
        [ -f "$top/sql/rezago--$old.sql" ] || fail "sql/rezago--$old.sql, the released install script of $old, is missing"
        upgraded "$old" yes "from-$old"
        if [ "$(verdict "from-$old")" != same ]; then
            head -60 "$work/from-$old.schema.diff" "$work/from-$old.results.diff"
            fail "a database updated from $old differs from a fresh install of $current"
        fi
        say "$old -> $current: catalogue and results equal a fresh install"
    done
else
    say "no delta script in sql/: no released version to update from yet"
fi

# 2. the comparison can fail: a fake previous version and four deltas
python3 - "$extdir/rezago--$current.sql" "$work" <<'PY'
import re, sys
script, work = open(sys.argv[1], encoding='utf-8').read(), sys.argv[2]
def statement(start, end):
    """the text from the line that starts with start to the end of the first line after it matching end"""
    m = re.search(r'^' + re.escape(start) + r'.*?' + end, script, re.S | re.M)
    assert m, start
    return m.group(0) + '\n'
body = statement('CREATE FUNCTION rezago.xml_escape(', r'^RETURN .*?;$')
missing = (statement('CREATE FUNCTION rezago.random_uniforms(', r'^LANGUAGE .*?;$')
           + statement('COMMENT ON FUNCTION rezago.random_uniforms(', r"^'.*?';$"))
label = "('met', 'criterion_value', 'cumple', 'El criterio se cumple.', true)"
assert script.count(body) == script.count(missing) == script.count(label) == 1
old = (script.replace(body, body.replace("'\"', '&quot;'", "'\"', '&#34;'"))
             .replace(missing, '')
             .replace(label, label.replace("'cumple'", "'se cumple'")))
assert old.count('&#34;') == 1 and 'CREATE FUNCTION rezago.random_uniforms(' not in old and "'se cumple'" in old
open(work + '/old.sql', 'w', encoding='utf-8').write(old)
fixes = {
    'body': body.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
    'missing': missing,
    'label': "SET LOCAL rezago.allow_builtin_changes = 'on';\n"
             "UPDATE rezago.status_label SET label = 'cumple' WHERE code = 'met';\n"
             "RESET rezago.allow_builtin_changes;\n",
}
for forgotten in ['nothing'] + list(fixes):
    open('%s/delta-%s.sql' % (work, forgotten), 'w', encoding='utf-8').write(
        ''.join(fix for name, fix in fixes.items() if name != forgotten))
PY
cp "$work/old.sql" "$extdir/rezago--$fake.sql" || fail "cannot write the fake version into $extdir"
fresh no
for forgotten in nothing body missing label; do
    cp "$work/delta-$forgotten.sql" "$extdir/rezago--$fake--$current.sql"
    upgraded "$fake" no "forgets-$forgotten"
    case $forgotten-$(verdict "forgets-$forgotten") in
        nothing-same|body-differs|missing-differs|label-differs) ;;
        nothing-*) head -60 "$work/forgets-nothing".*.diff; fail "a complete delta failed the comparison" ;;
        *) fail "a delta that forgets the $forgotten change passed the comparison" ;;
    esac
done
grep -q 'xml_escape' "$work/forgets-body.schema.diff" || fail "the changed function body was not what differed"
grep -q 'random_uniforms' "$work/forgets-missing.schema.diff" || fail "the missing function was not what differed"
grep -q '^[-+]table rezago.status_label|' "$work/forgets-label.results.diff" || fail "the changed label was not what differed"
say "a complete delta passes; deltas that forget a function body, a function or a built-in row are caught"
