-- stats_report_time: every stored report once, with the time it speaks for (docs/stats.md,
-- "How clusters are counted"). The base of the other stats_* views.
--
-- One row per report: every column of `reports`, and
--   statsTime  TIMESTAMP  the time the report speaks for: generatedAt (the agent's clock), unless
--                         that is more than one hour after receivedAt (the collector's clock) or
--                         more than 30 days before it, or missing: then receivedAt. Rows without
--                         receivedAt (written by Spartakus' own collector, before the table was
--                         upgraded) speak for generatedAt, else for their `timestamp`.
--
-- A report stored twice (BigQuery de-duplicates streaming inserts on a best-effort basis) counts
-- once, as in the sqlite and postgres storages, whose report IDs are unique: the row received
-- first.
CREATE OR REPLACE VIEW `${DATASET}.stats_report_time` AS
SELECT
  r.*,
  CASE
    WHEN r.receivedAt IS NULL
      THEN COALESCE(
        r.generatedAt,
        SAFE.TIMESTAMP_MICROS(NULLIF(SAFE_CAST(r.`timestamp` AS INT64), 0)))
    WHEN r.generatedAt IS NULL
      OR r.generatedAt > TIMESTAMP_ADD(r.receivedAt, INTERVAL 1 HOUR)
      OR r.generatedAt < TIMESTAMP_SUB(r.receivedAt, INTERVAL 30 DAY)
      THEN r.receivedAt
    ELSE r.generatedAt
  END AS statsTime
FROM `${DATASET}.reports` AS r
WHERE TRUE
QUALIFY r.reportID IS NULL
  OR ROW_NUMBER() OVER (PARTITION BY r.reportID ORDER BY r.receivedAt, r.`timestamp`) = 1;
