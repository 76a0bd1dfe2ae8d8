#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/plugin.h"
#include "kubecensus/report/report.h"
#include "kubecensus/stats/periods.h"

namespace kubecensus {

struct WriteResult {
  // One entry per report of the batch, in order: true if a report with that reportID was
  // already stored (the write was a no-op for it).
  std::vector<bool> duplicate;
  // Empty when every report was stored. Otherwise one entry per report: a non-empty message
  // says why this storage can never store that report (its values break the table's rules);
  // the rest of the batch is committed. Trying again cannot help, so the collector answers 422.
  std::vector<std::string> rejected;
};

// One row of the statistics' aggregates (docs/stats.md).
struct AggregateRow {
  stats::Day period = 0;
  std::string value;
  std::int64_t clusters = 0;  // clusters counted under the value
  double amount = 0;          // their nodes, objects... summed
};

// When one cluster was first and last seen.
struct ClusterSpan {
  Micros firstSeen = 0;
  Micros lastSeen = 0;
};

struct StorageHealth {
  bool ok = true;
  std::string detail;
};

// Collector-side storage. Several collectors may write to one storage at once, so
// de-duplication by reportID happens here, not in the collector.
class Storage : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::Storage;

  // Writes the batch in one transaction: all reports (but the rejected ones) are durably
  // committed when this returns, or an exception is thrown and none need be (a retry of the
  // batch must then store each report once).
  virtual WriteResult write(const std::vector<const Report*>& batch) = 0;
  virtual StorageHealth health() = 0;

  // Deletion, for the collector's erasure requests and retention. A storage that cannot delete
  // (an append-only file, a streaming table) keeps these defaults, which say so with nullopt;
  // one that can returns how many reports it deleted.
  // Every report of the cluster.
  virtual std::optional<std::uint64_t> eraseCluster(const std::string& /*clusterID*/) { return std::nullopt; }
  // Reports received before `cutoff` (collector clock), at most one chunk (a few thousand) per
  // call, so a long purge never blocks writes or shutdown: the caller calls again until 0.
  // Once no report is left before the cutoff, a storage that keeps statistics deletes their
  // per-cluster rows of that age (stats::expireChunk; the aggregates stay) and counts those.
  virtual std::optional<std::uint64_t> deleteReceivedBefore(Micros /*cutoff*/) { return std::nullopt; }

  // Statistics (docs/stats.md). A storage that keeps none keeps these defaults (nullopt).
  // The aggregates of one dimension in periods [from, to] of an interval, with rows whose
  // clusters and amount are both 0 left out.
  virtual std::optional<std::vector<AggregateRow>> aggregates(stats::Interval /*interval*/,
                                                              const std::string& /*dimension*/,
                                                              stats::Day /*from*/, stats::Day /*to*/) {
    return std::nullopt;
  }
  // The clusters seen in [from, to): last seen at or after `from`, first seen before `to`.
  virtual std::optional<std::vector<ClusterSpan>> clusterSpans(Micros /*from*/, Micros /*to*/) {
    return std::nullopt;
  }
};

}  // namespace kubecensus
