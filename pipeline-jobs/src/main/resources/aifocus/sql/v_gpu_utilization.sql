-- aifocus analyst view: GPU utilization per endpoint and hour, with idle GPU-hours and idle cost.
-- requires: gpu_utilization
--
-- One row per cluster x endpoint x team x model x hour (UTC) x currency over the gpu_utilization table.
-- Rows without a workload (idle GPUs) have no endpoint: they form the endpoint-NULL row of their cluster and
-- hour, so idle capacity stays visible. avg_utilization is the GPU-hour weighted mean of the rows' averages;
-- max_p95_utilization is the highest p95 of the rows (percentiles cannot be combined exactly).
-- recoverable_flag: avg_utilization < 0.50 (at least half of the paid GPU time is recoverable by packing or
-- right-sizing); severe_flag: avg_utilization < 0.15 (almost idle). Both are null when there is no GPU time.
-- Spark SQL (Spark 3.4+, Databricks, Spark Thrift server).
CREATE OR REPLACE VIEW v_gpu_utilization AS
WITH hourly AS (
  SELECT
    cluster, endpoint, team, model, hour_start, currency,
    COUNT(DISTINCT node, gpu) AS gpus,
    CAST(SUM(gpu_hours) AS DECIMAL(38, 12)) AS gpu_hours,
    CAST(SUM(idle_gpu_hours) AS DECIMAL(38, 12)) AS idle_gpu_hours,
    CAST(SUM(avg_utilization * gpu_hours) / NULLIF(SUM(gpu_hours), 0) AS DECIMAL(9, 6)) AS avg_utilization,
    CAST(MAX(p95_utilization) AS DECIMAL(9, 6)) AS max_p95_utilization,
    CAST(SUM(memory_used_mib) AS DECIMAL(38, 12)) AS memory_used_mib,
    CAST(SUM(allocated_cost) AS DECIMAL(38, 12)) AS allocated_cost,
    CAST(SUM(idle_cost) AS DECIMAL(38, 12)) AS idle_cost
  FROM gpu_utilization
  GROUP BY cluster, endpoint, team, model, hour_start, currency
)
SELECT
  cluster, endpoint, team, model, hour_start, currency, gpus, gpu_hours, idle_gpu_hours, avg_utilization,
  max_p95_utilization, memory_used_mib, allocated_cost, idle_cost,
  avg_utilization < 0.50 AS recoverable_flag,
  avg_utilization < 0.15 AS severe_flag
FROM hourly;
