-- The programme: territories declared by decree, programme_status (in the
-- programme, eligible, beginning exit, kept until the plan ends),
-- most_lagged (the decree list) and the Spanish labels of every status code.
-- Every expected value is worked out by hand in the comments; the localities
-- are left out on purpose (E3 unknown everywhere).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
-- toy methodology: one variable in each of two dimensions; entry: the 2
-- poorest nationally, the poorest half of each región, 2 criteria
INSERT INTO rezago.methodology (code, name, entry_national_top, entry_regional_share)
VALUES ('toy', 'hand example', 2, 0.5);
INSERT INTO rezago.methodology_dimension VALUES ('toy', 'capital_social', 1), ('toy', 'capital_institucional', 1);
INSERT INTO rezago.methodology_variable (methodology, variable) VALUES
  ('toy', 'agrupaciones_sociales'), ('toy', 'gasto_municipal');
INSERT INTO rezago.comuna (cut, name, region_code)
SELECT 100 + i, 'Comuna ' || i, 1 FROM generate_series(1, 8) i;
CREATE TEMP TABLE staging (cut int, variable text, period int, value float8);
INSERT INTO staging VALUES
  -- poverty: national ranks 1..7, 108 without data; región of 7: ranks 1-3 in (<= 0.5)
  (101, 'pobreza_ingresos', 2022, 0.40), (102, 'pobreza_ingresos', 2022, 0.35),
  (103, 'pobreza_ingresos', 2022, 0.30), (104, 'pobreza_ingresos', 2022, 0.25),
  (105, 'pobreza_ingresos', 2022, 0.20), (106, 'pobreza_ingresos', 2022, 0.15),
  (107, 'pobreza_ingresos', 2022, 0.10),
  -- agrupaciones: min 0, max 30, mean 15; lag scores (30 - x)/30
  (101, 'agrupaciones_sociales', 2022, 10), (102, 'agrupaciones_sociales', 2022, 30),
  (103, 'agrupaciones_sociales', 2022, 10), (104, 'agrupaciones_sociales', 2022, 30),
  (105, 'agrupaciones_sociales', 2022, 20), (106, 'agrupaciones_sociales', 2022, 20),
  (107, 'agrupaciones_sociales', 2022, 0),  (108, 'agrupaciones_sociales', 2022, 0);
-- gasto constant: lag score 0 everywhere, threshold 100 overcome everywhere
INSERT INTO staging SELECT 100 + i, 'gasto_municipal', 2022, 100 FROM generate_series(1, 8) i;
SELECT rezago.import_observations('staging');
INSERT INTO rezago.territory (code, name) VALUES
  ('p1', 'Uno'), ('p2', 'Dos'), ('p3', 'Tres'), ('p4', 'Cuatro'), ('p5', 'Cinco (= Uno)'), ('p6', 'Seis (= Tres)');
INSERT INTO rezago.territory_member VALUES
  ('p1', 101), ('p1', 103), ('p2', 102), ('p2', 104), ('p3', 105), ('p3', 106),
  ('p4', 107), ('p4', 108), ('p5', 101), ('p5', 103), ('p6', 105), ('p6', 106);

-- index: p1 (0.667 + 0)/2 = 1/3, p2 0, p3 1/6, p4 1/2, p5 1/3, p6 1/6
SELECT territory, round(index::numeric, 6) AS index, rank FROM rezago.territory_index(2022, 'toy');
-- entry: p1 E1 1/2 (101), E2 2/2 -> eligible; p2 E1 1/2 (102), E2 1/2 (104: 4/7 > 0.5) -> eligible;
-- p3 0/2, 0/2 -> not eligible; p4 E1 0 + 108 unknown, E2 0 + unknown -> undecided
SELECT * FROM rezago.territory_entry(2022, 'toy');
-- exit (threshold agr 15): p1 10 behind, gasto overcome -> 1/2 exit_started;
-- p2 30, p3 20 -> exited; p4 0 -> exit_started
SELECT * FROM rezago.territory_exit(2022, 'toy');

-- the programme
INSERT INTO rezago.programme_territory (territory, decree, date_in, plan_end, date_out) VALUES
  ('p1', 'Decreto 1 (synthetic)', '2019-06-01', '2024-12-31', NULL),
  ('p2', 'Decreto 1 (synthetic)', '2019-06-01', '2023-06-30', NULL),
  ('p3', 'Decreto 1 (synthetic)', '2015-01-01', '2021-12-31', NULL),
  ('p4', 'Decreto 2 (synthetic)', '2023-03-01', NULL, NULL),
  ('p6', 'Decreto 0 (synthetic)', '2014-01-01', '2018-12-31', '2020-12-31');
