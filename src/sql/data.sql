/*
 * The data (doc/method.md section 1): comunas with their boundaries, the raw
 * observations of every comuna, variable and period, and the loaders that
 * fill them: all rows or none, every bad row reported in one error.
 * Editors write them; pg_dump keeps them.
 */

--------------------------------------------------------------------------
-- Comunas and observations
--------------------------------------------------------------------------

CREATE TABLE rezago.comuna (
    cut            integer PRIMARY KEY CHECK (cut > 0),
    name           text NOT NULL,
    provincia_code integer,
    provincia      text,
    region_code    integer,
    region         text,
    geom           geometry(MultiPolygon, 4326)
);
CREATE INDEX comuna_geom_idx ON rezago.comuna USING gist (geom);
COMMENT ON TABLE rezago.comuna IS 'Comunas identified by their CUT code (2018 codes), with provincia, region and boundary.';
COMMENT ON COLUMN rezago.comuna.cut IS 'Código único territorial, e.g. 4201 (Ñuble comunas use the 2018 codes 16xxx).';
COMMENT ON COLUMN rezago.comuna.name IS 'Official name.';
COMMENT ON COLUMN rezago.comuna.provincia_code IS 'Provincia code (the CUT without its last two digits, e.g. 42).';
COMMENT ON COLUMN rezago.comuna.provincia IS 'Provincia name.';
COMMENT ON COLUMN rezago.comuna.region_code IS 'Región code (the CUT without its last three digits, e.g. 4).';
COMMENT ON COLUMN rezago.comuna.region IS 'Región name.';
COMMENT ON COLUMN rezago.comuna.geom IS 'Boundary, valid MultiPolygon in WGS84 (SRID 4326); NULL when unknown (e.g. Antártica in the BCN file).';

CREATE TABLE rezago.observation (
    cut      integer NOT NULL REFERENCES rezago.comuna (cut) ON UPDATE CASCADE,
    variable text NOT NULL REFERENCES rezago.variable (code) ON UPDATE CASCADE,
    period   integer NOT NULL,
    value    double precision
             CONSTRAINT observation_value_finite
             CHECK (value > '-Infinity' AND value < 'Infinity'),
    PRIMARY KEY (cut, variable, period)
);
-- (period, variable, value): the rows of one variable and period in value
-- order, so that its min and max are two index probes
CREATE INDEX observation_period_idx ON rezago.observation (period, variable, value);
-- (period, cut, variable) with the value: a period's rows comuna by comuna,
-- so that comuna_index aggregates them as they are read, in parallel
-- workers too
CREATE INDEX observation_period_cut_idx ON rezago.observation (period, cut, variable) INCLUDE (value);
COMMENT ON TABLE rezago.observation IS 'Raw comuna values: one row per comuna, variable and period. NULL value = known to be missing. Load with rezago.import_observations.';
COMMENT ON COLUMN rezago.observation.cut IS 'Comuna (rezago.comuna.cut).';
COMMENT ON COLUMN rezago.observation.variable IS 'Variable (rezago.variable.code).';
COMMENT ON COLUMN rezago.observation.period IS 'Year the value refers to.';
COMMENT ON COLUMN rezago.observation.value IS 'Raw value in the variable''s unit; finite or NULL (NaN and infinities are refused).';

SELECT pg_catalog.pg_extension_config_dump('rezago.comuna', '');
SELECT pg_catalog.pg_extension_config_dump('rezago.observation', '');

--------------------------------------------------------------------------
-- Loading: all rows or none, every bad row reported
--------------------------------------------------------------------------

CREATE FUNCTION rezago.import_observations(source regclass, replace boolean DEFAULT false)
RETURNS bigint
LANGUAGE plpgsql STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    problems text;
    n_bad bigint;
    n bigint;
