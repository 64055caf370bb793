-- The statistics of the audit (doc/method.md section 13) by hand:
-- rezago.distribution_moments, rezago.correlation and rezago.reliability on
-- small samples worked out on paper, asserted to 1e-12.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
\set VERBOSITY default

-- 1. Moments of {1, 2, 3, 4, 10}: n 5, mean 4; deviations -3 -2 -1 0 6,
--    squares 9 4 1 0 36 = 50, sd = sqrt(50/4) = 3.5355339059327378;
--    cubes -27 -8 -1 0 216 = 180, sum z^3 = 180 / 12.5^1.5 = 4.0729292,
--    G1 = 5 / (4 x 3) x 4.0729292 = 1.697056274847714;
--    fourth powers 81 16 1 0 1296 = 1394, sum z^4 = 1394 / 156.25 = 8.9216,
--    G2 = 5 x 6 / (4 x 3 x 2) x 8.9216 - 3 x 16 / (3 x 2) = 11.152 - 8 = 3.152.
SELECT m[1] AS n, m[2] AS mean, abs(m[3] - 3.5355339059327378) < 1e-12 AS sd_ok,
       abs(m[4] - 1.697056274847714) < 1e-12 AS skewness_ok, abs(m[5] - 3.152) < 1e-12 AS kurtosis_ok
FROM rezago.distribution_moments(ARRAY[10, 3, 1, 4, 2]::float8[]) m;
-- the same multiset in any order and any shape gives the same bits
SELECT rezago.distribution_moments(ARRAY[1, 2, 3, 4, 10]::float8[])
     = rezago.distribution_moments(ARRAY[[4, 10], [3, 1]]::float8[] || ARRAY[[2, NULL]]::float8[]) AS same_bits;
-- NULL, NaN and +/-Infinity are missing: {1, 2} remain, mean 1.5, sd
-- sqrt(0.5) = 0.70710678; skewness needs 3 values, kurtosis 4
SELECT rezago.distribution_moments(ARRAY[1, NULL, 'NaN', 'Infinity', '-Infinity', 2]::float8[]);
-- constant: sd 0, skewness and kurtosis undefined; empty: n 0; NULL: NULL
SELECT rezago.distribution_moments(ARRAY[3, 3, 3, 3]::float8[]) AS constant,
       rezago.distribution_moments(ARRAY[]::float8[]) AS empty,
       rezago.distribution_moments(NULL) AS null_array;
-- huge values do not overflow (the sums are scaled)
SELECT m[2] = 2e307 AS mean_ok, abs(m[4]) < 1e-12 AS skewness_zero FROM rezago.distribution_moments(ARRAY[1e307, 2e307, 3e307]::float8[]) m;

-- 2. Correlations of x = (1, 2, 3, 4, 5), y = (2, 4, 5, 4, 5):
--    pearson: dx = -2 -1 0 1 2, dy = -2 0 1 0 1, sxy = 6, sxx = 10, syy = 6,
--      r = 6 / sqrt(60) = 0.7745966692414834;
--    spearman: ranks of y 1, 2.5, 4.5, 2.5, 4.5 (ties averaged), dy = -2
--      -0.5 1.5 -0.5 1.5, sxy = 7, syy = 9, r = 7 / sqrt(90) = 0.7378647873726218;
--    kendall: of the 10 pairs 7 concordant, 1 discordant (y3 > y4), 2 tied
--      in y, none in x: tau-b = 6 / sqrt(10 x 8) = 0.6708203932499369.
SELECT m AS method, round(rezago.correlation(ARRAY[1, 2, 3, 4, 5]::float8[], ARRAY[2, 4, 5, 4, 5]::float8[], m)::numeric, 12) AS r,
       abs(rezago.correlation(ARRAY[1, 2, 3, 4, 5]::float8[], ARRAY[2, 4, 5, 4, 5]::float8[], m)
           - CASE m WHEN 'pearson' THEN 0.7745966692414834 WHEN 'spearman' THEN 0.7378647873726218
                    ELSE 0.6708203932499369 END) < 1e-12 AS ok
FROM unnest(ARRAY['pearson', 'spearman', 'kendall']) m;
-- pearson is the default; a reversed y gives -r; pair order does not matter
SELECT rezago.correlation(ARRAY[1, 2, 3, 4, 5]::float8[], ARRAY[2, 4, 5, 4, 5]::float8[])
     = rezago.correlation(ARRAY[5, 3, 1, 2, 4]::float8[], ARRAY[5, 5, 2, 4, 4]::float8[]) AS order_free,
       rezago.correlation(ARRAY[1, 2, 3, 4, 5]::float8[], ARRAY[-2, -4, -5, -4, -5]::float8[], 'kendall') AS reversed_kendall;
-- only complete pairs count: (1, 2) and (2, 4) remain, r = 1; one pair or a
-- constant side: NULL
SELECT rezago.correlation(ARRAY[1, 2, 3, NULL]::float8[], ARRAY[2, 4, 'NaN', 5]::float8[]) AS two_pairs,
       rezago.correlation(ARRAY[1, NULL]::float8[], ARRAY[2, 3]::float8[]) AS one_pair,
       rezago.correlation(ARRAY[1, 2, 3]::float8[], ARRAY[7, 7, 7]::float8[], 'spearman') AS constant,
       rezago.correlation(NULL, ARRAY[1, 2]::float8[]) AS null_arg;
