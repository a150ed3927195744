-- aifocus analyst view: each customer's share of LLM spend next to its share of revenue.
-- requires: focus_cost_and_usage
-- optional: customer_revenue (customer STRING, billing_period STRING, revenue DECIMAL(38,12), currency STRING)
--
-- One row per billing period ('yyyy-MM', from BillingPeriodStart) x customer x currency. LLM spend is
-- SUM(BilledCost) of the rows attributed to a customer (x_Customer, set from gateway logs). Revenue comes
-- from the customer_revenue table (the revenue CSV of the config, docs/analytics.md); without it the revenue
-- columns are null. Shares are fractions (0..1) of the period's total in that currency; a customer with
-- revenue but no LLM spend appears with llm_spend 0, one with spend but no revenue row has a null revenue.
-- spend_to_revenue is llm_spend / revenue (null when revenue is 0 or unknown).
-- Spark SQL (Spark 3.4+, Databricks, Spark Thrift server).
CREATE OR REPLACE VIEW v_spend_concentration AS
WITH spend AS (
  SELECT
    date_format(BillingPeriodStart, 'yyyy-MM') AS billing_period,
    x_Customer AS customer,
    BillingCurrency AS currency,
    SUM(BilledCost) AS llm_spend,
    SUM(x_Requests) AS requests
  FROM focus_cost_and_usage
  WHERE x_Customer IS NOT NULL
  GROUP BY 1, 2, 3
),
revenue AS (
  SELECT billing_period, customer, currency, SUM(revenue) AS revenue
  FROM customer_revenue
  GROUP BY 1, 2, 3
),
joined AS (
  SELECT
    coalesce(s.billing_period, r.billing_period) AS billing_period,
    coalesce(s.customer, r.customer) AS customer,
    coalesce(s.currency, r.currency) AS currency,
    coalesce(s.llm_spend, 0) AS llm_spend,
    s.requests,
    r.revenue
  FROM spend s
  FULL OUTER JOIN revenue r
    ON s.billing_period = r.billing_period AND s.customer = r.customer AND s.currency = r.currency
)
SELECT
  billing_period, customer, currency,
  CAST(llm_spend AS DECIMAL(38, 12)) AS llm_spend,
  CAST(requests AS DECIMAL(38, 0)) AS requests,
  CAST(llm_spend / NULLIF(SUM(llm_spend) OVER (PARTITION BY billing_period, currency), 0) AS DECIMAL(9, 6)) AS spend_share,
  CAST(revenue AS DECIMAL(38, 12)) AS revenue,
  CAST(revenue / NULLIF(SUM(revenue) OVER (PARTITION BY billing_period, currency), 0) AS DECIMAL(9, 6)) AS revenue_share,
  CAST(llm_spend / NULLIF(revenue, 0) AS DECIMAL(38, 6)) AS spend_to_revenue,
  RANK() OVER (PARTITION BY billing_period, currency ORDER BY llm_spend DESC) AS spend_rank
FROM joined;
