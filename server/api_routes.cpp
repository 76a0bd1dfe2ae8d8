#include "api_routes.h"

#include <chrono>
#include <set>

#include <atomic>
#include <memory>

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

std::string clientAddress(const HttpRequest& request, const ApiSettings& settings) {
  return settings.trustedProxies.clientAddress(request.peer, request.headerLines("X-Forwarded-For"));
}

// The sender as stored in receivedFrom (and logged): what collector.received_from keeps of it.
std::string receivedFrom(const HttpRequest& request, const ApiSettings& settings) {
  return keptAddress(clientAddress(request, settings), settings.addressPolicy);
}

// DELETE /api/v2/clusters/{clusterID}
HttpResponse deleteCluster(Ingestor& ingestor, const std::string& path) {
  // `path` is already percent-decoded.
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
  return jsonResponse(200, answer.dump());
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

// The account a report is stored under is the one authentication proved (`account`, empty when
// none did): a body naming another is refused, and without one nothing a client wrote is kept.
void stampAccount(Report& report, const std::string& account) {
  if (report.accountID && !report.accountID->empty() && !account.empty() && *report.accountID != account)
    throw ApiError(403, "the report names account '" + *report.accountID + "' but the request authenticated as '" +
                            account + "'",
                   "accountID");
  if (account.empty())
    report.accountID.reset();
  else
    report.accountID = account;
}

// Queues `reports` and answers when they are committed, or 503 when the commit deadline passes
// first. The request's memory stays reserved until then: its reports are held in the queue.
void ingestAndAnswer(Ingestor& ingestor, const ApiSettings& settings, HttpRequest& request,
                     std::vector<Report> reports, ReportFormat format, Respond respond,
                     std::function<HttpResponse(const Ingestor::Outcome&)> answer) {
  auto memory = std::make_shared<MemoryBudget::Reservation>(std::move(request.memory));
  ingestor.submit(std::move(reports), format, receivedFrom(request, settings), settings.commitTimeout,
                  [respond = std::move(respond), answer = std::move(answer), memory](
                      Ingestor::Outcome outcome, std::exception_ptr error) {
                    try {
                      if (error) std::rethrow_exception(error);
                      outcome.throwIfRefused();
                      respond(answer(outcome));
                    } catch (const ApiError& e) {
                      respond(errorResponse(e));
                    } catch (const std::exception&) {
                      respond(errorResponse(ApiError(500, "internal error")));
                    }
                  });
}

// `account`: what HTTP Basic authentication proved; empty when the payload must carry it.
void postLegacy(Ingestor& ingestor, const ApiSettings& settings, AccessControl& access, std::string account,
                HttpRequest& request, Respond respond) {
  const std::string body = readJsonBody(request, settings.maxDecompressedBytes);
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
    account = sent.accountID;
  }
  stampAccount(report, account);
  std::vector<Report> reports;
  reports.push_back(std::move(report));
  ingestAndAnswer(ingestor, settings, request, std::move(reports), format, std::move(respond),
                  [](const Ingestor::Outcome&) {
                    HttpResponse noContent;
                    noContent.status = 204;
                    return noContent;
                  });
}

void postReports(Ingestor& ingestor, const ApiSettings& settings, const std::string& account,
                 HttpRequest& request, Respond respond) {
  const std::string body = readJsonBody(request, settings.maxDecompressedBytes);
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
  for (Report& report : reports) stampAccount(report, account);
  ingestAndAnswer(ingestor, settings, request, std::move(reports), ReportFormat::Native, std::move(respond),
                  [](const Ingestor::Outcome& outcome) {
                    nlohmann::json answer{{"accepted", outcome.accepted},
                                          {"duplicates", outcome.duplicates},
                                          {"reportIDs", outcome.reportIDs}};
                    return jsonResponse(202, answer.dump());
                  });
}

