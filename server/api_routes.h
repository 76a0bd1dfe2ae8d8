#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "address_policy.h"
#include "http/http_message.h"
#include "trusted_proxies.h"

namespace kubecensus {
class Logger;
}

namespace kubecensus::server {

class AccessControl;
class Ingestor;
class MemoryBudget;
class Metrics;

// A route answers through `respond`, at once or later from another thread (an ingest answers
// when its commit lands or its deadline passes). An ApiError thrown before it responded becomes
// its JSON answer.
using Handler = std::function<void(HttpRequest&, Respond)>;

struct Route {
  std::string method;
  std::string path;  // exact, or with `prefix` every path under it ("/api/v2/clusters/")
  Handler handle;
  bool prefix = false;
  // The handler waits on storage (statistics queries, erasure, bundles): the front end runs it
  // on its blocking pool, never on an I/O thread.
  bool blocking = false;
};

// A handler that answers at once with what `answer` returns.
Handler answerNow(std::function<HttpResponse(HttpRequest&)> answer);

struct ApiSettings {
  std::uint64_t maxBodyBytes = 1 << 20;
  std::uint64_t maxDecompressedBytes = 16 << 20;
  std::uint64_t maxBundleBytes = 64 << 20;                 // inflated: 8 times as much
  TrustedProxies trustedProxies;                           // whose X-Forwarded-For is believed
  AddressPolicy addressPolicy = AddressPolicy::Truncated;  // what receivedFrom keeps
  // How long a POST waits for its commit (collector.commit_timeout); past it 503 + Retry-After.
  std::chrono::milliseconds commitTimeout{5000};
};

// The largest body a request to `path` may send, as sent: bundles have their own limit.
std::uint64_t maxBodyBytesFor(const ApiSettings& settings, std::string_view path);

// The collector's HTTP API: POST /api/v1 (Spartakus record or tectonic payload, 204),
// POST /api/v2/reports (native, one or an array, 202), POST /api/v2/bundles (a bundle, 202),
// GET /healthz, GET /version.
// GET /healthz and /readyz: 200 while every storage answers, 503 otherwise (a load balancer's
// readiness), from the state the health monitor keeps: never waiting on storage;
// GET /metrics: Prometheus text.
// DELETE /api/v2/clusters/{clusterID}: erases a cluster's reports from every storage that can
// delete (admin token), answering which storages deleted how many and which cannot.
// The POST routes go through `access` (authentication, rate limit) first.
std::vector<Route> apiRoutes(Ingestor& ingestor, const ApiSettings& settings, Metrics& metrics,
                             AccessControl& access);

struct DispatchContext {
  Logger& log;
  Metrics* metrics = nullptr;
  AddressPolicy logAddress = AddressPolicy::Truncated;  // how the access log names the peer
  // Runs a blocking route's work elsewhere, or returns false when too much waits there already
  // (the request gets 503); empty: on the calling thread.
  std::function<bool(std::function<void()>)> offload = {};
};

// Finds the route for a request and runs it (HEAD as GET; the front end sends no body); unknown path 404, known path with another
// method 405 with Allow; any ApiError becomes its JSON answer, anything else a 500. `respond`
// gets exactly one answer, after it is counted in the metrics and written to the access log.
// `context` must outlive every answer (one may come later, from another thread).
void dispatch(const std::vector<Route>& routes, HttpRequest request, Respond respond,
              const DispatchContext& context);

}  // namespace kubecensus::server
