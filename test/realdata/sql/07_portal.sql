-- Portal views, explanations and maps on the real data loaded by 01_load and
-- 02_index (BCN comunas, SINIM 2019-2023, methodology sinim4, one territory
-- per provincia), checked against plain-SQL oracles.  The portal's default
-- methodology is set to sinim4 for this session.
SET extra_float_digits = 0;
SET rezago.default_methodology = 'sinim4';
BEGIN;

-- the views cover every period with data: 346 comunas and 55 provinces a year
SELECT period, count(*) AS comunas, count(index) AS with_index, max(ranked) AS ranked,
       count(*) FILTER (WHERE index_status = 'scored') AS scored,
       count(*) FILTER (WHERE index_status = 'incomplete') AS incomplete,
       count(*) FILTER (WHERE index_status = 'no_data') AS no_data
FROM rezago.v_comuna_index GROUP BY period ORDER BY period;
SELECT period, count(*) AS territories, count(index) AS with_index
FROM rezago.v_territory_index WHERE territory LIKE 'prov\_%' GROUP BY period ORDER BY period;

-- the views agree with the functions, and rank_change with an oracle that
-- ranks the previous period itself
SELECT count(*) AS comuna_rows_differing
FROM rezago.v_comuna_index v
JOIN (SELECT p, ci.* FROM generate_series(2019, 2023) p, LATERAL rezago.comuna_index(p, 'sinim4') ci) f
  ON f.p = v.period AND f.cut = v.cut
WHERE v.index IS DISTINCT FROM f.index OR v.rank IS DISTINCT FROM f.rank;
WITH o AS (
    SELECT p AS period, ti.territory, ti.rank,
           lag(ti.rank) OVER (PARTITION BY ti.territory ORDER BY p) AS previous_rank
    FROM generate_series(2019, 2023) p, LATERAL rezago.territory_index(p, 'sinim4') ti
)
SELECT count(*) AS territories_checked,
       count(*) FILTER (WHERE v.rank IS DISTINCT FROM o.rank
                          OR v.rank_change IS DISTINCT FROM o.previous_rank - o.rank) AS rank_change_differing
FROM rezago.v_territory_index v JOIN o USING (period, territory);

-- explanations: for every comuna and territory with an index, in every
-- period, the contributions sum to the index (1e-12) and the weights to 1
SELECT period, count(*) AS comunas,
       count(*) FILTER (WHERE abs(c - index) > 1e-12) AS contribution_sum_off,
       count(*) FILTER (WHERE abs(w - 1) > 1e-12) AS weight_sum_off
FROM (SELECT period, cut, min(index) AS index, sum(contribution) AS c, sum(effective_weight) AS w
      FROM rezago.v_comuna_explanation WHERE index IS NOT NULL GROUP BY period, cut) x
GROUP BY period ORDER BY period;
SELECT period, count(*) AS territories,
       count(*) FILTER (WHERE abs(c - index) > 1e-12) AS contribution_sum_off,
       count(*) FILTER (WHERE abs(w - 1) > 1e-12) AS weight_sum_off
FROM (SELECT period, territory, min(index) AS index, sum(contribution) AS c, sum(effective_weight) AS w
      FROM rezago.v_territory_explanation WHERE index IS NOT NULL GROUP BY period, territory) x
GROUP BY period ORDER BY period;

-- thresholds (national mean of comuna values), territory values (mean of the
-- members' values) and gaps, against the plain-SQL oracle
\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all
WITH o AS (
    SELECT p AS period, g.* FROM generate_series(2019, 2023) p
    CROSS JOIN LATERAL oracle.territory_gaps(p, 'sinim4') g
)
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE abs(e.threshold - o.threshold) > 1e-9 * abs(o.threshold)) AS threshold_differing,
       count(*) FILTER (WHERE e.value IS DISTINCT FROM o.value AND abs(e.value - o.value) > 1e-9 * abs(o.value)) AS value_differing,
       count(*) FILTER (WHERE abs(e.gap - o.gap) > 1e-9 * abs(o.threshold)) AS gap_differing,
       count(*) FILTER (WHERE e.overcome IS DISTINCT FROM (e.gap <= 0)) AS overcome_differing
FROM rezago.v_territory_explanation e
JOIN o USING (period, territory, variable)
WHERE o.threshold IS NOT NULL;

-- Arauco (provincia 82) in 2023: why its index is what it is
SELECT variable_name, round(value::numeric, 3) AS value, round(threshold::numeric, 3) AS threshold,
       round(gap::numeric, 3) AS gap, overcome, round(score::numeric, 4) AS score,
       round(effective_weight::numeric, 4) AS weight, round(contribution::numeric, 4) AS contribution,
       round(contribution_share::numeric, 3) AS share, is_weakest, is_strongest
