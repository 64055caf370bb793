-- Hand example shared by the portal regression tests (sql/portal_*.sql):
-- the data of sql/index_hand.sql for 2020 (indices 101 .75, 102 .1875,
-- 103 .25, 104 0, 105 .25, 106 NULL: no capital_social), a second period
-- 2021 and two territories.
\i test/load/hand_example.sql
CREATE TEMP TABLE staging_2021 (cut int, variable text, period int, value float8);
INSERT INTO staging_2021 VALUES
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
SELECT rezago.import_observations('staging_2021');
INSERT INTO rezago.territory VALUES ('t1', 'Uno-Dos', NULL), ('t2', 'Tres-Cuatro-Seis', 103);
INSERT INTO rezago.territory_member VALUES ('t1', 101), ('t1', 102), ('t2', 103), ('t2', 104), ('t2', 106);

