#include "stats_routes.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <nlohmann/json.hpp>

#include "api_error.h"
#include "ingestor.h"
#include "kubecensus/report/time.h"
#include "stats_query.h"

namespace kubecensus::server {
namespace {

using nlohmann::json;
using stats::Day;
using stats::Interval;

constexpr std::size_t kMaxPeriods = 1000;
constexpr const char* kStatsPrefix = "/api/v2/stats/";

// The default range: the last 30 days, 26 weeks or 12 months up to today.
Day defaultFrom(Day to, Interval interval) {
  const int count = interval == Interval::Day ? 30 : interval == Interval::Week ? 26 : 12;
  Day from = stats::periodStart(to, interval);
  for (int i = 1; i < count; ++i) from = stats::periodStart(from - 1, interval);
  return from;
}

bool wantsCsv(const HttpRequest& request, const std::string& format) {
  if (!format.empty()) return format == "csv";
  return request.header("Accept").find("text/csv") != std::string::npos;
}

struct ParsedQuery {
  StatQuery query;
  bool csv = false;
};

ParsedQuery parseQuery(const HttpRequest& request, const std::string& name,
                       const StatsSettings& settings) {
  ParsedQuery parsed;
  StatQuery& query = parsed.query;
  query.minClusters = settings.minClusters;
  query.spec = stats::findStat(name);
  if (!query.spec) {
    std::string known;
    for (const auto& spec : stats::statCatalog())
      known += (known.empty() ? "" : ", ") + std::string(spec.name);
    throw ApiError(404, "no statistic named '" + name + "'; known: " + known);
  }
  std::string from, to, format;
  Poco::URI::QueryParameters parameters;
  try {
    parameters = Poco::URI(request.target).getQueryParameters();
  } catch (const Poco::Exception& e) {
    throw ApiError(400, "the query string cannot be decoded: " + e.message());
  }
  for (const auto& [key, value] : parameters) {
    if (key == "from") {
      from = value;
    } else if (key == "to") {
      to = value;
    } else if (key == "interval") {
      auto interval = stats::parseInterval(value);
      if (!interval)
        throw ApiError(400, "interval must be day, week or month, not '" + value + "'", "interval");
      query.interval = *interval;
    } else if (key == "format") {
      if (value != "json" && value != "csv") throw ApiError(400, "format must be json or csv", "format");
      format = value;
    } else if (key == "kind" && query.spec->name == "workload-sizes") {
      const bool ok = !value.empty() && value.size() <= 63 &&
                      value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string::npos;
      if (!ok) throw ApiError(400, "kind must be a resource name such as pods or deployments", "kind");
      query.kind = value;
    } else {
      throw ApiError(400,
                     "unknown query parameter '" + key + "' (from, to, interval, format" +
                         (query.spec->name == "workload-sizes" ? ", kind)" : ")"),
                     key);
    }
  }
  auto day = [](const std::string& text, const char* field) {
    auto parsed = stats::parseDay(text);
    if (!parsed)
      throw ApiError(400, std::string(field) + " must be a date (YYYY-MM-DD), not '" + text + "'", field);
    return *parsed;
  };
  const Day today = stats::dayOf(nowMicros());
  query.to = stats::periodStart(to.empty() ? today : day(to, "to"), query.interval);
  query.from = stats::periodStart(from.empty() ? defaultFrom(query.to, query.interval) : day(from, "from"),
                                  query.interval);
  if (query.from > query.to) throw ApiError(400, "from is after to", "from");
  std::size_t periods = 0;
  for (Day d = query.from; d <= query.to && periods <= kMaxPeriods; d = stats::nextPeriod(d, query.interval))
    ++periods;
  if (periods > kMaxPeriods)
    throw ApiError(400,
                   "the range holds more than " + std::to_string(kMaxPeriods) + " " +
                       stats::toString(query.interval) + "s; choose a longer interval or a shorter range",
                   "from");
  parsed.csv = wantsCsv(request, format);
  return parsed;
}

Storage& statsStorage(Ingestor& ingestor) {
  Storage* storage = ingestor.statsStorage();
  if (!storage) {
    throw ApiError(503, "no configured storage keeps statistics (sqlite and postgres do)");
  }
  return *storage;
}

// Runs on the blocking pool: it reads the statistics from storage.
HttpResponse getStat(Ingestor& ingestor, const StatsSettings& settings, const HttpRequest& request) {
  const std::string name = request.path.substr(std::string_view(kStatsPrefix).size());
  const ParsedQuery parsed = parseQuery(request, name, settings);
  Storage& storage = statsStorage(ingestor);
  json answer;
  try {
    answer = answerStat(storage, parsed.query);
  } catch (const std::exception& e) {
    ApiError unavailable(503, std::string("the statistics cannot be read: ") + e.what());
    unavailable.retryAfter = 5;
    throw unavailable;
  }
  HttpResponse response = jsonResponse(200, answer.dump());
  response.set("Cache-Control", "no-cache");
  if (!parsed.csv) return response;
  response.body = statCsv(parsed.query, answer);
  response.contentType = "text/csv; charset=utf-8; header=present";
  response.set("Content-Disposition",
               "attachment; filename=\"" + name + "-" + stats::toString(parsed.query.interval) + "-" +
                   stats::formatDay(parsed.query.from) + "-" + stats::formatDay(parsed.query.to) + ".csv\"");
  return response;
}

HttpResponse listStats() {
  json list = json::array();
  for (const auto& spec : stats::statCatalog())
    list.push_back({{"name", spec.name},
                    {"description", spec.description},
                    {"href", kStatsPrefix + std::string(spec.name)}});
  return jsonResponse(200, json{{"stats", list}}.dump());
}

}  // namespace

std::vector<Route> statsRoutes(Ingestor& ingestor, const StatsSettings& settings) {
  return {
      {"GET", "/api/v2/stats", answerNow([](HttpRequest&) { return listStats(); })},
      {"GET", kStatsPrefix,
       answerNow([&ingestor, settings](HttpRequest& q) { return getStat(ingestor, settings, q); }), true, true},
  };
}

}  // namespace kubecensus::server