-- errors: lengths differ, unknown method
SELECT rezago.correlation(ARRAY[1, 2, 3]::float8[], ARRAY[1, 2]::float8[]);
SELECT rezago.correlation(ARRAY[1, 2]::float8[], ARRAY[1, 2]::float8[], 'Pearson');
-- A call site keeps the order of each array it has seen (64 at most,
-- src/audit_correlation.c), which only spares sorts: 70 series (missing
-- values, ties, signed zeros, magnitudes 1 to 1e4) correlated in one query,
-- 210 pairs by each method, equal bit for bit the same pairs each computed
-- by a call site of its own (EXECUTE plans each call anew); 60 are NULL
-- (six series have no value: 11 divides k).  Both sides use kept orders
-- (only arrays above a quarter of work_mem go without): that orders leave
-- every bit as it was without them was checked against the build before
-- them (doc/performance.md), and section 2's values are worked by hand.
CREATE TEMP TABLE corr_series AS
SELECT k, array_agg(CASE WHEN (k * i) % 11 = 0 THEN NULL
                         WHEN k % 3 = 0 THEN round(sin(k * i) * 3)
                         WHEN k % 7 = 0 AND i % 4 = 0 THEN -0.0::float8
                         ELSE sin(k * i + k) * 10 ^ (k % 5) END ORDER BY i) AS a
FROM generate_series(1, 70) k CROSS JOIN generate_series(1, 30) i GROUP BY k;
CREATE FUNCTION pg_temp.correlation_alone(x float8[], y float8[], m text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE r float8;
BEGIN
    EXECUTE 'SELECT rezago.correlation($1, $2, $3)' INTO r USING x, y, m;
    RETURN r;
END $$;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE shared IS DISTINCT FROM pg_temp.correlation_alone(xa, ya, m)) AS differing,
       count(shared) AS defined
FROM (SELECT m, x.a AS xa, y.a AS ya, rezago.correlation(x.a, y.a, m) AS shared
      FROM unnest(ARRAY['pearson', 'spearman']) m
      CROSS JOIN corr_series x
      JOIN corr_series y ON y.k IN (x.k, x.k % 70 + 1, (x.k + 6) % 70 + 1) OFFSET 0) pairs;

-- 3. Reliability.  Two items over four units, a = (1, 2, 3, 4),
--    b = (2, 1, 4, 3) (a fifth row with a missing item is left out):
--    var a = var b = 5/3; totals 3 3 7 7, var 16/3;
--    alpha = 2 / 1 x (1 - (10/3) / (16/3)) = 0.75; corr(a, b) = 3 / 5 = 0.6,
--    eigenvalues of [[1, .6], [.6, 1]]: 1.6 and 0.4, share 1.6 / 2 = 0.8.
SELECT r[1] AS n, r[2] AS k, abs(r[3] - 0.75) < 1e-12 AS alpha_ok, abs(r[4] - 1.6) < 1e-12 AS eigenvalue_ok,
       abs(r[5] - 0.8) < 1e-12 AS share_ok
FROM rezago.reliability(ARRAY[[1, 2], [2, 1], [3, 4], [4, 3], [5, NULL]]::float8[]) r;
-- Three items, c = a: the correlation matrix [[1, .6, 1], [.6, 1, .6],
--    [1, .6, 1]] has eigenvalue 0 on (1, 0, -1); on (1, 0, 1)/sqrt 2 and
--    (0, 1, 0) it is [[2, .6 sqrt 2], [.6 sqrt 2, 1]], trace 3, det 1.28:
--    (3 +- sqrt 3.88) / 2 = 2.4848857801796105 and 0.5151142198203895,
--    share 0.8282952600598702.  Totals 4 5 10 11, var 37/3; alpha = 3/2 x
--    (1 - 5 / (37/3)) = 33/37 = 0.8918918918918919.
SELECT r[1] AS n, r[2] AS k, abs(r[3] - 33.0 / 37) < 1e-12 AS alpha_ok,
       abs(r[4] - 2.4848857801796105) < 1e-12 AS eigenvalue_ok, abs(r[5] - 0.8282952600598702) < 1e-12 AS share_ok
FROM rezago.reliability(ARRAY[[1, 2, 1], [2, 1, 2], [3, 4, 3], [4, 3, 4]]::float8[]) r;
-- one item: no alpha, the only component has it all; a constant item: no
-- components; no complete row; empty; NULL
SELECT rezago.reliability(ARRAY[[1], [2], [4]]::float8[]) AS one_item,
       rezago.reliability(ARRAY[[1, 5], [2, 5], [4, 5]]::float8[]) AS constant_item,
       rezago.reliability(ARRAY[[1, NULL], [NULL, 2]]::float8[]) AS no_complete_row,
       rezago.reliability(ARRAY[]::float8[]) AS empty,
       rezago.reliability(NULL) AS null_array;
-- errors: a one-dimensional array
SELECT rezago.reliability(ARRAY[1, 2, 3]::float8[]);
