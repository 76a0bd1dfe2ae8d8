-- stats_report_periods: every report (stats_report_time) in the day, the week and the month that
-- hold the time it speaks for (stats_calendar; a report speaking for a time before 2014 or more
-- than a year from today, which only a broken clock makes, is in none).
--
-- Three rows per report (one per interval):
--   interval   STRING  'day', 'week' or 'month'
--   period     DATE    the first day of the interval holding statsTime
--   ...                every column of stats_report_time (the report's columns and statsTime)
CREATE OR REPLACE VIEW `${DATASET}.stats_report_periods` AS
SELECT
  c.`interval`,
  c.period,
  r.*
FROM `${DATASET}.stats_report_time` AS r
JOIN `${DATASET}.stats_calendar` AS c
  ON c.day = DATE(r.statsTime);
