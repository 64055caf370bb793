#!/usr/bin/env python3
"""compare_digests.py BASE OTHER [subset]: compares two records of
record_results.sql in digest mode (function|arguments|rows|md5, view and
aggregate lines alike, table NAME|rows|md5) exactly.  With "subset", OTHER
recorded only some of the calls (psql -v only/skip) and BASE is restricted to
them; without it, a call recorded on one side only is a difference too.

Prints one summary line:
  CALLS ROWS IDENTICAL DIFFERENT ONE-SIDED TALLY
(TALLY: the functions of the differing calls with their counts, or "-")
then the differing keys (function|arguments), one a line, for the caller to
show the first few.  Exit status 1 when anything differs."""
import sys
from collections import Counter


def load(path):
    out = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            if line.startswith('table '):
                key, rest = line.split('|', 1)
            else:
                fn, args, rest = line.split('|', 2)
                key = fn + '|' + args
            out[key] = rest
    return out


def rows(rest):
    n = rest.split('|', 1)[0]
    return int(n) if n.lstrip('-').isdigit() and int(n) > 0 else 0


def main():
    base, other = load(sys.argv[1]), load(sys.argv[2])
    subset = len(sys.argv) > 3 and sys.argv[3] == 'subset'
    if subset:
        base = {k: v for k, v in base.items() if k in other}
    keys = sorted(set(base) | set(other))
    differ = [k for k in keys if k in base and k in other and base[k] != other[k]]
    one_sided = [k for k in keys if (k in base) != (k in other)]
    same = len(keys) - len(differ) - len(one_sided)
    tally = Counter(k.split('|', 1)[0] for k in differ + one_sided)
    print(len(keys), sum(rows(v) for v in other.values()), same, len(differ), len(one_sided),
          ', '.join('%s x%d' % (f, n) for f, n in sorted(tally.items(), key=lambda x: (-x[1], x[0]))) or '-')
    for k in differ:
        print(k)
    for k in one_sided:
        print(k + ('  (only in the baseline)' if k in base else '  (not in the baseline)'))
    return 1 if differ or one_sided else 0


if __name__ == '__main__':
    sys.exit(main())