BEGIN
    IF pg_catalog.to_regclass('pg_temp.rezago_import_rows') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_import_rows;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format(
            'CREATE TEMP TABLE rezago_import_rows ON COMMIT DROP AS
             SELECT pg_catalog.row_number() OVER () AS row_no,
                    s.cut::text AS cut_t, s.variable::text AS variable,
                    s.period::text AS period_t, s.value::text AS value_t
             FROM %s s', source);
    EXCEPTION WHEN undefined_column THEN
        RAISE EXCEPTION 'source % lacks a required column', source
            USING ERRCODE = 'undefined_column',
                  DETAIL = SQLERRM,
                  HINT = 'The source needs the columns cut, variable, period and value (any types that convert to text).';
    END;
    ALTER TABLE pg_temp.rezago_import_rows
        ADD COLUMN cut integer, ADD COLUMN period integer, ADD COLUMN value double precision;
    UPDATE pg_temp.rezago_import_rows r SET
        cut    = CASE WHEN r.cut_t ~ '^\s*[0-9]{1,9}\s*$' THEN r.cut_t::integer END,
        period = CASE WHEN r.period_t ~ '^\s*-?[0-9]{1,9}\s*$' THEN r.period_t::integer END,
        value  = CASE WHEN r.value_t ~* '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?\s*$'
                      THEN r.value_t::double precision END;

    WITH bad AS (
        SELECT r.row_no, 'cut' AS col,
               CASE WHEN r.cut_t IS NULL THEN 'is NULL'
                    WHEN r.cut IS NULL THEN pg_catalog.format('%L is not a CUT code', r.cut_t)
                    WHEN r.cut = 0 THEN '0 is not a comuna (it is used for "Zona sin demarcar")'
                    WHEN r.cut BETWEEN 8400 AND 8499 THEN pg_catalog.format('unknown comuna %s (a pre-2018 code? Ñuble comunas are 16xxx since 2018)', r.cut)
                    ELSE pg_catalog.format('unknown comuna %s', r.cut) END AS reason
        FROM pg_temp.rezago_import_rows r
        WHERE r.cut IS NULL OR NOT EXISTS (SELECT 1 FROM rezago.comuna c WHERE c.cut = r.cut)
        UNION ALL
        SELECT r.row_no, 'variable',
               CASE WHEN r.variable IS NULL THEN 'is NULL'
                    ELSE pg_catalog.format('unknown variable %L', r.variable) END
        FROM pg_temp.rezago_import_rows r
        WHERE r.variable IS NULL OR NOT EXISTS (SELECT 1 FROM rezago.variable v WHERE v.code = r.variable)
        UNION ALL
        SELECT r.row_no, 'period',
               CASE WHEN r.period_t IS NULL THEN 'is NULL'
                    ELSE pg_catalog.format('%L is not a year', r.period_t) END
        FROM pg_temp.rezago_import_rows r WHERE r.period IS NULL
        UNION ALL
        SELECT r.row_no, 'value',
               CASE WHEN r.value_t ~* '^\s*[+-]?(nan|inf|infinity)\s*$'
                        THEN pg_catalog.format('%s is not a finite number (use NULL for a missing value)', pg_catalog.btrim(r.value_t))
                    WHEN r.value_t ~ '^\s*[+-]?[0-9]+,[0-9]+\s*$'
                        THEN pg_catalog.format('%L is not a number (decimal comma? use a point)', r.value_t)
                    ELSE pg_catalog.format('%L is not a number', r.value_t) END
        FROM pg_temp.rezago_import_rows r
        WHERE r.value_t IS NOT NULL AND r.value IS NULL
        UNION ALL
        SELECT r.row_no, 'value',
               pg_catalog.format('%s is outside 0..1 for %s, a proportion%s', r.value, r.variable,
                   CASE WHEN r.value > 1 AND r.value <= 100
                        THEN ' (it looks like a percentage: divide by 100)' ELSE '' END)
        FROM pg_temp.rezago_import_rows r JOIN rezago.variable v ON v.code = r.variable
        WHERE v.unit = 'proportion' AND (r.value < 0 OR r.value > 1)
        UNION ALL
        SELECT d.row_no, 'cut, variable, period',
               pg_catalog.format('duplicate of row %s (%s, %s, %s)', d.first_row, d.cut, d.variable, d.period)
        FROM (SELECT r.row_no, r.cut, r.variable, r.period,
                     pg_catalog.min(r.row_no) OVER (PARTITION BY r.cut, r.variable, r.period) AS first_row
              FROM pg_temp.rezago_import_rows r
              WHERE r.cut IS NOT NULL AND r.variable IS NOT NULL AND r.period IS NOT NULL) d
        WHERE d.row_no > d.first_row
        UNION ALL
        SELECT pg_catalog.min(r.row_no), 'variable, period',
               pg_catalog.format('%s for period %s is already loaded (rows %s to %s of the source)',
                   r.variable, r.period, pg_catalog.min(r.row_no), pg_catalog.max(r.row_no))
        FROM pg_temp.rezago_import_rows r
        WHERE NOT import_observations.replace
          AND EXISTS (SELECT 1 FROM rezago.observation o
                      WHERE o.variable = r.variable AND o.period = r.period)
        GROUP BY r.variable, r.period
    )
    SELECT pg_catalog.string_agg(pg_catalog.format('row %s, column %s: %s', b.row_no, b.col, b.reason),
                                 E'\n' ORDER BY b.row_no, b.col),
           pg_catalog.count(*)
      INTO problems, n_bad
    FROM bad b;

    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'import_observations: % problem(s) in %, nothing was loaded', n_bad, source
            USING ERRCODE = 'data_exception',
                  DETAIL = problems,
                  HINT = 'Fix the listed rows of the source and run the import again; load comunas first with rezago.import_comunas, and pass replace => true to replace periods already loaded.';
    END IF;

    IF import_observations.replace THEN
        DELETE FROM rezago.observation o
        USING (SELECT DISTINCT r.variable, r.period FROM pg_temp.rezago_import_rows r) p
        WHERE o.variable = p.variable AND o.period = p.period;
    END IF;
    INSERT INTO rezago.observation (cut, variable, period, value)
    SELECT r.cut, r.variable, r.period, r.value FROM pg_temp.rezago_import_rows r;
    GET DIAGNOSTICS n = ROW_COUNT;
    DROP TABLE pg_temp.rezago_import_rows;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_observations(regclass, boolean) IS
'Loads a staging table or view with columns (cut, variable, period, value): checks every row and loads all or none. One error (22000) lists every bad row: unknown comuna or variable, bad period, NaN/Infinity, a proportion outside 0..1 (hinting at percentages), duplicate keys, periods already loaded. replace => true replaces the (variable, period) pairs present in the source. Returns the number of rows loaded. NULL value = a known missing value. Strict: a NULL argument loads nothing and returns NULL.';

-- import_comunas: NULL source or key columns are errors; a geometry in an
-- SRID PostGIS does not know, or one that collapses to nothing when made
-- valid, is a bad row; any other PostGIS failure while converting is
-- reported as 22000 with its message.  The PostGIS schema name is quoted
-- once, by format('%I').
CREATE FUNCTION rezago.import_comunas(source regclass,
    cut_column text DEFAULT 'cut', name_column text DEFAULT 'name',
    provincia_column text DEFAULT 'provincia', region_column text DEFAULT 'region',
    geom_column text DEFAULT 'geom')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    postgis_schema text;
    problems text;
    n_bad bigint;
    skipped text;
    n bigint;
    msg text;
BEGIN
    IF source IS NULL OR cut_column IS NULL OR name_column IS NULL THEN
        RAISE EXCEPTION 'import_comunas: % must not be NULL',
            CASE WHEN source IS NULL THEN 'source' WHEN cut_column IS NULL THEN 'cut_column' ELSE 'name_column' END
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'The source table, its code column and its name column are required; provincia, region and geometry columns are optional.',
                  HINT = 'Call rezago.import_comunas(''my_table'', cut_column => ..., name_column => ...); pass NULL only for provincia_column, region_column or geom_column.';
    END IF;
    IF '' IN (cut_column, name_column, coalesce(provincia_column, '-'), coalesce(region_column, '-'),
              coalesce(geom_column, '-')) THEN
        RAISE EXCEPTION 'import_comunas: a column name is empty'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('Columns given: cut %L, name %L, provincia %L, region %L, geometry %L.',
                      cut_column, name_column, provincia_column, region_column, geom_column),
                  HINT = 'Name each column of the source, or pass NULL for one it does not have.';
    END IF;
    SELECT n.nspname INTO postgis_schema
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'postgis';
    IF pg_catalog.to_regclass('pg_temp.rezago_import_comunas') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_import_comunas;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format(
            'CREATE TEMP TABLE rezago_import_comunas ON COMMIT DROP AS
             SELECT pg_catalog.row_number() OVER () AS row_no, s.%I::text AS cut_t, s.%I::text AS name,
                    %s AS provincia, %s AS region, %s AS geom_in
             FROM %s s',
            cut_column, name_column,
            CASE WHEN provincia_column IS NULL THEN 'NULL::text' ELSE pg_catalog.format('s.%I::text', provincia_column) END,
            CASE WHEN region_column IS NULL THEN 'NULL::text' ELSE pg_catalog.format('s.%I::text', region_column) END,
            CASE WHEN geom_column IS NULL THEN pg_catalog.format('NULL::%I.geometry', postgis_schema)
                 ELSE pg_catalog.format('s.%I::%I.geometry', geom_column, postgis_schema) END,
            source);
    EXCEPTION WHEN undefined_column THEN
        RAISE EXCEPTION 'source % lacks a column named in the call', source
            USING ERRCODE = 'undefined_column', DETAIL = SQLERRM,
                  HINT = 'Name the source''s columns: rezago.import_comunas(source, cut_column => ..., name_column => ..., geom_column => ...); pass NULL for a column the source does not have.';
    END;
    ALTER TABLE pg_temp.rezago_import_comunas ADD COLUMN cut integer;
    UPDATE pg_temp.rezago_import_comunas r
       SET cut = CASE WHEN r.cut_t ~ '^\s*[0-9]{1,9}\s*$' THEN r.cut_t::integer END;

    -- code 0 and similar polygons ("Zona sin demarcar") are not comunas
    SELECT pg_catalog.string_agg(pg_catalog.format('row %s (%s)', r.row_no, coalesce(r.name, 'no name')), ', ' ORDER BY r.row_no)
      INTO skipped FROM pg_temp.rezago_import_comunas r WHERE r.cut = 0;
    IF skipped IS NOT NULL THEN
        RAISE NOTICE 'import_comunas: skipped features with code 0, which are not comunas: %', skipped;
        DELETE FROM pg_temp.rezago_import_comunas r WHERE r.cut = 0;
    END IF;

    EXECUTE pg_catalog.format($q$
        WITH bad AS (
            SELECT r.row_no, 'cut' AS col,
                   CASE WHEN r.cut_t IS NULL THEN 'is NULL'
                        ELSE pg_catalog.format('%%L is not a CUT code', r.cut_t) END AS reason
            FROM pg_temp.rezago_import_comunas r WHERE r.cut IS NULL
            UNION ALL
            SELECT r.row_no, 'name', 'is empty'
            FROM pg_temp.rezago_import_comunas r WHERE coalesce(pg_catalog.btrim(r.name), '') = ''
            UNION ALL
            SELECT d.row_no, 'cut', pg_catalog.format('duplicate of row %%s (CUT %%s)', d.first_row, d.cut)
            FROM (SELECT r.row_no, r.cut, pg_catalog.min(r.row_no) OVER (PARTITION BY r.cut) AS first_row
                  FROM pg_temp.rezago_import_comunas r WHERE r.cut IS NOT NULL) d
            WHERE d.row_no > d.first_row
            UNION ALL
            SELECT r.row_no, 'geom',
                   CASE WHEN %1$I.st_srid(r.geom_in) = 0 THEN 'has no SRID (0)'
                        WHEN NOT EXISTS (SELECT 1 FROM %1$I.spatial_ref_sys s WHERE s.srid = %1$I.st_srid(r.geom_in))
                            THEN pg_catalog.format('has SRID %%s, which is not in spatial_ref_sys', %1$I.st_srid(r.geom_in))
                        WHEN %1$I.st_isempty(r.geom_in) THEN 'is empty'
                        ELSE pg_catalog.format('is a %%s, not a polygon', %1$I.geometrytype(r.geom_in)) END
            FROM pg_temp.rezago_import_comunas r
            WHERE r.geom_in IS NOT NULL
              AND (%1$I.st_srid(r.geom_in) = 0 OR %1$I.st_isempty(r.geom_in)
                   OR NOT EXISTS (SELECT 1 FROM %1$I.spatial_ref_sys s WHERE s.srid = %1$I.st_srid(r.geom_in))
                   OR %1$I.geometrytype(r.geom_in) NOT IN ('POLYGON', 'MULTIPOLYGON'))
        )
        SELECT pg_catalog.string_agg(pg_catalog.format('row %%s, column %%s: %%s', b.row_no, b.col, b.reason),
                                     E'\n' ORDER BY b.row_no, b.col), pg_catalog.count(*)
        FROM bad b$q$, postgis_schema)
    INTO problems, n_bad;
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'import_comunas: % problem(s) in %, nothing was loaded', n_bad, source
            USING ERRCODE = 'data_exception', DETAIL = problems,
                  HINT = 'Fix the listed rows; give geometries an SRID with ST_SetSRID (GeoJSON and the BCN file are 4326).';
    END IF;

    -- boundaries: to 4326, made valid, polygons only
    BEGIN
        EXECUTE pg_catalog.format($q$
            ALTER TABLE pg_temp.rezago_import_comunas ADD COLUMN geom %1$I.geometry(MultiPolygon, 4326);
            UPDATE pg_temp.rezago_import_comunas r SET geom =
                %1$I.st_multi(%1$I.st_collectionextract(%1$I.st_makevalid(
                    %1$I.st_transform(r.geom_in, 4326)), 3))::%1$I.geometry(MultiPolygon, 4326)
            WHERE r.geom_in IS NOT NULL$q$, postgis_schema);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        RAISE EXCEPTION 'import_comunas: a geometry of % could not be made a valid multipolygon in SRID 4326, nothing was loaded', source
            USING ERRCODE = 'data_exception', DETAIL = pg_catalog.format('PostGIS reported: %s.', msg),
                  HINT = 'Check the geometries of the source with ST_IsValidReason and ST_SRID, and their coordinates against their SRID.';
    END;
    EXECUTE pg_catalog.format($q$
        SELECT pg_catalog.string_agg(pg_catalog.format('row %%s (CUT %%s): the %%s has no area once made valid',
                   r.row_no, r.cut, pg_catalog.lower(%1$I.geometrytype(r.geom_in))), E'\n' ORDER BY r.row_no),
               pg_catalog.count(*)
        FROM pg_temp.rezago_import_comunas r
        WHERE r.geom_in IS NOT NULL AND %1$I.st_isempty(r.geom)$q$, postgis_schema)
    INTO problems, n_bad;
    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'import_comunas: % geometry(ies) in % collapse when made valid, nothing was loaded', n_bad, source
            USING ERRCODE = 'data_exception', DETAIL = problems,
                  HINT = 'A degenerate polygon (all its points on a line) is not a boundary: fix it, or load the comuna without a geometry (NULL).';
    END IF;

    INSERT INTO rezago.comuna AS c (cut, name, provincia_code, provincia, region_code, region, geom)
    SELECT r.cut, pg_catalog.btrim(r.name), r.cut / 100, r.provincia, r.cut / 1000, r.region, r.geom
    FROM pg_temp.rezago_import_comunas r
    ON CONFLICT (cut) DO UPDATE SET name = EXCLUDED.name,
        provincia_code = EXCLUDED.provincia_code, provincia = coalesce(EXCLUDED.provincia, c.provincia),
        region_code = EXCLUDED.region_code, region = coalesce(EXCLUDED.region, c.region),
        geom = coalesce(EXCLUDED.geom, c.geom);
    GET DIAGNOSTICS n = ROW_COUNT;
    DROP TABLE pg_temp.rezago_import_comunas;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_comunas(regclass, text, text, text, text, text) IS
'Loads or updates comunas from a table (e.g. loaded with shp2pgsql or ogr2ogr), naming its columns; pass NULL for a column the source lacks (provincia, region, geometry). Skips code 0 ("Zona sin demarcar") with a notice; geometries are transformed to 4326 and made valid multipolygons. All rows or none: one error (22000) lists every bad row (bad or duplicate code, empty name, geometry without SRID or in an SRID unknown to spatial_ref_sys, empty, not a polygon, or collapsing when made valid). NULL source, cut_column or name_column: error 22004. Returns the rows written.';

-- import_comunas_geojson: a feature whose geometry PostGIS cannot read (no
-- coordinates, an unknown type) is reported with its number, as 22000,
-- instead of PostGIS's internal error.
CREATE FUNCTION rezago.import_comunas_geojson(collection jsonb,
    cut_property text DEFAULT 'cod_comuna', name_property text DEFAULT 'Comuna',
    provincia_property text DEFAULT 'Provincia', region_property text DEFAULT 'Region')
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    postgis_schema text;
    n bigint;
    f record;
    problems text;
    n_bad bigint := 0;
    msg text;
BEGIN
    IF collection IS NULL OR collection->>'type' IS DISTINCT FROM 'FeatureCollection'
       OR pg_catalog.jsonb_typeof(collection->'features') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'import_comunas_geojson expects a GeoJSON FeatureCollection'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('The document''s type is %s.', coalesce(collection->>'type', 'missing')),
                  HINT = 'Pass the whole file, e.g. in psql: \set doc `cat comunas_bcn.geojson` then SELECT rezago.import_comunas_geojson(:''doc''::jsonb).';
    END IF;
    SELECT n.nspname INTO postgis_schema
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'postgis';
    IF pg_catalog.to_regclass('pg_temp.rezago_geojson_features') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_geojson_features;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format($q$
            CREATE TEMP TABLE rezago_geojson_features ON COMMIT DROP AS
            SELECT f.ord, f.feature->'properties'->>%L AS cut, f.feature->'properties'->>%L AS name,
                   f.feature->'properties'->>%L AS provincia, f.feature->'properties'->>%L AS region,
                   CASE WHEN f.feature ? 'geometry' AND pg_catalog.jsonb_typeof(f.feature->'geometry') = 'object'
                        THEN %I.st_setsrid(%I.st_geomfromgeojson(f.feature->>'geometry'), 4326) END AS geom
            FROM pg_catalog.jsonb_array_elements($1->'features') WITH ORDINALITY AS f(feature, ord)
            ORDER BY f.ord$q$,
            cut_property, name_property, provincia_property, region_property, postgis_schema, postgis_schema)
        USING collection;
    EXCEPTION WHEN OTHERS THEN
        -- find every feature PostGIS cannot read, and say why
        FOR f IN SELECT x.feature, x.ord
                 FROM pg_catalog.jsonb_array_elements(collection->'features') WITH ORDINALITY AS x(feature, ord)
                 WHERE pg_catalog.jsonb_typeof(x.feature->'geometry') = 'object'
        LOOP
            BEGIN
                EXECUTE pg_catalog.format('SELECT %I.st_geomfromgeojson($1)', postgis_schema) USING f.feature->>'geometry';
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                n_bad := n_bad + 1;
                problems := pg_catalog.concat_ws(E'\n', problems, pg_catalog.format('feature %s: %s', f.ord, msg));
            END;
        END LOOP;
        IF problems IS NULL THEN
            RAISE;
        END IF;
        RAISE EXCEPTION 'import_comunas_geojson: % feature(s) have a geometry PostGIS cannot read, nothing was loaded', n_bad
            USING ERRCODE = 'data_exception', DETAIL = problems,
                  HINT = 'Each geometry must be a GeoJSON Polygon or MultiPolygon with coordinates; use "geometry": null for a comuna without a boundary.';
    END;
    n := rezago.import_comunas('pg_temp.rezago_geojson_features'::regclass);
    DROP TABLE pg_temp.rezago_geojson_features;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_comunas_geojson(jsonb, text, text, text, text) IS
'Loads comunas from a GeoJSON FeatureCollection (defaults fit the BCN file comunas_bcn.geojson: properties cod_comuna, Comuna, Provincia, Region), through rezago.import_comunas: same checks, all or nothing.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('relation', 'comuna',                 'edit'),
    ('relation', 'observation',            'edit'),
    ('routine',  'import_observations',    'edit'),
    ('routine',  'import_comunas',         'edit'),
    ('routine',  'import_comunas_geojson', 'edit');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
