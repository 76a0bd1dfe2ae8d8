#include "api_routes.h"

#include <chrono>
#include <set>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>
#include <nlohmann/json.hpp>

#include "access_control.h"
#include "api_error.h"
#include "bundle_import.h"
#include "ingestor.h"
#include "kubecensus/plugin/abi.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/version.h"
#include "memory_budget.h"
#include "metrics.h"
#include "request_body.h"

namespace kubecensus::server {
namespace {

// At most this many reports in one POST /api/v2/reports array.
constexpr std::size_t kMaxReportsPerRequest = 1000;

std::string clientAddress(const Poco::Net::HTTPServerRequest& request, const ApiSettings& settings) {
  return settings.trustedProxies.clientAddress(request.clientAddress().host().toString(),
                                               request.get("X-Forwarded-For", ""));
}

// The sender as stored in receivedFrom (and logged): what collector.received_from keeps of it.
std::string receivedFrom(const Poco::Net::HTTPServerRequest& request, const ApiSettings& settings) {
  return keptAddress(clientAddress(request, settings), settings.addressPolicy);
}

// DELETE /api/v2/clusters/{clusterID}
void deleteCluster(Ingestor& ingestor, const std::string& path, Poco::Net::HTTPServerResponse& response) {
  // `path` is already percent-decoded (Poco::URI::getPath).
  const std::string clusterID = path.substr(std::string_view("/api/v2/clusters/").size());
  if (clusterID.empty() || clusterID.find('/') != std::string::npos)
    throw ApiError(404, "expected /api/v2/clusters/{clusterID}");
  Ingestor::Deleted deleted;
  try {
    deleted = ingestor.eraseCluster(clusterID);
  } catch (const std::exception& e) {
    ApiError unavailable(503,
                         std::string("erasure failed: ") + e.what() + "; nothing is promised, retry later");
    unavailable.retryAfter = 5;
    throw unavailable;
  }
  nlohmann::json answer = {{"clusterID", clusterID},
                           {"deleted", nlohmann::json::object()},
                           {"unsupported", nlohmann::json::array()}};
  for (const auto& [name, count] : deleted) {
    if (count)
      answer["deleted"][name] = *count;
    else
      answer["unsupported"].push_back(name);
  }
  sendJson(response, 200, answer.dump());
}

MemoryBudget::Reservation reserveMemory(const ApiSettings& settings) {
  return settings.memory ? settings.memory->reserve() : MemoryBudget::Reservation();
}

// Parses a body into reports, turning format errors into 400 (syntax) or 422 (schema), and a
// document with more values than any report into 413.
template <class Decode>
auto decode(const std::string& body, bool lenient, Decode&& decodeJson) {
  try {
    return decodeJson(parseJson(body, lenient));
  } catch (const JsonTooLargeError& e) {
    throw ApiError(413, e.what());
  } catch (const ReportError& e) {
    throw ApiError(e.isSyntaxError() ? 400 : 422, e.what(), e.field());
  }
}

// `account`: what HTTP Basic authentication proved; empty when the payload must carry it.
void postLegacy(Ingestor& ingestor, const ApiSettings& settings, AccessControl& access,
                const std::string& account, Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) {
  MemoryBudget::Reservation memory = reserveMemory(settings);
  std::string body = readJsonBody(request, settings.maxBodyBytes, settings.maxDecompressedBytes, memory);
  ReportFormat format = ReportFormat::SpartakusV1;
  TectonicAccount sent;
  // Lenient about a trailing comma only here: the tectonic README's own example has one.
  Report report = decode(body, true, [&](const nlohmann::json& json) {
    format = detectLegacyFormat(json);
    return format == ReportFormat::Tectonic ? fromTectonicJson(json, &sent) : fromSpartakusJson(json);
  });
  if (access.accountsRequired() && account.empty()) {
    if (format != ReportFormat::Tectonic) {
      ApiError missing(401,
                       "this collector needs an account: a tectonic payload or HTTP Basic authentication");
      missing.challenge = "Basic realm=\"kubecensus\"";
      throw missing;
    }
    access.checkAccount(sent.accountID, sent.accountSecret);
  }
  std::vector<Report> reports;
  reports.push_back(std::move(report));
  ingestor.ingest(std::move(reports), format, receivedFrom(request, settings)).throwIfRefused();
  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
  response.send();
}

void postReports(Ingestor& ingestor, const ApiSettings& settings, Poco::Net::HTTPServerRequest& request,
                 Poco::Net::HTTPServerResponse& response) {
  MemoryBudget::Reservation memory = reserveMemory(settings);
  std::string body = readJsonBody(request, settings.maxBodyBytes, settings.maxDecompressedBytes, memory);
  std::vector<Report> reports = decode(body, false, [](const nlohmann::json& json) {
    std::vector<Report> parsed;
    if (!json.is_array()) {
      parsed.push_back(fromNativeJson(json));
      return parsed;
    }
    if (json.empty()) throw ReportError("", "the array holds no reports");
    if (json.size() > kMaxReportsPerRequest)
      throw ReportError("", "at most " + std::to_string(kMaxReportsPerRequest) + " reports per request");
    for (std::size_t i = 0; i < json.size(); ++i) {
      try {
        parsed.push_back(fromNativeJson(json[i]));
      } catch (const ReportError& e) {
        std::string field = "[" + std::to_string(i) + "]" + (e.field().empty() ? "" : "." + e.field());
        throw ReportError(field, e.detail());
      }
    }
    return parsed;
  });
  Ingestor::Outcome outcome =
      ingestor.ingest(std::move(reports), ReportFormat::Native, receivedFrom(request, settings));
  outcome.throwIfRefused();
  nlohmann::json answer{
      {"accepted", outcome.accepted}, {"duplicates", outcome.duplicates}, {"reportIDs", outcome.reportIDs}};
  sendJson(response, 202, answer.dump());
}

void postBundle(Ingestor& ingestor, const ApiSettings& settings, Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) {
  MemoryBudget::Reservation memory = reserveMemory(settings);
  const std::string body = readBundleBody(request, settings.maxBundleBytes, memory);
  BundleImport result =
      importBundle(ingestor, body, settings.maxBundleBytes * 8, receivedFrom(request, settings), {}, &memory);
  nlohmann::json answer{
      {"reports", result.reports}, {"accepted", result.accepted}, {"duplicates", result.duplicates}};
  if (!result.refused.empty()) answer["refused"] = result.refused;  // the rest is stored: still 202
  sendJson(response, 202, answer.dump());
}

void getHealth(Ingestor& ingestor, Poco::Net::HTTPServerResponse& response) {
  nlohmann::json storages = nlohmann::json::array();
  bool ok = true;
  for (const auto& [name, health] : ingestor.health()) {
    ok = ok && health.ok;
    storages.push_back({{"name", name}, {"ok", health.ok}, {"detail", health.detail}});
  }
  nlohmann::json answer{{"status", ok ? "ok" : "unavailable"}, {"storages", storages}};
  sendJson(response, ok ? 200 : 503, answer.dump());
}

void getReady(Ingestor& ingestor, Poco::Net::HTTPServerResponse& response) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& [name, health] : ingestor.health())
    if (!health.ok) problems.push_back({{"storage", name}, {"detail", health.detail}});
  const bool ready = problems.empty() && !Shutdown::requested();
  if (Shutdown::requested()) problems.push_back({{"detail", "shutting down"}});
  if (!ready) response.set("Retry-After", "5");
  sendJson(response, ready ? 200 : 503, nlohmann::json{{"ready", ready}, {"problems", problems}}.dump());
}

