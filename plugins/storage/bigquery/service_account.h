// OAuth2 for a Google service account (the "JWT bearer" flow of RFC 7523, as Google documents
// it for server-to-server use): a JWT naming the account, the scope and the token URI, signed
// RS256 with the key file's private key, is exchanged at the key file's token_uri for an access
// token, which is cached until a minute before it expires.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace kubecensus::bigquery {

class GoogleHttp;

struct ServiceAccountKey {
  std::string path;  // where it was read from, for messages
  std::string clientEmail;
  std::string privateKeyId;
  std::string privateKeyPem;
  std::string tokenUri;
  std::string projectId;
};

// Reads a key file as the Cloud console downloads it ("type": "service_account"). Throws
// std::runtime_error naming the file and the missing or wrong field.
ServiceAccountKey loadServiceAccountKey(const std::string& path);

// The signed assertion: header {alg RS256, typ JWT, kid}, claims {iss, scope, aud, iat, exp}
// with exp one hour after iat (Google's maximum).
std::string signAssertion(const ServiceAccountKey& key, const std::string& scope, std::int64_t nowSeconds);

class AccessTokens {
 public:
  AccessTokens(ServiceAccountKey key, std::string scope, GoogleHttp& http);

  // A valid access token, fetched when none is cached or the cached one is about to expire.
  // Throws std::runtime_error with the token endpoint's error when the exchange fails.
  std::string get();
  // Forgets the cached token (the API answered 401 with it).
  void invalidate();

  const ServiceAccountKey& key() const { return key_; }

 private:
  ServiceAccountKey key_;
  std::string scope_;
  GoogleHttp& http_;
  std::mutex mutex_;
  std::string token_;
  std::chrono::steady_clock::time_point refreshAt_{};
};

}  // namespace kubecensus::bigquery
