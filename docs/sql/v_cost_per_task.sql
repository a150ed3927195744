-- aifocus analyst view: cost per task run of a workflow (agent or task type): runs x steps x tokens.
-- requires: focus_cost_and_usage
--
-- One row per UTC day x workflow x team x model x currency over the rows that carry a workflow (x_Workflow).
-- A run is the set of model calls that share a workflow run id (x_WorkflowRunId, the gateway log's
-- 'workflow_run_id'); it counts on the day of its first call. Calls without a run id count as runs of one step
-- each (the log says nothing more). steps = model requests (x_Requests), tokens every token once (uncached
-- input, output, cache reads and writes). A run that used several models counts once in each model's row
-- (runs do not add up across models; steps, tokens and cost do). max_steps_per_run shows runaway loops.
-- Spark SQL (Spark 3.4+, Databricks, Spark Thrift server).
CREATE OR REPLACE VIEW v_cost_per_task AS
WITH run AS (
  SELECT
    x_Workflow AS workflow,
    x_WorkflowRunId AS run_id,
    x_Team AS team,
    x_Model AS model,
    BillingCurrency AS currency,
    date_trunc('DAY', MIN(ChargePeriodStart)) AS day,
    CASE WHEN x_WorkflowRunId IS NULL THEN SUM(x_Requests) ELSE 1 END AS runs,
    SUM(x_Requests) AS steps,
    SUM(CASE WHEN lower(ConsumedUnit) = 'tokens' THEN ConsumedQuantity END) AS tokens,
    SUM(BilledCost) AS cost,
    MIN(ChargePeriodStart) AS first_charge,
    MAX(ChargePeriodEnd) AS last_charge
  FROM focus_cost_and_usage
  WHERE x_Workflow IS NOT NULL
  GROUP BY x_Workflow, x_WorkflowRunId, x_Team, x_Model, BillingCurrency,
    CASE WHEN x_WorkflowRunId IS NULL THEN date_trunc('DAY', ChargePeriodStart) END
)
SELECT
  date_format(day, 'yyyy-MM-dd') AS day,
  workflow,
  team,
  model,
  currency,
  CAST(SUM(runs) AS DECIMAL(38, 0)) AS runs,
  CAST(COUNT(run_id) AS DECIMAL(38, 0)) AS runs_with_id,
  CAST(SUM(steps) AS DECIMAL(38, 0)) AS steps,
  CAST(SUM(tokens) AS DECIMAL(38, 0)) AS tokens,
  CAST(SUM(cost) AS DECIMAL(38, 12)) AS cost,
  CAST(SUM(steps) / NULLIF(SUM(runs), 0) AS DECIMAL(38, 1)) AS steps_per_run,
  CAST(MAX(CASE WHEN run_id IS NOT NULL THEN steps ELSE LEAST(steps, 1) END) AS DECIMAL(38, 0)) AS max_steps_per_run,
  CAST(SUM(tokens) / NULLIF(SUM(runs), 0) AS DECIMAL(38, 1)) AS tokens_per_run,
  CAST(SUM(cost) / NULLIF(SUM(runs), 0) AS DECIMAL(38, 6)) AS cost_per_run,
  CAST(SUM(cost) / NULLIF(SUM(steps), 0) AS DECIMAL(38, 6)) AS cost_per_step,
  MIN(first_charge) AS first_charge,
  MAX(last_charge) AS last_charge
FROM run
GROUP BY 1, 2, 3, 4, 5;
