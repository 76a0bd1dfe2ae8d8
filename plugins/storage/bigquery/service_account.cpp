#include "service_account.h"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/URI.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "google_http.h"
#include "kubecensus/util/state_dir.h"

namespace kubecensus::bigquery {
namespace {

std::string requiredField(const nlohmann::json& json, const std::string& path, const char* field) {
  auto it = json.find(field);
  if (it == json.end() || !it->is_string() || it->get<std::string>().empty())
    throw std::runtime_error(path + ": field \"" + field + "\" is missing or not a non-empty string");
  return it->get<std::string>();
}

// Token lifetimes are read from expires_in; a token is renewed this long before it expires so
// a request never starts with one that lapses on the way.
constexpr std::chrono::seconds kRenewBefore{60};

}  // namespace

ServiceAccountKey loadServiceAccountKey(const std::string& path) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(readFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not a service-account key file (JSON): " + e.what());
  }
  if (!json.is_object())
    throw std::runtime_error(path + ": not a service-account key file (not a JSON object)");
  const std::string type = requiredField(json, path, "type");
  if (type != "service_account")
    throw std::runtime_error(path + ": field \"type\" is \"" + type + "\"; a service_account key is needed");
  ServiceAccountKey key;
  key.path = path;
  key.clientEmail = requiredField(json, path, "client_email");
  key.privateKeyPem = requiredField(json, path, "private_key");
  key.tokenUri = requiredField(json, path, "token_uri");
  key.privateKeyId = json.value("private_key_id", "");
  key.projectId = json.value("project_id", "");
  try {
    std::istringstream pem(key.privateKeyPem);
    Poco::Crypto::RSAKey parsed(nullptr, &pem);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(path +
                             ": field \"private_key\" is not a PEM RSA private key: " + e.displayText());
  }
  return key;
}

std::string signAssertion(const ServiceAccountKey& key, const std::string& scope, std::int64_t nowSeconds) {
  Poco::JWT::Token token;
  token.setType("JWT");
  if (!key.privateKeyId.empty()) token.header().set("kid", key.privateKeyId);
  token.setIssuer(key.clientEmail);
  token.payload().set("scope", scope);
  token.setAudience(key.tokenUri);
  token.payload().set("iat", static_cast<Poco::Int64>(nowSeconds));
  token.payload().set("exp", static_cast<Poco::Int64>(nowSeconds + 3600));
  std::istringstream pem(key.privateKeyPem);
  Poco::SharedPtr<Poco::Crypto::RSAKey> rsa(new Poco::Crypto::RSAKey(nullptr, &pem));
  Poco::JWT::Signer signer(rsa);
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

AccessTokens::AccessTokens(ServiceAccountKey key, std::string scope, GoogleHttp& http)
    : key_(std::move(key)), scope_(std::move(scope)), http_(http) {}

std::string AccessTokens::get() {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!token_.empty() && now < refreshAt_) return token_;
  const std::int64_t unixNow =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::string grantType;
  Poco::URI::encode("urn:ietf:params:oauth:grant-type:jwt-bearer", ":/&=+", grantType);
  // The assertion is base64url with dots: nothing in it needs escaping in a form.
  const std::string form = "grant_type=" + grantType + "&assertion=" + signAssertion(key_, scope_, unixNow);
  const HttpAnswer answer = http_.post(key_.tokenUri, "application/x-www-form-urlencoded", form);
  nlohmann::json json = nlohmann::json::parse(answer.body, nullptr, false);
  if (answer.status != 200) {
    std::string detail = answer.body.substr(0, 300);
    if (json.is_object() && json.contains("error"))
      detail = json["error"].is_string()
                   ? json["error"].get<std::string>() + ": " + json.value("error_description", "")
                   : json["error"].dump();
    throw std::runtime_error("token exchange for " + key_.clientEmail + " at " + key_.tokenUri +
                             " failed with HTTP " + std::to_string(answer.status) + ": " + detail);
  }
  if (!json.is_object() || !json.contains("access_token") || !json["access_token"].is_string())
    throw std::runtime_error(key_.tokenUri + ": the token answer has no access_token");
  std::chrono::seconds expiresIn{3600};
  if (json.contains("expires_in") && json["expires_in"].is_number_integer())
    expiresIn = std::chrono::seconds(json["expires_in"].get<std::int64_t>());
  token_ = json["access_token"].get<std::string>();
  refreshAt_ = now + expiresIn - std::min<std::chrono::seconds>(kRenewBefore, expiresIn / 2);
  return token_;
}

void AccessTokens::invalidate() {
  std::lock_guard<std::mutex> lock(mutex_);
  token_.clear();
}

}  // namespace kubecensus::bigquery
