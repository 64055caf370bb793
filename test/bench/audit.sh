#!/usr/bin/env bash
# Benchmark of the audit functions (issue 18): prints the time of the whole
# audit at Chile's scale (346 units, 18 variables, 55 territories; target
# under 100 ms) and of leave-one-out at 100,000 units, beside the index it
# recomputes.  Figures only, no timed assertion.  Runs test/bench/audit.sql in
# a throwaway cluster of $PG_CONFIG's PostgreSQL, where rezago must already be
# installed (test/setup.sh, or make install PG_CONFIG=...).  SYNTHETIC values.
#
# Before and after, side by side in one run: with BEFORE_PG_CONFIG set to a
# second PostgreSQL where another build of rezago is installed (say, main's),
# the Chile-scale figures are measured in both, alternately (before, after,
# before, after: ROUNDS rounds, default 2), and printed in one table with
# their ratio; the 100,000-unit figures once in each (BIG=0 skips them).
#
# REAL=1: the Chile-scale part on the REAL data of $REZAGO_DATA instead,
# loaded in each cluster as test/checks/audit_r.sh loads it
# (test/fixtures/audit_real.sql: methodology
# publico, 2024: vintages and provincial-median imputation; candidato, its
# copy under the rank normalisation; provinces as territories); no
# 100,000-unit part.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-2}
big=${BIG:-1}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "machine: $(nproc) cores, $(uname -m); $("${PG_CONFIG:-pg_config}" --version); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
real=${REAL:-0}
load_real() {  # the real data, in the cluster of test/with_cluster.sh
    [ "$real" = 1 ] || return 0
    : "${REZAGO_DATA:?REAL=1 needs REZAGO_DATA, the real data folder}"
    (cd test/fixtures && psql -X -q -v ON_ERROR_STOP=1 -f load_real.sql &&
     psql -X -q -v ON_ERROR_STOP=1 -f audit_real.sql) > /dev/null
}
export -f load_real
export real REZAGO_DATA
run() {  # run LABEL PG_CONFIG ROUND BIG
    PG_CONFIG=$2 test/with_cluster.sh bash -c 'load_real && psql -X -q -v label="$0" -v round="$1" -v big="$2" \
        -v real="$real" -f test/bench/audit.sql' "$1" "$3" "$4" | tee -a "$out" | grep -v -E '^(chile|big)[|]' || true
}
labels=(after)
[ -n "${BEFORE_PG_CONFIG:-}" ] && labels=(before after)
for r in $(seq 1 "$rounds"); do
    for l in "${labels[@]}"; do
        if [ "$l" = before ]; then pgc=$BEFORE_PG_CONFIG; else pgc=${PG_CONFIG:-pg_config}; fi
        b=0; [ "$r" = "$rounds" ] && b=$big
        echo "== $l, round $r"
        run "$l" "$pgc" "$r" "$b"
    done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)   # (section, step, call) -> label -> [ms]
for line in open(sys.argv[1]):
    f = line.rstrip('\n').split('|')
    if len(f) == 6 and f[0] in ('chile', 'big'):
        rows[(f[0], int(f[3]), f[4])].append((f[1], float(f[5])))
for section, title in (('chile', 'Chile scale (ms: median of 5 runs per round; rounds listed)'),
                       ('big', '100,000 units (ms: median of 3 runs)')):
    keys = sorted(k for k in rows if k[0] == section)
    if not keys:
        continue
    print('\n' + title)
    print('%-40s %-22s %-22s %s' % ('call', 'before', 'after', 'after/before'))
    for k in keys:
        by = collections.defaultdict(list)
        for label, ms in rows[k]:
            by[label].append(ms)
        cell = lambda l: ', '.join('%.1f' % x for x in by[l]) if by[l] else '-'
        ratio = ('%.2f' % (statistics.median(by['after']) / statistics.median(by['before']))
                 if by['before'] and by['after'] else '-')
        print('%-40s %-22s %-22s %s' % (k[2], cell('before'), cell('after'), ratio))
PY
