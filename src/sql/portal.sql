/*
 * Portal area: what BI tools and government portals read.
 *   - the default methodology (a setting) and the periods with data;
 *   - stable, documented views of the index over every period, and
 *     materialised copies for portals that poll often;
 *   - explanations: each variable's value, threshold, gap, lag score,
 *     effective weight and contribution to the index;
 *   - territorial plans and their investment by source (doc/method.md section 8).
 * Maps are drawn by maps.sql, on the functions of this file.
 *
 * Stability promise for every view here: a later version may add columns at
 * the end, never rename, retype or remove one (test sql/portal_views.sql pins
 * the column lists).
 *
 * Built on the areas before it:
 *   - territories (territories.sql): contiguity from
 *     rezago.territory_contiguity (view v_territory_contiguity);
 *   - status (status.sql): thresholds from rezago.variable_thresholds (so
 *     official thresholds and the methodology's threshold rule apply to the
 *     explanations too), gaps, exit, entry and programme status (views
 *     v_territory_gaps, v_territory_exit, v_territory_entry,
 *     v_programme_status), and every Spanish label from rezago.status_label.
 */

--------------------------------------------------------------------------
-- Default methodology and periods
--------------------------------------------------------------------------

CREATE FUNCTION rezago.default_methodology()
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(nullif(pg_catalog.btrim(pg_catalog.current_setting('rezago.default_methodology', true)), ''),
                'ufro2017');
COMMENT ON FUNCTION rezago.default_methodology() IS
'Methodology used by the portal views (rezago.v_*, rezago.mv_*) and by map functions called without one: the setting rezago.default_methodology when set and not empty (e.g. ALTER ROLE portal SET rezago.default_methodology = ''sinim4''), otherwise ufro2017. The value is not checked here; the views raise 42704 for an unknown methodology.';

CREATE FUNCTION rezago.index_periods(methodology text DEFAULT NULL)
RETURNS TABLE (period integer)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT DISTINCT o.period
    FROM rezago.observation o
    JOIN rezago.methodology_variable mv ON mv.variable = o.variable
    WHERE mv.methodology = (SELECT rezago.require_methodology(
              coalesce(index_periods.methodology, rezago.default_methodology())))
      AND mv.weight > 0 AND o.value IS NOT NULL
    ORDER BY 1;
END;
COMMENT ON FUNCTION rezago.index_periods(text) IS
'Periods with at least one non-NULL observation of a variable of the methodology (NULL: rezago.default_methodology()), in ascending order: the periods the portal views cover. Errors: unknown (42704) or incomplete (22023) methodology.';

--------------------------------------------------------------------------
-- Spanish labels of the codes the portal views add, beside those of the
-- status functions in rezago.status_label (status.sql): the views join
-- that table, so every label a portal shows lives in one place.
--------------------------------------------------------------------------

SET LOCAL rezago.allow_builtin_changes = 'on';
INSERT INTO rezago.status_label (code, kind, label, description, builtin) VALUES
    ('scored', 'index_status', 'calculado',
     'El índice (o el puntaje de la dimensión) se calculó con los datos disponibles.', true),
    ('incomplete', 'index_status', 'incompleto: faltan dimensiones',
     'Alguna dimensión no tiene puntaje, así que el índice no se calcula.', true),
    ('no_data', 'index_status', 'sin datos',
     'No hay datos para calcular el índice: ninguna dimensión tiene puntaje (en un territorio, ninguna comuna tiene índice).', true),
    ('low_coverage', 'index_status', 'cobertura insuficiente',
     'Las variables con datos pesan menos que la cobertura mínima de la metodología: la dimensión no tiene puntaje.', true),
    ('overcome', 'gap_status', 'brecha superada',
     'El valor del territorio alcanza o supera el umbral de la variable.', true),
    ('behind', 'gap_status', 'brecha pendiente',
     'El valor del territorio aún no alcanza el umbral de la variable.', true),
    ('not_evaluated', 'gap_status', 'sin evaluar',
     'Ninguna comuna del territorio tiene valor de la variable en el año, o la variable no tiene umbral.', true),
    ('contiguous', 'contiguity', 'contiguo',
     'El territorio tiene dos o más comunas, todas con límite, conectadas por límites comunes o enlaces.', true),
    ('not_contiguous', 'contiguity', 'no contiguo',
     'El territorio no es válido: tiene menos de dos comunas, alguna sin límite o desconocida, o sus comunas forman grupos separados.', true);
RESET rezago.allow_builtin_changes;

CREATE FUNCTION rezago.index_status_label(status text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT l.label FROM rezago.status_label l
    WHERE l.code = index_status_label.status AND l.kind = 'index_status';
END;
COMMENT ON FUNCTION rezago.index_status_label(text) IS
'Spanish label of an index status code, from rezago.status_label (kind index_status): scored (calculado), incomplete (incompleto: faltan dimensiones), no_data (sin datos), low_coverage (cobertura insuficiente). NULL for NULL or a code of another kind or unknown.';

CREATE FUNCTION rezago.criterion_value(met boolean)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN criterion_value.met THEN 'met' WHEN NOT criterion_value.met THEN 'not_met' ELSE 'unknown' END;
COMMENT ON FUNCTION rezago.criterion_value(boolean) IS
'Code of a three-valued criterion, the key of its label in rezago.status_label (kind criterion_value): met (true), not_met (false) or unknown (NULL: missing data could change it).';

--------------------------------------------------------------------------
-- Explanations: effective weights and contributions (doc/method.md section 3)
--------------------------------------------------------------------------

CREATE FUNCTION rezago.comuna_contributions(period integer, methodology text DEFAULT rezago.default_methodology(),
                                            observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (cut integer, variable text, dimension text, polarity smallint,
               value double precision, threshold double precision, gap double precision,
               score double precision, effective_weight double precision,
               contribution double precision, index double precision, vintage integer, imputed boolean,
               source text)
LANGUAGE sql STABLE STRICT PARALLEL RESTRICTED
-- jit = off: the plan's estimated cost (about 2.7e5 on Chile's comunas) made
-- JIT compile some 640 functions on every call: 1.2 s for v_comuna_explanation
-- against 0.4 s without (doc/performance.md)
SET jit = off
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT rezago.require_methodology(comuna_contributions.methodology) AS code
    ), w AS MATERIALIZED (
        SELECT x.* FROM m, LATERAL rezago.methodology_weights(m.code) x
    ), ls AS MATERIALIZED (
        SELECT x.* FROM m, LATERAL rezago.comuna_lag_scores(comuna_contributions.period, m.code, observations => comuna_contributions.observations) x
    ), avail AS (
        -- weight within the dimension of the variables with a score: the
        -- dimension score divides by it (doc/method.md 3.3)
        SELECT ls.cut, ls.dimension, rezago.canonical_sum(ls.weight) AS weight
        FROM ls WHERE ls.score IS NOT NULL GROUP BY ls.cut, ls.dimension
    ), ci AS MATERIALIZED (
        SELECT x.cut, x.index FROM m, LATERAL rezago.comuna_index(comuna_contributions.period, m.code, observations => comuna_contributions.observations) x
    ), thr AS MATERIALIZED (
        SELECT x.variable, x.threshold, vt.vintage
        FROM m, LATERAL rezago.variable_thresholds(comuna_contributions.period, m.code, observations => comuna_contributions.observations) x
        JOIN rezago.variable_vintages(comuna_contributions.period, comuna_contributions.methodology, observations => comuna_contributions.observations) vt
          ON vt.variable = x.variable
    ), e AS (
        SELECT ci.cut, w.variable, w.dimension, w.polarity, ls.value, thr.threshold, ls.score, ci.index,
               coalesce(ls.vintage, thr.vintage) AS vintage, ls.imputed,
               CASE WHEN ci.index IS NULL THEN NULL
                    WHEN ls.score IS NULL THEN 0::double precision
                    ELSE w.dimension_weight * w.variable_weight / avail.weight
               END AS effective_weight
        FROM ci
        CROSS JOIN w
        LEFT JOIN ls ON ls.cut = ci.cut AND ls.variable = w.variable
        LEFT JOIN avail ON avail.cut = ci.cut AND avail.dimension = w.dimension
        LEFT JOIN thr ON thr.variable = w.variable
    )
    SELECT e.cut, e.variable, e.dimension, e.polarity, e.value, e.threshold,
           e.polarity * (e.threshold - e.value) + 0.0,  -- + 0.0 turns -0 into 0
           e.score, e.effective_weight,
           CASE WHEN e.score IS NOT NULL THEN e.effective_weight * e.score END,
           e.index, e.vintage, e.imputed,
           -- where an observed value comes from (rezago.observation.source)
           o.source
    FROM e
    -- a join, not a subquery per row: over a source without indexes the
    -- subquery would scan it once per comuna and variable
    LEFT JOIN rezago.source_observations(comuna_contributions.observations) o
      ON NOT e.imputed AND o.cut = e.cut AND o.variable = e.variable AND o.period = e.vintage
    ORDER BY e.cut, e.dimension, e.variable;
