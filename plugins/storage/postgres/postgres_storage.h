// PostgreSQL storage: one row per report keyed by reportID (a re-sent report, or the same one
// posted to two collectors on one database, is stored once), the report as JSONB beside typed
// columns for what is queried. A small pool of connections; a connection that breaks (a
// database restart) is dropped and a new one made, with backoff, while writes fail - the
// collector answers 503 meanwhile and nothing acknowledged is lost. No connection attempt takes
// longer than connect_timeout, no round trip longer than query_timeout: a database that does
// not answer fails writes and health checks, and the connection is dropped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/storage.h"
#include "pg_connection.h"

namespace kubecensus::postgres {

class PostgresStorage : public Storage {
 public:
  explicit PostgresStorage(const Options& options);
  ~PostgresStorage() override;

  WriteResult write(const std::vector<const Report*>& batch) override;
  StorageHealth health() override;
  std::optional<std::uint64_t> eraseCluster(const std::string& clusterID) override;
  std::optional<std::uint64_t> deleteReceivedBefore(Micros cutoff) override;
  std::optional<std::vector<AggregateRow>> aggregates(stats::Interval interval, const std::string& dimension,
                                                      stats::Day from, stats::Day to) override;
  std::optional<std::vector<ClusterSpan>> clusterSpans(Micros from, Micros to) override;

 private:
  void backfillStatistics();
  template <class Work>
  auto inTransaction(Work&& work);
  // A pooled connection, back to the pool when released unless it broke.
  class Lease;
  std::unique_ptr<PgConnection> acquire();
  void release(std::unique_ptr<PgConnection> connection);

  std::string dsn_;
  PgTimeouts timeouts_;
  std::size_t poolSize_;
  std::mutex mutex_;  // guards what follows
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t open_ = 0;  // connections in use or idle
  std::chrono::steady_clock::time_point nextConnectAttempt_{};
  std::chrono::milliseconds backoff_{0};
  std::string lastConnectError_;
};

}  // namespace kubecensus::postgres
