// GET /api/v2/stats/<stat> against a real collector holding the hand-computed data set of
// stats_seed.h: JSON, CSV, the k-minimum, and every kind of bad request.
#include <catch2/catch.hpp>

#include "collector_fixture.h"
#include "stats_seed.h"
#include "support/postgres_server.h"

using namespace kctest;
using nlohmann::json;

namespace {

json getJson(const Collector& collector, const std::string& path) {
  HttpAnswer answer = collector.get(path);
  INFO(path << " -> " << answer.status << " " << answer.body);
  REQUIRE(answer.status == 200);
  REQUIRE(answer.header("Content-Type").rfind("application/json", 0) == 0);
  return json::parse(answer.body);
}

std::string range() {
  const auto today = todayUtc();
  return "from=" + dayText(today - 2) + "&to=" + dayText(today - 1);
}

// The period entries of an answer, by period.
std::map<std::string, json> byPeriod(const json& answer) {
  std::map<std::string, json> out;
  for (const json& period : answer.at("periods")) out[period.at("period")] = period;
  return out;
}

}  // namespace

TEST_CASE("stats: each cluster counts once per day by its latest report, rare values become 'other'",
          "[stats]") {
  Collector collector;
  seedStats(collector);
  const std::int64_t today = todayUtc();
  const std::string d2 = dayText(today - 2), d1 = dayText(today - 1);

  json active = getJson(collector, "/api/v2/stats/active-clusters?" + range());
  CHECK(active["periods"] ==
        json::parse(R"([{"period":")" + d2 + R"(","clusters":6},{"period":")" + d1 + R"(","clusters":6}])"));
  CHECK(active["interval"] == "day");
  CHECK(active["minClusters"] == 3);
  auto fresh = byPeriod(getJson(collector, "/api/v2/stats/new-clusters?" + range()));
  CHECK(fresh[d2]["clusters"] == 6);
  CHECK(fresh[d1]["clusters"] == 2);
  auto reports = byPeriod(getJson(collector, "/api/v2/stats/reports?" + range()));
  CHECK(reports[d2]["reports"] == 8);
  CHECK(reports[d1]["reports"] == 6);

  // A by its 20:00 report (1.31); D, G and H each alone on their version: "other", no amount.
  auto versions = byPeriod(getJson(collector, "/api/v2/stats/master-versions?" + range()));
  CHECK(versions[d2]["clusters"] == 6);
  CHECK(versions[d2]["values"] == json::parse(R"([{"value":"1.31","clusters":3,"share":0.5,"nodes":16},
                                                 {"value":"other","clusters":3,"share":0.5,"nodes":null}])"));
  CHECK(versions[d1]["values"] == json::parse(R"([{"value":"1.31","clusters":3,"share":0.5,"nodes":9},
                                                 {"value":"other","clusters":3,"share":0.5,"nodes":null}])"));
  auto arch = byPeriod(getJson(collector, "/api/v2/stats/architectures?" + range()));
  CHECK(arch[d2]["values"] == json::parse(R"([{"value":"amd64","clusters":3,"share":0.5,"nodes":15},
                                             {"value":"arm64","clusters":3,"share":0.5,"nodes":10}])"));
  auto totals = byPeriod(getJson(collector, "/api/v2/stats/totals?" + range()));
  CHECK(totals[d2] ==
        json::parse(R"({"period":")" + d2 + R"(","clusters":6,"nodes":25,"cores":50,"memoryBytes":0})"));
  CHECK(totals[d1]["nodes"] == 22);

  json lifetimes = getJson(collector, "/api/v2/stats/lifetimes?" + range());
  CHECK(lifetimes["clusters"] == 8);
  CHECK(lifetimes["medianDays"] == 0.5);
  CHECK(lifetimes["buckets"][0] == json::parse(R"({"value":"<1 day","clusters":4})"));
  CHECK(lifetimes["buckets"][1] == json::parse(R"({"value":"1-7 days","clusters":4})"));
  CHECK(lifetimes["buckets"].size() == 7);  // no "other": every bucket has 0 or at least 3

  // Weeks (Monday first): one week holding both days counts 8 clusters, A, B, G and H once.
  auto weeks = byPeriod(getJson(collector, "/api/v2/stats/active-clusters?interval=week&" + range()));
  const bool oneWeek = (today - 1 + 3) % 7 != 0;  // d1 is not a Monday (1970-01-01 was a Thursday)
  REQUIRE(weeks.size() == (oneWeek ? 1u : 2u));
  if (oneWeek) {
    CHECK(weeks.begin()->second["clusters"] == 8);
  } else {
    CHECK(weeks.begin()->second["clusters"] == 6);   // the week of d2
    CHECK(weeks.rbegin()->second["clusters"] == 6);  // the week of d1
  }
  json weekVersions = getJson(collector, "/api/v2/stats/master-versions?interval=week&" + range());
  CHECK(weekVersions["periods"].back()["values"][0]["value"] == "1.31");

  // A lower minimum shows the rare values (an operator's own collector may choose it).
  Collector open({"--set", "collector.stats_min_clusters=1"});
  seedStats(open);
  auto shown = byPeriod(getJson(open, "/api/v2/stats/master-versions?" + range()));
  CHECK(shown[d2]["values"].size() == 4);
  CHECK(shown[d2]["values"][3] == json::parse(R"({"value":"1.29","clusters":1,"share":0.1667,"nodes":1})"));
}

