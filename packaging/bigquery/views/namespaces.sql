-- stats_namespaces: the `namespaces` breakdown of docs/stats.md:
-- clusters per value per interval.
--
-- One row per interval, period and value (stats_breakdowns):
--   interval  STRING   'day', 'week' or 'month'
--   period    DATE     the first day of the interval (a day; a week's Monday; a month's first)
--   value     STRING   namespaces per cluster: 1-5, 6-10, 11-20, 21-50, 51-100,
--                      101-500, 501+;
--                      'other': the values fewer than ${MIN_CLUSTERS} clusters share
--   clusters  INT64    clusters with the value (each by its latest report in the interval)
--   share     FLOAT64  clusters / the interval's active clusters (stats_active_clusters), to 4
--                      decimals
--   objects   INT64    the namespaces of those clusters
--   position  INT64    the value's place in the interval's list, from 1 (ORDER BY it)
CREATE OR REPLACE VIEW `${DATASET}.stats_namespaces` AS
SELECT
  `interval`,
  period,
  value,
  clusters,
  share,
  amount AS objects,
  position
FROM `${DATASET}.stats_breakdowns`
WHERE stat = 'namespaces';
