-- (pg_regress feeds this file on standard input from test/realdata: paths are relative to it)
-- Entry and exit status on real data: the MDSF small-area income-poverty
-- estimates 2017, 2020 and 2022 (../shared/data, or $REZAGO_DATA) loaded as
-- pobreza_ingresos through rezago.import_observations, with the provinces of
-- 02_index as territories.  E1 and E2 of every province, and the exit stages
-- under sinim4, are checked against an independent plain-SQL computation
-- that reads the CSV files directly (no rezago function, no rank()), and
-- against the plain-SQL oracle (test/oracle/oracle.sql) over the loaded tables.
-- There is no public isolation study here: E3 must come out unknown (NULL)
-- everywhere, never false.  Everything is rolled back at the end.
\getenv datadir REZAGO_DATA
SELECT :'datadir' IS NOT NULL AND :'datadir' <> '' AS data_folder_given;
SET extra_float_digits = 0;
BEGIN;

-- the three files as published (temporary table sae)
\i ../fixtures/stage_poverty.sql

-- what the files hold: every code is a CUT 2018 code (Ñuble already 16xxx,
-- no pre-2018 084xx codes), Antártica (12202) is the one comuna missing
SELECT s.period, count(*) AS rows, count(DISTINCT s.cut_comuna) AS codes,
       count(*) FILTER (WHERE s.cut_comuna ~ '^0') AS zero_padded,
       count(*) FILTER (WHERE s.cut_comuna::int BETWEEN 8400 AND 8499) AS old_nuble_codes,
       count(*) FILTER (WHERE s.cut_comuna::int / 1000 = 16) AS nuble_16xxx,
       count(*) FILTER (WHERE s.cut_comuna::int NOT IN (SELECT codigo_comuna::int FROM cut_2018)) AS not_in_cut_2018,
       (SELECT string_agg(c.codigo_comuna, ',') FROM cut_2018 c
        WHERE c.codigo_comuna::int NOT IN (SELECT x.cut_comuna::int FROM sae x WHERE x.period = s.period)) AS cut_2018_missing,
       min(s.pobreza::float8) AS min, max(s.pobreza::float8) AS max,
       count(*) - count(DISTINCT s.pobreza::float8) AS tied_values
FROM sae s GROUP BY s.period ORDER BY s.period;

CREATE TEMP TABLE poverty_staging AS
SELECT cut_comuna AS cut, 'pobreza_ingresos' AS variable, period, pobreza AS value FROM sae;
SELECT rezago.import_observations('poverty_staging');
SELECT period, count(*) AS rows, count(value) AS with_value
FROM rezago.observation WHERE variable = 'pobreza_ingresos' GROUP BY period ORDER BY period;

