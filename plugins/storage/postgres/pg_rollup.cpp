#include "pg_rollup.h"

#include <nlohmann/json.hpp>

#include "pg_connection.h"

namespace kubecensus::postgres {

using nlohmann::json;
using stats::ClusterSeen;
using stats::Entry;
using stats::EntryKey;

const char* const kStatsTablesMigration = R"sql(
    CREATE TABLE stats_clusters (
      cluster_id TEXT PRIMARY KEY,
      first_seen BIGINT NOT NULL,      -- stats time (docs/stats.md), microseconds
      last_seen  BIGINT NOT NULL
    );
    CREATE INDEX stats_clusters_by_last_seen ON stats_clusters (last_seen);
    CREATE TABLE stats_entries (
      cluster_id    TEXT NOT NULL,
      granularity   SMALLINT NOT NULL, -- 0 day, 1 week, 2 month
      period        INTEGER NOT NULL,  -- first day, days since 1970-01-01
      latest_at     BIGINT NOT NULL,
      latest_report TEXT NOT NULL,
      reports       BIGINT NOT NULL,
      facts         TEXT NOT NULL,
      PRIMARY KEY (cluster_id, granularity, period)
    );
    CREATE INDEX stats_entries_by_period ON stats_entries (period);
    CREATE TABLE stats_aggregates (
      granularity SMALLINT NOT NULL,
      dimension   TEXT NOT NULL,
      period      INTEGER NOT NULL,
      value       TEXT NOT NULL,
      clusters    BIGINT NOT NULL,
      amount      DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (granularity, dimension, period, value)
    );
    -- Reports stored before these tables, still to be rolled up: after (next_at, next_id), up to last_at.
    CREATE TABLE stats_backfill (next_at TIMESTAMPTZ NOT NULL, next_id TEXT NOT NULL, last_at TIMESTAMPTZ NOT NULL);
    INSERT INTO stats_backfill SELECT '-infinity', '', max(received_at) FROM reports HAVING count(*) > 0;
    )sql";

namespace {

Entry entryAt(const PgResult& rows, int row, int first) {
  return {std::stoll(rows.value(row, first)), rows.value(row, first + 1),
          std::stoull(rows.value(row, first + 2)), rows.value(row, first + 3)};
}

}  // namespace

std::map<std::string, ClusterSeen> PgRollupStore::clusters(const std::vector<std::string>& clusterIDs) {
  const std::string ids = json(clusterIDs).dump();
  db_.exec(
      "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(id) AS h FROM "
      "jsonb_array_elements_text($1::jsonb) AS id ORDER BY h) AS locks",
      {ids.c_str()});
  PgResult rows = db_.exec(
      "SELECT cluster_id, first_seen, last_seen FROM stats_clusters "
      "WHERE cluster_id IN (SELECT jsonb_array_elements_text($1::jsonb))",
      {ids.c_str()});
  std::map<std::string, ClusterSeen> found;
  for (int r = 0; r < rows.rows(); ++r)
    found[rows.value(r, 0)] = {std::stoll(rows.value(r, 1)), std::stoll(rows.value(r, 2))};
  return found;
}

std::map<EntryKey, Entry> PgRollupStore::entries(const std::vector<EntryKey>& keys) {
  json wanted = json::array();
  for (const EntryKey& key : keys)
    wanted.push_back({{"c", key.clusterID}, {"g", static_cast<int>(key.interval)}, {"p", key.period}});
  const std::string text = wanted.dump();
  PgResult rows = db_.exec(
      "SELECT e.cluster_id, e.granularity, e.period, e.latest_at, e.latest_report, e.reports, e.facts "
      "FROM stats_entries e JOIN jsonb_to_recordset($1::jsonb) AS k(c text, g smallint, p integer) "
      "ON e.cluster_id = k.c AND e.granularity = k.g AND e.period = k.p",
      {text.c_str()});
  std::map<EntryKey, Entry> found;
  for (int r = 0; r < rows.rows(); ++r)
    found[{static_cast<stats::Interval>(std::stoi(rows.value(r, 1))), std::stoll(rows.value(r, 2)),
           rows.value(r, 0)}] = entryAt(rows, r, 3);
  return found;
}

