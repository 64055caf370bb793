-- Planner settings for the plan named by psql variable plan (included by
-- record_results.sql; reproducible.sh also runs it before refreshing the
-- materialised views, so that they are computed under the same plan):
--   serial    no parallel workers, no JIT: the canonical plan (default)
--   parallel  parallel plans forced wherever the planner can make one
--   jit       serial, every query JIT-compiled with inlining and
--             optimisation (inlining brings the extension's own bitcode in)
\if :{?plan}
\else
\set plan serial
\endif
SELECT :'plan' IN ('serial', 'parallel', 'jit') AS plan_known,
       :'plan' = 'parallel' AS plan_parallel, :'plan' = 'jit' AS plan_jit \gset
\if :plan_known
\else
\echo 'plan_settings.sql: unknown plan' :'plan'
DO $$BEGIN RAISE EXCEPTION 'unknown plan: the plans are serial, parallel and jit'; END$$;
\quit
\endif
SET jit = off;
SET max_parallel_workers_per_gather = 0;
\if :plan_parallel
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET min_parallel_index_scan_size = 0;
\endif
\if :plan_jit
SET jit = on;
SET jit_above_cost = 0;
SET jit_inline_above_cost = 0;
SET jit_optimize_above_cost = 0;
\endif
