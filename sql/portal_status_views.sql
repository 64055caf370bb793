-- Portal status views: v_territory_gaps, v_territory_exit, v_territory_entry,
-- v_programme_status and v_territory_contiguity, on the hand example
-- (test/fixtures/portal_hand.sql) with square boundaries, poverty and locality
-- data and a decree added below.  Every value shown is worked out by hand in
-- the comments; then each view is compared with the function it presents,
-- for every period, and its labels, comments and security_invoker checked.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
\i test/fixtures/portal_hand.sql
SET LOCAL rezago.default_methodology = 'toy';

-- boundaries: 0.5 degree squares, 101 102 103 north, 104 105 106 south
-- (as in sql/portal_maps.sql); regiones 7 (101-103) and 8 (104-106)
UPDATE rezago.comuna SET
  geom = ST_Multi(ST_MakeEnvelope(-72.5 + 0.5 * ((cut - 101) % 3), -36.5 - 0.5 * ((cut - 101) / 3),
                                  -72.0 + 0.5 * ((cut - 101) % 3), -36.0 - 0.5 * ((cut - 101) / 3), 4326)),
  region_code = CASE WHEN cut <= 103 THEN 7 ELSE 8 END
WHERE cut BETWEEN 101 AND 106;
-- a territory without members
INSERT INTO rezago.territory VALUES ('t3', 'Vacío', NULL);
-- entry inputs.  2020: poverty 101 .30, 102 .10, 103 .25, 104 .05, 105 .20,
-- 106 unknown; localities (isolated) 101 10 (1), 102 10 (0), 103 10 (3),
-- 104 10 (2), 105 10 (0), 106 5 (0).  2019: only the poverty of 101.
CREATE TEMP TABLE entry_inputs (cut int, variable text, period int, value float8);
INSERT INTO entry_inputs
SELECT x.cut, 'pobreza_ingresos', 2020, x.p FROM (VALUES (101, .30), (102, .10), (103, .25), (104, .05), (105, .20)) x(cut, p)
UNION ALL
SELECT x.cut, v.variable, 2020, CASE v.variable WHEN 'localidades' THEN x.loc ELSE x.iso END
FROM (VALUES (101, 10, 1), (102, 10, 0), (103, 10, 3), (104, 10, 2), (105, 10, 0), (106, 5, 0)) x(cut, loc, iso)
CROSS JOIN (VALUES ('localidades'), ('localidades_aisladas')) v(variable)
UNION ALL
SELECT 101, 'pobreza_ingresos', 2019, .20;
SELECT rezago.import_observations('entry_inputs');
-- entry parameters that make six comunas tell apart: the 2 poorest of the
-- country (E1), the poorest half of each región (E2)
UPDATE rezago.methodology SET entry_national_top = 2, entry_regional_share = 0.5 WHERE code = 'toy';
-- t1 entered the programme in 2019; its plan runs until mid-2022
INSERT INTO rezago.programme_territory (territory, decree, date_in, plan_end)
VALUES ('t1', 'Decreto de prueba N° 1', '2019-03-01', '2022-06-30');

-- periods: gaps and exit follow the index periods (2020, 2021); entry the
-- periods with entry inputs (2019, 2020); the programme both (2019-2021)
SELECT 'v_territory_gaps' AS view, count(*) AS rows, count(DISTINCT territory) AS territories,
       string_agg(DISTINCT period::text, ',') AS periods FROM rezago.v_territory_gaps
UNION ALL SELECT 'v_territory_exit', count(*), count(DISTINCT territory), string_agg(DISTINCT period::text, ',') FROM rezago.v_territory_exit
UNION ALL SELECT 'v_territory_entry', count(*), count(DISTINCT territory), string_agg(DISTINCT period::text, ',') FROM rezago.v_territory_entry
UNION ALL SELECT 'v_programme_status', count(*), count(DISTINCT territory), string_agg(DISTINCT period::text, ',') FROM rezago.v_programme_status
UNION ALL SELECT 'v_territory_contiguity', count(*), count(DISTINCT territory), NULL FROM rezago.v_territory_contiguity;

