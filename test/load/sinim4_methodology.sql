-- sinim4: ufro2017 restricted to the four index variables SINIM publishes
-- (agrupaciones_sociales, profesionalizacion_municipal, dependencia_fcm,
-- gasto_municipal), i.e. three of the six dimensions, equal weights.
SELECT rezago.copy_methodology('ufro2017', 'sinim4', 'SINIM subset (4 variables)');
DELETE FROM rezago.methodology_variable WHERE methodology = 'sinim4'
   AND variable NOT IN ('agrupaciones_sociales', 'profesionalizacion_municipal', 'dependencia_fcm', 'gasto_municipal');
UPDATE rezago.methodology_dimension SET weight = 0 WHERE methodology = 'sinim4'
   AND dimension NOT IN ('capital_social', 'capital_humano', 'capital_institucional');
