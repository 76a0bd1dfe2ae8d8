-- stats_buckets: the buckets of the bucketed statistics (docs/stats.md), in their order.
--
-- One row per bucket:
--   stat      STRING  cluster-sizes (nodes), namespaces (namespaces), workload-sizes (objects of
--                     one kind), lifetimes (whole days from the first report to the latest)
--   position  INT64   the bucket's place in the stat's order, from 1
--   lower     INT64   the least value in the bucket
--   upper     INT64   the greatest value in the bucket; NULL: no bound
--   label     STRING  the bucket as the statistics show it
CREATE OR REPLACE VIEW `${DATASET}.stats_buckets` AS
SELECT stat, position, lower, upper, label
FROM UNNEST([
  STRUCT('cluster-sizes' AS stat, 1 AS position, 1 AS lower, 1 AS upper, '1' AS label),
  STRUCT('cluster-sizes' AS stat, 2 AS position, 2 AS lower, 3 AS upper, '2-3' AS label),
  STRUCT('cluster-sizes' AS stat, 3 AS position, 4 AS lower, 10 AS upper, '4-10' AS label),
  STRUCT('cluster-sizes' AS stat, 4 AS position, 11 AS lower, 50 AS upper, '11-50' AS label),
  STRUCT('cluster-sizes' AS stat, 5 AS position, 51 AS lower, 100 AS upper, '51-100' AS label),
  STRUCT('cluster-sizes' AS stat, 6 AS position, 101 AS lower, 500 AS upper, '101-500' AS label),
  STRUCT('cluster-sizes' AS stat, 7 AS position, 501 AS lower, 1000 AS upper, '501-1000' AS label),
  STRUCT('cluster-sizes' AS stat, 8 AS position, 1001 AS lower, NULL AS upper, '1001+' AS label),
  STRUCT('namespaces' AS stat, 1 AS position, 1 AS lower, 5 AS upper, '1-5' AS label),
  STRUCT('namespaces' AS stat, 2 AS position, 6 AS lower, 10 AS upper, '6-10' AS label),
  STRUCT('namespaces' AS stat, 3 AS position, 11 AS lower, 20 AS upper, '11-20' AS label),
  STRUCT('namespaces' AS stat, 4 AS position, 21 AS lower, 50 AS upper, '21-50' AS label),
  STRUCT('namespaces' AS stat, 5 AS position, 51 AS lower, 100 AS upper, '51-100' AS label),
  STRUCT('namespaces' AS stat, 6 AS position, 101 AS lower, 500 AS upper, '101-500' AS label),
  STRUCT('namespaces' AS stat, 7 AS position, 501 AS lower, NULL AS upper, '501+' AS label),
  STRUCT('workload-sizes' AS stat, 1 AS position, 0 AS lower, 0 AS upper, '0' AS label),
  STRUCT('workload-sizes' AS stat, 2 AS position, 1 AS lower, 10 AS upper, '1-10' AS label),
  STRUCT('workload-sizes' AS stat, 3 AS position, 11 AS lower, 100 AS upper, '11-100' AS label),
  STRUCT('workload-sizes' AS stat, 4 AS position, 101 AS lower, 1000 AS upper, '101-1000' AS label),
  STRUCT('workload-sizes' AS stat, 5 AS position, 1001 AS lower, 10000 AS upper,
    '1001-10000' AS label),
  STRUCT('workload-sizes' AS stat, 6 AS position, 10001 AS lower, NULL AS upper, '10001+' AS label),
  STRUCT('lifetimes' AS stat, 1 AS position, 0 AS lower, 0 AS upper, '<1 day' AS label),
  STRUCT('lifetimes' AS stat, 2 AS position, 1 AS lower, 7 AS upper, '1-7 days' AS label),
  STRUCT('lifetimes' AS stat, 3 AS position, 8 AS lower, 30 AS upper, '8-30 days' AS label),
  STRUCT('lifetimes' AS stat, 4 AS position, 31 AS lower, 90 AS upper, '31-90 days' AS label),
  STRUCT('lifetimes' AS stat, 5 AS position, 91 AS lower, 180 AS upper, '91-180 days' AS label),
  STRUCT('lifetimes' AS stat, 6 AS position, 181 AS lower, 365 AS upper, '181-365 days' AS label),
  STRUCT('lifetimes' AS stat, 7 AS position, 366 AS lower, NULL AS upper, '>365 days' AS label)
]);
