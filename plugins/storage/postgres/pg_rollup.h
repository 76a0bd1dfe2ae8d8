// The statistics' tables of the postgres storage, as the core rollup sees them (stats/rollup.h).
#pragma once

#include "kubecensus/stats/rollup.h"

namespace kubecensus::postgres {

class PgConnection;

// Works inside the caller's transaction. Several collectors may write at once: clusters() takes
// a transaction-level advisory lock per cluster (in one order), so two of them never roll the
// same cluster up from the same old state; aggregates are added in key order.
class PgRollupStore : public stats::RollupStore {
 public:
  explicit PgRollupStore(PgConnection& db) : db_(db) {}
  std::map<std::string, stats::ClusterSeen> clusters(const std::vector<std::string>& clusterIDs) override;
  std::map<stats::EntryKey, stats::Entry> entries(const std::vector<stats::EntryKey>& keys) override;
  std::map<stats::EntryKey, stats::Entry> entriesOf(const std::string& clusterID) override;
  void save(const std::map<std::string, stats::ClusterSeen>& clusters,
            const std::map<stats::EntryKey, stats::Entry>& entries,
            const std::map<stats::AggregateKey, stats::AggregateDelta>& deltas) override;
  void forget(const std::string& clusterID) override;
  std::uint64_t expire(stats::Day before, std::uint64_t limit) override;

 private:
  PgConnection& db_;
};

extern const char* const kStatsTablesMigration;

}  // namespace kubecensus::postgres
