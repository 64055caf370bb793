/*
 * Territories on real maps (doc/method.md sections 1, 6, 7): territories and
 * their member comunas, comuna names, adjacency, contiguity, territory
 * geometry, province and pilot territories.
 *
 * Geometry work lives in BEGIN ATOMIC SQL functions, which bind the PostGIS
 * objects when this script runs; plpgsql functions only call rezago.*
 * functions, so they need no PostGIS schema on their search_path.
 * Metric work (tolerances, lengths) is done on the two comunas' pieces near
 * each other, transformed to the UTM zone where they meet: exact enough
 * (< 0.1 % in the zone) and much faster than geography (0.5 s against 33 s
 * for the BCN graph).
 */

--------------------------------------------------------------------------
-- Territories: named groups of comunas, written by editors
--------------------------------------------------------------------------

CREATE TABLE rezago.territory (
    code       text PRIMARY KEY,
    name       text NOT NULL,
    centre_cut integer REFERENCES rezago.comuna (cut) ON UPDATE CASCADE
);
COMMENT ON TABLE rezago.territory IS 'Functional territories: named groups of two or more contiguous comunas.';
COMMENT ON COLUMN rezago.territory.code IS 'Stable identifier, e.g. limari_choapa.';
COMMENT ON COLUMN rezago.territory.name IS 'Name, e.g. Limarí-Choapa.';
COMMENT ON COLUMN rezago.territory.centre_cut IS 'Optional urban centre (a comuna CUT).';

CREATE TABLE rezago.territory_member (
    territory text NOT NULL REFERENCES rezago.territory (code) ON UPDATE CASCADE ON DELETE CASCADE,
    cut       integer NOT NULL REFERENCES rezago.comuna (cut) ON UPDATE CASCADE,
    PRIMARY KEY (territory, cut)
);
CREATE INDEX territory_member_cut_idx ON rezago.territory_member (cut);
COMMENT ON TABLE rezago.territory_member IS 'Member comunas of each territory (by CUT).';
COMMENT ON COLUMN rezago.territory_member.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.territory_member.cut IS 'Member comuna CUT.';

SELECT pg_catalog.pg_extension_config_dump('rezago.territory', '');
SELECT pg_catalog.pg_extension_config_dump('rezago.territory_member', '');

--------------------------------------------------------------------------
-- Names: accent- and case-insensitive lookup, errors on ambiguity
--------------------------------------------------------------------------

