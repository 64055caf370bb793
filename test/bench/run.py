#!/usr/bin/env python3
"""Benchmark driver of test/benchmark.sh (run that script, not this one).

Generates data at several sizes in a PostgreSQL server (PGHOST, PGPORT,
PGUSER from the environment), and for every path times, side by side on the
same tables:
  ext    the extension's function (rezago.*),
  ref    the plain-SQL reference (test/oracle/oracle.sql), which is also the
         correctness oracle: any difference above 1e-9 fails the run,
  floor  one sequential aggregate over the same rows.
Each timed run is a fresh connection; the time is the server's planning +
execution time of EXPLAIN (ANALYZE, TIMING OFF) (rows are not sent to the
client); peak memory is the largest resident private memory (RssAnon of
/proc/PID/status, sampled every millisecond) of the backend plus its
parallel workers while the query runs.

Adding a path is one entry in PATHS below.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# the plain-SQL oracle of the whole method, shared with the tests
ORACLE = os.path.join(HERE, '..', 'oracle', 'oracle.sql')
TOLERANCE = 1e-9

# --------------------------------------------------------------------------
# Paths: what is timed.  {period} is replaced by the period measured.
#   kind      'units' (index data) or 'polygons' (the tessellation)
#   ext, ref  FROM-clause items returning the same columns
#   key       columns that identify a row; floats compared to 1e-9, exact
#             compared with IS DISTINCT FROM
#   requires  the extension function that must exist (the path is reported
#             as not available otherwise, e.g. on a branch without it)
#   chile     counted in the Chile-scale "one period under 50 ms" target
# --------------------------------------------------------------------------
PATHS = [
    dict(name='comuna_index', kind='units',
         ext='rezago.comuna_index({period})', ref='oracle.comuna_index({period})',
         key=['cut'], floats=['index'], exact=['rank', 'missing_dimensions'], chile=True),
    dict(name='comuna_dimension_scores', kind='units',
         ext='rezago.comuna_dimension_scores({period})', ref='oracle.comuna_dimension_scores({period})',
         key=['cut', 'dimension'], floats=['score', 'coverage'], exact=[]),
    dict(name='territory_index', kind='units',
         ext='rezago.territory_index({period})', ref='oracle.territory_index({period})',
         key=['territory'], floats=['index'], exact=['rank', 'members', 'scored'], chile=True),
    dict(name='territory_exit', kind='units',
         ext='rezago.territory_exit({period})', ref='oracle.territory_exit({period})',
         key=['territory'], floats=['share'], exact=['evaluated', 'overcome', 'stage'], chile=True,
         requires='rezago.territory_exit(integer, text, text, regclass)'),
    dict(name='territory_entry', kind='units',
         ext='rezago.territory_entry({period})', ref='oracle.territory_entry({period})',
         key=['territory'], floats=[],
         exact=['e1_national', 'e2_regional', 'e3_isolation', 'criteria_met', 'eligible'], chile=True,
         requires='rezago.territory_entry(integer, text, regclass)'),
    dict(name='territory_contiguity', kind='polygons',
         ext='rezago.territory_contiguity(0)', ref='oracle.territory_contiguity()',
         key=['territory'], floats=[], exact=['members', 'components', 'contiguous'],
         requires='rezago.territory_contiguity(double precision, text[])'),
]

# The floor of each kind of data: one sequential aggregate over the rows the
# paths read.
FLOORS = {
    'units': 'SELECT o.variable, sum(o.value) FROM rezago.observation o '
             'WHERE o.period = {period} GROUP BY o.variable',
    'polygons': 'SELECT count(*), sum(ST_NPoints(c.geom)) FROM rezago.comuna c',
}

PERIOD = 2023
SIZES = {
    'chile': dict(kind='units', units=346, periods=20, runs=5,
                  label='Chile: 346 comunas x 18 variables x 20 periods'),
    '10k': dict(kind='units', units=10_000, periods=1, runs=3,
                label='10,000 units x 18 variables, 1 period'),
    '100k': dict(kind='units', units=100_000, periods=1, runs=5,
                 label='100,000 units x 18 variables, 1 period'),
    '1M': dict(kind='units', units=1_000_000, periods=1, runs=3, ref_runs=1,
               label='1,000,000 units x 18 variables, 1 period'),
    'poly2k': dict(kind='polygons', polygons=2_000, runs=3,
                   label='2,000 polygons in 200 territories'),
    'poly50k': dict(kind='polygons', polygons=50_000, runs=3, ref_runs=1,
                    label='50,000 polygons in 5,000 territories'),
}
FULL = ['chile', '100k', '1M', 'poly50k']
SMALL = ['chile', '10k', 'poly2k']


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def psql(db, sql=None, file=None, variables=None, tuples=True, check=True):
    cmd = ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db]
    if tuples:
        cmd += ['-A', '-t']
    for k, v in (variables or {}).items():
        cmd += ['-v', f'{k}={v}']
    if file:
        cmd += ['-f', file]
    r = subprocess.run(cmd, input=sql, text=True, capture_output=True)
    if check and r.returncode != 0:
        raise RuntimeError(f'psql failed on {db}:\n{sql or file}\n{r.stderr}')
    return r.stdout


# --------------------------------------------------------------------------
# Peak private memory of a backend and its parallel workers
# --------------------------------------------------------------------------
def rss_anon_kb(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('RssAnon:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Samples RssAnon of the backend whose pid appears in pidfile, plus the
    parallel workers serving it, until stopped."""

    def __init__(self, pidfile, readyfile):
        super().__init__(daemon=True)
        self.pidfile, self.readyfile = pidfile, readyfile
        self.stop = threading.Event()
        self.peak_kb = 0
        self.baseline_kb = 0

    def run(self):
        pid = None
        while not self.stop.is_set():
            try:
                with open(self.pidfile) as f:
                    txt = f.read().strip()
                if txt:
                    pid = int(txt)
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.001)
        if pid is None:
            return
        try:
            with open(f'/proc/{pid}/stat') as f:
                postmaster = int(f.read().rsplit(')', 1)[1].split()[1])
        except OSError:
            postmaster = None
        self.baseline_kb = self.peak_kb = rss_anon_kb(pid)
        open(self.readyfile, 'w').close()
        workers, seen = set(), set()
        marker = f'parallel worker for PID {pid}'.encode()
        while not self.stop.is_set():
            if postmaster:
                try:
                    with open(f'/proc/{postmaster}/task/{postmaster}/children') as f:
                        kids = f.read().split()
                except OSError:
                    kids = []
                for k in kids:
                    if k not in seen:
                        seen.add(k)
                        try:
                            with open(f'/proc/{k}/cmdline', 'rb') as f:
                                if marker in f.read():
                                    workers.add(k)
                        except OSError:
                            pass
            total = rss_anon_kb(pid) + sum(rss_anon_kb(w) for w in workers)
            self.peak_kb = max(self.peak_kb, total)
            time.sleep(0.001)


