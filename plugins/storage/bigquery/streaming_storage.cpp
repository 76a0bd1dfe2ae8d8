#include "streaming_storage.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <thread>

#include "google_http.h"
#include "kubecensus/report/report.h"
#include "kubecensus/util/json_value.h"
#include "kubecensus/util/value_parse.h"
#include "service_account.h"
#include "table_row.h"

namespace kubecensus::bigquery {
namespace {

// The narrowest scope that allows tabledata.insertAll.
constexpr const char* kInsertScope = "https://www.googleapis.com/auth/bigquery.insertdata";
// BigQuery's limit on one insertAll request (and so on one row).
constexpr std::size_t kRequestLimit = 10 * 1024 * 1024;
constexpr const char* kRequestHead =
    R"({"kind":"bigquery#tableDataInsertAllRequest","skipInvalidRows":false,"ignoreUnknownValues":false,"rows":[)";

std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Google's error body: {"error": {"code", "message", "status", "errors": [...]}}.
std::string googleErrorMessage(const HttpAnswer& answer) {
  auto json = nlohmann::json::parse(answer.body, nullptr, false);
  if (json.is_object() && json.contains("error") && json["error"].is_object())
    return stringOr(json["error"], "message") + " (" + stringOr(json["error"], "status") + ")";
  return answer.body.substr(0, 300);
}

std::chrono::milliseconds retryDelay(int attempt, const std::string& retryAfter) {
  auto delay = std::chrono::milliseconds(250) * (1 << std::min(attempt, 4));
  char* end = nullptr;
  const long seconds = std::strtol(retryAfter.c_str(), &end, 10);
  if (!retryAfter.empty() && end && *end == '\0' && seconds > 0)
    delay = std::max(delay, std::chrono::milliseconds(std::min(seconds, 5L) * 1000));
  return delay;
}

}  // namespace

TableName TableName::parse(const std::string& text, const std::string& defaultProject) {
  std::string spec = text;
  if (spec.rfind("bigquery://", 0) == 0) spec = spec.substr(11);
  const auto invalid = [&] {
    return std::invalid_argument("table: '" + text +
                                 "' is not project.dataset.table (or dataset.table with the key's project)");
  };
  const auto tableDot = spec.rfind('.');
  if (tableDot == std::string::npos || tableDot == 0 || tableDot + 1 == spec.size()) throw invalid();
  TableName name;
  name.table = spec.substr(tableDot + 1);
  const auto datasetDot = spec.rfind('.', tableDot - 1);
  if (datasetDot == std::string::npos) {
    name.dataset = spec.substr(0, tableDot);
    name.project = defaultProject;
    if (name.project.empty()) throw invalid();
  } else {
    if (datasetDot == 0 || datasetDot + 1 == tableDot) throw invalid();
    name.project = spec.substr(0, datasetDot);
    name.dataset = spec.substr(datasetDot + 1, tableDot - datasetDot - 1);
  }
  return name;
}

StreamingStorage::StreamingStorage(const Options& options)
    : maxRows_(static_cast<std::size_t>(std::max<std::int64_t>(1, options.getInt("max_rows_per_request")))),
      maxRequestBytes_(std::min<std::size_t>(kRequestLimit, options.getSize("max_request_size"))),
      attempts_(static_cast<int>(std::max<std::int64_t>(1, options.getInt("attempts")))) {
  std::string credentials = options.getString("credentials", "");
  if (credentials.empty()) {
    const char* fromEnv = std::getenv("GOOGLE_APPLICATION_CREDENTIALS");
    if (!fromEnv || !*fromEnv)
      throw std::invalid_argument(
          "credentials: no service-account key file (set the option or GOOGLE_APPLICATION_CREDENTIALS)");
    credentials = fromEnv;
  }
  ServiceAccountKey key = loadServiceAccountKey(credentials);
  if (options.getString("table", "").empty()) throw std::invalid_argument("table: required in stream mode");
  table_ = TableName::parse(options.getString("table"), key.projectId);
  insertUrl_ = trimSlash(options.getString("base_url")) + "/bigquery/v2/projects/" + table_.project +
               "/datasets/" + table_.dataset + "/tables/" + table_.table + "/insertAll";
  http_ = std::make_unique<GoogleHttp>(options.getString("ca_file", ""), options.getDuration("timeout"));
  tokens_ = std::make_unique<AccessTokens>(std::move(key), kInsertScope, *http_);
}

StreamingStorage::~StreamingStorage() = default;

WriteResult StreamingStorage::write(const std::vector<const Report*>& batch) {
  WriteResult result;
  result.duplicate.assign(batch.size(), false);  // insertAll does not say which rows it had
  std::vector<Row> rows;
  rows.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    nlohmann::json row = {{"insertId", batch[i]->reportID}, {"json", toTableRow(*batch[i])}};
    rows.push_back({i, row.dump()});
  }
  try {
    insert(std::move(rows), batch, result);
  } catch (const std::exception& e) {
    recordHealth(e.what());
    throw;
  }
  recordHealth({});
  return result;
}