CREATE FUNCTION rezago.name_key(name text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT pg_catalog.regexp_replace(
        pg_catalog.btrim(pg_catalog.regexp_replace(
            pg_catalog.lower(pg_catalog.translate(name_key.name,
                'ÁÀÂÄÃÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇáàâäãéèêëíìîïóòôöõúùûüñç''’´`',
                'AAAAAEEEEIIIIOOOOOUUUUNCaaaaaeeeeiiiiooooouuuunc') COLLATE "C"),
            '[^a-z0-9]+', ' ', 'g')),
        'gu([aeiou])', 'hu\1', 'g');
END;
COMMENT ON FUNCTION rezago.name_key(text) IS
'Comparison key of a place name: accents and case removed (áéíóúüñ and upper case, independent of the database collation), apostrophes dropped, other punctuation and runs of spaces turned into one space, and the spelling variant gu/hu before a vowel unified (Treguaco = Trehuaco, Marchigüe = Marchihue, Paiguano = Paihuano). Ránquil, RANQUIL and Ranquil give ranquil. NULL gives NULL.';

CREATE INDEX comuna_name_key_idx ON rezago.comuna (rezago.name_key(name));

CREATE FUNCTION rezago.find_place(kind text, name text, within text DEFAULT NULL)
RETURNS TABLE (code integer, name text, provincia text, region text, comunas bigint, match text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH q0 AS (
        SELECT rezago.name_key(find_place.name) AS k, rezago.name_key(find_place.within) AS w
    ), q AS (
        -- the same keys without spaces: the BCN file writes Bío-Bío where the
        -- CUT list writes Biobío, and Til Til / Tiltil both occur
        SELECT q0.k, q0.w, pg_catalog.replace(q0.k, ' ', '') AS k0, pg_catalog.replace(q0.w, ' ', '') AS w0
        FROM q0
    ), places AS (
        -- comunas, or provincias (named after any of their comunas' rows)
        SELECT c.cut AS code, c.name, c.provincia, c.region, 1::bigint AS comunas
        FROM rezago.comuna c WHERE find_place.kind = 'comuna'
        UNION ALL
        SELECT c.provincia_code, pg_catalog.min(c.provincia), pg_catalog.min(c.provincia), pg_catalog.min(c.region),
               pg_catalog.count(*)
        FROM rezago.comuna c WHERE find_place.kind = 'provincia' AND c.provincia_code IS NOT NULL
        GROUP BY c.provincia_code
    ), p AS (
        SELECT places.*, rezago.name_key(places.name) AS pk
        FROM places CROSS JOIN q
        WHERE q.w IS NULL
           OR (find_place.kind = 'comuna'
               AND pg_catalog.strpos(pg_catalog.replace(rezago.name_key(places.provincia), ' ', ''), q.w0) > 0)
           OR pg_catalog.strpos(pg_catalog.replace(rezago.name_key(places.region), ' ', ''), q.w0) > 0
    ), exact AS (
        SELECT p.* FROM p CROSS JOIN q WHERE pg_catalog.replace(p.pk, ' ', '') = q.k0
    )
    SELECT e.code, e.name, e.provincia, e.region, e.comunas, 'exact'::text FROM exact e
    UNION ALL
    SELECT p.code, p.name, p.provincia, p.region, p.comunas, 'words'::text
    FROM p CROSS JOIN q
    WHERE NOT EXISTS (SELECT 1 FROM exact) AND q.k <> ''
      AND pg_catalog.strpos(' ' || p.pk || ' ', ' ' || q.k || ' ') > 0
    ORDER BY 1;
END;
COMMENT ON FUNCTION rezago.find_place(text, text, text) IS
'Comunas (kind = comuna) or provincias (kind = provincia) whose name matches, ignoring accents, case and punctuation (rezago.name_key): exact matches (match = exact; spaces are ignored too, so Tiltil = Til Til and Biobío = Bío-Bío), or when there is none, those whose name contains the given words (match = words: Imperial finds Nueva Imperial). within, when given, keeps the places whose región (or, for comunas, provincia) name contains it, spaces ignored (Biobío finds Región del Bío-Bío). Never raises; NULL or empty name, or another kind: no rows. rezago.find_comuna and rezago.find_provincia present its rows.';

CREATE FUNCTION rezago.find_comuna(name text, within text DEFAULT NULL)
RETURNS TABLE (cut integer, name text, provincia text, region text, match text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT f.code, f.name, f.provincia, f.region, f.match
    FROM rezago.find_place('comuna', find_comuna.name, find_comuna.within) f;
END;
COMMENT ON FUNCTION rezago.find_comuna(text, text) IS
'Comunas whose name matches, ignoring accents, case and punctuation (rezago.name_key): exact matches (match = exact), or when there is none, the comunas whose name contains the given words (match = words: Imperial finds Nueva Imperial). within, when given, keeps the comunas whose provincia or región name contains those words. Never raises; NULL or empty name: no rows.';

CREATE FUNCTION rezago.find_provincia(name text, within text DEFAULT NULL)
RETURNS TABLE (provincia_code integer, provincia text, region text, comunas bigint, match text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT f.code, f.name, f.region, f.comunas, f.match
    FROM rezago.find_place('provincia', find_provincia.name, find_provincia.within) f;
END;
COMMENT ON FUNCTION rezago.find_provincia(text, text) IS
'Provincias (from rezago.comuna) whose name matches like rezago.find_comuna: exact key first, else containing the words; within keeps the provincias of a matching región. Returns the code, name, región, number of comunas and the kind of match. Never raises.';

CREATE FUNCTION rezago.resolve_name(kind text, name text, within text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
    hit integer;
    candidates text;
    alike text;
    scope text := CASE WHEN within IS NULL THEN '' ELSE format(' in %s', within) END;
BEGIN
    IF kind IS NULL OR kind NOT IN ('comuna', 'provincia') THEN
        RAISE EXCEPTION 'unknown kind of place "%"', kind
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'rezago.resolve_name resolves comuna or provincia names.',
                  HINT = 'Use rezago.comuna_cut(name) or rezago.provincia_code(name).';
    END IF;
    IF name IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT count(*), min(f.code),
           string_agg(format('%s (%s %s, %s)', f.name, CASE kind WHEN 'comuna' THEN 'CUT' ELSE 'code' END,
                             f.code, coalesce(f.region, 'región unknown')), '; ' ORDER BY f.code)
      INTO n, hit, candidates
    FROM rezago.find_place(resolve_name.kind, resolve_name.name, resolve_name.within) f;
    IF n = 1 THEN
        RETURN hit;
    ELSIF n = 0 THEN
        SELECT string_agg(s.nm, ', ' ORDER BY s.nm) INTO alike
        FROM (SELECT DISTINCT x.nm
              FROM rezago.comuna c
              CROSS JOIN LATERAL (SELECT CASE kind WHEN 'comuna' THEN c.name ELSE c.provincia END AS nm) x
              WHERE left(rezago.name_key(x.nm), 3) = left(rezago.name_key(resolve_name.name), 3)
              ORDER BY x.nm LIMIT 8) s;
        RAISE EXCEPTION 'unknown % "%"%', kind, name, scope
            USING ERRCODE = 'undefined_object',
                  DETAIL = format('No %s name matches "%s"%s (accents, case and punctuation ignored)%s.', kind, name, scope,
                                  CASE WHEN alike IS NULL THEN '' ELSE '; names that start alike: ' || alike END),
                  HINT = format('Check the spelling or use the code; list the names with rezago.find_%s or SELECT * FROM rezago.comuna.', kind);
    END IF;
    RAISE EXCEPTION '% name "%" is ambiguous%', kind, name, scope
        USING ERRCODE = 'cardinality_violation',
              DETAIL = format('It matches %s %ss: %s.', n, kind, candidates),
              HINT = format('Use the full name or the code, or pass within => the %s name.',
                            CASE kind WHEN 'comuna' THEN 'provincia or región' ELSE 'región' END);
END
$$;
COMMENT ON FUNCTION rezago.resolve_name(text, text, text) IS
'Resolves one comuna (kind = comuna: returns its CUT) or provincia (kind = provincia: returns its code) by name, ignoring accents, case and punctuation (see rezago.find_comuna). NULL name: NULL. No match: error 42704 with names that start alike. Several matches: error 21000 listing every candidate with its code and región.';

CREATE FUNCTION rezago.comuna_cut(name text, within text DEFAULT NULL)
RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT rezago.resolve_name('comuna', comuna_cut.name, comuna_cut.within);
END;
COMMENT ON FUNCTION rezago.comuna_cut(text, text) IS
'CUT of the comuna with this name: Ránquil, RANQUIL and Ranquil give 16206; Trehuaco and Treguaco give 16207; Imperial gives Nueva Imperial (9111) as the only name with that word. within (optional) restricts to a provincia or región. NULL name: NULL. Unknown: error 42704. Ambiguous: error 21000 listing the candidates with CUT and región.';

CREATE FUNCTION rezago.comuna_cuts(names text[], within text DEFAULT NULL)
RETURNS integer[]
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT pg_catalog.array_agg(rezago.comuna_cut(u.n, comuna_cuts.within) ORDER BY u.o)
    FROM pg_catalog.unnest(comuna_cuts.names) WITH ORDINALITY AS u(n, o);
END;
COMMENT ON FUNCTION rezago.comuna_cuts(text[], text) IS
'CUTs of a list of comuna names, in order, each resolved by rezago.comuna_cut (same errors). A NULL element gives a NULL element; a NULL or empty array gives NULL.';

CREATE FUNCTION rezago.provincia_code(name text, within text DEFAULT NULL)
RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT rezago.resolve_name('provincia', provincia_code.name, provincia_code.within);
END;
COMMENT ON FUNCTION rezago.provincia_code(text, text) IS
'Code of the provincia with this name (e.g. Cauquenes gives 72), matched like rezago.comuna_cut; within (optional) restricts to a región. NULL name: NULL. Unknown: error 42704. Ambiguous: error 21000 listing the candidates.';

--------------------------------------------------------------------------
-- Adjacency: geometry within a tolerance, or an explicit link
--------------------------------------------------------------------------

CREATE TABLE rezago.adjacency_link (
    cut_a integer NOT NULL REFERENCES rezago.comuna (cut) ON UPDATE CASCADE ON DELETE CASCADE,
    cut_b integer NOT NULL REFERENCES rezago.comuna (cut) ON UPDATE CASCADE ON DELETE CASCADE,
    note  text,
    PRIMARY KEY (cut_a, cut_b),
    CONSTRAINT adjacency_link_not_self CHECK (cut_a <> cut_b)
);
CREATE UNIQUE INDEX adjacency_link_pair_idx
    ON rezago.adjacency_link (LEAST(cut_a, cut_b), GREATEST(cut_a, cut_b));
CREATE INDEX adjacency_link_cut_b_idx ON rezago.adjacency_link (cut_b);
COMMENT ON TABLE rezago.adjacency_link IS 'Explicit adjacencies between comunas that the boundaries do not show: ferries and bridges to islands (Chiloé, Quinchao, Lemuy, Guaitecas, Juan Fernández). A link makes two comunas adjacent whatever the tolerance. One row per unordered pair.';
COMMENT ON COLUMN rezago.adjacency_link.cut_a IS 'One comuna of the pair (CUT).';
COMMENT ON COLUMN rezago.adjacency_link.cut_b IS 'The other comuna of the pair (CUT); the pair is unordered and a comuna cannot be linked to itself.';
COMMENT ON COLUMN rezago.adjacency_link.note IS 'Why the two comunas are adjacent, e.g. "ferry Dalcahue - Curaco de Vélez".';
SELECT pg_catalog.pg_extension_config_dump('rezago.adjacency_link', '');

CREATE FUNCTION rezago.valid_tolerance(tolerance_m double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'rezago_valid_tolerance'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rezago.valid_tolerance(double precision) IS
'Returns the adjacency tolerance in metres when it is usable: finite, between 0 and 100000. NULL: error 22004; NaN, infinite, negative or above 100 km: error 22023.';

CREATE FUNCTION rezago.valid_geometry(geom geometry)
RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN (ST_IsValidDetail(valid_geometry.geom)).valid THEN valid_geometry.geom
                ELSE ST_CollectionExtract(ST_MakeValid(valid_geometry.geom), 3) END;
END;
COMMENT ON FUNCTION rezago.valid_geometry(geometry) IS
'The geometry itself when it is valid, otherwise its polygons made valid (ST_MakeValid), without notices. Adjacency and territory geometry use it, so that a boundary written to rezago.comuna without rezago.import_comunas is still handled. NULL: NULL.';

CREATE FUNCTION rezago.expand_by_metres(geom geometry, metres double precision)
RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    -- a plain expression, so that the planner inlines it; negative, NaN and
    -- infinite metres give NULL, and below 1 mm it grows by 1 mm (no underflow)
    SELECT CASE WHEN expand_by_metres.metres >= 0 AND expand_by_metres.metres < 'Infinity'::double precision THEN
           ST_Expand(expand_by_metres.geom,
               CASE WHEN expand_by_metres.metres = 0 THEN 0
                    WHEN GREATEST(abs(ST_YMin(expand_by_metres.geom)), abs(ST_YMax(expand_by_metres.geom)))
                         + 1.01 * GREATEST(expand_by_metres.metres, 0.001) / 110574 >= 89 THEN 360
                    ELSE 1.01 * GREATEST(expand_by_metres.metres, 0.001)
                         / (111320 * pg_catalog.cosd(GREATEST(abs(ST_YMin(expand_by_metres.geom)), abs(ST_YMax(expand_by_metres.geom)))
                                                     + 1.01 * GREATEST(expand_by_metres.metres, 0.001) / 110574)) END,
               CASE WHEN expand_by_metres.metres = 0 THEN 0 ELSE 1.01 * GREATEST(expand_by_metres.metres, 0.001) / 110574 END)
           END;
END;
COMMENT ON FUNCTION rezago.expand_by_metres(geometry, double precision) IS
'Bounding box of a lon/lat (SRID 4326) geometry grown by at least the given number of metres in every direction (1 % margin; the whole longitude range within 1 degree of a pole): a cheap && prefilter, usable with the GiST index, for "within so many metres". NULL geometry or metres: NULL; negative, NaN or infinite metres: NULL; below 1 mm it grows by 1 mm.';

CREATE FUNCTION rezago.metric_srid(geom geometry)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN ST_IsEmpty(metric_srid.geom) IS NOT FALSE THEN NULL   -- NULL or empty
                WHEN ST_YMax(metric_srid.geom) + ST_YMin(metric_srid.geom) < -160 THEN 3031
                WHEN ST_YMax(metric_srid.geom) + ST_YMin(metric_srid.geom) > 168 THEN 3995
                ELSE CASE WHEN ST_YMax(metric_srid.geom) + ST_YMin(metric_srid.geom) < 0 THEN 32700 ELSE 32600 END
                     + LEAST(60, GREATEST(1, pg_catalog.floor(((ST_XMin(metric_srid.geom) + ST_XMax(metric_srid.geom)) / 2 + 180) / 6)::integer + 1))
           END;
END;
COMMENT ON FUNCTION rezago.metric_srid(geometry) IS
'SRID of a metric projection for a lon/lat (SRID 4326) geometry: the WGS 84 / UTM zone of the centre of its bounding box (EPSG 327xx south of the equator, 326xx north; 32718 and 32719 for continental Chile), or polar stereographic beyond 80°S (3031) and 84°N (3995). NULL or empty: NULL.';

-- Whether each boundary is valid, remembered: ST_IsValid is the largest
-- cost of the adjacency graph otherwise (about 0.1 s for the BCN file, most
-- of it Magallanes' 3,735 islands), and boundaries change rarely.
CREATE TABLE rezago.comuna_boundary_check (
    cut    integer PRIMARY KEY REFERENCES rezago.comuna (cut) ON UPDATE CASCADE ON DELETE CASCADE,
    digest bytea NOT NULL,
    valid  boolean NOT NULL
);
COMMENT ON TABLE rezago.comuna_boundary_check IS 'Whether each comuna boundary is valid, remembered with the SHA-256 of the boundary it was checked on, so that rezago.comuna_adjacency does not check it again. Written by a trigger on rezago.comuna (rezago.comuna_boundary_check_sync); a row whose digest is not that of the current boundary is ignored and the boundary checked again, so a missing or stale row (e.g. after loading with triggers disabled) costs time, never a wrong answer. Not dumped: the triggers fill it again when comunas are restored.';
COMMENT ON COLUMN rezago.comuna_boundary_check.cut IS 'Comuna CUT.';
COMMENT ON COLUMN rezago.comuna_boundary_check.digest IS 'SHA-256 of the boundary (geom::bytea, EWKB) that was checked.';
COMMENT ON COLUMN rezago.comuna_boundary_check.valid IS 'true when that boundary is valid as stored (rezago.valid_geometry returns it unchanged).';

CREATE FUNCTION rezago.comuna_boundary_check_sync()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- only boundaries not checked yet (a digest costs far less than ST_IsValid)
    INSERT INTO rezago.comuna_boundary_check AS k (cut, digest, valid)
    SELECT n.cut, n.digest, rezago.valid_geometry(n.geom)::bytea = n.geom::bytea
    FROM (SELECT r.cut, r.geom, sha256(r.geom::bytea) AS digest FROM new_rows r WHERE r.geom IS NOT NULL) n
    WHERE NOT EXISTS (SELECT 1 FROM rezago.comuna_boundary_check o WHERE o.cut = n.cut AND o.digest = n.digest)
    ON CONFLICT (cut) DO UPDATE SET digest = EXCLUDED.digest, valid = EXCLUDED.valid;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION rezago.comuna_boundary_check_sync() IS
'Statement-level trigger on rezago.comuna: remembers in rezago.comuna_boundary_check whether each new or changed boundary is valid.';

CREATE TRIGGER comuna_boundary_check_insert AFTER INSERT ON rezago.comuna
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rezago.comuna_boundary_check_sync();
CREATE TRIGGER comuna_boundary_check_update AFTER UPDATE ON rezago.comuna
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rezago.comuna_boundary_check_sync();

CREATE FUNCTION rezago.boundary_pairs_intersect(ids integer[], boundaries bytea[],
                                                cut_a integer[], cut_b integer[])
RETURNS boolean[]
AS 'MODULE_PATHNAME', 'rezago_boundary_pairs_intersect'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rezago.boundary_pairs_intersect(integer[], bytea[], integer[], integer[]) IS
'For each pair (cut_a[i], cut_b[i]), whether the two boundaries intersect, as ST_Intersects says; boundaries are EWKB (geometry::bytea), parallel to ids. Computed in C over GEOS: each boundary is read once, a multipart boundary is tested part by part (only the parts near the other boundary), each part is prepared once for all its tests. rezago.comuna_adjacency calls it with the candidate pairs of the GiST index. Returns a boolean array parallel to the pairs; a pair with a NULL id or an id without a boundary (not in ids, or NULL) gives NULL; an empty boundary intersects nothing. Boundaries should be valid (rezago.valid_geometry). NULL argument: NULL. Errors: ids and boundaries, or cut_a and cut_b, of different lengths, or an id given twice (22023); a boundary that is not WKB (22P03); a GEOS failure on an invalid boundary (22023).';

CREATE FUNCTION rezago.comuna_adjacency(tolerance_m double precision DEFAULT 0,
                                        with_length boolean DEFAULT true,
                                        cuts integer[] DEFAULT NULL,
                                        groups text[] DEFAULT NULL)
RETURNS TABLE (cut_a integer, cut_b integer, by_geometry boolean, distance_m double precision,
               shared_boundary_m double precision, by_link boolean, note text)
LANGUAGE sql STABLE PARALLEL SAFE
-- The row counts of the CTEs below are guesses to the planner: with them it
-- looped over whole CTEs (1,073 x 345 rows for the BCN file) and compiled
-- the query (JIT, 0.4 s).  Every join here but the index probe is an
-- equi-join on CUT, linear as a hash join; the probe (LATERAL) and the
-- pieces of a pair (unnest) can only loop, so they still do.
SET enable_nestloop = off
SET jit = off
BEGIN ATOMIC
    -- Speed (doc/performance.md, Contiguity): geometries travel through the
    -- plan only where they are needed; candidate pairs carry ids and boxes.
    -- Each comuna is made valid once (s); candidates come from one GiST
    -- probe per comuna (a LATERAL index scan, whatever the size); with groups
    -- only pairs inside a group are tested.  Intersection of two multipart
    -- boundaries is decided part by part (the parts near the other comuna
    -- only): the same answer, as a multipolygon is the union of its parts,
    -- without GEOS comparing thousands of islands at once.
    WITH tol AS MATERIALIZED (
        SELECT rezago.valid_tolerance(comuna_adjacency.tolerance_m) AS t
    ), sel AS MATERIALIZED (
        -- the comunas asked for, with their group ('' when no groups)
        SELECT DISTINCT u.cut, coalesce(u.g, '') AS g
        FROM ROWS FROM (pg_catalog.unnest(comuna_adjacency.cuts), pg_catalog.unnest(comuna_adjacency.groups)) AS u(cut, g)
        WHERE u.cut IS NOT NULL AND (comuna_adjacency.groups IS NULL OR u.g IS NOT NULL)
    ), s AS MATERIALIZED (
        -- each boundary read (detoasted) once, by ST_Multi; its validity as
        -- remembered for this very boundary, else checked now.  (The column
        -- is a MultiPolygon: ST_Multi changes nothing, and the EWKB is that
        -- of geom::bytea, whose digest the trigger remembers.)  Only the
        -- geometry is kept: the EWKB is written again per batch below, so
        -- that no materialized step carries each boundary twice
        SELECT d.cut,
               CASE WHEN k.valid THEN d.geom ELSE ST_Multi(rezago.valid_geometry(d.geom)) END AS geom
        FROM (SELECT c.cut, ST_Multi(c.geom) AS geom
              FROM rezago.comuna c
              WHERE c.geom IS NOT NULL
                AND (comuna_adjacency.cuts IS NULL OR c.cut IN (SELECT sel.cut FROM sel))
              OFFSET 0) d
        LEFT JOIN rezago.comuna_boundary_check k
          ON k.cut = d.cut AND k.digest = pg_catalog.sha256(d.geom::bytea)
    ), probe AS MATERIALIZED (
        -- candidate pairs from the GiST index: bounding boxes within the tolerance
        SELECT s1.cut AS a, c2.cut AS b
        FROM s s1 CROSS JOIN tol
        CROSS JOIN LATERAL (
            SELECT c.cut FROM rezago.comuna c
            WHERE c.geom && rezago.expand_by_metres(s1.geom, tol.t) AND c.cut > s1.cut
        ) c2
    ), cand AS MATERIALIZED (
        -- (the probe found comunas with a boundary: they are in s unless
        -- left out by cuts)
        SELECT probe.a, probe.b
        FROM probe
        WHERE (comuna_adjacency.groups IS NULL OR comuna_adjacency.cuts IS NULL)
          AND (comuna_adjacency.cuts IS NULL OR probe.b IN (SELECT sel.cut FROM sel))
        UNION ALL
        SELECT probe.a, probe.b
        FROM probe
        WHERE comuna_adjacency.groups IS NOT NULL AND comuna_adjacency.cuts IS NOT NULL
          AND EXISTS (SELECT 1 FROM sel g1 JOIN sel g2 ON g2.g = g1.g
                      WHERE g1.cut = probe.a AND g2.cut = probe.b)
    ), kb AS MATERIALIZED (
        -- candidate pairs in batches of 4,096 (by a, b), one call of the
        -- test each, so that memory stays bounded whatever the size
        SELECT cand.a, cand.b, (pg_catalog.row_number() OVER (ORDER BY cand.a, cand.b) - 1) / 4096 AS batch
        FROM cand
    ), kp AS (
        SELECT kb.batch, pg_catalog.array_agg(kb.a ORDER BY kb.a, kb.b) AS a,
               pg_catalog.array_agg(kb.b ORDER BY kb.a, kb.b) AS b
        FROM kb GROUP BY kb.batch
    ), kg AS (
        -- the boundaries of each batch's comunas; ORDER BY in the aggregate
        -- makes the planner group sorted input, one batch in memory at a time
        SELECT m.batch, pg_catalog.array_agg(m.cut ORDER BY m.cut) AS ids,
               pg_catalog.array_agg(s.geom::bytea ORDER BY m.cut) AS wkb
        FROM (SELECT kb.batch, kb.a AS cut FROM kb UNION SELECT kb.batch, kb.b FROM kb) m
        JOIN s ON s.cut = m.cut
        GROUP BY m.batch
    ), hits AS MATERIALIZED (
        -- each batch tested in one call over GEOS (src/contiguity.c): each
        -- boundary read once, multipart ones part by part, each part
        -- prepared once for all its tests
        SELECT p.a, p.b, p.hit
        FROM kp JOIN kg ON kg.batch = kp.batch
        CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(kp.a), pg_catalog.unnest(kp.b),
                                      pg_catalog.unnest(rezago.boundary_pairs_intersect(kg.ids, kg.wkb, kp.a, kp.b))) AS p(a, b, hit)
    ), near AS MATERIALIZED (
        -- pairs to measure: apart (tolerance > 0), or a length asked for.
        -- Where the two can be within the tolerance: every pair of points
        -- closer than it lies in this box, so measures on the pieces inside
        -- it equal those on the whole boundaries, and are much cheaper
        SELECT h.a, h.b, h.hit, sa.geom AS ga, sb.geom AS gb, k.box, rezago.metric_srid(k.box) AS srid
        FROM hits h CROSS JOIN tol
        JOIN s sa ON sa.cut = h.a
        JOIN s sb ON sb.cut = h.b
        CROSS JOIN LATERAL (
            SELECT ST_MakeEnvelope(GREATEST(ST_XMin(x.ea), ST_XMin(x.eb)), GREATEST(ST_YMin(x.ea), ST_YMin(x.eb)),
                                   LEAST(ST_XMax(x.ea), ST_XMax(x.eb)), LEAST(ST_YMax(x.ea), ST_YMax(x.eb)), 4326) AS box
            -- (1 m more than the tolerance: a side shared exactly has a flat box)
            FROM (SELECT rezago.expand_by_metres(sa.geom, tol.t + 1) AS ea, rezago.expand_by_metres(sb.geom, tol.t + 1) AS eb) x
        ) k
        WHERE (NOT h.hit AND tol.t > 0) OR (h.hit AND comuna_adjacency.with_length)
    ), geo AS MATERIALIZED (
        SELECT near.*, d.d
        FROM near CROSS JOIN tol
        CROSS JOIN LATERAL (
            -- disjoint polygons: their distance is that of their boundaries
            SELECT CASE WHEN near.hit THEN 0::double precision
                        ELSE ST_Distance(ST_Transform(ST_ClipByBox2D(ST_Boundary(near.ga), near.box::box2d), near.srid),
                                         ST_Transform(ST_ClipByBox2D(ST_Boundary(near.gb), near.box::box2d), near.srid))
                   END AS d
        ) d
        WHERE d.d <= tol.t
    ), measured AS (
        -- shared border: mean length of each boundary lying inside the
        -- other or within the tolerance of it (a border drawn twice counts once)
        SELECT geo.a, geo.b, geo.d,
               CASE WHEN comuna_adjacency.with_length THEN
                   (coalesce(ST_Length(ST_Intersection(p.la, CASE WHEN tol.t > 0 THEN ST_Buffer(p.pb, tol.t) ELSE p.pb END)), 0)
                  + coalesce(ST_Length(ST_Intersection(p.lb, CASE WHEN tol.t > 0 THEN ST_Buffer(p.pa, tol.t) ELSE p.pa END)), 0)) / 2
               END AS shared_m
        FROM geo CROSS JOIN tol
        CROSS JOIN LATERAL (
            SELECT ST_Transform(ST_ClipByBox2D(ST_Boundary(geo.ga), geo.box::box2d), geo.srid) AS la,
                   ST_Transform(ST_ClipByBox2D(ST_Boundary(geo.gb), geo.box::box2d), geo.srid) AS lb,
                   rezago.valid_geometry(ST_Transform(ST_Intersection(geo.ga, geo.box), geo.srid)) AS pa,
                   rezago.valid_geometry(ST_Transform(ST_Intersection(geo.gb, geo.box), geo.srid)) AS pb
        ) p
        UNION ALL
        -- intersecting pairs without length: nothing to measure
        SELECT h.a, h.b, 0::double precision, NULL::double precision
        FROM hits h
        WHERE h.hit AND NOT comuna_adjacency.with_length
    ), lk AS (
        SELECT LEAST(l.cut_a, l.cut_b) AS a, GREATEST(l.cut_a, l.cut_b) AS b, l.note
        FROM rezago.adjacency_link l
        WHERE comuna_adjacency.cuts IS NULL
           OR EXISTS (SELECT 1 FROM sel g1 JOIN sel g2 ON g2.g = g1.g
                      WHERE g1.cut = l.cut_a AND g2.cut = l.cut_b)
    )
    SELECT coalesce(m.a, lk.a), coalesce(m.b, lk.b), m.a IS NOT NULL, m.d, m.shared_m,
           lk.a IS NOT NULL, lk.note
    FROM measured m FULL JOIN lk ON lk.a = m.a AND lk.b = m.b
    ORDER BY 1, 2;
END;
COMMENT ON FUNCTION rezago.comuna_adjacency(double precision, boolean, integer[], text[]) IS
'The comuna adjacency graph, one row per adjacent pair (cut_a < cut_b). by_geometry: their boundaries, made valid, intersect (tolerance_m = 0, the default of doc/method.md) or are within tolerance_m metres; distance_m is then 0 or the width of the gap. shared_boundary_m: length in metres of the border they share, i.e. the mean length of each boundary lying inside the other or within tolerance_m of it; 0 when they only meet at points; NULL when with_length is false or the pair is only linked. Distances and lengths are measured on the pieces near each other, in the UTM zone where they meet (rezago.metric_srid). by_link, note: an explicit rezago.adjacency_link. cuts (optional) restricts the graph to those comunas; groups (optional, parallel to cuts, ignored without cuts) keeps only pairs of comunas in a same group, links included (rezago.group_contiguity uses it). Candidate pairs come from one GiST index probe per comuna on rezago.comuna (never all pairs) and are tested in C over GEOS by rezago.boundary_pairs_intersect. Comunas without a boundary have only their links. Errors: tolerance NULL (22004), negative, non-finite or above 100 km (22023).';

--------------------------------------------------------------------------
-- Connected components (src/contiguity.c): aggregates for any graph
--------------------------------------------------------------------------

CREATE FUNCTION rezago.cc_accum(internal, bigint, bigint)
RETURNS internal AS 'MODULE_PATHNAME', 'rezago_cc_accum'
LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION rezago.cc_combine(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'rezago_cc_combine'
LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION rezago.cc_serialize(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'rezago_cc_serialize'
LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.cc_deserialize(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'rezago_cc_deserialize'
LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION rezago.cc_components(internal)
RETURNS jsonb AS 'MODULE_PATHNAME', 'rezago_cc_components'
LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION rezago.cc_count(internal)
RETURNS integer AS 'MODULE_PATHNAME', 'rezago_cc_count'
LANGUAGE C PARALLEL SAFE;
COMMENT ON FUNCTION rezago.cc_accum(internal, bigint, bigint) IS 'Transition function of rezago.connected_components and rezago.component_count; not for direct use.';
COMMENT ON FUNCTION rezago.cc_combine(internal, internal) IS 'Combine function of rezago.connected_components and rezago.component_count (parallel aggregation); not for direct use.';
COMMENT ON FUNCTION rezago.cc_serialize(internal) IS 'Serial function of rezago.connected_components and rezago.component_count; not for direct use.';
COMMENT ON FUNCTION rezago.cc_deserialize(bytea, internal) IS 'Deserial function of rezago.connected_components and rezago.component_count; not for direct use.';
COMMENT ON FUNCTION rezago.cc_components(internal) IS 'Final function of rezago.connected_components; not for direct use.';
COMMENT ON FUNCTION rezago.cc_count(internal) IS 'Final function of rezago.component_count; not for direct use.';

CREATE AGGREGATE rezago.connected_components(a bigint, b bigint) (
    SFUNC = rezago.cc_accum, STYPE = internal,
    FINALFUNC = rezago.cc_components,
    COMBINEFUNC = rezago.cc_combine,
    SERIALFUNC = rezago.cc_serialize, DESERIALFUNC = rezago.cc_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.connected_components(bigint, bigint) IS
'Connected components of the graph whose rows are edges (a, b), computed in C by union-find: a jsonb array of components, each an array of ids in ascending order, the largest first (ties: smallest id first), e.g. [[1,2,3],[7]]. (a, NULL) or (NULL, a) adds node a alone, so members without edges can be passed as (cut, NULL); (NULL, NULL) is ignored; a self-loop adds its node; duplicate edges change nothing. NULL when there is no node (empty input). Integer ids work too (cast to bigint). Up to 2^31 - 2 distinct ids.';

CREATE AGGREGATE rezago.component_count(a bigint, b bigint) (
    SFUNC = rezago.cc_accum, STYPE = internal,
    FINALFUNC = rezago.cc_count,
    COMBINEFUNC = rezago.cc_combine,
    SERIALFUNC = rezago.cc_serialize, DESERIALFUNC = rezago.cc_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE rezago.component_count(bigint, bigint) IS
'Number of connected components of the graph whose rows are edges (a, b); same row rules as rezago.connected_components. 0 when there is no node (empty input), like count().';

--------------------------------------------------------------------------
-- Contiguity of territories (doc/method.md section 6)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.group_contiguity(groups text[], cuts integer[], tolerance_m double precision DEFAULT 0)
RETURNS TABLE (territory text, members integer, components integer, contiguous boolean,
               detail jsonb, reason text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH tol AS MATERIALIZED (
        SELECT rezago.valid_tolerance(group_contiguity.tolerance_m) AS t
    ), pairs AS MATERIALIZED (
        SELECT DISTINCT u.g, u.cut
        FROM ROWS FROM (pg_catalog.unnest(group_contiguity.groups), pg_catalog.unnest(group_contiguity.cuts)) AS u(g, cut)
        WHERE u.g IS NOT NULL
    ), m AS MATERIALIZED (
        SELECT p.g, p.cut, c.cut IS NOT NULL AS known, c.geom IS NOT NULL AS has_geom,
               pg_catalog.format('%s %s', p.cut, coalesce(c.name, '(unknown)')) AS label
        FROM pairs p LEFT JOIN rezago.comuna c ON c.cut = p.cut
        WHERE p.cut IS NOT NULL
    ), e AS MATERIALIZED (
        SELECT a.cut_a, a.cut_b
        -- only pairs inside a group are tested
        FROM tol CROSS JOIN LATERAL rezago.comuna_adjacency(tol.t, false,
                 ARRAY(SELECT m.cut FROM m WHERE m.known ORDER BY m.g, m.cut),
                 ARRAY(SELECT m.g FROM m WHERE m.known ORDER BY m.g, m.cut)) a
    ), cc AS (
        SELECT x.g, rezago.connected_components(x.a, x.b) AS comps
        FROM (SELECT m.g, m.cut::bigint AS a, NULL::bigint AS b FROM m
              UNION ALL
              SELECT m1.g, e.cut_a, e.cut_b
              FROM e JOIN m m1 ON m1.cut = e.cut_a
                     JOIN m m2 ON m2.g = m1.g AND m2.cut = e.cut_b) x
        GROUP BY x.g
    ), per_group AS (
        SELECT m.g, pg_catalog.count(*) AS members,
               pg_catalog.array_agg(m.cut ORDER BY m.cut) FILTER (WHERE NOT m.known) AS unknown,
               pg_catalog.array_agg(m.cut ORDER BY m.cut) FILTER (WHERE m.known AND NOT m.has_geom) AS no_geom,
               pg_catalog.string_agg(m.label, ', ' ORDER BY m.cut) FILTER (WHERE m.known AND NOT m.has_geom) AS no_geom_labels
        FROM m GROUP BY m.g
    ), nulls AS (
        SELECT p.g, pg_catalog.count(*) AS n FROM pairs p WHERE p.cut IS NULL GROUP BY p.g
    ), agg AS (
        SELECT g.g, coalesce(pg.members, 0) AS members, coalesce(nulls.n, 0) AS nulls,
               pg.unknown, pg.no_geom, pg.no_geom_labels, coalesce(cc.comps, '[]'::jsonb) AS comps
        FROM (SELECT DISTINCT p.g FROM pairs p) g
        LEFT JOIN per_group pg ON pg.g = g.g
        LEFT JOIN nulls ON nulls.g = g.g
        LEFT JOIN cc ON cc.g = g.g
    ), cut_off AS (
        -- every component but the first (the largest), with names
        SELECT y.g, pg_catalog.string_agg(pg_catalog.format('[%s]', y.labels), ' ' ORDER BY y.ord) AS labels
        FROM (SELECT agg.g, c.ord, pg_catalog.string_agg(m.label, ', ' ORDER BY m.cut) AS labels
              FROM agg
              CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(agg.comps) WITH ORDINALITY AS c(comp, ord)
              CROSS JOIN LATERAL pg_catalog.jsonb_array_elements_text(c.comp) AS x(cut)
              JOIN m ON m.g = agg.g AND m.cut = x.cut::integer
              WHERE c.ord > 1
              GROUP BY agg.g, c.ord) y
        GROUP BY y.g
    )
    SELECT agg.g, agg.members::integer, pg_catalog.jsonb_array_length(agg.comps),
           agg.members >= 2 AND agg.nulls = 0 AND agg.unknown IS NULL AND agg.no_geom IS NULL
               AND pg_catalog.jsonb_array_length(agg.comps) = 1,
           pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
               'components', agg.comps,
               'unknown', pg_catalog.to_jsonb(agg.unknown),
               'without_geometry', pg_catalog.to_jsonb(agg.no_geom),
               'null_entries', CASE WHEN agg.nulls > 0 THEN agg.nulls END,
               'tolerance_m', (SELECT tol.t FROM tol))),
           pg_catalog.array_to_string(ARRAY[
               CASE WHEN agg.members = 0 THEN 'no comunas'
                    WHEN agg.members = 1 THEN 'a single comuna: a territory needs two or more' END,
               CASE WHEN agg.nulls > 0 THEN 'a NULL CUT in the list' END,
               CASE WHEN agg.unknown IS NOT NULL
                    THEN 'unknown comuna(s): ' || pg_catalog.array_to_string(agg.unknown, ', ') END,
               CASE WHEN agg.no_geom IS NOT NULL
                    THEN 'comuna(s) without a boundary: ' || agg.no_geom_labels END,
               CASE WHEN pg_catalog.jsonb_array_length(agg.comps) > 1
                    THEN pg_catalog.format('not contiguous: %s components; cut off from the largest: %s',
                                           pg_catalog.jsonb_array_length(agg.comps), cut_off.labels) END
           ], '; ')
    FROM agg LEFT JOIN cut_off ON cut_off.g = agg.g
    ORDER BY agg.g;
END;
COMMENT ON FUNCTION rezago.group_contiguity(text[], integer[], double precision) IS
'Contiguity of any groups of comunas given as parallel arrays (group, CUT), e.g. many proposals at once; rezago.territory_contiguity and rezago.check_territory call it. One row per group: members (distinct CUTs), components, contiguous, detail (jsonb: components = each connected component''s CUTs, largest first; unknown; without_geometry; null_entries; tolerance_m) and reason (NULL when valid, else every problem in words). Valid (contiguous = true) only with two or more members, no NULL or unknown CUT, every member with a boundary, and one component; adjacency as in rezago.comuna_adjacency. Groups that are NULL are skipped. Errors: as rezago.valid_tolerance; arrays of different lengths are padded with NULLs by unnest.';

CREATE FUNCTION rezago.territory_contiguity(tolerance_m double precision DEFAULT 0, territories text[] DEFAULT NULL)
RETURNS TABLE (territory text, members integer, components integer, contiguous boolean,
               detail jsonb, reason text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT t.code, coalesce(r.members, 0), coalesce(r.components, 0), coalesce(r.contiguous, false),
           coalesce(r.detail, pg_catalog.jsonb_build_object('components', '[]'::jsonb,
                                                            'tolerance_m', rezago.valid_tolerance(territory_contiguity.tolerance_m))),
           CASE WHEN r.territory IS NULL THEN 'no comunas' ELSE r.reason END
    FROM rezago.territory t
    LEFT JOIN (
        SELECT g.*
        FROM (SELECT pg_catalog.array_agg(tm.territory ORDER BY tm.territory, tm.cut) AS ts,
                     pg_catalog.array_agg(tm.cut ORDER BY tm.territory, tm.cut) AS cs
              FROM rezago.territory_member tm
              WHERE territory_contiguity.territories IS NULL
                 OR tm.territory IN (SELECT pg_catalog.unnest(territory_contiguity.territories))) x
        CROSS JOIN LATERAL rezago.group_contiguity(x.ts, x.cs, territory_contiguity.tolerance_m) g
    ) r ON r.territory = t.code
    WHERE territory_contiguity.territories IS NULL
       OR t.code IN (SELECT pg_catalog.unnest(territory_contiguity.territories))
    ORDER BY t.code;
END;
COMMENT ON FUNCTION rezago.territory_contiguity(double precision, text[]) IS
'Contiguity of every territory (or of the listed codes): one row per territory with members, components, contiguous, detail (jsonb; components lists each connected component''s CUTs, largest first) and reason (NULL when valid). A territory is valid with two or more comunas, all with a boundary, whose adjacency graph is connected (doc/method.md 6): adjacent = boundaries made valid intersect, or within tolerance_m metres, or joined by rezago.adjacency_link. Never a silent true: no members, one member, a member without boundary or a broken graph each give contiguous = false and a reason. tolerance_m defaults to 0 (doc/method.md); on the simplified BCN boundaries 150 joins neighbours separated by slivers without bridging any sea channel (README). Errors: as rezago.valid_tolerance.';

CREATE FUNCTION rezago.check_territory(cuts integer[], tolerance_m double precision DEFAULT 0)
RETURNS TABLE (members integer, components integer, contiguous boolean, detail jsonb, reason text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT coalesce(r.members, 0), coalesce(r.components, 0), coalesce(r.contiguous, false),
           coalesce(r.detail, pg_catalog.jsonb_build_object('components', '[]'::jsonb,
                                                            'tolerance_m', rezago.valid_tolerance(check_territory.tolerance_m))),
           CASE WHEN r.territory IS NULL THEN 'no comunas' ELSE r.reason END
    FROM (SELECT 1) one
    LEFT JOIN rezago.group_contiguity(
        pg_catalog.array_fill('proposal'::text, ARRAY[coalesce(pg_catalog.cardinality(check_territory.cuts), 0)]),
        check_territory.cuts, check_territory.tolerance_m) r ON true;
END;
COMMENT ON FUNCTION rezago.check_territory(integer[], double precision) IS
'Checks a proposed territory, given as a list of CUTs, before it is stored: one row with members, components, contiguous, detail and reason as rezago.territory_contiguity. Duplicates count once; a NULL element, an unknown CUT, a member without boundary, fewer than two members or several components make it invalid and are named in reason. NULL or empty list: no comunas. Pair with rezago.comuna_cuts to check by name.';

--------------------------------------------------------------------------
-- Territory geometry for maps: computed once, kept fresh by triggers
--------------------------------------------------------------------------

CREATE TABLE rezago.territory_geometry (
    territory             text PRIMARY KEY REFERENCES rezago.territory (code) ON UPDATE CASCADE ON DELETE CASCADE,
    geom                  geometry(MultiPolygon, 4326),
    members               integer NOT NULL,
    members_with_geometry integer NOT NULL,
    refreshed_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    error                 text
);
CREATE INDEX territory_geometry_geom_idx ON rezago.territory_geometry USING gist (geom);
COMMENT ON TABLE rezago.territory_geometry IS 'Boundary of every territory with members: the union of its comunas, for maps. Maintained by statement-level triggers on rezago.territory_member and rezago.comuna (one union per changed territory, whatever the number of rows); derived data, so pg_dump does not keep it: it is rebuilt when the members are restored, and rezago.refresh_territory_geometry() rebuilds it at any time.';
COMMENT ON COLUMN rezago.territory_geometry.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.territory_geometry.geom IS 'Union of the member comunas'' boundaries (made valid), MultiPolygon in SRID 4326; NULL when no member has a boundary or the union failed (see error). Slivers between simplified neighbours remain as small holes.';
COMMENT ON COLUMN rezago.territory_geometry.members IS 'Number of member comunas.';
COMMENT ON COLUMN rezago.territory_geometry.members_with_geometry IS 'Number of member comunas with a boundary; fewer than members means the geometry is incomplete.';
COMMENT ON COLUMN rezago.territory_geometry.refreshed_at IS 'When the geometry was last computed (transaction time).';
COMMENT ON COLUMN rezago.territory_geometry.error IS 'NULL, or the error PostGIS raised when uniting the boundaries (geom is then NULL).';

CREATE FUNCTION rezago.territory_union(territories text[] DEFAULT NULL)
RETURNS TABLE (territory text, geom geometry, members integer, members_with_geometry integer)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT tm.territory,
           -- ORDER BY: the union lists its vertices in an order that depends
           -- on the order of its inputs; the same members give the same bytes
           ST_Multi(ST_CollectionExtract(ST_Union(rezago.valid_geometry(c.geom) ORDER BY c.cut), 3)),
           pg_catalog.count(*)::integer, pg_catalog.count(c.geom)::integer
    FROM rezago.territory_member tm
    JOIN rezago.comuna c ON c.cut = tm.cut
    WHERE territory_union.territories IS NULL
       OR tm.territory IN (SELECT pg_catalog.unnest(territory_union.territories))
    GROUP BY tm.territory;
END;
COMMENT ON FUNCTION rezago.territory_union(text[]) IS
'Union of the member boundaries of every territory (or of the listed ones), as stored by rezago.territory_geometry; computed on the fly.';

CREATE FUNCTION rezago.refresh_territory_geometry(territories text[] DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer;
    t text;
BEGIN
    DELETE FROM rezago.territory_geometry g
    WHERE (territories IS NULL OR g.territory = ANY (territories))
      AND NOT EXISTS (SELECT 1 FROM rezago.territory_member tm WHERE tm.territory = g.territory);
    BEGIN
        INSERT INTO rezago.territory_geometry AS g (territory, geom, members, members_with_geometry, refreshed_at, error)
        SELECT u.territory, u.geom, u.members, u.members_with_geometry, now(), NULL
        FROM rezago.territory_union(territories) u
        ON CONFLICT (territory) DO UPDATE
            SET geom = EXCLUDED.geom, members = EXCLUDED.members,
                members_with_geometry = EXCLUDED.members_with_geometry,
                refreshed_at = EXCLUDED.refreshed_at, error = NULL;
        GET DIAGNOSTICS n = ROW_COUNT;
    EXCEPTION WHEN OTHERS THEN
        -- one bad boundary must not block edits of every territory: unite
        -- territory by territory and record the error of those that fail
        n := 0;
        FOR t IN SELECT DISTINCT tm.territory FROM rezago.territory_member tm
                 WHERE territories IS NULL OR tm.territory = ANY (territories)
        LOOP
            BEGIN
                INSERT INTO rezago.territory_geometry AS g (territory, geom, members, members_with_geometry, refreshed_at, error)
                SELECT u.territory, u.geom, u.members, u.members_with_geometry, now(), NULL
                FROM rezago.territory_union(ARRAY[t]) u
                ON CONFLICT (territory) DO UPDATE
                    SET geom = EXCLUDED.geom, members = EXCLUDED.members,
                        members_with_geometry = EXCLUDED.members_with_geometry,
                        refreshed_at = EXCLUDED.refreshed_at, error = NULL;
            EXCEPTION WHEN OTHERS THEN
                INSERT INTO rezago.territory_geometry AS g (territory, geom, members, members_with_geometry, refreshed_at, error)
                SELECT t, NULL, count(*), count(c.geom), now(), SQLERRM
                FROM rezago.territory_member tm JOIN rezago.comuna c ON c.cut = tm.cut
                WHERE tm.territory = t
                ON CONFLICT (territory) DO UPDATE
                    SET geom = NULL, members = EXCLUDED.members,
                        members_with_geometry = EXCLUDED.members_with_geometry,
                        refreshed_at = EXCLUDED.refreshed_at, error = EXCLUDED.error;
            END;
            n := n + 1;
        END LOOP;
    END;
    RETURN n;
END
$$;
COMMENT ON FUNCTION rezago.refresh_territory_geometry(text[]) IS
'Recomputes rezago.territory_geometry for the listed territories (NULL: all) and drops the rows of territories without members; returns the number of territories computed. The triggers call it; call it yourself after a data-only restore or after loading with triggers disabled. A union that fails is stored with geom NULL and the error, instead of blocking the change.';

CREATE FUNCTION rezago.territory_geometry_sync()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    codes text[];
BEGIN
    IF TG_TABLE_NAME = 'territory_member' THEN
        IF TG_OP = 'TRUNCATE' THEN
            DELETE FROM rezago.territory_geometry;
            RETURN NULL;
        ELSIF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT n.territory) INTO codes FROM new_rows n;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(DISTINCT o.territory) INTO codes FROM old_rows o;
        ELSE
            SELECT array_agg(DISTINCT x.territory) INTO codes
            FROM (SELECT o.territory FROM old_rows o UNION SELECT n.territory FROM new_rows n) x;
        END IF;
    ELSE
        -- rezago.comuna: only boundaries that changed matter (a CUT change
        -- cascades to territory_member, whose trigger handles it)
        SELECT array_agg(DISTINCT tm.territory) INTO codes
        FROM old_rows o
        JOIN new_rows n ON n.cut = o.cut
        JOIN rezago.territory_member tm ON tm.cut = n.cut
        WHERE o.geom::bytea IS DISTINCT FROM n.geom::bytea;
    END IF;
    IF codes IS NOT NULL THEN
        PERFORM rezago.refresh_territory_geometry(codes);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION rezago.territory_geometry_sync() IS
'Statement-level trigger: refreshes rezago.territory_geometry for the territories whose members or member boundaries changed, once per statement (cheap on bulk loads).';

CREATE TRIGGER territory_geometry_insert AFTER INSERT ON rezago.territory_member
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rezago.territory_geometry_sync();
CREATE TRIGGER territory_geometry_update AFTER UPDATE ON rezago.territory_member
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rezago.territory_geometry_sync();
CREATE TRIGGER territory_geometry_delete AFTER DELETE ON rezago.territory_member
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rezago.territory_geometry_sync();
CREATE TRIGGER territory_geometry_truncate AFTER TRUNCATE ON rezago.territory_member
    FOR EACH STATEMENT EXECUTE FUNCTION rezago.territory_geometry_sync();
CREATE TRIGGER territory_geometry_comuna AFTER UPDATE ON rezago.comuna
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rezago.territory_geometry_sync();

--------------------------------------------------------------------------
-- Province and pilot territories (doc/method.md sections 1 and 7)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.create_province_territories(prefix text DEFAULT 'prov_', tolerance_m double precision DEFAULT 0)
RETURNS TABLE (territory text, provincia_code integer, provincia text, members integer,
               contiguous boolean, reason text, detail jsonb)
LANGUAGE sql
BEGIN ATOMIC
    INSERT INTO rezago.territory AS t (code, name)
    SELECT create_province_territories.prefix || c.provincia_code,
           'Provincia de ' || coalesce(pg_catalog.min(c.provincia), c.provincia_code::text)
    FROM rezago.comuna c
    WHERE c.provincia_code IS NOT NULL
    GROUP BY c.provincia_code
    HAVING pg_catalog.count(*) >= 2
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name;
    DELETE FROM rezago.territory_member tm
    WHERE tm.territory IN (SELECT create_province_territories.prefix || c.provincia_code FROM rezago.comuna c
                           GROUP BY c.provincia_code HAVING pg_catalog.count(*) >= 2)
      AND NOT EXISTS (SELECT 1 FROM rezago.comuna c
                      WHERE c.cut = tm.cut AND create_province_territories.prefix || c.provincia_code = tm.territory);
    INSERT INTO rezago.territory_member (territory, cut)
    SELECT create_province_territories.prefix || c.provincia_code, c.cut
    FROM rezago.comuna c
    WHERE c.provincia_code IN (SELECT c2.provincia_code FROM rezago.comuna c2
                               GROUP BY c2.provincia_code HAVING pg_catalog.count(*) >= 2)
    ON CONFLICT DO NOTHING;
    WITH p AS (
        SELECT c.provincia_code, pg_catalog.min(c.provincia) AS provincia, pg_catalog.count(*) AS n,
               pg_catalog.min(c.name) AS only_name, pg_catalog.min(c.cut) AS only_cut
        FROM rezago.comuna c WHERE c.provincia_code IS NOT NULL GROUP BY c.provincia_code
    ), tc AS (
        SELECT r.* FROM rezago.territory_contiguity(create_province_territories.tolerance_m,
            ARRAY(SELECT create_province_territories.prefix || p.provincia_code FROM p WHERE p.n >= 2)) r
    )
    SELECT tc.territory, p.provincia_code, p.provincia, p.n::integer,
           coalesce(tc.contiguous, false),
           coalesce(tc.reason, pg_catalog.format('a single comuna (%s %s): no territory was created, a territory needs two or more',
                                                 p.only_cut, p.only_name)),
           tc.detail
    FROM p LEFT JOIN tc ON tc.territory = create_province_territories.prefix || p.provincia_code
    ORDER BY p.provincia_code;
END;
COMMENT ON FUNCTION rezago.create_province_territories(text, double precision) IS
'Makes one territory per provincia with two or more comunas (code prefix || provincia_code, e.g. prov_73, name "Provincia de Cauquenes"), the territories of the plan where no regional ordering exists; run it again after loading comunas and it brings names and members up to date. Returns one row per provincia with its contiguity (as rezago.territory_contiguity at tolerance_m): the provincias that cannot be valid territories say why: a single comuna (no territory created), islands without a link, a comuna without boundary. A NULL prefix raises a not-null violation.';

CREATE FUNCTION rezago.create_pilot_territories(tolerance_m double precision DEFAULT 0)
RETURNS TABLE (territory text, name text, members integer, contiguous boolean, reason text, detail jsonb)
LANGUAGE sql
BEGIN ATOMIC
    WITH spec (code, name, within, kind, names) AS (VALUES
        ('limari_choapa', 'Limarí-Choapa', 'Coquimbo', 'comuna', ARRAY['Combarbalá', 'Monte Patria', 'Punitaqui', 'Canela']),
        ('maule_sur', 'Maule Sur', 'Maule', 'provincia', ARRAY['Cauquenes']),
        ('maule_sur', 'Maule Sur', 'Maule', 'comuna', ARRAY['Empedrado']),
        ('arauco', 'Arauco', 'Biobío', 'provincia', ARRAY['Arauco']),
        ('ranco', 'Ranco', 'Los Ríos', 'provincia', ARRAY['Ranco']),
        ('valle_del_itata', 'Valle del Itata', 'Ñuble', 'comuna',
         ARRAY['Cobquecura', 'Coelemu', 'Ninhue', 'Portezuelo', 'Quirihue', 'Quillón', 'Ránquil', 'San Nicolás', 'Trehuaco']),
        ('costa_araucania', 'Costa Araucanía', 'Araucanía', 'comuna',
         ARRAY['Imperial', 'Carahue', 'Toltén', 'Saavedra', 'Teodoro Schmidt'])
    ), named AS MATERIALIZED (
        SELECT s.code, s.name, s.kind,
               CASE s.kind WHEN 'comuna' THEN rezago.comuna_cut(n.n, s.within)
                           ELSE rezago.provincia_code(n.n, s.within) END AS id
        FROM spec s CROSS JOIN LATERAL pg_catalog.unnest(s.names) AS n(n)
    ), resolved AS MATERIALIZED (
        SELECT DISTINCT named.code, named.name, c.cut
        FROM named JOIN rezago.comuna c
          ON (named.kind = 'comuna' AND c.cut = named.id)
          OR (named.kind = 'provincia' AND c.provincia_code = named.id)
    ), new_territory AS (
        INSERT INTO rezago.territory AS t (code, name)
        SELECT DISTINCT resolved.code, resolved.name FROM resolved
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name
        RETURNING t.code
    ), stale AS (
        DELETE FROM rezago.territory_member tm
        WHERE tm.territory IN (SELECT resolved.code FROM resolved)
          AND NOT EXISTS (SELECT 1 FROM resolved WHERE resolved.code = tm.territory AND resolved.cut = tm.cut)
        RETURNING tm.cut
    )
    INSERT INTO rezago.territory_member (territory, cut)
    SELECT resolved.code, resolved.cut FROM resolved   -- the CTEs above run in any case
    ON CONFLICT DO NOTHING;
    SELECT r.territory, t.name, r.members, r.contiguous, r.reason, r.detail
    FROM rezago.territory_contiguity(create_pilot_territories.tolerance_m,
             ARRAY['limari_choapa', 'maule_sur', 'arauco', 'ranco', 'valle_del_itata', 'costa_araucania']) r
    JOIN rezago.territory t ON t.code = r.territory
    ORDER BY r.territory;
END;
COMMENT ON FUNCTION rezago.create_pilot_territories(double precision) IS
'Creates (or brings up to date) the six pilot territories of the plan (doc/method.md section 7), resolving their comunas by name within their región: limari_choapa (Combarbalá, Monte Patria, Punitaqui, Canela), maule_sur (provincia of Cauquenes and Empedrado), arauco (provincia of Arauco), ranco (provincia of Ranco), valle_del_itata (Cobquecura, Coelemu, Ninhue, Portezuelo, Quirihue, Quillón, Ránquil, San Nicolás, Trehuaco) and costa_araucania (Imperial = Nueva Imperial, Carahue, Toltén, Saavedra, Teodoro Schmidt). Returns their contiguity at tolerance_m. A name that does not resolve raises the error of rezago.comuna_cut and creates nothing.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('relation', 'territory',                   'edit'),
    ('relation', 'territory_member',            'edit'),
    ('relation', 'adjacency_link',              'edit'),
    ('relation', 'territory_geometry',          'edit'),
    ('relation', 'comuna_boundary_check',       'edit'),
    -- (written by triggers when editors change members or boundaries)
    ('routine',  'comuna_boundary_check_sync',  'internal'),
    ('routine',  'name_key',                    'read'),
    ('routine',  'find_place',                  'read'),
    ('routine',  'find_comuna',                 'read'),
    ('routine',  'find_provincia',              'read'),
    ('routine',  'resolve_name',                'read'),
    ('routine',  'comuna_cut',                  'read'),
    ('routine',  'comuna_cuts',                 'read'),
    ('routine',  'provincia_code',              'read'),
    ('routine',  'valid_tolerance',             'read'),
    ('routine',  'valid_geometry',              'read'),
    ('routine',  'expand_by_metres',            'read'),
    ('routine',  'metric_srid',                 'read'),
    ('routine',  'boundary_pairs_intersect',    'read'),
    ('routine',  'comuna_adjacency',            'read'),
    ('routine',  'cc_accum',                    'read'),
    ('routine',  'cc_combine',                  'read'),
    ('routine',  'cc_serialize',                'read'),
    ('routine',  'cc_deserialize',              'read'),
    ('routine',  'cc_components',               'read'),
    ('routine',  'cc_count',                    'read'),
    ('routine',  'connected_components',        'read'),
    ('routine',  'component_count',             'read'),
    ('routine',  'group_contiguity',            'read'),
    ('routine',  'territory_contiguity',        'read'),
    ('routine',  'check_territory',             'read'),
    ('routine',  'territory_union',             'read'),
    ('routine',  'refresh_territory_geometry',  'edit'),
    ('routine',  'territory_geometry_sync',     'internal'),
    ('routine',  'create_province_territories', 'edit'),
    ('routine',  'create_pilot_territories',    'edit');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
