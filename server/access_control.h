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

namespace kubecensus::server {

class Accounts;
struct HttpRequest;

struct AccessSettings {
  std::vector<std::string> tokens;       // auth = token: the accepted bearer tokens
  std::vector<std::string> adminTokens;  // bearer tokens of the administrative routes (erasure)
  Accounts* accounts = nullptr;          // auth = account: the accounts that may post
  double ratePerSecond = 0;              // 0: no rate limit
  double burst = 20;
};

class AccessControl {
 public:
  explicit AccessControl(AccessSettings settings);
  // Throws ApiError 401 (with a WWW-Authenticate challenge) or 429 (with Retry-After). With
  // auth = account, returns the account that HTTP Basic authentication proved; without a Basic
  // header a request that may carry its account in the body (a tectonic payload) is let
  // through unproven (empty ID) for checkAccount(), any other is refused.
  std::string admit(const HttpRequest& request, const std::string& clientAddress,
                    bool accountInBody = false);
  // auth = account: the account in a tectonic payload must be enabled and its secret right.
  void checkAccount(const std::string& id, const std::string& secret);
  // For administrative routes: 403 when no admin token is configured (the routes are off),
  // 401 without one of them as "Authorization: Bearer".
  void admitAdmin(const HttpRequest& request) const;
  bool accountsRequired() const { return settings_.accounts != nullptr; }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point refilled;
  };
  void authenticate(const HttpRequest& request) const;
  std::string authenticateAccount(const HttpRequest& request, bool accountInBody);
  void limit(const std::string& clientAddress);

  AccessSettings settings_;
  std::vector<std::string> tokenDigests_;  // SHA-256 hex of each accepted token
  std::vector<std::string> adminDigests_;  // and of each admin token
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace kubecensus::server