def measure(db, query, settings=()):
    """One run in a fresh connection: (milliseconds, peak kB, plan)."""
    tmp = tempfile.mkdtemp(prefix='rezago-bench-')
    try:
        pidfile, ready, planfile = (os.path.join(tmp, n) for n in ('pid', 'ready', 'plan.json'))
        script = '\n'.join([
            '\\o /dev/null',
            *[f'SET {s};' for s in settings],
            # plan once: catalog caches warm, as in any session past its first query
            f'EXPLAIN (COSTS OFF) {query};',
            f'\\o {pidfile}',
            'SELECT pg_backend_pid();',
            '\\o /dev/null',
            f'\\! while [ ! -e {ready} ]; do sleep 0.001; done',
            f'\\o {planfile}',
            f'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, FORMAT JSON) {query};',
            '\\o',
        ])
        sampler = MemorySampler(pidfile, ready)
        sampler.start()
        try:
            psql(db, script)
        finally:
            if not os.path.exists(ready):
                open(ready, 'w').close()
            sampler.stop.set()
            sampler.join()
        with open(planfile) as f:
            plan = json.load(f)[0]
        ms = plan['Planning Time'] + plan['Execution Time']
        return ms, sampler.peak_kb, plan
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def median_runs(db, query, runs, settings=()):
    times, peaks, plan = [], [], None
    for _ in range(runs):
        ms, kb, plan = measure(db, query, settings)
        times.append(ms)
        peaks.append(kb)
    return dict(ms=statistics.median(times), runs=times, peak_kb=max(peaks), plan=plan)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------