TEST_CASE("stats: fewer than k clusters in a period publish no values, median or totals", "[stats]") {
  Collector collector;
  const std::int64_t day = todayUtc() - 1;
  json two = json::array({seedReport(1, "A", day, 9, "v1.31.2", 37, "amd64", "containerd://1.7"),
                          seedReport(2, "B", day, 10, "v1.31.2", 2, "amd64", "containerd://1.7")});
  REQUIRE(collector.post("/api/v2/reports", two.dump()).status == 202);
  const std::string only = "from=" + dayText(day) + "&to=" + dayText(day);
  for (const char* stat : {"master-versions", "cluster-sizes", "formats", "architectures"}) {
    json answer = getJson(collector, std::string("/api/v2/stats/") + stat + "?" + only);
    INFO(stat);
    CHECK(answer["periods"][0]["clusters"] == 2);
    CHECK(answer["periods"][0]["values"] == json::array());
    CHECK(answer["periods"][0]["withheld"] == true);
  }
  CHECK(getJson(collector, "/api/v2/stats/totals?" + only)["periods"][0]["nodes"] == nullptr);
  json lifetimes = getJson(collector, "/api/v2/stats/lifetimes?" + only);
  CHECK(lifetimes["medianDays"] == nullptr);
  CHECK(lifetimes["buckets"][0]["clusters"] == 0);
  CHECK(lifetimes["buckets"].back() == json::parse(R"({"value":"other","clusters":2})"));
}

TEST_CASE("stats: CSV by ?format=csv or Accept: text/csv, with the same numbers", "[stats]") {
  Collector collector;
  seedStats(collector);
  const std::string d2 = dayText(todayUtc() - 2), d1 = dayText(todayUtc() - 1);
  HttpAnswer csv = collector.get("/api/v2/stats/master-versions?format=csv&" + range());
  REQUIRE(csv.status == 200);
  CHECK(csv.header("Content-Type") == "text/csv; charset=utf-8; header=present");
  CHECK(csv.header("Content-Disposition") ==
        "attachment; filename=\"master-versions-day-" + d2 + "-" + d1 + ".csv\"");
  CHECK(csv.body == "period,value,clusters,share,nodes\r\n" + d2 + ",1.31,3,0.5,16\r\n" + d2 +
                        ",other,3,0.5,\r\n" + d1 + ",1.31,3,0.5,9\r\n" + d1 + ",other,3,0.5,\r\n");
  HttpAnswer accepted = httpRequest(collector.port(), {"GET",
                                                       "/api/v2/stats/active-clusters?" + range(),
                                                       std::nullopt,
                                                       "",
                                                       false,
                                                       "",
                                                       {{"Accept", "text/csv"}}});
  REQUIRE(accepted.status == 200);
  CHECK(accepted.body == "period,clusters\r\n" + d2 + ",6\r\n" + d1 + ",6\r\n");
  HttpAnswer totals = collector.get("/api/v2/stats/totals?format=csv&" + range());
  CHECK(totals.body ==
        "period,clusters,nodes,cores,memoryBytes\r\n" + d2 + ",6,25,50,0\r\n" + d1 + ",6,22,44,0\r\n");
  HttpAnswer lifetimes = collector.get("/api/v2/stats/lifetimes?format=csv&" + range());
  CHECK(lifetimes.body.rfind("lifetime,clusters\r\n<1 day,4\r\n1-7 days,4\r\n8-30 days,0\r\n", 0) == 0);
}

TEST_CASE("stats: a value a spreadsheet would run as a formula is quoted as text in CSV", "[stats]") {
  Collector collector({"--set", "collector.stats_min_clusters=1"});
  json report = seedReport(1, "A", todayUtc() - 1, 9, "v1.31.2", 1, "amd64", "containerd://1.7");
  report["nodes"][0]["osImage"] = "=HYPERLINK(\"http://x\",\"a,b\")";
  REQUIRE(collector.post("/api/v2/reports", report.dump()).status == 202);
  HttpAnswer csv = collector.get("/api/v2/stats/os-images?format=csv&from=" + dayText(todayUtc() - 1) +
                                 "&to=" + dayText(todayUtc() - 1));
  CHECK(csv.body.find(",\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\",1,1.0,1\r\n") != std::string::npos);
}

