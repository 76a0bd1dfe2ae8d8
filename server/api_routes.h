#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "address_policy.h"
#include "trusted_proxies.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace kubecensus {
class Logger;
}

namespace kubecensus::server {

class AccessControl;
class Ingestor;
class MemoryBudget;
class Metrics;

using Handler = std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;

struct Route {
  std::string method;
  std::string path;  // exact, or with `prefix` every path under it ("/api/v2/clusters/")
  Handler handle;
  bool prefix = false;
};

struct ApiSettings {
  std::uint64_t maxBodyBytes = 1 << 20;
  std::uint64_t maxDecompressedBytes = 16 << 20;
  std::uint64_t maxBundleBytes = 64 << 20;                 // inflated: 8 times as much
  TrustedProxies trustedProxies;                           // whose X-Forwarded-For is believed
  AddressPolicy addressPolicy = AddressPolicy::Truncated;  // what receivedFrom keeps
  MemoryBudget* memory =
      nullptr;  // what bodies may hold at once (collector.max_inflight_memory); null: no limit
};

// The collector's HTTP API: POST /api/v1 (Spartakus record or tectonic payload, 204),
// POST /api/v2/reports (native, one or an array, 202), POST /api/v2/bundles (a bundle, 202),
// GET /healthz, GET /version.
// GET /readyz: 200 while every storage answers, 503 otherwise (a load balancer's readiness);
// GET /metrics: Prometheus text.
// DELETE /api/v2/clusters/{clusterID}: erases a cluster's reports from every storage that can
// delete (admin token), answering which storages deleted how many and which cannot.
// The POST routes go through `access` (authentication, rate limit) first.
std::vector<Route> apiRoutes(Ingestor& ingestor, const ApiSettings& settings, Metrics& metrics,
                             AccessControl& access);

// Finds the route for a request and runs it; unknown path 404, known path with another
// method 405 with Allow; any ApiError becomes its JSON answer, anything else a 500.
// The access log line names the peer as `logAddress` keeps it.
void dispatch(const std::vector<Route>& routes, Poco::Net::HTTPServerRequest& request,
              Poco::Net::HTTPServerResponse& response, Logger& log, Metrics* metrics = nullptr,
              AddressPolicy logAddress = AddressPolicy::Truncated);

}  // namespace kubecensus::server