def make_database(name, size, seed):
    db = f'rezago_bench_{name.lower()}'
    psql('postgres', f'DROP DATABASE IF EXISTS {db};')
    psql('postgres', f'CREATE DATABASE {db};')
    psql(db, 'SET client_min_messages = warning; CREATE EXTENSION rezago CASCADE;')
    t0 = time.time()
    if size['kind'] == 'units':
        psql(db, file=os.path.join(HERE, 'generate.sql'), variables=dict(
            units=size['units'], periods=size['periods'], last_period=PERIOD,
            territory_size=10, null_share=0.02, seed=seed))
        rows = int(psql(db, f'SELECT count(*) FROM rezago.observation WHERE period = {PERIOD}'))
    else:
        psql(db, file=os.path.join(HERE, 'tessellation.sql'), variables=dict(
            polygons=size['polygons'], territory_size=10, seed=seed))
        rows = int(psql(db, 'SELECT count(*) FROM rezago.comuna'))
    load_s = time.time() - t0
    psql(db, file=ORACLE)
    return db, rows, load_s


def available(db, path):
    req = path.get('requires')
    if not req:
        return True
    return psql(db, f"SELECT to_regprocedure('{req}') IS NOT NULL").strip() == 't'


# --------------------------------------------------------------------------
# Oracle: extension == reference, floats to 1e-9
# --------------------------------------------------------------------------
def compare(db, path):
    """Returns (ok, text) comparing the extension with the reference."""
    ext = path['ext'].format(period=PERIOD)
    ref = path['ref'].format(period=PERIOD)
    cols = path['floats'] + path['exact']
    diffs = [f"count(*) FILTER (WHERE (e.{c} IS NULL) <> (r.{c} IS NULL) OR abs(e.{c} - r.{c}) > {TOLERANCE})"
             for c in path['floats']]
    diffs += [f"count(*) FILTER (WHERE e.{c} IS DISTINCT FROM r.{c})" for c in path['exact']]
    sql = f"""
        CREATE TEMP TABLE ext AS SELECT * FROM {ext};
        CREATE TEMP TABLE ref AS SELECT * FROM {ref};
        SELECT count(*), count(*) FILTER (WHERE e.in_ext IS NULL OR r.in_ref IS NULL)
               {''.join(', ' + d for d in diffs)}
        FROM (SELECT *, true AS in_ext FROM ext) e
        FULL JOIN (SELECT *, true AS in_ref FROM ref) r USING ({', '.join(path['key'])});
    """
    vals = [int(v) for v in psql(db, sql).strip().split('|')]
    rows, unmatched, per_col = vals[0], vals[1], dict(zip(cols, vals[2:]))
    bad = {c: n for c, n in per_col.items() if n}
    ok = rows > 0 and unmatched == 0 and not bad
    if ok:
        return True, f'{rows} rows equal'
    what = [f'{unmatched} rows only on one side'] if unmatched else []
    what += [f'{n} rows differ in {c}' for c, n in bad.items()]
    if rows == 0:
        what.append('no rows')
    return False, f'{rows} rows: ' + ', '.join(what)


def plan_indexes(db, query):
    """The indexes that the plans of a query use, nested statements included
    (the plans of the SQL functions it calls, caught by auto_explain and sent
    to the client as notices), with each index's access method:
    [(index, method)], e.g. [('comuna_geom_idx', 'gist')]."""
    sql = ("LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; "
           "SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice; "
           "SET client_min_messages = notice; "
           f"SELECT count(*) FROM (SELECT * FROM {query}) q;")
    r = subprocess.run(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db],
                       input=sql, text=True, capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f'psql failed on {db}:\n{sql}\n{r.stderr}')
    names = sorted(set(re.findall(r'(?:Index Scan|Index Only Scan|Bitmap Index Scan) (?:using|on) (\w+)', r.stderr)))
    if not names:
        return []
    methods = dict(line.split('|') for line in psql(db, (
        "SELECT c.relname || '|' || a.amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
        "WHERE c.relname = ANY (ARRAY[" + ', '.join(f"'{n}'" for n in names) + "])")).split())
    return [(n, methods.get(n, '?')) for n in names]


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def fmt_ms(ms):
    if ms is None:
        return '-'
    if ms >= 10_000:
        return f'{ms / 1000:.1f} s'
    if ms >= 1000:
        return f'{ms / 1000:.2f} s'
    return f'{ms:.1f} ms' if ms < 100 else f'{ms:.0f} ms'


