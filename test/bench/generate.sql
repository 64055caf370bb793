-- Synthetic data for test/benchmark.sh (psql variables: units, periods,
-- last_period, territory_size, null_share, seed).  SYNTHETIC VALUES, not
-- statistics of any real place.
--   rezago.comuna       units 1..:units, provincia = blocks of
--                       :territory_size units, 16 regions of equal size
--   rezago.territory    one per provincia (code t<provincia>), its units
--   rezago.observation  for each unit and each of the :periods periods
--                       ending at :last_period: the 18 ufro2017 variables,
--                       pobreza_ingresos (0..1), localidades and
--                       localidades_aisladas (E3 of the entry criteria);
--                       about :null_share of the values are NULL (known
--                       missing), so coverage and three-valued entry matter.
-- Rows are written in the order a real load produces them (one batch per
-- variable and period, rezago.import_observations' unit of work); values are
-- continuous so that ranks have no ties.  Loaded with INSERT ... SELECT
-- straight into the tables, foreign-key triggers off
-- (session_replication_role = replica: the generated keys are consistent by
-- construction); import_observations' row checks would dominate the load.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SELECT setseed(:seed);

INSERT INTO rezago.comuna (cut, name, provincia_code, provincia, region_code, region)
SELECT g, 'unit ' || g,
       (g - 1) / :territory_size + 1, 'provincia ' || ((g - 1) / :territory_size + 1),
       (g - 1) / ceil(:units / 16.0)::int + 1, 'region ' || ((g - 1) / ceil(:units / 16.0)::int + 1)
FROM generate_series(1, :units) g;

INSERT INTO rezago.territory (code, name)
SELECT 't' || p, 'territory ' || p FROM generate_series(1, (:units - 1) / :territory_size + 1) p;
INSERT INTO rezago.territory_member (territory, cut)
SELECT 't' || ((g - 1) / :territory_size + 1), g FROM generate_series(1, :units) g;

-- one (variable, period) batch after the other, as imports write them
SELECT format($q$
    INSERT INTO rezago.observation (cut, variable, period, value)
    SELECT g, %L, %s,
           CASE WHEN random() < %s THEN NULL ELSE %s END
    FROM generate_series(1, %s) g$q$,
    v.code, p, :null_share,
    CASE v.code WHEN 'pobreza_ingresos' THEN 'random()'
                WHEN 'localidades' THEN '8 + floor(random() * 52)'
                WHEN 'localidades_aisladas' THEN 'floor(random() * 8)'
                ELSE format('%s * random()', 10 + 90 * random()) END,
    :units)
FROM generate_series(:last_period - :periods + 1, :last_period) p
CROSS JOIN (SELECT x.code FROM rezago.variable x JOIN rezago.dimension d ON d.code = x.dimension
            WHERE d.in_index OR x.code IN ('pobreza_ingresos', 'localidades', 'localidades_aisladas')) v
ORDER BY p, v.code
\gexec

RESET session_replication_role;
VACUUM (ANALYZE) rezago.comuna, rezago.territory, rezago.territory_member, rezago.observation;
