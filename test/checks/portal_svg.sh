#!/usr/bin/env bash
# Renders rezago.svg_map in a real browser (headless Chromium, Debian's
# `chromium` package) and checks the picture: a PNG of the document's size
# with several of the palette's fill colours and the grey of "sin datos".
#   1. six square comunas with the hand example's index (test/fixtures/portal_hand.sql);
#   2. the real comunas of $REZAGO_DATA (BCN boundaries, SINIM 2023, sinim4),
#      when the folder is there (says so loudly when it is not).
# REZAGO_MAP_OUT=path also keeps the real-data PNG there (doc/map.png is made so).
# Run by test/run_tests.sh inside a throwaway cluster (PGHOST, PGPORT set).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD

if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'install ok installed'; then
    echo "portal_svg: installing chromium (Debian package; takes a while the first time)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi

work=$(mktemp -d /tmp/rezago-svg.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

psql=(psql -X -q -v ON_ERROR_STOP=1 -d postgres)

# render FILE.svg -> FILE.png at the document's own size, then check it:
# check_png FILE.png WIDTH HEIGHT MIN_PALETTE_COLOURS
render() {
    local svg=$1 png=${1%.svg}.png w h
    w=$(sed -n 's/^<svg[^>]* width="\([0-9]*\)".*/\1/p' "$svg")
    h=$(sed -n 's/^<svg[^>]* height="\([0-9]*\)".*/\1/p' "$svg")
    [ -n "$w" ] && [ -n "$h" ] || { echo "portal_svg: $svg has no width/height"; return 1; }
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$work/profile" \
        --screenshot="$png" --window-size="$w,$h" "file://$svg" >"$work/chromium.log" 2>&1 || {
        echo "portal_svg: chromium failed on $svg"; cat "$work/chromium.log"; return 1; }
    echo "$png $w $h"
}

check_png() {
    python3 - "$@" <<'EOF'
import struct, sys, zlib
path, want_w, want_h, min_colours = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, ihdr = 8, b'', None
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        ihdr = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = ihdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, 'unexpected PNG format %r' % (ihdr,)
bpp = 4 if ctype == 6 else 3
raw, stride = zlib.decompress(idat), w * bpp
prev, counts, i = bytearray(stride), {}, 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):                      # undo the PNG row filters
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        rgb = bytes(line[x:x + 3])
        counts[rgb] = counts.get(rgb, 0) + 1
    prev = line
palette = ['ffffb2', 'fecc5c', 'fd8d3c', 'f03b20', 'bd0026']
present = {c: counts.get(bytes.fromhex(c), 0) for c in palette + ['cccccc']}
fills = [c for c in palette if present[c] >= 20]
print('  %s: %dx%d, %d distinct colours; pixels per fill: %s' % (path.split('/')[-1], w, h, len(counts),
      ', '.join('#%s %d' % (c, n) for c, n in present.items())))
ok = (w, h) == (want_w, want_h) and len(fills) >= min_colours and present['cccccc'] >= 20
if not ok:
    print('  FAILED: want %dx%d with at least %d palette fills and the grey of "sin datos"' % (want_w, want_h, min_colours))
sys.exit(0 if ok else 1)
EOF
}

failed=0
"${psql[@]}" -c "DROP DATABASE IF EXISTS rezago_svg" -c "CREATE DATABASE rezago_svg"
psql=(psql -X -q -v ON_ERROR_STOP=1 -d rezago_svg)

echo "portal_svg: hand example (six square comunas)"
"${psql[@]}" -c "CREATE EXTENSION rezago CASCADE" >/dev/null 2>&1
"${psql[@]}" -f test/fixtures/portal_hand.sql >/dev/null
"${psql[@]}" -c "UPDATE rezago.comuna SET geom = ST_Multi(ST_MakeEnvelope(
      -72.5 + 0.5 * ((cut - 101) % 3), -36.5 - 0.5 * ((cut - 101) / 3),
      -72.0 + 0.5 * ((cut - 101) % 3), -36.0 - 0.5 * ((cut - 101) / 3), 4326)) WHERE cut BETWEEN 101 AND 106"
"${psql[@]}" -At -c "SELECT rezago.svg_map('comuna', 2020, 'toy', width => 500)" > "$work/hand.svg"
read -r png w h < <(render "$work/hand.svg")
# 2020: classes 1, 2, 4, 5 of five are present (ties share a class), 106 is grey
check_png "$png" "$w" "$h" 4 || failed=1

if [ -f "${REZAGO_DATA:-/nonexistent}/comunas_bcn.geojson" ] && [ -f "$REZAGO_DATA/sinim_2019_2023.csv" ]; then
    echo "portal_svg: real comunas of $REZAGO_DATA (SINIM 2023, methodology sinim4)"
    "${psql[@]}" -c "DROP EXTENSION rezago CASCADE" >/dev/null 2>&1
    "${psql[@]}" -c "DROP EXTENSION postgis CASCADE" >/dev/null 2>&1 || true
    "${psql[@]}" <<'EOF' >/dev/null
\set QUIET on
\set ON_ERROR_STOP on
CREATE EXTENSION rezago CASCADE;
\i test/fixtures/stage_real_data.sql
SELECT rezago.import_comunas_geojson(:'bcn'::jsonb);
SELECT rezago.import_comunas('cut_2018', cut_column => 'codigo_comuna', name_column => 'nombre_comuna',
       provincia_column => 'nombre_provincia', region_column => 'nombre_region', geom_column => NULL);
DELETE FROM staging WHERE cut = '11111';
SELECT rezago.import_observations('staging');
\i test/fixtures/sinim4_methodology.sql
EOF
    "${psql[@]}" -At > "$work/real.svg" <<'EOF'
SELECT rezago.svg_map('comuna', 2023, 'sinim4', width => 640, regions => '{7,16,8,9}',
    title => 'Índice de rezago 2023: Maule, Ñuble, Biobío y La Araucanía',
    note => 'Puntajes reales: SINIM 2023, metodología sinim4 (4 de las 18 variables). Límites: BCN. Gris: comunas sin datos.');
EOF
    read -r png w h < <(render "$work/real.svg")
    check_png "$png" "$w" "$h" 5 || failed=1
    if [ -n "${REZAGO_MAP_OUT:-}" ]; then cp "$png" "$REZAGO_MAP_OUT"; echo "portal_svg: kept $REZAGO_MAP_OUT"; fi
else
    echo "############################################################"
    echo "# portal_svg: REAL-DATA MAP NOT RENDERED: ${REZAGO_DATA:-REZAGO_DATA} lacks"
    echo "# comunas_bcn.geojson or sinim_2019_2023.csv (see ../shared/data)."
    echo "############################################################"
    [ "${CI:-}" = true ] && failed=1
fi
psql -X -q -d postgres -c "DROP DATABASE rezago_svg"
[ $failed = 0 ] && echo "portal_svg: ok"
exit $failed
