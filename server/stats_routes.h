#pragma once

#include <cstdint>
#include <vector>

#include "api_routes.h"

namespace kubecensus::server {

class Ingestor;

struct StatsSettings {
  std::int64_t minClusters = 3;  // collector.stats_min_clusters
};

// GET /api/v2/stats (the list) and GET /api/v2/stats/<stat> (docs/stats.md), answered by the
// first storage that keeps statistics.
std::vector<Route> statsRoutes(Ingestor& ingestor, const StatsSettings& settings);

}  // namespace kubecensus::server
