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
    source   text,
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
COMMENT ON COLUMN rezago.observation.source IS 'Where the value comes from (e.g. SINIM4182, MDSF SAE 2009), from the column source of the staging table when it has one; NULL when not given.';

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
    mapped text;
    n_mapped bigint;
BEGIN
    IF pg_catalog.to_regclass('pg_temp.rezago_import_rows') IS NOT NULL THEN
        DROP TABLE pg_temp.rezago_import_rows;
    END IF;
    BEGIN
        EXECUTE pg_catalog.format(
            'CREATE TEMP TABLE rezago_import_rows ON COMMIT DROP AS
             SELECT pg_catalog.row_number() OVER () AS row_no,
                    s.cut::text AS cut_t, s.variable::text AS variable,
                    s.period::text AS period_t, s.value::text AS value_t, %s AS src
             FROM %s s',
            -- an optional column source: where each value comes from
            CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                              WHERE a.attrelid = import_observations.source AND a.attname = 'source'
                                AND a.attnum > 0 AND NOT a.attisdropped)
                 THEN 's.source::text' ELSE 'NULL::text' END,
            source);
    EXCEPTION WHEN undefined_column THEN
        RAISE EXCEPTION 'source % lacks a required column', source
            USING ERRCODE = 'undefined_column',
                  DETAIL = SQLERRM,
                  HINT = 'The source needs the columns cut, variable, period and value (any types that convert to text), and may have a column source.';
    END;
    ALTER TABLE pg_temp.rezago_import_rows
        ADD COLUMN cut integer, ADD COLUMN period integer, ADD COLUMN value double precision,
        ADD COLUMN old_cut integer;
    UPDATE pg_temp.rezago_import_rows r SET
        cut    = CASE WHEN r.cut_t ~ '^\s*[0-9]{1,9}\s*$' THEN r.cut_t::integer END,
        period = CASE WHEN r.period_t ~ '^\s*-?[0-9]{1,9}\s*$' THEN r.period_t::integer END,
        value  = CASE WHEN r.value_t ~* '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?\s*$'
                      THEN r.value_t::double precision END;
    -- former codes (084xx for Ñuble before the CUT 2018) become today's; a
    -- code that is a comuna today is never mapped
    UPDATE pg_temp.rezago_import_rows r SET old_cut = r.cut, cut = h.cut
    FROM rezago.comuna_code_history h
    WHERE h.old_cut = r.cut AND NOT EXISTS (SELECT 1 FROM rezago.comuna c WHERE c.cut = r.cut);

    WITH bad AS (
        SELECT r.row_no, 'cut' AS col,
               CASE WHEN r.cut_t IS NULL THEN 'is NULL'
                    WHEN r.cut IS NULL THEN pg_catalog.format('%L is not a CUT code', r.cut_t)
                    WHEN r.cut = 0 THEN '0 is not a comuna (it is used for "Zona sin demarcar")'
                    WHEN r.old_cut IS NOT NULL THEN pg_catalog.format('former code %s is comuna %s today (rezago.comuna_code_history), which is not loaded', r.old_cut, r.cut)
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

    SELECT pg_catalog.count(*) INTO n_mapped FROM pg_temp.rezago_import_rows r WHERE r.old_cut IS NOT NULL;
    SELECT pg_catalog.string_agg(pg_catalog.format('%s -> %s', m.old_cut, m.cut), ', ' ORDER BY m.old_cut)
      INTO mapped
    FROM (SELECT DISTINCT r.old_cut, r.cut FROM pg_temp.rezago_import_rows r WHERE r.old_cut IS NOT NULL) m;
    IF n_mapped > 0 THEN
        RAISE NOTICE 'import_observations: mapped % row(s) from former comuna codes to today''s', n_mapped
            USING DETAIL = pg_catalog.format('Codes mapped (rezago.comuna_code_history): %s.', mapped);
    END IF;

    IF import_observations.replace THEN
        DELETE FROM rezago.observation o
        USING (SELECT DISTINCT r.variable, r.period FROM pg_temp.rezago_import_rows r) p
        WHERE o.variable = p.variable AND o.period = p.period;
    END IF;
    INSERT INTO rezago.observation (cut, variable, period, value, source)
    SELECT r.cut, r.variable, r.period, r.value, r.src FROM pg_temp.rezago_import_rows r;
    GET DIAGNOSTICS n = ROW_COUNT;
    DROP TABLE pg_temp.rezago_import_rows;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_observations(regclass, boolean) IS
'Loads a staging table or view with columns (cut, variable, period, value) and optionally source (kept in rezago.observation.source): checks every row and loads all or none. A code that is not a comuna but a former code in rezago.comuna_code_history (Ñuble 084xx) is mapped to today''s, with a notice counting the rows mapped. One error (22000) lists every bad row: unknown comuna (or a former code whose comuna is not loaded) or variable, bad period, NaN/Infinity, a proportion outside 0..1 (hinting at percentages), duplicate keys, periods already loaded. replace => true replaces the (variable, period) pairs present in the source. Returns the number of rows loaded. NULL value = a known missing value. Strict: a NULL argument loads nothing and returns NULL.';

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

    -- provincias and regiones of the codes of the official list are named by
    -- it: boundary files carry outdated names (the BCN file puts Tamarugal's
    -- comunas in "Iquique" and Paillaco in "Ranco")
    INSERT INTO rezago.comuna AS c (cut, name, provincia_code, provincia, region_code, region, geom)
    SELECT r.cut, pg_catalog.btrim(r.name), coalesce(oc.provincia_code, r.cut / 100),
           coalesce(oc.provincia, r.provincia), coalesce(oc.region_code, r.cut / 1000),
           coalesce(oc.region, r.region), r.geom
    FROM pg_temp.rezago_import_comunas r LEFT JOIN rezago.official_comuna oc ON oc.cut = r.cut
    ON CONFLICT (cut) DO UPDATE SET name = EXCLUDED.name,
        provincia_code = EXCLUDED.provincia_code, provincia = coalesce(EXCLUDED.provincia, c.provincia),
        region_code = EXCLUDED.region_code, region = coalesce(EXCLUDED.region, c.region),
        geom = coalesce(EXCLUDED.geom, c.geom);
    GET DIAGNOSTICS n = ROW_COUNT;

    -- a national load (codes of the official list only, in every región of
    -- it) gets the official comunas it lacks, without boundary: the BCN file
    -- has no polygon for Antártica, whose provincia would otherwise have one
    -- comuna.  Other codes (synthetic units) make a load not national.
    IF EXISTS (SELECT 1 FROM pg_temp.rezago_import_comunas)
       AND NOT EXISTS (SELECT 1 FROM pg_temp.rezago_import_comunas r
                       WHERE NOT EXISTS (SELECT 1 FROM rezago.official_comuna oc WHERE oc.cut = r.cut))
       AND NOT EXISTS (SELECT 1 FROM rezago.official_comuna oc
                       WHERE NOT EXISTS (SELECT 1 FROM pg_temp.rezago_import_comunas r
                                         JOIN rezago.official_comuna o2 ON o2.cut = r.cut
                                         WHERE o2.region_code = oc.region_code)) THEN
        WITH added AS (
            INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region)
            SELECT oc.cut, oc.name, oc.provincia_code, oc.provincia, oc.region_code, oc.region
            FROM rezago.official_comuna oc
            WHERE NOT EXISTS (SELECT 1 FROM rezago.comuna c WHERE c.cut = oc.cut)
            RETURNING cut, name
        )
        SELECT pg_catalog.count(*),
               pg_catalog.string_agg(pg_catalog.format('%s %s', a.cut, a.name), ', ' ORDER BY a.cut)
                   FILTER (WHERE a.n <= 10)
          INTO n_bad, skipped
        FROM (SELECT added.*, pg_catalog.row_number() OVER (ORDER BY added.cut) AS n FROM added) a;
        IF n_bad > 0 THEN
            RAISE NOTICE 'import_comunas: added % comuna(s) of the official list (CUT 2018) missing from the load, without boundary: %',
                n_bad, skipped || CASE WHEN n_bad > 10 THEN ', ...' ELSE '' END;
        END IF;
    END IF;
    DROP TABLE pg_temp.rezago_import_comunas;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.import_comunas(regclass, text, text, text, text, text) IS