END;
COMMENT ON FUNCTION rezago.comuna_contributions(integer, text, regclass) IS
'Explanation of every comuna''s index, one row per comuna of rezago.comuna and variable of the methodology (default: rezago.default_methodology()): raw value, threshold (rezago.variable_thresholds: an official threshold when one is set, else the methodology''s threshold rule), gap = polarity * (threshold - value) (> 0 still behind), lag score, effective weight and contribution = effective weight * score. The effective weight is the dimension weight times the variable''s weight renormalised over the variables of the dimension with data for that comuna, so the contributions of a comuna sum to its index; vintage = the period the value comes from (rezago.scoring_values; the variable''s vintage when the comuna has no value) imputed = whether the value was imputed (NULL without a value), and source = where an observed value comes from (rezago.observation.source; NULL for an imputed value or when not given). A variable without a value has score NULL, effective weight 0 and contribution NULL; a comuna without an index has NULL effective weights and contributions. STRICT: a NULL argument gives no rows (and keeps the planner from inlining the function into the portal views, which made them 30 times slower). Errors: unknown (42704) or incomplete (22023) methodology.';

CREATE FUNCTION rezago.territory_contributions(period integer, methodology text DEFAULT rezago.default_methodology(),
                                               observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (territory text, variable text, dimension text, polarity smallint,
               value double precision, members_with_value bigint,
               threshold double precision, gap double precision, overcome boolean,
               score double precision, effective_weight double precision,
               contribution double precision, variable_rank bigint,
               is_weakest boolean, is_strongest boolean,
               index double precision, rank bigint, previous_period integer,
               previous_rank bigint, rank_change bigint, vintage integer, members_imputed bigint)
LANGUAGE sql STABLE STRICT PARALLEL RESTRICTED
BEGIN ATOMIC
    WITH m AS MATERIALIZED (
        SELECT x.code, x.territory_weighting FROM rezago.methodology x
        WHERE x.code = (SELECT rezago.require_methodology(territory_contributions.methodology))
    ), cc AS MATERIALIZED (
        SELECT x.* FROM m, LATERAL rezago.comuna_contributions(territory_contributions.period, m.code, observations => territory_contributions.observations) x
    ), scored AS (
        -- members with an index, with their weight in the territory score
        -- (doc/method.md 3.5: the mean; population-weighted only if the methodology says so)
        SELECT tm.territory, tm.cut,
               CASE (SELECT m.territory_weighting FROM m)
                   WHEN 'mean' THEN 1.0::double precision / count(*) OVER (PARTITION BY tm.territory)
                   ELSE coalesce(pop.value, 0) / nullif(rezago.canonical_sum(coalesce(pop.value, 0)) OVER (PARTITION BY tm.territory), 0)
               END AS member_weight
        FROM rezago.territory_member tm
        JOIN (SELECT DISTINCT cc.cut FROM cc WHERE cc.index IS NOT NULL) s ON s.cut = tm.cut
        LEFT JOIN rezago.source_observations(territory_contributions.observations) pop
          ON pop.cut = tm.cut AND pop.variable = 'poblacion' AND pop.period = territory_contributions.period
    ), tv AS (
        SELECT tm.territory, cc.variable, cc.dimension, cc.polarity,
               -- the territory's value is that of territory_gaps: observed values only
               rezago.canonical_avg(cc.value) FILTER (WHERE NOT cc.imputed) AS value,
               count(cc.value) FILTER (WHERE NOT cc.imputed) AS members_with_value,
               count(*) FILTER (WHERE cc.imputed) AS members_imputed,
               min(cc.threshold) AS threshold,
               rezago.canonical_sum(s.member_weight * cc.effective_weight) AS effective_weight,
               rezago.canonical_sum(s.member_weight * cc.contribution) AS contribution
        FROM rezago.territory_member tm
        JOIN cc ON cc.cut = tm.cut
        LEFT JOIN scored s ON s.territory = tm.territory AND s.cut = tm.cut
        GROUP BY tm.territory, cc.variable, cc.dimension, cc.polarity
    ), prev AS (
        SELECT max(p.period) AS period FROM m, LATERAL rezago.index_periods(m.code) p
        WHERE p.period < territory_contributions.period
    ), ti AS MATERIALIZED (
        SELECT x.territory, x.index, x.rank FROM m, LATERAL rezago.territory_index(territory_contributions.period, m.code, observations => territory_contributions.observations) x
    ), tp AS MATERIALIZED (
        SELECT x.territory, x.rank FROM m, prev, LATERAL rezago.territory_index(prev.period, m.code, observations => territory_contributions.observations) x
        WHERE prev.period IS NOT NULL
    ), r AS (
        SELECT tv.*, tv.polarity * (tv.threshold - tv.value) + 0.0 AS gap,
               tv.contribution / nullif(tv.effective_weight, 0) AS score
        FROM tv
    )
    SELECT r.territory, r.variable, r.dimension, r.polarity, r.value, r.members_with_value,
           r.threshold, r.gap, r.gap <= 0, r.score, r.effective_weight, r.contribution,
           CASE WHEN r.score IS NOT NULL THEN rank() OVER (PARTITION BY r.territory ORDER BY r.score DESC NULLS LAST) END,
           coalesce(r.score = max(r.score) OVER (PARTITION BY r.territory), false),
           coalesce(r.score = min(r.score) OVER (PARTITION BY r.territory), false),
           ti.index, ti.rank, (SELECT prev.period FROM prev), tp.rank, tp.rank - ti.rank,
           vt.vintage, r.members_imputed
    FROM r
    JOIN ti ON ti.territory = r.territory
    LEFT JOIN rezago.variable_vintages(territory_contributions.period, territory_contributions.methodology, observations => territory_contributions.observations) vt
      ON vt.variable = r.variable
    LEFT JOIN tp ON tp.territory = r.territory
    ORDER BY r.territory, r.dimension, r.variable;
END;
COMMENT ON FUNCTION rezago.territory_contributions(integer, text, regclass) IS
'Explanation of every territory''s index in a period, one row per territory and variable of the methodology (default: rezago.default_methodology()): value = mean of the members'' observed raw values at the variable''s vintage (doc/method.md 4, as rezago.territory_gaps) and how many members have one (members_with_value), how many have an imputed value instead (members_imputed; these count in the contributions, not in value and gap), and the vintage; threshold (rezago.variable_thresholds), gap = polarity * (threshold - value) and overcome = gap <= 0, as rezago.territory_gaps; effective weight and contribution = the member-weighted mean of the members'' comuna effective weights and contributions (members with an index; equal member weights unless the methodology weights by population), so the contributions sum to the territory index; score = contribution / effective weight (the plain mean of the member lag scores when every member has every variable); variable_rank 1 = the variable where the territory is most lagged (is_weakest), is_strongest = least lagged (ties share); the territory''s index and rank, and its rank in the previous period with data (previous_period) with rank_change = previous_rank - rank (positive: moved towards rank 1, i.e. more lagged relative to the others). STRICT: a NULL argument gives no rows. Errors: unknown or incomplete methodology.';

CREATE FUNCTION rezago.explain_territory(territory text, period integer, methodology text DEFAULT rezago.default_methodology(),
                                         observations regclass DEFAULT 'rezago.observation')
RETURNS TABLE (variable text, variable_name text, dimension text, dimension_name text, unit text,
               polarity smallint, value double precision, members_with_value bigint,
               threshold double precision, gap double precision, overcome boolean,
               score double precision, effective_weight double precision, contribution double precision,
               contribution_share double precision, variable_rank bigint, is_weakest boolean,
               is_strongest boolean, index double precision, rank bigint, previous_period integer,
               previous_rank bigint, rank_change bigint, vintage integer, members_imputed bigint)
LANGUAGE sql STABLE STRICT PARALLEL RESTRICTED
BEGIN ATOMIC
    SELECT x.variable, v.name, x.dimension, d.name, v.unit, x.polarity, x.value, x.members_with_value,
           x.threshold, x.gap, x.overcome, x.score, x.effective_weight, x.contribution,
           x.contribution / nullif(x.index, 0),
           x.variable_rank, x.is_weakest, x.is_strongest, x.index, x.rank, x.previous_period,
           x.previous_rank, x.rank_change, x.vintage, x.members_imputed
    FROM rezago.territory_contributions(explain_territory.period, explain_territory.methodology, observations => explain_territory.observations) x
    JOIN rezago.variable v ON v.code = x.variable
    JOIN rezago.dimension d ON d.code = x.dimension
    WHERE x.territory = explain_territory.territory
    ORDER BY x.contribution DESC NULLS LAST, x.variable;
END;
COMMENT ON FUNCTION rezago.explain_territory(text, integer, text, regclass) IS
'Why a territory has its index in a period: rezago.territory_contributions for one territory, with Spanish names, and contribution_share = contribution / index (the shares sum to 1), ordered by contribution (largest first). No rows for an unknown territory or a NULL argument.';

--------------------------------------------------------------------------
-- Views (security_invoker: a reader sees only what the reader may see)
--------------------------------------------------------------------------

CREATE VIEW rezago.v_comuna_index WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), p AS MATERIALIZED (
    SELECT x.period, lag(x.period) OVER (ORDER BY x.period) AS previous_period
    FROM m, LATERAL rezago.index_periods(m.methodology) x
), ci AS MATERIALIZED (
    SELECT p.period, p.previous_period, x.*
    FROM m CROSS JOIN p CROSS JOIN LATERAL rezago.comuna_index(p.period, m.methodology) x
), ndims AS MATERIALIZED (
    SELECT count(DISTINCT w.dimension) AS n FROM m, LATERAL rezago.methodology_weights(m.methodology) w
), mdn AS MATERIALIZED (
    SELECT ci.period, ci.cut, string_agg(d.name, ', ' ORDER BY d.code) AS names
    FROM ci JOIN rezago.dimension d ON d.code = ANY (ci.missing_dimensions)
    GROUP BY ci.period, ci.cut
)
SELECT m.methodology, ci.period, ci.cut, c.name AS comuna, c.provincia_code, c.provincia,
       c.region_code, c.region, ci.index, ci.rank,
       count(ci.index) OVER (PARTITION BY ci.period) AS ranked,
       CASE WHEN ci.index IS NOT NULL THEN
           ceil(5 * cume_dist() OVER (PARTITION BY ci.period, ci.index IS NULL ORDER BY ci.index))::integer
       END AS quintile,
       ci.previous_period, prev.rank AS previous_rank, prev.rank - ci.rank AS rank_change,
       st.status AS index_status, isl.label AS index_status_label,
       ci.missing_dimensions,
       mdn.names AS missing_dimension_names
