#include "fake_bigquery.h"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/URI.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bigquery_schema_check.h"
#include "fake_http_server.h"
#include "process.h"
#include "tls_certs.h"

namespace kctest {
namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void makeRsaKey(const std::string& path) {
  RunResult result = run("/usr/bin/openssl",
                         {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path});
  if (result.exitCode != 0) throw std::runtime_error("openssl genpkey: " + result.output);
}

long long unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Google's error envelope for the REST APIs.
FakeResponse googleError(int code, const std::string& status, const std::string& message) {
  nlohmann::json body = {{"error",
                          {{"code", code},
                           {"message", message},
                           {"status", status},
                           {"errors", {{{"message", message}, {"domain", "global"}, {"reason", status}}}}}}};
  return jsonResponse(code, body.dump());
}

FakeResponse oauthError(const std::string& error, const std::string& description) {
  return jsonResponse(400, nlohmann::json{{"error", error}, {"error_description", description}}.dump());
}

std::map<std::string, std::string> parseForm(const std::string& body) {
  std::map<std::string, std::string> form;
  std::istringstream in(body);
  std::string pair;
  while (std::getline(in, pair, '&')) {
    const auto eq = pair.find('=');
    std::string name, value;
    Poco::URI::decode(pair.substr(0, eq), name, true);
    if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value, true);
    form[name] = value;
  }
  return form;
}

}  // namespace

FakeBigQuery::FakeBigQuery(const std::string& directory, std::string schemaJson)
    : directory_(directory), schema_(nlohmann::json::parse(schemaJson)) {
  TlsFiles tls = makeTlsFiles(directory);
  caFile_ = tls.caCert;
  privateKeyPath_ = directory + "/service-account.pem";
  foreignKeyPath_ = directory + "/foreign.pem";
  makeRsaKey(privateKeyPath_);
  makeRsaKey(foreignKeyPath_);
  RunResult pub = run("/usr/bin/openssl", {"pkey", "-in", privateKeyPath_, "-pubout"});
  if (pub.exitCode != 0) throw std::runtime_error("openssl pkey -pubout: " + pub.output);
  publicKeyPem_ = pub.output;
  server_ = std::make_unique<FakeHttpServer>([this](const FakeRequest& request) { return handle(request); },
                                             FakeHttpServer::Tls{tls.serverCert, tls.serverKey, ""});
}

FakeBigQuery::~FakeBigQuery() = default;

std::string FakeBigQuery::baseUrl() const {
  return server_->url();
}

std::string FakeBigQuery::keyFile(bool foreignKey) const {
  const std::string path = directory_ + (foreignKey ? "/foreign-key.json" : "/key.json");
  nlohmann::json key = {{"type", "service_account"},
                        {"project_id", kProject},
                        {"private_key_id", kKeyId},
                        {"private_key", readText(foreignKey ? foreignKeyPath_ : privateKeyPath_)},
                        {"client_email", kClientEmail},
                        {"client_id", "1234567890"},
                        {"auth_uri", "https://accounts.google.com/o/oauth2/auth"},
                        {"token_uri", server_->url() + "/token"}};
  std::ofstream(path) << key.dump(2);
  return path;
}

std::map<std::string, nlohmann::json> FakeBigQuery::rows() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rows_;
}

std::vector<std::string> FakeBigQuery::problems() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return problems_;
}

void FakeBigQuery::problem(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  problems_.push_back(text);
}

void FakeBigQuery::failNextInserts(int status, int count, std::string retryAfter) {
  std::lock_guard<std::mutex> lock(mutex_);
  failStatus_ = status;
  failCount_ = count;
  failRetryAfter_ = std::move(retryAfter);
}

void FakeBigQuery::revokeTokens() {
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_.clear();
}

FakeResponse FakeBigQuery::handle(const FakeRequest& request) {
  if (request.method == "POST" && request.path == "/token") return token(request);
  const std::string insertPath = std::string("/bigquery/v2/projects/") + kProject + "/datasets/" + kDataset +
                                 "/tables/" + kTable + "/insertAll";
  if (request.method == "POST" && request.path == insertPath) return insertAll(request);
  problem(request.method + " " + request.path + ": no such method");
  return googleError(404, "NOT_FOUND", "Not found: " + request.path);
}