FROM rezago.explain_territory('prov_82', 2023);
SELECT DISTINCT round(index::numeric, 6) AS index, rank, previous_period, previous_rank, rank_change
FROM rezago.explain_territory('prov_82', 2023);

-- materialised copies equal the views after a refresh
SELECT materialized_view, rows FROM rezago.refresh_portal_views();
SELECT (SELECT count(*) FROM (SELECT * FROM rezago.mv_comuna_index EXCEPT SELECT * FROM rezago.v_comuna_index) a)
     + (SELECT count(*) FROM (SELECT * FROM rezago.mv_territory_index EXCEPT SELECT * FROM rezago.v_territory_index) b)
     AS rows_differing;

-- maps: 345 comunas with a boundary (Antártica has none); 55 provinces
SELECT jsonb_array_length(g->'features') AS features,
       count(*) FILTER (WHERE f->'properties'->>'index' IS NOT NULL) AS with_index,
       min((f->'properties'->>'period')::int) AS period
FROM rezago.geojson('comuna', 2023) g, jsonb_array_elements(g->'features') f GROUP BY g;
SELECT count(*) FILTER (WHERE id LIKE 'prov\_%') AS provinces,
       count(*) FILTER (WHERE NOT ST_IsEmpty(geom)) AS with_geometry
FROM rezago.map_features('territory', 2023);
-- tiles: the world, Chile's 4/4/9 (Santiago to Puerto Montt) and 4/4/8 (the
-- north) hold comunas; the Pacific (4/0/9) and Europe (4/8/5) are empty
SELECT length(rezago.comuna_tiles(0, 0, 0)) > 0 AS world, length(rezago.comuna_tiles(4, 4, 9)) > 0 AS centre_south,
       length(rezago.comuna_tiles(4, 4, 8)) > 0 AS north, length(rezago.comuna_tiles(4, 0, 9)) AS pacific_bytes,
       length(rezago.comuna_tiles(4, 8, 5)) AS europe_bytes,
       position('Arauco'::bytea IN rezago.comuna_tiles(4, 4, 9)) > 0 AS has_arauco,
       position('Arauco'::bytea IN rezago.territory_tiles(4, 4, 9)) > 0 AS territories_have_arauco;
-- the SVG of the whole country: one path per comuna, less Isla de Pascua (5201)
-- and Juan Fernández (5104), clipped as oceanic islands
SELECT xml_is_well_formed_document(s) AS well_formed,
       (SELECT count(*) FROM regexp_matches(s, '<path ', 'g')) AS paths,
       position('Isla de Pascua' IN s) = 0 AS no_pascua,
       (SELECT count(*) FROM regexp_matches(rezago.svg_map('comuna', 2023, insular => true), '<path ', 'g')) AS paths_with_islands
FROM rezago.svg_map('comuna', 2023) s;
-- status views (gaps, exit, entry, programme, contiguity) present the
-- functions of the status and territories work, which 03_contiguity and
-- 04_status check against oracles, for every period, with a label on
-- every row.  Gaps also equal the explanations' (checked against plain SQL
-- above) to 1e-12.
SELECT count(*) AS gap_rows, count(DISTINCT period) AS periods,
       count(*) FILTER (WHERE abs(g.gap - e.gap) > 1e-12 * greatest(1, abs(e.threshold))
                          OR (g.gap IS NULL) <> (e.gap IS NULL)
                          OR g.overcome IS DISTINCT FROM e.overcome) AS differing_from_explanation,
       count(*) FILTER (WHERE g.threshold_source <> 'mean') AS not_mean,
       count(*) FILTER (WHERE g.overcome_label IS NULL OR g.threshold_source_label IS NULL) AS without_label
FROM rezago.v_territory_gaps g JOIN rezago.v_territory_explanation e USING (period, territory, variable);
SELECT count(*) AS gap_rows_differing
FROM rezago.v_territory_gaps v
FULL JOIN (SELECT p, x.* FROM generate_series(2019, 2023) p, LATERAL rezago.territory_gaps(p, 'sinim4') x) f
  ON f.p = v.period AND f.territory = v.territory AND f.variable = v.variable
WHERE v.period IS NULL OR f.p IS NULL
   OR (v.value, v.threshold, v.gap, v.overcome) IS DISTINCT FROM (f.value, f.threshold, f.gap, f.overcome);
