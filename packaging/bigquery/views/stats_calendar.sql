-- stats_calendar: the intervals statistics are counted in (docs/stats.md: days, weeks starting
-- Monday and months, in UTC), for every day from 2014-01-01 (before Kubernetes) to a year from
-- today. The one place that says which interval holds a day.
--
-- One row per day and interval:
--   day       DATE    a day (UTC)
--   interval  STRING  'day', 'week' or 'month'
--   period    DATE    the first day of the interval holding `day`: the day itself, the Monday of
--                     its week, or the first of its month
CREATE OR REPLACE VIEW `${DATASET}.stats_calendar` AS
SELECT
  d AS day,
  i AS `interval`,
  CASE i
    WHEN 'day' THEN d
    WHEN 'week' THEN DATE_TRUNC(d, WEEK(MONDAY))
    ELSE DATE_TRUNC(d, MONTH)
  END AS period
FROM UNNEST(GENERATE_DATE_ARRAY(DATE '2014-01-01', DATE_ADD(CURRENT_DATE(), INTERVAL 1 YEAR))) AS d
CROSS JOIN UNNEST(['day', 'week', 'month']) AS i;