// Runs on the blocking pool: a bundle is stored batch by batch, each waited for.
HttpResponse postBundle(Ingestor& ingestor, const ApiSettings& settings, HttpRequest& request) {
  const std::string body = readBundleBody(request);
  BundleImport result = importBundle(ingestor, body, settings.maxBundleBytes * 8, receivedFrom(request, settings),
                                     {}, &request.memory);
  nlohmann::json answer{
      {"reports", result.reports}, {"accepted", result.accepted}, {"duplicates", result.duplicates}};
  if (!result.refused.empty()) answer["refused"] = result.refused;  // the rest is stored: still 202
  return jsonResponse(202, answer.dump());
}

// Status and storage names only: the detail (a libpq host and user, a file path) goes to the
// log, since these probes answer anyone.
HttpResponse getHealth(const Ingestor& ingestor) {
  nlohmann::json storages = nlohmann::json::array();
  bool ok = true;
  for (const auto& [name, health] : ingestor.health()) {
    ok = ok && health.ok;
    storages.push_back({{"name", name}, {"ok", health.ok}});
  }
  nlohmann::json answer{{"status", ok ? "ok" : "unavailable"}, {"storages", storages}};
  return jsonResponse(ok ? 200 : 503, answer.dump());
}

HttpResponse getReady(const Ingestor& ingestor) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& [name, health] : ingestor.health())
    if (!health.ok) problems.push_back({{"storage", name}, {"detail", "unavailable"}});
  const bool ready = problems.empty() && !Shutdown::requested();
  if (Shutdown::requested()) problems.push_back({{"detail", "shutting down"}});
  HttpResponse response =
      jsonResponse(ready ? 200 : 503, nlohmann::json{{"ready", ready}, {"problems", problems}}.dump());
  if (!ready) response.set("Retry-After", "5");
  return response;
}

HttpResponse getMetrics(const Metrics& metrics) {
  HttpResponse response;
  response.contentType = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics.render();
  return response;
}

HttpResponse getVersion() {
  nlohmann::json answer{
      {"name", "kubecensus-collector"},
      {"version", kVersion},
      {"pluginAbi", std::to_string(kPluginAbiMajor) + "." + std::to_string(kPluginAbiMinor)},
      {"formats", {kReportSchema, "spartakus-v1", "tectonic"}}};
  return jsonResponse(200, answer.dump());
}

}  // namespace

std::uint64_t maxBodyBytesFor(const ApiSettings& settings, std::string_view path) {
  return path == "/api/v2/bundles" ? settings.maxBundleBytes : settings.maxBodyBytes;
}

Handler answerNow(std::function<HttpResponse(HttpRequest&)> answer) {
  return [answer = std::move(answer)](HttpRequest& request, Respond respond) { respond(answer(request)); };
}

std::vector<Route> apiRoutes(Ingestor& ingestor, const ApiSettings& settings, Metrics& metrics,
                             AccessControl& access) {
  // Checking an account reads the accounts file (and, once per account of an older release,
  // runs PBKDF2): with accounts the POST routes run off the I/O threads.
  const bool checksAccounts = access.accountsRequired();
  return {
      {"POST", "/api/v1",
       [&ingestor, &access, settings](HttpRequest& q, Respond r) {
         std::string account = access.admit(q, clientAddress(q, settings), true);
         postLegacy(ingestor, settings, access, std::move(account), q, std::move(r));
       },
       false, checksAccounts},
      {"POST", "/api/v2/reports",
       [&ingestor, &access, settings](HttpRequest& q, Respond r) {
         const std::string account = access.admit(q, clientAddress(q, settings));
         postReports(ingestor, settings, account, q, std::move(r));
       },
       false, checksAccounts},
      {"POST", "/api/v2/bundles", answerNow([&ingestor, &access, settings](HttpRequest& q) {
         access.admit(q, clientAddress(q, settings));
         return postBundle(ingestor, settings, q);
       }),
       false, true},
      {"GET", "/healthz", answerNow([&ingestor](HttpRequest&) { return getHealth(ingestor); })},
      {"GET", "/readyz", answerNow([&ingestor](HttpRequest&) { return getReady(ingestor); })},
      {"GET", "/metrics", answerNow([&metrics](HttpRequest&) { return getMetrics(metrics); })},
      {"GET", "/version", answerNow([](HttpRequest&) { return getVersion(); })},
      {"DELETE", "/api/v2/clusters/", answerNow([&ingestor, &access](HttpRequest& q) {
         access.admitAdmin(q);
         return deleteCluster(ingestor, q.path);
       }),
       true, true},
  };
}

