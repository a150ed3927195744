-- aifocus analyst view: self-hosted LLM cost per 1M tokens next to API prices of the same model family.
-- requires: inference_tokens, focus_cost_and_usage
--
-- One row per billing period (UTC month of hour_start) x cluster x served model x currency over inference_tokens
-- (tokens counted by vLLM, docs/sources/vllm-metrics.md). gpu_cost is the allocated GPU cost of the pods that
-- served the model in the hours they served it (a pod serving several models splits its cost by tokens);
-- self_hosted_cost_per_1m = gpu_cost * 1,000,000 / (prompt + generation tokens).
-- Two API comparisons for the same model family (the served model lower-cased, without an organisation prefix
-- such as 'meta-llama/' and a leading 'meta-'):
--   api_list_cost_per_1m: the same prompt and generation tokens priced at the price book's list prices
--     (api_provider, api_price_version: the first price-book row matching the family, as of the last hour);
--     null when an hour had no matching price;
--   api_billed_cost_per_1m: what API token rows of the same family in focus_cost_and_usage cost per 1M tokens
--     in the same billing period and currency (x_Model family equal to, or a prefix of, the served family or
--     the reverse), null when there are none.
-- Spark SQL (Spark 3.4+, Databricks, Spark Thrift server).
CREATE OR REPLACE VIEW v_self_hosted_cost_per_token AS
WITH self_hosted AS (
  SELECT
    date_format(hour_start, 'yyyy-MM') AS billing_period,
    cluster, model, model_family, currency,
    COUNT(DISTINCT namespace, pod) AS pods,
    CAST(SUM(prompt_tokens) AS DECIMAL(38, 0)) AS prompt_tokens,
    CAST(SUM(generation_tokens) AS DECIMAL(38, 0)) AS generation_tokens,
    CAST(SUM(prompt_tokens + generation_tokens) AS DECIMAL(38, 0)) AS total_tokens,
    CAST(SUM(gpu_cost) AS DECIMAL(38, 12)) AS gpu_cost,
    CASE WHEN COUNT(api_input_per_1m) = COUNT(*) AND COUNT(api_output_per_1m) = COUNT(*) THEN
      CAST(SUM(CAST(prompt_tokens AS DECIMAL(20, 0)) * CAST(api_input_per_1m AS DECIMAL(20, 12))
        + CAST(generation_tokens AS DECIMAL(20, 0)) * CAST(api_output_per_1m AS DECIMAL(20, 12))) / 1000000 AS DECIMAL(38, 12))
    END AS api_list_cost,
    max_by(api_provider, hour_start) AS api_provider,
    max_by(api_price_version, hour_start) AS api_price_version
  FROM inference_tokens
  GROUP BY date_format(hour_start, 'yyyy-MM'), cluster, model, model_family, currency
),
api_rows AS (
  SELECT
    date_format(BillingPeriodStart, 'yyyy-MM') AS billing_period,
    regexp_replace(regexp_replace(lower(x_Model), '^.*/', ''), '^meta-', '') AS family,
    BillingCurrency AS currency,
    CASE lower(ConsumedUnit)
      WHEN 'tokens' THEN ConsumedQuantity
      WHEN '1k tokens' THEN ConsumedQuantity * 1000
      WHEN '1m tokens' THEN ConsumedQuantity * 1000000
    END AS tokens,
    BilledCost AS cost
  FROM focus_cost_and_usage
  WHERE ChargeCategory = 'Usage' AND lower(ConsumedUnit) IN ('tokens', '1k tokens', '1m tokens')
    AND x_Model IS NOT NULL AND x_Model NOT IN ('', 'none')
),
api_billed AS (
  SELECT
    s.billing_period, s.cluster, s.model, s.currency,
    CAST(SUM(a.tokens) AS DECIMAL(38, 0)) AS api_tokens,
    CAST(SUM(a.cost) AS DECIMAL(38, 12)) AS api_cost
  FROM self_hosted s
  JOIN api_rows a
    ON a.billing_period = s.billing_period AND a.currency = s.currency
   AND (startswith(s.model_family, a.family) OR startswith(a.family, s.model_family))
  GROUP BY s.billing_period, s.cluster, s.model, s.currency
)
SELECT
  s.billing_period, s.cluster, s.model, s.model_family, s.currency, s.pods,
  s.prompt_tokens, s.generation_tokens, s.total_tokens, s.gpu_cost,
  CAST(s.gpu_cost * 1000000 / NULLIF(s.total_tokens, 0) AS DECIMAL(38, 6)) AS self_hosted_cost_per_1m,
  s.api_provider, s.api_price_version, s.api_list_cost,
  CAST(s.api_list_cost * 1000000 / NULLIF(s.total_tokens, 0) AS DECIMAL(38, 6)) AS api_list_cost_per_1m,
  b.api_tokens, b.api_cost,
  CAST(b.api_cost * 1000000 / NULLIF(b.api_tokens, 0) AS DECIMAL(38, 6)) AS api_billed_cost_per_1m
FROM self_hosted s
LEFT JOIN api_billed b
  ON b.billing_period = s.billing_period AND b.cluster = s.cluster AND b.model = s.model AND b.currency = s.currency;