FROM ci
CROSS JOIN m
JOIN rezago.comuna c ON c.cut = ci.cut
LEFT JOIN ci prev ON prev.period = ci.previous_period AND prev.cut = ci.cut
LEFT JOIN mdn ON mdn.period = ci.period AND mdn.cut = ci.cut
CROSS JOIN LATERAL (
    SELECT CASE WHEN ci.index IS NOT NULL THEN 'scored'
                WHEN cardinality(ci.missing_dimensions) >= (SELECT ndims.n FROM ndims) THEN 'no_data'
                ELSE 'incomplete' END AS status
) st
LEFT JOIN rezago.status_label isl ON isl.kind = 'index_status' AND isl.code = st.status;
COMMENT ON VIEW rezago.v_comuna_index IS
'Lag index and rank of every comuna in every period with data (rezago.index_periods), under the default methodology (rezago.default_methodology(): the setting rezago.default_methodology, else ufro2017). One row per comuna and period. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_comuna_index.methodology IS 'Methodology code the numbers follow (rezago.methodology.code).';
COMMENT ON COLUMN rezago.v_comuna_index.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_comuna_index.cut IS 'Comuna CUT code (2018 codes).';
COMMENT ON COLUMN rezago.v_comuna_index.comuna IS 'Comuna name.';
COMMENT ON COLUMN rezago.v_comuna_index.provincia_code IS 'Provincia code.';
COMMENT ON COLUMN rezago.v_comuna_index.provincia IS 'Provincia name.';
COMMENT ON COLUMN rezago.v_comuna_index.region_code IS 'Región code.';
COMMENT ON COLUMN rezago.v_comuna_index.region IS 'Región name.';
COMMENT ON COLUMN rezago.v_comuna_index.index IS 'Lag index (índice de rezago), 0..1 under min-max normalisation, 1 = most lagged; NULL when a dimension has no score (see missing_dimensions).';
COMMENT ON COLUMN rezago.v_comuna_index.rank IS 'Rank among comunas with an index in the period, 1 = most lagged; ties share a rank; NULL without an index.';
COMMENT ON COLUMN rezago.v_comuna_index.ranked IS 'Number of comunas with an index in the period (the largest possible rank).';
COMMENT ON COLUMN rezago.v_comuna_index.quintile IS 'Quintile of the index in the period, 1 = least lagged fifth, 5 = most lagged fifth: ceil(5 * cumulative share of comunas with an index at most this one), so ties share a quintile; NULL without an index.';
COMMENT ON COLUMN rezago.v_comuna_index.previous_period IS 'The previous period with data (not necessarily the previous year); NULL for the first period.';
COMMENT ON COLUMN rezago.v_comuna_index.previous_rank IS 'Rank in previous_period; NULL when there was none.';
COMMENT ON COLUMN rezago.v_comuna_index.rank_change IS 'previous_rank - rank: positive = moved towards rank 1 (more lagged relative to the other comunas), negative = moved away; NULL when either rank is NULL.';
COMMENT ON COLUMN rezago.v_comuna_index.index_status IS 'scored (index computed), incomplete (some dimension has no score) or no_data (no dimension has a score).';
COMMENT ON COLUMN rezago.v_comuna_index.index_status_label IS 'Spanish label of index_status (rezago.status_label).';
COMMENT ON COLUMN rezago.v_comuna_index.missing_dimensions IS 'When the index is NULL, the dimension codes without a score; NULL otherwise.';
COMMENT ON COLUMN rezago.v_comuna_index.missing_dimension_names IS 'Spanish names of missing_dimensions, comma-separated.';

CREATE VIEW rezago.v_comuna_dimension_scores WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT x.code AS methodology, x.min_coverage FROM rezago.methodology x
    WHERE x.code = rezago.default_methodology()
), dw AS MATERIALIZED (
    SELECT DISTINCT w.dimension, w.dimension_weight FROM m, LATERAL rezago.methodology_weights(m.methodology) w
), s AS MATERIALIZED (
    -- computed once per period, then joined (a function scan on the inner
    -- side of a nested loop would be recomputed for every outer row)
    SELECT p.period, x.* FROM m
    CROSS JOIN LATERAL rezago.index_periods(m.methodology) p
    CROSS JOIN LATERAL rezago.comuna_dimension_scores(p.period, m.methodology) x
)
SELECT m.methodology, s.period, s.cut, c.name AS comuna, c.provincia_code, c.provincia, c.region_code, c.region,
       s.dimension, d.name AS dimension_name, dw.dimension_weight, s.score, s.coverage,
       st.status AS score_status, ssl.label AS score_status_label
FROM m
CROSS JOIN s
JOIN rezago.comuna c ON c.cut = s.cut
JOIN rezago.dimension d ON d.code = s.dimension
JOIN dw ON dw.dimension = s.dimension
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.score IS NOT NULL THEN 'scored' ELSE 'low_coverage' END AS status
) st
LEFT JOIN rezago.status_label ssl ON ssl.kind = 'index_status' AND ssl.code = st.status;
COMMENT ON VIEW rezago.v_comuna_dimension_scores IS
'Dimension (capital) scores of every comuna in every period with data, under the default methodology: one row per comuna, period and dimension in which the comuna has at least one value. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.cut IS 'Comuna CUT code.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.comuna IS 'Comuna name.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.provincia_code IS 'Provincia code.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.provincia IS 'Provincia name.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.region_code IS 'Región code.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.region IS 'Región name.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.dimension IS 'Dimension code, e.g. capital_social.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.dimension_name IS 'Dimension name in Spanish, e.g. Capital social.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.dimension_weight IS 'Weight of the dimension in the index (the weights of the methodology''s dimensions sum to 1).';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.score IS 'Dimension score: weighted mean of the comuna''s lag scores in the dimension, 1 = most lagged; NULL when coverage is below the methodology''s min_coverage.';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.coverage IS 'Share of the dimension''s weight with data for this comuna (0..1).';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.score_status IS 'scored or low_coverage (coverage below min_coverage, score NULL).';
COMMENT ON COLUMN rezago.v_comuna_dimension_scores.score_status_label IS 'Spanish label of score_status (rezago.status_label).';

CREATE VIEW rezago.v_territory_index WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), p AS MATERIALIZED (
    SELECT x.period, lag(x.period) OVER (ORDER BY x.period) AS previous_period
    FROM m, LATERAL rezago.index_periods(m.methodology) x
), ti AS MATERIALIZED (
    SELECT p.period, p.previous_period, x.*
    FROM m CROSS JOIN p CROSS JOIN LATERAL rezago.territory_index(p.period, m.methodology) x
)
SELECT m.methodology, ti.period, ti.territory, t.name AS territory_name, ti.index, ti.rank,
       count(ti.index) OVER (PARTITION BY ti.period) AS ranked,
       CASE WHEN ti.index IS NOT NULL THEN
           ceil(5 * cume_dist() OVER (PARTITION BY ti.period, ti.index IS NULL ORDER BY ti.index))::integer
       END AS quintile,
       ti.members, ti.scored,
       ti.previous_period, prev.rank AS previous_rank, prev.rank - ti.rank AS rank_change,
       st.status AS index_status, isl.label AS index_status_label
