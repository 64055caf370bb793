#!/usr/bin/env bash
# The map layers through real GIS clients, on the real comunas of $REZAGO_DATA
# (BCN boundaries, SINIM 2019-2023, methodology sinim4, province territories):
#   1. GDAL (ogrinfo) lists the map views as spatial layers: MultiPolygon,
#      EPSG:4326, ogc_fid as the FID, the view's row count, the field types;
#   2. ogr2ogr exports them, and the whole database, to GeoPackage and GeoJSON
#      without a warning (no array column, no unpopulated materialised view);
#   3. GDAL's MVT driver decodes a tile: layer, MVT ids = feature_id, the
#      attributes of the view, vertices and centroids within 0.01 degree of
#      PostGIS; the
#      tile functions' comments are TileJSON naming the fields the tile has;
#   4. rezago.geojson follows RFC 7946 (checked in PostGIS): every exterior
#      ring counter-clockwise, longitude first, integer ids = feature_id, a
#      bbox holding every feature;
#   5. QGIS (headless, Debian's python3-qgis) loads the four map views as its
#      browser does, with no key typed, and renders a choropleth to a PNG
#      (size, several fill colours).  REZAGO_QGIS_OUT=path keeps the PNG
#      (doc/img/qgis_comunas.png is made so).
# Needs gdal-bin and python3-qgis (.ci/run installs them): without them, or
# without the data, a banner says so; under CI (CI=true) that is a failure.
source "$(dirname "$0")/lib/common.sh"