void getMetrics(const Metrics& metrics, Poco::Net::HTTPServerResponse& response) {
  const std::string text = metrics.render();
  response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType("text/plain; version=0.0.4; charset=utf-8");
  response.setContentLength(static_cast<std::streamsize>(text.size()));
  response.send() << text;
}

void getVersion(Poco::Net::HTTPServerResponse& response) {
  nlohmann::json answer{
      {"name", "kubecensus-collector"},
      {"version", kVersion},
      {"pluginAbi", std::to_string(kPluginAbiMajor) + "." + std::to_string(kPluginAbiMinor)},
      {"formats", {kReportSchema, "spartakus-v1", "tectonic"}}};
  sendJson(response, 200, answer.dump());
}

// An error can leave the request body unread: 413 and 415 are refused before it is read,
// 404 and 405 never look at it. On a kept-alive connection those bytes would be parsed as the
// next request, so an error answer to a request that carried a body closes the connection.
void closeIfBodyMayBeUnread(const Poco::Net::HTTPServerRequest& request,
                            Poco::Net::HTTPServerResponse& response) {
  bool hasBody = request.getChunkedTransferEncoding() ||
                 (request.hasContentLength() && request.getContentLength64() > 0);
  if (hasBody) response.setKeepAlive(false);
}

}  // namespace

