#!/usr/bin/env bash
# Benchmark of comuna adjacency and territory contiguity (issue 17): prints
# figures measured side by side in one run, and ratios; asserts nothing
# about time (a benchmark, not a test).  It does check, and print, that the
# answers are the same as those of the plain queries and of libpysal.
#
#   test/bench/contiguity.sh [POLYGONS...]      default: 50000 500000
#
# 1. Real data: the 345 BCN comunas of $REZAGO_DATA/comunas_bcn.geojson and
#    its 55 provincias of two or more comunas, against
#      - plain PostGIS: a self-join on ST_Intersects (the graph) and the
#        plain-SQL oracle's territory_contiguity (test/oracle/oracle.sql:
#        ST_Intersects of the pairs inside each territory, recursive CTE);
#      - libpysal: fuzzy_contiguity (the graph; the geometries are read once,
#        before timing) and the same per provincia (the province check).
#    libpysal is Debian's python3-libpysal (apt-get install python3-libpysal
#    python3-geopandas), run by /usr/bin/python3; without it those lines say
#    so and the rest runs.  CI does not run this benchmark.
# 2. Synthetic: for each POLYGONS, the tessellation of test/benchmark.sh
#    (test/bench/tessellation.sql: densified overlapping square cells,
#    territories of 10, 2% of them broken on purpose), rezago against the
#    same plain PostGIS queries.
# Times are medians of several runs in one session (planning included):
# 5 on the real file, 3 up to 100,000 polygons, 1 above (BENCH_RUNS=N: N
# everywhere, e.g. 1 for a smoke run).
# Runs in a throwaway cluster of $PG_CONFIG (test/with_cluster.sh) unless
# PGHOST is already set; the extension must be installed there.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${PGHOST:-}" ]; then
    exec test/with_cluster.sh "$0" "$@"
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50000 500000)
export REZAGO_DATA=$(realpath -m "${REZAGO_DATA:-../shared/data}")
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# bench(label, query, runs): median milliseconds and row count of a query
bench_setup="
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.bench(query text, runs integer) RETURNS TABLE (ms double precision, n bigint)
LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz; k bigint; times double precision[] := '{}';
BEGIN
    FOR i IN 1..runs LOOP
        t0 := clock_timestamp();
        EXECUTE query;
        GET DIAGNOSTICS k = ROW_COUNT;
        times := times || extract(epoch FROM clock_timestamp() - t0)::double precision * 1000;
    END LOOP;
    RETURN QUERY SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t), k FROM unnest(times) t;
END \$\$;"

# one line: task, rezago ms, reference ms, ratio (reference / rezago)
line() {  # label rezago_ms ref_ms ref_name
    awk -v l="$1" -v a="$2" -v b="$3" -v r="$4" 'BEGIN {
        printf "  %-52s rezago %9.1f ms   %-14s %9.1f ms   %5.2fx\n", l, a, r, b, b / a }'
}
verdict() {  # condition-text met(0/1)
    if [ "$2" = 1 ]; then echo "  target: $1: met"; else echo "  target: $1: NOT MET"; fi
}
ms_of() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "SET client_min_messages = warning; $bench_setup" -c "SELECT round(ms::numeric, 1) FROM pg_temp.bench(\$q\$$2\$q\$, $3)" | tail -1; }

plain_graph='SELECT a.cut AS cut_a, b.cut AS cut_b FROM rezago.comuna a JOIN rezago.comuna b ON a.cut < b.cut AND ST_Intersects(a.geom, b.geom)'

echo "== rezago contiguity benchmark ($(nproc) cores, PostgreSQL $(psql -XAtc 'SHOW server_version'), $(date -u +%Y-%m-%dT%H:%MZ))"

# ---------------------------------------------------------------------------
# 1. Real data
# ---------------------------------------------------------------------------
bcn=$REZAGO_DATA/comunas_bcn.geojson
if [ -f "$bcn" ]; then
    createdb bench_real
    psql_q -d bench_real <<SQL
