-- The plain-SQL reference of test/benchmark.sh: the methodology of METHOD.md
-- written the way a data team would write it (window functions, GROUP BY,
-- no C and no rezago function), over the extension's tables.  It is what the
-- extension is timed against, and the correctness oracle: every result of
-- the extension must equal it to 1e-9.
--
-- Scope: minmax normalisation without winsorisation (ufro2017 and any copy
-- that changes weights or min_coverage), mean territory weighting, the mean
-- threshold rule (official thresholds win).  Each function refuses other
-- methodologies rather than give a wrong answer.
\set ON_ERROR_STOP on
CREATE SCHEMA bench_ref;

-- the methodology's parameters, or an error when the reference does not
-- implement it (a division by zero in a CASE would be too obscure)
CREATE FUNCTION bench_ref.methodology(code text)
RETURNS rezago.methodology
LANGUAGE plpgsql STABLE AS $$
DECLARE m rezago.methodology;
BEGIN
    SELECT * INTO STRICT m FROM rezago.methodology x WHERE x.code = methodology.code;
    IF m.normalisation <> 'minmax' OR m.winsor_lower IS NOT NULL OR m.winsor_upper IS NOT NULL
       OR m.territory_weighting <> 'mean' OR m.threshold_rule <> 'mean' THEN
        RAISE EXCEPTION 'bench_ref implements minmax, no winsorisation, mean territories and mean thresholds only';
    END IF;
    RETURN m;
END $$;

-- METHOD.md 3.1-3.3: min-max lag scores over every comuna with a value,
-- weighted mean per dimension, NULL below min_coverage.  A variable's weight
-- is its share of its dimension's weight; coverage = scored share.
CREATE FUNCTION bench_ref.comuna_dimension_scores(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, dimension text, score double precision, coverage double precision)
LANGUAGE sql STABLE AS $$
    WITH m AS (SELECT (bench_ref.methodology($2)).min_coverage),
    vars AS (
        SELECT v.code AS variable, v.dimension, v.polarity,
               mv.weight / sum(mv.weight) OVER (PARTITION BY v.dimension) AS weight
        FROM rezago.methodology_variable mv
        JOIN rezago.variable v ON v.code = mv.variable
        JOIN rezago.methodology_dimension md ON md.methodology = mv.methodology AND md.dimension = v.dimension
        WHERE mv.methodology = $2 AND mv.weight > 0 AND md.weight > 0
    ), s AS (
        SELECT o.cut, vars.dimension, vars.weight,
               CASE WHEN max(o.value) OVER w = min(o.value) OVER w THEN 0
                    WHEN vars.polarity = 1 THEN (max(o.value) OVER w - o.value) / (max(o.value) OVER w - min(o.value) OVER w)
                    ELSE (o.value - min(o.value) OVER w) / (max(o.value) OVER w - min(o.value) OVER w)
               END AS score
        FROM rezago.observation o JOIN vars ON vars.variable = o.variable
        WHERE o.period = $1 AND o.value IS NOT NULL
        WINDOW w AS (PARTITION BY o.variable)
    )
    SELECT s.cut, s.dimension,
           CASE WHEN sum(s.weight) >= m.min_coverage - 1e-12 THEN sum(s.weight * s.score) / sum(s.weight) END,
           sum(s.weight)
    FROM s CROSS JOIN m
    GROUP BY s.cut, s.dimension, m.min_coverage
$$;

