-- User-created rows in every table the extension dumps (pg_dump keeps only
-- rows with builtin = false): a dimension, a variable with observations, a
-- goalpost methodology that uses them, a cross-province territory.
INSERT INTO rezago.dimension (code, name, in_index) VALUES ('capital_digital', 'Capital digital', true);
INSERT INTO rezago.variable (code, dimension, name, unit, polarity)
VALUES ('conectividad', 'capital_digital', 'Conectividad', 'percent', 1);
INSERT INTO rezago.observation (cut, variable, period, value)
SELECT c.cut, 'conectividad', 2023, (c.cut % 89) + 0.25 FROM rezago.comuna c;
SELECT rezago.copy_methodology('sinim4', 'digital', 'SINIM + digital (goalposts)');
UPDATE rezago.methodology SET normalisation = 'goalpost', min_coverage = 0.4, in_force_from = 2023
WHERE code = 'digital';
INSERT INTO rezago.methodology_dimension (methodology, dimension, weight) VALUES ('digital', 'capital_digital', 2);
INSERT INTO rezago.methodology_variable (methodology, variable, weight, goalpost_min, goalpost_max)
VALUES ('digital', 'conectividad', 1, 0, 100);
UPDATE rezago.methodology_variable SET goalpost_min = 0, goalpost_max = 1000 WHERE methodology = 'digital';
UPDATE rezago.methodology_variable SET goalpost_max = 100 WHERE methodology = 'digital'
   AND variable IN ('conectividad', 'profesionalizacion_municipal', 'dependencia_fcm');
INSERT INTO rezago.territory (code, name, centre_cut)
SELECT 'cross', 'Across provinces', min(cut) FROM rezago.comuna WHERE cut / 100 IN (41, 42);
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'cross', cut FROM rezago.comuna WHERE cut / 100 IN (41, 42) AND cut % 100 <= 2;
