-- stats_reports: the `reports` series of docs/stats.md: every report stored, per interval (here
-- each report counts, not each cluster; a report stored twice counts once).
--
-- One row per interval and period, from the first report's to today's, 0 where none came:
--   interval  STRING  'day', 'week' or 'month'
--   period    DATE    the first day of the interval (a day; a week's Monday; a month's first)
--   reports   INT64   reports speaking for a time in the interval
CREATE OR REPLACE VIEW `${DATASET}.stats_reports` AS
SELECT
  p.`interval`,
  p.period,
  IFNULL(r.reports, 0) AS reports
FROM `${DATASET}.stats_periods` AS p
LEFT JOIN (
  SELECT `interval`, period, COUNT(*) AS reports
  FROM `${DATASET}.stats_report_periods`
  GROUP BY `interval`, period
) AS r
  ON r.`interval` = p.`interval` AND r.period = p.period;
