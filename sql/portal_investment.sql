-- Plans and investment (doc/method.md section 8): the source plan reports five
-- triennial plans totalling M$1.105.823.608, of which M$52.969.825 (4,8%)
-- came from the Provisión.  The per-plan totals are the plan's; how the
-- Provisión amount splits among the plans and the rest among FNDR and
-- sectoral sources is not in doc/method.md, so the split below is illustrative
-- (labelled so) and only the totals and the share are asserted.
CREATE EXTENSION IF NOT EXISTS rezago CASCADE;
BEGIN;
INSERT INTO rezago.territory (code, name) VALUES
  ('limari_choapa', 'Limarí-Choapa'), ('secano_maule_sur', 'Secano Maule Sur'), ('arauco', 'Arauco'),
  ('valle_itata', 'Valle del Itata'), ('ranco', 'Ranco');
INSERT INTO rezago.plan (code, territory, name, period_start, period_end, description) VALUES
  ('limari_choapa_2015', 'limari_choapa', 'Plan Limarí-Choapa', 2015, 2017, 'test fixture'),
  ('secano_maule_sur_2015', 'secano_maule_sur', 'Plan Secano Maule Sur', 2015, 2017, 'test fixture'),
  ('arauco_2015', 'arauco', 'Plan Arauco', 2015, 2017, 'test fixture'),
  ('valle_itata_2015', 'valle_itata', 'Plan Valle del Itata', 2015, 2017, 'test fixture'),
  ('ranco_2015', 'ranco', 'Plan Ranco', 2015, 2017, 'test fixture');
-- plan totals (M$): the plan's figures; Provisión: an illustrative split of the
-- M$52.969.825 over years, the remainder put under sectorial and fndr
CREATE TEMP TABLE plan_totals (plan text, total numeric, provision numeric);
INSERT INTO plan_totals VALUES
  ('limari_choapa_2015',    174990649, 10000000),
  ('secano_maule_sur_2015', 185916358, 10000000),
  ('arauco_2015',           322256017, 12969825),
  ('valle_itata_2015',       47075233,  5000000),
  ('ranco_2015',            375585351, 15000000);
INSERT INTO rezago.plan_investment (plan, source, year, amount_thousand_clp, description)
SELECT plan, 'provision', 2015 + k, div(provision, 3) + CASE WHEN k = 0 THEN mod(provision, 3) ELSE 0 END, 'illustrative split'
FROM plan_totals, generate_series(0, 2) k
UNION ALL
SELECT plan, 'fndr', 2016, round((total - provision) * 0.4), 'illustrative split' FROM plan_totals
UNION ALL
SELECT plan, 'sectorial', 2016, (total - provision) - round((total - provision) * 0.4), 'illustrative split' FROM plan_totals;

-- each plan's total is the plan's figure, whatever the split
SELECT plan, territory_name, total_thousand_clp, total_thousand_clp = t.total AS total_ok,
       provision_thousand_clp, round(provision_share * 100, 1) AS provision_pct, sources, first_year, last_year
FROM rezago.v_investment_by_plan JOIN plan_totals t USING (plan) ORDER BY plan;
-- the portfolio: M$1.105.823.608 in all, M$52.969.825 from the Provisión = 4,8%
SELECT source, source_name, amount_thousand_clp, round(share * 100, 1) AS share_pct, plans, plans_total, total_thousand_clp
FROM rezago.v_investment_by_source ORDER BY source;
SELECT total_thousand_clp = 1105823608 AS total_ok,
       amount_thousand_clp = 52969825 AS provision_ok,
       to_char(round(share * 100, 1), 'FM990D0') AS provision_pct,
       abs(share - 52969825.0 / 1105823608) < 1e-15 AS share_exact
FROM rezago.v_investment_by_source WHERE source = 'provision';
-- by plan and source: shares of each plan sum to 1
SELECT plan, sum(share_of_plan) AS shares, count(*) AS sources
FROM rezago.v_investment_by_plan_source GROUP BY plan ORDER BY plan;
SELECT plan, source, amount_thousand_clp, round(share_of_plan, 4) AS share_of_plan, first_year, last_year
FROM rezago.v_investment_by_plan_source WHERE plan = 'valle_itata_2015' ORDER BY source;

-- a plan without investment shows a zero total; a new source is user data
INSERT INTO rezago.plan (code, territory, name, period_start, period_end) VALUES ('ranco_2018', 'ranco', 'Plan Ranco II', 2018, 2020);
INSERT INTO rezago.investment_source (code, name) VALUES ('municipal', 'Aporte municipal');
SELECT plan, total_thousand_clp, provision_thousand_clp, provision_share, sources FROM rezago.v_investment_by_plan WHERE plan = 'ranco_2018';
SELECT source, amount_thousand_clp, share, plans, plans_total FROM rezago.v_investment_by_source WHERE source = 'municipal';

-- amounts are exact, finite and not negative; built-in sources are read-only;
-- a plan ends after it starts; deleting a plan deletes its investment
SAVEPOINT s;
INSERT INTO rezago.plan_investment VALUES ('ranco_2018', 'fndr', 2018, -1);
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO rezago.plan_investment VALUES ('ranco_2018', 'fndr', 2018, 'NaN');
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO rezago.plan_investment VALUES ('ranco_2018', 'fndr', 2018, 'Infinity');
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO rezago.plan_investment VALUES ('ranco_2018', 'otra', 2018, 1);
ROLLBACK TO s;
SAVEPOINT s;
UPDATE rezago.investment_source SET name = 'x' WHERE code = 'provision';
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO rezago.plan (code, territory, name, period_start, period_end) VALUES ('bad', 'ranco', 'x', 2020, 2018);
ROLLBACK TO s;
DELETE FROM rezago.plan WHERE code = 'arauco_2015';
SELECT count(*) AS arauco_rows_left FROM rezago.plan_investment WHERE plan = 'arauco_2015';
-- pg_dump keeps plans, investment and user sources
SELECT c.relname, x.cond FROM pg_extension e,
       unnest(e.extconfig, e.extcondition) AS x(cfg, cond) JOIN pg_class c ON c.oid = x.cfg
WHERE e.extname = 'rezago' AND c.relname IN ('plan', 'plan_investment', 'investment_source') ORDER BY 1;
ROLLBACK;