-- METHOD.md 3.4 and 3.6: weighted mean of the dimension scores, NULL (with
-- the missing dimensions listed) when any is NULL or absent; rank 1 = most
-- lagged, ties share a rank, NULL indices unranked.  Every comuna.
CREATE FUNCTION bench_ref.comuna_index(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (cut integer, index double precision, rank bigint, missing_dimensions text[])
LANGUAGE sql STABLE AS $$
    WITH dims AS (
        SELECT md.dimension, md.weight
        FROM rezago.methodology_dimension md
        WHERE md.methodology = $2 AND md.weight > 0
          AND EXISTS (SELECT FROM rezago.methodology_variable mv JOIN rezago.variable v ON v.code = mv.variable
                      WHERE mv.methodology = $2 AND mv.weight > 0 AND v.dimension = md.dimension)
    ), per AS (
        SELECT c.cut, dims.dimension, dims.weight, d.score
        FROM rezago.comuna c
        CROSS JOIN dims
        LEFT JOIN bench_ref.comuna_dimension_scores($1, $2) d ON d.cut = c.cut AND d.dimension = dims.dimension
    ), idx AS (
        SELECT per.cut,
               CASE WHEN count(per.score) = count(*) THEN sum(per.weight * per.score) / sum(per.weight) END AS index,
               array_agg(per.dimension ORDER BY per.dimension) FILTER (WHERE per.score IS NULL) AS missing
        FROM per GROUP BY per.cut
    )
    SELECT idx.cut, idx.index,
           CASE WHEN idx.index IS NOT NULL THEN rank() OVER (ORDER BY idx.index DESC NULLS LAST) END,
           CASE WHEN idx.index IS NULL THEN idx.missing END
    FROM idx
$$;

-- METHOD.md 3.5-3.6: mean of the members' indices, members and scored
-- members, rank.  Every territory.
CREATE FUNCTION bench_ref.territory_index(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (territory text, index double precision, rank bigint, members bigint, scored bigint)
LANGUAGE sql STABLE AS $$
    WITH t AS (
        SELECT tm.territory, avg(ci.index) AS index, count(*) AS members, count(ci.index) AS scored
        FROM rezago.territory_member tm
        JOIN bench_ref.comuna_index($1, $2) ci ON ci.cut = tm.cut
        GROUP BY tm.territory
    )
    SELECT tr.code, t.index,
           CASE WHEN t.index IS NOT NULL THEN rank() OVER (ORDER BY t.index DESC NULLS LAST) END,
           coalesce(t.members, 0), coalesce(t.scored, 0)
    FROM rezago.territory tr LEFT JOIN t ON t.territory = tr.code
$$;

-- METHOD.md 4: threshold = national mean of comuna values (an official
-- threshold wins); territory value = mean of its members' values; a variable
-- is overcome when polarity * (threshold - value) <= 0; stages by the share
-- overcome, insufficient_data below the minimum evaluated share.  Shares are
-- compared with a 1e-9 tolerance (2/6 is 1/3).
CREATE FUNCTION bench_ref.territory_exit(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (territory text, evaluated integer, overcome integer, share double precision, stage text)
LANGUAGE sql STABLE AS $$
    WITH m AS (SELECT (bench_ref.methodology($2)).*),
    vars AS (
        SELECT v.code AS variable, v.polarity
        FROM rezago.methodology_variable mv
        JOIN rezago.variable v ON v.code = mv.variable
        JOIN rezago.methodology_dimension md ON md.methodology = mv.methodology AND md.dimension = v.dimension
        WHERE mv.methodology = $2 AND mv.weight > 0 AND md.weight > 0
    ), thr AS MATERIALIZED (
        SELECT vars.variable, vars.polarity, coalesce(ot.value, a.mean) AS threshold
        FROM vars
        LEFT JOIN (SELECT o.variable, avg(o.value) AS mean FROM rezago.observation o
                   WHERE o.period = $1 GROUP BY o.variable) a ON a.variable = vars.variable
        LEFT JOIN rezago.official_threshold ot ON ot.variable = vars.variable AND ot.period = $1
    ), tv AS (
        SELECT tm.territory, o.variable, avg(o.value) AS value
        FROM rezago.territory_member tm
        JOIN rezago.observation o ON o.cut = tm.cut
        JOIN thr ON thr.variable = o.variable
        WHERE o.period = $1 AND o.value IS NOT NULL
        GROUP BY tm.territory, o.variable
    ), c AS (
        SELECT tv.territory, count(*)::integer AS evaluated,
               (count(*) FILTER (WHERE CASE WHEN thr.polarity = 1 THEN thr.threshold - tv.value
                                            ELSE tv.value - thr.threshold END <= 0))::integer AS overcome
        FROM tv JOIN thr ON thr.variable = tv.variable
        WHERE thr.threshold IS NOT NULL
        GROUP BY tv.territory
    )
    SELECT t.code, coalesce(c.evaluated, 0), coalesce(c.overcome, 0),
           c.overcome::float8 / nullif(c.evaluated, 0),
           CASE WHEN coalesce(c.evaluated, 0) = 0
                  OR c.evaluated < m.exit_min_evaluated_share * (SELECT count(*) FROM vars) - 1e-9
                    THEN 'insufficient_data'
                WHEN c.overcome = c.evaluated THEN 'exited'
                WHEN c.overcome::float8 / c.evaluated >= m.exit_advanced_share - 1e-9 THEN 'exit_advanced'
                WHEN c.overcome::float8 / c.evaluated >= m.exit_started_share - 1e-9 THEN 'exit_started'
                ELSE 'lagging'
           END
    FROM rezago.territory t CROSS JOIN m LEFT JOIN c ON c.territory = t.code
$$;

-- METHOD.md 5 in three-valued logic.  E1/E2: half or more of the members
-- flagged is met; failed when even flagging every member without data
-- would not reach half; unknown otherwise.  E3: share of isolated
-- localities (summed) above entry_isolation_share; a member without data
-- can take any value consistent with what is known of it (isolated in
-- [0, localities]; localities >= isolated; anything), so E3 is met when the
-- smallest possible share is above the cut, failed when the largest is not,
-- unknown otherwise; no localities at all is share 0.
CREATE FUNCTION bench_ref.territory_entry(period integer, methodology text DEFAULT 'ufro2017')
RETURNS TABLE (territory text, e1_national boolean, e2_regional boolean, e3_isolation boolean,
               criteria_met integer, eligible boolean)
LANGUAGE sql STABLE AS $$
    WITH m AS (SELECT (bench_ref.methodology($2)).*),
    pov AS (
        SELECT o.cut,
               rank() OVER (ORDER BY o.value DESC) AS nr,
               CASE WHEN c.region_code IS NOT NULL THEN rank() OVER (PARTITION BY c.region_code ORDER BY o.value DESC) END AS rr,
               count(*) OVER (PARTITION BY c.region_code) AS rc
        FROM rezago.observation o JOIN rezago.comuna c ON c.cut = o.cut
        WHERE o.variable = 'pobreza_ingresos' AND o.period = $1 AND o.value IS NOT NULL
    ), loc AS (
        SELECT o.cut,
               max(o.value) FILTER (WHERE o.variable = 'localidades') AS l,
               max(o.value) FILTER (WHERE o.variable = 'localidades_aisladas') AS i
        FROM rezago.observation o
        WHERE o.variable IN ('localidades', 'localidades_aisladas') AND o.period = $1
        GROUP BY o.cut
    ), a AS (
        SELECT tm.territory, count(*) AS n,
               count(*) FILTER (WHERE pov.nr <= m.entry_national_top) AS e1_yes,
               count(*) FILTER (WHERE pov.nr IS NULL) AS e1_unknown,
               count(*) FILTER (WHERE pov.rr::float8 / pov.rc <= m.entry_regional_share) AS e2_yes,
               count(*) FILTER (WHERE pov.rr IS NULL) AS e2_unknown,
               coalesce(sum(loc.l) FILTER (WHERE loc.l IS NOT NULL AND loc.i IS NOT NULL), 0) AS l_full,
               coalesce(sum(loc.i) FILTER (WHERE loc.l IS NOT NULL AND loc.i IS NOT NULL), 0) AS i_full,
               coalesce(sum(loc.l) FILTER (WHERE loc.l IS NOT NULL AND loc.i IS NULL), 0) AS l_only,
               coalesce(sum(loc.i) FILTER (WHERE loc.l IS NULL AND loc.i IS NOT NULL), 0) AS i_only,
               count(*) FILTER (WHERE loc.l IS NULL AND loc.i IS NOT NULL) AS n_i_only,
               count(*) FILTER (WHERE loc.l IS NULL AND loc.i IS NULL) AS n_none,
               min(m.entry_isolation_share) AS s, min(m.entry_min_criteria) AS k
        FROM rezago.territory_member tm
        CROSS JOIN m
        LEFT JOIN pov ON pov.cut = tm.cut
        LEFT JOIN loc ON loc.cut = tm.cut
        GROUP BY tm.territory
    ), c AS (
        SELECT a.territory, a.k,
               CASE WHEN 2 * a.e1_yes >= a.n THEN true WHEN 2 * (a.e1_yes + a.e1_unknown) < a.n THEN false END AS e1,
               CASE WHEN 2 * a.e2_yes >= a.n THEN true WHEN 2 * (a.e2_yes + a.e2_unknown) < a.n THEN false END AS e2,
               CASE WHEN CASE WHEN a.n_none = 0 AND a.n_i_only = 0
                              THEN a.l_full + a.l_only > 0 AND a.i_full / (a.l_full + a.l_only) > a.s
                              ELSE a.s = 0 AND a.i_full + a.i_only > 0 END THEN true
                    WHEN a.n_none = 0
                         AND (a.l_full + a.l_only + a.i_only = 0
                              OR (a.i_full + a.l_only + a.i_only) / (a.l_full + a.l_only + a.i_only) <= a.s) THEN false
               END AS e3
        FROM a
    )
    SELECT t.code, c.e1, c.e2, c.e3,
           CASE WHEN c.territory IS NOT NULL THEN (c.e1 IS TRUE)::int + (c.e2 IS TRUE)::int + (c.e3 IS TRUE)::int END,
           CASE WHEN (c.e1 IS TRUE)::int + (c.e2 IS TRUE)::int + (c.e3 IS TRUE)::int >= c.k THEN true
                WHEN (c.e1 IS NOT FALSE)::int + (c.e2 IS NOT FALSE)::int + (c.e3 IS NOT FALSE)::int < c.k THEN false
           END
    FROM rezago.territory t LEFT JOIN c ON c.territory = t.code
$$;

-- METHOD.md 6 (only when the extension has rezago.territory_contiguity):
-- members = distinct comunas; two members are adjacent when their
-- boundaries intersect (tolerance 0) or an explicit link joins them;
-- components by a recursive walk; valid = two or more members, every one
-- with a boundary, one component.
SELECT to_regprocedure('rezago.territory_contiguity(double precision, text[])') IS NOT NULL AS have_contiguity \gset
\if :have_contiguity
CREATE FUNCTION bench_ref.territory_contiguity()
RETURNS TABLE (territory text, members integer, components integer, contiguous boolean)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE mem AS (
        SELECT DISTINCT tm.territory, tm.cut, c.geom
        FROM rezago.territory_member tm JOIN rezago.comuna c ON c.cut = tm.cut
    ), edge AS (
        SELECT a.territory, a.cut AS a, b.cut AS b
        FROM mem a JOIN mem b ON b.territory = a.territory AND b.cut <> a.cut
        WHERE ST_Intersects(a.geom, b.geom)
        UNION
        SELECT a.territory, a.cut, b.cut
        FROM rezago.adjacency_link l
        JOIN mem a ON a.cut IN (l.cut_a, l.cut_b)
        JOIN mem b ON b.territory = a.territory AND b.cut IN (l.cut_a, l.cut_b) AND b.cut <> a.cut
    ), reach AS (
        SELECT mem.territory, mem.cut AS root, mem.cut AS node FROM mem
        UNION
        SELECT r.territory, r.root, e.b FROM reach r JOIN edge e ON e.territory = r.territory AND e.a = r.node
    ), label AS (
        SELECT reach.territory, reach.node, min(reach.root) AS label FROM reach GROUP BY reach.territory, reach.node
    ), k AS (
        SELECT label.territory, count(DISTINCT label.label)::integer AS components
        FROM label GROUP BY label.territory
    ), t AS (
        SELECT mem.territory, count(*)::integer AS members, count(mem.geom)::integer AS with_geom, k.components
        FROM mem JOIN k ON k.territory = mem.territory
        GROUP BY mem.territory, k.components
    )
    SELECT tr.code, coalesce(t.members, 0), coalesce(t.components, 0),
           coalesce(t.members >= 2 AND t.with_geom = t.members AND t.components = 1, false)
    FROM rezago.territory tr LEFT JOIN t ON t.territory = tr.code
$$;
\endif