SELECT count(*) AS exit_rows, count(*) FILTER (WHERE v.stage_label IS NULL) AS without_label,
       count(*) FILTER (WHERE f.territory IS NULL OR (v.evaluated, v.overcome, v.share, v.stage)
                        IS DISTINCT FROM (f.evaluated, f.overcome, f.share, f.stage)) AS differing
FROM rezago.v_territory_exit v
LEFT JOIN LATERAL rezago.territory_exit(v.period, 'sinim4') f ON f.territory = v.territory;
SELECT stage_label, count(*) AS provinces FROM rezago.v_territory_exit
WHERE period = 2023 AND territory LIKE 'prov\_%' GROUP BY stage_label ORDER BY 2 DESC, 1;

-- entry: with the poverty estimates 2017, 2020, 2022 (no isolation data, so
-- E3 is unknown everywhere); Arauco (prov_82) declared, for the programme view
\i ../fixtures/stage_poverty.sql
CREATE TEMP TABLE poverty_staging AS
SELECT cut_comuna AS cut, 'pobreza_ingresos' AS variable, period, pobreza AS value FROM sae;
SELECT rezago.import_observations('poverty_staging');
SELECT v.period, count(*) AS territories, count(*) FILTER (WHERE v.e3_isolation IS NOT NULL) AS e3_known,
       count(*) FILTER (WHERE v.e3_isolation_label <> 'indeterminado') AS e3_label_not_unknown,
       count(*) FILTER (WHERE f.territory IS NULL OR (v.e1_national, v.e2_regional, v.e3_isolation, v.criteria_met, v.eligible)
                        IS DISTINCT FROM (f.e1_national, f.e2_regional, f.e3_isolation, f.criteria_met, f.eligible)) AS differing,
       string_agg(DISTINCT v.eligible_label, ', ') AS eligible_labels
FROM rezago.v_territory_entry v
LEFT JOIN LATERAL rezago.territory_entry(v.period, 'sinim4') f ON f.territory = v.territory
GROUP BY v.period ORDER BY v.period;
INSERT INTO rezago.programme_territory (territory, decree, date_in, plan_end)
VALUES ('prov_82', 'decreto de prueba (illustrative)', '2014-06-01', '2021-12-31');
SELECT count(*) AS programme_rows, count(DISTINCT period) AS periods,
       count(*) FILTER (WHERE v.status_label IS NULL OR v.exit_stage_label IS NULL) AS without_label,
       count(*) FILTER (WHERE f.territory IS NULL
                           OR (v.status, v.in_programme, v.kept_until_plan_end, v.eligible, v.exit_stage)
                              IS DISTINCT FROM (f.status, f.in_programme, f.kept_until_plan_end, f.eligible, f.exit_stage)) AS differing
FROM rezago.v_programme_status v
LEFT JOIN LATERAL rezago.programme_status(v.period, 'sinim4', NULL::date) f ON f.territory = v.territory;
-- Arauco: in the programme until its plan ends (2021), then plan_ended
SELECT period, status, status_label, eligible, exit_stage_label
FROM rezago.v_programme_status WHERE territory = 'prov_82' ORDER BY period;

-- contiguity: the view at tolerance 0 (the default), then at the setting
-- rezago.contiguity_tolerance_m = 150 (the value 03_contiguity recommends
-- for this simplified file); it presents rezago.territory_contiguity, and
-- every province it calls broken says why
SELECT count(*) AS territories, count(*) FILTER (WHERE contiguous) AS contiguous,
       count(*) FILTER (WHERE NOT contiguous AND reason IS NULL) AS broken_without_reason,
       min(tolerance_m) AS tolerance_m
FROM rezago.v_territory_contiguity WHERE territory LIKE 'prov\_%';
SET LOCAL rezago.contiguity_tolerance_m = 150;
SELECT count(*) AS territories, count(*) FILTER (WHERE v.contiguous) AS contiguous, min(v.tolerance_m) AS tolerance_m,
       count(*) FILTER (WHERE (v.components, v.contiguous, v.reason, v.detail) IS DISTINCT FROM (f.components, f.contiguous, f.reason, f.detail)) AS differing
FROM rezago.v_territory_contiguity v JOIN rezago.territory_contiguity(150) f USING (territory)
WHERE v.territory LIKE 'prov\_%';
-- the four still broken are cut by the sea (or Antártica has no boundary):
-- they need rezago.adjacency_link rows (ferries, bridges), as in 03_contiguity
SELECT territory, territory_name, contiguous_label, reason
FROM rezago.v_territory_contiguity WHERE territory LIKE 'prov\_%' AND NOT contiguous ORDER BY territory;
ROLLBACK;
RESET rezago.default_methodology;