def fmt_ratio(x):
    return '-' if x is None else f'{x:.2f}'


def fmt_rate(x):
    if x is None:
        return '-'
    for unit, div in (('M', 1e6), ('k', 1e3)):
        if x >= div:
            return f'{x / div:.1f}{unit}'
    return f'{x:.0f}'


def table(headers, rows):
    out = ['| ' + ' | '.join(headers) + ' |', '|' + '|'.join('---' for _ in headers) + '|']
    out += ['| ' + ' | '.join(str(c) for c in r) + ' |' for r in rows]
    return '\n'.join(out)


def plan_nodes(plan):
    """Node types of a JSON plan, depth first."""
    out = []

    def walk(n):
        name = n.get('Node Type', '')
        if n.get('Parallel Aware'):
            name = 'Parallel ' + name
        if n.get('Partial Mode') and n['Partial Mode'] != 'Simple':
            name = n['Partial Mode'] + ' ' + name
        out.append(name)
        for c in n.get('Plans', []):
            walk(c)
    walk(plan['Plan'])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--small', action='store_true', help='Chile, 10k units and 2k polygons only (CI)')
    ap.add_argument('--sizes', help='comma-separated sizes: ' + ', '.join(SIZES))
    ap.add_argument('--paths', help='comma-separated paths: ' + ', '.join(p['name'] for p in PATHS))
    ap.add_argument('--large-paths', help='comma-separated paths measured at 1M (default: the same as --paths); '
                    'the plain-SQL reference of some paths takes minutes there')
    ap.add_argument('--ref-sizes', help='comma-separated sizes at which the plain-SQL reference is run '
                    '(compared and timed; default: every size); elsewhere ext is timed alone')
    ap.add_argument('--ref-runs', type=int, help='timed runs of the reference (default per size)')
    ap.add_argument('--no-studies', action='store_true',
                    help='skip the parallel, work_mem and JIT studies of the largest size')
    ap.add_argument('--runs', type=int, help='timed runs per measurement (default per size)')
    ap.add_argument('--out', help='write the results (markdown) to this file')
    ap.add_argument('--seed', type=float, default=0.42)
    ap.add_argument('--note', default='', help='a line added to the results, e.g. about the machine')
    ap.add_argument('--concurrency', type=int, metavar='SECONDS',
                    help='concurrent readers while an editor loads, for SECONDS (the workload of '
                         'test/checks/concurrency.sh, on real data); default 20 in the full run, '
                         'off (0) with --small, --sizes or --paths')
    args = ap.parse_args()

    sizes = args.sizes.split(',') if args.sizes else (SMALL if args.small else FULL)
    if sizes == ['none']:
        sizes = []
    if args.concurrency is None:
        args.concurrency = 0 if (args.small or args.sizes or args.paths) else 20
    for s in sizes:
        if s not in SIZES:
            sys.exit(f'unknown size {s}; known: {", ".join(SIZES)}')
    paths = PATHS
    if args.paths:
        wanted = args.paths.split(',')
        paths = [p for p in PATHS if p['name'] in wanted]
    started = time.time()
    units_sizes = [s for s in sizes if SIZES[s]['kind'] == 'units']
    parallel_size = '1M' if '1M' in sizes else (units_sizes[-1] if units_sizes else None)

    settings = psql('postgres', "SELECT string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' ORDER BY name) "
                    "FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'hash_mem_multiplier', "
                    "'max_parallel_workers_per_gather', 'max_parallel_workers', 'jit', 'parallel_setup_cost', "
                    "'parallel_tuple_cost', 'min_parallel_table_scan_size')").strip()
    version = psql('postgres', 'SHOW server_version').strip()

    results, failures, loads, parallel = [], [], [], None
    for sname in sizes:
        size = SIZES[sname]
        log(f'== {size["label"]}: generating')
        db, rows, load_s = make_database(sname, size, args.seed)
        loads.append((size['label'], rows, load_s))
        runs = args.runs or size['runs']
        ref_runs = args.ref_runs or args.runs or size.get('ref_runs', runs)
        with_ref = not args.ref_sizes or sname in args.ref_sizes.split(',')
        floor = median_runs(db, FLOORS[size['kind']].format(period=PERIOD), runs)
        log(f'   floor {fmt_ms(floor["ms"])}')
        for path in paths:
            if path['kind'] != size['kind']:
                continue
            if sname == '1M' and args.large_paths and path['name'] not in args.large_paths.split(','):
                continue
            if not available(db, path):
                results.append(dict(size=sname, path=path['name'], missing=True))
                log(f'   {path["name"]}: not in this build of the extension')
                continue
            if with_ref:
                ok, text = compare(db, path)
                log(f'   {path["name"]}: oracle {"ok" if ok else "FAILED"}: {text}')
                if not ok:
                    failures.append(f'{sname} {path["name"]}: {text}')
            else:
                ok, text = True, 'not compared at this size (--ref-sizes)'
            ext = median_runs(db, 'SELECT * FROM ' + path['ext'].format(period=PERIOD), runs)
            ref = (median_runs(db, 'SELECT * FROM ' + path['ref'].format(period=PERIOD), ref_runs)
                   if with_ref else dict(ms=None, runs=[], peak_kb=0, plan=None))
            log(f'   {path["name"]}: ext {fmt_ms(ext["ms"])}, ref {fmt_ms(ref["ms"])}, '
                f'peak {ext["peak_kb"] / 1024:.0f} MB')
            indexes = plan_indexes(db, path['ext'].format(period=PERIOD)) if path['kind'] == 'polygons' else None
            if indexes is not None:
                log(f'   {path["name"]}: indexes in its plans: {indexes}')
            results.append(dict(size=sname, path=path['name'], rows=rows, ext=ext, ref=ref, floor=floor,
                                oracle=text, ok=ok, indexes=indexes))
        if sname == parallel_size and not args.no_studies:
            parallel = parallel_study(db, sname, runs)
        psql('postgres', f'DROP DATABASE {db};')

    conc = concurrency(args.concurrency) if args.concurrency > 0 else None
    report = render(results, failures, loads, parallel, settings, version, args, time.time() - started)
    if conc:
        report += '\n\n' + render_concurrency(conc)
    print(report)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(report + '\n')
        log(f'results written to {args.out}')
    if conc and not conc['ok']:
        log('CONCURRENCY CHECK FAILED: ' + conc['error'])
    if failures:
        log('ORACLE FAILED: ' + '; '.join(failures))
    if failures or (conc and not conc['ok']):
        sys.exit(1)


