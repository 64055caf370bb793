-- Side by side in one run (run by test/bench/sources_compare.sh): the
-- whole-population step and the index over rezago.observation and over a
-- copy table, timed in this build and, interleaved call by call, in a
-- previous build in another cluster (dblink, psql variable before_conn),
-- both loaded with the same real data.  Prints figures and ratios, asserts
-- only that both builds give the same rows.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
-- the same setup on both sides
CREATE TEMP TABLE setup (n int, q text);
INSERT INTO setup VALUES
 (1, $q$SELECT rezago.copy_methodology('sinim4', m) FROM unnest(ARRAY['sinim4_age1', 'sinim4_rank', 'sinim4_z']) m$q$),
 (2, $q$UPDATE rezago.methodology SET max_data_age = 1 WHERE code = 'sinim4_age1'$q$),
 (3, $q$UPDATE rezago.methodology SET normalisation = 'rank' WHERE code = 'sinim4_rank'$q$),
 (4, $q$UPDATE rezago.methodology SET normalisation = 'zscore' WHERE code = 'sinim4_z'$q$),
 (5, $q$SELECT setseed(0.42)::text$q$),
 (6, $q$CREATE TABLE obs_copy AS SELECT * FROM rezago.observation ORDER BY random()$q$),
 (7, $q$ANALYZE obs_copy$q$),
 (10, $q$SELECT count(territory) FROM rezago.create_province_territories()$q$),
 (8, $q$CREATE FUNCTION public.bench_ms(q text) RETURNS double precision LANGUAGE plpgsql AS $f$
        DECLARE t0 timestamptz := clock_timestamp();
        BEGIN
            EXECUTE 'SELECT sum(length(x::text)) FROM (' || q || ') x';  -- every column computed
            RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
        END $f$$q$),
 (9, $q$CREATE FUNCTION public.bench_digest(q text) RETURNS text LANGUAGE plpgsql AS $f$
        DECLARE d text;
        BEGIN
            SET LOCAL extra_float_digits = 3;
            EXECUTE format('SELECT md5(string_agg(r::text, E''\n'' ORDER BY r::text)) FROM (%s) r', q) INTO d;
            RETURN d;
        END $f$$q$);
SELECT dblink_connect('before', :'before_conn');
-- this build is timed through dblink too (a connection to this cluster), so
-- that both run each call as a statement of its own, in its own transaction
SELECT dblink_connect('after', :'after_conn');
DO $$
DECLARE s record;
BEGIN
    FOR s IN SELECT * FROM setup ORDER BY n LOOP
        EXECUTE s.q;
        -- dblink_exec runs no statement that returns rows: a SELECT's rows go to a temporary table
        PERFORM dblink_exec('before', CASE WHEN s.q ~ '^SELECT' THEN 'CREATE TEMP TABLE setup_' || s.n || ' AS ' || s.q ELSE s.q END);
    END LOOP;
END $$;

CREATE TEMP TABLE calls (n int, call text, source text, q text);
INSERT INTO calls
SELECT row_number() OVER (), c.call, s.source,
       format(c.q, CASE s.source WHEN 'copy' THEN ', observations => ''obs_copy''' ELSE '' END)
FROM (VALUES ('scoring_rows sinim4',       'SELECT * FROM rezago.scoring_rows(2023, ''sinim4''%s)'),
             ('variable_scoring sinim4',   'SELECT variables, scoring FROM rezago.variable_scoring(2023, ''sinim4''%s)'),
             ('comuna_unit_states sinim4', 'SELECT * FROM rezago.comuna_unit_states(2023, ''sinim4''%s)'),
             ('comuna_unit_states age 1',  'SELECT * FROM rezago.comuna_unit_states(2023, ''sinim4_age1''%s)'),
             ('comuna_unit_states rank',   'SELECT * FROM rezago.comuna_unit_states(2023, ''sinim4_rank''%s)'),
             ('comuna_unit_states zscore', 'SELECT * FROM rezago.comuna_unit_states(2023, ''sinim4_z''%s)'),
             ('comuna_index sinim4',       'SELECT * FROM rezago.comuna_index(2023, ''sinim4''%s)'),
             ('territory_index rank',      'SELECT * FROM rezago.territory_index(2023, ''sinim4_rank''%s)')) c(call, q)
CROSS JOIN (VALUES ('observation'), ('copy')) s(source);

-- the same rows in both builds (expected: t everywhere)
SELECT c.call, c.source,
       public.bench_digest(c.q) = (SELECT d FROM dblink('before', format('SELECT public.bench_digest(%L)', c.q)) AS t(d text)) AS same_rows
FROM calls c ORDER BY c.n;

-- timings: each call once per round, before and after interleaved, the
-- order of the two swapped every round; best of :rounds
CREATE TEMP TABLE timing (n int, build text, ms double precision);
DO $$
DECLARE c record; r int;
BEGIN
    FOR r IN 1..current_setting('bench.rounds')::int LOOP
        FOR c IN SELECT * FROM calls ORDER BY n LOOP
            IF r % 2 = 0 THEN
                INSERT INTO timing SELECT c.n, 'after', t.ms
                FROM dblink('after', format('SELECT public.bench_ms(%L)', c.q)) AS t(ms double precision);
            END IF;
            INSERT INTO timing SELECT c.n, 'before', t.ms
            FROM dblink('before', format('SELECT public.bench_ms(%L)', c.q)) AS t(ms double precision);
            IF r % 2 = 1 THEN
                INSERT INTO timing SELECT c.n, 'after', t.ms
                FROM dblink('after', format('SELECT public.bench_ms(%L)', c.q)) AS t(ms double precision);
            END IF;
        END LOOP;
    END LOOP;
END $$;
SELECT c.call, c.source,
       round(min(t.ms) FILTER (WHERE t.build = 'before')::numeric, 1) AS before_ms,
       round(min(t.ms) FILTER (WHERE t.build = 'after')::numeric, 1) AS after_ms,
       round((min(t.ms) FILTER (WHERE t.build = 'after') / min(t.ms) FILTER (WHERE t.build = 'before'))::numeric, 2) AS after_over_before
FROM calls c JOIN timing t USING (n)
GROUP BY c.n, c.call, c.source ORDER BY c.n;
-- copy over rezago.observation, in each build
SELECT c.call,
       round((min(t.ms) FILTER (WHERE t.build = 'before' AND c.source = 'copy')
              / min(t.ms) FILTER (WHERE t.build = 'before' AND c.source = 'observation'))::numeric, 2) AS before_copy_ratio,
       round((min(t.ms) FILTER (WHERE t.build = 'after' AND c.source = 'copy')
              / min(t.ms) FILTER (WHERE t.build = 'after' AND c.source = 'observation'))::numeric, 2) AS after_copy_ratio
FROM calls c JOIN timing t USING (n)
GROUP BY c.call ORDER BY min(c.n);
SELECT dblink_disconnect('before'), dblink_disconnect('after');
