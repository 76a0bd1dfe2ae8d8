#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "kubecensus/plugin/options.h"
#include "kubecensus/plugin/storage.h"

namespace kubecensus::sqlite {

class Connection;
class Statement;

// Embedded storage: one SQLite file in WAL mode. A report is one row keyed by reportID, so a
// re-sent report is stored once; the native JSON is kept whole beside the columns queried.
// The statistics' aggregates are updated in the same transaction (docs/stats.md).
class SqliteStorage : public Storage {
 public:
  // Older databases are migrated on open; a newer one is refused rather than written by code
  // that does not know its shape.
  explicit SqliteStorage(const Options& options);
  ~SqliteStorage() override;

  WriteResult write(const std::vector<const Report*>& batch) override;
  StorageHealth health() override;
  std::optional<std::uint64_t> eraseCluster(const std::string& clusterID) override;
  std::optional<std::uint64_t> deleteReceivedBefore(Micros cutoff) override;
  std::optional<std::vector<AggregateRow>> aggregates(stats::Interval interval, const std::string& dimension,
                                                      stats::Day from, stats::Day to) override;
  std::optional<std::vector<ClusterSpan>> clusterSpans(Micros from, Micros to) override;

 private:
  void backfillStatistics();

  std::mutex mutex_;  // one writer at a time on this connection
  std::unique_ptr<Connection> db_;
  std::unique_ptr<Statement> insert_;
  // Statistics are read on their own connection (WAL: readers never wait for the writer).
  std::mutex readMutex_;
  std::unique_ptr<Connection> reader_;
};

}  // namespace kubecensus::sqlite
