-- Geometric aggregation by hand (doc/method.md section 9): four
-- comunas, two dimensions of one variable each, one territory per comuna.
-- Values worked out on paper (and checked in Python), asserted to 1e-12.
--   agrupaciones_sociales (capital_social):      X 4, Y 0, Z 10, W 10
--   gasto_municipal (capital_institucional):     X 4, Y 9, Z 10, W 0
-- min-max lag scores (polarity +1, min 0, max 10): A = X .6, Y 1, Z 0, W 0;
--   B = X .6, Y .1, Z 0, W 1.  Arithmetic index: X .6, Y .55, Z 0, W .5.
-- Geometric: achievement a = 1 - s, p = 1 + 99 a, P = sqrt(p_A p_B),
--   index = 1 - (P - 1)/99:  X (balanced) .6 as under the arithmetic mean;
--   Y: p = (1, 90.1), P = 9.49210, index 0.914221192120531;
--   W: p = (100, 1), P = 10, index 1 - 9/99 = 0.909090909090909; Z 0.
--   The unbalanced Y and W overtake X: ranks X1 Y2 W3 Z4 become Y1 W2 X3 Z4.
-- z-scores (sample sd: A sd = sqrt(24), B sd = sqrt(64.75/3)): a = z_max - z,
--   index X 0.161545748417375, Y 0.869850864920103, Z -1.09613038404882,
--   W 0.866154384806984 (arithmetic: X 0.392466846107153, Y 0.262593134070384,
--   Z -0.865651992589400, W 0.210592012411863).
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
BEGIN;
INSERT INTO rezago.methodology (code, name, min_coverage) VALUES ('geo_toy', 'geometric hand example', 0.5);
INSERT INTO rezago.methodology_dimension VALUES ('geo_toy', 'capital_social', 1), ('geo_toy', 'capital_institucional', 1);
INSERT INTO rezago.methodology_variable (methodology, variable) VALUES
  ('geo_toy', 'agrupaciones_sociales'), ('geo_toy', 'gasto_municipal');
INSERT INTO rezago.comuna (cut, name) VALUES (201, 'X'), (202, 'Y'), (203, 'Z'), (204, 'W');
INSERT INTO rezago.observation (cut, variable, period, value) VALUES
  (201, 'agrupaciones_sociales', 2020, 4), (202, 'agrupaciones_sociales', 2020, 0),
  (203, 'agrupaciones_sociales', 2020, 10), (204, 'agrupaciones_sociales', 2020, 10),
  (201, 'gasto_municipal', 2020, 4), (202, 'gasto_municipal', 2020, 9),
  (203, 'gasto_municipal', 2020, 10), (204, 'gasto_municipal', 2020, 0);
INSERT INTO rezago.territory (code, name) VALUES ('tX', 'X'), ('tY', 'Y'), ('tZ', 'Z'), ('tW', 'W');
INSERT INTO rezago.territory_member VALUES ('tX', 201), ('tY', 202), ('tZ', 203), ('tW', 204);

CREATE TEMP TABLE want (normalisation text, aggregation text, territory text, index float8, rank bigint);
INSERT INTO want VALUES
  ('minmax', 'arithmetic', 'tX', 0.6, 1), ('minmax', 'arithmetic', 'tY', 0.55, 2),
  ('minmax', 'arithmetic', 'tW', 0.5, 3), ('minmax', 'arithmetic', 'tZ', 0, 4),
  ('minmax', 'geometric', 'tY', 0.914221192120531, 1), ('minmax', 'geometric', 'tW', 0.909090909090909, 2),
  ('minmax', 'geometric', 'tX', 0.6, 3), ('minmax', 'geometric', 'tZ', 0, 4),
  ('zscore', 'arithmetic', 'tX', 0.392466846107153, 1), ('zscore', 'arithmetic', 'tY', 0.262593134070384, 2),
  ('zscore', 'arithmetic', 'tW', 0.210592012411863, 3), ('zscore', 'arithmetic', 'tZ', -0.865651992589400, 4),
  ('zscore', 'geometric', 'tY', 0.869850864920103, 1), ('zscore', 'geometric', 'tW', 0.866154384806984, 2),
  ('zscore', 'geometric', 'tX', 0.161545748417375, 3), ('zscore', 'geometric', 'tZ', -1.09613038404882, 4);

-- every combination of the two normalisations and two aggregations is drawn
-- in 40 runs; each run gives the hand values of its combination
SELECT u.normalisation, u.aggregation, count(DISTINCT u.run) AS runs,
       string_agg(DISTINCT '#' || u.rank || ' ' || u.territory || ' ' || round(u.index::numeric, 6), ', ') AS ranking,
       count(*) FILTER (WHERE abs(u.index - w.index) > 1e-12 OR u.rank <> w.rank) / count(DISTINCT u.run) AS wrong
FROM rezago.uncertainty_runs(2020, 40, 1, 'geo_toy', true, true, 0, false, ARRAY['minmax', 'zscore']) u
JOIN want w USING (normalisation, aggregation, territory)
WHERE u.run > 0
GROUP BY u.normalisation, u.aggregation ORDER BY 1, 2;
-- the probability of ranking first follows: tX first in the arithmetic runs, tY in the geometric ones
SELECT territory, nominal_rank, best_rank, worst_rank, top_n_probability AS p_first,
       (SELECT count(DISTINCT run) FILTER (WHERE aggregation = 'arithmetic')::float8 / 40
        FROM rezago.uncertainty_draws(40, 1, 'geo_toy', true, true, 0, false, ARRAY['minmax', 'zscore']) d
        WHERE d.run > 0) AS share_arithmetic_runs
FROM rezago.rank_uncertainty(2020, 40, 1, 'geo_toy', true, true, 0, false, ARRAY['minmax', 'zscore'], top_n => 1)
ORDER BY territory;
ROLLBACK;