PARALLEL_SETTINGS = ['parallel_setup_cost = 0', 'parallel_tuple_cost = 0']


def parallel_study(db, sname, runs):
    """comuna_index and the floor with 0, 1 and 2 parallel workers, and
    comuna_index's memory under two work_mem settings."""
    log(f'   parallel and memory study on {sname}')
    out = dict(size=sname, rows=[], memory=[])
    for label, query in (('comuna_index', f'SELECT * FROM rezago.comuna_index({PERIOD})'),
                         ('floor', 'SELECT * FROM (' + FLOORS['units'].format(period=PERIOD) + ') f')):
        per = {}
        for w in (0, 1, 2):
            per[w] = median_runs(db, query, runs,
                                 settings=PARALLEL_SETTINGS + [f'max_parallel_workers_per_gather = {w}'])
        out['rows'].append((label, per))
    for wm in ('4MB', '64MB', '256MB'):
        m = median_runs(db, f'SELECT * FROM rezago.comuna_index({PERIOD})', 1,
                        settings=[f'work_mem = \'{wm}\'', 'max_parallel_workers_per_gather = 0'])
        out['memory'].append((wm, m))
    out['jit'] = []
    for label, query in (('comuna_index', f'SELECT * FROM rezago.comuna_index({PERIOD})'),
                         ('reference', f'SELECT * FROM oracle.comuna_index({PERIOD})'),
                         ('floor', 'SELECT * FROM (' + FLOORS['units'].format(period=PERIOD) + ') f')):
        n = 1 if label == 'reference' else runs
        on = median_runs(db, query, n, settings=['jit = on'])
        off = median_runs(db, query, n, settings=['jit = off'])
        out['jit'].append((label, on, off))
    return out


