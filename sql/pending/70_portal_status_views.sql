/*
 * PENDING portal views over the functions of issues 3 (territories and
 * contiguity) and 4 (entry and exit status), which are not on main yet.
 * Written against the signatures announced for them:
 *   rezago.territory_contiguity(tolerance_m double precision)
 *       -> (territory, members, components, contiguous, detail)
 *   rezago.territory_gaps(period integer, methodology text)
 *       -> (territory, variable, value, threshold, gap, overcome)
 *   rezago.territory_exit(period integer, methodology text)
 *       -> (territory, evaluated, overcome, share, stage)
 *   rezago.territory_entry(period integer, methodology text)
 *       -> (territory, e1_national, e2_regional, e3_isolation, criteria_met, eligible)
 *   rezago.programme_status(period integer, methodology text) -> (territory, status, ...)
 *   a Spanish labels table for status codes, assumed rezago.status_label(code, label)
 * When they land: append this file to sql/update-0.2.0/70_portal.sql (adapt
 * the names marked ADAPT if they differ), then in 70_portal.sql
 *   - SWITCH(issue 4): rezago.portal_variable_thresholds -> rezago.variable_thresholds,
 *     and read the labels of rezago.index_status_label from the labels table;
 *   - SWITCH(issue 3): rezago.territory_union_geom -> the cached territory geometry.
 * sql/portal_pending.sql checks this file against stand-ins of the announced
 * functions until the real ones exist, and against the real ones after.
 * Stable views: columns are only ever added at the end.
 */

CREATE VIEW rezago.v_territory_gaps WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), g AS MATERIALIZED (
    SELECT p.period, x.* FROM m
    CROSS JOIN LATERAL rezago.index_periods(m.methodology) p
    CROSS JOIN LATERAL rezago.territory_gaps(p.period, m.methodology) x
)
SELECT m.methodology, g.period, g.territory, t.name AS territory_name, g.variable, v.name AS variable_name,
       v.dimension, d.name AS dimension_name, v.unit, v.polarity, g.value, g.threshold, g.gap, g.overcome,
       CASE WHEN g.overcome THEN 'Brecha superada' WHEN NOT g.overcome THEN 'Brecha pendiente' ELSE 'Sin datos' END
           AS overcome_label
FROM m CROSS JOIN g
JOIN rezago.territory t ON t.code = g.territory
JOIN rezago.variable v ON v.code = g.variable
JOIN rezago.dimension d ON d.code = v.dimension;
COMMENT ON VIEW rezago.v_territory_gaps IS 'Gap (brecha) of every territory in every variable of the default methodology and every period with data (METHOD.md section 4): territory value (mean of its members), threshold (umbral), gap = polarity * (threshold - value) and whether it is overcome. Stable: columns are only ever added at the end.';
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
COMMENT ON COLUMN rezago.v_territory_gaps.value IS 'Territory value: mean of its members'' raw values.';
COMMENT ON COLUMN rezago.v_territory_gaps.threshold IS 'Threshold (umbral) of the variable in the period.';
COMMENT ON COLUMN rezago.v_territory_gaps.gap IS 'polarity * (threshold - value): positive = still behind, <= 0 = overcome.';
COMMENT ON COLUMN rezago.v_territory_gaps.overcome IS 'True when the gap is overcome (gap <= 0); NULL without data.';
COMMENT ON COLUMN rezago.v_territory_gaps.overcome_label IS 'Spanish label of overcome.';

CREATE VIEW rezago.v_territory_exit WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), e AS MATERIALIZED (
    SELECT p.period, x.* FROM m
    CROSS JOIN LATERAL rezago.index_periods(m.methodology) p
    CROSS JOIN LATERAL rezago.territory_exit(p.period, m.methodology) x
)
SELECT m.methodology, e.period, e.territory, t.name AS territory_name, e.evaluated, e.overcome, e.share,
       e.stage, l.label AS stage_label                              -- ADAPT: labels table and columns
FROM m CROSS JOIN e
JOIN rezago.territory t ON t.code = e.territory
LEFT JOIN rezago.status_label l ON l.code = e.stage;
COMMENT ON VIEW rezago.v_territory_exit IS 'Exit (egreso) stage of every territory in every period with data, under the default methodology (METHOD.md section 4): variables evaluated and overcome, their share, the stage code and its Spanish label. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_exit.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_territory_exit.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_territory_exit.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_exit.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_exit.evaluated IS 'Variables with a territory value and a threshold.';
COMMENT ON COLUMN rezago.v_territory_exit.overcome IS 'Evaluated variables whose gap is overcome.';
COMMENT ON COLUMN rezago.v_territory_exit.share IS 'overcome / evaluated.';
COMMENT ON COLUMN rezago.v_territory_exit.stage IS 'lagging, exit_started, exit_advanced, exited or insufficient_data.';
COMMENT ON COLUMN rezago.v_territory_exit.stage_label IS 'Spanish label of stage.';

