-- stats_workload_sizes: the `workload-sizes` breakdown of docs/stats.md:
-- clusters per value per interval.
--
-- One row per interval, period and value (stats_breakdowns):
--   interval  STRING   'day', 'week' or 'month'
--   period    DATE     the first day of the interval (a day; a week's Monday; a month's first)
--   kind      STRING   the workload kind: pods, services, deployments, statefulsets,
--                      daemonsets, jobs, cronjobs (the API's `kind` parameter)
--   value     STRING   objects of the kind per cluster: 0, 1-10, 11-100, 101-1000,
--                      1001-10000, 10001+;
--                      'other': the values fewer than ${MIN_CLUSTERS} clusters share
--   clusters  INT64    clusters with the value (each by its latest report in the interval)
--   share     FLOAT64  clusters / the interval's active clusters (stats_active_clusters), to 4
--                      decimals
--   objects   INT64    objects of the kind in those clusters
--   position  INT64    the value's place in the interval's list, from 1 (ORDER BY it)
CREATE OR REPLACE VIEW `${DATASET}.stats_workload_sizes` AS
SELECT
  `interval`,
  period,
  kind,
  value,
  clusters,
  share,
  amount AS objects,
  position
FROM `${DATASET}.stats_breakdowns`
WHERE stat = 'workload-sizes';
