// Keeps the statistics' aggregates current as reports are stored (docs/stats.md). The logic is
// here once; a storage provides a RollupStore over its tables, used inside the transaction that
// stores the reports, so aggregates and reports commit together.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kubecensus/report/report.h"
#include "kubecensus/stats/periods.h"

namespace kubecensus::stats {

// When a cluster was first and last seen (stats time).
struct ClusterSeen {
  Micros firstSeen = 0;
  Micros lastSeen = 0;
};

// One cluster in one period.
struct EntryKey {
  Interval interval;
  Day period;
  std::string clusterID;
  auto operator<=>(const EntryKey&) const = default;
};

struct Entry {
  Micros latestAt = 0;         // stats time of its latest report
  std::string latestReportID;  // breaks ties between reports of the same microsecond
  std::uint64_t reports = 0;   // reports in the period
  std::string facts;           // encodeFacts() of the latest report
};

struct AggregateKey {
  Interval interval;
  Day period;
  std::string dimension;
  std::string value;
  auto operator<=>(const AggregateKey&) const = default;
};

struct AggregateDelta {
  std::int64_t clusters = 0;
  double amount = 0;
};

class RollupStore {
 public:
  virtual ~RollupStore() = default;
  // Called first, with the clusters a batch touches (sorted). A store that several collectors
  // write to locks them until its transaction ends.
  virtual std::map<std::string, ClusterSeen> clusters(const std::vector<std::string>& clusterIDs) = 0;
  virtual std::map<EntryKey, Entry> entries(const std::vector<EntryKey>& keys) = 0;
  // Every entry of one cluster (for its erasure).
  virtual std::map<EntryKey, Entry> entriesOf(const std::string& clusterID) = 0;
  // Writes what changed: clusters and entries replaced whole, deltas added to the aggregates
  // (in key order, so concurrent writers take row locks in one order).
  virtual void save(const std::map<std::string, ClusterSeen>& clusters,
                    const std::map<EntryKey, Entry>& entries,
                    const std::map<AggregateKey, AggregateDelta>& deltas) = 0;
  // Removes the cluster's row and entries (the deltas taking it out are saved separately).
  virtual void forget(const std::string& clusterID) = 0;
  // Deletes at most `limit` entries of periods starting before `before`, and the clusters last
  // seen before its start; returns how many entries went.
  virtual std::uint64_t expire(Day before, std::uint64_t limit) = 0;
};

// Retention with `cutoff` at time `now`: per-cluster rows (entries, first and last seen) of
// periods starting before the returned day may be deleted. It is the start of the month holding
// the earlier of the cutoff and the oldest time a report arriving now could still count at, so
// no open period loses the rows that keep a cluster from being counted twice in it.
Day perClusterRowsExpireBefore(Micros cutoff, Micros now);

// One chunk of that retention (the aggregates stay); 0 when nothing is left to delete.
std::uint64_t expireChunk(RollupStore& store, Micros cutoff, Micros now);

// Adds newly stored reports (not duplicates) to the statistics.
void rollUp(RollupStore& store, const std::vector<const Report*>& stored);

// Takes a cluster out of the statistics of the periods whose entries are still kept.
void rollOut(RollupStore& store, const std::string& clusterID);

}  // namespace kubecensus::stats
