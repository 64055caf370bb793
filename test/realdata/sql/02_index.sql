-- The index on real SINIM data (loaded by 01_load), checked against the
-- plain-SQL oracle (test/oracle/oracle.sql: window functions and ordered
-- aggregates, no rezago function) for every period 2019-2023, to 1e-9.
-- (The oracle sums in rezago's canonical order: the values are in fact
-- equal to the last bit.)
SET extra_float_digits = 0;
-- the variables SINIM has, in three dimensions, equal weights, min-max,
-- min coverage 0.5 (so capital_institucional needs one of its two variables)
\i ../fixtures/sinim4_methodology.sql
SELECT * FROM rezago.methodology_weights('sinim4');

-- the plain-SQL oracle (test/oracle/oracle.sql), every period
\set ECHO none
\i ../oracle/oracle.sql
\set ECHO all
CREATE TEMP TABLE oracle_dim AS
SELECT p AS period, o.* FROM generate_series(2019, 2023) p
CROSS JOIN LATERAL oracle.comuna_dimension_scores(p, 'sinim4') o;
CREATE TEMP TABLE oracle_index AS
SELECT p AS period, o.* FROM generate_series(2019, 2023) p
CROSS JOIN LATERAL oracle.comuna_index(p, 'sinim4') o;

-- dimension scores and coverage: same rows, same values
CREATE TEMP TABLE got_dim AS
SELECT p AS period, r.* FROM generate_series(2019, 2023) p
CROSS JOIN LATERAL rezago.comuna_dimension_scores(p, 'sinim4') r;
SELECT coalesce(r.period, o.period) AS period, count(*) AS rows,
       count(*) FILTER (WHERE o.cut IS NULL OR r.cut IS NULL) AS unmatched,
       count(*) FILTER (WHERE (r.score IS NULL) <> (o.score IS NULL) OR abs(r.score - o.score) > 1e-9) AS score_diff,
       count(*) FILTER (WHERE abs(r.coverage - o.coverage) > 1e-9) AS coverage_diff
FROM got_dim r FULL JOIN oracle_dim o USING (period, cut, dimension)
GROUP BY 1 ORDER BY 1;

-- index and rank
SELECT p AS period, count(*) AS comunas, count(r.index) AS with_index,
       count(*) FILTER (WHERE (r.index IS NULL) <> (o.index IS NULL) OR abs(r.index - o.index) > 1e-9) AS index_diff,
       count(*) FILTER (WHERE r.rank IS DISTINCT FROM o.rank) AS rank_diff
FROM generate_series(2019, 2023) p
CROSS JOIN LATERAL rezago.comuna_index(p, 'sinim4') r
JOIN oracle_index o ON o.period = p AND o.cut = r.cut
GROUP BY p ORDER BY p;

-- a comuna without an index says which dimension is missing
SELECT cut, missing_dimensions FROM rezago.comuna_index(2023, 'sinim4')
WHERE index IS NULL ORDER BY cut LIMIT 5;

-- provinces as territories (two or more comunas): mean of member indices
INSERT INTO rezago.territory (code, name)
SELECT 'prov_' || provincia_code, min(provincia) FROM rezago.comuna GROUP BY provincia_code HAVING count(*) >= 2;
INSERT INTO rezago.territory_member (territory, cut)
SELECT 'prov_' || c.provincia_code, c.cut FROM rezago.comuna c
JOIN rezago.territory t ON t.code = 'prov_' || c.provincia_code;
SELECT p AS period, count(*) AS territories, count(r.index) AS with_index,
       count(*) FILTER (WHERE (r.index IS NULL) <> (o.index IS NULL) OR abs(r.index - o.index) > 1e-9) AS index_diff,
       count(*) FILTER (WHERE r.members <> o.members OR r.scored <> o.scored) AS count_diff
FROM generate_series(2019, 2023) p
CROSS JOIN LATERAL rezago.territory_index(p, 'sinim4') r
JOIN LATERAL oracle.territory_index(p, 'sinim4') o ON o.territory = r.territory
GROUP BY p ORDER BY p;

-- the README's example: unit_index_values over the raw observations (one
-- group per comuna, scored by variable_scoring) gives the oracle's index
SELECT p AS period, count(*) AS comunas, count(u.index) AS with_index,
       count(*) FILTER (WHERE (u.index IS NULL) <> (o.index IS NULL) OR abs(u.index - o.index) > 1e-9) AS index_diff
FROM generate_series(2019, 2023) p
CROSS JOIN LATERAL (
    SELECT ob.cut, rezago.unit_index_values(ob.variable, ob.value, s.variables, s.scoring, s.min_coverage) AS index
    FROM rezago.observation ob CROSS JOIN rezago.variable_scoring(p, 'sinim4') s
    WHERE ob.period = p
    GROUP BY ob.cut) u
JOIN oracle_index o ON o.period = p AND o.cut = u.cut
GROUP BY p ORDER BY p;

-- the five most lagged provinces in 2023 under this subset
SELECT r.rank, t.name, round(r.index::numeric, 6) AS index, r.members, r.scored
FROM rezago.territory_index(2023, 'sinim4') r JOIN rezago.territory t ON t.code = r.territory
ORDER BY r.rank LIMIT 5;
