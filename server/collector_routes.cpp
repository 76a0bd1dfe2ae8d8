#include "collector_routes.h"

#include "dashboard_routes.h"

namespace kubecensus::server {

std::vector<Route> collectorRoutes(Ingestor& ingestor, const ApiSettings& api, const StatsSettings& stats,
                                   Metrics& metrics, AccessControl& access) {
  std::vector<Route> routes = apiRoutes(ingestor, api, metrics, access);
  for (auto more : {statsRoutes(ingestor, stats), dashboardRoutes()})
    routes.insert(routes.end(), more.begin(), more.end());
  return routes;
}

}  // namespace kubecensus::server
