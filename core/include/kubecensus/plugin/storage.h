#pragma once

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

  // Writes the batch in one transaction: all reports are durably committed when this
  // returns, or an exception is thrown and none are.
  virtual WriteResult write(const std::vector<const Report*>& batch) = 0;
  virtual StorageHealth health() = 0;
};

}  // namespace kubecensus
