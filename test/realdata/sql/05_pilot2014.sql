-- (pg_regress feeds this file on standard input from test/realdata: paths are relative to it)
-- The 2014 pilot, reproduced (doc/method.md section 7): the MDSF small-area
-- income-poverty estimates of 2009 and 2011 under the methodology in force
-- before 2013 (the figures current when the pilot was chosen), loaded as
-- published, with the pre-2018 codes (Ñuble = 084xx) mapped on import; the
-- six pilot territories; E1 and E2 with the regiones of the period (Ñuble's
-- comunas in Biobío), E3 unknown (no isolation study is public).  Checked
-- against an independent computation that reads the CSV file directly (the
-- pre-2018 code itself gives the región of the time) and against the
-- plain-SQL oracle over the loaded tables.  Everything is rolled back.
\getenv datadir REZAGO_DATA
SELECT :'datadir' IS NOT NULL AND :'datadir' <> '' AS data_folder_given;
SET extra_float_digits = 0;
BEGIN;

CREATE TEMP TABLE sae09 (cut_comuna text, comuna text, pob2009_li text, pob2009 text, pob2009_ls text,
                         pob2011_li text, pob2011 text, pob2011_ls text, dif_2011_2009_pp text, signif_95 text);
\copy sae09 from program 'cat "$REZAGO_DATA/pobreza_ingresos_sae_2009_2011_metodo_antiguo.csv"' with (format csv, header)
-- what the file holds: 334 comunas in 2009, 324 in 2011, zero-padded codes,
-- 21 of them Biobío's 084xx of the time (Ñuble's today), none 16xxx
SELECT count(*) AS rows, count(NULLIF(pob2009, '')) AS with_2009, count(NULLIF(pob2011, '')) AS with_2011,
       count(*) FILTER (WHERE cut_comuna ~ '^0') AS zero_padded,
       count(*) FILTER (WHERE cut_comuna::int BETWEEN 8400 AND 8499) AS old_nuble_codes,
       count(*) FILTER (WHERE cut_comuna::int / 1000 = 16) AS nuble_16xxx
FROM sae09;

-- the file as it is, in long form with its provenance: one load, 21 rows a
-- year mapped from 084xx to 16xxx
CREATE TEMP TABLE pilot_staging AS
SELECT cut_comuna AS cut, 'pobreza_ingresos' AS variable, 2009 AS period, pob2009 AS value,
       'MDSF SAE 2009 (método antiguo)' AS source
FROM sae09 WHERE pob2009 <> ''
UNION ALL
SELECT cut_comuna, 'pobreza_ingresos', 2011, pob2011, 'MDSF SAE 2011 (método antiguo)'
FROM sae09 WHERE pob2011 <> '';
\set VERBOSITY default
SELECT rezago.import_observations('pilot_staging');
\set VERBOSITY terse
SELECT period, source, count(*) AS rows, count(*) FILTER (WHERE cut / 1000 = 16) AS nuble
FROM rezago.observation WHERE variable = 'pobreza_ingresos' GROUP BY period, source ORDER BY period;
SELECT * FROM rezago.data_availability('sinim4') WHERE variable = 'pobreza_ingresos' AND period IN (2009, 2011);

-- the six pilot territories
SELECT territory, name, members, contiguous FROM rezago.create_pilot_territories();

-- the regiones used: Ñuble's comunas (Valle del Itata among them) in Biobío
SELECT p AS period, r.region_code, count(*) AS comunas,
       count(*) FILTER (WHERE r.cut / 1000 = 16) AS of_nuble_today
FROM unnest(ARRAY[2009, 2011]) p CROSS JOIN LATERAL rezago.comuna_poverty_ranks(p) r
WHERE r.region_code IN (4, 7, 8, 9, 14, 16)
GROUP BY p, r.region_code ORDER BY p, r.region_code;

--------------------------------------------------------------------------
-- Independent computation from the file: ranks as "1 + comunas strictly
-- poorer"; the región of the time is the code's (as published, pre-2018)
-- región; members mapped to the file's codes through cut_historia.csv
--------------------------------------------------------------------------
CREATE TEMP TABLE historia (old_code int, new_code int, valid_from text, valid_to text, note text);
\copy historia from program 'cat "$REZAGO_DATA/cut_historia.csv"' with (format csv, header)
CREATE TEMP TABLE file_rates AS
SELECT 2009 AS period, cut_comuna::int AS code, pob2009::float8 AS rate FROM sae09 WHERE pob2009 <> ''
UNION ALL SELECT 2011, cut_comuna::int, pob2011::float8 FROM sae09 WHERE pob2011 <> '';
CREATE TEMP TABLE file_ranks AS
SELECT a.period, a.code, a.code / 1000 AS region,
       1 + (SELECT count(*) FROM file_rates b WHERE b.period = a.period AND b.rate > a.rate) AS national_rank,
       1 + (SELECT count(*) FROM file_rates b WHERE b.period = a.period AND b.code / 1000 = a.code / 1000
            AND b.rate > a.rate) AS regional_rank,
       (SELECT count(*) FROM file_rates b WHERE b.period = a.period AND b.code / 1000 = a.code / 1000) AS regional_count
