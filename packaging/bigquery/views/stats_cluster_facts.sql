-- stats_cluster_facts: what the statistics count of each cluster's latest report per interval
-- (stats_latest_reports), as the collector does (core/report/report_facts.cpp).
--
-- One row per cluster, interval and period in which the cluster reported:
--   interval       STRING   'day', 'week' or 'month'
--   period         DATE     the first day of the interval
--   clusterID      STRING   the cluster
--   nodes          INT64    nodeCount, or the nodes of nodeUnits if more
--   cores          FLOAT64  the cpu capacity of nodeUnits
--   memoryBytes    FLOAT64  their memory capacity, in bytes
--   masterVersion  STRING   the API server's gitVersion, as reported
--   format         STRING   the wire format: kubecensus.report/v2, spartakus-v1 or tectonic
--   namespaces     INT64    namespaces.count (NULL when not reported)
--   workloads      ARRAY    the report's workloads (kind, total, ...), as reported
--   nodeUnits      ARRAY    the nodes: the report's node groups when it has any (standard and
--                           detailed reports), else its node rows (older detailed reports,
--                           Spartakus and tectonic records); empty for a minimal report. Each:
--     other                    BOOL     true: the group of configurations too rare to show; its
--                                       nodes count under 'other' in every node breakdown
--     nodes                    INT64    the group's count; 1 for a node row
--     operatingSystem, osImage, kernelVersion, architecture, containerRuntimeVersion,
--     kubeletVersion, cloudProvider
--                              STRING   the nodes' attributes, as reported
--     capacity.cores           FLOAT64  cpu capacity of these nodes: the group's mean times its
--                                       count, or the node's Kubernetes quantity ("4", "3800m")
--     capacity.memoryBytes     FLOAT64  memory capacity, the same way ("16Gi", "15437428Ki")
--
-- A quantity is a number (sign, digits, fraction, exponent) and one of Kubernetes' suffixes
-- (n u m k M G T P E, Ki Mi Gi Ti Pi Ei); one that is not counts as 0, as in the collector.
CREATE OR REPLACE VIEW `${DATASET}.stats_cluster_facts` AS
SELECT
  `interval`,
  period,
  clusterID,
  GREATEST(
    IFNULL(nodeCount, 0),
    IFNULL((SELECT SUM(u.nodes) FROM UNNEST(nodeUnits) AS u), 0)) AS nodes,
  IFNULL((SELECT SUM(u.capacity.cores) FROM UNNEST(nodeUnits) AS u), 0) AS cores,
  IFNULL((SELECT SUM(u.capacity.memoryBytes) FROM UNNEST(nodeUnits) AS u), 0) AS memoryBytes,
  masterVersion,
  format,
  namespaces,
  workloads,
  nodeUnits
FROM (
  SELECT
    l.`interval`,
    l.period,
    l.clusterID,
    l.nodeCount,
    l.masterVersion,
    -- receivedAs is set when the report came in another format than the native one; rows
    -- written by Spartakus' own collector have neither it nor `schema`.
    COALESCE(l.receivedAs, l.schema, 'spartakus-v1') AS format,
    l.namespaces.count AS namespaces,
    l.workloads,
    IF(
      ARRAY_LENGTH(l.nodeGroups) > 0,
      -- Node groups: capacity per resource is a distribution over the group's nodes.
      ARRAY(
        SELECT AS STRUCT
          IFNULL(g.other, FALSE) AS other,
          IFNULL(g.count, 0) AS nodes,
          g.operatingSystem,
          g.osImage,
          g.kernelVersion,
          g.architecture,
          g.containerRuntimeVersion,
          g.kubeletVersion,
          g.cloudProvider,
          (
            SELECT AS STRUCT
              IFNULL(SUM(IF(c.resource = 'cpu', SAFE_MULTIPLY(c.mean, g.count), 0)), 0) AS cores,
              IFNULL(SUM(IF(c.resource = 'memory', SAFE_MULTIPLY(c.mean, g.count), 0)), 0)
                AS memoryBytes
            FROM UNNEST(g.capacity) AS c
          ) AS capacity
        FROM UNNEST(l.nodeGroups) AS g
      ),
      -- Node rows: capacity is the Kubernetes quantity the API printed.
      ARRAY(
        SELECT AS STRUCT
          FALSE AS other,
          1 AS nodes,
          n.operatingSystem,
          n.osImage,
          n.kernelVersion,
          n.architecture,
          n.containerRuntimeVersion,
          n.kubeletVersion,
          n.cloudProvider,
          (
            SELECT AS STRUCT
              IFNULL(SUM(IF(q.resource = 'cpu', q.amount, 0)), 0) AS cores,
              IFNULL(SUM(IF(q.resource = 'memory', q.amount, 0)), 0) AS memoryBytes
            FROM (
              SELECT
                c.resource,
                SAFE_MULTIPLY(
                  SAFE_CAST(
                    REGEXP_EXTRACT(
                      c.value,
                      r'^([+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)(?:[numkMGTPE]|[KMGTPE]i)?$')
                    AS FLOAT64),
                  CASE REGEXP_EXTRACT(
                    c.value,
                    r'^[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?((?:[numkMGTPE]|[KMGTPE]i)?)$')
                    WHEN '' THEN 1
                    WHEN 'n' THEN 1e-9
                    WHEN 'u' THEN 1e-6
                    WHEN 'm' THEN 1e-3
                    WHEN 'k' THEN 1e3
                    WHEN 'M' THEN 1e6
                    WHEN 'G' THEN 1e9
                    WHEN 'T' THEN 1e12
                    WHEN 'P' THEN 1e15
                    WHEN 'E' THEN 1e18
                    WHEN 'Ki' THEN 1024
                    WHEN 'Mi' THEN 1048576
                    WHEN 'Gi' THEN 1073741824
                    WHEN 'Ti' THEN 1099511627776
                    WHEN 'Pi' THEN 1125899906842624
                    WHEN 'Ei' THEN 1152921504606846976
                  END) AS amount
              FROM UNNEST(n.capacity) AS c
              WHERE LENGTH(c.value) <= 64
            ) AS q
            WHERE NOT IS_INF(q.amount)  -- "1e400"; NULL amounts (no quantity) count nothing too
          ) AS capacity
        FROM UNNEST(l.nodes) AS n
      )
    ) AS nodeUnits
  FROM `${DATASET}.stats_latest_reports` AS l
);
