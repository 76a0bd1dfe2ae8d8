// Answers one statistic (docs/stats.md) from a storage's aggregates: every period of the range
// listed, values shared by fewer than minClusters clusters merged into "other".
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "kubecensus/stats/catalog.h"
#include "kubecensus/stats/periods.h"

namespace kubecensus {
class Storage;
}

namespace kubecensus::server {

struct StatQuery {
  const stats::StatSpec* spec = nullptr;
  stats::Interval interval = stats::Interval::Day;
  stats::Day from = 0;  // period starts, both included
  stats::Day to = 0;
  std::string kind = "pods";  // workload-sizes only
  std::int64_t minClusters = 3;
};

// The JSON answer; throws what the storage throws.
nlohmann::json answerStat(Storage& storage, const StatQuery& query);

// The same numbers as CSV (header row first), values a spreadsheet would run as formulas quoted.
std::string statCsv(const StatQuery& query, const nlohmann::json& answer);

}  // namespace kubecensus::server
