-- stats_active_clusters: the `active-clusters` series of docs/stats.md: clusters with at least one
-- report, per interval.
--
-- One row per interval and period, from the first report's to today's, 0 where none reported:
--   interval  STRING  'day', 'week' or 'month'
--   period    DATE    the first day of the interval (a day; a week's Monday; a month's first)
--   clusters  INT64   clusters with at least one report speaking for a time in the interval
CREATE OR REPLACE VIEW `${DATASET}.stats_active_clusters` AS
SELECT
  p.`interval`,
  p.period,
  IFNULL(a.clusters, 0) AS clusters
FROM `${DATASET}.stats_periods` AS p
LEFT JOIN (
  SELECT `interval`, period, COUNT(*) AS clusters
  FROM `${DATASET}.stats_latest_reports`
  GROUP BY `interval`, period
) AS a
  ON a.`interval` = p.`interval` AND a.period = p.period;
