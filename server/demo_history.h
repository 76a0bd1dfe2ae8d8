// A realistic, reproducible history of many clusters for demonstrations and benchmarks
// (`kubecensus-collector demo-data`, `make demo-data`, bench/stats): clusters appear over the
// period, upgrade Kubernetes as new minor versions come out, grow and shrink, and some stop
// reporting. Every report is made like an agent's at the standard level (node groups, no IDs).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "kubecensus/report/report.h"

namespace kubecensus::server {

struct DemoSettings {
  int clusters = 300;
  int days = 365;          // history up to `end`
  int reportsPerDay = 1;   // per cluster and day
  Micros end = 0;          // the last day's end; 0: now
  std::uint64_t seed = 1;  // the same seed gives the same clusters (report IDs are new each run)
};

// Calls `deliver` with the reports in time order, in batches of at most `batchSize`.
// Returns how many reports were made.
std::uint64_t generateDemoHistory(const DemoSettings& settings, std::size_t batchSize,
                                  const std::function<void(const std::vector<Report>&)>& deliver);

}  // namespace kubecensus::server