'Loads or updates comunas from a table (e.g. loaded with shp2pgsql or ogr2ogr), naming its columns; pass NULL for a column the source lacks (provincia, region, geometry). Codes of the official list (rezago.official_comuna) get its provincia and región codes and names, whatever the source says; other codes get the source''s names and codes derived from the CUT. A national load (only codes of the official list, in all its regiones) is completed with the official comunas it lacks, without boundary, with a notice naming them. Skips code 0 ("Zona sin demarcar") with a notice; geometries are transformed to 4326 and made valid multipolygons. All rows or none: one error (22000) lists every bad row (bad or duplicate code, empty name, geometry without SRID or in an SRID unknown to spatial_ref_sys, empty, not a polygon, or collapsing when made valid). NULL source, cut_column or name_column: error 22004. Returns the rows of the source written.';

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
'Loads comunas from a GeoJSON FeatureCollection (defaults fit the BCN file comunas_bcn.geojson: properties cod_comuna, Comuna, Provincia, Region), through rezago.import_comunas: same checks, all or nothing; provincias and regiones named by the official list, and the BCN file completed with Antártica (12202, no boundary).';

--------------------------------------------------------------------------
-- The official code list (CUT 2018) and the history of codes and regiones
-- (doc/method.md section 1): seeded, read by the loaders and by E2
--------------------------------------------------------------------------

