-- Outlier treatment (COINr's rule), geometric and AMPI aggregation on the real
-- SINIM data (loaded by 01_load), checked against the plain-SQL oracle
-- (test/oracle/oracle.sql: oracle.outlier_treatment, a recursive query with
-- the textbook skewness and kurtosis; the geometric index over logp), every
-- period 2019-2023 (the oracle's index, 3-5 s a call, in 2019, 2021 and
-- 2023), to 1e-9 (the index is in fact equal to the last bit); the
-- adjusted Mazziotta-Pareto index (section 5) every period, to 1e-12.
-- Everything runs in a transaction that is rolled back.
SET extra_float_digits = 0;
BEGIN;
-- sinim4 (../fixtures/sinim4_methodology.sql), unless 02_index made it
\set ECHO none
SELECT NOT EXISTS (SELECT FROM rezago.methodology WHERE code = 'sinim4') AS need_sinim4 \gset
\if :need_sinim4
\o /dev/null
\i ../fixtures/sinim4_methodology.sql
\o
\endif
\set ECHO all
-- COINr's defaults (winmax 5); winmax 30; geometric; both with z-scores;
-- AMPI (with min-max, and with COINr's treatment and ranks)
SELECT rezago.copy_methodology('sinim4', code) AS variant
FROM unnest(ARRAY['tr_coinr', 'tr_coinr30', 'tr_geo', 'tr_coinr_z_geo', 'tr_coinr_rank',
                  'tr_ampi', 'tr_coinr_rank_ampi']) code;
UPDATE rezago.methodology SET aggregation = 'ampi' WHERE code LIKE 'tr\_%ampi';
UPDATE rezago.methodology SET outlier_treatment = 'coinr' WHERE code LIKE 'tr\_coinr%';
UPDATE rezago.methodology SET coinr_winmax = 30 WHERE code = 'tr_coinr30';
UPDATE rezago.methodology SET aggregation = 'geometric' WHERE code IN ('tr_geo', 'tr_coinr_z_geo');
UPDATE rezago.methodology SET normalisation = 'zscore' WHERE code = 'tr_coinr_z_geo';
UPDATE rezago.methodology SET normalisation = 'rank' WHERE code IN ('tr_coinr_rank', 'tr_coinr_rank_ampi');

\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all

-- 1. what COINr's rule does to the four SINIM variables: with 5 points
--    agrupaciones_sociales and gasto_municipal (skewness 5 to 7, kurtosis
--    40 to 60) stay outside the thresholds and are logged; with 30 they are
--    winsorised (10 to 18 points, the largest values)
SELECT p AS period, t.variable, t.treatment, t.n, round(t.skewness_before::numeric, 3) AS skew_before,
       round(t.kurtosis_before::numeric, 3) AS kurt_before, t.winsorised_low + t.winsorised_high AS moved,
       round(t.skewness_after::numeric, 3) AS skew_after, round(t.kurtosis_after::numeric, 3) AS kurt_after
FROM generate_series(2019, 2023) p CROSS JOIN LATERAL rezago.outlier_treatment(p, 'tr_coinr') t
ORDER BY 1, 2;
SELECT p AS period, t.variable, t.winsorised_low, t.winsorised_high, t.win_hi, cardinality(t.high_comunas) AS listed,
       round(t.skewness_after::numeric, 3) AS skew_after, round(t.kurtosis_after::numeric, 3) AS kurt_after
FROM generate_series(2019, 2023) p CROSS JOIN LATERAL rezago.outlier_treatment(p, 'tr_coinr30') t
WHERE t.treatment <> 'none' ORDER BY 1, 2;

-- 2. the treatment against the oracle's: the same limits, points, comunas
--    and log parameters; skewness and kurtosis to 1e-9
SELECT m.code, count(*) AS variable_periods,
       count(*) FILTER (WHERE r.win_lo IS DISTINCT FROM o.win_lo OR r.win_hi IS DISTINCT FROM o.win_hi
                          OR r.winsorised_low <> o.winsorised_low OR r.winsorised_high <> o.winsorised_high
                          OR r.low_comunas <> o.low_comunas OR r.high_comunas <> o.high_comunas
                          OR r.log_min IS DISTINCT FROM o.log_min OR r.log_offset IS DISTINCT FROM o.log_offset)
           AS treatment_differs,
       count(*) FILTER (WHERE abs(r.skewness_before - o.skewness_before) > 1e-9
                          OR abs(r.kurtosis_before - o.kurtosis_before) > 1e-9) AS moments_differ
FROM (VALUES ('tr_coinr'), ('tr_coinr30')) m(code)
CROSS JOIN generate_series(2019, 2023) p
JOIN LATERAL rezago.outlier_treatment(p, m.code) r ON true
JOIN LATERAL oracle.outlier_treatment(p, m.code) o ON o.variable = r.variable
GROUP BY m.code ORDER BY m.code;

-- 3. lag scores (every period), dimension scores (2023) and the comuna
--    index (2019, 2021, 2023) against the oracle, every variant (the
--    oracle's AMPI takes another algebra, M + S2/M on the 70-130 scale: equal
--    to 1e-12, section 5, not to the bit)
CREATE TEMP TABLE variants AS SELECT code FROM rezago.methodology WHERE code LIKE 'tr\_%';
SELECT v.code, count(*) AS scores,
       count(*) FILTER (WHERE o.cut IS NULL OR abs(r.score - o.score) > 1e-9) AS score_diff
FROM variants v CROSS JOIN generate_series(2019, 2023) p
JOIN LATERAL rezago.comuna_lag_scores(p, v.code) r ON true
LEFT JOIN LATERAL oracle.comuna_lag_scores(p, v.code) o ON o.cut = r.cut AND o.variable = r.variable
GROUP BY v.code ORDER BY v.code;
SELECT v.code, count(*) AS rows,
       count(*) FILTER (WHERE (r.score IS NULL) <> (o.score IS NULL) OR abs(r.score - o.score) > 1e-9
                          OR abs(r.coverage - o.coverage) > 1e-9) AS dimension_diff
FROM variants v CROSS JOIN (VALUES (2023)) y(p)
JOIN LATERAL rezago.comuna_dimension_scores(p, v.code) r ON true
JOIN LATERAL oracle.comuna_dimension_scores(p, v.code) o ON o.cut = r.cut AND o.dimension = r.dimension
GROUP BY v.code ORDER BY v.code;
SELECT v.code, count(*) AS comunas, count(r.index) AS indexed,
       count(*) FILTER (WHERE (r.index IS NULL) <> (o.index IS NULL) OR abs(r.index - o.index) > 1e-9
                          OR r.rank IS DISTINCT FROM o.rank) AS index_diff,
       count(*) FILTER (WHERE float8send(r.index) IS DISTINCT FROM float8send(o.index)) AS bits_differ
FROM variants v CROSS JOIN generate_series(2019, 2023, 2) p
JOIN LATERAL rezago.comuna_index(p, v.code) r ON true
JOIN LATERAL oracle.comuna_index(p, v.code) o ON o.cut = r.cut
GROUP BY v.code ORDER BY v.code;

-- 4. what the options change in 2023: rank correlation with sinim4 and the
--    comunas that leave its 30 most lagged
SELECT v.code, round(corr(a.rank, b.rank)::numeric, 4) AS spearman,
       count(*) FILTER (WHERE a.rank <= 30 AND NOT b.rank <= 30) AS leave_top30,
       max(abs(a.rank - b.rank)) AS largest_shift
FROM variants v
JOIN LATERAL rezago.comuna_index(2023, v.code) b ON true
JOIN rezago.comuna_index(2023, 'sinim4') a ON a.cut = b.cut
WHERE a.rank IS NOT NULL AND b.rank IS NOT NULL
GROUP BY v.code ORDER BY v.code;

-- 5. AMPI (aggregation ampi, doc/method.md 3.4) every period 2019-2023
--    against the oracle's (r = 70 + 60 s over the dimension scores, M + S2/M,
--    back to [0,1]): index to 1e-12, the same ranks and missing dimensions;
--    never below the arithmetic index of the same scores, never above 1
CREATE TEMP TABLE ampi AS
SELECT x.code, x.p, (x.c).* FROM (
    SELECT v.code, p, rezago.comuna_index(p, v.code) AS c
    FROM (VALUES ('tr_ampi'), ('tr_coinr_rank_ampi')) v(code) CROSS JOIN generate_series(2019, 2023) p) x;
SELECT a.code, a.p AS period, count(*) AS comunas, count(a.index) AS indexed,
       count(*) FILTER (WHERE (a.index IS NULL) <> (o.index IS NULL) OR abs(a.index - o.index) > 1e-12
                          OR a.rank IS DISTINCT FROM o.rank
                          OR a.missing_dimensions IS DISTINCT FROM o.missing_dimensions) AS oracle_differs,
       count(*) FILTER (WHERE a.index < m.index OR a.index > 1) AS out_of_bounds
FROM ampi a
JOIN (SELECT x.code, x.p, (x.o).cut, (x.o).index, (x.o).rank, (x.o).missing_dimensions
      FROM (SELECT c.code, c.p, oracle.comuna_index(c.p, c.code) AS o
            FROM (SELECT DISTINCT code, p FROM ampi) c) x) o
  ON o.code = a.code AND o.p = a.p AND o.cut = a.cut
JOIN (SELECT x.code, x.p, (x.c).cut, (x.c).index
      FROM (SELECT c.code, c.p,
                   rezago.comuna_index(c.p, CASE c.code WHEN 'tr_ampi' THEN 'sinim4' ELSE 'tr_coinr_rank' END) AS c
            FROM (SELECT DISTINCT code, p FROM ampi) c) x) m
  ON m.code = a.code AND m.p = a.p AND m.cut = a.cut
GROUP BY a.code, a.p ORDER BY a.code, a.p;
-- what the penalty does in 2023: the ten most lagged comunas under AMPI,
--    with their arithmetic rank and the spread of their dimension scores
SELECT a.rank AS ampi_rank, c.name, round(a.index::numeric, 4) AS ampi, m.rank AS arithmetic_rank,
       round(m.index::numeric, 4) AS arithmetic,
       (SELECT round((max(d.score) - min(d.score))::numeric, 3) FROM rezago.comuna_dimension_scores(2023, 'sinim4') d
        WHERE d.cut = a.cut) AS dimension_range
FROM ampi a JOIN rezago.comuna c USING (cut)
JOIN rezago.comuna_index(2023, 'sinim4') m USING (cut)
WHERE a.code = 'tr_ampi' AND a.p = 2023 AND a.rank <= 10 ORDER BY a.rank, c.name;
ROLLBACK;
