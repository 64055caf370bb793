#!/usr/bin/env bash
# Every object of the extension is defined exactly once in the install
# sources of the current version (src/sql/*.sql; upgrade deltas aside), in
# its final form: each function and aggregate (by signature), table, view,
# materialised view, type, index and trigger that CREATE EXTENSION makes has
# one CREATE statement, and no statement of the sources replaces, alters or
# drops an object (CREATE OR REPLACE, ALTER, DROP at the top level).  Then a
# copy of the sources with one function defined twice must fail the check.
source "$(dirname "$0")/lib/common.sh"
work=$(mktemp -d /tmp/rezago-sources.XXXXXX)
trap 'rm -rf "$work"' EXIT

createdb rezago_sources
# the objects a fresh install makes, one line each: kind|name (a function or
# aggregate once per overload, a trigger with its table)
sql rezago_sources -At > "$work/catalogue" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION rezago CASCADE;
SELECT 'routine|' || p.proname FROM pg_catalog.pg_proc p
WHERE p.pronamespace = 'rezago'::regnamespace
UNION ALL
SELECT CASE c.relkind WHEN 'i' THEN 'index|' WHEN 'c' THEN 'type|' ELSE 'relation|' END || c.relname
FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'rezago'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'i', 'c', 'S', 'f')
  -- the indexes of primary keys and unique constraints come with their table
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = c.oid)
UNION ALL
SELECT 'trigger|' || t.tgname || ' ON ' || c.relname
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'rezago'::regnamespace AND NOT t.tgisinternal;
SQL
[ "$(wc -l < "$work/catalogue")" -gt 200 ] || fail "only $(wc -l < "$work/catalogue") objects listed: the catalogue query is wrong"

# check_sources DIR: compares the CREATE statements of DIR/*.sql with the catalogue
check_sources() {
    python3 - "$work/catalogue" "$1" <<'PY'
import collections, glob, os, re, sys
catalogue = collections.Counter(l for l in open(sys.argv[1]).read().split('\n') if l)
found, problems = collections.Counter(), []
patterns = [
    (r'CREATE (?:FUNCTION|AGGREGATE|PROCEDURE) rezago\.(\w+)\(', 'routine|{0}'),
    (r'CREATE (?:TABLE|VIEW|MATERIALIZED VIEW) rezago\.(\w+)\b', 'relation|{0}'),
    (r'CREATE TYPE rezago\.(\w+)\b', 'type|{0}'),
    (r'CREATE (?:UNIQUE )?INDEX (\w+)\b', 'index|{0}'),
    (r'CREATE TRIGGER (\w+) .* ON rezago\.(\w+)\b', 'trigger|{0} ON {1}'),
]
for path in sorted(glob.glob(os.path.join(sys.argv[2], '*.sql'))):
    for no, line in enumerate(open(path, encoding='utf-8'), 1):
        where = '%s:%d' % (os.path.basename(path), no)
        # statements start in column 0; bodies, comments and strings are indented
        if re.match(r'(CREATE OR REPLACE|ALTER|DROP)\b', line):
            problems.append('%s: %s (the sources define each object once, in its final form)' % (where, line.strip()))
        elif line.startswith('CREATE '):
            for pattern, key in patterns:
                m = re.match(pattern, line)
                if m:
                    found[key.format(*m.groups())] += 1
                    break
            else:
                problems.append('%s: a CREATE this check does not know: %s' % (where, line.strip()))
for key in sorted(set(catalogue) | set(found)):
    if found[key] != catalogue[key]:
        problems.append('%s: %d CREATE in the sources, %d in the catalogue' % (key, found[key], catalogue[key]))
for p in problems:
    print('  ' + p)
print('%d objects, %d CREATE statements, %d problems' % (sum(catalogue.values()), sum(found.values()), len(problems)))
sys.exit(1 if problems else 0)
PY
}

check_sources "$top/src/sql" || fail "the install sources do not define every object exactly once"

# the check can fail: the same sources with one function defined again
mkdir "$work/twice"
cp "$top"/src/sql/*.sql "$work/twice/"
sed -n '/^CREATE FUNCTION rezago.xml_escape(/,/^RETURN /p' "$top/src/sql/maps.sql" >> "$work/twice/maps.sql"
if check_sources "$work/twice" > "$work/twice.out"; then
    cat "$work/twice.out"; fail "a function defined twice went unnoticed"
fi
grep -q 'routine|xml_escape: 2 CREATE' "$work/twice.out" || { cat "$work/twice.out"; fail "the planted duplicate was not the problem found"; }
say "every object of the extension has exactly one CREATE in src/sql, and a planted second definition is caught"