CREATE VIEW rezago.v_territory_entry WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), p AS MATERIALIZED (
    -- entry uses the programme inputs (context variables), not the index variables
    SELECT DISTINCT o.period FROM rezago.observation o
    WHERE o.variable IN ('pobreza_ingresos', 'localidades', 'localidades_aisladas') AND o.value IS NOT NULL
), e AS MATERIALIZED (
    SELECT p.period, x.* FROM m CROSS JOIN p
    CROSS JOIN LATERAL rezago.territory_entry(p.period, m.methodology) x
)
SELECT m.methodology, e.period, e.territory, t.name AS territory_name,
       e.e1_national, e.e2_regional, e.e3_isolation, e.criteria_met, e.eligible,
       CASE WHEN e.eligible THEN 'Elegible' WHEN NOT e.eligible THEN 'No elegible' ELSE 'Indeterminado (faltan datos)' END
           AS eligible_label
FROM m CROSS JOIN e
JOIN rezago.territory t ON t.code = e.territory;
COMMENT ON VIEW rezago.v_territory_entry IS 'Entry criteria of every territory in every period with poverty or isolation data, under the default methodology (METHOD.md section 5): E1 national poverty gap, E2 regional poverty gap, E3 isolation (NULL = unknown), criteria met and eligibility. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_entry.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_territory_entry.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_territory_entry.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_entry.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_entry.e1_national IS 'E1: half or more of its comunas among the poorest of the country; NULL when missing data could change it.';
COMMENT ON COLUMN rezago.v_territory_entry.e2_regional IS 'E2: half or more of its comunas among the poorest of their región; NULL when unknown.';
COMMENT ON COLUMN rezago.v_territory_entry.e3_isolation IS 'E3: more than the methodology''s share of its localities isolated; NULL when unknown.';
COMMENT ON COLUMN rezago.v_territory_entry.criteria_met IS 'Criteria known to be met.';
COMMENT ON COLUMN rezago.v_territory_entry.eligible IS 'Eligible: at least the methodology''s number of criteria met (default 2); NULL when undecided.';
COMMENT ON COLUMN rezago.v_territory_entry.eligible_label IS 'Spanish label of eligible.';

CREATE VIEW rezago.v_programme_status WITH (security_invoker = true) AS
WITH m AS MATERIALIZED (
    SELECT rezago.default_methodology() AS methodology
), s AS MATERIALIZED (
    SELECT p.period, x.territory, x.status FROM m                  -- ADAPT: columns of programme_status
    CROSS JOIN LATERAL rezago.index_periods(m.methodology) p
    CROSS JOIN LATERAL rezago.programme_status(p.period, m.methodology) x
)
SELECT m.methodology, s.period, s.territory, t.name AS territory_name, s.status, l.label AS status_label
FROM m CROSS JOIN s
JOIN rezago.territory t ON t.code = s.territory
LEFT JOIN rezago.status_label l ON l.code = s.status;
COMMENT ON VIEW rezago.v_programme_status IS 'Programme status of every territory in every period with data, under the default methodology: the status code and its Spanish label. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_programme_status.methodology IS 'Methodology code the numbers follow.';
COMMENT ON COLUMN rezago.v_programme_status.period IS 'Year the data refer to.';
COMMENT ON COLUMN rezago.v_programme_status.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_programme_status.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_programme_status.status IS 'Programme status code.';
COMMENT ON COLUMN rezago.v_programme_status.status_label IS 'Spanish label of status.';

CREATE VIEW rezago.v_territory_contiguity WITH (security_invoker = true) AS
SELECT c.territory, t.name AS territory_name, c.members, c.components, c.contiguous,
       CASE WHEN c.contiguous THEN 'Contiguo' WHEN NOT c.contiguous THEN 'No contiguo' ELSE 'Sin datos' END
           AS contiguous_label,
       c.detail
FROM rezago.territory_contiguity(0) c                                  -- tolerance 0: the geometries touch
JOIN rezago.territory t ON t.code = c.territory;
COMMENT ON VIEW rezago.v_territory_contiguity IS 'Whether each territory is contiguous (METHOD.md section 6), at tolerance 0, with its members, connected components and the detail of what breaks it. Stable: columns are only ever added at the end.';
COMMENT ON COLUMN rezago.v_territory_contiguity.territory IS 'Territory code.';
COMMENT ON COLUMN rezago.v_territory_contiguity.territory_name IS 'Territory name.';
COMMENT ON COLUMN rezago.v_territory_contiguity.members IS 'Member comunas.';
COMMENT ON COLUMN rezago.v_territory_contiguity.components IS 'Connected components of the members'' adjacency graph (1 = contiguous).';
COMMENT ON COLUMN rezago.v_territory_contiguity.contiguous IS 'True when the territory is valid: two or more members forming one component.';
COMMENT ON COLUMN rezago.v_territory_contiguity.contiguous_label IS 'Spanish label of contiguous.';
COMMENT ON COLUMN rezago.v_territory_contiguity.detail IS 'What breaks the territory, e.g. the members of each component.';
