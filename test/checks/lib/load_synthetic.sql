-- Synthetic data (labelled as such) when the real files are missing: 12
-- comunas in 3 provinces with square boundaries, the four SINIM variables
-- and population for 2019-2023, methodology sinim4, province territories.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region, geom)
SELECT c, 'Sintética ' || c, c / 100, 'Provincia ' || c / 100, c / 1000, 'Región ' || c / 1000,
       ST_Multi(ST_MakeEnvelope(c % 100 + (c / 100 % 10) * 10, 0, c % 100 + (c / 100 % 10) * 10 + 1, 1, 4326))
FROM unnest(ARRAY[4101, 4102, 4103, 4104, 4201, 4202, 4203, 4204, 4301, 4302, 4303, 4304]) c;
CREATE TEMP TABLE staging AS
SELECT c.cut, v.code AS variable, p AS period,
       CASE WHEN (c.cut + p + length(v.code)) % 11 = 0 THEN NULL
            ELSE round((((c.cut * 7919 + p * 104729 + length(v.code) * 1299709) % 1000) / 10.0)::numeric, 1)::float8 END AS value
FROM rezago.comuna c
CROSS JOIN (VALUES ('agrupaciones_sociales'), ('profesionalizacion_municipal'), ('dependencia_fcm'),
                   ('gasto_municipal'), ('poblacion')) v(code)
CROSS JOIN generate_series(2019, 2023) p;
SELECT rezago.import_observations('staging');
\i test/load/sinim4_methodology.sql
INSERT INTO rezago.territory (code, name)
SELECT 'prov_' || provincia_code, min(provincia) FROM rezago.comuna GROUP BY provincia_code HAVING count(*) >= 2;
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'prov_' || c.provincia_code, c.cut FROM rezago.comuna c
JOIN rezago.territory t ON t.code = 'prov_' || c.provincia_code;
