// What the collector keeps: its own clock for receivedAt, the sender's network rather than its
// address, reports no older than the retention age, and nothing of a cluster after an erasure
// request (SQLite and PostgreSQL, with a storage that cannot delete named as such).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <thread>

#include "collector_fixture.h"
#include "kubecensus/report/uuid.h"
#include "support/postgres_server.h"

using namespace kctest;
using nlohmann::json;

namespace {

std::string reportOf(const std::string& clusterID, const std::string& reportID = kubecensus::randomUuid()) {
  json report = json::parse(nativeReport(reportID));
  report["clusterID"] = clusterID;
  return report.dump();
}

}  // namespace

TEST_CASE("receivedAt is the collector's clock, whatever a client in the far future says") {
  Collector collector;
  json report = json::parse(nativeReport(kubecensus::randomUuid()));
  report["generatedAt"] = "2099-01-01T00:00:00Z";
  report["receivedAt"] = "2099-01-01T00:00:00Z";
  report["receivedFrom"] = "203.0.113.7";
  const auto before = nowMicros();
  REQUIRE(collector.post("/api/v2/reports", report.dump()).status == 202);
  const auto after = nowMicros();
  const StoredReport stored = collector.reports().at(0);
  CHECK(stored.receivedAt >= before);
  CHECK(stored.receivedAt <= after);
  CHECK(stored.receivedFrom == "127.0.0.0");
  CHECK(stored.generatedAt == 4070908800000000);  // the agent's claim, kept as such
}

TEST_CASE("receivedFrom and the access log keep the /24 (or /48) by default, everything or nothing if told") {
  auto stored = [](std::vector<std::string> args, const std::string& forwardedFor = "") {
    args.insert(args.end(), {"--set", "collector.trusted_proxies=127.0.0.1"});
    Collector collector(args);
    HttpRequestSpec spec{"POST", "/api/v2/reports", nativeReport(kubecensus::randomUuid())};
    if (!forwardedFor.empty()) spec.headers["X-Forwarded-For"] = forwardedFor;
    REQUIRE(httpRequest(collector.port(), spec).status == 202);
    return std::make_pair(collector.reports().at(0).receivedFrom, collector.log());
  };
  auto [truncated, log] = stored({});
  CHECK(truncated == "127.0.0.0");
  CHECK_THAT(log, Catch::Contains("127.0.0.0 POST /api/v2/reports 202"));
  CHECK_THAT(log, !Catch::Contains("127.0.0.1 POST"));
  CHECK(stored({}, "2001:db8:1234:5678::1").first == "2001:db8:1234::");
  CHECK(stored({}, "2002:c633:644d::1").first == "2002:c633:6400::");  // 6to4: the IPv4 /24
  CHECK(stored({}, "198.51.100.77").first == "198.51.100.0");
  CHECK(stored({"--set", "collector.received_from=full"}, "198.51.100.77").first == "198.51.100.77");
  auto [none, quietLog] = stored({"--set", "collector.received_from=none"}, "198.51.100.77");
  CHECK(none.empty());
  CHECK_THAT(quietLog,
             Catch::Contains("\"POST /api/v2/reports 202") || Catch::Contains(" POST /api/v2/reports 202"));
  CHECK_THAT(quietLog, !Catch::Contains("198.51.100") && !Catch::Contains("127.0.0.0 POST"));
}

TEST_CASE("retention deletes reports received longer ago than collector.retention, on a schedule") {
  Collector collector({"--set", "collector.retention=2s", "--set", "collector.retention_interval=1s"});
  REQUIRE(collector.post("/api/v2/reports", nativeReport(kubecensus::randomUuid())).status == 202);
  CHECK(collector.reports().size() == 1);
  CHECK(eventually([&] { return collector.reports().empty(); }, std::chrono::seconds(8)));
  CHECK_THAT(collector.log(), Catch::Contains("retention: storage.sqlite deleted 1 rows (reports, then per-cluster statistics rows)"));
  // Fresh ones stay until they too are old.
  REQUIRE(collector.post("/api/v2/reports", nativeReport(kubecensus::randomUuid())).status == 202);
  CHECK(collector.reports().size() == 1);
}

TEST_CASE("DELETE /api/v2/clusters/{id} erases a cluster from sqlite and postgres and names what cannot",
          "[postgres]") {
  PostgresServer pg;
  TempDir work;
  Collector collector({"--database", pg.url(), "--database", "ndjson:" + work.file("reports.ndjson"), "--set",
                       "collector.admin_tokens=admin-secret"});
  for (int i = 0; i < 3; ++i) REQUIRE(collector.post("/api/v2/reports", reportOf("cluster-a")).status == 202);
  REQUIRE(collector.post("/api/v2/reports", reportOf("cluster-b")).status == 202);

  HttpRequestSpec erase{"DELETE", "/api/v2/clusters/cluster-a", std::nullopt};
  HttpAnswer anonymous = httpRequest(collector.port(), erase);
  CHECK(anonymous.status == 401);
  CHECK(json::parse(anonymous.body)["error"]["code"] == 401);
  erase.headers["Authorization"] = "Bearer wrong";
  CHECK(httpRequest(collector.port(), erase).status == 401);
  CHECK(collector.reports().size() == 4);

  erase.headers["Authorization"] = "Bearer admin-secret";
  HttpAnswer done = httpRequest(collector.port(), erase);
  INFO(done.body);
  REQUIRE(done.status == 200);
  const json answer = json::parse(done.body);
  CHECK(answer["clusterID"] == "cluster-a");
  CHECK(answer["deleted"]["storage.sqlite"] == 3);
  CHECK(answer["deleted"]["storage.postgres"] == 3);
  CHECK(answer["unsupported"] == json::array({"storage.ndjson"}));
  const auto rows = collector.reports();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].clusterID == "cluster-b");
  CHECK(pg.query("SELECT cluster_id FROM reports") == "cluster-b\n");
  // Again: nothing left to delete, and that is no error.
  CHECK(json::parse(httpRequest(collector.port(), erase).body)["deleted"]["storage.sqlite"] == 0);
}

TEST_CASE("without admin tokens the erasure route is refused with 403") {
  Collector collector;
  HttpAnswer refused = httpRequest(collector.port(), {"DELETE", "/api/v2/clusters/x", std::nullopt});
  CHECK(refused.status == 403);
  CHECK_THAT(json::parse(refused.body)["error"]["message"].get<std::string>(),
             Catch::Contains("admin_tokens"));
  CHECK(httpRequest(collector.port(), {"GET", "/api/v2/clusters/x", std::nullopt}).status == 405);
}
