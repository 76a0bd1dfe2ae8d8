// Every route kubecensus-collector serves: the API (api_routes.h), the statistics
// (stats_routes.h) and the dashboard (dashboard_routes.h). The collector's main() and the
// request-handling fuzz target (tests/fuzz) serve this same table.
#pragma once

#include <vector>

#include "api_routes.h"
#include "stats_routes.h"

namespace kubecensus::server {

std::vector<Route> collectorRoutes(Ingestor& ingestor, const ApiSettings& api, const StatsSettings& stats,
                                   Metrics& metrics, AccessControl& access);

}  // namespace kubecensus::server
