#include "postgres_storage.h"

#include <algorithm>
#include <set>

#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "kubecensus/stats/backfill.h"
#include "kubecensus/stats/rollup.h"
#include "kubecensus/util/progress.h"
#include "pg_connection.h"
#include "pg_rollup.h"

namespace kubecensus::postgres {
namespace {

using std::chrono::milliseconds;

const std::vector<const char*> kMigrations = {
    R"sql(
    CREATE TABLE reports (
      report_id      TEXT PRIMARY KEY,
      cluster_id     TEXT NOT NULL,
      received_at    TIMESTAMPTZ NOT NULL,   -- collector clock
      received_from  TEXT,
      received_as    TEXT NOT NULL,          -- kubecensus.report/v2, spartakus-v1, tectonic
      generated_at   TIMESTAMPTZ,            -- agent clock (informational)
      master_version TEXT,
      node_count     INTEGER NOT NULL,
      report         JSONB NOT NULL
    );
    CREATE INDEX reports_by_received_at ON reports (received_at);
    CREATE INDEX reports_by_cluster ON reports (cluster_id, received_at);
    )sql",
    // 2: the statistics' tables.
    kStatsTablesMigration,
};

// Any value, so two collectors starting together do not migrate at once.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7405316200991)";
constexpr std::size_t kRowsPerStatement = 1000;  // 9,000 parameters, far below libpq's 65,535
constexpr milliseconds kMaxBackoff{10000};
constexpr milliseconds kPoolWait{10000};

void migrate(PgConnection& db) {
  db.exec("BEGIN");
  try {
    db.exec(kMigrationLock);
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const int version =
        std::stoi(db.exec("SELECT coalesce(max(version), 0) FROM schema_version").value(0, 0));
    const int latest = static_cast<int>(kMigrations.size());
    if (version > latest)
      throw std::runtime_error("the database's schema version " + std::to_string(version) +
                               " is newer than this collector understands (" + std::to_string(latest) +
                               "); upgrade the collector");
    for (int v = version; v < latest; ++v) {
      db.exec(kMigrations[static_cast<std::size_t>(v)]);
      db.exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(v + 1) + ")");
    }
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

std::optional<std::string> timestamp(const std::optional<std::int64_t>& micros) {
  if (!micros) return std::nullopt;
  return formatRfc3339(*micros);
}

PgTimeouts timeoutsOf(const Options& options) {
  PgTimeouts out{options.getDuration("connect_timeout"), options.getDuration("statement_timeout"),
                 options.getDuration("query_timeout"), options.getDuration("tcp_user_timeout")};
  // Without a deadline, one database that stops answering holds the collector's writers and
  // health checks for good.
  for (const char* name : {"connect_timeout", "query_timeout"})
    if (options.getDuration(name).count() <= 0)
      throw std::invalid_argument(std::string(name) +
                                  " must be more than 0: PostgreSQL is never waited for without a deadline");
  return out;
}

}  // namespace

class PostgresStorage::Lease {
 public:
  Lease(PostgresStorage& storage) : storage_(storage), connection_(storage.acquire()) {}
  ~Lease() { storage_.release(std::move(connection_)); }
  PgConnection& operator*() { return *connection_; }