def render(results, failures, loads, parallel, settings, version, args, elapsed):
    lines = [f'# rezago benchmark results', '',
             f'Generated by `test/benchmark.sh{" --small" if args.small else ""}` on '
             f'{datetime.date.today().isoformat()} ({elapsed / 60:.1f} min), PostgreSQL {version}, '
             f'{os.cpu_count()} CPUs ({platform.machine()}).']
    if args.note:
        lines += ['', args.note]
    lines += ['', f'Server settings: {settings}.', '',
              'Each figure is the median of several runs, each in a fresh connection (planning + execution '
              'time of `EXPLAIN (ANALYZE, TIMING OFF)`, rows not sent to the client). '
              '**ext** = the extension\'s function; **ref** = the plain-SQL reference '
              '(`test/oracle/oracle.sql`, window functions and ordered aggregates, no C), also the correctness oracle '
              f'(every value equal to {TOLERANCE:g}); **floor** = one sequential aggregate over the same rows '
              '(`SELECT variable, sum(value) FROM rezago.observation WHERE period = p GROUP BY variable`; '
              'for polygons, `sum(ST_NPoints(geom))`). **peak MB** = largest private resident memory '
              '(RssAnon) of the backend and its parallel workers during the ext query, sampled every ms. '
              '**rows/s** = observation rows of the period (or polygons) per second of ext.', '']
    rows = []
    for r in results:
        if r.get('missing'):
            rows.append([SIZES[r['size']]['label'], r['path'], 'not in this build', '-', '-', '-', '-', '-', '-', '-'])
            continue
        e, f, ref = r['ext']['ms'], r['floor']['ms'], r['ref']['ms']
        oracle = 'not run' if ref is None else ('equal' if r['ok'] else 'DIFFERENT')
        rows.append([SIZES[r['size']]['label'], r['path'], fmt_ms(e), fmt_ms(ref), fmt_ms(f),
                     fmt_ratio(e / ref if ref else None), fmt_ratio(e / f), f'{r["ext"]["peak_kb"] / 1024:.0f}',
                     fmt_rate(r['rows'] / (e / 1000)), oracle])
    lines.append(table(['size', 'path', 'ext', 'ref', 'floor', 'ext/ref', 'ext/floor', 'peak MB', 'rows/s', 'oracle'], rows))

    ratios = ratios_table(results)
    if ratios:
        lines += ['', '## Ratios'] + ratios
    lines += ['', '## Targets', '']
    lines += targets(results)
    if parallel:
        lines += ['', f'## Parallel aggregation ({SIZES[parallel["size"]]["label"]})', '',
                  'Same query with `max_parallel_workers_per_gather` = 0, 1, 2 and `parallel_setup_cost` = '
                  '`parallel_tuple_cost` = 0 (so that the planner uses the workers it is given; with the '
                  'default costs it may keep a serial plan).', '']
        prow = []
        for label, per in parallel['rows']:
            prow.append([label] + [fmt_ms(per[w]['ms']) for w in (0, 1, 2)] +
                        [fmt_ratio(per[1]['ms'] / per[2]['ms']), f'{per[2]["peak_kb"] / 1024:.0f}',
                         ', '.join(sorted({n for n in plan_nodes(per[2]['plan']) if 'Gather' in n or 'Partial' in n or 'Finalize' in n or 'Parallel' in n})) or 'no parallel node'])
        lines.append(table(['query', '0 workers', '1 worker', '2 workers', 'speed-up 1 to 2', 'peak MB (2)', 'parallel nodes (2 workers)'], prow))
        lines += ['', f'## Memory of comuna_index ({SIZES[parallel["size"]]["label"]}, serial)', '',
                  'Peak private memory of the backend against `work_mem` (one run each). Sorts keep to '
                  '`work_mem`, hashes to `work_mem` x `hash_mem_multiplier`, and spill to disk beyond.', '']
        lines.append(table(['work_mem', 'time', 'peak MB'],
                           [[wm, fmt_ms(m['ms']), f'{m["peak_kb"] / 1024:.0f}'] for wm, m in parallel['memory']]))
        lines += ['', f'## JIT ({SIZES[parallel["size"]]["label"]})', '',
                  'The same queries with `jit` on (the server default) and off. The difference is what JIT '
                  'compilation costs or saves; EXPLAIN does not report the compilation of a plan run inside a '
                  'function, so it is not broken down.', '']
        lines.append(table(['query', 'jit on', 'jit off', 'on/off'],
                           [[label, fmt_ms(on['ms']), fmt_ms(off['ms']), fmt_ratio(on['ms'] / off['ms'])]
                            for label, on, off in parallel['jit']]))
    lines += ['', '## Data load (not timed above)', '']
    lines.append(table(['size', 'rows', 'load'], [[l, f'{n:,}', f'{s:.1f} s'] for l, n, s in loads]))
    if failures:
        lines += ['', '**ORACLE FAILED**: ' + '; '.join(failures)]
    return '\n'.join(lines)


