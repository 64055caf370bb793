#!/usr/bin/env bash
# The README's "Getting started" runs as written: its first sql block is run
# with psql from the checkout, into an empty database, on the real files
# (../shared/data in the block is read from $REZAGO_DATA), and what it makes
# is checked: the 346 comunas, 12 variables at their vintages, an index for
# every comuna, the 55 provinces as territories, each with an index.
source "$(dirname "$0")/lib/common.sh"
have_real_data || { say "skipped: the block loads the real files"; exit 0; }
[ -f "$REZAGO_DATA/indicadores_ufro_reales.csv" ] || fail "$REZAGO_DATA/indicadores_ufro_reales.csv is missing"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$top/README.md" "$REZAGO_DATA" > "$work/getting_started.sql" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
section = text.split('\n## Getting started', 1)[1].split('\n## ', 1)[0]
block = re.search(r'```sql\n(.*?)```', section, re.S)
if not block:
    sys.exit('README.md: no sql block under "## Getting started"')
print(block.group(1).replace('../shared/data', sys.argv[2]))
PY
createdb rezago_getting_started
(cd "$top" && psql -X -v ON_ERROR_STOP=1 -d rezago_getting_started -f "$work/getting_started.sql") \
    > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "the Getting started block failed"; }
got=$(sql rezago_getting_started -At -F ' ' <<'SQL'
SELECT (SELECT count(*) FROM rezago.comuna),
       (SELECT count(*) FROM rezago.variable_vintages(2024, 'publico') WHERE vintage IS NOT NULL),
       (SELECT count(index) FROM rezago.comuna_index(2024, 'publico')),
       (SELECT count(*) FROM rezago.territory),
       (SELECT count(index) FROM rezago.territory_index(2024, 'publico'));
SQL
)
say "comunas, variables with a vintage, comunas with an index, territories, with an index: $got"
[ "$got" = "346 12 346 55 55" ] || { cat "$work/out.txt"; fail "expected 346 12 346 55 55, got $got"; }
say "ok"
