-- E2 ranks each comuna within the región it belonged to on 31 December of
-- the period (doc/method.md section 5): the Ñuble comunas were in Biobío (8)
-- until the Región de Ñuble (16) came into force on 6 September 2018.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
SET datestyle = ISO;
\set VERBOSITY default
\set SHOW_CONTEXT never
BEGIN;
-- four Biobío comunas and three Ñuble ones (today's codes and regiones)
INSERT INTO rezago.comuna (cut, name, region_code) VALUES
    (8101, 'Concepción', 8), (8102, 'Coronel', 8), (8103, 'Chiguayante', 8), (8104, 'Florida', 8),
    (16101, 'Chillán', 16), (16102, 'Bulnes', 16), (16103, 'Chillán Viejo', 16);

-- the región of a Ñuble comuna changes on 6 September 2018; the others never
SELECT d AS day, r.cut, r.region_code
FROM unnest(ARRAY['2009-12-31', '2018-09-05', '2018-09-06']::date[]) d
CROSS JOIN LATERAL rezago.comuna_regions(d) r
WHERE r.cut IN (8101, 16101) ORDER BY d, r.cut;
-- NULL day: today's regiones
SELECT cut, region_code FROM rezago.comuna_regions(NULL) WHERE cut IN (8101, 16101) ORDER BY cut;

-- the same poverty rates in 2009 (old codes 8401, 8402, 8406, as published
-- then), 2017, 2018 and 2022 (today's codes)
CREATE TEMP TABLE staging (cut int, variable text, period int, value float8);
INSERT INTO staging
SELECT CASE WHEN p = 2009 THEN coalesce(h.old_cut, v.cut) ELSE v.cut END, 'pobreza_ingresos', p, v.value
FROM (VALUES (16101, 0.40), (8101, 0.35), (16102, 0.30), (8102, 0.25), (8103, 0.20), (16103, 0.15), (8104, 0.10)) v(cut, value)
CROSS JOIN unnest(ARRAY[2009, 2017, 2018, 2022]) p
LEFT JOIN rezago.comuna_code_history h ON h.cut = v.cut;
SELECT rezago.import_observations('staging');

-- 2009 and 2017 (31 December: before 6 September 2018): one región 8 of 7
-- comunas; regional ranks 1..7 by rate; 30% of 7 is 2.1, so ranks 1 and 2
-- (16101 0.40, 8101 0.35) are in.
-- 2018 and 2022 (31 December: Ñuble exists): región 16 has 3 comunas, and
-- 1/3 > 0.30, so none is in; región 8 has 4: rank 1 (8101, 1/4 = 0.25) is in,
-- rank 2 (8102, 2/4) is not.
SELECT p AS period, r.cut, r.region_code, r.regional_rank, r.regional_count,
       r.regional_rank::float8 / r.regional_count <= 0.30 AS in_regional_30
FROM unnest(ARRAY[2009, 2017, 2018, 2022]) p
CROSS JOIN LATERAL rezago.comuna_poverty_ranks(p) r
ORDER BY p, r.region_code, r.regional_rank;

-- territory 'itata' = {16101, 16102}: 2009, 2017: 16101 in, 16102 (3/7) out:
-- 1 of 2 is half, E2 met; 2018, 2022: neither, E2 not met.
-- territory 'concepcion' = {8101, 8102}: 8101 is in every year, 8102 never:
-- E2 met every year.  E1: every comuna is among the 100 poorest: met.
INSERT INTO rezago.territory (code, name) VALUES ('itata', 'Itata'), ('concepcion', 'Concepción');
INSERT INTO rezago.territory_member VALUES ('itata', 16101), ('itata', 16102),
                                           ('concepcion', 8101), ('concepcion', 8102);
SELECT p AS period, e.territory, e.e1_national, e.e2_regional, e.e3_isolation, e.criteria_met, e.eligible
FROM unnest(ARRAY[2009, 2017, 2018, 2022]) p
CROSS JOIN LATERAL rezago.territory_entry(p) e
ORDER BY p, e.territory;

-- a user row: 8104 was in a región 99 until 31 December 2009 (made up);
-- 2009 then ranks it alone in región 99 (1 of 1 > 0.30: out), and región 8
-- has 6 comunas (30% = 1.8: only 16101 is in)
INSERT INTO rezago.comuna_region_history (cut, region_code, valid_to, note)
VALUES (8104, 99, '2009-12-31', 'example');
SELECT r.cut, r.region_code, r.regional_rank, r.regional_count,
       r.regional_rank::float8 / r.regional_count <= 0.30 AS in_regional_30
FROM rezago.comuna_poverty_ranks(2009) r ORDER BY r.region_code, r.regional_rank;
-- a period that is no calendar year (0): today's regiones, no error
INSERT INTO rezago.observation (cut, variable, period, value) VALUES (16101, 'pobreza_ingresos', 0, 0.5);
SELECT * FROM rezago.comuna_poverty_ranks(0);
ROLLBACK;
