#!/usr/bin/env bash
# The loaders find PostGIS in whatever schema it was installed in, even one
# whose name needs quoting ("Geo Data"): they build their SQL with
# format('%I') from the schema's name (0.1.0 quoted an already quoted name and
# could not load boundaries there).
source "$(dirname "$0")/lib/common.sh"
createdb rezago_geo
out=$(sql rezago_geo -At <<'SQL'
CREATE SCHEMA "Geo Data";
CREATE EXTENSION postgis SCHEMA "Geo Data";
CREATE EXTENSION rezago;
SET search_path = public;   -- PostGIS is not on the caller's path either
CREATE TABLE shapes (cut int, name text, provincia text, region text, geom "Geo Data".geometry);
INSERT INTO shapes VALUES (4201, 'Illapel', 'Choapa', 'Coquimbo',
    "Geo Data".st_geomfromtext('POLYGON((0 0,2 2,2 0,0 2,0 0))', 4326));
SELECT rezago.import_comunas('shapes');
SELECT rezago.import_comunas_geojson('{"type": "FeatureCollection", "features": [{"type": "Feature",
  "properties": {"cod_comuna": 4202, "Comuna": "Canela"},
  "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}]}');
SELECT count(*) || ' comunas, ' || count(*) FILTER (WHERE "Geo Data".st_isvalid(geom)) || ' valid boundaries'
FROM rezago.comuna;
SQL
) || fail "loading with PostGIS in schema \"Geo Data\": $out"
[ "$(echo "$out" | tail -1)" = "2 comunas, 2 valid boundaries" ] || fail "unexpected result: $out"
say "PostGIS in schema \"Geo Data\": both loaders work ($(echo "$out" | tail -1))"
