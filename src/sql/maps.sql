/*
 * Maps of the index: the features of a layer (comunas or territories) with
 * their scores, as GeoJSON (RFC 7946), as vector tiles (pg_tileserv, Martin),
 * as map views that GIS clients (QGIS, GDAL) read as layers, and as an SVG
 * choropleth drawn inside the database.  One integer feature id per unit
 * (the CUT, or rezago.territory_feature_id) is shared by all of them.  Territory boundaries come from
 * the cached rezago.territory_geometry (territories.sql); the default
 * methodology and the periods from portal.sql.
 */

--------------------------------------------------------------------------
-- Territory boundaries, read from the cache that territories.sql keeps
--------------------------------------------------------------------------

CREATE FUNCTION rezago.territory_union_geom()
RETURNS TABLE (territory text, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT g.territory, g.geom::geometry
    FROM rezago.territory_geometry g
    WHERE g.geom IS NOT NULL;
END;
COMMENT ON FUNCTION rezago.territory_union_geom() IS
'Boundary of each territory for the map functions: the union of its member comunas'' boundaries (made valid; MultiPolygon, SRID 4326), read from rezago.territory_geometry, which triggers keep up to date (no union is computed here). Territories whose members have no boundary, or whose union failed (rezago.territory_geometry.error), are absent; a territory with some members lacking a boundary has the union of the others (see territory_geometry.members_with_geometry).';

--------------------------------------------------------------------------
-- Feature ids: one integer per comuna or territory, shared by the map views,
-- the GeoJSON and the vector tiles (MVT feature ids must be integers)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.territory_feature_id(territory text)
RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN EXISTS (SELECT 1 FROM rezago.territory t WHERE t.code = territory_feature_id.territory) THEN
               (SELECT pg_catalog.count(*)::integer FROM rezago.territory t
                WHERE t.code COLLATE "C" <= territory_feature_id.territory COLLATE "C")
           END;
END;
COMMENT ON FUNCTION rezago.territory_feature_id(text) IS
'Integer feature id of a territory in the map views (feature_id), rezago.geojson (the feature "id") and the vector tiles (the MVT feature id): its position, from 1, among all territory codes in byte (C collation) order. Stable while the set of territories does not change (adding or removing a territory renumbers those after it; the code, in the territory column or property, is the permanent key). NULL for an unknown territory or NULL. Comunas need no such function: their feature id is the CUT.';

--------------------------------------------------------------------------
-- Maps: GeoJSON, vector tiles
--------------------------------------------------------------------------

CREATE FUNCTION rezago.check_map_layer(layer text)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF layer IS NULL OR layer NOT IN ('comuna', 'territory') THEN
        RAISE EXCEPTION 'unknown map layer %', coalesce(pg_catalog.quote_literal(layer), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The map functions draw comunas or territories.',
                  HINT = 'Pass layer => ''comuna'' or layer => ''territory''.';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION rezago.check_map_layer(text) IS
'Returns true for the map layers comuna and territory; raises 22023 for anything else, NULL included. Used by the map functions.';

CREATE FUNCTION rezago.map_features(layer text DEFAULT 'comuna', period integer DEFAULT NULL,
                                    methodology text DEFAULT NULL)
RETURNS TABLE (id text, name text, period integer, methodology text, index double precision,
               rank bigint, quintile integer, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT rezago.require_methodology(coalesce(map_features.methodology, rezago.default_methodology())) AS code
        WHERE rezago.check_map_layer(map_features.layer)
    ), p AS MATERIALIZED (
        SELECT coalesce(map_features.period, (SELECT max(x.period) FROM rezago.index_periods(m.code) x)) AS period, m.code
        FROM m
    ), g AS MATERIALIZED (
        -- once, not per territory (and not at all for the comuna layer)
        SELECT x.territory, x.geom FROM rezago.territory_union_geom() x
        WHERE map_features.layer = 'territory'
    ), f AS (
        SELECT ci.cut::text AS id, c.name, ci.index, ci.rank, c.geom
        FROM p CROSS JOIN LATERAL rezago.comuna_index(p.period, p.code) ci
        JOIN rezago.comuna c ON c.cut = ci.cut
        WHERE map_features.layer = 'comuna' AND c.geom IS NOT NULL
        UNION ALL
        SELECT ti.territory, t.name, ti.index, ti.rank, g.geom
        FROM p CROSS JOIN LATERAL rezago.territory_index(p.period, p.code) ti
        JOIN rezago.territory t ON t.code = ti.territory
        JOIN g ON g.territory = ti.territory
        WHERE map_features.layer = 'territory'
    )
    SELECT f.id, f.name, p.period, p.code, f.index, f.rank,
           CASE WHEN f.index IS NOT NULL THEN
               ceil(5 * cume_dist() OVER (PARTITION BY f.index IS NULL ORDER BY f.index))::integer
           END,
           f.geom
    FROM f CROSS JOIN p
    ORDER BY f.id;
END;
COMMENT ON FUNCTION rezago.map_features(text, integer, text) IS
'The features the map functions draw: every comuna with a boundary (layer comuna, id = CUT) or every territory with one (layer territory, id = code; boundary = union of its members), with name, period, methodology, index, rank, quintile (1..5, 5 = most lagged fifth of the features with an index) and geometry (SRID 4326). period NULL: the latest period with data; methodology NULL: rezago.default_methodology(). Errors: unknown layer (22023), unknown or incomplete methodology.';

CREATE FUNCTION rezago.geojson(layer text DEFAULT 'comuna', period integer DEFAULT NULL,
                               methodology text DEFAULT NULL, decimals integer DEFAULT 5)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH d AS MATERIALIZED (
        SELECT greatest(0, least(coalesce(geojson.decimals, 5), 15)) AS n
    ), f AS MATERIALIZED (
        -- RFC 7946: exterior rings counter-clockwise, holes clockwise, decided
        -- on the coordinates as written: snapped to the grid of the requested
        -- digits first, which drops the islets and holes that collapse at that
        -- precision (a ring of no area has no orientation); a feature that
        -- would vanish altogether keeps its boundary
        SELECT mf.id, mf.name, mf.period, mf.methodology, mf.index, mf.rank, mf.quintile,
               ST_ForcePolygonCCW(CASE WHEN ST_IsEmpty(s.geom) THEN mf.geom ELSE s.geom END) AS geom,
               CASE geojson.layer WHEN 'comuna' THEN mf.id::integer
                    ELSE rezago.territory_feature_id(mf.id) END AS feature_id
        FROM d CROSS JOIN rezago.map_features(geojson.layer, geojson.period, geojson.methodology) mf
        CROSS JOIN LATERAL (SELECT ST_SnapToGrid(mf.geom, 10 ^ (-d.n)) AS geom) s
    ), c AS (
        SELECT jsonb_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(jsonb_agg(jsonb_build_object(
                'type', 'Feature',
                'id', f.feature_id,
                'geometry', ST_AsGeoJSON(f.geom, d.n)::jsonb,
                'properties', jsonb_build_object(
                    CASE geojson.layer WHEN 'comuna' THEN 'cut' ELSE 'territory' END,
                    CASE geojson.layer WHEN 'comuna' THEN to_jsonb(f.id::integer) ELSE to_jsonb(f.id) END,
                    'name', f.name, 'period', f.period, 'methodology', f.methodology,
                    'index', f.index, 'rank', f.rank, 'quintile', f.quintile))
                ORDER BY f.id) FILTER (WHERE f.id IS NOT NULL), '[]'::jsonb)) AS collection,
               ST_Extent(f.geom) AS extent, pg_catalog.min(d.n) AS n
        FROM d LEFT JOIN f ON true   -- a row even without features
    )
    -- the bounding box, rounded outwards so that it holds every rounded vertex
    SELECT c.collection || CASE WHEN c.extent IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('bbox', jsonb_build_array(
               floor(ST_XMin(c.extent)::numeric * 10 ^ c.n) / 10 ^ c.n, floor(ST_YMin(c.extent)::numeric * 10 ^ c.n) / 10 ^ c.n,
               ceil(ST_XMax(c.extent)::numeric * 10 ^ c.n) / 10 ^ c.n, ceil(ST_YMax(c.extent)::numeric * 10 ^ c.n) / 10 ^ c.n)) END
    FROM c;
END;
COMMENT ON FUNCTION rezago.geojson(text, integer, text, integer) IS
'A GeoJSON FeatureCollection as RFC 7946 defines it (WGS84 longitude, latitude; exterior rings counter-clockwise, holes clockwise: the right-hand rule) of comunas (layer comuna) or territories (layer territory) with their scores in properties: cut or territory, name, period, methodology, index (null without one), rank, quintile. Rings that collapse at the requested digits (islets, slivers) are left out, unless the whole feature would vanish. Each feature''s "id" is an integer, the same as feature_id in rezago.v_comuna_map / rezago.v_territory_map and the MVT feature id of the tiles: the CUT for a comuna, rezago.territory_feature_id(code) for a territory. The collection has a "bbox" [west, south, east, north] (rounded outwards to the coordinate digits) when it has features. Comunas without a boundary are left out. period NULL: latest period with data; methodology NULL: rezago.default_methodology(); decimals: coordinate digits (default 5, about 1 m; clamped to 0..15, NULL = 5). Errors as rezago.map_features.';

CREATE FUNCTION rezago.check_tile(z integer, x integer, y integer)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF z IS NULL OR x IS NULL OR y IS NULL THEN
        RETURN NULL;
    END IF;
    IF z < 0 OR z > 24 OR x < 0 OR y < 0 OR x::bigint >= (1::bigint << z) OR y::bigint >= (1::bigint << z) THEN
        RAISE EXCEPTION 'tile %/%/% does not exist', z, x, y
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = CASE WHEN z BETWEEN 0 AND 24
                                THEN pg_catalog.format('At zoom %s, x and y go from 0 to %s.', z, (1::bigint << z) - 1)
                                ELSE 'Zoom levels go from 0 to 24.' END,
                  HINT = 'Pass z in 0..24 and x, y in 0..2^z - 1 (XYZ scheme, as tile servers send them).';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION rezago.check_tile(integer, integer, integer) IS
'True for an existing XYZ tile (z 0..24, x and y 0..2^z-1); NULL when an argument is NULL; raises 22023 otherwise. Used by the tile functions.';

CREATE FUNCTION rezago.map_tile(layer text, z integer, x integer, y integer,
                                period integer DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH env AS MATERIALIZED (
        SELECT ST_TileEnvelope(map_tile.z, map_tile.x, map_tile.y) AS box3857
        WHERE rezago.check_tile(map_tile.z, map_tile.x, map_tile.y)
    ), env4326 AS MATERIALIZED (
        -- the tile plus a margin of one tenth, in the data's SRID, for the index scan
        SELECT env.box3857,
               ST_Transform(ST_Expand(env.box3857, (ST_XMax(env.box3857) - ST_XMin(env.box3857)) / 10), 4326) AS box4326
        FROM env
    ), f AS (
        -- id: the MVT feature id (not an attribute), as in rezago.geojson
        SELECT ST_AsMVTGeom(ST_Transform(mf.geom, 3857), e.box3857, 4096, 64, true) AS geom,
               CASE map_tile.layer WHEN 'comuna' THEN mf.id::integer ELSE rezago.territory_feature_id(mf.id) END AS id,
               CASE map_tile.layer WHEN 'comuna' THEN mf.id::integer END AS cut,
               CASE map_tile.layer WHEN 'territory' THEN mf.id END AS territory,
               mf.name, mf.period, mf.methodology, mf.index, mf.rank, mf.quintile
        FROM env4326 e
        CROSS JOIN LATERAL rezago.map_features(map_tile.layer, map_tile.period, map_tile.methodology) mf
        WHERE mf.geom && e.box4326
    )
    SELECT CASE WHEN EXISTS (SELECT 1 FROM env) THEN
        -- features in id order: the same data give the same bytes
        coalesce((SELECT ST_AsMVT(f, CASE map_tile.layer WHEN 'comuna' THEN 'comunas' ELSE 'territories' END, 4096, 'geom', 'id'
                                  ORDER BY f.id)
                  FROM f WHERE f.geom IS NOT NULL), ''::bytea)
    END;
END;
COMMENT ON FUNCTION rezago.map_tile(text, integer, integer, integer, integer, text) IS
'Mapbox vector tile (ST_AsMVT, extent 4096, buffer 64, Web Mercator) of comunas (layer "comunas") or territories (layer "territories"). Each feature''s MVT id is the integer feature id of rezago.geojson and the map views (feature_id: the CUT, or rezago.territory_feature_id); attributes cut (comunas, integer) or territory (territories, text), name, period, methodology, index, rank, quintile (null values are left out). An empty bytea when no feature touches the tile; NULL when z, x or y is NULL. Errors: tile out of range (22023), unknown layer (22023), unknown methodology.';

CREATE FUNCTION rezago.comuna_tiles(z integer, x integer, y integer,
                                    period integer DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
RETURN rezago.map_tile('comuna', z, x, y, period, methodology);
-- The comments of the four tile functions are TileJSON documents: Martin
-- merges a function source's comment into its TileJSON, pg_tileserv shows it
-- as the layer's description (doc/reference.md, Maps).
COMMENT ON FUNCTION rezago.comuna_tiles(integer, integer, integer, integer, text) IS
'{"tilejson": "3.0.0", "name": "rezago.comuna_tiles", "description": "Vector tile (MVT) of the comunas with their lag index (rezago.map_tile, layer comunas), the function layer pg_tileserv serves: /rezago.comuna_tiles/{z}/{x}/{y}.pbf?period=2023&methodology=ufro2017. period NULL: latest with data; methodology NULL: rezago.default_methodology(). An empty tile where no comuna is; NULL when z, x or y is NULL. Errors: tile out of range (22023), unknown methodology (42704).", "attribution": "rezago (boundaries: BCN; data: as loaded)", "minzoom": 0, "maxzoom": 24, "vector_layers": [{"id": "comunas", "description": "Comunas with a boundary and their lag index, one feature each; MVT feature id = feature_id of the map views (the CUT)", "minzoom": 0, "maxzoom": 24, "fields": {"cut": "Number", "name": "String", "period": "Number", "methodology": "String", "index": "Number", "rank": "Number", "quintile": "Number"}}]}';

CREATE FUNCTION rezago.territory_tiles(z integer, x integer, y integer,
                                       period integer DEFAULT NULL, methodology text DEFAULT NULL)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
RETURN rezago.map_tile('territory', z, x, y, period, methodology);
COMMENT ON FUNCTION rezago.territory_tiles(integer, integer, integer, integer, text) IS
'{"tilejson": "3.0.0", "name": "rezago.territory_tiles", "description": "Vector tile (MVT) of the territories with their lag index (rezago.map_tile, layer territories; boundary = union of the members), the function layer pg_tileserv serves: /rezago.territory_tiles/{z}/{x}/{y}.pbf?period=2023. period NULL: latest with data; methodology NULL: rezago.default_methodology(). An empty tile where no territory is; NULL when z, x or y is NULL. Errors: tile out of range (22023), unknown methodology (42704).", "attribution": "rezago (boundaries: BCN; data: as loaded)", "minzoom": 0, "maxzoom": 24, "vector_layers": [{"id": "territories", "description": "Territories with a boundary (union of the members) and their lag index, one feature each; MVT feature id = feature_id of the map views (rezago.territory_feature_id)", "minzoom": 0, "maxzoom": 24, "fields": {"territory": "String", "name": "String", "period": "Number", "methodology": "String", "index": "Number", "rank": "Number", "quintile": "Number"}}]}';

-- query_params has a default so that pg_tileserv, which lists every
-- function of (z, x, y, ...) returning bytea, can call these too
CREATE FUNCTION rezago.comuna_tiles_martin(z integer, x integer, y integer, query_params json DEFAULT '{}')
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
RETURN rezago.map_tile('comuna', z, x, y, (query_params->>'period')::integer, query_params->>'methodology');
COMMENT ON FUNCTION rezago.comuna_tiles_martin(integer, integer, integer, json) IS
'{"tilejson": "3.0.0", "name": "rezago.comuna_tiles_martin", "description": "rezago.comuna_tiles with the signature Martin detects as a function source (z, x, y, query_params json): /comuna_tiles_martin/{z}/{x}/{y}?period=2023&methodology=ufro2017. query_params NULL or {} (the default, what pg_tileserv sends): latest period, default methodology. A period that is not an integer raises 22P02; other errors as rezago.comuna_tiles.", "attribution": "rezago (boundaries: BCN; data: as loaded)", "minzoom": 0, "maxzoom": 24, "vector_layers": [{"id": "comunas", "description": "Comunas with a boundary and their lag index, one feature each; MVT feature id = feature_id of the map views (the CUT)", "minzoom": 0, "maxzoom": 24, "fields": {"cut": "Number", "name": "String", "period": "Number", "methodology": "String", "index": "Number", "rank": "Number", "quintile": "Number"}}]}';

CREATE FUNCTION rezago.territory_tiles_martin(z integer, x integer, y integer, query_params json DEFAULT '{}')
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
RETURN rezago.map_tile('territory', z, x, y, (query_params->>'period')::integer, query_params->>'methodology');
COMMENT ON FUNCTION rezago.territory_tiles_martin(integer, integer, integer, json) IS
'{"tilejson": "3.0.0", "name": "rezago.territory_tiles_martin", "description": "rezago.territory_tiles with the signature Martin detects as a function source (z, x, y, query_params json): /territory_tiles_martin/{z}/{x}/{y}?period=2023. query_params NULL or {} (the default): latest period, default methodology. A period that is not an integer raises 22P02; other errors as rezago.territory_tiles.", "attribution": "rezago (boundaries: BCN; data: as loaded)", "minzoom": 0, "maxzoom": 24, "vector_layers": [{"id": "territories", "description": "Territories with a boundary (union of the members) and their lag index, one feature each; MVT feature id = feature_id of the map views (rezago.territory_feature_id)", "minzoom": 0, "maxzoom": 24, "fields": {"territory": "String", "name": "String", "period": "Number", "methodology": "String", "index": "Number", "rank": "Number", "quintile": "Number"}}]}';

--------------------------------------------------------------------------
-- Map views: one row per unit and period, with a registered geometry
-- column (geometry_columns), an integer key GDAL and QGIS use without being
-- told (ogc_fid, the first column) and no array column, so that GDAL, QGIS,
-- GeoPackage and BI tools read them as they are (doc/reference.md, Maps)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.map_dimension_scores(layer text)
RETURNS TABLE (period integer, unit text, score_capital_humano double precision,
               score_capital_economico double precision, score_capital_institucional double precision,
               score_capital_social double precision, score_capital_cultural double precision,
               score_capital_fisico double precision)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT s.period, s.unit,
           pg_catalog.max(s.score) FILTER (WHERE s.dimension = 'capital_humano'),
           pg_catalog.max(s.score) FILTER (WHERE s.dimension = 'capital_economico'),
           pg_catalog.max(s.score) FILTER (WHERE s.dimension = 'capital_institucional'),
           pg_catalog.max(s.score) FILTER (WHERE s.dimension = 'capital_social'),
           pg_catalog.max(s.score) FILTER (WHERE s.dimension = 'capital_cultural'),
           pg_catalog.max(s.score) FILTER (WHERE s.dimension = 'capital_fisico')
    FROM (SELECT c.period, c.cut::text AS unit, c.dimension, c.score
          FROM rezago.v_comuna_dimension_scores c WHERE rezago.check_map_layer(map_dimension_scores.layer) AND map_dimension_scores.layer = 'comuna'
          UNION ALL
          SELECT t.period, t.territory, t.dimension, t.score
          FROM rezago.v_territory_dimension_scores t WHERE rezago.check_map_layer(map_dimension_scores.layer) AND map_dimension_scores.layer = 'territory') s
    GROUP BY s.period, s.unit;
END;
COMMENT ON FUNCTION rezago.map_dimension_scores(text) IS
'The dimension scores of rezago.v_comuna_dimension_scores (layer comuna; unit = the CUT as text) or rezago.v_territory_dimension_scores (layer territory; unit = the territory code), one row per unit and period, one column per dimension of the catalogue (the six capitals; NULL where the default methodology does not use the dimension or the score is NULL): what the map views show as columns, since GIS formats take no arrays. Errors: unknown or NULL layer (22023), unknown default methodology.';

CREATE VIEW rezago.v_comuna_map WITH (security_invoker = true) AS
WITH ds AS MATERIALIZED (
    SELECT x.* FROM rezago.map_dimension_scores('comuna') x
)
SELECT v.period::bigint * 10000000000 + v.cut AS ogc_fid,
       v.cut AS feature_id,
       v.methodology, v.period, v.cut, v.comuna, v.provincia_code, v.provincia, v.region_code, v.region,
       v.index, v.rank, v.ranked, v.quintile, v.previous_period, v.previous_rank, v.rank_change,
       v.index_status, v.index_status_label, v.missing_dimension_names,
       ds.score_capital_humano, ds.score_capital_economico, ds.score_capital_institucional,
       ds.score_capital_social, ds.score_capital_cultural, ds.score_capital_fisico,
       c.geom
FROM rezago.v_comuna_index v
JOIN rezago.comuna c ON c.cut = v.cut
LEFT JOIN ds ON ds.period = v.period AND ds.unit = v.cut::text
WHERE c.geom IS NOT NULL;
COMMENT ON VIEW rezago.v_comuna_map IS
'Map layer of the comunas: rezago.v_comuna_index with each dimension score in a column of its own and the boundary (geom, MultiPolygon, SRID 4326, registered in geometry_columns), one row per comuna with a boundary and period with data, under the default methodology. Key: ogc_fid (GDAL''s default FID column name; QGIS takes the first column as the key of a view). No array column (GeoPackage, shapefiles and BI tools take it as it is). Full-resolution boundaries; rezago.v_comuna_map_web has simplified ones for web maps. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_comuna_map.ogc_fid IS 'Unique key of the row: period * 10000000000 + cut (e.g. 20230000013101 for Santiago, CUT 13101, in 2023). GDAL uses a column of this name as the feature id, and QGIS as the layer''s key.';
COMMENT ON COLUMN rezago.v_comuna_map.feature_id IS 'Id of the comuna''s feature in rezago.geojson and in the vector tiles (the MVT feature id): the CUT.';
COMMENT ON COLUMN rezago.v_comuna_map.missing_dimension_names IS 'When the index is NULL, the Spanish names of the dimensions without a score, comma-separated (the text form of rezago.v_comuna_index.missing_dimensions); NULL otherwise.';
COMMENT ON COLUMN rezago.v_comuna_map.score_capital_humano IS 'Score of the dimension capital_humano (Capital humano), 1 = most lagged; NULL when the methodology does not use it or coverage is too low.';
COMMENT ON COLUMN rezago.v_comuna_map.score_capital_economico IS 'Score of the dimension capital_economico (Capital económico); NULL when not used or coverage is too low.';
COMMENT ON COLUMN rezago.v_comuna_map.score_capital_institucional IS 'Score of the dimension capital_institucional (Capital institucional); NULL when not used or coverage is too low.';
COMMENT ON COLUMN rezago.v_comuna_map.score_capital_social IS 'Score of the dimension capital_social (Capital social); NULL when not used or coverage is too low.';
COMMENT ON COLUMN rezago.v_comuna_map.score_capital_cultural IS 'Score of the dimension capital_cultural (Capital cultural); NULL when not used or coverage is too low.';
COMMENT ON COLUMN rezago.v_comuna_map.score_capital_fisico IS 'Score of the dimension capital_fisico (Capital físico); NULL when not used or coverage is too low.';
COMMENT ON COLUMN rezago.v_comuna_map.geom IS 'Boundary of the comuna, MultiPolygon in WGS84 (SRID 4326), as stored in rezago.comuna.';

CREATE VIEW rezago.v_territory_map WITH (security_invoker = true) AS
WITH ds AS MATERIALIZED (
    SELECT x.* FROM rezago.map_dimension_scores('territory') x
), fid AS MATERIALIZED (
    SELECT t.code, pg_catalog.row_number() OVER (ORDER BY t.code COLLATE "C")::integer AS feature_id
    FROM rezago.territory t
)
SELECT v.period::bigint * 10000000000 + fid.feature_id AS ogc_fid,
       fid.feature_id,
       v.methodology, v.period, v.territory, v.territory_name,
       v.index, v.rank, v.ranked, v.quintile, v.members, v.scored,
       v.previous_period, v.previous_rank, v.rank_change,
       v.index_status, v.index_status_label, x.stage AS exit_stage, x.stage_label AS exit_stage_label,
       ds.score_capital_humano, ds.score_capital_economico, ds.score_capital_institucional,
       ds.score_capital_social, ds.score_capital_cultural, ds.score_capital_fisico,
       g.geom
FROM rezago.v_territory_index v
JOIN fid ON fid.code = v.territory
JOIN rezago.territory_geometry g ON g.territory = v.territory
LEFT JOIN rezago.v_territory_exit x ON x.period = v.period AND x.territory = v.territory
LEFT JOIN ds ON ds.period = v.period AND ds.unit = v.territory
WHERE g.geom IS NOT NULL;
COMMENT ON VIEW rezago.v_territory_map IS
'Map layer of the territories: rezago.v_territory_index with the exit stage (rezago.v_territory_exit), each dimension score in a column of its own and the boundary (geom: union of the members, MultiPolygon, SRID 4326, registered in geometry_columns), one row per territory with a boundary and period with data, under the default methodology. Key: ogc_fid (used by GDAL and QGIS without being told). No array column. rezago.v_territory_map_web has simplified boundaries. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_map.ogc_fid IS 'Unique key of the row: period * 10000000000 + feature_id. GDAL uses a column of this name as the feature id, and QGIS as the layer''s key.';
COMMENT ON COLUMN rezago.v_territory_map.feature_id IS 'Id of the territory''s feature in rezago.geojson and in the vector tiles: rezago.territory_feature_id(territory), its position among the territory codes in byte order (stable while no territory is added or removed).';
COMMENT ON COLUMN rezago.v_territory_map.exit_stage IS 'Exit (egreso) stage in the period (rezago.v_territory_exit.stage): insufficient_data, lagging, exit_started, exit_advanced or exited.';
COMMENT ON COLUMN rezago.v_territory_map.exit_stage_label IS 'Spanish label of exit_stage (rezago.status_label), e.g. egreso iniciado.';
COMMENT ON COLUMN rezago.v_territory_map.score_capital_humano IS 'Mean of the members'' capital_humano (Capital humano) scores, 1 = most lagged; NULL when not used or no member has one.';
COMMENT ON COLUMN rezago.v_territory_map.score_capital_economico IS 'Mean of the members'' capital_economico (Capital económico) scores; NULL when not used or no member has one.';
COMMENT ON COLUMN rezago.v_territory_map.score_capital_institucional IS 'Mean of the members'' capital_institucional (Capital institucional) scores; NULL when not used or no member has one.';
COMMENT ON COLUMN rezago.v_territory_map.score_capital_social IS 'Mean of the members'' capital_social (Capital social) scores; NULL when not used or no member has one.';
COMMENT ON COLUMN rezago.v_territory_map.score_capital_cultural IS 'Mean of the members'' capital_cultural (Capital cultural) scores; NULL when not used or no member has one.';
COMMENT ON COLUMN rezago.v_territory_map.score_capital_fisico IS 'Mean of the members'' capital_fisico (Capital físico) scores; NULL when not used or no member has one.';
COMMENT ON COLUMN rezago.v_territory_map.geom IS 'Boundary of the territory: the union of its members'' boundaries (rezago.territory_geometry), MultiPolygon in WGS84 (SRID 4326).';

-- Simplified variants for web maps: the same rows and columns, boundaries
-- simplified to about 1 km (0.01 degrees, topology of each feature kept)
-- and oriented as RFC 7946 asks (exterior rings counter-clockwise)
CREATE VIEW rezago.v_comuna_map_web WITH (security_invoker = true) AS
SELECT m.ogc_fid, m.feature_id, m.methodology, m.period, m.cut, m.comuna, m.provincia_code, m.provincia,
       m.region_code, m.region, m.index, m.rank, m.ranked, m.quintile, m.previous_period, m.previous_rank,
       m.rank_change, m.index_status, m.index_status_label, m.missing_dimension_names,
       m.score_capital_humano, m.score_capital_economico, m.score_capital_institucional,
       m.score_capital_social, m.score_capital_cultural, m.score_capital_fisico,
       ST_ForcePolygonCCW(ST_Multi(ST_SimplifyPreserveTopology(m.geom, 0.01)))::geometry(MultiPolygon, 4326) AS geom
FROM rezago.v_comuna_map m;
CREATE VIEW rezago.v_territory_map_web WITH (security_invoker = true) AS
SELECT m.ogc_fid, m.feature_id, m.methodology, m.period, m.territory, m.territory_name,
       m.index, m.rank, m.ranked, m.quintile, m.members, m.scored, m.previous_period, m.previous_rank,
       m.rank_change, m.index_status, m.index_status_label, m.exit_stage, m.exit_stage_label,
       m.score_capital_humano, m.score_capital_economico, m.score_capital_institucional,
       m.score_capital_social, m.score_capital_cultural, m.score_capital_fisico,
       ST_ForcePolygonCCW(ST_Multi(ST_SimplifyPreserveTopology(m.geom, 0.01)))::geometry(MultiPolygon, 4326) AS geom
FROM rezago.v_territory_map m;
COMMENT ON VIEW rezago.v_comuna_map_web IS
'rezago.v_comuna_map with boundaries simplified for web maps (ST_SimplifyPreserveTopology, 0.01 degrees, about 1 km) and exterior rings counter-clockwise (RFC 7946); same rows, columns and key (ogc_fid). Neighbours are simplified separately, so shared edges may no longer match exactly. Stable: columns are only ever added at the end.';
COMMENT ON VIEW rezago.v_territory_map_web IS
'rezago.v_territory_map with boundaries simplified for web maps (0.01 degrees, about 1 km) and exterior rings counter-clockwise; same rows, columns and key (ogc_fid). Stable: columns are only ever added at the end.';

-- the other columns carry the comments of the columns they show: the map
-- views those of rezago.v_comuna_index / v_territory_index, the web variants
-- those of the map views (their geom says it is simplified)
DO $$
DECLARE
    r record;
    step integer;
BEGIN
    FOR step IN 1..2 LOOP   -- the map views first: the web variants copy their comments
        FOR r IN
            WITH pairs (stage, target, source) AS (VALUES
                (1, 'rezago.v_comuna_map'::regclass, 'rezago.v_comuna_index'::regclass),
                (1, 'rezago.v_territory_map'::regclass, 'rezago.v_territory_index'::regclass),
                (2, 'rezago.v_comuna_map_web'::regclass, 'rezago.v_comuna_map'::regclass),
                (2, 'rezago.v_territory_map_web'::regclass, 'rezago.v_territory_map'::regclass))
            SELECT p.target, a.attname,
                   pg_catalog.col_description(p.source, sa.attnum)
                   || CASE WHEN a.attname = 'geom' THEN ' Simplified to 0.01 degrees (about 1 km), exterior rings counter-clockwise.' ELSE '' END AS comment
            FROM pairs p
            JOIN pg_catalog.pg_attribute a ON a.attrelid = p.target AND a.attnum > 0
            JOIN pg_catalog.pg_attribute sa ON sa.attrelid = p.source AND sa.attname = a.attname
            WHERE p.stage = step AND pg_catalog.col_description(p.target, a.attnum) IS NULL
        LOOP
            EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', r.target, r.attname, r.comment);
        END LOOP;
    END LOOP;
END
$$;

--------------------------------------------------------------------------
-- SVG choropleth drawn inside the database
--------------------------------------------------------------------------

CREATE FUNCTION rezago.map_palette(classes integer DEFAULT 5)
RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE map_palette.classes
    WHEN 3 THEN ARRAY['#ffeda0', '#feb24c', '#f03b20']
    WHEN 4 THEN ARRAY['#ffffb2', '#fecc5c', '#fd8d3c', '#e31a1c']
    WHEN 5 THEN ARRAY['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026']
    WHEN 6 THEN ARRAY['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026']
    WHEN 7 THEN ARRAY['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#fc4e2a', '#e31a1c', '#b10026']
END;
COMMENT ON FUNCTION rezago.map_palette(integer) IS
'Fill colours of the SVG map, least lagged first: the sequential ColorBrewer palette YlOrRd (Cynthia Brewer, Penn State; colour-blind safe) for 3 to 7 classes. NULL for another number of classes or NULL. Areas without an index are grey #cccccc ("sin datos").';

CREATE FUNCTION rezago.xml_escape(t text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN replace(replace(replace(replace(t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;');
COMMENT ON FUNCTION rezago.xml_escape(text) IS
'Escapes &, <, > and " for XML text and attributes (used by rezago.svg_map). NULL gives NULL.';

CREATE FUNCTION rezago.check_svg_args(width integer, height integer, classes integer, breaks text)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF width IS NULL OR width < 200 OR width > 10000 OR (height IS NOT NULL AND (height < 150 OR height > 20000)) THEN
        RAISE EXCEPTION 'map size %x% is out of range', coalesce(width::text, 'NULL'), coalesce(height::text, 'auto')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The width must be 200..10000 pixels and the height 150..20000 or NULL (from the map''s shape).',
                  HINT = 'Pass e.g. width => 600, height => NULL.';
    END IF;
    IF classes IS NULL OR classes NOT BETWEEN 3 AND 7 THEN
        RAISE EXCEPTION 'the map can use 3 to 7 classes, not %', coalesce(classes::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The palette (rezago.map_palette) has 3 to 7 colours.',
                  HINT = 'Pass classes => 5 (the default).';
    END IF;
    IF breaks IS NULL OR breaks NOT IN ('quantile', 'equal') THEN
        RAISE EXCEPTION 'unknown class breaks %', coalesce(pg_catalog.quote_literal(breaks), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'quantile gives each class the same number of areas; equal splits the range of the index into equal intervals.',
                  HINT = 'Pass breaks => ''quantile'' or breaks => ''equal''.';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION rezago.check_svg_args(integer, integer, integer, text) IS
'Checks the size, classes and breaks arguments of rezago.svg_map: true, or error 22023 naming the bad argument.';

CREATE FUNCTION rezago.svg_map(layer text DEFAULT 'comuna', period integer DEFAULT NULL,
                               methodology text DEFAULT NULL, width integer DEFAULT 600,
                               height integer DEFAULT NULL, title text DEFAULT NULL,
                               regions integer[] DEFAULT NULL, insular boolean DEFAULT false,
                               classes integer DEFAULT 5, breaks text DEFAULT 'quantile',
                               note text DEFAULT NULL)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH args AS MATERIALIZED (
        SELECT coalesce(svg_map.insular, false) AS insular,
               rezago.map_palette(svg_map.classes) AS palette
        WHERE rezago.check_svg_args(svg_map.width, svg_map.height, svg_map.classes, svg_map.breaks)
    ), src AS MATERIALIZED (
        -- features in UTM 19S (EPSG:32719, a conformal projection centred on
        -- Chile), oceanic islands clipped away unless insular => true
        SELECT mf.id, mf.name, mf.period, mf.methodology, mf.index,
               ST_Transform(CASE WHEN args.insular THEN mf.geom
                                 ELSE ST_ClipByBox2D(mf.geom, ST_MakeEnvelope(-78, -60, -60, -15, 4326)) END,
                            32719) AS geom
        FROM args CROSS JOIN LATERAL rezago.map_features(svg_map.layer, svg_map.period, svg_map.methodology) mf
        WHERE svg_map.regions IS NULL
           OR (svg_map.layer = 'comuna' AND EXISTS (
                   SELECT 1 FROM rezago.comuna c WHERE c.cut::text = mf.id AND c.region_code = ANY (svg_map.regions)))
           OR (svg_map.layer = 'territory' AND EXISTS (
                   SELECT 1 FROM rezago.territory_member tm JOIN rezago.comuna c ON c.cut = tm.cut
                   WHERE tm.territory = mf.id AND c.region_code = ANY (svg_map.regions)))
    ), feat AS MATERIALIZED (
        SELECT src.* FROM src WHERE src.geom IS NOT NULL AND NOT ST_IsEmpty(src.geom)
    ), cls AS MATERIALIZED (
        SELECT feat.id,
               CASE WHEN feat.index IS NULL THEN NULL
                    WHEN svg_map.breaks = 'quantile' THEN
                        greatest(1, ceil(svg_map.classes * cume_dist() OVER (PARTITION BY feat.index IS NULL ORDER BY feat.index))::integer)
                    ELSE least(svg_map.classes, 1 + floor(svg_map.classes
                             * (feat.index - min(feat.index) OVER ())
                             / nullif(max(feat.index) OVER () - min(feat.index) OVER (), 0))::integer)
               END AS class
        FROM feat
    ), ext AS MATERIALIZED (
        SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
        FROM (SELECT ST_Extent(feat.geom)::geometry AS e FROM feat) q
        WHERE q.e IS NOT NULL
    ), lay AS MATERIALIZED (
        -- page layout in pixels: title band, map area, legend column on the right
        SELECT svg_map.width AS w,
               coalesce(svg_map.height,
                        greatest(60 + 26 * (svg_map.classes + 2) + 50,
                                 ceil(56 + 24 + (svg_map.width - 230) * coalesce((ext.y1 - ext.y0) / nullif(ext.x1 - ext.x0, 0), 1))::integer)
                       ) AS h,
               ext.*
        FROM (SELECT 1) one LEFT JOIN ext ON true
    ), fit AS MATERIALIZED (
        SELECT lay.*, 10.0 AS ax, 56.0 AS ay, (lay.w - 230.0) AS aw, (lay.h - 56.0 - 24.0) AS ah,
               least((lay.w - 230.0) / nullif(lay.x1 - lay.x0, 0), (lay.h - 80.0) / nullif(lay.y1 - lay.y0, 0)) AS k
        FROM lay
    ), px AS MATERIALIZED (
        -- pixel coordinates; ST_AsSVG writes -y, so y is built negated
        SELECT fit.*,
               fit.ax + (fit.aw - fit.k * (fit.x1 - fit.x0)) / 2 AS ox,
               fit.ay + (fit.ah - fit.k * (fit.y1 - fit.y0)) / 2 AS oy
        FROM fit
    ), paths AS (
        SELECT feat.id, feat.name, feat.index, cls.class,
               ST_AsSVG(ST_Simplify(ST_Affine(feat.geom, px.k, 0, 0, px.k,
                                              px.ox - px.k * px.x0, -px.oy - px.k * px.y1), 0.3, true), 0, 1) AS d
        FROM feat JOIN cls USING (id) CROSS JOIN px
        WHERE px.k IS NOT NULL
    ), meta AS MATERIALIZED (
        SELECT (SELECT min(feat.period) FROM feat) AS period, (SELECT min(feat.methodology) FROM feat) AS methodology,
               (SELECT count(*) FROM feat WHERE feat.index IS NULL) AS no_data,
               (SELECT count(*) FROM feat) AS n
    ), legend AS (
        SELECT c.class,
               (SELECT min(feat.index) FROM feat JOIN cls USING (id) WHERE cls.class = c.class) AS lo,
               (SELECT max(feat.index) FROM feat JOIN cls USING (id) WHERE cls.class = c.class) AS hi,
               (SELECT count(*) FROM cls WHERE cls.class = c.class) AS n
        FROM generate_series(1, svg_map.classes) c(class)
    ), legend_rows AS (
        SELECT row_number() OVER (ORDER BY legend.class DESC) AS pos, legend.*
        FROM legend WHERE legend.n > 0
    ), doc AS (
        SELECT
            format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">',
                   px.w, px.h, px.w, px.h)
            || format('<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>', px.w, px.h)
            || format('<text x="10" y="24" font-size="16" font-weight="bold" fill="#222222">%s</text>',
                      rezago.xml_escape(coalesce(svg_map.title,
                          format('Índice de rezago %s, %s', coalesce(meta.period::text, '(sin datos)'),
                                 CASE svg_map.layer WHEN 'comuna' THEN 'comunas' ELSE 'territorios' END))))
            || format('<text x="10" y="44" font-size="11" fill="#555555">%s</text>',
                      rezago.xml_escape(format('Metodología %s · %s áreas · clases por %s', meta.methodology, meta.n,
                          CASE svg_map.breaks WHEN 'quantile' THEN 'cuantiles' ELSE 'intervalos iguales' END)
                          || CASE WHEN NOT (SELECT args.insular FROM args) THEN ' · sin islas oceánicas' ELSE '' END))
            || '<g stroke="#666666" stroke-width="0.25" stroke-linejoin="round" fill-rule="evenodd">'
            || coalesce((SELECT string_agg(
                   format('<path fill="%s" d="%s"><title>%s</title></path>',
                          coalesce((SELECT args.palette FROM args)[paths.class], '#cccccc'), paths.d,
                          rezago.xml_escape(paths.name || ': ' || coalesce(replace(to_char(paths.index, 'FM0.000'), '.', ','), 'sin datos'))),
                   '' ORDER BY paths.id) FROM paths WHERE paths.d <> ''), '')
            || '</g>'
            || format('<g font-size="12" fill="#222222"><text x="%s" y="74" font-weight="bold">Índice de rezago</text>', px.w - 205)
            || format('<text x="%s" y="90" font-size="10" fill="#555555">1 = más rezagado</text>', px.w - 205)
            || coalesce((SELECT string_agg(
                   format('<rect x="%s" y="%s" width="22" height="16" fill="%s" stroke="#666666" stroke-width="0.5"/><text x="%s" y="%s">%s – %s (%s)</text>',
                          px.w - 205, 78 + 26 * lr.pos, (SELECT args.palette FROM args)[lr.class],
                          px.w - 175, 91 + 26 * lr.pos,
                          replace(to_char(lr.lo, 'FM0.000'), '.', ','), replace(to_char(lr.hi, 'FM0.000'), '.', ','), lr.n),
                   '' ORDER BY lr.pos) FROM legend_rows lr), '')
            || CASE WHEN meta.no_data > 0 THEN
                   format('<rect x="%s" y="%s" width="22" height="16" fill="#cccccc" stroke="#666666" stroke-width="0.5"/><text x="%s" y="%s">sin datos (%s)</text>',
                          px.w - 205, 78 + 26 * ((SELECT count(*) FROM legend_rows) + 1),
                          px.w - 175, 91 + 26 * ((SELECT count(*) FROM legend_rows) + 1), meta.no_data)
               ELSE '' END
            || '</g>'
            || CASE WHEN svg_map.note IS NOT NULL THEN
                   format('<text x="10" y="%s" font-size="10" fill="#555555">%s</text>', px.h - 8, rezago.xml_escape(svg_map.note))
               ELSE '' END
            || CASE WHEN meta.n = 0 THEN
                   format('<text x="10" y="80" font-size="12" fill="#555555">%s</text>', 'No hay áreas con límites para dibujar.')
               ELSE '' END
            || '</svg>' AS svg
        FROM px CROSS JOIN meta
    )
    SELECT doc.svg FROM doc;
END;
COMMENT ON FUNCTION rezago.svg_map(text, integer, text, integer, integer, text, integer[], boolean, integer, text, text) IS
'A choropleth map of the lag index as a standalone SVG document (text), drawn in the database with ST_AsSVG: comunas or territories (layer) of a period (NULL: latest with data) under a methodology (NULL: rezago.default_methodology()), in UTM 19S, filled by class with the sequential palette rezago.map_palette(classes) (YlOrRd; darker = more lagged), grey for areas without an index ("sin datos"), with a title (default "Índice de rezago <period>, comunas"), a subtitle (methodology, areas, class rule), a legend with each class''s range and count, and an optional note at the bottom. breaks: quantile (default: equal counts, ties share a class) or equal (equal intervals between the minimum and maximum). regions: only areas of these región codes (a territory when any member is in one). insular false (default) clips away the oceanic islands west of 78°W (Isla de Pascua, Juan Fernández, Desventuradas). width in pixels (200..10000); height NULL = from the map''s shape. Each area carries a <title> tooltip with its name and index. NULL title: the default; NULL note: none; NULL regions: every región; NULL insular: false. Errors: width, classes or breaks NULL or out of range (22023), unknown or NULL layer (22023), unknown methodology (42704).';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('routine',  'territory_union_geom',   'read'),
    ('routine',  'territory_feature_id',   'read'),
    ('routine',  'map_dimension_scores',   'read'),
    ('relation', 'v_comuna_map',           'read'),
    ('relation', 'v_territory_map',        'read'),
    ('relation', 'v_comuna_map_web',       'read'),
    ('relation', 'v_territory_map_web',    'read'),
    ('routine',  'check_map_layer',        'read'),
    ('routine',  'map_features',           'read'),
    ('routine',  'geojson',                'read'),
    ('routine',  'check_tile',             'read'),
    ('routine',  'map_tile',               'read'),
    ('routine',  'comuna_tiles',           'read'),
    ('routine',  'territory_tiles',        'read'),
    ('routine',  'comuna_tiles_martin',    'read'),
    ('routine',  'territory_tiles_martin', 'read'),
    ('routine',  'map_palette',            'read'),
    ('routine',  'xml_escape',             'read'),
    ('routine',  'check_svg_args',         'read'),
    ('routine',  'svg_map',                'read');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