# Targets of issue 17, printed met / NOT MET (never asserted): every units
# path at least TARGET_SPEEDUP times faster than plain SQL at 100k and 1M,
# linear (1M at most TARGET_GROWTH times 100k), comuna_index within
# TARGET_FLOOR times the floor at 1M.
TARGET_SPEEDUP = 3
TARGET_GROWTH = 11
TARGET_FLOOR = {('1M', 'comuna_index'): 2}


def ratios_table(results):
    """For every units path and size: the ratio to plain SQL and to the
    floor, and the growth from 100k to 1M."""
    by = {(r['size'], r['path']): r for r in results if not r.get('missing')}
    rows = []
    for path in [p['name'] for p in PATHS if p['kind'] == 'units']:
        for s in [x for x in SIZES if SIZES[x]['kind'] == 'units']:
            r = by.get((s, path))
            if not r:
                continue
            e, ref, f = r['ext']['ms'], r['ref']['ms'], r['floor']['ms']
            growth = '-'
            if s == '1M' and ('100k', path) in by:
                growth = f'{e / by[("100k", path)]["ext"]["ms"]:.1f}x'
            rows.append([path, s, fmt_ms(e), f'{ref / e:.1f}x' if ref else 'not measured', f'{e / f:.2f}x', growth])
    if not rows:
        return []
    return ['', table(['path', 'size', 'ext', 'faster than plain SQL (ref/ext)', 'of the floor (ext/floor)',
                       'growth 100k to 1M'], rows)]


def targets(results):
    by = {(r['size'], r['path']): r for r in results if not r.get('missing')}
    out = []

    def line(ok, text):
        out.append(f'- {"met" if ok else "NOT MET"}: {text}')

    units = [p['name'] for p in PATHS if p['kind'] == 'units']
    for p in units:
        for s in ('100k', '1M'):
            r = by.get((s, p))
            if r and r['ref']['ms'] is None:
                out.append(f'- NOT MEASURED: {p} at {s}: faster than plain SQL not measured (the reference was not run at '
                            f'this size; ext {fmt_ms(r["ext"]["ms"])}); target >= {TARGET_SPEEDUP}x')
            elif r:
                speedup = r['ref']['ms'] / r['ext']['ms']
                line(speedup >= TARGET_SPEEDUP,
                     f'{p} at {s} is {speedup:.1f}x faster than plain SQL ({fmt_ms(r["ext"]["ms"])} vs '
                     f'{fmt_ms(r["ref"]["ms"])}; target >= {TARGET_SPEEDUP}x)')
        a, b = by.get(('100k', p)), by.get(('1M', p))
        if a and b:
            growth = b['ext']['ms'] / a['ext']['ms']
            line(growth <= TARGET_GROWTH,
                 f'{p}: 1M takes {growth:.1f}x the time of 100k (target <= {TARGET_GROWTH}x, linear); '
                 f'peak memory {a["ext"]["peak_kb"] / 1024:.0f} MB -> {b["ext"]["peak_kb"] / 1024:.0f} MB')
    for (s, p), limit in TARGET_FLOOR.items():
        r = by.get((s, p))
        if r:
            x = r['ext']['ms'] / r['floor']['ms']
            line(x <= limit, f'{p} at {s} takes {x:.2f}x the floor ({fmt_ms(r["ext"]["ms"])} vs '
                             f'{fmt_ms(r["floor"]["ms"])}; target <= {limit}x)')
    chile = [r for (s, p), r in by.items() if s == 'chile' and next(x for x in PATHS if x['name'] == p).get('chile')]
    if chile:
        total = sum(r['ext']['ms'] for r in chile)
        line(all(r['ext']['ms'] < 50 for r in chile),
             'Chile scale, one period: ' + ', '.join(f'{r["path"]} {fmt_ms(r["ext"]["ms"])}' for r in chile) +
             f' (each under 50 ms; together {fmt_ms(total)})')
    for s in ('poly50k', 'poly2k'):
        r = by.get((s, 'territory_contiguity'))
        if r:
            line(r['ext']['ms'] < 60_000, f'contiguity at {SIZES[s]["label"]} in {fmt_ms(r["ext"]["ms"])} (target < 1 min)')
            spatial = [n for n, m in r['indexes'] if m in ('gist', 'spgist', 'brin')]
            line(bool(spatial), 'contiguity finds neighbours through the spatial index '
                 f'(indexes in its plans, nested SQL functions included: '
                 f'{", ".join(f"{n} ({m})" for n, m in r["indexes"]) or "none"}), not by comparing all pairs')
    return out or ['- no size with a target was run']


