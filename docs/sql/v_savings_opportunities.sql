-- aifocus analyst view: savings, realized and potential, in one list.
-- requires: focus_cost_and_usage
-- optional: savings_estimates (kind STRING, realized BOOLEAN, team STRING, feature STRING, model STRING, alternative STRING, billing_period STRING, currency STRING, tokens DECIMAL(38,0), baseline_cost DECIMAL(38,12), lever_cost DECIMAL(38,12), savings DECIMAL(38,12), assumption STRING)
--
-- savings_estimates is written after each run (docs/analytics.md): model routing what-ifs from the declared
-- substitution pairs, prompt caching (realized: cache reads priced at the input price minus what they cost;
-- potential: the declared cacheable share of uncached input), batch pricing for declared non-interactive
-- traffic. Potential savings are estimates, never realized. Added here from the FOCUS table itself: unused
-- commitment discounts (CommitmentDiscountStatus 'Unused'), whose EffectiveCost is the waste.
-- savings = baseline_cost - lever_cost: for a potential saving the baseline is the cost as charged and the lever
-- cost the estimate with the lever; for a realized one the baseline is the estimate without it and the lever
-- cost what was charged. status is 'realized' or 'potential'. Spark SQL (Spark 3.4+, Databricks, Spark Thrift server).
CREATE OR REPLACE VIEW v_savings_opportunities AS
SELECT
  kind,
  CASE WHEN realized THEN 'realized' ELSE 'potential' END AS status,
  team, feature, model, alternative, billing_period, currency, tokens,
  baseline_cost, lever_cost, savings, assumption
FROM savings_estimates
UNION ALL
SELECT
  'unused_commitment' AS kind,
  'potential' AS status,
  x_Team AS team,
  CAST(NULL AS STRING) AS feature,
  x_Model AS model,
  coalesce(CommitmentDiscountName, CommitmentDiscountId) AS alternative,
  date_format(BillingPeriodStart, 'yyyy-MM') AS billing_period,
  BillingCurrency AS currency,
  CAST(NULL AS DECIMAL(38, 0)) AS tokens,
  CAST(SUM(EffectiveCost) AS DECIMAL(38, 12)) AS baseline_cost,
  CAST(0 AS DECIMAL(38, 12)) AS lever_cost,
  CAST(SUM(EffectiveCost) AS DECIMAL(38, 12)) AS savings,
  'unused commitment discount time: right-size, exchange or share the commitment' AS assumption
FROM focus_cost_and_usage
WHERE CommitmentDiscountStatus = 'Unused'
GROUP BY x_Team, x_Model, coalesce(CommitmentDiscountName, CommitmentDiscountId), date_format(BillingPeriodStart, 'yyyy-MM'), BillingCurrency;
