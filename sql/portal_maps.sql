-- Maps: rezago.map_features, rezago.geojson, the vector-tile functions and
-- the SVG choropleth, on six square comunas (0.5 degree cells) in central
-- Chile with the hand example's data (test/fixtures/portal_hand.sql).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\i test/fixtures/portal_squares.sql

-- features: 2020 quintiles 104 (index 0) 1, 102 2, 103 and 105 4, 101 5; 106 no index
SELECT id, name, period, methodology, index, rank, quintile, ST_AsText(geom) AS geom
FROM rezago.map_features('comuna', 2020, 'toy') ORDER BY id;
-- territories: the union of the members; t1 = 101 + 102, one rectangle 1 x 0.5 degrees
SELECT id, name, index, rank, ST_NumGeometries(geom) AS parts, ST_Area(geom) AS area,
       ST_Equals(geom, ST_MakeEnvelope(-72.5, -36.5, -71.5, -36.0, 4326)) AS is_the_two_cells
FROM rezago.map_features('territory', 2020, 'toy') ORDER BY id;
-- period NULL: the latest period with data (2021); methodology NULL: the default
SET LOCAL rezago.default_methodology = 'toy';
SELECT DISTINCT period, methodology FROM rezago.map_features();

-- GeoJSON FeatureCollection
SELECT g->>'type' AS type, jsonb_array_length(g->'features') AS features,
       g->'features'->0->'properties' AS first_properties,
       g->'features'->0->'geometry'->>'type' AS geometry_type,
       ST_Equals(ST_SetSRID(ST_GeomFromGeoJSON(g->'features'->0->'geometry'), 4326),
                 ST_Multi(ST_MakeEnvelope(-72.5, -36.5, -72.0, -36.0, 4326))) AS geometry_round_trips
FROM rezago.geojson('comuna', 2020) g;
SELECT f->'properties' AS properties, f->'geometry'->>'type' AS geometry_type
FROM jsonb_array_elements(rezago.geojson('territory', 2021)->'features') f;
-- coordinates rounded to the requested digits; a comuna without a boundary is left out
SELECT rezago.geojson('comuna', 2020, decimals => 0)->'features'->0->'geometry'->'coordinates'->0->0->0 AS rounded_vertex;
INSERT INTO rezago.comuna (cut, name) VALUES (109, 'Sin límite');
SELECT jsonb_array_length(rezago.geojson()->'features') AS features_without_109;
-- no territories: an empty collection
SELECT rezago.geojson('territory', 2020, 'ufro2017') = '{"type": "FeatureCollection", "features": []}'::jsonb
       OR jsonb_array_length(rezago.geojson('territory', 2020, 'ufro2017')->'features') = 2 AS valid_collection;
SAVEPOINT s;
SELECT rezago.geojson('provincia');
ROLLBACK TO s;
SAVEPOINT s;
SELECT rezago.geojson(NULL);
ROLLBACK TO s;

-- vector tiles: the world tile and tile 4/4/9 (Chile, 67.5-90 W, 21-41 S) hold
-- the comunas; 4/0/9 (the Pacific, 157-180 W) is empty; the layer and
-- attribute names are in the tile
SELECT length(rezago.comuna_tiles(0, 0, 0, 2020, 'toy')) > 0 AS world_tile_has_data,
       length(rezago.comuna_tiles(4, 4, 9)) > 0 AS chile_tile_has_data,
       length(rezago.comuna_tiles(4, 0, 9)) AS ocean_tile_bytes,
       position('comunas'::bytea IN rezago.comuna_tiles(4, 4, 9)) > 0 AS has_layer_comunas,
       position('quintile'::bytea IN rezago.comuna_tiles(4, 4, 9)) > 0 AS has_attribute_quintile,
       position('Tres'::bytea IN rezago.comuna_tiles(4, 4, 9)) > 0 AS has_name_tres,
       position('territories'::bytea IN rezago.territory_tiles(4, 4, 9)) > 0 AS has_layer_territories,
       length(rezago.territory_tiles(4, 0, 9)) AS ocean_territory_bytes;
-- Martin's signature (z, x, y, query_params json) gives the same tile
SELECT rezago.comuna_tiles_martin(4, 4, 9, '{"period": "2020"}') = rezago.comuna_tiles(4, 4, 9, 2020) AS martin_same,
       rezago.territory_tiles_martin(4, 4, 9, '{}') = rezago.territory_tiles(4, 4, 9) AS martin_territory_same,
       rezago.comuna_tiles(NULL, 0, 0) IS NULL AS null_tile_is_null;
SAVEPOINT s;
SELECT rezago.comuna_tiles(4, 16, 0);
ROLLBACK TO s;
SAVEPOINT s;
SELECT rezago.comuna_tiles(-1, 0, 0);
ROLLBACK TO s;
SAVEPOINT s;
SELECT rezago.comuna_tiles_martin(0, 0, 0, '{"period": "last"}');
ROLLBACK TO s;

