-- stats_periods: the intervals the series (stats_active_clusters, stats_new_clusters,
-- stats_reports, stats_totals) list, as the API lists every interval from `from` to `to`: each
-- from the one holding the first report to the one holding today (or the last report, if later).
--
-- One row per interval and period:
--   interval  STRING  'day', 'week' or 'month'
--   period    DATE    the first day of the interval (a day; a week's Monday; a month's first)
CREATE OR REPLACE VIEW `${DATASET}.stats_periods` AS
SELECT DISTINCT c.`interval`, c.period
FROM `${DATASET}.stats_calendar` AS c
CROSS JOIN (
  SELECT MIN(statsTime) AS firstTime, MAX(statsTime) AS lastTime
  FROM `${DATASET}.stats_report_time`
) AS b
WHERE c.day BETWEEN DATE(b.firstTime) AND GREATEST(DATE(b.lastTime), CURRENT_DATE());
