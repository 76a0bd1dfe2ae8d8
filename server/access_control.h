// Who may post reports, and how often: with auth = token a request needs
// "Authorization: Bearer <one of collector.tokens>" (compared in constant time); with a rate
// limit each source address gets a token bucket of `rate` requests per second and `burst`.
// GET endpoints (health, readiness, version, metrics) are open.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace kubecensus::server {

struct AccessSettings {
  std::vector<std::string> tokens;  // empty: no authentication (Spartakus' way)
  double ratePerSecond = 0;         // 0: no rate limit
  double burst = 20;
};

class AccessControl {
 public:
  explicit AccessControl(AccessSettings settings);
  // Throws ApiError 401 (with a WWW-Authenticate challenge) or 429 (with Retry-After).
  void admit(const Poco::Net::HTTPServerRequest& request, const std::string& clientAddress);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point refilled;
  };
  void authenticate(const Poco::Net::HTTPServerRequest& request) const;
  void limit(const std::string& clientAddress);

  AccessSettings settings_;
  std::vector<std::string> tokenDigests_;  // SHA-256 hex of each accepted token
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace kubecensus::server