# --------------------------------------------------------------------------
# Concurrent readers: the workload of test/checks/concurrency.sh, run by the
# same driver (test/checks/lib/concurrency_driver.sh), figures reported here
# --------------------------------------------------------------------------
CONC_DRIVER = os.path.join(HERE, '..', 'checks', 'lib', 'concurrency_driver.sh')


def concurrency(seconds):
    """Runs the driver on a fresh database loaded with the real data (or the
    synthetic set when $REZAGO_DATA is missing); returns its JSON summary
    with ok and error added."""
    log(f'== concurrent readers: {seconds} s')
    db = 'rezago_bench_concurrency'
    with tempfile.TemporaryDirectory(prefix='rezago-bench-conc-') as tmp:
        summary = os.path.join(tmp, 'summary.json')
        r = subprocess.run(['bash', CONC_DRIVER, '--setup', '--seconds', str(seconds), '--summary', summary, db],
                           stdout=sys.stderr, stderr=sys.stderr)
        out = {}
        if os.path.exists(summary) and os.path.getsize(summary):
            with open(summary) as f:
                out = json.load(f)
    psql('postgres', f'DROP DATABASE IF EXISTS {db};', check=False)
    out['ok'] = r.returncode == 0
    out['error'] = '' if out['ok'] else f'the concurrency driver failed (exit {r.returncode}; its output is above)'
    return out


def render_concurrency(c):
    lines = ['## Concurrent readers', '']
    if not c.get('queries'):
        return '\n'.join(lines + [f'**FAILED** before the run: {c["error"]}'])
    secs = c['seconds']
    lines += [f'{c["clients"]} reader clients (pgbench, one role made with `grant_reader`) for {secs} s call at '
              f'random the queries below for period {c["period"]} (methodology {c["methodology"]}, '
              f'{c["comunas"]} comunas{"" if c["comunas"] > 100 else ", SYNTHETIC data"}; tiles {c["tile"]}), '
              'while one writer alternates `import_observations(..., replace => true)` of the period between two '
              'versions and `refresh_portal_views()` (concurrently). Figures are per call, client side, '
              'with 2 CPUs shared by readers, writer and server (the driver is '
              '`test/checks/lib/concurrency_driver.sh`; `test/checks/concurrency.sh` checks the same run).', '']
    rows = [[q['query'], q['calls'], f'{q["calls"] / secs:.1f}', fmt_ms(q['mean_ms']), fmt_ms(q['max_ms'])]
            for q in c['queries']]
    total = sum(q['calls'] for q in c['queries'])
    rows.append(['**total**', total, f'{total / secs:.1f}', '-', fmt_ms(max((q['max_ms'] or 0) for q in c['queries']))])
    lines.append(table(['query', 'calls', 'calls/s', 'mean', 'max'], rows))
    lines += ['', table(['writer step', 'times', 'mean', 'max'],
                        [[w['step'], w['times'], fmt_ms(w['mean_ms']), fmt_ms(w['max_ms'])]
                         for w in c.get('writer_steps') or []])]
    if c.get('rounds', 1) > 1:
        lines += ['', f'(Then {c["rounds"] - 1} more round(s) of 10 s for the queries that had not yet seen both '
                      'versions; the calls above are those of the first round, the writer steps of all.)']
    verdict = ('every call saw one of the two committed versions, no reader waited on a lock of the writer'
               if c['ok'] else f'**FAILED**: {c["error"]}')
    lines += ['', f'pg_stat_activity sampled every 100 ms: {c["samples"]} samples, {c["samples_refreshing"]} '
                  f'during a refresh, {c["samples_lock_wait"]} with a reader waiting on a lock of the writer '
                  f'({c.get("samples_other_wait", 0)} on a lock of another session); '
                  f'{c["calls_neither_state"]} calls saw neither version. Verdict: {verdict}.']
    return '\n'.join(lines)


if __name__ == '__main__':
    main()
