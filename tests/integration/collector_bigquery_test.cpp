// The collector streaming into the stand-in BigQuery (tests/support/fake_bigquery.h) over
// HTTPS, beside its SQLite storage: the seeds stored in both, and a report BigQuery refuses
// answered 422 while the rest of the traffic is stored.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "collector_fixture.h"
#include "kubecensus/report/bundle.h"
#include "kubecensus/report/uuid.h"
#include "support/fake_bigquery.h"

using namespace kctest;

namespace {

std::vector<std::string> bigqueryArgs(FakeBigQuery& bigquery) {
  return {"--database",
          std::string("bigquery://") + FakeBigQuery::kProject + "." + FakeBigQuery::kDataset + "." +
              FakeBigQuery::kTable,
          "--set",
          "storage.bigquery.credentials=" + bigquery.keyFile(),
          "--set",
          "storage.bigquery.base_url=" + bigquery.baseUrl(),
          "--set",
          "storage.bigquery.ca_file=" + bigquery.caFile()};
}

// A valid native report BigQuery refuses: a count beyond its INTEGER.
nlohmann::json reportBigQueryRefuses() {
  nlohmann::json report = nlohmann::json::parse(nativeReport(kubecensus::randomUuid()));
  nlohmann::json histogram = {{"bounds", nlohmann::json::array()}, {"counts", {0}}};
  report["workloads"] = {{{"kind", "pods"},
                          {"total", 9223372036854775808ull},
                          {"perNamespace", histogram},
                          {"ages", {{"ageSeconds", histogram}, {"averageAgeSeconds", 0}}}}};
  return report;
}

std::string shippedSchema() {
  std::ifstream in(std::string(KUBECENSUS_SOURCE_DIR) + "/packaging/bigquery/reports.schema.json");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("bigquery: the seeds are streamed into BigQuery and into SQLite beside it", "[bigquery]") {
  TempDir keys;
  FakeBigQuery bigquery(keys.path(), shippedSchema());
  TempDir data;
  auto args = bigqueryArgs(bigquery);
  args.insert(args.end(), {"--database", "sqlite:" + data.file("both.db")});
  Collector collector(args);
  CHECK(collector.post("/api/v1", fixture("seeds/spartakus-v1.json")).status == 204);
  CHECK(collector.post("/api/v1", fixture("seeds/tectonic.json")).status == 204);
  const std::string id = kubecensus::randomUuid();
  HttpAnswer native = collector.post("/api/v2/reports", nativeReport(id));
  CHECK(native.status == 202);
  auto rows = bigquery.rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows.at(id)["clusterID"] == "c0ffee00-0000-4000-8000-000000000001");
  CHECK(rows.at(id)["receivedFrom"] == "127.0.0.0");
  int spartakus = 0;
  for (const auto& [insertId, row] : rows) {
    CHECK(row["reportID"] == insertId);
    CHECK_FALSE(row.contains("accountSecret"));
    if (row.value("receivedAs", "") == "spartakus-v1") {
      ++spartakus;
      CHECK(row["timestamp"] == "867530909031976");  // the seed's own value, as Spartakus stored it
      CHECK(row["version"] == "v1.0.0");
    }
  }
  CHECK(spartakus == 1);
  CHECK(readReports(data.file("both.db")).size() == 3);
  CHECK(bigquery.problems().empty());
  CHECK(collector.get("/readyz").status == 200);
}

TEST_CASE("bigquery: a report BigQuery refuses is answered 422 naming it, BigQuery down is 503",
          "[bigquery]") {
  TempDir keys;
  FakeBigQuery bigquery(keys.path(), shippedSchema());
  Collector collector(bigqueryArgs(bigquery));
  const nlohmann::json report = reportBigQueryRefuses();
  HttpAnswer refused = collector.post("/api/v2/reports", report.dump());
  CHECK(refused.status == 422);
  const auto error = nlohmann::json::parse(refused.body);
  CHECK_THAT(error["error"]["message"].get<std::string>(),
             Catch::Contains("storage.bigquery") && Catch::Contains("workloads.total"));
  CHECK(bigquery.rows().empty());

  bigquery.failNextInserts(503, 100);
  HttpAnswer down = collector.post("/api/v2/reports", nativeReport(kubecensus::randomUuid()));
  CHECK(down.status == 503);
  CHECK_FALSE(down.header("Retry-After").empty());
  CHECK(collector.get("/readyz").status == 503);
  bigquery.failNextInserts(503, 0);
  const std::string id = kubecensus::randomUuid();
  CHECK(collector.post("/api/v2/reports", nativeReport(id)).status == 202);
  CHECK(bigquery.rows().count(id) == 1);
  CHECK(collector.get("/readyz").status == 200);
}

TEST_CASE("bigquery: a bundle with a report BigQuery refuses stores the rest and names the refused one",
          "[bigquery]") {
  TempDir keys;
  FakeBigQuery bigquery(keys.path(), shippedSchema());
  Collector collector(bigqueryArgs(bigquery));
  const nlohmann::json refused = reportBigQueryRefuses();
  kubecensus::BundleWriter writer;
  std::vector<std::string> good;
  for (int i = 0; i < 3; ++i) {
    good.push_back(kubecensus::randomUuid());
    writer.add(nativeReport(good.back()));
    if (i == 0) writer.add(refused.dump());
  }
  HttpAnswer answer =
      httpRequest(collector.port(),
                  {"POST", "/api/v2/bundles", writer.finish("2026-12-01T00:00:00Z"), "application/gzip"});
  INFO(answer.body);
  REQUIRE(answer.status == 202);
  const auto json = nlohmann::json::parse(answer.body);
  CHECK(json["reports"] == 4);
  CHECK(json["accepted"] == 3);
  REQUIRE(json["refused"].size() == 1);
  CHECK_THAT(json["refused"][0].get<std::string>(),
             Catch::Contains("report 2 of the bundle") && Catch::Contains("workloads.total"));
  for (const auto& id : good) CHECK(bigquery.rows().count(id) == 1);
}
