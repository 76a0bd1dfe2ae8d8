// The statistics' tables of the sqlite storage, as the core rollup sees them (stats/rollup.h).
#pragma once

#include "kubecensus/stats/rollup.h"

namespace kubecensus::sqlite {

class Connection;

// Works inside the caller's transaction on `db`.
class SqliteRollupStore : public stats::RollupStore {
 public:
  explicit SqliteRollupStore(Connection& db) : db_(db) {}
  std::map<std::string, stats::ClusterSeen> clusters(const std::vector<std::string>& clusterIDs) override;
  std::map<stats::EntryKey, stats::Entry> entries(const std::vector<stats::EntryKey>& keys) override;
  std::map<stats::EntryKey, stats::Entry> entriesOf(const std::string& clusterID) override;
  void save(const std::map<std::string, stats::ClusterSeen>& clusters,
            const std::map<stats::EntryKey, stats::Entry>& entries,
            const std::map<stats::AggregateKey, stats::AggregateDelta>& deltas) override;
  void forget(const std::string& clusterID) override;
  std::uint64_t expire(stats::Day before, std::uint64_t limit) override;

 private:
  Connection& db_;
};

// The migration that creates the tables (appended to the storage's migrations).
extern const char* const kStatsTablesMigration;

}  // namespace kubecensus::sqlite
