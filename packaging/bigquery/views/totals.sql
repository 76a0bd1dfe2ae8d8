-- stats_totals: the `totals` series of docs/stats.md: the size of the active clusters, each by its
-- latest report in the interval.
--
-- One row per interval and period, from the first report's to today's:
--   interval     STRING   'day', 'week' or 'month'
--   period       DATE     the first day of the interval (a day; a week's Monday; a month's first)
--   clusters     INT64    active clusters (stats_active_clusters)
--   nodes        INT64    their nodes
--   cores        FLOAT64  their nodes' cpu capacity, rounded to 2 decimals
--   memoryBytes  FLOAT64  their nodes' memory capacity in bytes, rounded to 2 decimals
-- nodes, cores and memoryBytes are NULL in an interval with some clusters but fewer than
-- ${MIN_CLUSTERS} (a total of so few is close to one cluster's own size), 0 in one without any.
CREATE OR REPLACE VIEW `${DATASET}.stats_totals` AS
SELECT
  p.`interval`,
  p.period,
  IFNULL(t.clusters, 0) AS clusters,
  CASE WHEN t.clusters IS NULL THEN 0 WHEN t.clusters >= ${MIN_CLUSTERS} THEN t.nodes END AS nodes,
  CASE
    WHEN t.clusters IS NULL THEN 0
    WHEN t.clusters >= ${MIN_CLUSTERS} THEN ROUND(t.cores, 2)
  END AS cores,
  CASE
    WHEN t.clusters IS NULL THEN 0
    WHEN t.clusters >= ${MIN_CLUSTERS} THEN ROUND(t.memoryBytes, 2)
  END AS memoryBytes
FROM `${DATASET}.stats_periods` AS p
LEFT JOIN (
  SELECT
    `interval`,
    period,
    COUNT(*) AS clusters,
    SUM(nodes) AS nodes,
    SUM(cores) AS cores,
    SUM(memoryBytes) AS memoryBytes
  FROM `${DATASET}.stats_cluster_facts`
  GROUP BY `interval`, period
) AS t
  ON t.`interval` = p.`interval` AND t.period = p.period;
