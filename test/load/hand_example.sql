-- The hand example of sql/index_hand.sql (where every number derived from it is
-- worked out), shared by the tests that build on it (sql/portal_*.sql).
-- a two-dimension methodology: social (agrupaciones +1, participacion +1),
-- institutional (dependencia_fcm -1, gasto_municipal +1)
INSERT INTO rezago.methodology (code, name, min_coverage) VALUES ('toy', 'hand example', 0.5);
INSERT INTO rezago.methodology_dimension VALUES
  ('toy', 'capital_social', 1), ('toy', 'capital_institucional', 1);
INSERT INTO rezago.methodology_variable (methodology, variable) VALUES
  ('toy', 'agrupaciones_sociales'), ('toy', 'participacion_electoral'),
  ('toy', 'dependencia_fcm'), ('toy', 'gasto_municipal');
INSERT INTO rezago.comuna (cut, name) VALUES
  (101, 'Uno'), (102, 'Dos'), (103, 'Tres'), (104, 'Cuatro'), (105, 'Cinco'), (106, 'Seis');
CREATE TEMP TABLE staging (cut int, variable text, period int, value float8);
INSERT INTO staging VALUES
  -- agrupaciones: min 10, max 50 -> scores 1, .75, .5, 0, .5
  (101, 'agrupaciones_sociales', 2020, 10), (102, 'agrupaciones_sociales', 2020, 20),
  (103, 'agrupaciones_sociales', 2020, 30), (104, 'agrupaciones_sociales', 2020, 50),
  (105, 'agrupaciones_sociales', 2020, 30),
  -- participacion: min 40, max 60 -> 1, 0, 0, (104 missing), 0
  (101, 'participacion_electoral', 2020, 40), (102, 'participacion_electoral', 2020, 60),
  (103, 'participacion_electoral', 2020, 60), (105, 'participacion_electoral', 2020, 60),
  -- dependencia_fcm, polarity -1: min 20, max 80 -> 1, 0, .5, 0, .5
  (101, 'dependencia_fcm', 2020, 80), (102, 'dependencia_fcm', 2020, 20),
  (103, 'dependencia_fcm', 2020, 50), (104, 'dependencia_fcm', 2020, 20),
  (105, 'dependencia_fcm', 2020, 50),
  -- gasto: constant -> every score 0; 106 has only this variable
  (101, 'gasto_municipal', 2020, 100), (102, 'gasto_municipal', 2020, 100),
  (103, 'gasto_municipal', 2020, 100), (104, 'gasto_municipal', 2020, 100),
  (105, 'gasto_municipal', 2020, 100), (106, 'gasto_municipal', 2020, 100);
SELECT rezago.import_observations('staging');
