-- stats_breakdowns: every breakdown of docs/stats.md, clusters per value per interval, with the
-- values fewer than ${MIN_CLUSTERS} clusters share in an interval merged into 'other'
-- (collector.stats_min_clusters; docs/stats.md: "nothing published singles out a cluster").
-- The views stats_<breakdown> select one breakdown each.
--
-- One row per breakdown, interval, period and value:
--   stat      STRING   the breakdown (stats_cluster_values)
--   kind      STRING   workload-sizes: the workload kind; else NULL
--   interval  STRING   'day', 'week' or 'month'
--   period    DATE     the first day of the interval
--   value     STRING   the value, or 'other'
--   clusters  INT64    clusters with the value in the interval; for 'other', the sum over the
--                      values merged into it (a cluster with two rare values counts twice), as
--                      the collector adds up its per-value aggregates
--   share     FLOAT64  clusters / the interval's active clusters, rounded to 4 digits
--   amount    INT64    nodes with the value, or objects (stats_cluster_values)
--   position  INT64    the value's place in the interval's list, from 1: bucketed breakdowns in
--                      bucket order, others with the most clusters first; 'other' last
CREATE OR REPLACE VIEW `${DATASET}.stats_breakdowns` AS
WITH
active AS (
  SELECT `interval`, period, COUNT(*) AS clusters
  FROM `${DATASET}.stats_latest_reports`
  GROUP BY `interval`, period
),
marked AS (
  -- stats_cluster_values has one row per cluster and value, so rows count clusters.
  SELECT
    *,
    COUNT(*) OVER (PARTITION BY stat, kind, `interval`, period, value) >= ${MIN_CLUSTERS} AS shared
  FROM `${DATASET}.stats_cluster_values`
),
counted AS (
  SELECT
    stat,
    kind,
    `interval`,
    period,
    IF(shared, value, 'other') AS value,
    MIN(IF(shared AND value != 'other', bucket, NULL)) AS bucket,
    COUNT(*) AS clusters,
    SUM(amount) AS amount
  FROM marked
  GROUP BY stat, kind, `interval`, period, IF(shared, value, 'other')
)
SELECT
  c.stat,
  c.kind,
  c.`interval`,
  c.period,
  c.value,
  c.clusters,
  ROUND(c.clusters / a.clusters, 4) AS share,
  c.amount,
  ROW_NUMBER() OVER (
    PARTITION BY c.stat, c.kind, c.`interval`, c.period
    ORDER BY c.value = 'other', c.bucket, c.clusters DESC, c.value) AS position
FROM counted AS c
JOIN active AS a
  ON a.`interval` = c.`interval` AND a.period = c.period;
