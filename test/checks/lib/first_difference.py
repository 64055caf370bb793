#!/usr/bin/env python3
"""first_difference.py BASE OTHER: for each call recorded in both files
(record_results with detail=on: function|arguments|row, one line per row),
prints the first row that differs and, field by field, the values that
differ with their relative difference, so that a failing digest can be
traced to a column.  Rows are paired in sorted order; a call that gives
another number of rows is reported as such.  Output is short: one call
header and at most a few fields per call.  Exit status 0 always."""
import sys
from collections import defaultdict

sys.path.insert(0, __import__('os').path.dirname(__file__))
from compare_rows import NUM, TOKEN  # noqa: E402

MAX_FIELDS = 3
MAX_WIDTH = 60


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


def short(s):
    return s if len(s) <= MAX_WIDTH else s[:MAX_WIDTH - 3] + '...'


def fields(row):
    """the values of a row's text form, with their position (field number)"""
    out, n = [], 0
    for t in TOKEN.findall(row):
        if t in ',()':
            if t == ',':
                n += 1
            continue
        out.append((n, t))
    return out


def main():
    base, other = load(sys.argv[1]), load(sys.argv[2])
    for key in sorted(set(base) & set(other)):
        a, b = base[key], other[key]
        if a == b:
            print('    %s|%s: rows identical in the detail run (the difference did not recur)' % key)
            continue
        print('    %s|%s' % key)
        if len(a) != len(b):
            print('      %d rows vs %d rows' % (len(a), len(b)))
        for ra, rb in zip(a, b):
            if ra == rb:
                continue
            fa, fb = fields(ra), fields(rb)
            shown = 0
            if len(fa) == len(fb):
                for (n, x), (_, y) in zip(fa, fb):
                    if x == y:
                        continue
                    if NUM.match(x) and NUM.match(y):
                        fx, fy = float(x), float(y)
                        rel = abs(fx - fy) / max(abs(fx), abs(fy), 1e-300)
                        print('      row %s: field %d: %s vs %s (relative %.1e)' % (short(ra[:40]), n + 1, x, y, rel))
                    else:
                        print('      row %s: field %d: %s vs %s' % (short(ra[:40]), n + 1, short(x), short(y)))
                    shown += 1
                    if shown == MAX_FIELDS:
                        break
            if not shown:
                print('      %s\n      %s' % (short(ra), short(rb)))
            break
    for key in sorted(set(base) ^ set(other)):
        print('    %s|%s: recorded on one side only' % key)


if __name__ == '__main__':
    main()
