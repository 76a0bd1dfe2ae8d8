-- stats_lifetimes: the `lifetimes` statistic of docs/stats.md: every cluster of the table, by how
-- long it has reported (from the time its first report speaks for to its latest's).
--
-- One row per bucket, in the collector's order: the seven buckets, then 'other' if any:
--   lifetime    STRING   in whole days: <1 day, 1-7 days, 8-30 days, 31-90 days, 91-180 days,
--                        181-365 days, >365 days; 'other'
--   clusters    INT64    clusters with that lifetime; a bucket of fewer than ${MIN_CLUSTERS}
--                        clusters shows 0, its clusters being counted under 'other'
--   medianDays  FLOAT64  the median lifetime of all the clusters, in days, to one decimal (the
--                        same on every row; 0 without clusters)
--   position    INT64    the row's place, from 1 (ORDER BY it)
CREATE OR REPLACE VIEW `${DATASET}.stats_lifetimes` AS
WITH
lifetimes AS (
  SELECT clusterID, TIMESTAMP_DIFF(MAX(statsTime), MIN(statsTime), MICROSECOND) / 86400e6 AS days
  FROM `${DATASET}.stats_report_periods`
  WHERE `interval` = 'day'
  GROUP BY clusterID
),
median AS (
  SELECT ROUND(IFNULL(ANY_VALUE(days), 0), 1) AS medianDays
  FROM (SELECT PERCENTILE_CONT(days, 0.5) OVER () AS days FROM lifetimes)
),
counted AS (
  SELECT b.label, b.position, IFNULL(c.clusters, 0) AS clusters
  FROM `${DATASET}.stats_buckets` AS b
  LEFT JOIN (
    SELECT b.position, COUNT(*) AS clusters
    FROM lifetimes AS l
    JOIN `${DATASET}.stats_buckets` AS b
      ON b.stat = 'lifetimes'
      AND FLOOR(l.days) >= b.lower
      AND (b.upper IS NULL OR FLOOR(l.days) <= b.upper)
    GROUP BY b.position
  ) AS c
    ON c.position = b.position
  WHERE b.stat = 'lifetimes'
),
listed AS (
  SELECT label AS lifetime, IF(clusters < ${MIN_CLUSTERS}, 0, clusters) AS clusters, position
  FROM counted
  UNION ALL
  SELECT * FROM (
    SELECT
      'other' AS lifetime,
      IFNULL(SUM(IF(clusters < ${MIN_CLUSTERS}, clusters, 0)), 0) AS clusters,
      (SELECT COUNT(*) FROM counted) + 1 AS position
    FROM counted
  )
  WHERE clusters > 0
)
SELECT r.lifetime, r.clusters, m.medianDays, r.position
FROM listed AS r
CROSS JOIN median AS m;
