#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/plugin.h"
#include "kubecensus/report/report.h"

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
  virtual std::optional<std::uint64_t> deleteReceivedBefore(Micros /*cutoff*/) { return std::nullopt; }
};

}  // namespace kubecensus