SET client_min_messages = warning;
CREATE EXTENSION rezago CASCADE;
\set bcn \`cat "$bcn"\`
SELECT rezago.import_comunas_geojson(:'bcn'::jsonb) \gset
\unset bcn
SELECT count(*) FROM rezago.create_province_territories() \gset
ANALYZE;
SQL
    psql_q -d bench_real -f test/oracle/oracle.sql >/dev/null
    echo "-- real data: $(psql -XAt -d bench_real -c 'SELECT count(*) FROM rezago.comuna') BCN comunas, $(psql -XAt -d bench_real -c 'SELECT count(*) FROM rezago.territory') provincias with two or more comunas"
    r=${BENCH_RUNS:-5}
    g0=$(ms_of bench_real 'SELECT * FROM rezago.comuna_adjacency(0, false)' $r)
    gl=$(ms_of bench_real 'SELECT * FROM rezago.comuna_adjacency(0, true)' $r)
    g150=$(ms_of bench_real 'SELECT * FROM rezago.comuna_adjacency(150, true)' $r)
    gp=$(ms_of bench_real "$plain_graph" $r)
    tc=$(ms_of bench_real 'SELECT * FROM rezago.territory_contiguity(0)' $r)
    tc150=$(ms_of bench_real 'SELECT * FROM rezago.territory_contiguity(150)' $r)
    tp=$(ms_of bench_real 'SELECT * FROM oracle.territory_contiguity()' $r)
    one=$(ms_of bench_real 'SELECT * FROM rezago.check_territory(ARRAY[4202, 4302, 4303, 4304])' $r)
    # the answers: graph pairs, islands, provincias
    psql -X -At -F ' ' -d bench_real -c "SELECT cut_a, cut_b FROM rezago.comuna_adjacency(0, false) ORDER BY 1, 2" > "$tmp/rezago_pairs"
    psql -X -At -F ' ' -d bench_real -c "SELECT territory, components FROM rezago.territory_contiguity(0) ORDER BY 1" > "$tmp/rezago_provinces"
    same=$(psql -X -At -d bench_real -c "
        SELECT (SELECT count(*) FROM rezago.comuna_adjacency(0, false)) || ' pairs, '
            || (SELECT count(*) FROM rezago.comuna c WHERE c.geom IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM rezago.comuna_adjacency(0, false) a WHERE c.cut IN (a.cut_a, a.cut_b))) || ' islands; plain PostGIS: '
            || (SELECT count(*) FROM (SELECT cut_a, cut_b FROM rezago.comuna_adjacency(0, false)
                                      EXCEPT SELECT * FROM ($plain_graph) p) x)
            + (SELECT count(*) FROM (SELECT * FROM ($plain_graph) p
                                      EXCEPT SELECT cut_a, cut_b FROM rezago.comuna_adjacency(0, false)) x)
            || ' pairs differ, '
            || (SELECT count(*) FROM (SELECT territory, members, components, contiguous FROM rezago.territory_contiguity(0)
                                      EXCEPT SELECT territory, members, components, contiguous FROM oracle.territory_contiguity()) x)
            || ' provincias differ'")
    echo "  answers: rezago $same"
    line 'adjacency graph, tolerance 0, without lengths' "$g0" "$gp" 'plain PostGIS'
    echo "  $(printf '%-52s rezago %9.1f ms' 'adjacency graph, tolerance 0, with shared lengths' "$gl")"
    echo "  $(printf '%-52s rezago %9.1f ms' 'adjacency graph, tolerance 150 m, with lengths' "$g150")"
    line 'contiguity of every provincia, tolerance 0' "$tc" "$tp" 'plain PostGIS'
    echo "  $(printf '%-52s rezago %9.1f ms' 'contiguity of every provincia, tolerance 150 m' "$tc150")"
    echo "  $(printf '%-52s rezago %9.1f ms' 'one proposal (check_territory, 4 comunas)' "$one")"
    if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import libpysal, geopandas' 2>/dev/null; then
        /usr/bin/python3 - "$bcn" "$tmp" > "$tmp/libpysal" <<'PY'
import statistics, sys, time, warnings
warnings.filterwarnings('ignore')
import geopandas
import libpysal
from libpysal.weights import fuzzy_contiguity
bcn, tmp = sys.argv[1], sys.argv[2]
g = geopandas.read_file(bcn)
g = g[g['cod_comuna'].astype(int) > 0].reset_index(drop=True)   # 'Zona sin demarcar' is no comuna
cuts = g['cod_comuna'].astype(int).tolist()
def graph():
    return fuzzy_contiguity(g, tolerance=0, buffering=False)
def provinces():
    out = {}
    for prov, sub in g.groupby(g['cod_comuna'].astype(int) // 100):
        if len(sub) >= 2:
            out[prov] = fuzzy_contiguity(sub.reset_index(drop=True), tolerance=0, buffering=False).n_components
    return out
def median_ms(f, runs=5):
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); r = f(); t.append((time.perf_counter() - t0) * 1000)
    return statistics.median(t), r
gms, w = median_ms(graph)
pms, comps = median_ms(provinces)
pairs = sorted({tuple(sorted((cuts[i], cuts[j]))) for i, ns in w.neighbors.items() for j in ns})
mine = sorted(tuple(map(int, l.split())) for l in open(tmp + '/rezago_pairs'))
prov = {int(l.split()[0][len('prov_'):]): int(l.split()[1]) for l in open(tmp + '/rezago_provinces')}
# provincias with two comunas in the file (rezago also counts Antártica, which has no boundary)
same_prov = all(prov.get(int(p)) == c for p, c in comps.items())
print('%.1f %.1f %d %d %s %s %s %d' % (gms, pms, len(pairs), len(w.islands), libpysal.__version__,
      'same' if pairs == mine else 'DIFFERENT', 'same' if same_prov else 'DIFFERENT', len(comps)))
PY
        read -r lg lp lpairs lislands lver lsame lprov lnprov < "$tmp/libpysal"
        echo "  answers: libpysal $lver: $lpairs pairs, $lislands islands; pairs $lsame as rezago's; components of the $lnprov provincias with two or more boundaries $lprov"
        line 'adjacency graph, tolerance 0 (libpysal fuzzy_contiguity)' "$g0" "$lg" 'libpysal'
        line 'contiguity of every provincia (libpysal: fuzzy_contiguity of each)' "$tc" "$lp" 'libpysal'
        verdict "graph faster than libpysal ($g0 ms < $lg ms)" "$(awk -v a="$g0" -v b="$lg" 'BEGIN{print (a < b) ? 1 : 0}')"
        verdict "provincias faster than libpysal ($tc ms < $lp ms)" "$(awk -v a="$tc" -v b="$lp" 'BEGIN{print (a < b) ? 1 : 0}')"
    else
        echo "  libpysal: not installed (apt-get install python3-libpysal python3-geopandas); comparison skipped"
    fi
    verdict "real file under 0.2 s: graph $g0 ms, provincias $tc ms" "$(awk -v a="$g0" -v b="$tc" 'BEGIN{print (a < 200 && b < 200) ? 1 : 0}')"
    dropdb bench_real
else
    echo "## real data skipped: $bcn is missing"
fi

# ---------------------------------------------------------------------------
# 2. Synthetic tessellation
# ---------------------------------------------------------------------------
for n in "${sizes[@]}"; do
    runs=1
    [ "$n" -le 100000 ] && runs=3
    runs=${BENCH_RUNS:-$runs}
    db=bench_synth_$n
    createdb "$db"
    psql_q -d "$db" -c 'SET client_min_messages = warning; CREATE EXTENSION rezago CASCADE;'
    t0=$(date +%s)
    psql_q -d "$db" -v polygons="$n" -v territory_size=10 -v seed=0.42 -f test/bench/tessellation.sql
    psql_q -d "$db" -f test/oracle/oracle.sql >/dev/null
    echo "-- synthetic: $(psql -XAt -d "$db" -c 'SELECT count(*) FROM rezago.comuna') cells, $(psql -XAt -d "$db" -c 'SELECT count(*) FROM rezago.territory') territories (made in $(( $(date +%s) - t0 )) s; $runs run(s) each)"
    tc=$(ms_of "$db" 'SELECT * FROM rezago.territory_contiguity(0)' $runs)
    tp=$(ms_of "$db" 'SELECT * FROM oracle.territory_contiguity()' $runs)
    g0=$(ms_of "$db" 'SELECT * FROM rezago.comuna_adjacency(0, false)' $runs)
    gp=$(ms_of "$db" "$plain_graph" $runs)
    same=$(psql -X -At -d "$db" -c "
        SELECT (SELECT count(*) FILTER (WHERE contiguous) || ' of ' || count(*) FROM rezago.territory_contiguity(0))
            || ' territories contiguous; plain PostGIS: '
            || (SELECT count(*) FROM (SELECT territory, members, components, contiguous FROM rezago.territory_contiguity(0)
                                      EXCEPT SELECT territory, members, components, contiguous FROM oracle.territory_contiguity()) x)
            || ' territories differ, '
            || (SELECT count(*) FROM (SELECT cut_a, cut_b FROM rezago.comuna_adjacency(0, false)
                                      EXCEPT SELECT * FROM ($plain_graph) p) x)
            + (SELECT count(*) FROM (SELECT * FROM ($plain_graph) p
                                      EXCEPT SELECT cut_a, cut_b FROM rezago.comuna_adjacency(0, false)) x)
            || ' graph pairs differ'")
    echo "  answers: $same"
    line "contiguity of every territory, tolerance 0" "$tc" "$tp" 'plain PostGIS'
    line "adjacency graph, tolerance 0, without lengths" "$g0" "$gp" 'plain PostGIS'
    verdict "contiguity at $n polygons at least as fast as plain PostGIS ($tc ms <= $tp ms)" \
        "$(awk -v a="$tc" -v b="$tp" 'BEGIN{print (a <= b) ? 1 : 0}')"
    # the plans use the spatial index, nested SQL functions included
    idx=$(psql -X -At -d "$db" 2>&1 <<'SQL' | grep -o 'Index[A-Za-z ]* Scan using [a-z_]*' | sort | uniq -c | tr -s ' ' | paste -sd, - || true
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET client_min_messages = log;
SELECT count(*) FROM rezago.territory_contiguity(0);
SQL
)
    echo "  index scans in the plans of territory_contiguity:${idx:- none}"
    dropdb "$db"
done