std::map<EntryKey, Entry> PgRollupStore::entriesOf(const std::string& clusterID) {
  PgResult rows = db_.exec(
      "SELECT granularity, period, latest_at, latest_report, reports, facts FROM stats_entries "
      "WHERE cluster_id = $1",
      {clusterID.c_str()});
  std::map<EntryKey, Entry> found;
  for (int r = 0; r < rows.rows(); ++r)
    found[{static_cast<stats::Interval>(std::stoi(rows.value(r, 0))), std::stoll(rows.value(r, 1)),
           clusterID}] = entryAt(rows, r, 2);
  return found;
}

void PgRollupStore::save(const std::map<std::string, ClusterSeen>& clusters,
                         const std::map<EntryKey, Entry>& entries,
                         const std::map<stats::AggregateKey, stats::AggregateDelta>& deltas) {
  // One statement per table, the rows as a JSON parameter: a batch is three round trips.
  if (!clusters.empty()) {
    json rows = json::array();
    for (const auto& [id, seen] : clusters)
      rows.push_back({{"c", id}, {"f", seen.firstSeen}, {"l", seen.lastSeen}});
    const std::string text = rows.dump();
    db_.exec(
        "INSERT INTO stats_clusters (cluster_id, first_seen, last_seen) "
        "SELECT c, f, l FROM jsonb_to_recordset($1::jsonb) AS x(c text, f bigint, l bigint) ORDER BY c "
        "ON CONFLICT (cluster_id) DO UPDATE SET first_seen = excluded.first_seen, last_seen = "
        "excluded.last_seen",
        {text.c_str()});
  }
  if (!entries.empty()) {
    json rows = json::array();
    for (const auto& [key, entry] : entries)
      rows.push_back({{"c", key.clusterID},
                      {"g", static_cast<int>(key.interval)},
                      {"p", key.period},
                      {"a", entry.latestAt},
                      {"r", entry.latestReportID},
                      {"n", entry.reports},
                      {"f", entry.facts}});
    const std::string text = rows.dump();
    db_.exec(
        "INSERT INTO stats_entries (cluster_id, granularity, period, latest_at, latest_report, reports, "
        "facts) "
        "SELECT c, g, p, a, r, n, f FROM jsonb_to_recordset($1::jsonb) "
        "AS x(c text, g smallint, p integer, a bigint, r text, n bigint, f text) ORDER BY c, g, p "
        "ON CONFLICT (cluster_id, granularity, period) DO UPDATE SET latest_at = excluded.latest_at, "
        "latest_report = excluded.latest_report, reports = excluded.reports, facts = excluded.facts",
        {text.c_str()});
  }
  if (!deltas.empty()) {
    json rows = json::array();
    for (const auto& [key, delta] : deltas)
      rows.push_back({{"g", static_cast<int>(key.interval)},
                      {"d", key.dimension},
                      {"p", key.period},
                      {"v", key.value},
                      {"c", delta.clusters},
                      {"a", delta.amount}});
    const std::string text = rows.dump();
    db_.exec(
        "INSERT INTO stats_aggregates (granularity, dimension, period, value, clusters, amount) "
        "SELECT g, d, p, v, c, a FROM jsonb_to_recordset($1::jsonb) "
        "AS x(g smallint, d text, p integer, v text, c bigint, a double precision) ORDER BY g, d, p, v "
        "ON CONFLICT (granularity, dimension, period, value) DO UPDATE SET "
        "clusters = stats_aggregates.clusters + excluded.clusters, amount = stats_aggregates.amount + "
        "excluded.amount",
        {text.c_str()});
  }
}

void PgRollupStore::forget(const std::string& clusterID) {
  db_.exec("DELETE FROM stats_entries WHERE cluster_id = $1", {clusterID.c_str()});
  db_.exec("DELETE FROM stats_clusters WHERE cluster_id = $1", {clusterID.c_str()});
}

std::uint64_t PgRollupStore::expire(stats::Day before, std::uint64_t limit) {
  const std::string day = std::to_string(before), chunk = std::to_string(limit);
  const std::string micros = std::to_string(stats::startOf(before));
  PgResult gone = db_.exec(
      "WITH gone AS (DELETE FROM stats_entries WHERE (cluster_id, granularity, period) IN (SELECT "
      "cluster_id, "
      "granularity, period FROM stats_entries WHERE period < $1 LIMIT $2) RETURNING 1) SELECT count(*) FROM "
      "gone",
      {day.c_str(), chunk.c_str()});
  db_.exec("DELETE FROM stats_clusters WHERE last_seen < $1", {micros.c_str()});
  return std::stoull(gone.value(0, 0));
}

}  // namespace kubecensus::postgres
