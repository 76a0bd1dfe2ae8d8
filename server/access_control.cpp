#include "access_control.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Exception.h>

#include <cmath>
#include <iterator>
#include <sstream>

#include "accounts.h"
#include "api_error.h"
#include "http/http_message.h"
#include "kubecensus/util/hmac.h"

namespace kubecensus::server {
namespace {

constexpr std::size_t kMaxTrackedAddresses = 100000;

// Equal-length strings compared without an early exit, so timing says nothing about where
// they differ.
bool constantTimeEqual(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

// Whether the request's bearer token is one of `digests` (SHA-256 hex): every digest compared,
// without stopping early, so timing says nothing about which or how much matched.
bool bearerMatches(const std::string& header, const std::vector<std::string>& digests) {
  if (header.rfind("Bearer ", 0) != 0) return false;
  const std::string digest = sha256Hex(header.substr(7));
  bool accepted = false;
  for (const auto& known : digests) accepted = constantTimeEqual(digest, known) || accepted;
  return accepted;
}

ApiError unauthorized(const std::string& message, const char* scheme = "Bearer") {
  ApiError error(401, message);
  error.challenge = std::string(scheme) + " realm=\"kubecensus\"";
  return error;
}

}  // namespace

AccessControl::AccessControl(AccessSettings settings) : settings_(std::move(settings)) {
  for (const auto& token : settings_.tokens) tokenDigests_.push_back(sha256Hex(token));
  for (const auto& token : settings_.adminTokens) adminDigests_.push_back(sha256Hex(token));
  settings_.tokens.clear();  // only the digests stay in memory
  settings_.adminTokens.clear();
}

std::string AccessControl::admit(const HttpRequest& request,
                                 const std::string& clientAddress, bool accountInBody) {
  if (settings_.ratePerSecond > 0) limit(clientAddress);
  if (!tokenDigests_.empty()) authenticate(request);
  if (!settings_.accounts) return {};
  return authenticateAccount(request, accountInBody);  // checkAccount() charges the account's rate
}

std::string AccessControl::authenticateAccount(const HttpRequest& request,
                                               bool accountInBody) {
  const std::string header = request.header("Authorization");
  if (header.rfind("Basic ", 0) != 0) {
    if (accountInBody) return {};
    throw unauthorized("this collector needs an account: HTTP Basic authentication (account ID and secret)",
                       "Basic");
  }
  std::string decoded;
  try {
    std::istringstream encoded(header.substr(6));
    Poco::Base64Decoder decoder(encoded);
    decoded.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const Poco::Exception&) {
    throw unauthorized("the Basic credentials are not valid base64", "Basic");
  }
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) throw unauthorized("the Basic credentials need ID:secret", "Basic");
  checkAccount(decoded.substr(0, colon), decoded.substr(colon + 1));
  return decoded.substr(0, colon);
}

void AccessControl::checkAccount(const std::string& id, const std::string& secret) {
  if (!settings_.accounts) return;
  if (id.empty() || !settings_.accounts->verify(id, secret))
    throw unauthorized("account '" + id + "' is unknown, disabled, or its secret is wrong", "Basic");
  if (settings_.ratePerSecond > 0) limit("account " + id);
}

void AccessControl::authenticate(const HttpRequest& request) const {
  const std::string header = request.header("Authorization");
  if (header.rfind("Bearer ", 0) != 0)
    throw unauthorized("this collector needs \"Authorization: Bearer <token>\"");
  if (!bearerMatches(header, tokenDigests_))
    throw unauthorized("the bearer token is not accepted by this collector");
}

void AccessControl::admitAdmin(const HttpRequest& request) const {
  if (adminDigests_.empty())
    throw ApiError(403, "administrative requests are off: no collector.admin_tokens configured");
  if (!bearerMatches(request.header("Authorization"), adminDigests_))
    throw unauthorized("this request needs \"Authorization: Bearer <one of collector.admin_tokens>\"");
}

void AccessControl::limit(const std::string& clientAddress) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  if (buckets_.size() > kMaxTrackedAddresses) {
    // Forget addresses whose bucket has refilled: they lose nothing.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double elapsed = std::chrono::duration<double>(now - it->second.refilled).count();
      it = it->second.tokens + elapsed * settings_.ratePerSecond >= settings_.burst ? buckets_.erase(it)
                                                                                    : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(clientAddress, Bucket{settings_.burst, now});
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.refilled).count();
  bucket.tokens = std::min(settings_.burst, bucket.tokens + elapsed * settings_.ratePerSecond);
  bucket.refilled = now;
  if (bucket.tokens < 1) {
    ApiError slow(429, "too many requests from " + clientAddress + " (limit " +
                           std::to_string(settings_.ratePerSecond) + "/s); retry later");
    slow.retryAfter = static_cast<int>(std::ceil((1 - bucket.tokens) / settings_.ratePerSecond));
    throw slow;
  }
  bucket.tokens -= 1;
}

}  // namespace kubecensus::server
