#include "sqlite_rollup.h"

#include "kubecensus/sqlite/database.h"

namespace kubecensus::sqlite {

using stats::ClusterSeen;
using stats::Entry;
using stats::EntryKey;

const char* const kStatsTablesMigration = R"sql(
    CREATE TABLE stats_clusters (
      cluster_id TEXT PRIMARY KEY,
      first_seen INTEGER NOT NULL,     -- stats time (docs/stats.md), microseconds
      last_seen  INTEGER NOT NULL
    );
    CREATE INDEX stats_clusters_by_last_seen ON stats_clusters (last_seen);
    -- One cluster in one period: its latest report's facts, so a later one can replace them.
    CREATE TABLE stats_entries (
      cluster_id    TEXT NOT NULL,
      granularity   INTEGER NOT NULL,  -- 0 day, 1 week, 2 month
      period        INTEGER NOT NULL,  -- first day, days since 1970-01-01
      latest_at     INTEGER NOT NULL,
      latest_report TEXT NOT NULL,
      reports       INTEGER NOT NULL,
      facts         TEXT NOT NULL,
      PRIMARY KEY (cluster_id, granularity, period)
    ) WITHOUT ROWID;
    CREATE INDEX stats_entries_by_period ON stats_entries (period);
    -- What the API answers from: per interval, period, dimension and value, the clusters counted
    -- and the amounts summed. Kept when retention deletes reports and entries.
    CREATE TABLE stats_aggregates (
      granularity INTEGER NOT NULL,
      dimension TEXT NOT NULL,
      period    INTEGER NOT NULL,
      value     TEXT NOT NULL,
      clusters  INTEGER NOT NULL,
      amount    REAL NOT NULL,
      PRIMARY KEY (granularity, dimension, period, value)
    ) WITHOUT ROWID;
    -- Reports stored before these tables, still to be rolled up: rowids in (next_id, last_id].
    CREATE TABLE stats_backfill (next_id INTEGER NOT NULL, last_id INTEGER NOT NULL);
    INSERT INTO stats_backfill SELECT 0, max(id) FROM reports HAVING count(*) > 0;
    )sql";

std::map<std::string, ClusterSeen> SqliteRollupStore::clusters(const std::vector<std::string>& clusterIDs) {
  std::map<std::string, ClusterSeen> found;
  Statement select(db_.handle(), "SELECT first_seen, last_seen FROM stats_clusters WHERE cluster_id = ?1");
  for (const std::string& id : clusterIDs) {
    select.reset();
    select.bind(1, id);
    if (select.step()) found[id] = {select.columnInt(0), select.columnInt(1)};
  }
  return found;
}

namespace {

Entry readEntry(const Statement& row, int first) {
  return {row.columnInt(first), row.columnText(first + 1),
          static_cast<std::uint64_t>(row.columnInt(first + 2)), row.columnText(first + 3)};
}

}  // namespace

std::map<EntryKey, Entry> SqliteRollupStore::entries(const std::vector<EntryKey>& keys) {
  std::map<EntryKey, Entry> found;
  Statement select(db_.handle(),
                   "SELECT latest_at, latest_report, reports, facts FROM stats_entries "
                   "WHERE cluster_id = ?1 AND granularity = ?2 AND period = ?3");
  for (const EntryKey& key : keys) {
    select.reset();
    select.bind(1, key.clusterID);
    select.bind(2, static_cast<std::int64_t>(key.interval));
    select.bind(3, key.period);
    if (select.step()) found[key] = readEntry(select, 0);
  }
  return found;
}

std::map<EntryKey, Entry> SqliteRollupStore::entriesOf(const std::string& clusterID) {
  std::map<EntryKey, Entry> found;
  Statement select(db_.handle(),
                   "SELECT granularity, period, latest_at, latest_report, reports, facts FROM stats_entries "
                   "WHERE cluster_id = ?1");
  select.bind(1, clusterID);
  while (select.step())
    found[{static_cast<stats::Interval>(select.columnInt(0)), select.columnInt(1), clusterID}] =
        readEntry(select, 2);
  return found;
}

void SqliteRollupStore::save(const std::map<std::string, ClusterSeen>& clusters,
                             const std::map<EntryKey, Entry>& entries,
                             const std::map<stats::AggregateKey, stats::AggregateDelta>& deltas) {
  Statement cluster(
      db_.handle(),
      "INSERT OR REPLACE INTO stats_clusters (cluster_id, first_seen, last_seen) VALUES (?1, ?2, ?3)");
  for (const auto& [id, seen] : clusters) {
    cluster.reset();
    cluster.bind(1, id);
    cluster.bind(2, seen.firstSeen);
    cluster.bind(3, seen.lastSeen);
    cluster.step();
  }
  Statement entry(
      db_.handle(),
      "INSERT OR REPLACE INTO stats_entries (cluster_id, granularity, period, latest_at, latest_report, "
      "reports, facts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const auto& [key, value] : entries) {
    entry.reset();
    entry.bind(1, key.clusterID);
    entry.bind(2, static_cast<std::int64_t>(key.interval));
    entry.bind(3, key.period);
    entry.bind(4, value.latestAt);
    entry.bind(5, value.latestReportID);
    entry.bind(6, static_cast<std::int64_t>(value.reports));
    entry.bind(7, value.facts);
    entry.step();
  }
  Statement add(
      db_.handle(),
      "INSERT INTO stats_aggregates (granularity, dimension, period, value, clusters, amount) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (granularity, dimension, period, value) DO UPDATE SET "
      "clusters = clusters + excluded.clusters, amount = amount + excluded.amount");
  for (const auto& [key, delta] : deltas) {
    add.reset();
    add.bind(1, static_cast<std::int64_t>(key.interval));
    add.bind(2, key.dimension);
    add.bind(3, key.period);
    add.bind(4, key.value);
    add.bind(5, delta.clusters);
    add.bind(6, delta.amount);
    add.step();
  }
}

void SqliteRollupStore::forget(const std::string& clusterID) {
  for (const char* sql : {"DELETE FROM stats_entries WHERE cluster_id = ?1",
                          "DELETE FROM stats_clusters WHERE cluster_id = ?1"}) {
    Statement erase(db_.handle(), sql);
    erase.bind(1, clusterID);
    erase.step();
  }
}

std::uint64_t SqliteRollupStore::expire(stats::Day before, std::uint64_t limit) {
  Statement entries(db_.handle(),
                    "DELETE FROM stats_entries WHERE (cluster_id, granularity, period) IN "
                    "(SELECT cluster_id, granularity, period FROM stats_entries WHERE period < ?1 LIMIT ?2)");
  entries.bind(1, before);
  entries.bind(2, static_cast<std::int64_t>(limit));
  entries.step();
  const auto deleted = static_cast<std::uint64_t>(db_.changes());
  Statement clusters(db_.handle(), "DELETE FROM stats_clusters WHERE last_seen < ?1");
  clusters.bind(1, stats::startOf(before));
  clusters.step();
  return deleted;
}

}  // namespace kubecensus::sqlite