-- gaps, 2020: thresholds = national means: agrupaciones (10+20+30+50+30)/5 = 28,
-- participacion (40+60+60+60)/4 = 55, dependencia (80+20+50+20+50)/5 = 44,
-- gasto 100.  t1 = {101, 102}: agrupaciones 15 (gap 13), participacion 50
-- (gap 5), dependencia 50 (polarity -1: gap 50 - 44 = 6), gasto 100 (gap 0,
-- overcome).  t2 = {103, 104, 106}: 40 (-12), 60 (only 103; -5), 35 (-9),
-- 100 (0): all overcome.  2021: agrupaciones threshold 30, t1 50 (-20), t2
-- (10+10+30)/3 (13.33); dependencia 50, t1 20 (-30), t2 70 (20);
-- participacion and gasto have no data in 2021: not evaluated.  t3 has no
-- members: no gaps.
SELECT period, territory, variable, round(value::numeric, 4) AS value, threshold, threshold_source,
       threshold_source_label, round(gap::numeric, 4) AS gap, overcome, overcome_label
FROM rezago.v_territory_gaps ORDER BY period, territory, variable;

-- exit: 2020 t1 1 of 4 overcome (.25 < 1/3): lagging; t2 4 of 4: exited.
-- 2021: 2 of the 4 variables evaluated (= the minimum share .5): t1 2 of 2
-- exited, t2 0 of 2 lagging.  t3: nothing evaluated, insufficient_data.
SELECT period, territory, territory_name, variables, evaluated, overcome, share, stage, stage_label
FROM rezago.v_territory_exit ORDER BY period, territory;

-- entry, 2020.  National poverty ranks 101 (1), 103 (2), 105 (3), 102 (4),
-- 104 (5): E1 = half or more members in the top 2.  t1: 101 of {101, 102}:
-- met.  t2: 103 of {103, 104, 106}, 106 unknown: 1 or 2 of 3, unknown.
-- Regional ranks: región 7 101 (1), 103 (2), 102 (3) of 3, so rank <= 1.5;
-- región 8 105 (1), 104 (2) of 2, rank <= 1.  E2 t1: 101: met; t2: none,
-- with 106 at most 1 of 3: not met.  E3 (> 10% isolated): t1 1/20 = 5%:
-- not met; t2 (3+2+0)/(10+10+5) = 20%: met.  t1: 2 met, eligible; t2: 1 met,
-- E1 unknown could make 2: undecided.  t3: no members, all unknown.
-- 2019 (only 101 has a poverty rate): t1 E1 met (101 ranks 1, 102 unknown);
-- E2 101 is rank 1 of 1 > 0.5: not flagged, 102 unknown: unknown; E3 no
-- locality data: unknown; 1 met, undecided.  t2: nothing known.
SELECT period, territory, e1_national, e1_national_label, e2_regional, e2_regional_label,
       e3_isolation, e3_isolation_label, criteria_met, eligible, eligible_label
FROM rezago.v_territory_entry ORDER BY period, territory;

-- programme, as of 31 December.  t1 (in since 2019-03-01, plan to
-- 2022-06-30): 2019 undecided and no index data (insufficient_data): stays
-- in_programme, kept_until_plan_end unknown; 2020 eligible and lagging:
-- in_programme; 2021 exited (and eligibility unknown): kept until its plan
-- ends.  t2, t3 are outside, with undecided eligibility.
SELECT period, as_of, territory, status, status_label, in_programme, decree, date_in, plan_end,
       kept_until_plan_end, eligible, criteria_met, exit_stage, exit_stage_label
FROM rezago.v_programme_status ORDER BY period, territory;

