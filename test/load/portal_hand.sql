-- Hand example shared by the portal regression tests (sql/portal_*.sql):
-- the data of sql/index_hand.sql for 2020 plus a second period 2021 and two
-- territories; expected values are worked out in sql/portal_explain.sql.
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
  -- 2020: the data of sql/index_hand.sql (indices 101 .75, 102 .1875, 103 .25,
  -- 104 0, 105 .25, 106 NULL: no capital_social)
  (101, 'agrupaciones_sociales', 2020, 10), (102, 'agrupaciones_sociales', 2020, 20),
  (103, 'agrupaciones_sociales', 2020, 30), (104, 'agrupaciones_sociales', 2020, 50),
  (105, 'agrupaciones_sociales', 2020, 30),
  (101, 'participacion_electoral', 2020, 40), (102, 'participacion_electoral', 2020, 60),
  (103, 'participacion_electoral', 2020, 60), (105, 'participacion_electoral', 2020, 60),
  (101, 'dependencia_fcm', 2020, 80), (102, 'dependencia_fcm', 2020, 20),
  (103, 'dependencia_fcm', 2020, 50), (104, 'dependencia_fcm', 2020, 20),
  (105, 'dependencia_fcm', 2020, 50),
  (101, 'gasto_municipal', 2020, 100), (102, 'gasto_municipal', 2020, 100),
  (103, 'gasto_municipal', 2020, 100), (104, 'gasto_municipal', 2020, 100),
  (105, 'gasto_municipal', 2020, 100), (106, 'gasto_municipal', 2020, 100),
  -- 2021: one variable per dimension (coverage 0.5 each, enough).
  -- agrupaciones 50,50,10,10,30 -> scores 0,0,1,1,.5 (mean 30);
  -- dependencia (-1) 20,20,80,80,50 -> 0,0,1,1,.5 (mean 50); 105 has no data.
  -- indices: 101 0, 102 0, 103 1, 104 1, 106 .5
  (101, 'agrupaciones_sociales', 2021, 50), (102, 'agrupaciones_sociales', 2021, 50),
  (103, 'agrupaciones_sociales', 2021, 10), (104, 'agrupaciones_sociales', 2021, 10),
  (106, 'agrupaciones_sociales', 2021, 30),
  (101, 'dependencia_fcm', 2021, 20), (102, 'dependencia_fcm', 2021, 20),
  (103, 'dependencia_fcm', 2021, 80), (104, 'dependencia_fcm', 2021, 80),
  (106, 'dependencia_fcm', 2021, 50);
SELECT rezago.import_observations('staging');
INSERT INTO rezago.territory VALUES ('t1', 'Uno-Dos', NULL), ('t2', 'Tres-Cuatro-Seis', 103);
INSERT INTO rezago.territory_member VALUES ('t1', 101), ('t1', 102), ('t2', 103), ('t2', 104), ('t2', 106);

