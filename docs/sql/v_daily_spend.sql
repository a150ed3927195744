-- aifocus analyst view: daily spend by team and model, split into inference, training and other.
-- requires: focus_cost_and_usage
--
-- One row per day (UTC, from ChargePeriodStart) x team x model x workload x billing currency, every charge
-- category included (credits are negative). billed_cost is SUM(BilledCost) (what the invoice says),
-- effective_cost is SUM(EffectiveCost) (amortized: commitment purchases spread over their usage).
-- workload, where known:
--   training  - tag 'workload' (or 'workload-type') is 'training' / 'fine-tuning', or the usage type or SKU
--               meter names training or fine-tuning;
--   inference - tag 'workload' is 'inference', or the row is a Generative AI charge or carries a model
--               (x_Model other than 'none');
--   other     - everything else (compute, storage, network, ... not tagged as AI work).
-- Spark SQL (Spark 3.4+, Databricks, Spark Thrift server; Tags is a JSON object string).
CREATE OR REPLACE VIEW v_daily_spend AS
WITH classified AS (
  SELECT
    CAST(ChargePeriodStart AS DATE) AS day,
    x_Team AS team,
    x_Model AS model,
    BillingCurrency AS currency,
    BilledCost,
    EffectiveCost,
    lower(coalesce(get_json_object(Tags, '$.workload'), get_json_object(Tags, '$.workload-type'), '')) AS workload_tag,
    lower(concat_ws(' ', x_UsageType, SkuMeter)) AS meter,
    ServiceSubcategory
  FROM focus_cost_and_usage
)
SELECT
  day, team, model,
  CASE
    WHEN workload_tag IN ('training', 'fine-tuning', 'finetuning')
      OR meter LIKE '%training%' OR meter LIKE '%fine-tun%' OR meter LIKE '%finetun%' THEN 'training'
    WHEN workload_tag = 'inference' OR ServiceSubcategory = 'Generative AI' OR model <> 'none' THEN 'inference'
    ELSE 'other'
  END AS workload,
  currency,
  CAST(SUM(BilledCost) AS DECIMAL(38, 12)) AS billed_cost,
  CAST(SUM(EffectiveCost) AS DECIMAL(38, 12)) AS effective_cost,
  COUNT(*) AS charges
FROM classified
GROUP BY 1, 2, 3, 4, 5;