FROM ti
CROSS JOIN m
JOIN rezago.territory t ON t.code = ti.territory
LEFT JOIN ti prev ON prev.period = ti.previous_period AND prev.territory = ti.territory
CROSS JOIN LATERAL (
    SELECT CASE WHEN ti.index IS NOT NULL THEN 'scored' ELSE 'no_data' END AS status
) st
LEFT JOIN rezago.status_label isl ON isl.kind = 'index_status' AND isl.code = st.status;
COMMENT ON VIEW rezago.v_territory_index IS
'Lag index and rank of every territory in every period with data, under the default methodology (rezago.default_methodology()). Territory score = mean of its member comunas'' indices (doc/method.md 3.5). One row per territory and period. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_index.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_territory_index.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_territory_index.territory IS 'Territory code (rezago.territory.code).';
COMMENT ON COLUMN rezago.v_territory_index.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_index.index IS 'Lag index of the territory: mean of its members'' indices (members without an index are left out; see scored), 1 = most lagged; NULL when no member has an index.';
COMMENT ON COLUMN rezago.v_territory_index.rank IS 'Rank among territories with an index in the period, 1 = most lagged; ties share a rank.';
COMMENT ON COLUMN rezago.v_territory_index.ranked IS 'Number of territories with an index in the period.';
COMMENT ON COLUMN rezago.v_territory_index.quintile IS 'Quintile of the index among territories in the period, 1 = least lagged fifth, 5 = most lagged fifth (ties share a quintile).';
COMMENT ON COLUMN rezago.v_territory_index.members IS 'Member comunas of the territory.';
COMMENT ON COLUMN rezago.v_territory_index.scored IS 'Members with an index in the period (the index averages these).';
COMMENT ON COLUMN rezago.v_territory_index.previous_period IS 'The previous period with data; NULL for the first period.';
COMMENT ON COLUMN rezago.v_territory_index.previous_rank IS 'Rank in previous_period.';
COMMENT ON COLUMN rezago.v_territory_index.rank_change IS 'previous_rank - rank: positive = moved towards rank 1 (more lagged relative to the others), negative = moved away.';
COMMENT ON COLUMN rezago.v_territory_index.index_status IS 'scored or no_data (no member has an index).';
COMMENT ON COLUMN rezago.v_territory_index.index_status_label IS 'Spanish label of index_status (rezago.status_label).';

CREATE VIEW rezago.v_territory_dimension_scores WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), dw AS MATERIALIZED (
    SELECT DISTINCT w.dimension, w.dimension_weight FROM m, LATERAL rezago.methodology_weights(m.methodology) w
), s AS MATERIALIZED (
    SELECT p.period, x.* FROM m
    CROSS JOIN LATERAL rezago.index_periods(m.methodology) p
    CROSS JOIN LATERAL rezago.territory_dimension_scores(p.period, m.methodology) x
)
SELECT m.methodology, s.period, s.territory, t.name AS territory_name, s.dimension, d.name AS dimension_name,
       dw.dimension_weight, s.score, s.members, s.scored
FROM m
CROSS JOIN s
JOIN rezago.territory t ON t.code = s.territory
JOIN rezago.dimension d ON d.code = s.dimension
JOIN dw ON dw.dimension = s.dimension;
COMMENT ON VIEW rezago.v_territory_dimension_scores IS
'Dimension (capital) scores of every territory in every period with data, under the default methodology: the mean of its members'' dimension scores. One row per territory, period and dimension of the methodology. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.dimension IS 'Dimension code.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.dimension_name IS 'Dimension name in Spanish.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.dimension_weight IS 'Weight of the dimension in the index (the weights sum to 1).';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.score IS 'Mean of the members'' dimension scores, 1 = most lagged; NULL when no member has one.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.members IS 'Member comunas of the territory.';
COMMENT ON COLUMN rezago.v_territory_dimension_scores.scored IS 'Members with a score in this dimension.';

CREATE VIEW rezago.v_comuna_explanation WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), x AS MATERIALIZED (
    SELECT p.period, f.* FROM m
    CROSS JOIN LATERAL rezago.index_periods(m.methodology) p
    CROSS JOIN LATERAL rezago.comuna_contributions(p.period, m.methodology) f
)
SELECT m.methodology, x.period, x.cut, c.name AS comuna, x.variable, v.name AS variable_name,
       x.dimension, d.name AS dimension_name, v.unit, x.polarity, x.value, x.threshold, x.gap,
       x.gap <= 0 AS overcome, x.score, x.effective_weight, x.contribution, x.index,
       x.vintage, x.imputed, x.source
FROM m
CROSS JOIN x
JOIN rezago.comuna c ON c.cut = x.cut
JOIN rezago.variable v ON v.code = x.variable
JOIN rezago.dimension d ON d.code = x.dimension;
COMMENT ON VIEW rezago.v_comuna_explanation IS
'Why each comuna has its index: one row per comuna, period with data and variable of the default methodology, with the raw value, threshold, gap, lag score, effective weight and contribution (the contributions of a comuna and period sum to its index). Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_comuna_explanation.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_comuna_explanation.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_comuna_explanation.cut IS 'Comuna CUT code.';
COMMENT ON COLUMN rezago.v_comuna_explanation.comuna IS 'Comuna name.';
COMMENT ON COLUMN rezago.v_comuna_explanation.variable IS 'Variable code.';
COMMENT ON COLUMN rezago.v_comuna_explanation.variable_name IS 'Variable name in Spanish.';
COMMENT ON COLUMN rezago.v_comuna_explanation.dimension IS 'Dimension code of the variable.';
COMMENT ON COLUMN rezago.v_comuna_explanation.dimension_name IS 'Dimension name in Spanish.';
COMMENT ON COLUMN rezago.v_comuna_explanation.unit IS 'Unit of value and threshold.';
COMMENT ON COLUMN rezago.v_comuna_explanation.polarity IS '+1 when more is better, -1 when more is worse.';
COMMENT ON COLUMN rezago.v_comuna_explanation.value IS 'Raw value of the comuna; NULL when missing.';
COMMENT ON COLUMN rezago.v_comuna_explanation.threshold IS 'Threshold (umbral) of the variable in the period under the methodology''s threshold rule (national mean by default).';
COMMENT ON COLUMN rezago.v_comuna_explanation.gap IS 'polarity * (threshold - value): positive = still behind the threshold, <= 0 = at or beyond it.';
COMMENT ON COLUMN rezago.v_comuna_explanation.overcome IS 'gap <= 0.';
COMMENT ON COLUMN rezago.v_comuna_explanation.score IS 'Lag score of the value, 1 = most lagged.';
COMMENT ON COLUMN rezago.v_comuna_explanation.effective_weight IS 'Weight of the variable in this comuna''s index, after renormalising within the dimension over the variables with data (0 for a missing variable; the weights of a comuna sum to 1). NULL when the comuna has no index.';
COMMENT ON COLUMN rezago.v_comuna_explanation.contribution IS 'effective_weight * score: the part of the index due to this variable; the contributions sum to index.';
COMMENT ON COLUMN rezago.v_comuna_explanation.index IS 'Lag index of the comuna in the period.';
COMMENT ON COLUMN rezago.v_comuna_explanation.vintage IS 'Year the value comes from: the variable''s vintage (rezago.variable_vintages; the latest year within the methodology''s max_data_age), or for a value carried forward the comuna''s own earlier year.';
COMMENT ON COLUMN rezago.v_comuna_explanation.source IS 'Where the observed value comes from (rezago.observation.source, e.g. SINIM4182); NULL for an imputed value or when the load gave none.';
COMMENT ON COLUMN rezago.v_comuna_explanation.imputed IS 'true when the value was imputed (methodology.imputation), not observed; NULL when the comuna has no value.';

CREATE VIEW rezago.v_territory_explanation WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), x AS MATERIALIZED (
    SELECT p.period, f.* FROM m
    CROSS JOIN LATERAL rezago.index_periods(m.methodology) p
    CROSS JOIN LATERAL rezago.territory_contributions(p.period, m.methodology) f
)
SELECT m.methodology, x.period, x.territory, t.name AS territory_name, x.variable, v.name AS variable_name,
       x.dimension, d.name AS dimension_name, v.unit, x.polarity, x.value, x.members_with_value,
       x.threshold, x.gap, x.overcome, x.score, x.effective_weight, x.contribution,
       x.contribution / nullif(x.index, 0) AS contribution_share,
       x.variable_rank, x.is_weakest, x.is_strongest, x.index, x.rank, x.previous_period,
       x.previous_rank, x.rank_change, x.vintage, x.members_imputed