void dispatch(const std::vector<Route>& routes, HttpRequest request, Respond respond,
              const DispatchContext& context) {
  const auto started = std::chrono::steady_clock::now();
  if (context.metrics) context.metrics->requestStarted();
  // Counted and logged once, whoever answers (this thread, the writer, the deadline watcher).
  struct Answer {
    Answer(Respond respond, const DispatchContext& context, const HttpRequest& request,
           std::chrono::steady_clock::time_point started)
        : respond(std::move(respond)),
          context(context),
          method(request.method),
          path(request.path),
          peer(request.peer),
          started(started) {}
    Respond respond;
    const DispatchContext& context;  // the front end's: outlives every request
    std::string method, path, peer, route = "unmatched";
    std::chrono::steady_clock::time_point started;
    std::atomic<bool> sent{false};
  };
  auto answer = std::make_shared<Answer>(std::move(respond), context, request, started);
  auto reply = [answer](HttpResponse response) {
    if (answer->sent.exchange(true)) return;
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - answer->started)
                            .count();
    const DispatchContext& context = answer->context;
    if (context.metrics) {
      context.metrics->requestFinished();
      // Only methods HTTP defines, so clients cannot grow the number of series.
      static const std::set<std::string> kMethods = {"GET",    "HEAD",  "POST",   "PUT",
                                                     "DELETE", "PATCH", "OPTIONS"};
      const std::string method = kMethods.count(answer->method) ? answer->method : "other";
      context.metrics->observeRequest(answer->route, method, response.status, static_cast<double>(micros) / 1e6);
    }
    if (context.log.enabled(LogLevel::Info)) {
      char elapsed[32];
      std::snprintf(elapsed, sizeof elapsed, "%.1f ms", static_cast<double>(micros) / 1000.0);
      // The peer, kept as receivedFrom is (collector.received_from); never the full address by default.
      const std::string from = keptAddress(answer->peer, context.logAddress);
      context.log.info((from.empty() ? "" : from + " ") + answer->method + " " + answer->path + " " +
                       std::to_string(response.status) + " " + elapsed);
    }
    answer->respond(std::move(response));
  };
  const auto fail = [answer, reply](const std::exception& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    if (!api) answer->context.log.error(answer->method + " " + answer->path + ": " + e.what());
    reply(errorResponse(api ? *api : ApiError(500, "internal error")));
  };
  const Route* match = nullptr;
  try {
    std::string allow;
    for (const auto& route : routes) {
      const bool matches = route.prefix ? request.path.size() > route.path.size() &&
                                              request.path.rfind(route.path, 0) == 0
                                        : route.path == request.path;
      if (!matches) continue;
      allow += (allow.empty() ? "" : ", ") + route.method;
      if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) match = &route;
    }
    if (!match && allow.empty()) throw ApiError(404, "no resource at " + request.path);
    if (!match) {
      ApiError error(405, request.method + " is not allowed on " + request.path + " (allowed: " + allow + ")");
      error.allow = allow;
      throw error;
    }
  } catch (const std::exception& e) {
    fail(e);
    return;
  }
  answer->route = match->path;
  auto run = [match, reply, fail](HttpRequest& request) {
    try {
      match->handle(request, reply);
    } catch (const std::exception& e) {
      fail(e);
    }
  };
  if (!match->blocking || !context.offload) {
    run(request);
    return;
  }
  auto held = std::make_shared<HttpRequest>(std::move(request));
  if (!context.offload([run, held] { run(*held); })) {
    ApiError busy(503, "the collector has too many requests waiting for storage; retry later");
    busy.retryAfter = 1;
    reply(errorResponse(busy));
  }
}

}  // namespace kubecensus::server