void StreamingStorage::insert(std::vector<Row> rows, const std::vector<const Report*>& batch,
                              WriteResult& result) {
  std::size_t at = 0;
  while (at < rows.size()) {
    std::vector<Row> request;
    std::size_t bytes = std::char_traits<char>::length(kRequestHead) + 2;
    for (; at < rows.size() && request.size() < maxRows_; ++at) {
      const std::size_t size = rows[at].text.size() + 1;
      if (size + std::char_traits<char>::length(kRequestHead) + 2 > maxRequestBytes_) {
        if (result.rejected.empty()) result.rejected.resize(batch.size());
        result.rejected[rows[at].index] = "the row is " + std::to_string(size) +
                                          " bytes; one insertAll request takes at most " +
                                          std::to_string(maxRequestBytes_);
        continue;
      }
      if (!request.empty() && bytes + size > maxRequestBytes_) break;
      bytes += size;
      request.push_back(std::move(rows[at]));
    }
    // Rows BigQuery stopped because another row of their request was invalid are valid
    // themselves; they go again, without the invalid ones (which are then gone).
    for (int round = 0; !request.empty(); ++round) {
      if (round == 3) throw std::runtime_error(insertUrl_ + ": rows still stopped after 3 requests");
      request = insertRequest(request, batch, result);
    }
  }
}

std::vector<StreamingStorage::Row> StreamingStorage::insertRequest(const std::vector<Row>& rows,
                                                                   const std::vector<const Report*>& batch,
                                                                   WriteResult& result) {
  std::string body = kRequestHead;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) body += ',';
    body += rows[i].text;
  }
  body += "]}";
  const HttpAnswer answer = post(body);
  auto json = nlohmann::json::parse(answer.body, nullptr, false);
  if (!json.is_object()) throw std::runtime_error(insertUrl_ + ": the answer is not a JSON object");
  auto errors = json.find("insertErrors");
  if (errors == json.end() || !errors->is_array() || errors->empty()) return {};

  std::map<std::size_t, std::string> refused;  // request row -> why
  std::vector<bool> stopped(rows.size(), false);
  for (const auto& entry : *errors) {
    const auto indexField = entry.find("index");  // end() for a non-object too
    const std::size_t index = indexField != entry.end() && indexField->is_number_unsigned()
                                  ? indexField->get<std::size_t>()
                                  : rows.size();
    if (index >= rows.size())
      throw std::runtime_error(insertUrl_ + ": insertErrors names row " + entry.dump() + " it was not sent");
    bool onlyStopped = true;
    std::string why;
    const auto errorsField = entry.find("errors");
    const nlohmann::json noErrors = nlohmann::json::array();
    for (const auto& error :
         errorsField != entry.end() && errorsField->is_array() ? *errorsField : noErrors) {
      const std::string reason = stringOr(error, "reason");
      // Only a row BigQuery cannot take is refused; one it failed to take this time
      // (backendError, internalError, timeout, ...) goes again like a stopped one.
      if (reason != "invalid" && reason != "invalidQuery" && reason != "notImplemented") continue;
      onlyStopped = false;
      if (!why.empty()) why += "; ";
      why += reason;
      if (const std::string location = stringOr(error, "location"); !location.empty())
        why += " at " + location;
      why += ": " + stringOr(error, "message");
    }
    if (onlyStopped)
      stopped[index] = true;
    else
      refused[index] = why;
  }
  if (refused.empty())  // stopped without a culprit: a server-side hiccup, try the whole request again
    return rows;
  if (result.rejected.empty()) result.rejected.resize(batch.size());
  for (const auto& [index, why] : refused)
    result.rejected[rows[index].index] =
        "BigQuery refused the row of report " + batch[rows[index].index]->reportID + ": " + why;
  std::vector<Row> again;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (stopped[i] && !refused.count(i)) again.push_back(rows[i]);
  return again;
}

HttpAnswer StreamingStorage::post(const std::string& body) {
  bool renewed = false;
  std::string lastProblem, retryAfter;
  for (int attempt = 0; attempt < attempts_; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(retryDelay(attempt - 1, retryAfter));
    HttpAnswer answer;
    try {
      answer = http_->post(insertUrl_, "application/json", body, tokens_->get());
    } catch (const std::exception& e) {
      lastProblem = e.what();
      retryAfter.clear();
      continue;
    }
    if (answer.status == 200) return answer;
    if (answer.status == 401 && !renewed) {  // the token was revoked or expired early
      tokens_->invalidate();
      renewed = true;
      --attempt;
      continue;
    }
    lastProblem = insertUrl_ + ": HTTP " + std::to_string(answer.status) + ": " + googleErrorMessage(answer);
    if (answer.status != 429 && answer.status < 500) throw std::runtime_error(lastProblem);
    retryAfter = answer.retryAfter;
  }
  throw std::runtime_error(lastProblem + " (after " + std::to_string(attempts_) + " attempts)");
}

void StreamingStorage::recordHealth(const std::string& error) {
  std::lock_guard<std::mutex> lock(healthMutex_);
  lastError_ = error;
}

StorageHealth StreamingStorage::health() {
  std::lock_guard<std::mutex> lock(healthMutex_);
  if (!lastError_.empty()) return {false, "last insert failed: " + lastError_};
  return {true, "streaming into " + table_.str()};
}

}  // namespace kubecensus::bigquery