TEST_CASE("stats: bad requests name what is wrong", "[stats]") {
  Collector collector;
  struct Case {
    std::string path;
    int status;
    std::string field;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"/api/v2/stats/unknown", 404, "", "known: active-clusters"},
      {"/api/v2/stats/reports?interval=year", 400, "interval", "day, week or month"},
      {"/api/v2/stats/reports?from=2026-02-30", 400, "from", "YYYY-MM-DD"},
      {"/api/v2/stats/reports?to=tomorrow", 400, "to", "'tomorrow'"},
      {"/api/v2/stats/reports?from=2026-11-02&to=2026-11-01", 400, "from", "after"},
      {"/api/v2/stats/reports?from=2020-01-01&to=2026-01-01", 400, "from", "more than 1000 days"},
      {"/api/v2/stats/reports?format=xml", 400, "format", "json or csv"},
      {"/api/v2/stats/reports?limit=5", 400, "limit", "unknown query parameter 'limit'"},
      {"/api/v2/stats/workload-sizes?kind=../../etc", 400, "kind", "resource name"},
      {"/api/v2/stats/reports?from=%zz", 400, "", "cannot be decoded"},
  };
  for (const Case& c : cases) {
    HttpAnswer answer = collector.get(c.path);
    INFO(c.path << " -> " << answer.status << " " << answer.body);
    CHECK(answer.status == c.status);
    json body = json::parse(answer.body);
    CHECK(body["error"]["code"] == c.status);
    CHECK_THAT(body["error"]["message"].get<std::string>(), Catch::Contains(c.says));
    if (!c.field.empty()) CHECK(body["error"]["field"] == c.field);
  }
  CHECK(collector.get("/api/v2/stats/reports?from=2020-01-01&to=2026-01-01&interval=month").status == 200);
  json list = getJson(collector, "/api/v2/stats");
  CHECK(list["stats"].size() == 18);
  CHECK(list["stats"][0]["href"] == "/api/v2/stats/active-clusters");
}

TEST_CASE("stats: a storage without statistics answers 503 naming the ones that have them", "[stats]") {
  TempDir dir;
  Collector collector({"--database", "ndjson:" + dir.file("reports.ndjson")}, 0, false);
  HttpAnswer answer = collector.get("/api/v2/stats/reports");
  CHECK(answer.status == 503);
  CHECK_THAT(answer.body, Catch::Contains("sqlite and postgres"));
  CHECK_THAT(collector.log(), Catch::Contains("no configured storage keeps statistics"));
}

TEST_CASE("stats: the same answers from a collector on PostgreSQL", "[stats][postgres]") {
  PostgresServer pg;
  Collector collector({"--database", pg.url()}, 0, false);
  seedStats(collector);
  const std::string d2 = dayText(todayUtc() - 2);
  auto versions = byPeriod(getJson(collector, "/api/v2/stats/master-versions?" + range()));
  CHECK(versions[d2]["values"] == json::parse(R"([{"value":"1.31","clusters":3,"share":0.5,"nodes":16},
                                                 {"value":"other","clusters":3,"share":0.5,"nodes":null}])"));
  auto fresh = byPeriod(getJson(collector, "/api/v2/stats/new-clusters?" + range()));
  CHECK(fresh[d2]["clusters"] == 6);
}

TEST_CASE(
    "clock skew: reports dated far in the future or past are stored as sent and counted and kept by "
    "the collector's clock",
    "[stats][faults]") {
  const std::int64_t today = todayUtc();
  // A: made two days ago (waited in an outbox: counts then). B: "made" in 2999. C: in 1971.
  json a = seedReport(1, "A", today - 2, 9, "v1.31.2", 1, "amd64", "containerd://1.7.22");
  json b = seedReport(2, "B", today, 9, "v1.31.2", 1, "amd64", "containerd://1.7.22");
  json c = seedReport(3, "C", today, 9, "v1.31.2", 1, "amd64", "containerd://1.7.22");
  b["generatedAt"] = "2999-01-01T00:00:00Z";
  c["generatedAt"] = "1971-01-01T00:00:00Z";
  TempDir dir;
  const std::vector<std::string> args{"--set",      "collector.stats_min_clusters=1",
                                      "--set",      "collector.retention=1d",
                                      "--database", "sqlite:" + dir.file("k.db")};
  {
    Collector collector(args, 0, /*withSqlite=*/false);
    CHECK(collector.post("/api/v2/reports", json::array({a, b, c}).dump()).status == 202);
  }
  // Retention runs at start and goes by receivedAt: the report "from 1971" is kept.
  Collector collector(args, 0, /*withSqlite=*/false);
  const auto rows = readReports(dir.file("k.db"));
  REQUIRE(rows.size() == 3);
  std::map<std::string, std::string> generated;
  for (const auto& row : rows) generated[row.clusterID.substr(35)] = json::parse(row.report)["generatedAt"];
  CHECK(generated["A"] == dayText(today - 2) + "T09:00:00Z");
  CHECK(generated["B"] == "2999-01-01T00:00:00Z");
  CHECK(generated["C"] == "1971-01-01T00:00:00Z");

  const std::string days = "interval=day&from=" + dayText(today - 2) + "&to=" + dayText(today);
  auto active = byPeriod(getJson(collector, "/api/v2/stats/active-clusters?" + days));
  CHECK(active[dayText(today - 2)]["clusters"] == 1);  // A, on the day it was made
  CHECK(active[dayText(today - 1)]["clusters"] == 0);
  CHECK(active[dayText(today)]["clusters"] == 2);  // B and C, on the day they arrived
}
