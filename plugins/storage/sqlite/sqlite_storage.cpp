#include "sqlite_storage.h"

#include <stdexcept>

#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "kubecensus/sqlite/database.h"
#include "kubecensus/stats/backfill.h"
#include "kubecensus/stats/rollup.h"
#include "kubecensus/util/progress.h"
#include "sqlite_rollup.h"

namespace kubecensus::sqlite {
namespace {

// Migrations, in order: entry i takes the schema from version i to version i + 1.
const std::vector<const char*> kMigrations = {
    R"sql(
    CREATE TABLE reports (
      report_id      TEXT PRIMARY KEY,
      cluster_id     TEXT NOT NULL,
      received_at    INTEGER NOT NULL,   -- microseconds since the epoch, collector clock
      received_from  TEXT,
      received_as    TEXT NOT NULL,      -- wire format: kubecensus.report/v2, spartakus-v1, tectonic
      generated_at   INTEGER,            -- microseconds, agent clock (informational)
      master_version TEXT,
      node_count     INTEGER NOT NULL,
      report         TEXT NOT NULL       -- the report as native JSON
    ) WITHOUT ROWID;
    CREATE INDEX reports_by_received_at ON reports (received_at);
    CREATE INDEX reports_by_cluster ON reports (cluster_id, received_at);
    )sql",
    // 2: a rowid table, so new rows are appended at the end of the table instead of into a random
    // leaf of a tree ordered by report ID; only the small unique index on report_id takes the
    // random inserts. Several times fewer pages read and written per report (docs/benchmarks.md).
    R"sql(
    CREATE TABLE reports_v2 (
      id             INTEGER PRIMARY KEY,
      report_id      TEXT NOT NULL UNIQUE,
      cluster_id     TEXT NOT NULL,
      received_at    INTEGER NOT NULL,   -- microseconds since the epoch, collector clock
      received_from  TEXT,
      received_as    TEXT NOT NULL,      -- wire format: kubecensus.report/v2, spartakus-v1, tectonic
      generated_at   INTEGER,            -- microseconds, agent clock (informational)
      master_version TEXT,
      node_count     INTEGER NOT NULL,
      report         TEXT NOT NULL       -- the report as native JSON
    );
    INSERT INTO reports_v2 (report_id, cluster_id, received_at, received_from, received_as, generated_at,
                            master_version, node_count, report)
      SELECT report_id, cluster_id, received_at, received_from, received_as, generated_at, master_version,
             node_count, report
      FROM reports ORDER BY received_at;
    DROP TABLE reports;
    ALTER TABLE reports_v2 RENAME TO reports;
    CREATE INDEX reports_by_received_at ON reports (received_at);
    CREATE INDEX reports_by_cluster ON reports (cluster_id, received_at);
    )sql",
    // 3: the statistics' tables.
    kStatsTablesMigration,
};

}  // namespace

SqliteStorage::SqliteStorage(const Options& options) {
  ConnectionOptions connection;
  connection.synchronous = options.getString("synchronous");
  connection.busyTimeoutMs = options.getDuration("busy_timeout").count();
  db_ = std::make_unique<Connection>(options.getString("path"), connection);
  db_->migrate(kMigrations, "collector");
  reader_ = std::make_unique<Connection>(options.getString("path"), connection);
  backfillStatistics();
  insert_ = std::make_unique<Statement>(db_->handle(), R"sql(
      INSERT INTO reports (report_id, cluster_id, received_at, received_from, received_as,
                           generated_at, master_version, node_count, report)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
      ON CONFLICT (report_id) DO NOTHING)sql");
}

SqliteStorage::~SqliteStorage() = default;

void SqliteStorage::backfillStatistics() {
  constexpr std::int64_t kChunk = 2000;
  std::int64_t next = 0, last = 0;
  {
    Statement pending(db_->handle(), "SELECT next_id, last_id FROM stats_backfill");
    if (!pending.step()) return;
    next = pending.columnInt(0);
    last = pending.columnInt(1);
  }
  Progress progress(db_->path() + ": adding the stored reports to the statistics",
                    static_cast<std::size_t>(std::max<std::int64_t>(0, last - next)));
  const std::int64_t first = next;
  std::size_t unreadable = 0;
  while (true) {
    Transaction transaction(*db_);
    Statement chunk(db_->handle(),
                    "SELECT id, report, received_at, received_as, received_from FROM reports "
                    "WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3");
    chunk.bind(1, next);
    chunk.bind(2, last);
    chunk.bind(3, kChunk);
    std::vector<stats::StoredReport> stored;
    while (chunk.step()) {
      next = chunk.columnInt(0);
      stored.push_back({chunk.columnText(1), chunk.columnInt(2), chunk.columnText(3),
                        chunk.columnIsNull(4) ? std::nullopt : std::optional(chunk.columnText(4))});
    }
    if (stored.empty()) {
      db_->exec("DELETE FROM stats_backfill");
      transaction.commit();
      break;
    }
    SqliteRollupStore rollup(*db_);
    unreadable += stats::rollUpStored(rollup, stored);
    Statement advance(db_->handle(), "UPDATE stats_backfill SET next_id = ?1");
    advance.bind(1, next);
    advance.step();
    transaction.commit();
    progress.set(static_cast<std::size_t>(next - first));
  }
  stats::warnUnreadable(db_->path(), unreadable);
}