-- as of 31 December 2022 (the default):
-- p1 in the programme, eligible, exit started: in_programme
-- p2 in the programme, exited (no longer qualifies), plan until 2023-06-30: kept_until_plan_end
-- p3 in the programme, plan ended 2021-12-31: plan_ended
-- p4 enters in 2023: not yet; eligibility unknown
-- p5 not in the programme, eligible: candidate
-- p6 left in 2020, not eligible: not_eligible
SELECT * FROM rezago.programme_status(2022, 'toy');
-- as of 30 June 2023: p4 is in, eligibility unknown and not exited, so
-- whether it is kept only by its plan is unknown (NULL); p2 still kept
SELECT territory, in_programme, eligible, exit_stage, kept_until_plan_end, status
FROM rezago.programme_status(2022, 'toy', '2023-06-30') WHERE territory IN ('p2', 'p4');
-- one day later p2's plan has ended
SELECT territory, kept_until_plan_end, status
FROM rezago.programme_status(2022, 'toy', '2023-07-01') WHERE territory = 'p2';
-- a territory in the programme cannot be deleted; checks on the table
SAVEPOINT s;
DELETE FROM rezago.territory WHERE code = 'p1';
ROLLBACK TO s;
INSERT INTO rezago.programme_territory (territory, decree, date_in, plan_end) VALUES ('p5', 'D', '2020-01-01', '2019-01-01');
ROLLBACK TO s;
INSERT INTO rezago.programme_territory (territory, decree, date_in) VALUES ('p5', ' ', '2020-01-01');
ROLLBACK TO s;
RELEASE s;

-- most lagged among the eligible: p1 and p5 tie at 1/3 (both rank 1), p2
-- rank 3; p4 (index 1/2) has unknown eligibility and would enter any list,
-- so it is shown in place with rank NULL; p3 and p6 are not eligible
SELECT * FROM rezago.most_lagged(1, 2022, 'toy');
SELECT * FROM rezago.most_lagged(3, 2022, 'toy');
SELECT * FROM rezago.most_lagged(10, 2022, 'toy');
SELECT count(*) AS none FROM rezago.most_lagged(0, 2022, 'toy');
SELECT count(*) AS none FROM rezago.most_lagged(NULL, 2022, 'toy');
-- once p4's missing poverty value is known (not poor), p4 is not eligible
-- and disappears from the list
INSERT INTO rezago.observation VALUES (108, 'pobreza_ingresos', 2022, 0.01);
SELECT * FROM rezago.most_lagged(3, 2022, 'toy');
SAVEPOINT s;
SELECT * FROM rezago.most_lagged(3, 2022, 'nope');
ROLLBACK TO s;
RELEASE s;

-- every code the functions return has a Spanish label
SELECT l.kind, l.code, l.label FROM rezago.status_label l ORDER BY l.kind, l.code;
SELECT c.code AS missing_label
FROM (VALUES ('insufficient_data'), ('lagging'), ('exit_started'), ('exit_advanced'), ('exited'),
             ('in_programme'), ('kept_until_plan_end'), ('plan_ended'), ('candidate'),
             ('not_eligible'), ('eligibility_unknown'), ('mean'), ('median'), ('percentile'),
             ('fixed'), ('official')) c(code)
WHERE NOT EXISTS (SELECT 1 FROM rezago.status_label l WHERE l.code = c.code);
-- portal query: stage and status in Spanish (p4 is now not eligible)
SELECT p.territory, ls.label AS estado, le.label AS etapa_egreso
FROM rezago.programme_status(2022, 'toy') p
JOIN rezago.status_label ls ON ls.code = p.status
JOIN rezago.status_label le ON le.code = p.exit_stage
ORDER BY p.territory;
-- built-in labels are read-only
SAVEPOINT s;
UPDATE rezago.status_label SET label = 'x' WHERE code = 'lagging';
ROLLBACK TO s;
RELEASE s;
-- user data is kept by pg_dump
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) x(oid) JOIN pg_class c ON c.oid = x.oid
WHERE e.extname = 'rezago' AND c.relname IN ('official_threshold', 'programme_territory', 'status_label')
ORDER BY 1;
ROLLBACK;
