-- Connected components in C (rezago.connected_components, rezago.component_count):
-- row rules, NULLs, self-loops, duplicates, order of the output, large
-- inputs, a plain-SQL oracle on a random graph, parallel aggregation.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
BEGIN;

-- empty input: NULL components (like array_agg), 0 components (like count)
SELECT rezago.connected_components(a, b) IS NULL AS components_null, rezago.component_count(a, b) AS n
FROM (VALUES (1::bigint, 2::bigint)) v(a, b) WHERE false;
-- only (NULL, NULL) rows: no node either
SELECT rezago.connected_components(a, b) IS NULL AS components_null, rezago.component_count(a, b) AS n
FROM (VALUES (NULL::bigint, NULL::bigint), (NULL, NULL)) v(a, b);

-- (a, NULL) and (NULL, a) add a node alone; (7, 7) is a self-loop; duplicate
-- and reversed edges change nothing.  By hand: {1,2,4}, {3}, {5}, {7}
SELECT rezago.connected_components(a, b), rezago.component_count(a, b)
FROM (VALUES (5, NULL), (NULL, 3), (7, 7), (1, 2), (2, 1), (1, 2), (2, 4)) v(a, b);

-- output order: largest component first, ties by smallest id; ids ascending
SELECT rezago.connected_components(a, b)
FROM (VALUES (30, 31), (10, 11), (20, 22), (22, 21), (9, NULL), (40, 12), (12, 11)) v(a, b);

-- any bigint, including the extremes and negatives; integer columns are cast
SELECT rezago.connected_components(a, b)
FROM (VALUES (-9223372036854775808, 9223372036854775807), (0, -1), (-1, NULL)) v(a, b);
SELECT rezago.connected_components(x, y) FROM (VALUES (1::integer, 2::integer), (3, 4), (4, 5)) v(x, y);

-- per group, as the territory functions use it
SELECT g, rezago.connected_components(a, b), rezago.component_count(a, b)
FROM (VALUES ('t1', 1, 2), ('t1', 3, NULL), ('t2', 1, 3), ('t2', 3, 2)) v(g, a, b)
GROUP BY g ORDER BY g;

-- large inputs: a path of 200000 nodes given backwards (deep trees for a
-- naive union-find), 100000 isolated nodes, a star of 100000 leaves
SELECT rezago.component_count(i, i - 1) AS path, pg_catalog.jsonb_array_length(rezago.connected_components(i, i - 1)) AS path_components
FROM generate_series(200000, 2, -1) i;
SELECT rezago.component_count(i, NULL) AS isolated FROM generate_series(1, 100000) i;
SELECT rezago.component_count(0, i) AS star,
       pg_catalog.jsonb_array_length(rezago.connected_components(0, i) -> 0) AS star_size
FROM generate_series(1, 100000) i;

-- oracle: a random graph (1000 nodes, 700 edges) against a recursive
-- plain-SQL labelling (each node labelled by the smallest id it reaches)
SELECT setseed(0.25);
CREATE TEMP TABLE rg_nodes AS SELECT i::bigint AS id FROM generate_series(1, 1000) i;
CREATE TEMP TABLE rg_edges AS
SELECT (1 + floor(random() * 1000))::bigint AS a, (1 + floor(random() * 1000))::bigint AS b
FROM generate_series(1, 700);
CREATE TEMP TABLE rg_oracle AS
WITH RECURSIVE sym AS (SELECT a, b FROM rg_edges UNION SELECT b, a FROM rg_edges),
reach (node, label) AS (
    SELECT id, id FROM rg_nodes
    UNION
    SELECT s.b, r.label FROM reach r JOIN sym s ON s.a = r.node
)
SELECT node, min(label) AS label FROM reach GROUP BY node;
CREATE TEMP TABLE rg_got AS
SELECT rezago.connected_components(a, b) AS comps
FROM (SELECT id AS a, NULL::bigint AS b FROM rg_nodes UNION ALL SELECT a, b FROM rg_edges) x;
-- same partition: every component of the aggregate is one oracle label, whole
WITH got AS (
    SELECT c.ord, x.node::bigint AS node
    FROM rg_got, jsonb_array_elements(comps) WITH ORDINALITY c(comp, ord),
         jsonb_array_elements_text(c.comp) x(node)
)
SELECT (SELECT count(DISTINCT label) FROM rg_oracle) AS oracle_components,
       (SELECT jsonb_array_length(comps) FROM rg_got) AS components,
       (SELECT count(*) FROM got) AS nodes,
       (SELECT count(*) FROM (SELECT got.ord FROM got JOIN rg_oracle o ON o.node = got.node
                               GROUP BY got.ord HAVING count(DISTINCT o.label) > 1) split) AS split_components,
       (SELECT count(*) FROM (SELECT o.label FROM got JOIN rg_oracle o ON o.node = got.node
                               GROUP BY o.label HAVING count(DISTINCT got.ord) > 1) merged) AS merged_labels,
       (SELECT bool_and(s.sz <= coalesce(s.lag_sz, s.sz))
        FROM (SELECT ord, count(*) AS sz, lag(count(*)) OVER (ORDER BY ord) AS lag_sz FROM got GROUP BY ord) s) AS largest_first;

-- parallel aggregation (combine, serialise, deserialise) gives the same result
CREATE TEMP TABLE par_edges AS
SELECT (i % 50000)::bigint AS a, ((i * 7919) % 50000)::bigint AS b FROM generate_series(1, 60000) i;
CREATE TABLE rezago_par_edges AS SELECT * FROM par_edges;
ANALYZE rezago_par_edges;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE par_serial AS
SELECT rezago.connected_components(a, b) AS c, rezago.component_count(a, b) AS n FROM rezago_par_edges;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT rezago.connected_components(a, b), rezago.component_count(a, b) FROM rezago_par_edges;
SELECT p.n AS parallel_count, s.n AS serial_count, p.c = s.c AS same_components
FROM (SELECT rezago.connected_components(a, b) AS c, rezago.component_count(a, b) AS n FROM rezago_par_edges) p,
     par_serial s;
ROLLBACK;
