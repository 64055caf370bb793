#!/usr/bin/env python3
"""compare_rows.py BEFORE AFTER: every call recorded in BEFORE (record_results
with detail=on: function|arguments|row, one line per row) must give the same
rows in AFTER, numbers equal to a relative tolerance of 1e-12 (floating-point
sums taken in another order differ in the last bits), everything else equal.
Tables (lines starting 'table ') and calls only in AFTER (functions the update
adds) are not compared here.  Prints the differences; exit status 1 if any."""
import re
import sys
from collections import defaultdict

TOL = 1e-12
NUM = re.compile(r'-?(?:\d+\.?\d*(?:e[-+]?\d+)?|Infinity|NaN)$', re.I)
TOKEN = re.compile(r'[^,(){}"|]+|.')


def load(path):
    calls = defaultdict(list)
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('table '):
                continue
            fn, args, row = line.split('|', 2)
            calls[(fn, args)].append(row)
    return {k: sorted(v) for k, v in calls.items()}


def same_row(a, b):
    if a == b:
        return True
    ta, tb = TOKEN.findall(a), TOKEN.findall(b)
    if len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb):
        if x == y:
            continue
        if not (NUM.match(x) and NUM.match(y)):
            return False
        fx, fy = float(x), float(y)
        if not abs(fx - fy) <= TOL * max(1.0, abs(fx), abs(fy)):
            return False
    return True


def main():
    before, after = load(sys.argv[1]), load(sys.argv[2])
    bad = 0
    exact = close = 0
    for key, rows in sorted(before.items()):
        other = after.get(key)
        if other == rows:
            exact += 1
            continue
        if other is not None and len(other) == len(rows) and all(map(same_row, rows, other)):
            close += 1
            continue
        bad += 1
        if bad <= 20:
            print(f'{key[0]}({key[1]}): {len(rows)} rows before, {len(other or [])} after')
            for r, o in zip(rows, other or []):
                if not same_row(r, o):
                    print(f'  before: {r}\n  after:  {o}')
                    break
    print(f'{exact} calls identical, {close} equal within {TOL:g} (relative), {bad} different')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