 private:
  PostgresStorage& storage_;
  std::unique_ptr<PgConnection> connection_;
};

// Runs `work` in a transaction on a pooled connection.
template <class Work>
auto PostgresStorage::inTransaction(Work&& work) {
  Lease db(*this);
  (*db).exec("BEGIN");
  try {
    auto result = work(*db);
    (*db).exec("COMMIT");
    return result;
  } catch (...) {
    try {
      if ((*db).ok()) (*db).exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
}

PostgresStorage::PostgresStorage(const Options& options)
    : dsn_(options.getString("dsn")),
      timeouts_(timeoutsOf(options)),
      poolSize_(static_cast<std::size_t>(std::max<std::int64_t>(1, options.getInt("pool_size")))) {
  {
    Lease db(*this);
    migrate(*db);
  }
  backfillStatistics();
}

void PostgresStorage::backfillStatistics() {
  std::size_t done = 0, unreadable = 0;
  std::unique_ptr<Progress> progress;
  while (inTransaction([&](PgConnection& db) {
    // The row lock makes a second collector starting now wait, then go on from where this one got.
    PgResult pending = db.exec("SELECT next_at, next_id, last_at FROM stats_backfill FOR UPDATE");
    if (pending.rows() == 0) return false;
    if (!progress) {
      PgResult total = db.exec(
          "SELECT count(*) FROM reports WHERE (received_at, report_id) > ($1, $2) AND received_at <= $3",
          {pending.value(0, 0).c_str(), pending.value(0, 1).c_str(), pending.value(0, 2).c_str()});
      progress = std::make_unique<Progress>("PostgreSQL: adding the stored reports to the statistics",
                                            std::stoull(total.value(0, 0)));
    }
    PgResult chunk = db.exec(
        "SELECT received_at, report_id, report::text, (extract(epoch FROM received_at) * 1000000)::bigint, "
        "received_as, received_from FROM reports WHERE (received_at, report_id) > ($1, $2) AND received_at "
        "<= $3 "
        "ORDER BY received_at, report_id LIMIT 2000",
        {pending.value(0, 0).c_str(), pending.value(0, 1).c_str(), pending.value(0, 2).c_str()});
    if (chunk.rows() == 0) {
      db.exec("DELETE FROM stats_backfill");
      return false;
    }
    std::vector<stats::StoredReport> stored;
    for (int r = 0; r < chunk.rows(); ++r) {
      std::optional<std::string> from;
      if (!chunk.isNull(r, 5)) from = chunk.value(r, 5);
      stored.push_back({chunk.value(r, 2), std::stoll(chunk.value(r, 3)), chunk.value(r, 4), from});
    }
    PgRollupStore rollup(db);
    unreadable += stats::rollUpStored(rollup, stored);
    const int last = chunk.rows() - 1;
    db.exec("UPDATE stats_backfill SET next_at = $1, next_id = $2",
            {chunk.value(last, 0).c_str(), chunk.value(last, 1).c_str()});
    done += static_cast<std::size_t>(chunk.rows());
    progress->set(done);
    return true;
  })) {
  }
  stats::warnUnreadable("PostgreSQL", unreadable);
}

PostgresStorage::~PostgresStorage() = default;

std::unique_ptr<PgConnection> PostgresStorage::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  // Bounded: when the database hangs, health checks and requests fail (503, unready) instead
  // of piling up on the pool and taking every HTTP thread.
  if (!available_.wait_for(lock, kPoolWait, [&] { return !idle_.empty() || open_ < poolSize_; }))
    throw PgError("PostgreSQL: every pooled connection is still busy after " +
                      std::to_string(kPoolWait.count()) + " ms",
                  "", false);
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  // A new connection; after a failure, not before the backoff has passed, so a database that
  // is down is not hammered by every request.
  const auto now = std::chrono::steady_clock::now();
  if (now < nextConnectAttempt_)
    throw PgError(
        "PostgreSQL is unavailable (" + lastConnectError_ + "); next attempt in " +
            std::to_string(std::chrono::duration_cast<milliseconds>(nextConnectAttempt_ - now).count()) +
            " ms",
        "", true);
  ++open_;
  lock.unlock();
  try {
    auto connection = std::make_unique<PgConnection>(dsn_, timeouts_);
    lock.lock();
    backoff_ = milliseconds(0);
    return connection;
  } catch (const PgError& e) {
    lock.lock();
    --open_;
    backoff_ = std::min(kMaxBackoff, backoff_.count() == 0 ? milliseconds(250) : backoff_ * 2);
    nextConnectAttempt_ = std::chrono::steady_clock::now() + backoff_;
    lastConnectError_ = e.what();
    available_.notify_one();
    throw;
  }
}

void PostgresStorage::release(std::unique_ptr<PgConnection> connection) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (connection && connection->idle()) {
    idle_.push_back(std::move(connection));
  } else {
    // Broken (the database restarted) or left inside a transaction (a failed ROLLBACK):
    // dropped, a new one is made when needed.
    --open_;
  }
  available_.notify_one();
}

WriteResult PostgresStorage::write(const std::vector<const Report*>& batch) {
  WriteResult result;
  if (batch.empty()) return result;
  std::set<std::string> inserted;
  inTransaction([&](PgConnection& db) {
    for (std::size_t start = 0; start < batch.size(); start += kRowsPerStatement) {
      const std::size_t end = std::min(batch.size(), start + kRowsPerStatement);
      std::string sql =
          "INSERT INTO reports (report_id, cluster_id, received_at, received_from, received_as, "
          "generated_at, "
          "master_version, node_count, report) VALUES ";
      std::vector<std::optional<std::string>> values;
      values.reserve((end - start) * 9);
      for (std::size_t i = start; i < end; ++i) {
        const Report& report = *batch[i];
        const std::size_t base = values.size();
        sql += (i > start ? "," : "");
        sql += "(";
        for (int p = 1; p <= 9; ++p)
          sql += (p > 1 ? ",$" : "$") + std::to_string(base + static_cast<std::size_t>(p));
        sql += ")";
        values.emplace_back(report.reportID);
        values.emplace_back(report.clusterID);
        values.emplace_back(formatRfc3339(report.receivedAt.value_or(nowMicros())));
        values.emplace_back(report.receivedFrom);
        values.emplace_back(std::string(toString(report.receivedAs)));
        values.emplace_back(timestamp(report.generatedAt));
        values.emplace_back(report.masterVersion);
        values.emplace_back(std::to_string(nodeCountOf(report)));
        values.emplace_back(encodeNativeJson(report));
      }
      sql += " ON CONFLICT (report_id) DO NOTHING RETURNING report_id";
      std::vector<const char*> params;
      params.reserve(values.size());
      for (const auto& value : values) params.push_back(value ? value->c_str() : nullptr);
      PgResult rows = db.exec(sql, params);
      for (int r = 0; r < rows.rows(); ++r) inserted.insert(rows.value(r, 0));
    }
    std::vector<const Report*> stored;
    std::set<std::string> counted;
    for (const Report* report : batch)
      if (inserted.count(report->reportID) && counted.insert(report->reportID).second)
        stored.push_back(report);
    PgRollupStore rollup(db);
    stats::rollUp(rollup, stored);
    return 0;
  });
  result.duplicate.reserve(batch.size());
  std::set<std::string> seen;
  for (const Report* report : batch) {
    // A report ID twice in one batch: the second is a duplicate of the first.
    const bool first = seen.insert(report->reportID).second;
    result.duplicate.push_back(!(first && inserted.count(report->reportID)));
  }
  return result;
}

std::optional<std::uint64_t> PostgresStorage::eraseCluster(const std::string& clusterID) {
  return inTransaction([&](PgConnection& db) {
    PgRollupStore rollup(db);
    stats::rollOut(rollup, clusterID);
    PgResult count = db.exec(
        "WITH gone AS (DELETE FROM reports WHERE cluster_id = $1 RETURNING 1) SELECT count(*) FROM gone",
        {clusterID.c_str()});
    return std::optional<std::uint64_t>(std::stoull(count.value(0, 0)));
  });
}

std::optional<std::uint64_t> PostgresStorage::deleteReceivedBefore(Micros cutoff) {
  // One chunk, its own transaction, so ingest is never blocked for long.
  const std::string before = formatRfc3339(cutoff);
  Lease db(*this);
  PgResult count = (*db).exec(
      "WITH gone AS (DELETE FROM reports WHERE report_id IN (SELECT report_id FROM reports WHERE received_at "
      "< $1 ORDER BY received_at LIMIT 5000) RETURNING 1) SELECT count(*) FROM gone",
      {before.c_str()});
  std::uint64_t deleted = std::stoull(count.value(0, 0));
  if (deleted == 0) {
    // The reports are gone: then the per-cluster statistics rows of that age; the aggregates stay.
    PgRollupStore rollup(*db);
    deleted = stats::expireChunk(rollup, cutoff, nowMicros());
  }
  return deleted;
}

std::optional<std::vector<AggregateRow>> PostgresStorage::aggregates(stats::Interval interval,
                                                                     const std::string& dimension,
                                                                     stats::Day from, stats::Day to) {
  const std::string granularity = std::to_string(static_cast<int>(interval));
  const std::string first = std::to_string(from), last = std::to_string(to);
  Lease db(*this);
  PgResult rows = (*db).exec(
      "SELECT period, value, clusters, amount FROM stats_aggregates WHERE granularity = $1 AND dimension = "
      "$2 "
      "AND period BETWEEN $3 AND $4 AND (clusters <> 0 OR amount <> 0)",
      {granularity.c_str(), dimension.c_str(), first.c_str(), last.c_str()});
  std::vector<AggregateRow> out;
  for (int r = 0; r < rows.rows(); ++r)
    out.push_back({std::stoll(rows.value(r, 0)), rows.value(r, 1), std::stoll(rows.value(r, 2)),
                   std::stod(rows.value(r, 3))});
  return out;
}

std::optional<std::vector<ClusterSpan>> PostgresStorage::clusterSpans(Micros from, Micros to) {
  const std::string first = std::to_string(from), last = std::to_string(to);
  Lease db(*this);
  PgResult rows =
      (*db).exec("SELECT first_seen, last_seen FROM stats_clusters WHERE last_seen >= $1 AND first_seen < $2",
                 {first.c_str(), last.c_str()});
  std::vector<ClusterSpan> out;
  for (int r = 0; r < rows.rows(); ++r)
    out.push_back({std::stoll(rows.value(r, 0)), std::stoll(rows.value(r, 1))});
  return out;
}

StorageHealth PostgresStorage::health() {
  try {
    Lease db(*this);
    (*db).exec("SELECT 1");
    return {true, "PostgreSQL"};
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

}  // namespace kubecensus::postgres