banner() {
    echo "################################################################"
    echo "# gis_clients: $*"
    echo "################################################################"
    if [ "${CI:-}" = true ]; then fail "$* (CI=true)"; fi
    exit 0
}
missing=()
command -v ogrinfo > /dev/null && command -v ogr2ogr > /dev/null || missing+=(gdal-bin)
/usr/bin/python3 -c 'import qgis.core' 2> /dev/null || missing+=(python3-qgis)
[ ${#missing[@]} = 0 ] || banner "NOT RUN: ${missing[*]} missing (apt-get install ${missing[*]})"
have_real_data || banner "NOT RUN: the real boundaries are missing ($REZAGO_DATA/comunas_bcn.geojson)"

work=$(mktemp -d /tmp/rezago-gis.XXXXXX)
trap 'rm -rf "$work"' EXIT
db=rezago_gis
createdb "$db"
load_data "$db"
# the client sessions read the views under the methodology with data
sql "$db" -c "ALTER DATABASE $db SET rezago.default_methodology = 'sinim4'"
pg="PG:host=$PGHOST port=$PGPORT user=$PGUSER dbname=$db"
period=2023

# ---- 1. ogrinfo: the map views are spatial layers with the right metadata
layers=$(ogrinfo -ro -q "$pg" 2>&1) || fail "ogrinfo could not open the database: $layers"
for view in v_comuna_map v_territory_map v_comuna_map_web v_territory_map_web; do
    grep -qE ": rezago\.$view \(Multi Polygon\)$" <<< "$layers" \
        || fail "ogrinfo does not list rezago.$view as a Multi Polygon layer:"$'\n'"$layers"
    info=$(ogrinfo -ro -so "$pg" "rezago.$view" 2>&1)
    rows=$(sql "$db" -At -c "SELECT count(*) FROM rezago.$view")
    grep -qx "Feature Count: $rows" <<< "$info" || fail "$view: ogrinfo feature count is not $rows"
    grep -qx 'FID Column = ogc_fid' <<< "$info" || fail "$view: GDAL does not use ogc_fid as the feature id"
    grep -q '^    ID\["EPSG",4326\]\]$' <<< "$info" || fail "$view: layer SRS is not EPSG:4326"
    grep -E '^[a-z_0-9]+: ' <<< "$info" | grep -vE '^(Geometry|Extent|Feature Count|Layer name)' > "$work/$view.fields"
    ! grep -q 'List' "$work/$view.fields" || fail "$view: a list field: $(grep List "$work/$view.fields")"
    say "ogrinfo: rezago.$view Multi Polygon, EPSG:4326, FID ogc_fid, $rows features, $(wc -l < "$work/$view.fields") fields"
done
expect_fields() {   # view, then "name: Type" lines the layer must have
    local view=$1; shift
    for f in "$@"; do
        grep -q "^$f (" "$work/$view.fields" || fail "$view: field '$f' not as expected; GDAL has: $(tr '\n' ' ' < "$work/$view.fields")"
    done
}
expect_fields v_comuna_map 'feature_id: Integer' 'period: Integer' 'cut: Integer' 'comuna: String' \
    'index: Real' 'rank: Integer64' 'quintile: Integer' 'index_status_label: String' \
    'missing_dimension_names: String' 'score_capital_institucional: Real' 'score_capital_fisico: Real'
expect_fields v_territory_map 'feature_id: Integer' 'territory: String' 'index: Real' 'members: Integer64' \
    'exit_stage: String' 'exit_stage_label: String' 'score_capital_social: Real'

# ---- 2. ogr2ogr: GeoPackage and GeoJSON, no warning
export_quiet() {   # what, then ogr2ogr arguments; fails on any output on stderr
    local what=$1; shift
    ogr2ogr "$@" 2> "$work/ogr2ogr.err" || { cat "$work/ogr2ogr.err"; fail "ogr2ogr $what failed"; }
    [ ! -s "$work/ogr2ogr.err" ] || { cat "$work/ogr2ogr.err"; fail "ogr2ogr $what printed warnings"; }
}
export_quiet "of the map views to GeoPackage" -f GPKG "$work/maps.gpkg" "$pg" \
    rezago.v_comuna_map rezago.v_territory_map rezago.v_comuna_map_web rezago.v_territory_map_web
export_quiet "of the whole database to GeoPackage" -f GPKG "$work/all.gpkg" "$pg"
export_quiet "of v_comuna_map_web to GeoJSON" -f GeoJSON -lco RFC7946=YES -nln comunas \
    -where "period = $period" "$work/comunas.geojson" "$pg" rezago.v_comuna_map_web
gpkg_rows=$(ogrinfo -ro -so "$work/maps.gpkg" rezago.v_comuna_map | sed -n 's/^Feature Count: //p')
[ "$gpkg_rows" = "$(sql "$db" -At -c 'SELECT count(*) FROM rezago.v_comuna_map')" ] \
    || fail "GeoPackage has $gpkg_rows comuna rows"
ogrinfo -ro -so "$work/maps.gpkg" rezago.v_comuna_map | grep -q '^FID Column = ogc_fid$' \
    || fail "GeoPackage lost the ogc_fid key"
json_rows=$(ogrinfo -ro -so "$work/comunas.geojson" comunas | sed -n 's/^Feature Count: //p')
[ "$json_rows" = "$(sql "$db" -At -c "SELECT count(*) FROM rezago.v_comuna_map WHERE period = $period")" ] \
    || fail "GeoJSON export has $json_rows features"
say "ogr2ogr: map views and whole database to GeoPackage ($gpkg_rows comuna rows, key kept), $period to GeoJSON ($json_rows features), no warnings"

# ---- 3. a vector tile through GDAL's MVT driver (7/38/76: Santiago and around)
read -r z x y <<< "7 38 76"
sql "$db" -At -c "SELECT encode(rezago.comuna_tiles($z, $x, $y, $period), 'base64')" | base64 -d > "$work/tile.pbf"
[ -s "$work/tile.pbf" ] || fail "tile $z/$x/$y is empty"
ogr2ogr -f GeoJSON -t_srs EPSG:4326 -oo X=$x -oo Y=$y -oo Z=$z "$work/tile.geojson" "MVT:$work/tile.pbf" \
    2> "$work/mvt.err" || { cat "$work/mvt.err"; fail "GDAL could not decode tile $z/$x/$y"; }
tile_info=$(ogrinfo -ro -so -oo X=$x -oo Y=$y -oo Z=$z "MVT:$work/tile.pbf" comunas 2>&1) \
    || fail "the tile has no layer comunas: $tile_info"
tile_fields=$(grep -E '^[a-z_]+: ' <<< "$tile_info" | grep -vE '^(Geometry|Extent|Feature Count|Layer name|mvt_id)' \
    | cut -d: -f1 | sort | tr '\n' ' ')
sql "$db" -v tile="$(cat "$work/tile.geojson")" -v fields="$tile_fields" -v period=$period \
    -v z=$z -v x=$x -v y=$y > "$work/mvt.out" 2>&1 <<'SQL' || { cat "$work/mvt.out"; fail "the decoded tile does not match PostGIS"; }
\set QUIET on
SET tile.z = :z; SET tile.x = :x; SET tile.y = :y; SET tile.period = :period; SET tile.fields = :'fields';
CREATE TEMP TABLE decoded AS
SELECT (f->'properties'->>'mvt_id')::integer AS id, f->'properties' AS p,
       ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326) AS geom
FROM jsonb_array_elements(:'tile'::jsonb->'features') f;
DO $$
DECLARE
    n integer; whole integer; bad text; tj jsonb;
    env geometry := ST_Transform(ST_TileEnvelope(current_setting('tile.z')::int, current_setting('tile.x')::int,
                                                 current_setting('tile.y')::int), 4326);
BEGIN
    SELECT count(*) INTO n FROM decoded;
    IF n < 30 THEN RAISE EXCEPTION 'only % features decoded', n; END IF;
    -- ids are the view's feature_id, attributes the view's values
    SELECT string_agg(d.id::text, ' ') INTO bad FROM decoded d
    LEFT JOIN rezago.v_comuna_map v ON v.feature_id = d.id AND v.period = current_setting('tile.period')::int
    WHERE v.cut IS NULL OR (d.p->>'cut')::int IS DISTINCT FROM v.cut OR d.p->>'name' IS DISTINCT FROM v.comuna
       OR (d.p->>'period')::int IS DISTINCT FROM v.period
       OR abs((d.p->>'index')::float8 - v.index) > 1e-9 OR (d.p->>'index' IS NULL) <> (v.index IS NULL)
       OR (d.p->>'rank')::bigint IS DISTINCT FROM v.rank;
    IF bad IS NOT NULL THEN RAISE EXCEPTION 'features differing from v_comuna_map: %', bad; END IF;
    -- every comuna of the view that reaches into the tile is there
    SELECT string_agg(v.cut::text, ' ') INTO bad FROM rezago.v_comuna_map v
    WHERE v.period = current_setting('tile.period')::int AND ST_Intersects(v.geom, ST_Buffer(env, -0.01))
      AND NOT EXISTS (SELECT 1 FROM decoded d WHERE d.id = v.feature_id);
    IF bad IS NOT NULL THEN RAISE EXCEPTION 'comunas missing from the tile: %', bad; END IF;
    -- positions, for the comunas wholly inside the tile: every decoded vertex
    -- within 0.01 degree of the boundary in PostGIS, and the centroids too
    -- (islets below the tile's resolution are dropped, so not the converse)
    SELECT count(*), string_agg(d.id::text, ' ') FILTER (WHERE
               ST_Distance(ST_Centroid(d.geom), ST_Centroid(c.geom)) > 0.01
               OR (SELECT max(ST_Distance(p.geom, ST_Boundary(c.geom))) FROM ST_DumpPoints(d.geom) p) > 0.01)
    INTO whole, bad
    FROM decoded d JOIN rezago.comuna c ON c.cut = d.id WHERE ST_CoveredBy(c.geom, env);
    IF whole < 10 OR bad IS NOT NULL THEN
        RAISE EXCEPTION '% comunas wholly inside; off by more than 0.01 degree: %', whole, bad;
    END IF;
    -- the TileJSON of the comment names the layer and exactly the tile's fields
    FOR tj IN SELECT obj_description(f::regprocedure, 'pg_proc')::jsonb FROM unnest(ARRAY[
        'rezago.comuna_tiles(integer,integer,integer,integer,text)',
        'rezago.comuna_tiles_martin(integer,integer,integer,json)']) f
    LOOP
        IF tj->'vector_layers'->0->>'id' <> 'comunas'
           OR (SELECT string_agg(k, ' ' ORDER BY k) || ' ' FROM jsonb_object_keys(tj->'vector_layers'->0->'fields') k)
              <> current_setting('tile.fields') THEN
            RAISE EXCEPTION 'TileJSON % does not describe the tile''s fields %', tj, current_setting('tile.fields');
        END IF;
    END LOOP;
    RAISE NOTICE 'tile: % features, ids and attributes as v_comuna_map, % wholly inside within 0.01 degree', n, whole;
END
$$;
SQL
say "MVT: $(grep -o 'tile: .*' "$work/mvt.out"); TileJSON fields: $tile_fields"

# ---- 4. rezago.geojson per RFC 7946, checked in PostGIS
for layer in comuna territory; do
    out=$(sql "$db" -At -v layer=$layer -v period=$period 2>&1 <<'SQL'
\set QUIET on
WITH g AS (SELECT rezago.geojson(:'layer', :period) AS g),
f AS (SELECT f, ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326) AS geom FROM g, jsonb_array_elements(g.g->'features') f),
v AS (SELECT feature_id FROM rezago.v_comuna_map WHERE :'layer' = 'comuna' AND period = :period
      UNION ALL SELECT feature_id FROM rezago.v_territory_map WHERE :'layer' = 'territory' AND period = :period)
SELECT format('%s features, %s not counter-clockwise, %s ids not integers, %s ids not in the view, %s outside the bbox, %s not in Chile (lon, lat)',
    count(*), count(*) FILTER (WHERE NOT ST_IsPolygonCCW(f.geom)),
    count(*) FILTER (WHERE jsonb_typeof(f.f->'id') <> 'number'),
    count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM v WHERE v.feature_id = (f.f->>'id')::int)),
    count(*) FILTER (WHERE NOT ST_CoveredBy(f.geom, (SELECT ST_MakeEnvelope((g->'bbox'->>0)::float8, (g->'bbox'->>1)::float8,
                                                        (g->'bbox'->>2)::float8, (g->'bbox'->>3)::float8, 4326) FROM g))),
    count(*) FILTER (WHERE NOT ST_Y(ST_PointOnSurface(f.geom)) BETWEEN -56.1 AND -17.4
                        OR NOT ST_X(ST_PointOnSurface(f.geom)) BETWEEN -109.5 AND -66.3))
    || CASE WHEN count(*) = (SELECT count(*) FROM v) THEN '' ELSE ' (the view has ' || (SELECT count(*) FROM v) || ')' END
FROM f;
SQL
    ) || fail "geojson($layer): $out"
    grep -qE '^[0-9]{2,} features, 0 not counter-clockwise, 0 ids not integers, 0 ids not in the view, 0 outside the bbox, 0 not in Chile \(lon, lat\)$' <<< "$out" \
        || fail "geojson($layer) is not RFC 7946: $out"
    say "GeoJSON $layer: $out"
done

# ---- 5. QGIS, headless: the map views with no key typed, and a choropleth
png=$work/qgis_comunas.png
QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$work /usr/bin/python3 "$lib/qgis_render.py" "$db" $period "$png" \
    > "$work/qgis.out" 2> "$work/qgis.err" || { cat "$work/qgis.out" "$work/qgis.err"; fail "QGIS"; }
sed 's/^qgis: /QGIS: /' "$work/qgis.out" | while read -r line; do say "$line"; done
if [ -n "${REZAGO_QGIS_OUT:-}" ]; then cp "$png" "$REZAGO_QGIS_OUT"; say "kept $REZAGO_QGIS_OUT"; fi

dropdb "$db"
say "ok"