-- SVG: a well-formed XML document with one path per area, in the palette's
-- colours by class, grey for no index, and a legend
SELECT xml_is_well_formed_document(rezago.svg_map('comuna', 2020, width => 400)) AS well_formed,
       (SELECT count(*) FROM regexp_matches(rezago.svg_map('comuna', 2020, width => 400), '<path ', 'g')) AS paths;
CREATE TEMP TABLE svg_paths AS
SELECT m[4] AS title, m[1] AS fill, m[2]::numeric AS x, m[3]::numeric AS y
FROM regexp_matches(rezago.svg_map('comuna', 2020, width => 400),
                    '<path fill="([^"]+)" d="M ([0-9.]+) ([0-9.]+)[^"]*"><title>([^<]+)</title>', 'g') m;
SELECT title, fill FROM svg_paths ORDER BY title;
-- north is up (ST_AsSVG writes -y: the map must not be upside down), west is left
SELECT (SELECT y FROM svg_paths WHERE title LIKE 'Uno:%') < (SELECT y FROM svg_paths WHERE title LIKE 'Cuatro:%') AS north_up,
       (SELECT x FROM svg_paths WHERE title LIKE 'Uno:%') < (SELECT x FROM svg_paths WHERE title LIKE 'Tres:%') AS west_left;
SELECT rezago.map_palette(5) AS palette, rezago.map_palette(2) IS NULL AS two_classes_unsupported;
-- the legend lists the classes present, highest first, with their ranges and counts
SELECT m[1] AS legend_entry
FROM regexp_matches(rezago.svg_map('comuna', 2020, width => 400), '<text x="[0-9]+" y="[0-9]+">([^<]+)</text>', 'g') m;
-- the height follows the map's shape unless given
SELECT substring(rezago.svg_map('comuna', 2020, width => 400) FROM '^<svg[^>]* height="([0-9]+)"') AS auto_height,
       substring(rezago.svg_map('comuna', 2020, width => 400, height => 300) FROM '^<svg[^>]* height="([0-9]+)"') AS given_height;
-- title and note are escaped; the default title names the period
SELECT position('Mapa A &amp; B &lt;prueba&gt;' IN rezago.svg_map(title => 'Mapa A & B <prueba>', note => 'Nota "1"')) > 0 AS title_escaped,
       position('Nota &quot;1&quot;' IN rezago.svg_map(note => 'Nota "1"')) > 0 AS note_escaped,
       position('Índice de rezago 2021, comunas' IN rezago.svg_map()) > 0 AS default_title;
-- regions: only región 8 (104-106); territories: t2 touches región 8 and 7
SELECT (SELECT count(*) FROM regexp_matches(rezago.svg_map('comuna', 2020, regions => '{8}'), '<path ', 'g')) AS region_8_paths,
       (SELECT count(*) FROM regexp_matches(rezago.svg_map('territory', 2020, regions => '{8}'), '<path ', 'g')) AS territory_paths;
-- equal intervals over 0..0.75: 104 class 1, 102 and 103/105 class 2, 101 class 5
SELECT m[2] AS title, m[1] AS fill
FROM regexp_matches(rezago.svg_map('comuna', 2020, breaks => 'equal'), '<path fill="([^"]+)" d="[^"]*"><title>([^<]+)</title>', 'g') m
ORDER BY 1;
-- an oceanic island (west of 78 W) is clipped away unless insular => true
INSERT INTO rezago.comuna (cut, name, geom) VALUES (110, 'Isla', ST_Multi(ST_MakeEnvelope(-80.0, -33.8, -79.8, -33.6, 4326)));
SELECT (SELECT count(*) FROM regexp_matches(rezago.svg_map('comuna', 2020), '<path ', 'g')) AS continental_paths,
       (SELECT count(*) FROM regexp_matches(rezago.svg_map('comuna', 2020, insular => true), '<path ', 'g')) AS with_islands;
-- nothing to draw: still a valid document that says so
SELECT xml_is_well_formed_document(s) AS well_formed, position('No hay áreas' IN s) > 0 AS says_empty
FROM rezago.svg_map('territory', 2020, regions => '{99}') s;
-- NULL arguments: insular NULL = false, title NULL = the default, regions NULL = all
SELECT (SELECT count(*) FROM regexp_matches(rezago.svg_map('comuna', 2020, insular => NULL, title => NULL, regions => NULL), '<path ', 'g')) AS paths,
       rezago.geojson('comuna', 2020, decimals => NULL) = rezago.geojson('comuna', 2020) AS null_decimals_is_5;
SAVEPOINT s;
SELECT rezago.svg_map(width => 50);
ROLLBACK TO s;
SAVEPOINT s;
SELECT rezago.svg_map(width => NULL);
ROLLBACK TO s;
SAVEPOINT s;
SELECT rezago.svg_map(classes => 9);
ROLLBACK TO s;
SAVEPOINT s;
SELECT rezago.svg_map(breaks => 'jenks');
ROLLBACK TO s;
SAVEPOINT s;
SELECT rezago.svg_map('region');
ROLLBACK TO s;
ROLLBACK;