FROM m
CROSS JOIN x
JOIN rezago.territory t ON t.code = x.territory
JOIN rezago.variable v ON v.code = x.variable
JOIN rezago.dimension d ON d.code = x.dimension;
COMMENT ON VIEW rezago.v_territory_explanation IS
'Why each territory has its index: one row per territory, period with data and variable of the default methodology, with value, threshold, gap, lag score, effective weight, contribution (summing to the index), the strongest and weakest variables, and the change of rank from the previous period. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_explanation.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_territory_explanation.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_territory_explanation.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_explanation.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_explanation.variable IS 'Variable code.';
COMMENT ON COLUMN rezago.v_territory_explanation.variable_name IS 'Variable name in Spanish.';
COMMENT ON COLUMN rezago.v_territory_explanation.dimension IS 'Dimension code of the variable.';
COMMENT ON COLUMN rezago.v_territory_explanation.dimension_name IS 'Dimension name in Spanish.';
COMMENT ON COLUMN rezago.v_territory_explanation.unit IS 'Unit of value and threshold.';
COMMENT ON COLUMN rezago.v_territory_explanation.polarity IS '+1 when more is better, -1 when more is worse.';
COMMENT ON COLUMN rezago.v_territory_explanation.value IS 'Territory value: mean of the members'' raw values (doc/method.md 4); NULL when no member has one.';
COMMENT ON COLUMN rezago.v_territory_explanation.members_with_value IS 'Members with a value of the variable.';
COMMENT ON COLUMN rezago.v_territory_explanation.threshold IS 'Threshold (umbral) of the variable in the period (national mean by default).';
COMMENT ON COLUMN rezago.v_territory_explanation.gap IS 'polarity * (threshold - value): positive = still behind, <= 0 = gap overcome.';
COMMENT ON COLUMN rezago.v_territory_explanation.overcome IS 'gap <= 0 (the gap of this variable is overcome).';
COMMENT ON COLUMN rezago.v_territory_explanation.score IS 'Lag score of the territory in this variable: contribution / effective_weight, the mean of the members'' lag scores when all have data; 1 = most lagged.';
COMMENT ON COLUMN rezago.v_territory_explanation.effective_weight IS 'Weight of the variable in the territory index: mean of the members'' effective weights (members with an index); the weights of a territory sum to 1.';
COMMENT ON COLUMN rezago.v_territory_explanation.contribution IS 'Part of the territory index due to this variable; the contributions sum to index.';
COMMENT ON COLUMN rezago.v_territory_explanation.contribution_share IS 'contribution / index (the shares sum to 1).';
COMMENT ON COLUMN rezago.v_territory_explanation.variable_rank IS 'Rank of the variable by score within the territory, 1 = the variable where the territory is most lagged.';
COMMENT ON COLUMN rezago.v_territory_explanation.is_weakest IS 'True for the variable(s) with the highest score: where the territory is most lagged.';
COMMENT ON COLUMN rezago.v_territory_explanation.is_strongest IS 'True for the variable(s) with the lowest score: where the territory is least lagged.';
COMMENT ON COLUMN rezago.v_territory_explanation.index IS 'Lag index of the territory in the period.';
COMMENT ON COLUMN rezago.v_territory_explanation.rank IS 'Rank of the territory in the period, 1 = most lagged.';
COMMENT ON COLUMN rezago.v_territory_explanation.previous_period IS 'The previous period with data.';
COMMENT ON COLUMN rezago.v_territory_explanation.previous_rank IS 'Rank of the territory in previous_period.';
COMMENT ON COLUMN rezago.v_territory_explanation.rank_change IS 'previous_rank - rank: positive = moved towards rank 1 (more lagged relative to the others).';
COMMENT ON COLUMN rezago.v_territory_explanation.vintage IS 'Year the variable''s values come from (rezago.variable_vintages).';
COMMENT ON COLUMN rezago.v_territory_explanation.members_imputed IS 'Members whose value of the variable was imputed (methodology.imputation): they count in score and contribution, not in value and gap.';

--------------------------------------------------------------------------
-- Status views: gaps, exit, entry, programme (status.sql) and
-- contiguity (territories.sql), with the Spanish labels of every code
--------------------------------------------------------------------------

CREATE FUNCTION rezago.entry_periods()
RETURNS TABLE (period integer)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT DISTINCT o.period
    FROM rezago.observation o
    WHERE o.variable IN ('pobreza_ingresos', 'localidades', 'localidades_aisladas') AND o.value IS NOT NULL
    ORDER BY 1;
END;
COMMENT ON FUNCTION rezago.entry_periods() IS
'Periods with at least one non-NULL value of an input of the entry criteria (pobreza_ingresos, localidades, localidades_aisladas), in ascending order: the periods of rezago.v_territory_entry. They do not depend on the methodology: its variables are those of the index.';

CREATE FUNCTION rezago.default_contiguity_tolerance()
RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE
RETURN rezago.valid_tolerance(coalesce(nullif(pg_catalog.btrim(pg_catalog.current_setting('rezago.contiguity_tolerance_m', true)), ''),
                                       '0')::double precision);
COMMENT ON FUNCTION rezago.default_contiguity_tolerance() IS
'Adjacency tolerance in metres used by rezago.v_territory_contiguity: the setting rezago.contiguity_tolerance_m when set and not empty (e.g. ALTER DATABASE ... SET rezago.contiguity_tolerance_m = 150 for the simplified BCN boundaries, whose neighbours are split by slivers), otherwise 0 (doc/method.md section 6: the boundaries intersect). A value that is not a number raises 22P02; NaN, infinite, negative or above 100 km raise 22023 (rezago.valid_tolerance).';

CREATE VIEW rezago.v_territory_gaps WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), p AS MATERIALIZED (
    SELECT x.period FROM m, LATERAL rezago.index_periods(m.methodology) x
), th AS MATERIALIZED (
    SELECT p.period, x.variable, x.source
    FROM m CROSS JOIN p CROSS JOIN LATERAL rezago.variable_thresholds(p.period, m.methodology) x
), g AS MATERIALIZED (
    SELECT p.period, x.*
    FROM m CROSS JOIN p CROSS JOIN LATERAL rezago.territory_gaps(p.period, m.methodology) x
)
SELECT m.methodology, g.period, g.territory, t.name AS territory_name, g.variable, v.name AS variable_name,
       v.dimension, d.name AS dimension_name, v.unit, v.polarity, g.value, g.threshold,
       th.source AS threshold_source, tl.label AS threshold_source_label,
       g.gap, g.overcome, gl.label AS overcome_label
FROM m
CROSS JOIN g
JOIN rezago.territory t ON t.code = g.territory
JOIN rezago.variable v ON v.code = g.variable
JOIN rezago.dimension d ON d.code = v.dimension
LEFT JOIN th ON th.period = g.period AND th.variable = g.variable
LEFT JOIN rezago.status_label tl ON tl.kind = 'threshold_rule' AND tl.code = split_part(th.source, ' ', 1)
LEFT JOIN rezago.status_label gl ON gl.kind = 'gap_status'
      AND gl.code = CASE WHEN g.overcome THEN 'overcome' WHEN NOT g.overcome THEN 'behind' ELSE 'not_evaluated' END;
COMMENT ON VIEW rezago.v_territory_gaps IS
'Gap (brecha) of every territory with members in every variable of the default methodology (rezago.default_methodology()), in every period with data (doc/method.md section 4): rezago.territory_gaps with names, the source of the threshold and Spanish labels. One row per territory, period and variable. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_gaps.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_territory_gaps.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_territory_gaps.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_gaps.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_gaps.variable IS 'Variable code.';
COMMENT ON COLUMN rezago.v_territory_gaps.variable_name IS 'Variable name in Spanish.';
COMMENT ON COLUMN rezago.v_territory_gaps.dimension IS 'Dimension code of the variable.';
COMMENT ON COLUMN rezago.v_territory_gaps.dimension_name IS 'Dimension name in Spanish.';
COMMENT ON COLUMN rezago.v_territory_gaps.unit IS 'Unit of value and threshold.';
COMMENT ON COLUMN rezago.v_territory_gaps.polarity IS '+1 when more is better, -1 when more is worse.';
COMMENT ON COLUMN rezago.v_territory_gaps.value IS 'Territory value: mean of its members'' observed (never imputed) raw values at the variable''s vintage; NULL when no member has one.';
COMMENT ON COLUMN rezago.v_territory_gaps.threshold IS 'Threshold (umbral) of the variable in the period (rezago.variable_thresholds); NULL when it cannot be set (no comuna has data, no fixed value).';
COMMENT ON COLUMN rezago.v_territory_gaps.threshold_source IS 'Where the threshold comes from: official (rezago.official_threshold), mean, median, percentile p or fixed.';
COMMENT ON COLUMN rezago.v_territory_gaps.threshold_source_label IS 'Spanish label of threshold_source (rezago.status_label, kind threshold_rule), e.g. promedio nacional.';
COMMENT ON COLUMN rezago.v_territory_gaps.gap IS 'polarity * (threshold - value): positive = still behind, <= 0 = overcome; NULL when value or threshold is NULL.';
COMMENT ON COLUMN rezago.v_territory_gaps.overcome IS 'gap <= 0 (the gap is overcome); NULL when the variable is not evaluated.';
COMMENT ON COLUMN rezago.v_territory_gaps.overcome_label IS 'Spanish label: brecha superada, brecha pendiente or sin evaluar (rezago.status_label, kind gap_status).';

