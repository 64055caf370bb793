-- Stages the real files of $REZAGO_DATA (../shared/data) into plain tables,
-- without calling rezago: bcn (GeoJSON text), cut_2018 (official list),
-- sinim (SINIM 2019-2023) and staging (SINIM as cut, variable, period, value).
-- Used by the demo and by the real-data tests.
\set bcn `cat "$REZAGO_DATA/comunas_bcn.geojson"`
CREATE TABLE cut_2018 (codigo_region text, nombre_region text, abreviatura_region text,
  codigo_provincia text, nombre_provincia text, codigo_comuna text, nombre_comuna text);
\copy cut_2018 from program 'cat "$REZAGO_DATA/cut_comunas_2018.csv"' with (format csv, header, delimiter ';')
CREATE TABLE sinim (cut_comuna text, municipio text, anio int, pob_ine_826 float8, pct_rural float8,
  densidad float8, superficie_km2 float8, distancia_capital_regional_km float8,
  profesionalizacion_pct float8, dep_fcm_ingpropios_pct float8, part_fcm_ingtotal_pct float8,
  part_fcm_ing_sin_transf_pct float8, part_ipp_ingtotal_pct float8, ingreso_total_m float8,
  gasto_total_devengado_m float8, disp_presup_por_hab_m float8, ippp_m float8,
  inversion_municipal_m float8, n_org_comunitarias float8, pobreza_casen_ultima_pct float8,
  pct_psu450_municipal float8, asistencia_escolar_pct float8);
\copy sinim from program 'cat "$REZAGO_DATA/sinim_2019_2023.csv"' with (format csv, header)
-- SINIM columns for the index variables: part_fcm_ingtotal_pct is the share of
-- municipal income from the FCM; spending per inhabitant is spending / population
CREATE TABLE staging AS
SELECT cut_comuna AS cut, 'profesionalizacion_municipal' AS variable, anio AS period, profesionalizacion_pct AS value FROM sinim
UNION ALL SELECT cut_comuna, 'dependencia_fcm', anio, part_fcm_ingtotal_pct FROM sinim
UNION ALL SELECT cut_comuna, 'agrupaciones_sociales', anio, n_org_comunitarias FROM sinim
UNION ALL SELECT cut_comuna, 'gasto_municipal', anio, gasto_total_devengado_m / nullif(pob_ine_826, 0) FROM sinim
UNION ALL SELECT cut_comuna, 'poblacion', anio, pob_ine_826 FROM sinim;
