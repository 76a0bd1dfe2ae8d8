#pragma once

#include <vector>

#include "api_routes.h"

namespace kubecensus::server {

// GET / and the dashboard's assets, compiled into the binary (server/dashboard/).
std::vector<Route> dashboardRoutes();

}  // namespace kubecensus::server