WriteResult SqliteStorage::write(const std::vector<const Report*>& batch) {
  WriteResult result;
  result.duplicate.reserve(batch.size());
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction transaction(*db_);
  try {
    for (const Report* report : batch) {
      insert_->reset();
      insert_->bind(1, report->reportID);
      insert_->bind(2, report->clusterID);
      insert_->bind(3, report->receivedAt.value_or(0));
      insert_->bind(4, report->receivedFrom);
      insert_->bind(5, std::string(toString(report->receivedAs)));
      insert_->bind(6, report->generatedAt);
      insert_->bind(7, report->masterVersion);
      insert_->bind(8, static_cast<std::int64_t>(nodeCountOf(*report)));
      insert_->bind(9, encodeNativeJson(*report));
      insert_->step();
      result.duplicate.push_back(db_->changes() == 0);
    }
    insert_->reset();
    std::vector<const Report*> stored;
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (!result.duplicate[i]) stored.push_back(batch[i]);
    SqliteRollupStore rollup(*db_);
    stats::rollUp(rollup, stored);
    transaction.commit();
  } catch (...) {
    insert_->reset();
    throw;
  }
  return result;
}

namespace {

// Deletes in transactions of at most this many rows, so a large retention run never holds the
// write lock long enough to stall ingest.
constexpr std::int64_t kDeleteChunk = 5000;

}  // namespace

std::optional<std::uint64_t> SqliteStorage::eraseCluster(const std::string& clusterID) {
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction transaction(*db_);
  SqliteRollupStore rollup(*db_);
  stats::rollOut(rollup, clusterID);
  Statement erase(db_->handle(), "DELETE FROM reports WHERE cluster_id = ?1");
  erase.bind(1, clusterID);
  erase.step();
  const auto deleted = static_cast<std::uint64_t>(db_->changes());
  transaction.commit();
  return deleted;
}

std::optional<std::uint64_t> SqliteStorage::deleteReceivedBefore(Micros cutoff) {
  std::lock_guard<std::mutex> lock(mutex_);
  Transaction transaction(*db_);
  Statement chunk(db_->handle(),
                  "DELETE FROM reports WHERE id IN "
                  "(SELECT id FROM reports WHERE received_at < ?1 ORDER BY received_at LIMIT ?2)");
  chunk.bind(1, static_cast<std::int64_t>(cutoff));
  chunk.bind(2, kDeleteChunk);
  chunk.step();
  auto deleted = static_cast<std::uint64_t>(db_->changes());
  if (deleted == 0) {
    // The reports are gone: then the per-cluster statistics rows of that age; the aggregates stay.
    SqliteRollupStore rollup(*db_);
    deleted = stats::expireChunk(rollup, cutoff, nowMicros());
  }
  transaction.commit();
  return deleted;
}

std::optional<std::vector<AggregateRow>> SqliteStorage::aggregates(stats::Interval interval,
                                                                   const std::string& dimension,
                                                                   stats::Day from, stats::Day to) {
  std::lock_guard<std::mutex> lock(readMutex_);
  Statement select(reader_->handle(),
                   "SELECT period, value, clusters, amount FROM stats_aggregates "
                   "WHERE granularity = ?1 AND dimension = ?2 AND period BETWEEN ?3 AND ?4 "
                   "AND (clusters <> 0 OR amount <> 0)");
  select.bind(1, static_cast<std::int64_t>(interval));
  select.bind(2, dimension);
  select.bind(3, from);
  select.bind(4, to);
  std::vector<AggregateRow> rows;
  while (select.step())
    rows.push_back({select.columnInt(0), select.columnText(1), select.columnInt(2), select.columnDouble(3)});
  return rows;
}

std::optional<std::vector<ClusterSpan>> SqliteStorage::clusterSpans(Micros from, Micros to) {
  std::lock_guard<std::mutex> lock(readMutex_);
  Statement select(
      reader_->handle(),
      "SELECT first_seen, last_seen FROM stats_clusters WHERE last_seen >= ?1 AND first_seen < ?2");
  select.bind(1, static_cast<std::int64_t>(from));
  select.bind(2, static_cast<std::int64_t>(to));
  std::vector<ClusterSpan> spans;
  while (select.step()) spans.push_back({select.columnInt(0), select.columnInt(1)});
  return spans;
}

StorageHealth SqliteStorage::health() {
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    Statement check(db_->handle(), "SELECT count(*) FROM schema_version");
    check.step();
    return {true, db_->path()};
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

}  // namespace kubecensus::sqlite
