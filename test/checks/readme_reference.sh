#!/usr/bin/env bash
# doc/reference.md is the reference of every public object: this check fails
# when a function, aggregate, table, view, materialised view or type of the
# extension (as the catalogue lists them after CREATE EXTENSION) is not named
# there as code, `name(...)` or `name`, the way its reference line names it.
# (test/checks/docs.sh checks the links of the documents and the README's size.)
source "$(dirname "$0")/lib/common.sh"
reference=$top/doc/reference.md
[ -f "$reference" ] || fail "doc/reference.md is missing"
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
UNION
SELECT t.typname FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'rezago'
ORDER BY 1;
SQL
) || fail "could not list the extension's objects"
n=$(echo "$names" | wc -l)
[ "$n" -gt 50 ] || fail "only $n objects listed: the catalogue query is wrong"
missing=()
for name in $names; do
    grep -qF -e "\`$name(" -e "\`$name\`" "$reference" || missing+=("$name")
done
[ ${#missing[@]} = 0 ] || fail "${#missing[@]} of $n objects are not named in doc/reference.md: ${missing[*]}"
say "all $n functions, aggregates, tables, views and types of the extension are named in doc/reference.md"