--------------------------------------------------------------------------
-- Oracle: ranks as "1 + comunas strictly poorer", cuts in exact integers
--------------------------------------------------------------------------
-- the región of the period (31 December): the 21 comunas of cut_historia.csv
-- were in Biobío (their old code's región) until Ñuble came into force on
-- 6 September 2018, so in 2017 E2 ranks them among Biobío's
CREATE TEMP TABLE historia (old_code int, new_code int, valid_from text, valid_to text, note text);
\copy historia from program 'cat "$REZAGO_DATA/cut_historia.csv"' with (format csv, header)
CREATE TEMP TABLE sae_region AS
SELECT s.period, s.cut_comuna, s.pobreza,
       CASE WHEN h.new_code IS NOT NULL AND make_date(s.period, 12, 31) < date '2018-09-06'
            THEN h.old_code / 1000 ELSE s.cut_comuna::int / 1000 END AS region
FROM sae s LEFT JOIN historia h ON h.new_code = s.cut_comuna::int;
CREATE TEMP TABLE oracle_comuna AS
SELECT a.period, a.cut_comuna::int AS cut, a.region,
       1 + (SELECT count(*) FROM sae b WHERE b.period = a.period
            AND b.pobreza::float8 > a.pobreza::float8) AS national_rank,
       1 + (SELECT count(*) FROM sae_region b WHERE b.period = a.period
            AND b.region = a.region
            AND b.pobreza::float8 > a.pobreza::float8) AS regional_rank,
       (SELECT count(*) FROM sae_region b WHERE b.period = a.period
            AND b.region = a.region) AS regional_count
FROM sae_region a;
-- Ñuble's 21 comunas are ranked in región 8 in 2017 only
SELECT period, region, count(*) AS comunas FROM oracle_comuna WHERE region IN (8, 16)
GROUP BY period, region ORDER BY period, region;

-- the extension's ranks agree for every comuna and period
SELECT p AS period, count(*) AS comunas,
       count(*) FILTER (WHERE r.national_rank <> o.national_rank) AS national_diff,
       count(*) FILTER (WHERE r.regional_rank <> o.regional_rank OR r.regional_count <> o.regional_count) AS regional_diff,
       count(*) FILTER (WHERE o.national_rank <= 100) AS in_top_100,
       count(*) FILTER (WHERE 10 * o.regional_rank <= 3 * o.regional_count) AS in_regional_30
FROM unnest(ARRAY[2017, 2020, 2022]) p
CROSS JOIN LATERAL rezago.comuna_poverty_ranks(p) r
JOIN oracle_comuna o ON o.period = p AND o.cut = r.cut
GROUP BY p ORDER BY p;

-- E1, E2 per province in three-valued logic: met when half or more of the
-- members are flagged, failed when even the members without data could not
-- make half, unknown otherwise
CREATE TEMP TABLE oracle_entry AS
SELECT p.period, tm.territory,
       CASE WHEN 2 * count(*) FILTER (WHERE o.national_rank <= 100) >= count(*) THEN true
            WHEN 2 * count(*) FILTER (WHERE o.national_rank <= 100 OR o.cut IS NULL) < count(*) THEN false
       END AS e1,
       CASE WHEN 2 * count(*) FILTER (WHERE 10 * o.regional_rank <= 3 * o.regional_count) >= count(*) THEN true
            WHEN 2 * count(*) FILTER (WHERE 10 * o.regional_rank <= 3 * o.regional_count OR o.cut IS NULL) < count(*) THEN false
       END AS e2
FROM unnest(ARRAY[2017, 2020, 2022]) p(period)
CROSS JOIN rezago.territory_member tm
LEFT JOIN oracle_comuna o ON o.period = p.period AND o.cut = tm.cut
WHERE tm.territory LIKE 'prov\_%'
GROUP BY p.period, tm.territory;

CREATE TEMP TABLE got_entry AS
SELECT p AS period, e.* FROM unnest(ARRAY[2017, 2020, 2022]) p
CROSS JOIN LATERAL rezago.territory_entry(p) e WHERE e.territory LIKE 'prov\_%';

-- every province, every period: same E1 and E2; E3 unknown everywhere (no
-- isolation data); eligible exactly as the known criteria decide it
SELECT g.period, count(*) AS provinces,
       count(*) FILTER (WHERE g.e1_national IS DISTINCT FROM o.e1) AS e1_diff,
       count(*) FILTER (WHERE g.e2_regional IS DISTINCT FROM o.e2) AS e2_diff,
       count(*) FILTER (WHERE g.e3_isolation IS NOT NULL) AS e3_known,
       count(*) FILTER (WHERE g.eligible IS DISTINCT FROM
                        CASE WHEN o.e1 AND o.e2 THEN true WHEN NOT o.e1 AND NOT o.e2 THEN false END) AS eligible_diff,
       count(*) FILTER (WHERE g.criteria_met IS DISTINCT FROM (o.e1 IS TRUE)::int + (o.e2 IS TRUE)::int) AS met_diff
FROM got_entry g JOIN oracle_entry o USING (period, territory)
GROUP BY g.period ORDER BY g.period;
SELECT count(*) AS oracle_provinces_without_result
FROM oracle_entry o LEFT JOIN got_entry g USING (period, territory) WHERE g.territory IS NULL;

-- the outcome: how many provinces meet each criterion; with E3 unknown, a
-- province is eligible only with E1 and E2, not eligible only without both
SELECT period,
       count(*) FILTER (WHERE e1_national) AS e1_met, count(*) FILTER (WHERE NOT e1_national) AS e1_failed,
       count(*) FILTER (WHERE e1_national IS NULL) AS e1_unknown,
       count(*) FILTER (WHERE e2_regional) AS e2_met, count(*) FILTER (WHERE NOT e2_regional) AS e2_failed,
       count(*) FILTER (WHERE e2_regional IS NULL) AS e2_unknown,
       count(*) FILTER (WHERE eligible) AS eligible, count(*) FILTER (WHERE NOT eligible) AS not_eligible,
       count(*) FILTER (WHERE eligible IS NULL) AS undecided
FROM got_entry GROUP BY period ORDER BY period;

-- Antártica Chilena: Cabo de Hornos has data, Antártica has none.  When
-- Cabo de Hornos is not flagged, Antártica alone could still make half (1 of
-- 2): unknown, never false; when it is flagged (E2 2017: 1 of 10 in its
-- región) the criterion is met whatever Antártica's value
-- ranks: comuna:national rank/regional rank of the comunas of the región
SELECT g.period, g.territory, g.e1_national, g.e2_regional, g.criteria_met, g.eligible,
       (SELECT string_agg(o.cut || ':' || o.national_rank || '/' || o.regional_rank || ' of ' || o.regional_count, ', ')
        FROM oracle_comuna o WHERE o.period = g.period AND o.cut IN (12201, 12202)) AS ranks
FROM got_entry g WHERE g.territory = 'prov_122' ORDER BY g.period;

-- the provinces eligible in 2022 (E1 and E2), with their members' ranks
SELECT t.name, string_agg(c.name || ' ' || o.national_rank || '/' || o.regional_rank, ', ' ORDER BY o.national_rank) AS national_regional_ranks
FROM got_entry g JOIN rezago.territory t ON t.code = g.territory
JOIN rezago.territory_member tm ON tm.territory = g.territory
JOIN rezago.comuna c ON c.cut = tm.cut
LEFT JOIN oracle_comuna o ON o.period = g.period AND o.cut = tm.cut
WHERE g.period = 2022 AND g.eligible
GROUP BY t.name ORDER BY t.name;

-- the most lagged eligible provinces of 2022 under sinim4 (index from
-- SINIM, entry from the poverty estimates), as a decree would list them.
-- Provinces meeting one of E1/E2 have unknown eligibility (E3 could decide
-- it): those above the fifth eligible one are shown in place, rank NULL
SELECT rank, name, round(index::numeric, 6) AS index, eligible, criteria_met
FROM rezago.most_lagged(5, 2022, 'sinim4') WHERE territory LIKE 'prov\_%';

--------------------------------------------------------------------------
-- Exit on real SINIM data (sinim4: 4 variables), against plain SQL
--------------------------------------------------------------------------
CREATE TEMP TABLE oracle_exit AS
WITH obs AS (
    SELECT s.anio AS period, s.cut_comuna::int AS cut, x.variable, x.polarity, x.value
    FROM sinim s
    CROSS JOIN LATERAL (VALUES
        ('profesionalizacion_municipal', 1, s.profesionalizacion_pct),
        ('dependencia_fcm', -1, s.part_fcm_ingtotal_pct),
        ('agrupaciones_sociales', 1, s.n_org_comunitarias),
        ('gasto_municipal', 1, s.gasto_total_devengado_m / nullif(s.pob_ine_826, 0))) x(variable, polarity, value)
    WHERE s.cut_comuna <> '11111' AND x.value IS NOT NULL
), thr AS (
    SELECT period, variable, avg(value) AS threshold FROM obs GROUP BY period, variable
), tv AS (
    SELECT o.period, tm.territory, o.variable, o.polarity, avg(o.value) AS value
    FROM obs o JOIN rezago.territory_member tm ON tm.cut = o.cut
    WHERE tm.territory LIKE 'prov\_%'
    GROUP BY o.period, tm.territory, o.variable, o.polarity
), c AS (
    SELECT tv.period, tv.territory, count(*) AS evaluated,
           count(*) FILTER (WHERE (tv.polarity = 1 AND tv.value >= thr.threshold)
                               OR (tv.polarity = -1 AND tv.value <= thr.threshold)) AS overcome
    FROM tv JOIN thr USING (period, variable)
    GROUP BY tv.period, tv.territory
)
SELECT c.*,
       CASE WHEN 2 * c.evaluated < 4 THEN 'insufficient_data'
            WHEN c.overcome = c.evaluated THEN 'exited'
            WHEN 3 * c.overcome >= 2 * c.evaluated THEN 'exit_advanced'
            WHEN 3 * c.overcome >= c.evaluated THEN 'exit_started'
            ELSE 'lagging' END AS stage
FROM c;

SELECT p AS period, count(*) AS provinces,
       count(*) FILTER (WHERE r.evaluated <> coalesce(o.evaluated, 0) OR r.overcome <> coalesce(o.overcome, 0)) AS count_diff,
       count(*) FILTER (WHERE r.stage <> coalesce(o.stage, 'insufficient_data')) AS stage_diff,
       count(*) FILTER (WHERE r.stage = 'lagging') AS lagging,
       count(*) FILTER (WHERE r.stage = 'exit_started') AS exit_started,
       count(*) FILTER (WHERE r.stage = 'exit_advanced') AS exit_advanced,
       count(*) FILTER (WHERE r.stage = 'exited') AS exited,
       count(*) FILTER (WHERE r.stage = 'insufficient_data') AS insufficient
FROM generate_series(2019, 2023) p
CROSS JOIN LATERAL rezago.territory_exit(p, 'sinim4') r
LEFT JOIN oracle_exit o ON o.period = p AND o.territory = r.territory
WHERE r.territory LIKE 'prov\_%'
GROUP BY p ORDER BY p;
-- thresholds to 1e-9, against the plain-SQL oracle (test/oracle/oracle.sql)
\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all
SELECT count(*) AS gap_rows,
       count(*) FILTER (WHERE g.value IS NOT NULL) AS with_value,
       count(*) FILTER (WHERE abs(g.threshold - t.threshold) > 1e-9 * greatest(1, abs(t.threshold))) AS threshold_diff
FROM rezago.territory_gaps(2022, 'sinim4') g
JOIN oracle.variable_thresholds(2022, 'sinim4') t USING (variable)
WHERE g.territory LIKE 'prov\_%';
-- entry and exit of every province and period, against the oracle too (it
-- reads the loaded tables; the checks above read the files)
SELECT p AS period,
       count(*) FILTER (WHERE (r.e1_national, r.e2_regional, r.e3_isolation, r.criteria_met, r.eligible)
                        IS DISTINCT FROM (o.e1_national, o.e2_regional, o.e3_isolation, o.criteria_met, o.eligible)) AS entry_diff,
       count(*) FILTER (WHERE (x.evaluated, x.overcome, x.stage) IS DISTINCT FROM (ox.evaluated, ox.overcome, ox.stage)
                           OR abs(x.share - ox.share) > 1e-9) AS exit_diff
FROM generate_series(2017, 2023) p
CROSS JOIN LATERAL rezago.territory_entry(p, 'sinim4') r
JOIN LATERAL oracle.territory_entry(p, 'sinim4') o ON o.territory = r.territory
JOIN LATERAL rezago.territory_exit(p, 'sinim4') x ON x.territory = r.territory
JOIN LATERAL oracle.territory_exit(p, 'sinim4') ox ON ox.territory = r.territory
WHERE r.territory LIKE 'prov\_%'
GROUP BY p ORDER BY p;
ROLLBACK;
