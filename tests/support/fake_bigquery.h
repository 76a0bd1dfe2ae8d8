// A stand-in for Google's OAuth2 token endpoint and the BigQuery tabledata.insertAll method,
// over HTTPS on 127.0.0.1, that checks what it is sent the way the REST reference describes
// it: the token request is a form with the JWT-bearer grant type and an RS256 assertion whose
// signature, issuer, audience, scope and lifetime are verified with the service account's
// public key; insertAll needs a bearer token this server issued (and has not revoked or seen
// expire), a JSON body of the documented shape, and rows that fit the table schema. Invalid
// rows are answered with per-row insertErrors ("invalid" with a location, and "stopped" for the
// others when skipInvalidRows is false), as BigQuery does. Rows are kept by insertId.
// Anything a client gets wrong about the protocol is also recorded in problems().
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kctest {

class FakeHttpServer;
struct FakeRequest;
struct FakeResponse;

class FakeBigQuery {
 public:
  static constexpr const char* kProject = "test-project";
  static constexpr const char* kDataset = "census";
  static constexpr const char* kTable = "reports";
  static constexpr const char* kClientEmail = "collector@test-project.iam.gserviceaccount.com";
  static constexpr const char* kKeyId = "0123456789abcdef";

  // directory: where the TLS material and the service account's key pair are made.
  FakeBigQuery(const std::string& directory, std::string schemaJson);
  ~FakeBigQuery();

  std::string baseUrl() const;
  std::string caFile() const { return caFile_; }
  // A key file for the service account (its token_uri points here). A key file signed with a
  // different private key (foreignKey) is refused at the token endpoint.
  std::string keyFile(bool foreignKey = false) const;

  // Stored rows by insertId.
  std::map<std::string, nlohmann::json> rows() const;
  int tokenExchanges() const { return tokenExchanges_; }
  int insertRequests() const { return insertRequests_; }
  std::vector<std::string> problems() const;

  void failNextInserts(int status, int count, std::string retryAfter = {});
  void revokeTokens();
  void setTokenLifetimeSeconds(int seconds) { tokenLifetime_ = seconds; }

 private:
  FakeResponse handle(const FakeRequest& request);
  FakeResponse token(const FakeRequest& request);
  FakeResponse insertAll(const FakeRequest& request);
  void problem(const std::string& text);

  std::string directory_;
  nlohmann::json schema_;
  std::string caFile_, publicKeyPem_, privateKeyPath_, foreignKeyPath_;
  std::unique_ptr<FakeHttpServer> server_;
  mutable std::mutex mutex_;
  std::map<std::string, nlohmann::json> rows_;
  std::map<std::string, long long> tokens_;  // token -> expiry (unix seconds)
  std::vector<std::string> problems_;
  int failStatus_ = 0, failCount_ = 0;
  std::string failRetryAfter_;
  std::atomic<int> tokenExchanges_{0}, insertRequests_{0}, tokenLifetime_{3600};
  int nextToken_ = 0;
};

}  // namespace kctest
