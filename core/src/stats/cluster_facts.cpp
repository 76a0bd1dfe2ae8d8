#include "kubecensus/stats/cluster_facts.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "kubecensus/report/report_facts.h"
#include "kubecensus/stats/catalog.h"

namespace kubecensus::stats {
namespace {}  // namespace

std::string bucketOf(std::uint64_t count, const std::vector<std::string>& labels) {
  for (const std::string& label : labels) {
    if (!label.empty() && label.back() == '+') {
      if (count >= std::stoull(label)) return label;
      continue;
    }
    const auto dash = label.find('-');
    const std::uint64_t low = std::stoull(label);
    const std::uint64_t high = dash == std::string::npos ? low : std::stoull(label.substr(dash + 1));
    if (count >= low && count <= high) return label;
  }
  return labels.empty() ? std::string() : labels.front();  // below the first bucket (0 nodes)
}

Micros statsTime(const Report& report) {
  if (!report.receivedAt) return report.generatedAt.value_or(0);
  const Micros received = *report.receivedAt;
  if (report.generatedAt && *report.generatedAt <= received + kMaxReportAhead &&
      *report.generatedAt >= received - kMaxReportAge)
    return *report.generatedAt;
  return received;
}

std::vector<Fact> clusterFacts(const Report& report) {
  const ReportFacts facts = reportFacts(report);
  const auto nodes = static_cast<double>(facts.nodes);
  std::vector<Fact> out;
  out.push_back({kActiveDimension, "", 0});
  out.push_back({kTotalsDimension, "nodes", nodes});
  out.push_back({kTotalsDimension, "cores", facts.cores});
  out.push_back({kTotalsDimension, "memoryBytes", facts.memoryBytes});
  out.push_back({"format", toString(report.receivedAs), nodes});
  out.push_back({"masterMinor",
                 report.masterVersion ? minorVersion(*report.masterVersion).value_or("unknown") : "unknown",
                 nodes});
  if (facts.nodes > 0) out.push_back({"clusterSize", bucketOf(facts.nodes, clusterSizeBuckets()), nodes});
  for (const auto& [dimension, values] : facts.nodesBy)
    for (const auto& [value, count] : values) out.push_back({dimension, value, static_cast<double>(count)});
  if (report.namespaces && report.namespaces->count > 0)
    out.push_back({"namespaces", bucketOf(report.namespaces->count, namespaceCountBuckets()),
                   static_cast<double>(report.namespaces->count)});
  for (const WorkloadSummary& workload : report.workloads) {
    const auto total = static_cast<double>(workload.total);
    out.push_back({"workloads", workload.kind, total});
    out.push_back(
        {workloadSizeDimension(workload.kind), bucketOf(workload.total, workloadSizeBuckets()), total});
  }
  for (Fact& fact : out)
    fact.amount = std::isnan(fact.amount) ? 0 : std::clamp(fact.amount, 0.0, kMaxFactAmount);
  std::sort(out.begin(), out.end());
  // A kind listed twice (a converted record) counts once, with its amounts added.
  std::vector<Fact> unique;
  for (Fact& fact : out) {
    if (!unique.empty() && unique.back().dimension == fact.dimension && unique.back().value == fact.value)
      unique.back().amount = std::min(unique.back().amount + fact.amount, kMaxFactAmount);
    else
      unique.push_back(std::move(fact));
  }
  return unique;
}

std::string encodeFacts(const std::vector<Fact>& facts) {
  nlohmann::json array = nlohmann::json::array();
  for (const Fact& fact : facts) array.push_back({fact.dimension, fact.value, fact.amount});
  return array.dump();
}

std::vector<Fact> decodeFacts(std::string_view text) {
  std::vector<Fact> facts;
  try {
    for (const auto& item : nlohmann::json::parse(text))
      facts.push_back(
          {item.at(0).get<std::string>(), item.at(1).get<std::string>(), item.at(2).get<double>()});
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("stored cluster facts are garbled: ") + e.what());
  }
  return facts;
}

}  // namespace kubecensus::stats
