#!/usr/bin/env bash
# The README is the reference of every public object: this check fails when a
# function, aggregate, table, view or materialised view of the extension (as
# the catalogue lists them after CREATE EXTENSION) is not named in README.md.
source "$(dirname "$0")/lib/common.sh"
createdb rezago_readme
names=$(sql rezago_readme -At <<'SQL'
CREATE EXTENSION rezago CASCADE;
SELECT p.proname FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'rezago'
UNION
SELECT c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'rezago'
WHERE c.relkind IN ('r', 'v', 'm')
ORDER BY 1;
SQL
) || fail "could not list the extension's objects"
n=$(echo "$names" | wc -l)
[ "$n" -gt 50 ] || fail "only $n objects listed: the catalogue query is wrong"
missing=()
for name in $names; do
    grep -qw -- "$name" "$top/README.md" || missing+=("$name")
done
[ ${#missing[@]} = 0 ] || fail "${#missing[@]} of $n objects are not named in README.md: ${missing[*]}"
say "all $n functions, aggregates, tables and views of the extension are named in README.md"
