// The statistics the collector answers (docs/stats.md), named as in the API.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kubecensus::stats {

// Dimensions the rollup keeps besides the facts of clusterFacts().
inline constexpr const char* kActiveDimension = "active";    // every active cluster, value ""
inline constexpr const char* kNewDimension = "new";          // clusters first seen, value ""
inline constexpr const char* kReportsDimension = "reports";  // amount: every report, value ""
inline constexpr const char* kTotalsDimension = "totals";    // values nodes, cores, memoryBytes

enum class StatShape {
  Series,     // one number per interval
  Totals,     // clusters, nodes, cores, memoryBytes per interval
  Breakdown,  // clusters per value per interval
  Lifetimes,  // clusters by how long they have reported, over the whole range
};

struct StatSpec {
  std::string_view name;  // in the URL: "master-versions"
  StatShape shape;
  std::string_view dimension;  // what the rollup keeps it under; for workload-sizes a prefix
  std::string_view amount;     // what a breakdown's amount is ("nodes", "objects") or ""
  std::string_view description;
  // Bucketed dimensions list their values in order; others are sorted by clusters.
  const std::vector<std::string>* buckets = nullptr;
};

std::span<const StatSpec> statCatalog();
const StatSpec* findStat(std::string_view name);

// Bucket labels, smallest first.
const std::vector<std::string>& clusterSizeBuckets();     // nodes per cluster
const std::vector<std::string>& namespaceCountBuckets();  // namespaces per cluster
const std::vector<std::string>& workloadSizeBuckets();    // objects of one kind per cluster
const std::vector<std::string>& lifetimeBuckets();        // "<1 day" ... ">365 days"

// The dimension under which the sizes of one workload kind are kept: "workloadSize:pods".
std::string workloadSizeDimension(std::string_view kind);

}  // namespace kubecensus::stats
