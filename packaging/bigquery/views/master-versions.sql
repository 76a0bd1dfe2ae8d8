-- stats_master_versions: the `master-versions` breakdown of docs/stats.md:
-- clusters per value per interval.
--
-- One row per interval, period and value (stats_breakdowns):
--   interval  STRING   'day', 'week' or 'month'
--   period    DATE     the first day of the interval (a day; a week's Monday; a month's first)
--   value     STRING   the API server's minor version ("1.31"), 'unknown';
--                      'other': the values fewer than ${MIN_CLUSTERS} clusters share
--   clusters  INT64    clusters with the value (each by its latest report in the interval)
--   share     FLOAT64  clusters / the interval's active clusters (stats_active_clusters), to 4
--                      decimals
--   nodes     INT64    the nodes of those clusters
--   position  INT64    the value's place in the interval's list, from 1 (ORDER BY it)
CREATE OR REPLACE VIEW `${DATASET}.stats_master_versions` AS
SELECT
  `interval`,
  period,
  value,
  clusters,
  share,
  amount AS nodes,
  position
FROM `${DATASET}.stats_breakdowns`
WHERE stat = 'master-versions';