std::vector<Route> apiRoutes(Ingestor& ingestor, const ApiSettings& settings, Metrics& metrics,
                             AccessControl& access) {
  using Request = Poco::Net::HTTPServerRequest;
  using Response = Poco::Net::HTTPServerResponse;
  return {
      {"POST", "/api/v1",
       [&ingestor, &access, settings](Request& q, Response& r) {
         const std::string account = access.admit(q, clientAddress(q, settings), true);
         postLegacy(ingestor, settings, access, account, q, r);
       }},
      {"POST", "/api/v2/reports",
       [&ingestor, &access, settings](Request& q, Response& r) {
         access.admit(q, clientAddress(q, settings));
         postReports(ingestor, settings, q, r);
       }},
      {"POST", "/api/v2/bundles",
       [&ingestor, &access, settings](Request& q, Response& r) {
         access.admit(q, clientAddress(q, settings));
         postBundle(ingestor, settings, q, r);
       }},
      {"GET", "/healthz", [&ingestor](Request&, Response& r) { getHealth(ingestor, r); }},
      {"GET", "/readyz", [&ingestor](Request&, Response& r) { getReady(ingestor, r); }},
      {"GET", "/metrics", [&metrics](Request&, Response& r) { getMetrics(metrics, r); }},
      {"GET", "/version", [](Request&, Response& r) { getVersion(r); }},
      {"DELETE", "/api/v2/clusters/",
       [&ingestor, &access](Request& q, Response& r) {
         access.admitAdmin(q);
         deleteCluster(ingestor, Poco::URI(q.getURI()).getPath(), r);
       },
       true},
  };
}

void dispatch(const std::vector<Route>& routes, Poco::Net::HTTPServerRequest& request,
              Poco::Net::HTTPServerResponse& response, Logger& log, Metrics* metrics,
              AddressPolicy logAddress) {
  auto started = std::chrono::steady_clock::now();
  if (metrics) metrics->requestStarted();
  std::string route = "unmatched";
  std::string path;
  try {
    path = Poco::URI(request.getURI()).getPath();
  } catch (const Poco::Exception&) {
    path = request.getURI();
  }
  int status = 500;
  try {
    std::string allow;
    const Route* match = nullptr;
    for (const auto& route : routes) {
      const bool matches = route.prefix ? path.size() > route.path.size() && path.rfind(route.path, 0) == 0
                                        : route.path == path;
      if (!matches) continue;
      allow += (allow.empty() ? "" : ", ") + route.method;
      if (route.method == request.getMethod()) match = &route;
    }
    if (!match && allow.empty()) throw ApiError(404, "no resource at " + path);
    if (!match) {
      ApiError error(405, request.getMethod() + " is not allowed on " + path + " (allowed: " + allow + ")");
      error.allow = allow;
      throw error;
    }
    route = match->path;
    match->handle(request, response);
    status = response.getStatus();
  } catch (const ApiError& e) {
    status = e.status();
    if (!response.sent()) {
      closeIfBodyMayBeUnread(request, response);
      sendError(response, e);
    }
  } catch (const std::exception& e) {
    log.error(request.getMethod() + " " + path + ": " + e.what());
    if (!response.sent()) {
      closeIfBodyMayBeUnread(request, response);
      sendError(response, ApiError(500, "internal error"));
    }
  }
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
          .count();
  if (metrics) {
    metrics->requestFinished();
    // Only methods HTTP defines, so clients cannot grow the number of series.
    static const std::set<std::string> kMethods = {"GET",    "HEAD",  "POST",   "PUT",
                                                   "DELETE", "PATCH", "OPTIONS"};
    const std::string method = kMethods.count(request.getMethod()) ? request.getMethod() : "other";
    metrics->observeRequest(route, method, status, static_cast<double>(micros) / 1e6);
  }
  if (log.enabled(LogLevel::Info)) {
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1f ms", static_cast<double>(micros) / 1000.0);
    // The peer, kept as receivedFrom is (collector.received_from); never the full address by default.
    const std::string from = keptAddress(request.clientAddress().host().toString(), logAddress);
    log.info((from.empty() ? "" : from + " ") + request.getMethod() + " " + path + " " +
             std::to_string(status) + " " + elapsed);
  }
}

}  // namespace kubecensus::server