FakeResponse FakeBigQuery::token(const FakeRequest& request) {
  ++tokenExchanges_;
  if (request.contentType.rfind("application/x-www-form-urlencoded", 0) != 0) {
    problem("token request Content-Type is '" + request.contentType + "'");
    return oauthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
  }
  auto form = parseForm(request.body);
  if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    problem("token request grant_type is '" + form["grant_type"] + "'");
    return oauthError("unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
  }
  Poco::JWT::Token jwt;
  try {
    std::istringstream pem(publicKeyPem_);
    Poco::SharedPtr<Poco::Crypto::RSAKey> key(new Poco::Crypto::RSAKey(&pem));
    Poco::JWT::Signer verifier(key);
    verifier.addAlgorithm(Poco::JWT::Signer::ALGO_RS256);
    jwt = verifier.verify(form["assertion"]);  // checks the signature and that alg is RS256
  } catch (const Poco::Exception& e) {
    return oauthError("invalid_grant", "Invalid JWT Signature. (" + e.displayText() + ")");
  }
  std::string wrong;
  const long long now = unixNow();
  const auto& payload = jwt.payload();
  if (jwt.getType() != "JWT") wrong = "typ is not JWT";
  if (jwt.header().optValue<std::string>("kid", "") != kKeyId) wrong = "kid is not the key's private_key_id";
  if (jwt.getIssuer() != kClientEmail) wrong = "iss is not the client_email";
  if (payload.optValue<std::string>("aud", "") != server_->url() + "/token")
    wrong = "aud is not the token_uri";
  if (payload.optValue<std::string>("scope", "").find("https://www.googleapis.com/auth/bigquery") != 0)
    wrong = "scope is not a BigQuery scope";
  const auto iat = payload.optValue<Poco::Int64>("iat", 0);
  const auto exp = payload.optValue<Poco::Int64>("exp", 0);
  if (iat < now - 300 || iat > now + 300) wrong = "iat is not now";
  if (exp <= now || exp - iat > 3600) wrong = "exp is past or more than an hour after iat";
  if (!wrong.empty()) {
    problem("assertion: " + wrong);
    return oauthError("invalid_grant", "Invalid JWT: " + wrong);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string token = "ya29.test-token-" + std::to_string(++nextToken_);
  tokens_[token] = now + tokenLifetime_;
  return jsonResponse(
      200,
      nlohmann::json{{"access_token", token}, {"expires_in", tokenLifetime_.load()}, {"token_type", "Bearer"}}
          .dump());
}

FakeResponse FakeBigQuery::insertAll(const FakeRequest& request) {
  ++insertRequests_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string prefix = "Bearer ";
    auto it = request.authorization.rfind(prefix, 0) == 0
                  ? tokens_.find(request.authorization.substr(prefix.size()))
                  : tokens_.end();
    if (it == tokens_.end() || it->second <= unixNow())
      return googleError(401, "UNAUTHENTICATED",
                         "Request had invalid authentication credentials. Expected OAuth 2 access token.");
    if (failCount_ > 0) {
      --failCount_;
      FakeResponse failure = googleError(
          failStatus_, failStatus_ == 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE", "injected failure");
      if (!failRetryAfter_.empty()) failure.headers.push_back({"Retry-After", failRetryAfter_});
      return failure;
    }
  }
  if (request.contentType.rfind("application/json", 0) != 0) {
    problem("insertAll Content-Type is '" + request.contentType + "'");
    return googleError(400, "INVALID_ARGUMENT", "Content-Type must be application/json");
  }
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  std::string shape;
  if (!body.is_object()) shape = "the body is not a JSON object";
  if (shape.empty())
    for (const auto& [key, value] : body.items())
      if (key != "kind" && key != "skipInvalidRows" && key != "ignoreUnknownValues" &&
          key != "templateSuffix" && key != "rows" && key != "traceId")
        shape = "unknown field " + key;
  if (shape.empty() && body.contains("kind") && body["kind"] != "bigquery#tableDataInsertAllRequest")
    shape = "kind is not bigquery#tableDataInsertAllRequest";
  if (shape.empty() && (!body.contains("rows") || !body["rows"].is_array() || body["rows"].empty()))
    shape = "rows is missing, not an array, or empty";
  if (shape.empty())
    for (const auto& row : body["rows"])
      if (!row.is_object() || !row.contains("json") || !row["json"].is_object() ||
          (row.contains("insertId") && !row["insertId"].is_string()) ||
          row.size() != (row.contains("insertId") ? 2u : 1u))
        shape = "a row is not {insertId, json}: " + row.dump().substr(0, 200);
  if (!shape.empty()) {
    problem("insertAll: " + shape);
    return googleError(400, "INVALID_ARGUMENT", "Invalid request: " + shape);
  }
  const bool skipInvalid = body.value("skipInvalidRows", false);
  const auto& rows = body["rows"];
  nlohmann::json insertErrors = nlohmann::json::array();
  std::vector<bool> valid(rows.size(), true);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (auto bad = checkRow(rows[i]["json"], schema_)) {
      valid[i] = false;
      insertErrors.push_back({{"index", i},
                              {"errors",
                               {{{"reason", "invalid"},
                                 {"location", bad->location},
                                 {"debugInfo", ""},
                                 {"message", bad->message}}}}});
    }
  }
  const bool anyInvalid = !insertErrors.empty();
  if (anyInvalid && !skipInvalid)
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (valid[i])
        insertErrors.push_back(
            {{"index", i},
             {"errors", {{{"reason", "stopped"}, {"location", ""}, {"debugInfo", ""}, {"message", ""}}}}});
  if (!anyInvalid || skipInvalid) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (valid[i])
        rows_.emplace(rows[i].value("insertId", "row-" + std::to_string(rows_.size())), rows[i]["json"]);
  }
  nlohmann::json answer = {{"kind", "bigquery#tableDataInsertAllResponse"}};
  if (!insertErrors.empty()) answer["insertErrors"] = insertErrors;
  return jsonResponse(200, answer.dump());
}

}  // namespace kctest