CREATE TABLE rezago.official_comuna (
    cut                 integer PRIMARY KEY CHECK (cut > 0),
    name                text NOT NULL CHECK (pg_catalog.btrim(name) <> ''),
    provincia_code      integer NOT NULL CHECK (provincia_code > 0),
    provincia           text NOT NULL CHECK (pg_catalog.btrim(provincia) <> ''),
    region_code         integer NOT NULL CHECK (region_code > 0),
    region              text NOT NULL CHECK (pg_catalog.btrim(region) <> ''),
    region_abbreviation text,
    builtin             boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE rezago.official_comuna IS 'The official code list, SUBDERE CUT 2018: every comuna with its provincia and región, codes and official names (346 rows shipped, builtin). rezago.import_comunas takes provincia and región names from it and completes a national load with the comunas it lacks. Rows you add (builtin false) are kept by pg_dump.';
COMMENT ON COLUMN rezago.official_comuna.cut IS 'Código único territorial of the comuna (CUT 2018), e.g. 16206.';
COMMENT ON COLUMN rezago.official_comuna.name IS 'Official name of the comuna.';
COMMENT ON COLUMN rezago.official_comuna.provincia_code IS 'Provincia code, e.g. 162.';
COMMENT ON COLUMN rezago.official_comuna.provincia IS 'Official name of the provincia, e.g. Itata.';
COMMENT ON COLUMN rezago.official_comuna.region_code IS 'Región code, e.g. 16.';
COMMENT ON COLUMN rezago.official_comuna.region IS 'Official name of the región, e.g. Ñuble.';
COMMENT ON COLUMN rezago.official_comuna.region_abbreviation IS 'Abbreviation of the región in the CUT list, e.g. NUBLE.';
COMMENT ON COLUMN rezago.official_comuna.builtin IS 'True for rows seeded by the extension (restored by CREATE EXTENSION, not by pg_dump; read-only).';

CREATE TABLE rezago.comuna_code_history (
    old_cut  integer PRIMARY KEY CHECK (old_cut > 0),
    cut      integer NOT NULL CHECK (cut > 0),
    valid_to date,
    note     text,
    builtin  boolean NOT NULL DEFAULT false,
    CHECK (old_cut <> cut)
);
COMMENT ON TABLE rezago.comuna_code_history IS 'Former CUT codes and the code of the same comuna today: rezago.import_observations maps a code that is not a comuna of rezago.comuna through this table (one step) and says how many rows it mapped. Ships with the 21 Ñuble comunas of the CUT 2018 (Biobío 084xx to Ñuble 16xxx, builtin); rows you add are kept by pg_dump.';
COMMENT ON COLUMN rezago.comuna_code_history.old_cut IS 'The former code, e.g. 8415.';
COMMENT ON COLUMN rezago.comuna_code_history.cut IS 'The code of the same comuna today (rezago.comuna.cut), e.g. 16206.';
COMMENT ON COLUMN rezago.comuna_code_history.valid_to IS 'Date the former code was replaced (the decree''s date: 2018-07-18 for the CUT 2018); NULL when unknown. Informative: the mapping does not depend on the period.';
COMMENT ON COLUMN rezago.comuna_code_history.note IS 'Source of the change.';
COMMENT ON COLUMN rezago.comuna_code_history.builtin IS 'True for rows seeded by the extension (read-only).';

CREATE TABLE rezago.comuna_region_history (
    cut         integer NOT NULL CHECK (cut > 0),
    region_code integer NOT NULL CHECK (region_code > 0),
    valid_to    date NOT NULL,
    note        text,
    builtin     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (cut, valid_to)
);
COMMENT ON TABLE rezago.comuna_region_history IS 'Regiones a comuna belonged to before its current one: the comuna (today''s code) was in region_code until valid_to (inclusive), and from the day after in the región of its next row, or of rezago.comuna when there is none. rezago.comuna_regions(day) reads it; E2 ranks each comuna within its región on 31 December of the period. Ships with the 21 Ñuble comunas, in Biobío (8) until 5 September 2018 (Ley 21.033, in force 6 September 2018; builtin); rows you add are kept by pg_dump.';
COMMENT ON COLUMN rezago.comuna_region_history.cut IS 'Comuna, by today''s code (rezago.comuna.cut).';
COMMENT ON COLUMN rezago.comuna_region_history.region_code IS 'Code of the región the comuna belonged to, e.g. 8 (Biobío).';
COMMENT ON COLUMN rezago.comuna_region_history.valid_to IS 'Last day the comuna belonged to that región, e.g. 2018-09-05; it belonged to it since the valid_to of its previous row, or always before.';
COMMENT ON COLUMN rezago.comuna_region_history.note IS 'Source of the change.';
COMMENT ON COLUMN rezago.comuna_region_history.builtin IS 'True for rows seeded by the extension (read-only).';

CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.official_comuna
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();
CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.comuna_code_history
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();
CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.comuna_region_history
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();

-- SUBDERE CUT 2018 (cut_comunas_2018.csv); the Ñuble codes (Decreto 1.115
-- of 18 July 2018, cut_historia.csv) and regiones (Ley 21.033)
SET LOCAL rezago.allow_builtin_changes = 'on';
INSERT INTO rezago.official_comuna (cut, name, provincia_code, provincia, region_code, region, region_abbreviation, builtin) VALUES
    (1101, 'Iquique', 11, 'Iquique', 1, 'Tarapacá', 'TPCA', true),
    (1107, 'Alto Hospicio', 11, 'Iquique', 1, 'Tarapacá', 'TPCA', true),
    (1401, 'Pozo Almonte', 14, 'Tamarugal', 1, 'Tarapacá', 'TPCA', true),
    (1402, 'Camiña', 14, 'Tamarugal', 1, 'Tarapacá', 'TPCA', true),
    (1403, 'Colchane', 14, 'Tamarugal', 1, 'Tarapacá', 'TPCA', true),
    (1404, 'Huara', 14, 'Tamarugal', 1, 'Tarapacá', 'TPCA', true),
    (1405, 'Pica', 14, 'Tamarugal', 1, 'Tarapacá', 'TPCA', true),
    (2101, 'Antofagasta', 21, 'Antofagasta', 2, 'Antofagasta', 'ANTOF', true),
    (2102, 'Mejillones', 21, 'Antofagasta', 2, 'Antofagasta', 'ANTOF', true),
    (2103, 'Sierra Gorda', 21, 'Antofagasta', 2, 'Antofagasta', 'ANTOF', true),
    (2104, 'Taltal', 21, 'Antofagasta', 2, 'Antofagasta', 'ANTOF', true),
    (2201, 'Calama', 22, 'El Loa', 2, 'Antofagasta', 'ANTOF', true),
    (2202, 'Ollagüe', 22, 'El Loa', 2, 'Antofagasta', 'ANTOF', true),
    (2203, 'San Pedro de Atacama', 22, 'El Loa', 2, 'Antofagasta', 'ANTOF', true),
    (2301, 'Tocopilla', 23, 'Tocopilla', 2, 'Antofagasta', 'ANTOF', true),
    (2302, 'María Elena', 23, 'Tocopilla', 2, 'Antofagasta', 'ANTOF', true),
    (3101, 'Copiapó', 31, 'Copiapó', 3, 'Atacama', 'ATCMA', true),
    (3102, 'Caldera', 31, 'Copiapó', 3, 'Atacama', 'ATCMA', true),
    (3103, 'Tierra Amarilla', 31, 'Copiapó', 3, 'Atacama', 'ATCMA', true),
    (3201, 'Chañaral', 32, 'Chañaral', 3, 'Atacama', 'ATCMA', true),
    (3202, 'Diego de Almagro', 32, 'Chañaral', 3, 'Atacama', 'ATCMA', true),
    (3301, 'Vallenar', 33, 'Huasco', 3, 'Atacama', 'ATCMA', true),
    (3302, 'Alto del Carmen', 33, 'Huasco', 3, 'Atacama', 'ATCMA', true),
    (3303, 'Freirina', 33, 'Huasco', 3, 'Atacama', 'ATCMA', true),
    (3304, 'Huasco', 33, 'Huasco', 3, 'Atacama', 'ATCMA', true),
    (4101, 'La Serena', 41, 'Elqui', 4, 'Coquimbo', 'COQ', true),
    (4102, 'Coquimbo', 41, 'Elqui', 4, 'Coquimbo', 'COQ', true),
    (4103, 'Andacollo', 41, 'Elqui', 4, 'Coquimbo', 'COQ', true),
    (4104, 'La Higuera', 41, 'Elqui', 4, 'Coquimbo', 'COQ', true),
    (4105, 'Paiguano', 41, 'Elqui', 4, 'Coquimbo', 'COQ', true),
    (4106, 'Vicuña', 41, 'Elqui', 4, 'Coquimbo', 'COQ', true),
    (4201, 'Illapel', 42, 'Choapa', 4, 'Coquimbo', 'COQ', true),
    (4202, 'Canela', 42, 'Choapa', 4, 'Coquimbo', 'COQ', true),
    (4203, 'Los Vilos', 42, 'Choapa', 4, 'Coquimbo', 'COQ', true),
    (4204, 'Salamanca', 42, 'Choapa', 4, 'Coquimbo', 'COQ', true),
    (4301, 'Ovalle', 43, 'Limarí', 4, 'Coquimbo', 'COQ', true),
    (4302, 'Combarbalá', 43, 'Limarí', 4, 'Coquimbo', 'COQ', true),
    (4303, 'Monte Patria', 43, 'Limarí', 4, 'Coquimbo', 'COQ', true),
    (4304, 'Punitaqui', 43, 'Limarí', 4, 'Coquimbo', 'COQ', true),
    (4305, 'Río Hurtado', 43, 'Limarí', 4, 'Coquimbo', 'COQ', true),
    (5101, 'Valparaíso', 51, 'Valparaíso', 5, 'Valparaíso', 'VALPO', true),
    (5102, 'Casablanca', 51, 'Valparaíso', 5, 'Valparaíso', 'VALPO', true),
    (5103, 'Concón', 51, 'Valparaíso', 5, 'Valparaíso', 'VALPO', true),
    (5104, 'Juan Fernández', 51, 'Valparaíso', 5, 'Valparaíso', 'VALPO', true),
    (5105, 'Puchuncaví', 51, 'Valparaíso', 5, 'Valparaíso', 'VALPO', true),
    (5107, 'Quintero', 51, 'Valparaíso', 5, 'Valparaíso', 'VALPO', true),
    (5109, 'Viña del Mar', 51, 'Valparaíso', 5, 'Valparaíso', 'VALPO', true),
    (5201, 'Isla de Pascua', 52, 'Isla de Pascua', 5, 'Valparaíso', 'VALPO', true),
    (5301, 'Los Andes', 53, 'Los Andes', 5, 'Valparaíso', 'VALPO', true),
    (5302, 'Calle Larga', 53, 'Los Andes', 5, 'Valparaíso', 'VALPO', true),
    (5303, 'Rinconada', 53, 'Los Andes', 5, 'Valparaíso', 'VALPO', true),
    (5304, 'San Esteban', 53, 'Los Andes', 5, 'Valparaíso', 'VALPO', true),
    (5401, 'La Ligua', 54, 'Petorca', 5, 'Valparaíso', 'VALPO', true),
    (5402, 'Cabildo', 54, 'Petorca', 5, 'Valparaíso', 'VALPO', true),
    (5403, 'Papudo', 54, 'Petorca', 5, 'Valparaíso', 'VALPO', true),
    (5404, 'Petorca', 54, 'Petorca', 5, 'Valparaíso', 'VALPO', true),
    (5405, 'Zapallar', 54, 'Petorca', 5, 'Valparaíso', 'VALPO', true),
    (5501, 'Quillota', 55, 'Quillota', 5, 'Valparaíso', 'VALPO', true),
    (5502, 'Calera', 55, 'Quillota', 5, 'Valparaíso', 'VALPO', true),
    (5503, 'Hijuelas', 55, 'Quillota', 5, 'Valparaíso', 'VALPO', true),
    (5504, 'La Cruz', 55, 'Quillota', 5, 'Valparaíso', 'VALPO', true),
    (5506, 'Nogales', 55, 'Quillota', 5, 'Valparaíso', 'VALPO', true),
    (5601, 'San Antonio', 56, 'San Antonio', 5, 'Valparaíso', 'VALPO', true),
    (5602, 'Algarrobo', 56, 'San Antonio', 5, 'Valparaíso', 'VALPO', true),
    (5603, 'Cartagena', 56, 'San Antonio', 5, 'Valparaíso', 'VALPO', true),
    (5604, 'El Quisco', 56, 'San Antonio', 5, 'Valparaíso', 'VALPO', true),
    (5605, 'El Tabo', 56, 'San Antonio', 5, 'Valparaíso', 'VALPO', true),
    (5606, 'Santo Domingo', 56, 'San Antonio', 5, 'Valparaíso', 'VALPO', true),
    (5701, 'San Felipe', 57, 'San Felipe de Aconcagua', 5, 'Valparaíso', 'VALPO', true),
    (5702, 'Catemu', 57, 'San Felipe de Aconcagua', 5, 'Valparaíso', 'VALPO', true),
    (5703, 'Llaillay', 57, 'San Felipe de Aconcagua', 5, 'Valparaíso', 'VALPO', true),
    (5704, 'Panquehue', 57, 'San Felipe de Aconcagua', 5, 'Valparaíso', 'VALPO', true),
    (5705, 'Putaendo', 57, 'San Felipe de Aconcagua', 5, 'Valparaíso', 'VALPO', true),
    (5706, 'Santa María', 57, 'San Felipe de Aconcagua', 5, 'Valparaíso', 'VALPO', true),
    (5801, 'Quilpué', 58, 'Marga Marga', 5, 'Valparaíso', 'VALPO', true),
    (5802, 'Limache', 58, 'Marga Marga', 5, 'Valparaíso', 'VALPO', true),
    (5803, 'Olmué', 58, 'Marga Marga', 5, 'Valparaíso', 'VALPO', true),
    (5804, 'Villa Alemana', 58, 'Marga Marga', 5, 'Valparaíso', 'VALPO', true),
    (6101, 'Rancagua', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6102, 'Codegua', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6103, 'Coinco', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6104, 'Coltauco', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6105, 'Doñihue', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6106, 'Graneros', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6107, 'Las Cabras', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6108, 'Machalí', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6109, 'Malloa', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6110, 'Mostazal', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6111, 'Olivar', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6112, 'Peumo', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6113, 'Pichidegua', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6114, 'Quinta de Tilcoco', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6115, 'Rengo', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6116, 'Requínoa', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6117, 'San Vicente', 61, 'Cachapoal', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6201, 'Pichilemu', 62, 'Cardenal Caro', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6202, 'La Estrella', 62, 'Cardenal Caro', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6203, 'Litueche', 62, 'Cardenal Caro', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6204, 'Marchihue', 62, 'Cardenal Caro', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6205, 'Navidad', 62, 'Cardenal Caro', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6206, 'Paredones', 62, 'Cardenal Caro', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6301, 'San Fernando', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6302, 'Chépica', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6303, 'Chimbarongo', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6304, 'Lolol', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6305, 'Nancagua', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6306, 'Palmilla', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6307, 'Peralillo', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6308, 'Placilla', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6309, 'Pumanque', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (6310, 'Santa Cruz', 63, 'Colchagua', 6, 'Libertador General Bernardo O''Higgins', 'LGBO', true),
    (7101, 'Talca', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7102, 'Constitución', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7103, 'Curepto', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7104, 'Empedrado', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7105, 'Maule', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7106, 'Pelarco', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7107, 'Pencahue', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7108, 'Río Claro', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7109, 'San Clemente', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7110, 'San Rafael', 71, 'Talca', 7, 'Maule', 'MAULE', true),
    (7201, 'Cauquenes', 72, 'Cauquenes', 7, 'Maule', 'MAULE', true),
    (7202, 'Chanco', 72, 'Cauquenes', 7, 'Maule', 'MAULE', true),
    (7203, 'Pelluhue', 72, 'Cauquenes', 7, 'Maule', 'MAULE', true),
    (7301, 'Curicó', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7302, 'Hualañé', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7303, 'Licantén', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7304, 'Molina', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7305, 'Rauco', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7306, 'Romeral', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7307, 'Sagrada Familia', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7308, 'Teno', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7309, 'Vichuquén', 73, 'Curicó', 7, 'Maule', 'MAULE', true),
    (7401, 'Linares', 74, 'Linares', 7, 'Maule', 'MAULE', true),
    (7402, 'Colbún', 74, 'Linares', 7, 'Maule', 'MAULE', true),
    (7403, 'Longaví', 74, 'Linares', 7, 'Maule', 'MAULE', true),
    (7404, 'Parral', 74, 'Linares', 7, 'Maule', 'MAULE', true),
    (7405, 'Retiro', 74, 'Linares', 7, 'Maule', 'MAULE', true),
    (7406, 'San Javier', 74, 'Linares', 7, 'Maule', 'MAULE', true),
    (7407, 'Villa Alegre', 74, 'Linares', 7, 'Maule', 'MAULE', true),
    (7408, 'Yerbas Buenas', 74, 'Linares', 7, 'Maule', 'MAULE', true),
    (8101, 'Concepción', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8102, 'Coronel', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8103, 'Chiguayante', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8104, 'Florida', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8105, 'Hualqui', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8106, 'Lota', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8107, 'Penco', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8108, 'San Pedro de la Paz', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8109, 'Santa Juana', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8110, 'Talcahuano', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8111, 'Tomé', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8112, 'Hualpén', 81, 'Concepción', 8, 'Biobío', 'BBIO', true),
    (8201, 'Lebu', 82, 'Arauco', 8, 'Biobío', 'BBIO', true),
    (8202, 'Arauco', 82, 'Arauco', 8, 'Biobío', 'BBIO', true),
    (8203, 'Cañete', 82, 'Arauco', 8, 'Biobío', 'BBIO', true),
    (8204, 'Contulmo', 82, 'Arauco', 8, 'Biobío', 'BBIO', true),
    (8205, 'Curanilahue', 82, 'Arauco', 8, 'Biobío', 'BBIO', true),
    (8206, 'Los Álamos', 82, 'Arauco', 8, 'Biobío', 'BBIO', true),
    (8207, 'Tirúa', 82, 'Arauco', 8, 'Biobío', 'BBIO', true),
    (8301, 'Los Ángeles', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8302, 'Antuco', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8303, 'Cabrero', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8304, 'Laja', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8305, 'Mulchén', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8306, 'Nacimiento', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8307, 'Negrete', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8308, 'Quilaco', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8309, 'Quilleco', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8310, 'San Rosendo', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8311, 'Santa Bárbara', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8312, 'Tucapel', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8313, 'Yumbel', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (8314, 'Alto Biobío', 83, 'Biobío', 8, 'Biobío', 'BBIO', true),
    (9101, 'Temuco', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9102, 'Carahue', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9103, 'Cunco', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9104, 'Curarrehue', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9105, 'Freire', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9106, 'Galvarino', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9107, 'Gorbea', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9108, 'Lautaro', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9109, 'Loncoche', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9110, 'Melipeuco', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9111, 'Nueva Imperial', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9112, 'Padre Las Casas', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9113, 'Perquenco', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9114, 'Pitrufquén', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9115, 'Pucón', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9116, 'Saavedra', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9117, 'Teodoro Schmidt', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9118, 'Toltén', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9119, 'Vilcún', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9120, 'Villarrica', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9121, 'Cholchol', 91, 'Cautín', 9, 'La Araucanía', 'ARAUC', true),
    (9201, 'Angol', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9202, 'Collipulli', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9203, 'Curacautín', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9204, 'Ercilla', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9205, 'Lonquimay', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9206, 'Los Sauces', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9207, 'Lumaco', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9208, 'Purén', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9209, 'Renaico', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9210, 'Traiguén', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (9211, 'Victoria', 92, 'Malleco', 9, 'La Araucanía', 'ARAUC', true),
    (10101, 'Puerto Montt', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10102, 'Calbuco', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10103, 'Cochamó', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10104, 'Fresia', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10105, 'Frutillar', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10106, 'Los Muermos', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10107, 'Llanquihue', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10108, 'Maullín', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10109, 'Puerto Varas', 101, 'Llanquihue', 10, 'Los Lagos', 'LAGOS', true),
    (10201, 'Castro', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10202, 'Ancud', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10203, 'Chonchi', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10204, 'Curaco de Vélez', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10205, 'Dalcahue', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10206, 'Puqueldón', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10207, 'Queilén', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10208, 'Quellón', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10209, 'Quemchi', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10210, 'Quinchao', 102, 'Chiloé', 10, 'Los Lagos', 'LAGOS', true),
    (10301, 'Osorno', 103, 'Osorno', 10, 'Los Lagos', 'LAGOS', true),
    (10302, 'Puerto Octay', 103, 'Osorno', 10, 'Los Lagos', 'LAGOS', true),
    (10303, 'Purranque', 103, 'Osorno', 10, 'Los Lagos', 'LAGOS', true),
    (10304, 'Puyehue', 103, 'Osorno', 10, 'Los Lagos', 'LAGOS', true),
    (10305, 'Río Negro', 103, 'Osorno', 10, 'Los Lagos', 'LAGOS', true),
    (10306, 'San Juan de la Costa', 103, 'Osorno', 10, 'Los Lagos', 'LAGOS', true),
    (10307, 'San Pablo', 103, 'Osorno', 10, 'Los Lagos', 'LAGOS', true),
    (10401, 'Chaitén', 104, 'Palena', 10, 'Los Lagos', 'LAGOS', true),
    (10402, 'Futaleufú', 104, 'Palena', 10, 'Los Lagos', 'LAGOS', true),
    (10403, 'Hualaihué', 104, 'Palena', 10, 'Los Lagos', 'LAGOS', true),
    (10404, 'Palena', 104, 'Palena', 10, 'Los Lagos', 'LAGOS', true),
    (11101, 'Coyhaique', 111, 'Coyhaique', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11102, 'Lago Verde', 111, 'Coyhaique', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11201, 'Aysén', 112, 'Aysén', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11202, 'Cisnes', 112, 'Aysén', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11203, 'Guaitecas', 112, 'Aysén', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11301, 'Cochrane', 113, 'Capitán Prat', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11302, 'O''Higgins', 113, 'Capitán Prat', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11303, 'Tortel', 113, 'Capitán Prat', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11401, 'Chile Chico', 114, 'General Carrera', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (11402, 'Río Ibáñez', 114, 'General Carrera', 11, 'Aysén del General Carlos Ibáñez del Campo', 'AYSEN', true),
    (12101, 'Punta Arenas', 121, 'Magallanes', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12102, 'Laguna Blanca', 121, 'Magallanes', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12103, 'Río Verde', 121, 'Magallanes', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12104, 'San Gregorio', 121, 'Magallanes', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12201, 'Cabo de Hornos', 122, 'Antártica Chilena', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12202, 'Antártica', 122, 'Antártica Chilena', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12301, 'Porvenir', 123, 'Tierra del Fuego', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12302, 'Primavera', 123, 'Tierra del Fuego', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12303, 'Timaukel', 123, 'Tierra del Fuego', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12401, 'Natales', 124, 'Última Esperanza', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (12402, 'Torres del Paine', 124, 'Última Esperanza', 12, 'Magallanes y de la Antártica Chilena', 'MAG', true),
    (13101, 'Santiago', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13102, 'Cerrillos', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13103, 'Cerro Navia', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13104, 'Conchalí', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13105, 'El Bosque', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13106, 'Estación Central', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13107, 'Huechuraba', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13108, 'Independencia', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13109, 'La Cisterna', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13110, 'La Florida', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13111, 'La Granja', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13112, 'La Pintana', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13113, 'La Reina', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13114, 'Las Condes', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13115, 'Lo Barnechea', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13116, 'Lo Espejo', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13117, 'Lo Prado', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13118, 'Macul', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13119, 'Maipú', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13120, 'Ñuñoa', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13121, 'Pedro Aguirre Cerda', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13122, 'Peñalolén', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13123, 'Providencia', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13124, 'Pudahuel', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13125, 'Quilicura', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13126, 'Quinta Normal', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13127, 'Recoleta', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13128, 'Renca', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13129, 'San Joaquín', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13130, 'San Miguel', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13131, 'San Ramón', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13132, 'Vitacura', 131, 'Santiago', 13, 'Metropolitana de Santiago', 'RM', true),
    (13201, 'Puente Alto', 132, 'Cordillera', 13, 'Metropolitana de Santiago', 'RM', true),
    (13202, 'Pirque', 132, 'Cordillera', 13, 'Metropolitana de Santiago', 'RM', true),
    (13203, 'San José de Maipo', 132, 'Cordillera', 13, 'Metropolitana de Santiago', 'RM', true),
    (13301, 'Colina', 133, 'Chacabuco', 13, 'Metropolitana de Santiago', 'RM', true),
    (13302, 'Lampa', 133, 'Chacabuco', 13, 'Metropolitana de Santiago', 'RM', true),
    (13303, 'Tiltil', 133, 'Chacabuco', 13, 'Metropolitana de Santiago', 'RM', true),
    (13401, 'San Bernardo', 134, 'Maipo', 13, 'Metropolitana de Santiago', 'RM', true),
    (13402, 'Buin', 134, 'Maipo', 13, 'Metropolitana de Santiago', 'RM', true),
    (13403, 'Calera de Tango', 134, 'Maipo', 13, 'Metropolitana de Santiago', 'RM', true),
    (13404, 'Paine', 134, 'Maipo', 13, 'Metropolitana de Santiago', 'RM', true),
    (13501, 'Melipilla', 135, 'Melipilla', 13, 'Metropolitana de Santiago', 'RM', true),
    (13502, 'Alhué', 135, 'Melipilla', 13, 'Metropolitana de Santiago', 'RM', true),
    (13503, 'Curacaví', 135, 'Melipilla', 13, 'Metropolitana de Santiago', 'RM', true),
    (13504, 'María Pinto', 135, 'Melipilla', 13, 'Metropolitana de Santiago', 'RM', true),
    (13505, 'San Pedro', 135, 'Melipilla', 13, 'Metropolitana de Santiago', 'RM', true),
    (13601, 'Talagante', 136, 'Talagante', 13, 'Metropolitana de Santiago', 'RM', true),
    (13602, 'El Monte', 136, 'Talagante', 13, 'Metropolitana de Santiago', 'RM', true),
    (13603, 'Isla de Maipo', 136, 'Talagante', 13, 'Metropolitana de Santiago', 'RM', true),
    (13604, 'Padre Hurtado', 136, 'Talagante', 13, 'Metropolitana de Santiago', 'RM', true),
    (13605, 'Peñaflor', 136, 'Talagante', 13, 'Metropolitana de Santiago', 'RM', true),
    (14101, 'Valdivia', 141, 'Valdivia', 14, 'Los Ríos', 'RIOS', true),
    (14102, 'Corral', 141, 'Valdivia', 14, 'Los Ríos', 'RIOS', true),
    (14103, 'Lanco', 141, 'Valdivia', 14, 'Los Ríos', 'RIOS', true),
    (14104, 'Los Lagos', 141, 'Valdivia', 14, 'Los Ríos', 'RIOS', true),
    (14105, 'Máfil', 141, 'Valdivia', 14, 'Los Ríos', 'RIOS', true),
    (14106, 'Mariquina', 141, 'Valdivia', 14, 'Los Ríos', 'RIOS', true),
    (14107, 'Paillaco', 141, 'Valdivia', 14, 'Los Ríos', 'RIOS', true),
    (14108, 'Panguipulli', 141, 'Valdivia', 14, 'Los Ríos', 'RIOS', true),
    (14201, 'La Unión', 142, 'Ranco', 14, 'Los Ríos', 'RIOS', true),
    (14202, 'Futrono', 142, 'Ranco', 14, 'Los Ríos', 'RIOS', true),
    (14203, 'Lago Ranco', 142, 'Ranco', 14, 'Los Ríos', 'RIOS', true),
    (14204, 'Río Bueno', 142, 'Ranco', 14, 'Los Ríos', 'RIOS', true),
    (15101, 'Arica', 151, 'Arica', 15, 'Arica y Parinacota', 'AyP', true),
    (15102, 'Camarones', 151, 'Arica', 15, 'Arica y Parinacota', 'AyP', true),
    (15201, 'Putre', 152, 'Parinacota', 15, 'Arica y Parinacota', 'AyP', true),
    (15202, 'General Lagos', 152, 'Parinacota', 15, 'Arica y Parinacota', 'AyP', true),
    (16101, 'Chillán', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16102, 'Bulnes', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16103, 'Chillán Viejo', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16104, 'El Carmen', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16105, 'Pemuco', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16106, 'Pinto', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16107, 'Quillón', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16108, 'San Ignacio', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16109, 'Yungay', 161, 'Diguillín', 16, 'Ñuble', 'NUBLE', true),
    (16201, 'Quirihue', 162, 'Itata', 16, 'Ñuble', 'NUBLE', true),
    (16202, 'Cobquecura', 162, 'Itata', 16, 'Ñuble', 'NUBLE', true),
    (16203, 'Coelemu', 162, 'Itata', 16, 'Ñuble', 'NUBLE', true),
    (16204, 'Ninhue', 162, 'Itata', 16, 'Ñuble', 'NUBLE', true),
    (16205, 'Portezuelo', 162, 'Itata', 16, 'Ñuble', 'NUBLE', true),
    (16206, 'Ranquil', 162, 'Itata', 16, 'Ñuble', 'NUBLE', true),
    (16207, 'Trehuaco', 162, 'Itata', 16, 'Ñuble', 'NUBLE', true),
    (16301, 'San Carlos', 163, 'Punilla', 16, 'Ñuble', 'NUBLE', true),
    (16302, 'Coihueco', 163, 'Punilla', 16, 'Ñuble', 'NUBLE', true),
    (16303, 'Ñiquén', 163, 'Punilla', 16, 'Ñuble', 'NUBLE', true),
    (16304, 'San Fabián', 163, 'Punilla', 16, 'Ñuble', 'NUBLE', true),
    (16305, 'San Nicolás', 163, 'Punilla', 16, 'Ñuble', 'NUBLE', true);

INSERT INTO rezago.comuna_code_history (old_cut, cut, valid_to, note, builtin) VALUES
    (8401, 16101, '2018-07-18', 'Chillán: Biobío code 08401 replaced by Ñuble code 16101 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Chillán'') and SUBDERE CUT 2018', true),
    (8402, 16102, '2018-07-18', 'Bulnes: Biobío code 08402 replaced by Ñuble code 16102 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Bulnes'') and SUBDERE CUT 2018', true),
    (8403, 16202, '2018-07-18', 'Cobquecura: Biobío code 08403 replaced by Ñuble code 16202 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Cobquecura'') and SUBDERE CUT 2018', true),
    (8404, 16203, '2018-07-18', 'Coelemu: Biobío code 08404 replaced by Ñuble code 16203 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Coelemu'') and SUBDERE CUT 2018', true),
    (8405, 16302, '2018-07-18', 'Coihueco: Biobío code 08405 replaced by Ñuble code 16302 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Coihueco'') and SUBDERE CUT 2018', true),
    (8406, 16103, '2018-07-18', 'Chillán Viejo: Biobío code 08406 replaced by Ñuble code 16103 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Chillán Viejo'') and SUBDERE CUT 2018', true),
    (8407, 16104, '2018-07-18', 'El Carmen: Biobío code 08407 replaced by Ñuble code 16104 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''El Carmen'') and SUBDERE CUT 2018', true),
    (8408, 16204, '2018-07-18', 'Ninhue: Biobío code 08408 replaced by Ñuble code 16204 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Ninhue'') and SUBDERE CUT 2018', true),
    (8409, 16303, '2018-07-18', 'Ñiquén: Biobío code 08409 replaced by Ñuble code 16303 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Ñiquén'') and SUBDERE CUT 2018', true),
    (8410, 16105, '2018-07-18', 'Pemuco: Biobío code 08410 replaced by Ñuble code 16105 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Pemuco'') and SUBDERE CUT 2018', true),
    (8411, 16106, '2018-07-18', 'Pinto: Biobío code 08411 replaced by Ñuble code 16106 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Pinto'') and SUBDERE CUT 2018', true),
    (8412, 16205, '2018-07-18', 'Portezuelo: Biobío code 08412 replaced by Ñuble code 16205 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Portezuelo'') and SUBDERE CUT 2018', true),
    (8413, 16107, '2018-07-18', 'Quillón: Biobío code 08413 replaced by Ñuble code 16107 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Quillón'') and SUBDERE CUT 2018', true),
    (8414, 16201, '2018-07-18', 'Quirihue: Biobío code 08414 replaced by Ñuble code 16201 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Quirihue'') and SUBDERE CUT 2018', true),
    (8415, 16206, '2018-07-18', 'Ranquil: Biobío code 08415 replaced by Ñuble code 16206 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Ránquil'') and SUBDERE CUT 2018', true),
    (8416, 16301, '2018-07-18', 'San Carlos: Biobío code 08416 replaced by Ñuble code 16301 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''San Carlos'') and SUBDERE CUT 2018', true),
    (8417, 16304, '2018-07-18', 'San Fabián: Biobío code 08417 replaced by Ñuble code 16304 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''San Fabián'') and SUBDERE CUT 2018', true),
    (8418, 16108, '2018-07-18', 'San Ignacio: Biobío code 08418 replaced by Ñuble code 16108 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''San Ignacio'') and SUBDERE CUT 2018', true),
    (8419, 16305, '2018-07-18', 'San Nicolás: Biobío code 08419 replaced by Ñuble code 16305 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''San Nicolás'') and SUBDERE CUT 2018', true),
    (8420, 16207, '2018-07-18', 'Trehuaco: Biobío code 08420 replaced by Ñuble code 16207 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Treguaco'') and SUBDERE CUT 2018', true),
    (8421, 16109, '2018-07-18', 'Yungay: Biobío code 08421 replaced by Ñuble code 16109 in the CUT 2018 (Decreto 1.115/2018, Ministerio del Interior). Pair matched by name between the MDSF SAE 2009/2011 file (pre-2018 codes, name ''Yungay'') and SUBDERE CUT 2018', true);

INSERT INTO rezago.comuna_region_history (cut, region_code, valid_to, note, builtin) VALUES
    (16101, 8, '2018-09-05', 'Chillán: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16102, 8, '2018-09-05', 'Bulnes: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16103, 8, '2018-09-05', 'Chillán Viejo: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16104, 8, '2018-09-05', 'El Carmen: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16105, 8, '2018-09-05', 'Pemuco: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16106, 8, '2018-09-05', 'Pinto: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16107, 8, '2018-09-05', 'Quillón: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16108, 8, '2018-09-05', 'San Ignacio: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16109, 8, '2018-09-05', 'Yungay: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16201, 8, '2018-09-05', 'Quirihue: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16202, 8, '2018-09-05', 'Cobquecura: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16203, 8, '2018-09-05', 'Coelemu: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16204, 8, '2018-09-05', 'Ninhue: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16205, 8, '2018-09-05', 'Portezuelo: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16206, 8, '2018-09-05', 'Ranquil: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16207, 8, '2018-09-05', 'Trehuaco: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16301, 8, '2018-09-05', 'San Carlos: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16302, 8, '2018-09-05', 'Coihueco: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16303, 8, '2018-09-05', 'Ñiquén: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16304, 8, '2018-09-05', 'San Fabián: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true),
    (16305, 8, '2018-09-05', 'San Nicolás: Región del Biobío until the Región de Ñuble was created (Ley 21.033, in force 6 September 2018)', true);
RESET rezago.allow_builtin_changes;

SELECT pg_catalog.pg_extension_config_dump('rezago.official_comuna', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('rezago.comuna_code_history', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('rezago.comuna_region_history', 'WHERE NOT builtin');

CREATE FUNCTION rezago.comuna_regions(day date)
RETURNS TABLE (cut integer, region_code integer)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    -- one join with the comunas' first history row on or after the day
    -- (DISTINCT ON over the few history rows), not one probe per comuna:
    -- territory_entry reads every comuna (doc/performance.md)
    SELECT c.cut, coalesce(h.region_code, c.region_code)
    FROM rezago.comuna c
    LEFT JOIN (SELECT DISTINCT ON (h.cut) h.cut, h.region_code
               FROM rezago.comuna_region_history h
               WHERE h.valid_to >= comuna_regions.day
               ORDER BY h.cut, h.valid_to) h ON h.cut = c.cut
    ORDER BY c.cut;
END;
COMMENT ON FUNCTION rezago.comuna_regions(date) IS
'Región of every comuna of rezago.comuna on a day: the región of its first rezago.comuna_region_history row whose valid_to is on or after the day, else its current región (rezago.comuna.region_code, NULL when unknown). On 2009-12-31 the Ñuble comunas (16xxx) are in Biobío (8); from 2018-09-06 in Ñuble (16). NULL day: the current región of every comuna.';

--------------------------------------------------------------------------
-- Observation sources: every function that reads observations reads them
-- through rezago.source_observations, from rezago.observation or from any
-- table or view with the same columns that the caller names
--------------------------------------------------------------------------

CREATE FUNCTION rezago.observation_source_checked(observations regclass)
RETURNS boolean
AS 'MODULE_PATHNAME', 'rezago_observation_source_checked'
LANGUAGE C VOLATILE PARALLEL RESTRICTED CALLED ON NULL INPUT;
COMMENT ON FUNCTION rezago.observation_source_checked(regclass) IS
'Support function of rezago.require_observation_source: whether the source''s rows were found good under the snapshot the caller reads with (src/source_check.c), so that the reads of one query scan a source once to check it. NULL: false.';

CREATE FUNCTION rezago.observation_source_passed(observations regclass)
RETURNS void
AS 'MODULE_PATHNAME', 'rezago_observation_source_passed'
LANGUAGE C VOLATILE PARALLEL RESTRICTED CALLED ON NULL INPUT;
COMMENT ON FUNCTION rezago.observation_source_passed(regclass) IS
'Support function of rezago.require_observation_source: remembers, in the backend''s memory, that the source''s rows were found good under the caller''s snapshot; a new statement, a change made by the transaction or a commit elsewhere gives another snapshot, and the rows are checked again. The columns are checked on every read, remembered or not. NULL: nothing.';

CREATE FUNCTION rezago.require_observation_source(observations regclass)
RETURNS regclass
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kind "char";
    col record;
    bad text;
BEGIN
    -- rezago.observation itself: the table's constraints already guarantee
    -- what is checked below
    IF observations IS NULL OR observations = 'rezago.observation'::regclass THEN
        RETURN observations;
    END IF;
    SELECT c.relkind INTO kind FROM pg_catalog.pg_class c WHERE c.oid = observations;
    IF kind IS NULL OR kind NOT IN ('r', 'p', 'v', 'm', 'f') THEN
        RAISE EXCEPTION 'observation source % is not a table or a view', observations
            USING ERRCODE = 'wrong_object_type',
                  DETAIL = pg_catalog.format('Its relkind is %s.', coalesce(kind::text, 'unknown')),
                  HINT = 'Name a table, a view, a materialized view or a foreign table with the columns cut, variable, period and value.';
    END IF;
    -- the columns and their types
    FOR col IN
        SELECT r.name, r.types, r.required, a.atttypid
        FROM (VALUES ('cut',      ARRAY['smallint', 'integer', 'bigint'], true, 1),
                     ('variable', ARRAY['text', 'character varying', 'character', 'name'], true, 2),
                     ('period',   ARRAY['smallint', 'integer', 'bigint'], true, 3),
                     ('value',    ARRAY['double precision', 'real', 'numeric', 'smallint', 'integer', 'bigint'], true, 4),
                     ('source',   NULL, false, 5)) r(name, types, required, n)
        LEFT JOIN pg_catalog.pg_attribute a
          ON a.attrelid = observations AND a.attname = r.name AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY r.n
    LOOP
        IF col.atttypid IS NULL AND col.required THEN
            RAISE EXCEPTION 'observation source % has no column %', observations, col.name
                USING ERRCODE = 'undefined_column',
                      DETAIL = 'An observation source has the columns cut, variable, period and value, and may have a column source.',
                      HINT = 'Rename the column, or name a view that selects it under that name.';
        END IF;
        IF col.atttypid IS NOT NULL AND col.types IS NOT NULL
           AND pg_catalog.format_type(col.atttypid, NULL) <> ALL (col.types) THEN
            RAISE EXCEPTION 'column % of observation source % has type %', col.name, observations,
                            pg_catalog.format_type(col.atttypid, NULL)
                USING ERRCODE = 'datatype_mismatch',
                      DETAIL = pg_catalog.format('Column %s must be of one of the types %s.', col.name,
                                                 pg_catalog.array_to_string(col.types, ', ')),
                      HINT = 'Cast it in a view over the source.';
        END IF;
    END LOOP;
    -- the rows: what rezago.observation's keys and constraints refuse, a
    -- scan of the whole source, once per snapshot (the columns, from the
    -- catalogue, are checked every time)
    IF rezago.observation_source_checked(observations) THEN
        RETURN observations;
    END IF;
    EXECUTE pg_catalog.format($q$
        SELECT coalesce(
            (SELECT pg_catalog.format('a row has a NULL key (cut %%s, variable %%s, period %%s)',
                                      coalesce(s.cut::text, 'NULL'), coalesce(s.variable::text, 'NULL'),
                                      coalesce(s.period::text, 'NULL'))
             FROM %1$s s WHERE s.cut IS NULL OR s.variable IS NULL OR s.period IS NULL LIMIT 1),
            (SELECT pg_catalog.format('(cut %%s, variable %%s, period %%s) appears %%s times',
                                      s.cut, s.variable, s.period, pg_catalog.count(*))
             FROM %1$s s GROUP BY s.cut, s.variable, s.period HAVING pg_catalog.count(*) > 1
             ORDER BY s.cut, s.variable, s.period LIMIT 1),
            (SELECT pg_catalog.format('cut %%s, variable %%s, period %%s has the value %%s, which is not finite',
                                      s.cut, s.variable, s.period, s.value)
             FROM %1$s s
             WHERE s.value::double precision IN ('NaN'::double precision, 'Infinity'::double precision,
                                                 '-Infinity'::double precision)
             ORDER BY s.cut, s.variable, s.period LIMIT 1),
            (SELECT pg_catalog.format('cut %%s is not a comuna of rezago.comuna', s.cut)
             FROM %1$s s WHERE NOT EXISTS (SELECT FROM rezago.comuna c WHERE c.cut OPERATOR(pg_catalog.=) s.cut)
             ORDER BY s.cut LIMIT 1),
            (SELECT pg_catalog.format('variable %%s is not a variable of rezago.variable', s.variable)
             FROM %1$s s WHERE NOT EXISTS (SELECT FROM rezago.variable v
                                           WHERE v.code OPERATOR(pg_catalog.=) s.variable::text)
             ORDER BY s.variable LIMIT 1),
            (SELECT pg_catalog.format('period %%s is out of the range of integer', s.period)
             FROM %1$s s WHERE s.period::bigint NOT BETWEEN -2147483648 AND 2147483647 LIMIT 1))$q$,
        observations) INTO bad;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'observation source % holds rows rezago.observation would refuse', observations
            USING ERRCODE = 'data_exception',
                  DETAIL = pg_catalog.format('The first problem found: %s.', bad),
                  HINT = 'A source has one finite or NULL value per comuna, variable and period, for comunas of rezago.comuna (2018 codes; rezago.import_observations maps former ones) and variables of rezago.variable.';
    END IF;
    PERFORM rezago.observation_source_passed(observations);
    RETURN observations;
END;
$$;
COMMENT ON FUNCTION rezago.require_observation_source(regclass) IS
'Checks an observation source and returns it (NULL for NULL): a table, view, materialized view or foreign table with the columns cut and period (smallint, integer or bigint), variable (text, varchar, char or name) and value (double precision, real, numeric or an integer type), and optionally source (any type, read as text); and rows that rezago.observation would accept: no NULL key, one row per (cut, variable, period), finite or NULL values, comunas of rezago.comuna and variables of rezago.variable. Errors: 42809 not a table or view, 42703 a missing column, 42804 a column of another type, 22000 rows it would refuse (the detail names the first). Every function that takes observations => ... calls it on every read of the source (rezago.source_observations); a source found good is not checked again under the same snapshot (the reads of one query: rezago.observation_source_checked).';

CREATE FUNCTION rezago.read_observation_source(observations regclass)
RETURNS TABLE (cut integer, variable text, period integer, value double precision, source text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
-- PARALLEL RESTRICTED: a temporary table cannot be read in a parallel worker
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    src regclass := rezago.require_observation_source(observations);
BEGIN
    -- NULL: no rows; rezago.observation is read by source_observations itself
    IF src IS NULL OR src = 'rezago.observation'::regclass THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE pg_catalog.format(
        'SELECT s.cut::integer, s.variable::text, s.period::integer, s.value::double precision, %s FROM %s s',
        CASE WHEN EXISTS (SELECT FROM pg_catalog.pg_attribute a
                          WHERE a.attrelid = src AND a.attname = 'source' AND a.attnum > 0 AND NOT a.attisdropped)
             THEN 's.source::text' ELSE 'NULL::text' END,
        src);
END;
$$;
COMMENT ON FUNCTION rezago.read_observation_source(regclass) IS
'The rows of an observation source (checked by rezago.require_observation_source) as rezago.observation''s columns: cut, variable, period, value (as double precision) and source (as text; NULL when the source has no such column). NULL or rezago.observation: no rows. Use rezago.source_observations, which reads rezago.observation itself without this function.';

CREATE FUNCTION rezago.source_observations(observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, variable text, period integer, value double precision, source text)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    -- inlined into its callers.  The two branches carry no WHERE clause of
    -- their own, so that PostgreSQL flattens them into an append of base
    -- relations, whose index paths (probes by period and variable, by cut)
    -- its callers keep; the condition outside, on a boolean (a condition on
    -- a regclass column would keep them apart), reaches each branch as a
    -- constant: with rezago.observation the first branch is the table and
    -- the second is removed from the plan (a constant argument) or never
    -- run (a parameter: a one-time filter); with another source the
    -- reverse; with NULL neither
    SELECT u.cut, u.variable, u.period, u.value, u.source
    FROM (SELECT o.cut, o.variable, o.period, o.value, o.source, true AS is_table
          FROM rezago.observation o
          UNION ALL
          SELECT s.cut, s.variable, s.period, s.value, s.source, false
          FROM rezago.read_observation_source(source_observations.observations) s) u
    WHERE u.is_table = (source_observations.observations = 'rezago.observation'::regclass);
END;
COMMENT ON FUNCTION rezago.source_observations(regclass) IS
'The observations every reading function of rezago reads: rezago.observation (the default), or the rows of the table or view named (rezago.read_observation_source, checked by rezago.require_observation_source on every read). The one place where rezago reads observations: every function with an argument observations regclass DEFAULT ''rezago.observation'' reads through it, so that results over a source holding the same rows as rezago.observation are the same, to the bit. Comunas, variables, methodologies and territories always come from rezago''s own tables. NULL: no rows (a reading function then computes as if nothing were observed, as with a NULL period).';

CREATE FUNCTION rezago.data_availability(methodology text DEFAULT 'ufro2017',
                                         observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, period integer, comunas bigint, share double precision)
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH v AS (
        SELECT w.variable FROM rezago.methodology_weights(data_availability.methodology) w
        UNION
        SELECT x.code FROM rezago.variable x JOIN rezago.dimension d ON d.code = x.dimension
        WHERE NOT d.in_index
    ), p AS (
        SELECT DISTINCT o.period FROM rezago.source_observations(data_availability.observations) o
    ), got AS (
        SELECT o.variable, o.period, count(*) AS comunas
        FROM rezago.source_observations(data_availability.observations) o WHERE o.value IS NOT NULL
        GROUP BY o.variable, o.period
    )
    SELECT v.variable, p.period, coalesce(got.comunas, 0),
           coalesce(got.comunas, 0)::double precision / (SELECT count(*) FROM rezago.comuna)
    FROM v CROSS JOIN p
    LEFT JOIN got ON got.variable = v.variable AND got.period = p.period
    ORDER BY v.variable, p.period;
END;
COMMENT ON FUNCTION rezago.data_availability(text, regclass) IS
'What can be computed: for every variable of the methodology (weight > 0) and every context variable (pobreza_ingresos, localidades, localidades_aisladas, poblacion: entry criteria and population weights), and every period with observations of any variable, the comunas with a non-NULL value and their share of the comunas of rezago.comuna (0 when there are none). No rows before observations are loaded. Unknown methodology: 42704; NULL: 22004.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('relation', 'comuna',                 'edit'),
    ('relation', 'observation',            'edit'),
    ('routine',  'import_observations',    'edit'),
    ('routine',  'import_comunas',         'edit'),
    ('routine',  'import_comunas_geojson', 'edit'),
    ('relation', 'official_comuna',        'edit'),
    ('relation', 'comuna_code_history',    'edit'),
    ('relation', 'comuna_region_history',  'edit'),
    ('routine',  'comuna_regions',         'read'),
    ('routine',  'data_availability',      'read'),
    ('routine',  'require_observation_source', 'read'),
    ('routine',  'observation_source_checked', 'read'),
    ('routine',  'observation_source_passed', 'read'),
    ('routine',  'read_observation_source', 'read'),
    ('routine',  'source_observations',    'read');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