FROM file_rates a;
-- E1: half or more of the members among the 100 poorest; E2: half or more
-- in the poorest 30% of their región (10 x rank <= 3 x count, exact); a
-- member without a rate is unknown (three-valued, as rezago)
CREATE TEMP TABLE file_entry AS
SELECT p.period, tm.territory, count(*) AS members,
       count(r.code) AS with_rate,
       CASE WHEN 2 * count(*) FILTER (WHERE r.national_rank <= 100) >= count(*) THEN true
            WHEN 2 * count(*) FILTER (WHERE r.national_rank <= 100 OR r.code IS NULL) < count(*) THEN false END AS e1,
       CASE WHEN 2 * count(*) FILTER (WHERE 10 * r.regional_rank <= 3 * r.regional_count) >= count(*) THEN true
            WHEN 2 * count(*) FILTER (WHERE 10 * r.regional_rank <= 3 * r.regional_count OR r.code IS NULL) < count(*) THEN false END AS e2,
       string_agg(c.name || ' ' || coalesce(r.national_rank || '/' || r.regional_rank || ' of ' || r.regional_count, 'no rate'),
                  ', ' ORDER BY tm.cut) AS members_national_regional
FROM unnest(ARRAY[2009, 2011]) p(period)
CROSS JOIN rezago.territory_member tm
JOIN rezago.comuna c ON c.cut = tm.cut
LEFT JOIN historia h ON h.new_code = tm.cut
LEFT JOIN file_ranks r ON r.period = p.period AND r.code = coalesce(h.old_code, tm.cut)
WHERE tm.territory IN ('limari_choapa', 'maule_sur', 'arauco', 'ranco', 'valle_del_itata', 'costa_araucania')
GROUP BY p.period, tm.territory;

-- rezago agrees with the file for every pilot and both years, and with the
-- plain-SQL oracle over the loaded tables
\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all
SELECT p AS period, count(*) AS pilots,
       count(*) FILTER (WHERE e.e1_national IS DISTINCT FROM f.e1) AS e1_diff_file,
       count(*) FILTER (WHERE e.e2_regional IS DISTINCT FROM f.e2) AS e2_diff_file,
       count(*) FILTER (WHERE (e.e1_national, e.e2_regional, e.e3_isolation, e.criteria_met, e.eligible)
                        IS DISTINCT FROM (o.e1_national, o.e2_regional, o.e3_isolation, o.criteria_met, o.eligible)) AS diff_oracle
FROM unnest(ARRAY[2009, 2011]) p
CROSS JOIN LATERAL rezago.territory_entry(p) e
JOIN oracle.territory_entry(p) o USING (territory)
JOIN file_entry f ON f.period = p AND f.territory = e.territory
GROUP BY p ORDER BY p;

-- what rezago says of each pilot.  The plan: each selected territory met at
-- least two of the three criteria.  With E3 unknown, a pilot meeting E1 and
-- E2 is eligible; one meeting one of them is undecided (eligible NULL: E3
-- would decide it); one meeting none would contradict the plan.
SELECT p AS period, e.territory, e.e1_national, e.e2_regional, e.e3_isolation, e.criteria_met, e.eligible,
       f.members_national_regional
FROM unnest(ARRAY[2009, 2011]) p
CROSS JOIN LATERAL rezago.territory_entry(p) e
JOIN file_entry f ON f.period = p AND f.territory = e.territory
ORDER BY p, e.territory;

-- had E2 ranked Valle del Itata within today's Región de Ñuble (21 comunas)
-- instead of the Biobío of 2009 (54), its members' regional ranks would be:
-- (30% of 54 is 16.2, of 21 is 6.3)
SELECT n.cut, c.name, n.regional_rank AS rank_in_biobio_2009, n.regional_count AS of_biobio,
       n.rank_in_nuble AS rank_among_nuble_today, n.of_nuble
FROM (SELECT r.*, rank() OVER (ORDER BY r.poverty DESC) AS rank_in_nuble, count(*) OVER () AS of_nuble
      FROM rezago.comuna_poverty_ranks(2009) r WHERE r.cut / 1000 = 16) n
JOIN rezago.comuna c USING (cut)
JOIN rezago.territory_member tm ON tm.cut = n.cut AND tm.territory = 'valle_del_itata'
ORDER BY n.regional_rank;
ROLLBACK;
