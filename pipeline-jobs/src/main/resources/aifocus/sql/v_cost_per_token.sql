-- aifocus analyst view: LLM cost per 1M tokens and per request.
-- requires: focus_cost_and_usage
--
-- One row per day (UTC, from ChargePeriodStart) x provider x model x team x feature x customer x endpoint x
-- billing currency, over the token usage rows of focus_cost_and_usage: gateway-log rows (token counts in
-- x_InputTokens, x_OutputTokens, x_CachedInputTokens, x_CacheWriteTokens) and provider rows whose
-- ConsumedUnit counts tokens ('Tokens', '1K tokens', '1M tokens'; the token type then comes from x_UsageType,
-- e.g. AWS Bedrock 'USE1-Claude3Haiku-input-tokens'). Costs are BilledCost (for token rows equal to
-- EffectiveCost). Input tokens are the uncached input; cache reads and cache writes are their own columns,
-- so total_tokens counts every token once. requests is SUM(x_Requests) (null for provider rows that do not
-- count requests, so cost_per_request is null there).
-- Spark SQL (Spark 3.4+, Databricks, Spark Thrift server).
CREATE OR REPLACE VIEW v_cost_per_token AS
WITH token_rows AS (
  SELECT
    CAST(ChargePeriodStart AS DATE) AS day,
    ServiceProviderName AS provider,
    x_Model AS model,
    x_Team AS team,
    x_Feature AS feature,
    x_Customer AS customer,
    x_Endpoint AS endpoint,
    BillingCurrency AS currency,
    CASE
      WHEN x_InputTokens IS NOT NULL THEN 'input'
      WHEN x_OutputTokens IS NOT NULL THEN 'output'
      WHEN x_CachedInputTokens IS NOT NULL THEN 'cache_read'
      WHEN x_CacheWriteTokens IS NOT NULL THEN 'cache_write'
      WHEN lower(x_UsageType) LIKE '%cache-read%' OR lower(x_UsageType) LIKE '%cacheread%' THEN 'cache_read'
      WHEN lower(x_UsageType) LIKE '%cache-write%' OR lower(x_UsageType) LIKE '%cachewrite%' THEN 'cache_write'
      WHEN lower(x_UsageType) LIKE '%input-token%' THEN 'input'
      WHEN lower(x_UsageType) LIKE '%output-token%' THEN 'output'
    END AS token_type,
    CASE lower(ConsumedUnit)
      WHEN 'tokens' THEN ConsumedQuantity
      WHEN '1k tokens' THEN ConsumedQuantity * 1000
      WHEN '1m tokens' THEN ConsumedQuantity * 1000000
    END AS tokens,
    x_Requests AS requests,
    BilledCost AS cost
  FROM focus_cost_and_usage
  WHERE ChargeCategory = 'Usage'
    AND lower(ConsumedUnit) IN ('tokens', '1k tokens', '1m tokens')
),
daily AS (
  SELECT
    day, provider, model, team, feature, customer, endpoint, currency,
    CAST(SUM(CASE WHEN token_type = 'input' THEN tokens ELSE 0 END) AS DECIMAL(38, 0)) AS input_tokens,
    CAST(SUM(CASE WHEN token_type = 'output' THEN tokens ELSE 0 END) AS DECIMAL(38, 0)) AS output_tokens,
    CAST(SUM(CASE WHEN token_type = 'cache_read' THEN tokens ELSE 0 END) AS DECIMAL(38, 0)) AS cache_read_tokens,
    CAST(SUM(CASE WHEN token_type = 'cache_write' THEN tokens ELSE 0 END) AS DECIMAL(38, 0)) AS cache_write_tokens,
    CAST(SUM(tokens) AS DECIMAL(38, 0)) AS total_tokens,
    CAST(SUM(requests) AS DECIMAL(38, 0)) AS requests,
    CAST(SUM(CASE WHEN token_type = 'input' THEN cost ELSE 0 END) AS DECIMAL(38, 12)) AS input_cost,
    CAST(SUM(CASE WHEN token_type = 'output' THEN cost ELSE 0 END) AS DECIMAL(38, 12)) AS output_cost,
    CAST(SUM(CASE WHEN token_type = 'cache_read' THEN cost ELSE 0 END) AS DECIMAL(38, 12)) AS cache_read_cost,
    CAST(SUM(CASE WHEN token_type = 'cache_write' THEN cost ELSE 0 END) AS DECIMAL(38, 12)) AS cache_write_cost,
    CAST(SUM(cost) AS DECIMAL(38, 12)) AS total_cost
  FROM token_rows
  WHERE token_type IS NOT NULL AND tokens IS NOT NULL
  GROUP BY day, provider, model, team, feature, customer, endpoint, currency
)
SELECT
  day, provider, model, team, feature, customer, endpoint, currency,
  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, total_tokens, requests,
  input_cost, output_cost, cache_read_cost, cache_write_cost, total_cost,
  CAST(total_cost * 1000000 / NULLIF(total_tokens, 0) AS DECIMAL(38, 6)) AS cost_per_1m_tokens,
  CAST(input_cost * 1000000 / NULLIF(input_tokens, 0) AS DECIMAL(38, 6)) AS cost_per_1m_input_tokens,
  CAST(output_cost * 1000000 / NULLIF(output_tokens, 0) AS DECIMAL(38, 6)) AS cost_per_1m_output_tokens,
  CAST(cache_read_cost * 1000000 / NULLIF(cache_read_tokens, 0) AS DECIMAL(38, 6)) AS cost_per_1m_cache_read_tokens,
  CAST(total_cost / NULLIF(requests, 0) AS DECIMAL(38, 6)) AS cost_per_request
FROM daily;