CREATE VIEW rezago.v_territory_exit WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), n AS MATERIALIZED (
    SELECT count(*)::integer AS variables FROM m, LATERAL rezago.methodology_weights(m.methodology) w
), e AS MATERIALIZED (
    SELECT p.period, x.* FROM m
    CROSS JOIN LATERAL rezago.index_periods(m.methodology) p
    CROSS JOIN LATERAL rezago.territory_exit(p.period, m.methodology) x
)
SELECT m.methodology, e.period, e.territory, t.name AS territory_name, n.variables, e.evaluated, e.overcome,
       e.share, e.stage, l.label AS stage_label
FROM m
CROSS JOIN n
CROSS JOIN e
JOIN rezago.territory t ON t.code = e.territory
LEFT JOIN rezago.status_label l ON l.kind = 'exit_stage' AND l.code = e.stage;
COMMENT ON VIEW rezago.v_territory_exit IS
'Exit (egreso) stage of every territory in every period with data, under the default methodology (doc/method.md section 4): rezago.territory_exit with the Spanish label of the stage. One row per territory and period. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_exit.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_territory_exit.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_territory_exit.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_exit.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_exit.variables IS 'Variables of the methodology; fewer than exit_min_evaluated_share of them evaluated gives insufficient_data.';
COMMENT ON COLUMN rezago.v_territory_exit.evaluated IS 'Variables with a territory value and a threshold.';
COMMENT ON COLUMN rezago.v_territory_exit.overcome IS 'Evaluated variables whose gap is overcome (gap <= 0).';
COMMENT ON COLUMN rezago.v_territory_exit.share IS 'overcome / evaluated; NULL when nothing is evaluated.';
COMMENT ON COLUMN rezago.v_territory_exit.stage IS 'insufficient_data, lagging (share below exit_started_share, 1/3 by default), exit_started, exit_advanced (from exit_advanced_share, 2/3) or exited (all evaluated variables overcome).';
COMMENT ON COLUMN rezago.v_territory_exit.stage_label IS 'Spanish label of stage (rezago.status_label), e.g. egreso iniciado.';

CREATE VIEW rezago.v_territory_entry WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), e AS MATERIALIZED (
    SELECT p.period, x.* FROM m
    CROSS JOIN rezago.entry_periods() p
    CROSS JOIN LATERAL rezago.territory_entry(p.period, m.methodology) x
)
SELECT m.methodology, e.period, e.territory, t.name AS territory_name,
       e.e1_national, l1.label AS e1_national_label, e.e2_regional, l2.label AS e2_regional_label,
       e.e3_isolation, l3.label AS e3_isolation_label, e.criteria_met, e.eligible, le.label AS eligible_label
FROM m
CROSS JOIN e
JOIN rezago.territory t ON t.code = e.territory
LEFT JOIN rezago.status_label l1 ON l1.kind = 'criterion_value' AND l1.code = rezago.criterion_value(e.e1_national)
LEFT JOIN rezago.status_label l2 ON l2.kind = 'criterion_value' AND l2.code = rezago.criterion_value(e.e2_regional)
LEFT JOIN rezago.status_label l3 ON l3.kind = 'criterion_value' AND l3.code = rezago.criterion_value(e.e3_isolation)
LEFT JOIN rezago.status_label le ON le.kind = 'programme_status'
      AND le.code = CASE WHEN e.eligible THEN 'candidate' WHEN NOT e.eligible THEN 'not_eligible' ELSE 'eligibility_unknown' END;
COMMENT ON VIEW rezago.v_territory_entry IS
'Pilot entry criteria of every territory in every period with poverty or locality data (rezago.entry_periods), under the default methodology''s entry parameters (doc/method.md section 5): rezago.territory_entry with Spanish labels. Three-valued: NULL = the missing data could change the result. One row per territory and period. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_entry.methodology IS 'Methodology whose entry parameters apply (entry_national_top, entry_regional_share, entry_isolation_share, entry_min_criteria).';
COMMENT ON COLUMN rezago.v_territory_entry.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_territory_entry.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_entry.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_entry.e1_national IS 'E1 national poverty gap: half or more of its comunas among the poorest of the country (100 by default); NULL when missing data could change it.';
COMMENT ON COLUMN rezago.v_territory_entry.e1_national_label IS 'Spanish label of e1_national: cumple, no cumple or indeterminado.';
COMMENT ON COLUMN rezago.v_territory_entry.e2_regional IS 'E2 regional poverty gap: half or more of its comunas among the poorest share of their own región (30% by default); NULL when unknown.';
COMMENT ON COLUMN rezago.v_territory_entry.e2_regional_label IS 'Spanish label of e2_regional: cumple, no cumple or indeterminado.';
COMMENT ON COLUMN rezago.v_territory_entry.e3_isolation IS 'E3 isolation: more than the methodology''s share (10% by default) of its comunas'' localities isolated; NULL when unknown.';
COMMENT ON COLUMN rezago.v_territory_entry.e3_isolation_label IS 'Spanish label of e3_isolation: cumple, no cumple or indeterminado.';
COMMENT ON COLUMN rezago.v_territory_entry.criteria_met IS 'Criteria known to be met (unknown ones are not counted).';
COMMENT ON COLUMN rezago.v_territory_entry.eligible IS 'Eligible: at least the methodology''s number of criteria met (2 by default); false when even the unknown ones could not reach it; NULL when undecided.';
COMMENT ON COLUMN rezago.v_territory_entry.eligible_label IS 'Spanish label of eligible: elegible, no elegible or elegibilidad indeterminada.';

CREATE VIEW rezago.v_programme_status WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), p AS MATERIALIZED (
    -- the exit stage needs the index variables, eligibility the entry inputs
    SELECT x.period FROM m, LATERAL rezago.index_periods(m.methodology) x
    UNION
    SELECT y.period FROM rezago.entry_periods() y
), s AS MATERIALIZED (
    SELECT p.period, x.* FROM m CROSS JOIN p
    CROSS JOIN LATERAL rezago.programme_status(p.period, m.methodology, NULL::date) x
)
SELECT m.methodology, s.period, make_date(s.period, 12, 31) AS as_of, s.territory, t.name AS territory_name,
       s.status, sl.label AS status_label, s.in_programme, s.decree, s.date_in, s.plan_end,
       s.kept_until_plan_end, s.eligible, s.criteria_met, s.exit_stage, xl.label AS exit_stage_label
FROM m
CROSS JOIN s
JOIN rezago.territory t ON t.code = s.territory
LEFT JOIN rezago.status_label sl ON sl.kind = 'programme_status' AND sl.code = s.status
LEFT JOIN rezago.status_label xl ON xl.kind = 'exit_stage' AND xl.code = s.exit_stage;
COMMENT ON VIEW rezago.v_programme_status IS
'Programme situation of every territory at the end of every period with index or entry data, under the default methodology: rezago.programme_status (as of 31 December of the period) with Spanish labels. A territory in the programme keeps its place until its plan ends (doc/method.md section 5). One row per territory and period. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_programme_status.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_programme_status.period IS 'Year of the data (index and entry inputs).';
COMMENT ON COLUMN rezago.v_programme_status.as_of IS 'Date the programme membership and plan are read at: 31 December of the period.';
COMMENT ON COLUMN rezago.v_programme_status.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_programme_status.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_programme_status.status IS 'in_programme, kept_until_plan_end (in the programme, no longer qualifying, plan still running), plan_ended, candidate (outside, eligible), not_eligible or eligibility_unknown.';
COMMENT ON COLUMN rezago.v_programme_status.status_label IS 'Spanish label of status (rezago.status_label), e.g. se mantiene hasta el fin de su plan.';
COMMENT ON COLUMN rezago.v_programme_status.in_programme IS 'True when declared by decree (rezago.programme_territory) on as_of and not out by then.';
COMMENT ON COLUMN rezago.v_programme_status.decree IS 'Decree that declared the territory; NULL outside the programme.';
COMMENT ON COLUMN rezago.v_programme_status.date_in IS 'Date the territory entered the programme.';
COMMENT ON COLUMN rezago.v_programme_status.plan_end IS 'End of its current territorial plan; NULL when unknown (the place is kept).';
COMMENT ON COLUMN rezago.v_programme_status.kept_until_plan_end IS 'In the programme, plan not ended, and no longer qualifying (not eligible, or exited): it keeps its place until plan_end; NULL when unknown.';
COMMENT ON COLUMN rezago.v_programme_status.eligible IS 'Entry eligibility in the period (rezago.territory_entry); NULL when undecided.';
COMMENT ON COLUMN rezago.v_programme_status.criteria_met IS 'Entry criteria known to be met.';
COMMENT ON COLUMN rezago.v_programme_status.exit_stage IS 'Exit stage in the period (rezago.territory_exit).';
COMMENT ON COLUMN rezago.v_programme_status.exit_stage_label IS 'Spanish label of exit_stage (rezago.status_label).';

CREATE VIEW rezago.v_territory_contiguity WITH (security_invoker = true) AS
WITH tol AS MATERIALIZED (
    SELECT rezago.default_contiguity_tolerance() AS tolerance_m
)
SELECT c.territory, t.name AS territory_name, c.members, c.components, c.contiguous,
       l.label AS contiguous_label, c.reason, tol.tolerance_m, c.detail
