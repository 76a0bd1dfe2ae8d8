// What one report says about its cluster, as the statistics count it (docs/stats.md): a set
// of (dimension, value, amount) facts. In each interval the cluster counts once under every
// fact of its latest report, and the amounts (nodes, objects) are summed over the clusters.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "kubecensus/report/report.h"

namespace kubecensus::stats {

struct Fact {
  std::string dimension;  // "masterMinor", "architecture", "clusterSize", ... (catalog.h)
  std::string value;      // "1.31", "arm64", "11-50", ...
  double amount = 0;      // what is summed: nodes, cores, objects
  auto operator<=>(const Fact&) const = default;
};

// Sorted by dimension and value, each pair once.
std::vector<Fact> clusterFacts(const Report& report);

// How far back (and ahead) of the collector's receipt a report's own time is believed.
inline constexpr Micros kMaxReportAge = 30LL * 86'400'000'000;
inline constexpr Micros kMaxReportAhead = 3'600'000'000;

// The time a report speaks for: generatedAt, unless that is more than kMaxReportAhead after
// receivedAt or more than kMaxReportAge before it (a skewed clock); then receivedAt.
Micros statsTime(const Report& report);

// Largest amount one cluster contributes under one fact: a report claiming more (a node group
// of 10^300 cores) cannot swamp every other cluster's sum.
inline constexpr double kMaxFactAmount = 1e18;

// Compact text of a cluster's facts, kept beside its latest report's time so that a newer
// report can take the older one's facts out of the aggregates.
std::string encodeFacts(const std::vector<Fact>& facts);
std::vector<Fact> decodeFacts(std::string_view text);  // throws std::runtime_error when garbled

// The bucket a count falls in, by the labels of a bucketed dimension ("1", "2-3", ..., "1001+").
std::string bucketOf(std::uint64_t count, const std::vector<std::string>& labels);

}  // namespace kubecensus::stats