-- contiguity at tolerance 0: t1 = two squares side by side; t2 = 103 and 106
-- (one above the other) and 104, two squares west of 106 (105 lies between):
-- two components, 104 cut off; t3 has no members
SELECT territory, territory_name, members, components, contiguous, contiguous_label, reason, tolerance_m,
       detail->'components' AS components_cuts
FROM rezago.v_territory_contiguity ORDER BY territory;
-- 104 and 106 are 0.5 degrees of longitude apart at 36.5-37 S, about
-- 0.5 * 111.3 km * cos(36.75) = 44.6 km: a 40 km tolerance leaves t2 broken,
-- 50 km joins it (the setting rezago.contiguity_tolerance_m)
SET LOCAL rezago.contiguity_tolerance_m = '40000';
SELECT territory, components, contiguous, contiguous_label, tolerance_m FROM rezago.v_territory_contiguity WHERE territory = 't2';
SET LOCAL rezago.contiguity_tolerance_m = ' 50000 ';
SELECT territory, components, contiguous, contiguous_label, tolerance_m FROM rezago.v_territory_contiguity WHERE territory = 't2';
SET LOCAL rezago.contiguity_tolerance_m = '';
SELECT rezago.default_contiguity_tolerance() AS empty_setting_is_0;
SAVEPOINT s;
SET LOCAL rezago.contiguity_tolerance_m = 'wide';
SELECT count(*) FROM rezago.v_territory_contiguity;
ROLLBACK TO s;
SAVEPOINT s;
SET LOCAL rezago.contiguity_tolerance_m = '-1';
SELECT count(*) FROM rezago.v_territory_contiguity;
ROLLBACK TO s;

-- an official threshold wins over the methodology's rule, in the gaps, the
-- exit stage and the explanations alike: agrupaciones 2021 at 12, t2's value
-- 16.67 overcomes it (gap -4.67), so t2 has 1 of 2 (.5): exit_started
INSERT INTO rezago.official_threshold (variable, period, value, source)
VALUES ('agrupaciones_sociales', 2021, 12, 'Resolución de prueba');
SELECT g.territory, g.threshold, g.threshold_source, g.threshold_source_label, round(g.gap::numeric, 4) AS gap,
       g.overcome_label, x.stage, x.stage_label, e.threshold AS explanation_threshold,
       round(e.gap::numeric, 4) AS explanation_gap
FROM rezago.v_territory_gaps g
JOIN rezago.v_territory_exit x USING (period, territory)
JOIN rezago.v_territory_explanation e USING (period, territory, variable)
WHERE g.period = 2021 AND g.variable = 'agrupaciones_sociales' ORDER BY g.territory;

-- the views present the functions, row for row, in every period (the
-- periods listed by hand above, not by the functions the views call)
SELECT count(*) AS gap_rows_differing
FROM rezago.v_territory_gaps v
FULL JOIN (SELECT p, x.* FROM (VALUES (2020), (2021)) y(p), LATERAL rezago.territory_gaps(p, 'toy') x) f
  ON f.p = v.period AND f.territory = v.territory AND f.variable = v.variable
WHERE v.period IS NULL OR f.p IS NULL OR v.value IS DISTINCT FROM f.value OR v.threshold IS DISTINCT FROM f.threshold
   OR v.gap IS DISTINCT FROM f.gap OR v.overcome IS DISTINCT FROM f.overcome;
SELECT count(*) AS threshold_sources_differing
FROM rezago.v_territory_gaps v
JOIN (SELECT p, x.* FROM (VALUES (2020), (2021)) y(p), LATERAL rezago.variable_thresholds(p, 'toy') x) f
  ON f.p = v.period AND f.variable = v.variable
WHERE v.threshold_source IS DISTINCT FROM f.source OR v.threshold IS DISTINCT FROM f.threshold;
SELECT count(*) AS exit_rows_differing
FROM rezago.v_territory_exit v
FULL JOIN (SELECT p, x.* FROM (VALUES (2020), (2021)) y(p), LATERAL rezago.territory_exit(p, 'toy') x) f
  ON f.p = v.period AND f.territory = v.territory