FROM tol
CROSS JOIN LATERAL rezago.territory_contiguity(tol.tolerance_m, NULL::text[]) c
JOIN rezago.territory t ON t.code = c.territory
LEFT JOIN rezago.status_label l ON l.kind = 'contiguity'
      AND l.code = CASE WHEN c.contiguous THEN 'contiguous' ELSE 'not_contiguous' END;
COMMENT ON VIEW rezago.v_territory_contiguity IS
'Whether each territory is a valid group of contiguous comunas (doc/method.md section 6): rezago.territory_contiguity at the tolerance rezago.default_contiguity_tolerance() (0 unless the setting rezago.contiguity_tolerance_m says otherwise), with a Spanish label and the reason when it is not. One row per territory. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_contiguity.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_contiguity.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_contiguity.members IS 'Member comunas (distinct).';
COMMENT ON COLUMN rezago.v_territory_contiguity.components IS 'Connected components of the members'' adjacency graph (1 = one connected group).';
COMMENT ON COLUMN rezago.v_territory_contiguity.contiguous IS 'True when the territory is valid: two or more members, all with a boundary, forming one component; never NULL.';
COMMENT ON COLUMN rezago.v_territory_contiguity.contiguous_label IS 'Spanish label: contiguo or no contiguo (rezago.status_label, kind contiguity).';
COMMENT ON COLUMN rezago.v_territory_contiguity.reason IS 'NULL when valid; otherwise every problem in words, e.g. the comunas cut off from the largest component.';
COMMENT ON COLUMN rezago.v_territory_contiguity.tolerance_m IS 'Adjacency tolerance used, in metres (adjacent = boundaries within this distance, or an explicit rezago.adjacency_link).';
COMMENT ON COLUMN rezago.v_territory_contiguity.detail IS 'jsonb: components (each connected component''s CUTs, largest first), unknown, without_geometry, null_entries, tolerance_m.';

--------------------------------------------------------------------------
-- Materialised copies for portals that poll often
--------------------------------------------------------------------------

-- Created empty (WITH NO DATA): a copy computed at CREATE EXTENSION time would
-- be empty yet look valid (and after a restore, stale).  Reading one before
-- rezago.refresh_portal_views() raises "has not been populated".
CREATE MATERIALIZED VIEW rezago.mv_comuna_index AS
    SELECT * FROM rezago.v_comuna_index WITH NO DATA;
CREATE UNIQUE INDEX mv_comuna_index_key ON rezago.mv_comuna_index (period, cut);
COMMENT ON MATERIALIZED VIEW rezago.mv_comuna_index IS
'Materialised copy of rezago.v_comuna_index (same columns), for portals that poll often: refresh it with SELECT rezago.refresh_portal_views() after loading data (concurrently: readers are not blocked). It holds the methodology that was the default of the session that refreshed it (column methodology). A snapshot: later changes of observations, methodologies, comunas or territories show only after the next refresh. Privileges are those of the materialised view itself, not of the tables.';
CREATE MATERIALIZED VIEW rezago.mv_territory_index AS
    SELECT * FROM rezago.v_territory_index WITH NO DATA;
CREATE UNIQUE INDEX mv_territory_index_key ON rezago.mv_territory_index (period, territory);
COMMENT ON MATERIALIZED VIEW rezago.mv_territory_index IS
'Materialised copy of rezago.v_territory_index (same columns): refresh it with SELECT rezago.refresh_portal_views(). It holds the methodology that was the default of the session that refreshed it. A snapshot: later changes show only after the next refresh. Privileges are those of the materialised view itself.';

-- the copies' columns carry the views' column comments
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT m.oid::regclass AS mv, a.attname, pg_catalog.col_description(v.oid, va.attnum) AS comment
        FROM pg_catalog.pg_class m
        JOIN pg_catalog.pg_class v ON v.relnamespace = m.relnamespace AND v.relname = 'v' || pg_catalog.substr(m.relname, 3)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = m.oid AND a.attnum > 0
        JOIN pg_catalog.pg_attribute va ON va.attrelid = v.oid AND va.attname = a.attname
        WHERE m.oid IN ('rezago.mv_comuna_index'::regclass, 'rezago.mv_territory_index'::regclass)
    LOOP
        EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', r.mv, r.attname, r.comment);
    END LOOP;
END
$$;

