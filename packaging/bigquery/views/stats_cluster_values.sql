-- stats_cluster_values: the value(s) each cluster counts under in each breakdown of docs/stats.md,
-- per interval, before rare values are merged into 'other' (stats_breakdowns does that).
--
-- One row per breakdown, cluster, interval, period and value:
--   stat       STRING  the breakdown: master-versions, kubelet-versions, operating-systems,
--                      os-images, kernels, container-runtimes, architectures, cloud-providers,
--                      cluster-sizes, namespaces, workloads, workload-sizes, formats
--   kind       STRING  workload-sizes: the workload kind (pods, services, ...); else NULL
--   interval   STRING  'day', 'week' or 'month'
--   period     DATE    the first day of the interval
--   clusterID  STRING  the cluster
--   value      STRING  a minor version ("1.31": the first "<digits>.<digits>", at the first
--                      digit), a runtime's name (containerRuntimeVersion before "://"), an
--                      attribute as reported, a workload kind, a bucket's label (stats_buckets);
--                      'unknown' when not reported; 'other' for the nodes of a report's group of
--                      rare configurations
--   bucket     INT64   the bucket's position (bucketed breakdowns); else NULL
--   amount     INT64   nodes with the value (node attributes); the cluster's nodes
--                      (master-versions, cluster-sizes, formats); objects (namespaces; workloads
--                      and workload-sizes: objects of the kind)
--
-- A cluster whose nodes differ has a row for each of their values. A cluster is in no bucket of
-- cluster-sizes without nodes (a report that counted none), nor of namespaces without a
-- namespace count.
CREATE OR REPLACE VIEW `${DATASET}.stats_cluster_values` AS
WITH
candidates AS (
  -- What each cluster's facts say, per breakdown: `raw` to turn into the value, or `measure` to
  -- put in a bucket.
  SELECT f.`interval`, f.period, f.clusterID, c.*
  FROM `${DATASET}.stats_cluster_facts` AS f
  CROSS JOIN UNNEST(ARRAY(
    SELECT AS STRUCT * FROM (
      -- Node attributes, per node group or node row, with its nodes.
      SELECT
        a.stat,
        CAST(NULL AS STRING) AS kind,
        u.other,
        a.raw,
        CAST(NULL AS INT64) AS measure,
        u.nodes AS amount
      FROM UNNEST(f.nodeUnits) AS u
      CROSS JOIN UNNEST([
        STRUCT('kubelet-versions' AS stat, u.kubeletVersion AS raw),
        STRUCT('operating-systems' AS stat, u.operatingSystem AS raw),
        STRUCT('os-images' AS stat, u.osImage AS raw),
        STRUCT('kernels' AS stat, u.kernelVersion AS raw),
        STRUCT('container-runtimes' AS stat, u.containerRuntimeVersion AS raw),
        STRUCT('architectures' AS stat, u.architecture AS raw),
        STRUCT('cloud-providers' AS stat, u.cloudProvider AS raw)
      ]) AS a
      UNION ALL
      -- Cluster attributes, with all of the cluster's nodes.
      SELECT 'master-versions', NULL, FALSE, f.masterVersion, NULL, f.nodes
      UNION ALL
      SELECT 'formats', NULL, FALSE, f.format, NULL, f.nodes
      UNION ALL
      -- Workload kinds, with their objects.
      SELECT 'workloads', NULL, FALSE, w.kind, NULL, IFNULL(w.total, 0)
      FROM UNNEST(f.workloads) AS w
      WHERE w.kind IS NOT NULL
      UNION ALL
      -- Bucketed: the measure is also the amount.
      SELECT 'cluster-sizes', NULL, FALSE, NULL, f.nodes, f.nodes
      UNION ALL
      SELECT 'namespaces', NULL, FALSE, NULL, f.namespaces, f.namespaces
      UNION ALL
      SELECT 'workload-sizes', w.kind, FALSE, NULL, w.total, w.total
      FROM UNNEST(f.workloads) AS w
      WHERE w.kind IS NOT NULL
    )
  )) AS c
),
valued AS (
  SELECT
    c.stat,
    c.kind,
    c.`interval`,
    c.period,
    c.clusterID,
    CASE
      WHEN c.other THEN 'other'
      WHEN c.stat IN ('cluster-sizes', 'namespaces', 'workload-sizes') THEN b.label
      ELSE IFNULL(
        CASE
          WHEN c.stat IN ('kubelet-versions', 'master-versions')
            THEN REGEXP_EXTRACT(c.raw, r'^[^0-9]*([0-9]+\.[0-9]+)')
          WHEN c.stat = 'container-runtimes'
            THEN NULLIF(
              IF(STRPOS(c.raw, '://') > 0, SUBSTR(c.raw, 1, STRPOS(c.raw, '://') - 1), c.raw),
              '')
          ELSE NULLIF(c.raw, '')
        END,
        'unknown')
    END AS value,
    b.position AS bucket,
    c.amount
  FROM candidates AS c
  LEFT JOIN `${DATASET}.stats_buckets` AS b
    ON b.stat = c.stat AND c.measure >= b.lower AND (b.upper IS NULL OR c.measure <= b.upper)
)
SELECT
  stat,
  kind,
  `interval`,
  period,
  clusterID,
  value,
  MIN(bucket) AS bucket,
  SUM(amount) AS amount
FROM valued
WHERE value IS NOT NULL
GROUP BY stat, kind, `interval`, period, clusterID, value;
