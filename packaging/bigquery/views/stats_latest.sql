-- stats_latest_reports: each cluster once per interval, by its latest report in it (docs/stats.md:
-- "a cluster counts once per interval, by its latest report in it"; latest by the time a report
-- speaks for, then by report ID, as the collector's rollup does).
--
-- One row per cluster, interval and period in which the cluster reported:
--   interval   STRING  'day', 'week' or 'month'
--   period     DATE    the first day of the interval
--   ...                every column of that latest report (stats_report_time: the report's
--                      columns and statsTime)
CREATE OR REPLACE VIEW `${DATASET}.stats_latest_reports` AS
SELECT *
FROM `${DATASET}.stats_report_periods`
WHERE TRUE
QUALIFY ROW_NUMBER() OVER (
  PARTITION BY `interval`, period, clusterID
  ORDER BY statsTime DESC, reportID DESC) = 1;
