-- aifocus analyst view: cost per workflow (agent or task type) from gateway logs.
-- requires: focus_cost_and_usage
--
-- One row per billing period ('yyyy-MM') x workflow x team x feature x currency over the rows that carry a
-- workflow (x_Workflow, from the gateway log's 'workflow' field). requests counts model calls (the steps of
-- the workflow's runs), tokens every token once (uncached input, output, cache reads and writes), models the
-- distinct models the workflow used. The log names the workflow, not each run of it, so the unit here is the
-- request: cost_per_request is the cost of one step; multiply by steps per task for a task's cost.
-- Spark SQL (Spark 3.4+, Databricks, Spark Thrift server).
CREATE OR REPLACE VIEW v_cost_per_task AS
SELECT
  date_format(BillingPeriodStart, 'yyyy-MM') AS billing_period,
  x_Workflow AS workflow,
  x_Team AS team,
  x_Feature AS feature,
  BillingCurrency AS currency,
  CAST(SUM(x_Requests) AS DECIMAL(38, 0)) AS requests,
  CAST(SUM(CASE WHEN lower(ConsumedUnit) = 'tokens' THEN ConsumedQuantity END) AS DECIMAL(38, 0)) AS tokens,
  COUNT(DISTINCT x_Model) AS models,
  CAST(SUM(BilledCost) AS DECIMAL(38, 12)) AS cost,
  CAST(SUM(BilledCost) / NULLIF(SUM(x_Requests), 0) AS DECIMAL(38, 6)) AS cost_per_request,
  CAST(SUM(CASE WHEN lower(ConsumedUnit) = 'tokens' THEN ConsumedQuantity END) / NULLIF(SUM(x_Requests), 0)
    AS DECIMAL(38, 1)) AS tokens_per_request,
  MIN(ChargePeriodStart) AS first_charge,
  MAX(ChargePeriodEnd) AS last_charge
FROM focus_cost_and_usage
WHERE x_Workflow IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
