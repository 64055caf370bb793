-- NULL, NaN and Infinity policy of every core C function (doc/reference.md,
-- "C building blocks"), and their errors with SQLSTATE, detail and hint.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
SET extra_float_digits = 0;
\set VERBOSITY default
\set SHOW_CONTEXT never
-- SQLSTATEs are echoed after each error (not VERBOSITY verbose, whose LOCATION
-- lines carry source line numbers that change with any edit or PostgreSQL release)

-- lag_score: values by hand
SELECT rezago.lag_score(25, 10, 50, 1) AS plus,          -- (50-25)/40 = 0.625
       rezago.lag_score(25, 10, 50, -1) AS minus,        -- (25-10)/40 = 0.375
       rezago.lag_score(7, 7, 7, 1) AS constant,         -- max = min -> 0
       rezago.lag_score(0, 10, 50, 1) AS clamped_high,   -- below min -> 1
       rezago.lag_score(99, 10, 50, 1) AS clamped_low,   -- above max -> 0
       rezago.lag_score(0, -1.5e308, 1.5e308, 1) AS huge_range,  -- 0.5 without overflow
       rezago.lag_score(1e-300, 0, 2e-300, -1) AS tiny;  -- 0.5
-- NULL and non-finite values are missing; NULL parameters give NULL
SELECT rezago.lag_score(NULL, 0, 1, 1) IS NULL AS null_value,
       rezago.lag_score('NaN', 0, 1, 1) IS NULL AS nan_value,
       rezago.lag_score('Infinity', 0, 1, 1) IS NULL AS inf_value,
       rezago.lag_score('-Infinity', 0, 1, 1) IS NULL AS minus_inf_value,
       rezago.lag_score(1, NULL, 1, 1) IS NULL AS null_min,
       rezago.lag_score(1, 0, 1, NULL) IS NULL AS null_polarity;
SELECT rezago.lag_score(1, 'NaN', 1, 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.lag_score(1, 0, 'Infinity', 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.lag_score(1, 5, 1, 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.lag_score(1, 0, 1, 0);
\echo sqlstate :LAST_ERROR_SQLSTATE

-- lag_score_zscore
SELECT rezago.lag_score_zscore(10, 28, 2, 1) AS plus,    -- -(10-28)/2 = 9
       rezago.lag_score_zscore(10, 28, 2, -1) AS minus,  -- (10-28)/2 = -9
       rezago.lag_score_zscore(10, 28, 0, 1) AS zero_sd,
       rezago.lag_score_zscore('NaN', 28, 2, 1) IS NULL AS nan_value;
SELECT rezago.lag_score_zscore(1, 0, -1, 1);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.lag_score_zscore(1, '-Infinity', 1, 1);
\echo sqlstate :LAST_ERROR_SQLSTATE

-- dimension_score / dimension_coverage / territory_average
SELECT rezago.dimension_score(s, w) AS score, rezago.dimension_coverage(s, w) AS coverage
FROM (VALUES (1.0::float8, 1.0::float8), (0.5, 3), (NULL, 4), (0.2, 0)) v(s, w);
-- (1*1 + 0.5*3)/4 = 0.625; coverage 4/8 = 0.5; the zero-weight row is left out
SELECT rezago.dimension_score(s, w, 0.6) IS NULL AS below_min_coverage,
       rezago.dimension_score(s, w, 0.5) AS at_min_coverage
FROM (VALUES (1.0::float8, 1.0::float8), (0.5, 3), (NULL, 4)) v(s, w);
-- declared total weight: rows for missing items are not needed
SELECT rezago.dimension_score(s, w, 0.5, 8) AS score, rezago.dimension_coverage(s, w, 8) AS coverage
FROM (VALUES (1.0::float8, 1.0::float8), (0.5, 3)) v(s, w);
SELECT rezago.dimension_score(s, w, 0.6, 8) IS NULL AS below
FROM (VALUES (1.0::float8, 1.0::float8), (0.5, 3)) v(s, w);
-- empty input, all missing, all weights zero
SELECT rezago.dimension_score(s, w) IS NULL AS empty, rezago.dimension_coverage(s, w) IS NULL AS empty_cov,
       rezago.territory_average(s) IS NULL AS empty_avg
FROM (VALUES (1.0::float8, 1.0::float8)) v(s, w) WHERE false;
SELECT rezago.dimension_score(NULL::float8, 1) IS NULL AS all_missing, rezago.dimension_coverage(NULL::float8, 1) AS cov,
       rezago.dimension_score(1, 0) IS NULL AS zero_weight, rezago.dimension_coverage(1, 0) IS NULL AS zero_weight_cov;
SELECT rezago.territory_average(s) AS avg, count(s) AS scored
FROM (VALUES (0.25::float8), (NULL), (0.75)) v(s);
-- errors
SELECT rezago.dimension_score(s, w) FROM (VALUES ('NaN'::float8, 1.0::float8)) v(s, w);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(s, w) FROM (VALUES ('Infinity'::float8, 1.0::float8)) v(s, w);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(s, w) FROM (VALUES (0.5::float8, NULL::float8)) v(s, w);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(s, w) FROM (VALUES (0.5::float8, -1::float8)) v(s, w);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(s, w) FROM (VALUES (0.5::float8, 'Infinity'::float8)) v(s, w);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(s, w, c) FROM (VALUES (0.5::float8, 1::float8, 0.5::float8), (0.5, 1, 0.7)) v(s, w, c);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(0.5, 1, 1.5);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(0.5, 1, NULL);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(s, w, 0, 1) FROM (VALUES (0.5::float8, 1::float8), (0.5, 1)) v(s, w);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.dimension_score(0.5, 1, 0, 0);
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.territory_average('-Infinity');
\echo sqlstate :LAST_ERROR_SQLSTATE
-- support functions called directly with a forged state
SELECT rezago.weighted_mean_final('{1,2}');
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT rezago.weighted_mean_combine('{0,0,0,0,0}', '{0,0,NULL,0,0}');
\echo sqlstate :LAST_ERROR_SQLSTATE

-- methodology errors
SELECT * FROM rezago.comuna_index(2020, 'no_such_methodology');
\echo sqlstate :LAST_ERROR_SQLSTATE
BEGIN;
INSERT INTO rezago.methodology (code, name) VALUES ('empty', 'no weights');
SELECT * FROM rezago.comuna_index(2020, 'empty');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK;
-- built-in rows are read-only
UPDATE rezago.methodology_dimension SET weight = 2 WHERE methodology = 'ufro2017' AND dimension = 'capital_social';
\echo sqlstate :LAST_ERROR_SQLSTATE
DELETE FROM rezago.variable WHERE code = 'antenas';
\echo sqlstate :LAST_ERROR_SQLSTATE
-- observations refuse NaN and infinities even outside the loader
BEGIN;
INSERT INTO rezago.comuna (cut, name) VALUES (101, 'Uno');
INSERT INTO rezago.observation VALUES (101, 'antenas', 2020, 'NaN');
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK;
