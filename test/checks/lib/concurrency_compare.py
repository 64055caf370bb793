#!/usr/bin/env python3
"""concurrency_compare.py < LINES: which committed state did a reader see?

Helper of concurrency_driver.sh.  Each input line is ROLE|KIND|DIGEST|HEX:
ROLE a or b gives the body (hex) of the result of query KIND in state A or
B; ROLE x a body a reader got whose digest is neither of those.  For every x
line it prints KIND|DIGEST|STATES|NOTE, STATES being the states whose result
it equals with every number to 1e-9, relative above 1 and absolute below
(the benchmark's oracle tolerance; the formula of compare_rows.py):
floating-point sums taken in another order, e.g. after the planner changed
a join, differ in the last bits, and a difference of two such sums (a gap)
in more than the last bits of its own magnitude), space-separated ('a',
'b', 'a b', or empty when it equals neither), NOTE a word on the difference.

Bodies are JSON (the rows of a view or function as json_agg, a GeoJSON
document) or, for kinds ending in _tiles, Mapbox vector tiles, decoded here
(protobuf) so that their features and attributes are compared, not bytes.
"""
import json
import struct
import sys
from collections import defaultdict

TOL = 1e-9


# --------------------------------------------------------------------------
# Mapbox vector tile (spec 2.1) decoding: just what ST_AsMVT writes
# --------------------------------------------------------------------------
def _varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def _fields(buf):
    """(field number, wire type, value) of a protobuf message."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, i = _varint(buf, i)
        elif wire == 1:
            v, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = _varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wire == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f'unsupported wire type {wire}')
        yield field, wire, v


def _packed(buf):
    out, i = [], 0
    while i < len(buf):
        v, i = _varint(buf, i)
        out.append(v)
    return out


def _value(buf):
    for f, _, v in _fields(buf):
        if f == 1:
            return bytes(v).decode('utf-8')
        if f == 2:
            return struct.unpack('<f', v)[0]
        if f == 3:
            return struct.unpack('<d', v)[0]
        if f in (4, 5):
            return v if f == 5 or v < 1 << 63 else v - (1 << 64)
        if f == 6:
            return (v >> 1) ^ -(v & 1)
        if f == 7:
            return bool(v)
    return None


def decode_mvt(buf):
    layers = []
    for f, _, layer in _fields(buf):
        if f != 3:
            continue
        name, extent, keys, values, feats = None, 4096, [], [], []
        for lf, _, v in _fields(layer):
            if lf == 1:
                name = bytes(v).decode('utf-8')
            elif lf == 5:
                extent = v
            elif lf == 3:
                keys.append(bytes(v).decode('utf-8'))
            elif lf == 4:
                values.append(_value(v))
            elif lf == 2:
                feats.append(v)
        features = []
        for fb in feats:
            feat = {'id': None, 'type': None, 'geometry': [], 'properties': {}}
            tags = []
            for ff, _, v in _fields(fb):
                if ff == 1:
                    feat['id'] = v
                elif ff == 2:
                    tags = _packed(v)
                elif ff == 3:
                    feat['type'] = v
                elif ff == 4:
                    feat['geometry'] = _packed(v)
            feat['properties'] = {keys[tags[k]]: values[tags[k + 1]] for k in range(0, len(tags), 2)}
            features.append(feat)
        features.sort(key=lambda x: (str(x['properties'].get('id')), x['geometry']))
        layers.append({'name': name, 'extent': extent, 'features': features})
    return layers


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------
def close(a, b):
    """a equals b, numbers to TOL (relative); returns None or a difference."""
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool):
        if a == b or abs(a - b) <= TOL * max(1.0, abs(a), abs(b)):
            return None
        return f'{a!r} != {b!r}'
    if a is None and b is None:
        return None
    if a is None or b is None:
        return f'{a!r:.40} != {b!r:.40}'
    if type(a) is not type(b):
        return f'{type(a).__name__} != {type(b).__name__}'
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f'keys {sorted(a)} != {sorted(b)}'
        for k in a:
            d = close(a[k], b[k])
            if d:
                return f'{k}: {d}'
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f'{len(a)} items != {len(b)}'
        for n, (x, y) in enumerate(zip(a, b)):
            d = close(x, y)
            if d:
                return f'[{n}] {d}'
        return None
    return None if a == b else f'{a!r} != {b!r}'


def parse(kind, body):
    if kind.endswith('_tiles'):
        return decode_mvt(body)
    return json.loads(body.decode('utf-8')) if body else []   # empty body: no rows


def main():
    refs, seen = defaultdict(dict), []
    for line in sys.stdin:
        role, kind, digest, hexbody = line.rstrip('\n').split('|', 3)
        body = parse(kind, bytes.fromhex(hexbody))
        if role in ('a', 'b'):
            refs[kind][role] = body
        else:
            seen.append((kind, digest, body))
    status = 0
    for kind, digest, body in seen:
        states, notes = [], []
        for state in ('a', 'b'):
            if state not in refs[kind]:
                notes.append(f'no state {state.upper()} to compare with')
                status = 1
                continue
            d = close(refs[kind][state], body)
            if d is None:
                states.append(state)
            else:
                notes.append(f'vs {state.upper()}: {d[:120]}')
        note = f'equal to {" and ".join(s.upper() for s in states)} within {TOL:g}' if states else '; '.join(notes)
        print(f'{kind}|{digest}|{" ".join(states)}|{note.replace("|", "/")}')
    return status


if __name__ == '__main__':
    sys.exit(main())
