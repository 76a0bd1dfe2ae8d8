-- stats_new_clusters: the `new-clusters` series of docs/stats.md: clusters whose first report falls
-- in the interval (the first report in the table: BigQuery keeps every report).
--
-- One row per interval and period, from the first report's to today's, 0 where none was new:
--   interval  STRING  'day', 'week' or 'month'
--   period    DATE    the first day of the interval (a day; a week's Monday; a month's first)
--   clusters  INT64   clusters whose first report speaks for a time in the interval
CREATE OR REPLACE VIEW `${DATASET}.stats_new_clusters` AS
SELECT
  p.`interval`,
  p.period,
  IFNULL(n.clusters, 0) AS clusters
FROM `${DATASET}.stats_periods` AS p
LEFT JOIN (
  SELECT `interval`, period, COUNT(*) AS clusters
  FROM (
    -- The period holding a cluster's first report is the first period it reported in.
    SELECT `interval`, clusterID, MIN(period) AS period
    FROM `${DATASET}.stats_report_periods`
    GROUP BY `interval`, clusterID
  )
  GROUP BY `interval`, period
) AS n
  ON n.`interval` = p.`interval` AND n.period = p.period;