WHERE v.period IS NULL OR f.p IS NULL OR (v.evaluated, v.overcome, v.share, v.stage) IS DISTINCT FROM (f.evaluated, f.overcome, f.share, f.stage);
SELECT count(*) AS entry_rows_differing
FROM rezago.v_territory_entry v
FULL JOIN (SELECT p, x.* FROM (VALUES (2019), (2020)) y(p), LATERAL rezago.territory_entry(p, 'toy') x) f
  ON f.p = v.period AND f.territory = v.territory
WHERE v.period IS NULL OR f.p IS NULL
   OR (v.e1_national, v.e2_regional, v.e3_isolation, v.criteria_met, v.eligible)
      IS DISTINCT FROM (f.e1_national, f.e2_regional, f.e3_isolation, f.criteria_met, f.eligible);
SELECT count(*) AS programme_rows_differing
FROM rezago.v_programme_status v
FULL JOIN (SELECT p, x.* FROM (VALUES (2019), (2020), (2021)) y(p), LATERAL rezago.programme_status(p, 'toy', NULL::date) x) f
  ON f.p = v.period AND f.territory = v.territory
WHERE v.period IS NULL OR f.p IS NULL
   OR (v.status, v.in_programme, v.decree, v.date_in, v.plan_end, v.kept_until_plan_end, v.eligible, v.criteria_met, v.exit_stage)
      IS DISTINCT FROM (f.status, f.in_programme, f.decree, f.date_in, f.plan_end, f.kept_until_plan_end, f.eligible, f.criteria_met, f.exit_stage);
SELECT count(*) AS contiguity_rows_differing
FROM rezago.v_territory_contiguity v
FULL JOIN rezago.territory_contiguity(0) f ON f.territory = v.territory
WHERE v.territory IS NULL OR f.territory IS NULL
   OR (v.members, v.components, v.contiguous, v.detail, v.reason) IS DISTINCT FROM (f.members, f.components, f.contiguous, f.detail, f.reason);
-- the explanations' gaps are the gaps (both use rezago.variable_thresholds)
SELECT count(*) AS explanation_gaps_differing
FROM rezago.v_territory_gaps g JOIN rezago.v_territory_explanation e USING (period, territory, variable)
WHERE g.gap IS DISTINCT FROM e.gap OR g.threshold IS DISTINCT FROM e.threshold OR g.value IS DISTINCT FROM e.value
   OR g.overcome IS DISTINCT FROM e.overcome;

-- labels: every code the functions and views can return has a built-in
-- Spanish label of its kind (the list is written out here), and no row of a
-- view shows a code without its label
SELECT c.kind, c.code FROM (VALUES
    ('exit_stage', 'insufficient_data'), ('exit_stage', 'lagging'), ('exit_stage', 'exit_started'),
    ('exit_stage', 'exit_advanced'), ('exit_stage', 'exited'),
    ('programme_status', 'in_programme'), ('programme_status', 'kept_until_plan_end'), ('programme_status', 'plan_ended'),
    ('programme_status', 'candidate'), ('programme_status', 'not_eligible'), ('programme_status', 'eligibility_unknown'),
    ('criterion_value', 'met'), ('criterion_value', 'not_met'), ('criterion_value', 'unknown'),
    ('threshold_rule', 'official'), ('threshold_rule', 'mean'), ('threshold_rule', 'median'),
    ('threshold_rule', 'percentile'), ('threshold_rule', 'fixed'),
    ('index_status', 'scored'), ('index_status', 'incomplete'), ('index_status', 'no_data'), ('index_status', 'low_coverage'),
    ('gap_status', 'overcome'), ('gap_status', 'behind'), ('gap_status', 'not_evaluated'),
    ('contiguity', 'contiguous'), ('contiguity', 'not_contiguous')) c(kind, code)
