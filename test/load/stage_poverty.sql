-- The MDSF small-area income-poverty estimates 2017, 2020 and 2022 as
-- published (codes zero-padded, proportions 0..1), from $REZAGO_DATA, in
-- temporary tables sae2017, sae2020, sae2022 and their union sae (period,
-- cut_comuna, pobreza), as text.  Used by test/realdata/sql/04_status.sql
-- and 07_portal.sql.
CREATE TEMP TABLE sae2017 (cut_comuna text, region text, comuna text, personas_pobres text, pobreza text,
                           li text, ls text, metodo text);
\copy sae2017 from program 'cat "$REZAGO_DATA/pobreza_ingresos_sae_2017.csv"' with (format csv, header)
CREATE TEMP TABLE sae2020 (cut_comuna text, region text, comuna text, personas text, personas_pobres text,
                           pobreza text, li text, ls text, en_muestra text, tipo text);
\copy sae2020 from program 'cat "$REZAGO_DATA/pobreza_ingresos_sae_2020.csv"' with (format csv, header)
CREATE TEMP TABLE sae2022 (cut_comuna text, comuna text, pobreza text, li text, ls text);
\copy sae2022 from program 'cat "$REZAGO_DATA/pobreza_ingresos_sae_2022.csv"' with (format csv, header)
CREATE TEMP TABLE sae AS
SELECT 2017 AS period, cut_comuna, pobreza FROM sae2017
UNION ALL SELECT 2020, cut_comuna, pobreza FROM sae2020
UNION ALL SELECT 2022, cut_comuna, pobreza FROM sae2022;
