#!/usr/bin/env bash
# The whole audit (issue 18) on the REAL data, before and after side by side:
# the comunas, SINIM and the public index variables of $REZAGO_DATA loaded
# as test/checks/audit_r.sh loads them (methodology publico: vintages,
# provincial-median imputation; candidato, its copy under the rank
# normalisation; provinces as territories), then test/bench/audit_real.sql:
# the seven audit calls in one transaction, compare_methodologies,
# territory_index and comuna_index each alone (medians, ms), and a
# track_functions profile of one whole audit.  With BEFORE_PG_CONFIG (a
# second PostgreSQL with another build installed, e.g. main's) both builds
# are measured alternately, ROUNDS rounds (default 2).  Figures only.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${REZAGO_DATA:?set REZAGO_DATA to the real data folder}"
export REZAGO_DATA
echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
labels=(after)
[ -n "${BEFORE_PG_CONFIG:-}" ] && labels=(before after)
for r in $(seq 1 "${ROUNDS:-2}"); do
    for l in "${labels[@]}"; do
        if [ "$l" = before ]; then pgc=$BEFORE_PG_CONFIG; else pgc=${PG_CONFIG:-pg_config}; fi
        echo "== $l, round $r"
        PG_CONFIG=$pgc test/with_cluster.sh bash -c '
            set -e
            createdb bench_audit
            cd test/fixtures
            psql -X -q -v ON_ERROR_STOP=1 -d bench_audit -f load_real.sql > /dev/null
            psql -X -q -v ON_ERROR_STOP=1 -d bench_audit > /dev/null <<SQL
\i stage_indicators.sql
DELETE FROM indicadores WHERE source LIKE '"'"'%\_PROXY'"'"';
SELECT rezago.import_observations('"'"'indicadores'"'"', replace => true);
\i public_methodology.sql
SELECT rezago.copy_methodology('"'"'publico'"'"', '"'"'candidato'"'"');
UPDATE rezago.methodology SET normalisation = '"'"'rank'"'"' WHERE code = '"'"'candidato'"'"';
SQL
            cd ../..
            psql -X -q -d bench_audit -v label='"$l"' -f test/bench/audit_real.sql'
    done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
