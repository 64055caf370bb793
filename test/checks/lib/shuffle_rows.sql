-- Rewrites the rows of rezago.comuna, rezago.territory_member and
-- rezago.observation in a random physical (heap) order, same rows, for
-- reproducible.sh: results must not depend on the order in which a scan
-- meets the rows.  psql -v seed=S (a float in [-1, 1]) makes the order
-- reproducible.  Prints one line per table:
--   table|rows|rows now elsewhere in the heap order|first keys before|after
-- (reproducible.sh checks that the order changed).
--
-- The foreign keys to rezago.comuna are not deferrable (territory.centre_cut,
-- territory_member.cut, observation.cut; adjacency_link would even be
-- deleted by ON DELETE CASCADE), so the rows are put back with
-- session_replication_role = replica, which turns off the foreign-key
-- triggers and the territory geometry triggers for this transaction; the
-- rows are the same, so no reference can break, and the territory
-- geometries are recomputed afterwards (rezago.refresh_territory_geometry,
-- which unites the members in their new order).  None of the three tables
-- has built-in (protected) rows.
\set ON_ERROR_STOP on
BEGIN;
SELECT pg_catalog.setseed(:'seed') \gset
CREATE TEMP TABLE shuffle_key (tbl text, key text, before_pos bigint);
INSERT INTO shuffle_key
SELECT 'rezago.comuna', c.cut::text, row_number() OVER (ORDER BY c.ctid) FROM rezago.comuna c;
INSERT INTO shuffle_key
SELECT 'rezago.territory_member', m.territory || ':' || m.cut, row_number() OVER (ORDER BY m.ctid) FROM rezago.territory_member m;
INSERT INTO shuffle_key
SELECT 'rezago.observation', o.cut || ':' || o.variable || ':' || o.period, row_number() OVER (ORDER BY o.ctid)
FROM rezago.observation o;

CREATE TEMP TABLE shuffle_comuna AS SELECT * FROM rezago.comuna;
CREATE TEMP TABLE shuffle_member AS SELECT * FROM rezago.territory_member;
CREATE TEMP TABLE shuffle_observation AS SELECT * FROM rezago.observation;
SET LOCAL session_replication_role = replica;
DELETE FROM rezago.observation;
DELETE FROM rezago.territory_member;
DELETE FROM rezago.comuna;
INSERT INTO rezago.comuna SELECT * FROM shuffle_comuna ORDER BY random();
INSERT INTO rezago.territory_member SELECT * FROM shuffle_member ORDER BY random();
INSERT INTO rezago.observation SELECT * FROM shuffle_observation ORDER BY random();
SET LOCAL session_replication_role = origin;
SELECT rezago.refresh_territory_geometry() AS territories_united \gset

-- the order now, compared with the order before
SELECT k.tbl, count(*), count(*) FILTER (WHERE k.before_pos <> n.after_pos),
       string_agg(k.key, ',' ORDER BY k.before_pos) FILTER (WHERE k.before_pos <= 4),
       string_agg(k.key, ',' ORDER BY n.after_pos) FILTER (WHERE n.after_pos <= 4)
FROM shuffle_key k
JOIN (SELECT 'rezago.comuna' AS tbl, c.cut::text AS key, row_number() OVER (ORDER BY c.ctid) AS after_pos
      FROM rezago.comuna c
      UNION ALL
      SELECT 'rezago.territory_member', m.territory || ':' || m.cut, row_number() OVER (ORDER BY m.ctid)
      FROM rezago.territory_member m
      UNION ALL
      SELECT 'rezago.observation', o.cut || ':' || o.variable || ':' || o.period, row_number() OVER (ORDER BY o.ctid)
      FROM rezago.observation o) n USING (tbl, key)
GROUP BY k.tbl ORDER BY k.tbl;
COMMIT;