CREATE FUNCTION rezago.refresh_portal_views(concurrently boolean DEFAULT true)
RETURNS TABLE (materialized_view regclass, refreshed_concurrently boolean, rows bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- $1 by position: CONCURRENTLY is a keyword, so the name cannot stand alone in an expression
    want_concurrent boolean := $1;
    mv regclass;
    populated boolean;
BEGIN
    IF want_concurrent IS NULL THEN
        RAISE EXCEPTION 'refresh_portal_views: concurrently must not be NULL'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'The argument says whether readers may go on reading during the refresh.',
                  HINT = 'Call rezago.refresh_portal_views() or rezago.refresh_portal_views(false).';
    END IF;
    FOREACH mv IN ARRAY ARRAY['rezago.mv_comuna_index'::regclass, 'rezago.mv_territory_index'::regclass] LOOP
        SELECT c.relispopulated INTO populated FROM pg_catalog.pg_class c WHERE c.oid = mv;
        -- CONCURRENTLY needs a populated view: the first refresh is a plain one
        IF want_concurrent AND populated THEN
            EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', mv);
        ELSE
            EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW %s', mv);
        END IF;
        materialized_view := mv;
        refreshed_concurrently := want_concurrent AND populated;
        EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s', mv) INTO rows;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION rezago.refresh_portal_views(boolean) IS
'Refreshes rezago.mv_comuna_index and rezago.mv_territory_index under the caller''s default methodology, CONCURRENTLY (readers not blocked) unless concurrently => false or a view was never populated; returns each view, whether it was refreshed concurrently, and its rows. Must be run by the owner of the views (the role that created the extension), e.g. after each data load or from a scheduler. NULL argument: error 22004.';

--------------------------------------------------------------------------
-- Plans and investment (doc/method.md section 8)
--------------------------------------------------------------------------

CREATE TABLE rezago.investment_source (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    name    text NOT NULL,
    builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE rezago.investment_source IS 'Funding sources of the territorial plans'' investment: provision (Provisión Zonas Rezagadas, later Fondo de Convergencia), fndr and sectorial are built in; users may add their own.';
COMMENT ON COLUMN rezago.investment_source.code IS 'Stable identifier, e.g. provision.';
COMMENT ON COLUMN rezago.investment_source.name IS 'Name in Spanish, e.g. Provisión Zonas Rezagadas / Fondo de Convergencia.';
COMMENT ON COLUMN rezago.investment_source.builtin IS 'True for rows seeded by the extension (read-only).';
CREATE TRIGGER protect_builtin BEFORE INSERT OR UPDATE OR DELETE ON rezago.investment_source
    FOR EACH ROW EXECUTE FUNCTION rezago.protect_builtin_rows();
SET LOCAL rezago.allow_builtin_changes = 'on';
INSERT INTO rezago.investment_source (code, name, builtin) VALUES
    ('provision',  'Provisión Zonas Rezagadas / Fondo de Convergencia', true),
    ('fndr',       'Fondo Nacional de Desarrollo Regional (FNDR)', true),
    ('sectorial',  'Inversión sectorial', true);
RESET rezago.allow_builtin_changes;

CREATE TABLE rezago.plan (
    code         text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    territory    text NOT NULL REFERENCES rezago.territory (code) ON UPDATE CASCADE,
    name         text NOT NULL,
    period_start integer NOT NULL,
    period_end   integer NOT NULL,
    description  text,
    CHECK (period_end >= period_start)
);
CREATE INDEX plan_territory_idx ON rezago.plan (territory);
COMMENT ON TABLE rezago.plan IS 'Territorial plans (planes de desarrollo territorial) of the programme: one territory, a span of years, an investment portfolio in rezago.plan_investment.';
COMMENT ON COLUMN rezago.plan.code IS 'Stable identifier, e.g. arauco_2015.';
COMMENT ON COLUMN rezago.plan.territory IS 'Territory the plan is for (rezago.territory.code).';
COMMENT ON COLUMN rezago.plan.name IS 'Name of the plan.';
COMMENT ON COLUMN rezago.plan.period_start IS 'First year of the plan.';
COMMENT ON COLUMN rezago.plan.period_end IS 'Last year of the plan (>= period_start); a territory in the programme keeps its place until then (doc/method.md 5).';
COMMENT ON COLUMN rezago.plan.description IS 'Free text: source document, approval, notes.';

CREATE TABLE rezago.plan_investment (
    plan                text NOT NULL REFERENCES rezago.plan (code) ON UPDATE CASCADE ON DELETE CASCADE,
    source              text NOT NULL REFERENCES rezago.investment_source (code) ON UPDATE CASCADE,
    year                integer NOT NULL,
    amount_thousand_clp numeric NOT NULL
                        CONSTRAINT plan_investment_amount_valid
                        CHECK (amount_thousand_clp >= 0 AND amount_thousand_clp < 'Infinity' AND amount_thousand_clp <> 'NaN'),
    description         text,
    PRIMARY KEY (plan, source, year)
);
CREATE INDEX plan_investment_source_idx ON rezago.plan_investment (source);
COMMENT ON TABLE rezago.plan_investment IS 'Investment portfolio of each plan by funding source and year, in thousands of pesos (M$).';
COMMENT ON COLUMN rezago.plan_investment.plan IS 'Plan (rezago.plan.code).';
COMMENT ON COLUMN rezago.plan_investment.source IS 'Funding source (rezago.investment_source.code).';
COMMENT ON COLUMN rezago.plan_investment.year IS 'Budget year of the amount.';
COMMENT ON COLUMN rezago.plan_investment.amount_thousand_clp IS 'Amount in thousands of Chilean pesos (M$), >= 0, finite; exact numeric.';
COMMENT ON COLUMN rezago.plan_investment.description IS 'Free text: projects, budget line, notes.';

SELECT pg_catalog.pg_extension_config_dump('rezago.investment_source', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('rezago.plan', '');
SELECT pg_catalog.pg_extension_config_dump('rezago.plan_investment', '');

CREATE VIEW rezago.v_investment_by_plan WITH (security_invoker = true) AS
SELECT p.code AS plan, p.name AS plan_name, p.territory, t.name AS territory_name,
       p.period_start, p.period_end,
       coalesce(sum(i.amount_thousand_clp), 0) AS total_thousand_clp,
       coalesce(sum(i.amount_thousand_clp) FILTER (WHERE i.source = 'provision'), 0) AS provision_thousand_clp,
       coalesce(sum(i.amount_thousand_clp) FILTER (WHERE i.source = 'provision'), 0)
           / nullif(sum(i.amount_thousand_clp), 0) AS provision_share,
       count(DISTINCT i.source) AS sources,
       min(i.year) AS first_year, max(i.year) AS last_year
FROM rezago.plan p
JOIN rezago.territory t ON t.code = p.territory
LEFT JOIN rezago.plan_investment i ON i.plan = p.code
GROUP BY p.code, p.name, p.territory, t.name, p.period_start, p.period_end;
COMMENT ON VIEW rezago.v_investment_by_plan IS 'Investment of each plan: total, the part from the Provisión (source provision) and its share. One row per plan, plans without investment included (total 0). Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_investment_by_plan.plan IS 'Plan code.';
COMMENT ON COLUMN rezago.v_investment_by_plan.plan_name IS 'Plan name.';
COMMENT ON COLUMN rezago.v_investment_by_plan.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_investment_by_plan.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_investment_by_plan.period_start IS 'First year of the plan.';
COMMENT ON COLUMN rezago.v_investment_by_plan.period_end IS 'Last year of the plan.';
COMMENT ON COLUMN rezago.v_investment_by_plan.total_thousand_clp IS 'Total investment, thousands of pesos (M$).';
COMMENT ON COLUMN rezago.v_investment_by_plan.provision_thousand_clp IS 'Investment from the Provisión Zonas Rezagadas / Fondo de Convergencia (source provision), M$.';
COMMENT ON COLUMN rezago.v_investment_by_plan.provision_share IS 'provision_thousand_clp / total_thousand_clp (0..1); NULL when the total is 0.';
COMMENT ON COLUMN rezago.v_investment_by_plan.sources IS 'Number of funding sources with investment.';
COMMENT ON COLUMN rezago.v_investment_by_plan.first_year IS 'First year with investment.';
COMMENT ON COLUMN rezago.v_investment_by_plan.last_year IS 'Last year with investment.';

CREATE VIEW rezago.v_investment_by_source WITH (security_invoker = true) AS
SELECT s.code AS source, s.name AS source_name,
       coalesce(sum(i.amount_thousand_clp), 0) AS amount_thousand_clp,
       coalesce(sum(i.amount_thousand_clp), 0)
           / nullif((SELECT sum(a.amount_thousand_clp) FROM rezago.plan_investment a), 0) AS share,
       count(DISTINCT i.plan) AS plans,
       (SELECT count(*) FROM rezago.plan) AS plans_total,
       (SELECT coalesce(sum(a.amount_thousand_clp), 0) FROM rezago.plan_investment a) AS total_thousand_clp
FROM rezago.investment_source s
LEFT JOIN rezago.plan_investment i ON i.source = s.code
GROUP BY s.code, s.name;
COMMENT ON VIEW rezago.v_investment_by_source IS 'The whole portfolio by funding source: amount, share of the total, and plans funded. One row per source (sources without investment included, amount 0). Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_investment_by_source.source IS 'Funding source code.';
COMMENT ON COLUMN rezago.v_investment_by_source.source_name IS 'Funding source name in Spanish.';
COMMENT ON COLUMN rezago.v_investment_by_source.amount_thousand_clp IS 'Investment from this source over every plan and year, thousands of pesos (M$).';
COMMENT ON COLUMN rezago.v_investment_by_source.share IS 'amount_thousand_clp / total_thousand_clp (0..1); NULL when there is no investment.';
COMMENT ON COLUMN rezago.v_investment_by_source.plans IS 'Plans with investment from this source.';
COMMENT ON COLUMN rezago.v_investment_by_source.plans_total IS 'Plans in rezago.plan.';
COMMENT ON COLUMN rezago.v_investment_by_source.total_thousand_clp IS 'Investment of every plan from every source, M$ (the same on every row).';

CREATE VIEW rezago.v_investment_by_plan_source WITH (security_invoker = true) AS
SELECT p.code AS plan, p.name AS plan_name, p.territory, t.name AS territory_name,
       i.source, s.name AS source_name,
       sum(i.amount_thousand_clp) AS amount_thousand_clp,
       sum(i.amount_thousand_clp) / nullif(pt.total, 0) AS share_of_plan,
       min(i.year) AS first_year, max(i.year) AS last_year
FROM rezago.plan_investment i
JOIN rezago.plan p ON p.code = i.plan
JOIN rezago.territory t ON t.code = p.territory
JOIN rezago.investment_source s ON s.code = i.source
JOIN (SELECT a.plan, sum(a.amount_thousand_clp) AS total FROM rezago.plan_investment a GROUP BY a.plan) pt
  ON pt.plan = i.plan
GROUP BY p.code, p.name, p.territory, t.name, i.source, s.name, pt.total;
COMMENT ON VIEW rezago.v_investment_by_plan_source IS 'Investment of each plan by funding source, with the share of the plan''s total. One row per plan and source with investment. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.plan IS 'Plan code.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.plan_name IS 'Plan name.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.source IS 'Funding source code.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.source_name IS 'Funding source name in Spanish.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.amount_thousand_clp IS 'Investment of the plan from this source over all years, M$.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.share_of_plan IS 'amount_thousand_clp / the plan''s total (0..1).';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.first_year IS 'First year with investment from this source.';
COMMENT ON COLUMN rezago.v_investment_by_plan_source.last_year IS 'Last year with investment from this source.';

--------------------------------------------------------------------------
-- Access classes of this file's objects (see access.sql)
--------------------------------------------------------------------------

INSERT INTO rezago.access_rule (object_kind, object_name, access) VALUES
    ('routine',  'default_methodology',          'read'),
    ('routine',  'index_periods',                'read'),
    ('routine',  'index_status_label',           'read'),
    ('routine',  'criterion_value',              'read'),
    ('routine',  'comuna_contributions',         'read'),
    ('routine',  'territory_contributions',      'read'),
    ('routine',  'explain_territory',            'read'),
    ('relation', 'v_comuna_index',               'read'),
    ('relation', 'v_comuna_dimension_scores',    'read'),
    ('relation', 'v_territory_index',            'read'),
    ('relation', 'v_territory_dimension_scores', 'read'),
    ('relation', 'v_comuna_explanation',         'read'),
    ('relation', 'v_territory_explanation',      'read'),
    ('routine',  'entry_periods',                'read'),
    ('routine',  'default_contiguity_tolerance', 'read'),
    ('relation', 'v_territory_gaps',             'read'),
    ('relation', 'v_territory_exit',             'read'),
    ('relation', 'v_territory_entry',            'read'),
    ('relation', 'v_programme_status',           'read'),
    ('relation', 'v_territory_contiguity',       'read'),
    ('relation', 'mv_comuna_index',              'read'),
    ('relation', 'mv_territory_index',           'read'),
    ('routine',  'refresh_portal_views',         'admin'),
    -- (REFRESH needs the views' owner)
    ('relation', 'investment_source',            'methodology'),
    ('relation', 'plan',                         'edit'),
    ('relation', 'plan_investment',              'edit'),
    ('relation', 'v_investment_by_plan',         'read'),
    ('relation', 'v_investment_by_source',       'read'),
    ('relation', 'v_investment_by_plan_source',  'read');

-- this file's writers, grant helpers and triggers lose PUBLIC's EXECUTE
SELECT pg_catalog.count(*) FROM rezago.restrict_public_execute();
