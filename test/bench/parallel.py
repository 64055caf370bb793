#!/usr/bin/env python3
"""Driver of test/bench/parallel.sh (run that script, not this one).

comuna_index against the floor with 0, 1 and 2 parallel workers, in the
server of PGHOST/PGPORT ("after") and, if BEFORE_PGHOST/BEFORE_PGPORT are
set, in a second server ("before") holding the same generated data.  Every
timed run is a fresh connection, timed as test/bench/run.py times (planning
+ execution of EXPLAIN (ANALYZE, TIMING OFF)); runs alternate between the
servers and settings, so that a change of load touches all alike.
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402  (the benchmark's psql, measure and formats)

PERIOD = run.PERIOD
units, runs = int(sys.argv[1]), int(sys.argv[2])
SERVERS = {'after': (os.environ['PGHOST'], os.environ['PGPORT'])}
if os.environ.get('BEFORE_PGHOST'):
    SERVERS['before'] = (os.environ['BEFORE_PGHOST'], os.environ['BEFORE_PGPORT'])
REALDATA = os.path.join(HERE, '..', 'realdata')


def on(server):
    os.environ['PGHOST'], os.environ['PGPORT'] = SERVERS[server]


def load():
    """Both servers at once: the synthetic data (bench) and Chile (chile)."""
    procs = []
    for s in SERVERS:
        on(s)
        for db in ('bench', 'chile'):
            run.psql('postgres', f'CREATE DATABASE {db};')
            run.psql(db, 'SET client_min_messages = warning; CREATE EXTENSION rezago CASCADE;')
        procs.append(subprocess.Popen(
            ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'bench', '-f', os.path.join(HERE, 'generate.sql'),
             '-v', f'units={units}', '-v', 'periods=1', '-v', f'last_period={PERIOD}',
             '-v', 'territory_size=10', '-v', 'null_share=0.02', '-v', 'seed=0.42'],
            env=dict(os.environ), stdout=subprocess.DEVNULL))
        procs.append(subprocess.Popen(
            ['bash', '-c', 'psql -X -q -d chile -f sql/01_load.sql >/dev/null 2>&1 '
             '&& psql -X -q -v ON_ERROR_STOP=1 -d chile -f ../fixtures/sinim4_methodology.sql >/dev/null'],
            cwd=REALDATA, env=dict(os.environ)))
    for p in procs:
        if p.wait() != 0:
            raise RuntimeError('load failed')


DIGESTS = {
    'data': "SELECT md5(string_agg(o::text, ';' ORDER BY o.cut, o.variable)) FROM rezago.observation o "
            f"WHERE o.period = {PERIOD}",
    'comuna_unit_states': "SELECT md5(string_agg(x::text, ';' ORDER BY x.cut)) "
                          f"FROM rezago.comuna_unit_states({PERIOD}) x",
    'comuna_index': f"SELECT md5(string_agg(x::text, ';' ORDER BY x.cut)) FROM rezago.comuna_index({PERIOD}) x",
}


def digests(server, db, settings):
    """MD5 of every value in its shortest exact text (extra_float_digits = 3:
    the text reads back to the same bits)."""
    on(server)
    pre = 'SET extra_float_digits = 3; ' + ''.join(f'SET {s}; ' for s in settings)
    return {k: run.psql(db, pre + q + ';').strip() for k, q in DIGESTS.items()}


def top_statement_plan(server, db, period, methodology):
    """The plan of the statement comuna_unit_states runs (run_comuna_states_statement's),
    under the settings of comuna_unit_states' SET clauses."""
    on(server)
    st = run.psql(db, f"SELECT rezago.comuna_states_statement({period}, '{methodology}', 'rezago.observation')")
    conf = run.psql(db, "SELECT unnest(proconfig) FROM pg_proc WHERE oid = 'rezago.comuna_unit_states'::regproc").split()
    pre = ''.join(f"SET {c.split('=', 1)[0]} = '{c.split('=', 1)[1]}'; " for c in conf)
    return run.psql(db, pre + 'EXPLAIN (COSTS OFF) ' + st + ';')


def timed(cases):
    """cases: (label, server, db, query, settings); runs alternate."""
    times = {c[0]: [] for c in cases}
    for _ in range(runs):
        for label, server, db, query, settings in cases:
            on(server)
            ms, _, _ = run.measure(db, query, settings)
            times[label].append(ms)
    return {k: statistics.median(v) for k, v in times.items()}, times


def chile_calls(server, n=10):
    """Chile (real data, sinim4, 2023): the first call of a connection, then
    the median of n more calls in the same session (client-side \\timing)."""
    on(server)
    q = f"SELECT count(*) FROM rezago.comuna_index(2023, 'sinim4');"
    script = '\\timing on\n' + '\n'.join([q] * (n + 1))
    r = subprocess.run(['psql', '-X', '-d', 'chile', '-A', '-t'], input=script, text=True, capture_output=True, check=True)
    ms = [float(line.split()[1]) for line in r.stdout.splitlines() if line.startswith('Time:')]
    return ms[0], statistics.median(ms[1:])


def main():
    t0 = time.time()
    load()
    print(f'load of {units:,} units x 21 variables, 1 period, and of Chile (01_load, whose checks of bad rows report errors on purpose): {time.time() - t0:.0f} s '
          f'(servers: {", ".join(SERVERS)}); load average now {open("/proc/loadavg").read().split()[0]}')
    # the same data, and the same bits, everywhere
    d = {}
    for s in SERVERS:
        for w in (0, 2):
            d[(s, w)] = digests(s, 'bench', [f'max_parallel_workers_per_gather = {w}'])
    print('\nMD5 of every value (extra_float_digits = 3) at', f'{units:,} units:')
    for (s, w), v in d.items():
        print(f'  {s:6} {w} workers: ' + '  '.join(f'{k} {x}' for k, x in v.items()))
    same = all(v == d[('after', 0)] for v in d.values())
    print('  all equal:', 'yes' if same else 'NO')
    for s in SERVERS:
        on(s)
        print(f'  Chile {s}: comuna_index ' + run.psql('chile', "SET extra_float_digits = 3; SELECT md5(string_agg(x::text, ';' ORDER BY x.cut)) FROM rezago.comuna_index(2023, 'sinim4') x;").strip())
    for s in SERVERS:
        on(s)
        print(f'\n{s}: the settings of comuna_unit_states: ' + ', '.join(run.psql(
            'bench', "SELECT unnest(proconfig) FROM pg_proc WHERE oid = 'rezago.comuna_unit_states'::regproc").split()))
    print(f'\nplan of the statement comuna_unit_states runs over rezago.observation at {units:,} units '
          '(after; server defaults, the function\'s settings):')
    print(top_statement_plan('after', 'bench', PERIOD, 'ufro2017'))
    print('the same for Chile (real data, sinim4, 2023):')
    print(top_statement_plan('after', 'chile', 2023, 'sinim4'))
    ci = f'SELECT * FROM rezago.comuna_index({PERIOD})'
    fl = 'SELECT * FROM (' + run.FLOORS['units'].format(period=PERIOD) + ') f'
    cases = []
    for s in SERVERS:
        cases.append((f'{s} comuna_index default', s, 'bench', ci, []))
        cases.append((f'{s} floor default', s, 'bench', fl, []))
    for w in (0, 1, 2):
        cases.append((f'after comuna_index {w} workers', 'after', 'bench', ci, [f'max_parallel_workers_per_gather = {w}']))
        cases.append((f'after floor {w} workers', 'after', 'bench', fl, [f'max_parallel_workers_per_gather = {w}']))
    med, all_times = timed(cases)
    print(f'\ntimes at {units:,} units (median of {runs} fresh connections, runs interleaved; ms):')
    for k, v in med.items():
        print(f'  {k:34} {v:10.1f}   runs: ' + ' '.join(f'{x:.0f}' for x in all_times[k]))
    print('\nratios:')
    for s in SERVERS:
        print(f'  {s}: comuna_index / floor (default settings) = {med[f"{s} comuna_index default"] / med[f"{s} floor default"]:.2f}')
    for w in (0, 1, 2):
        print(f'  after, {w} workers: comuna_index / floor = '
              f'{med[f"after comuna_index {w} workers"] / med[f"after floor {w} workers"]:.2f}; '
              f'comuna_index speed-up over 0 workers = {med["after comuna_index 0 workers"] / med[f"after comuna_index {w} workers"]:.2f}')
    if 'before' in SERVERS:
        print(f'  after / before, comuna_index (default settings) = '
              f'{med["after comuna_index default"] / med["before comuna_index default"]:.2f}')
    print('\nChile (real data, comuna_index(2023, sinim4), 346 comunas; ms, client side):')
    res = {s: [] for s in SERVERS}
    for _ in range(runs):
        for s in SERVERS:
            res[s].append(chile_calls(s))
    for s in SERVERS:
        first = statistics.median(r[0] for r in res[s])
        within = statistics.median(r[1] for r in res[s])
        print(f'  {s:6} first call of a connection {first:7.1f}   within a session {within:7.1f}')
    if 'before' in SERVERS:
        fa = statistics.median(r[0] for r in res['after']) / statistics.median(r[0] for r in res['before'])
        wa = statistics.median(r[1] for r in res['after']) / statistics.median(r[1] for r in res['before'])
        print(f'  after / before: first call {fa:.2f}, within a session {wa:.2f}')
    print(f'\ntotal {time.time() - t0:.0f} s; load average now {open("/proc/loadavg").read().split()[0]}')


main()