LEFT JOIN rezago.status_label l ON l.code = c.code AND l.kind = c.kind AND l.builtin AND l.label <> ''
WHERE l.code IS NULL;
SELECT kind, string_agg(code || ' = ' || label, '; ' ORDER BY code) AS labels
FROM rezago.status_label WHERE kind IN ('index_status', 'gap_status', 'contiguity') GROUP BY kind ORDER BY kind;
SELECT (SELECT count(*) FROM rezago.v_territory_gaps WHERE overcome_label IS NULL OR threshold_source_label IS NULL)
     + (SELECT count(*) FROM rezago.v_territory_exit WHERE stage_label IS NULL)
     + (SELECT count(*) FROM rezago.v_territory_entry WHERE e1_national_label IS NULL OR e2_regional_label IS NULL
                                                        OR e3_isolation_label IS NULL OR eligible_label IS NULL)
     + (SELECT count(*) FROM rezago.v_programme_status WHERE status_label IS NULL OR exit_stage_label IS NULL)
     + (SELECT count(*) FROM rezago.v_territory_contiguity WHERE contiguous_label IS NULL) AS rows_without_label;
-- the percentile rule's source carries its p; its label is the rule's
UPDATE rezago.methodology SET threshold_rule = 'percentile', threshold_percentile = 0.25 WHERE code = 'toy';
SELECT DISTINCT threshold_source, threshold_source_label FROM rezago.v_territory_gaps ORDER BY 1;
UPDATE rezago.methodology SET threshold_rule = 'mean', threshold_percentile = NULL WHERE code = 'toy';
-- the label functions: index_status_label reads the table; criterion_value
-- is the code of a three-valued criterion
SELECT rezago.index_status_label('incomplete') AS incomplete, rezago.index_status_label('lagging') IS NULL AS other_kind,
       rezago.index_status_label(NULL) IS NULL AS null_code,
       rezago.criterion_value(true) AS t, rezago.criterion_value(false) AS f, rezago.criterion_value(NULL) AS n;
-- built-in labels are read-only
SAVEPOINT s;
UPDATE rezago.status_label SET label = 'x' WHERE code = 'scored';
ROLLBACK TO s;

-- every view and column has a comment and every view is security_invoker
-- (sql/portal_views.sql pins the column lists)
SELECT c.relname AS view, obj_description(c.oid, 'pg_class') IS NOT NULL AS commented,
       'security_invoker=true' = ANY (c.reloptions) AS security_invoker,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0) AS columns,
       (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
          AND col_description(c.oid, a.attnum) IS NOT NULL) AS commented_columns
FROM pg_class c
WHERE c.relnamespace = 'rezago'::regnamespace AND c.relname IN ('v_territory_gaps', 'v_territory_exit',
      'v_territory_entry', 'v_programme_status', 'v_territory_contiguity')
ORDER BY 1;
-- a reader without SELECT on the labels cannot read the views (they run with
-- the reader's privileges), instead of seeing rows without labels
CREATE ROLE rezago_status_test_reader;
GRANT USAGE ON SCHEMA rezago TO rezago_status_test_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA rezago TO rezago_status_test_reader;
REVOKE SELECT ON rezago.status_label FROM rezago_status_test_reader;
SET LOCAL ROLE rezago_status_test_reader;
SELECT count(*) AS contiguity_rows_without_labels_table FROM rezago.territory_contiguity(0);
SAVEPOINT s;
SELECT count(*) FROM rezago.v_territory_contiguity;
ROLLBACK TO s;
RESET ROLE;

-- an unknown default methodology is an error, not an empty view
SAVEPOINT s;
SET LOCAL rezago.default_methodology = 'nope';
SELECT count(*) FROM rezago.v_territory_exit;
ROLLBACK TO s;
ROLLBACK;
