// The `bigquery` storage plugin: stream mode against the stand-in BigQuery (tests/support/
// fake_bigquery.h) over HTTPS, export mode into a temp directory, and the shipped schema.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "kubecensus/plugin/storage.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/privacy.h"
#include "kubecensus/util/gzip.h"
#include "kubecensus/util/state_dir.h"
#include "plugins_test_support.h"
#include "support/bigquery_schema_check.h"
#include "support/fake_bigquery.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::FakeBigQuery;
using kctest::makePlugin;

namespace {

std::string shippedSchema() {
  return readFile(std::string(KUBECENSUS_SOURCE_DIR) + "/packaging/bigquery/reports.schema.json");
}

Report received(Report report) {
  report.receivedAt = 1795456800000000;
  report.receivedFrom = "10.0.0.0";
  return report;
}

// A report with every section filled, so every column of the schema is exercised.
Report fullReport() {
  Report report = received(kctest::sampleReport());
  report.masterPlatform = "linux/amd64";
  report.nodes[0].allocatable = {{"cpu", "3800m"}};
  report.nodes[0].roles = {"control-plane"};
  report.nodes[0].cloudProvider = "gce";
  report.namespaces = NamespaceSummary{4, AgeSummary{{{3600, 86400}, {1, 2, 1}}, 5000.5}};
  WorkloadSummary pods{"pods",
                       12,
                       Histogram{{1, 10}, {0, 3, 1}},
                       AgeSummary{{{3600}, {10, 2}}, 700},
                       {{"Running", 11}, {"Pending", 1}}};
  report.workloads = {pods};
  report.errors = {{"k8s-workloads", "jobs: forbidden"}};
  report.accountID = "acct-1";
  applyPrivacy(report,
               {PrivacyLevel::Detailed, 1});  // level, nodeCount and node groups as the agent sends them
  report.workloads[0].perNamespace->other = 2;
  return report;
}

// A report BigQuery refuses: a count beyond INTEGER (int64).
Report refusedReport() {
  Report report = fullReport();
  report.reportID = randomUuid();
  report.workloads[0].total = 1ull << 63;
  return report;
}

struct Streaming {
  kctest::TempDir dir;
  FakeBigQuery bigquery{dir.path(), shippedSchema()};
  std::map<std::string, std::string> options(bool foreignKey = false) {
    return {{"table",
             std::string(FakeBigQuery::kProject) + "." + FakeBigQuery::kDataset + "." + FakeBigQuery::kTable},
            {"credentials", bigquery.keyFile(foreignKey)},
            {"base_url", bigquery.baseUrl()},
            {"ca_file", bigquery.caFile()}};
  }
};

}  // namespace

TEST_CASE("bigquery schema: every report converts to a row the shipped schema accepts", "[bigquery]") {
  const nlohmann::json schema = nlohmann::json::parse(shippedSchema());
  std::vector<Report> reports{fullReport(), received(kctest::sampleReport())};
  const std::string seeds = std::string(KUBECENSUS_SOURCE_DIR) + "/tests/fixtures/seeds/";
  reports.push_back(received(fromSpartakusJson(parseJson(readFile(seeds + "spartakus-v1.json")))));
  reports.push_back(received(fromTectonicJson(parseJson(readFile(seeds + "tectonic.json"), true))));
  Report bare;  // the least a report can hold
  bare.reportID = randomUuid();
  bare.clusterID = "c";
  reports.push_back(bare);
  for (const Report& report : reports) {
    kctest::TempDir dir;
    auto exporter = makePlugin<Storage>(
        "bigquery", {{"mode", "export"}, {"directory", dir.path()}, {"compress", "false"}});
    exporter->write({&report});
    exporter = {};  // finishes the file
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      if (entry.path().extension() != ".ndjson") continue;
      const nlohmann::json row = nlohmann::json::parse(readFile(entry.path().string()));
      INFO(row.dump());
      auto problem = kctest::checkRow(row, schema);
      CHECK_FALSE(problem.has_value());
      if (problem) FAIL_CHECK(problem->location << ": " << problem->message);
      CHECK(row["reportID"] == report.reportID);
    }
  }
}

TEST_CASE("bigquery schema: a superset of Spartakus' bigquery.schema.json", "[bigquery]") {
  // Spartakus' columns (name, type, mode); nodes.id was REQUIRED there and is relaxed, which
  // BigQuery allows on an existing table.
  const std::vector<std::tuple<std::string, std::string, std::string>> spartakus{
      {"version", "STRING", "REQUIRED"},
      {"timestamp", "STRING", "REQUIRED"},
      {"clusterID", "STRING", "REQUIRED"},
      {"masterVersion", "STRING", "NULLABLE"},
      {"nodes", "RECORD", "REPEATED"},
      {"nodes.id", "STRING", "NULLABLE"},
      {"nodes.operatingSystem", "STRING", "NULLABLE"},
      {"nodes.osImage", "STRING", "NULLABLE"},
      {"nodes.kernelVersion", "STRING", "NULLABLE"},
      {"nodes.architecture", "STRING", "NULLABLE"},
      {"nodes.containerRuntimeVersion", "STRING", "NULLABLE"},
      {"nodes.kubeletVersion", "STRING", "NULLABLE"},
      {"nodes.cloudProvider", "STRING", "NULLABLE"},
      {"nodes.capacity", "RECORD", "REPEATED"},
      {"nodes.capacity.resource", "STRING", "REQUIRED"},
      {"nodes.capacity.value", "STRING", "REQUIRED"}};
  std::map<std::string, std::pair<std::string, std::string>> ours;
  std::function<void(const nlohmann::json&, const std::string&)> walk = [&](const nlohmann::json& fields,
                                                                            const std::string& prefix) {
    for (const auto& field : fields) {
      const std::string name = prefix + field["name"].get<std::string>();
      ours[name] = {field["type"], field["mode"]};
      if (field.contains("fields")) walk(field["fields"], name + ".");
    }
  };
  const nlohmann::json schema = nlohmann::json::parse(shippedSchema());
  walk(schema, "");
  for (const auto& [name, type, mode] : spartakus) {
    INFO(name);
    REQUIRE(ours.count(name) == 1);
    CHECK(ours[name].first == type);
    CHECK(ours[name].second == mode);
  }
  // Columns added to an existing table must be NULLABLE or REPEATED.
  for (const auto& [name, typeMode] : ours) {
    const bool fromSpartakus = std::any_of(spartakus.begin(), spartakus.end(),
                                           [&](const auto& column) { return std::get<0>(column) == name; });
    if (!fromSpartakus && name.find("capacity.") == std::string::npos &&
        name.find("allocatable.") == std::string::npos) {
      INFO(name);
      CHECK(typeMode.second != "REQUIRED");
    }
  }
}

TEST_CASE("bigquery stream: rows are inserted with insertId = reportID, one token for many batches",
          "[bigquery]") {
  Streaming s;
  auto storage = makePlugin<Storage>("bigquery", s.options());
  const Report a = fullReport(), b = received(kctest::sampleReport());
  WriteResult result = storage->write({&a, &b});
  CHECK(result.rejected.empty());
  CHECK(result.duplicate == std::vector<bool>{false, false});
  const Report c = received(kctest::sampleReport());
  storage->write({&c});
  storage->write({&a});  // sent again: BigQuery keeps one row per insertId
  auto rows = s.bigquery.rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows.at(a.reportID)["clusterID"] == a.clusterID);
  CHECK(rows.at(a.reportID)["version"] == "0.1.0");
  CHECK(rows.at(a.reportID)["timestamp"] == std::to_string(*a.generatedAt));
  CHECK(rows.at(a.reportID)["workloads"][0]["phases"][0]["name"] == "Running");
  CHECK(s.bigquery.tokenExchanges() == 1);
  CHECK(s.bigquery.insertRequests() == 3);
  CHECK(s.bigquery.problems().empty());
  CHECK(storage->health().ok);
}

TEST_CASE("bigquery stream: a batch larger than a request is split", "[bigquery]") {
  Streaming s;
  auto options = s.options();
  options["max_rows_per_request"] = "2";
  auto storage = makePlugin<Storage>("bigquery", options);
  std::vector<Report> reports;
  for (int i = 0; i < 5; ++i) reports.push_back(received(kctest::sampleReport()));
  std::vector<const Report*> batch;
  for (const auto& r : reports) batch.push_back(&r);
  storage->write(batch);
  CHECK(s.bigquery.rows().size() == 5);
  CHECK(s.bigquery.insertRequests() == 3);
}

TEST_CASE("bigquery stream: a row BigQuery refuses is rejected, the others of its batch are stored",
          "[bigquery]") {
  Streaming s;
  auto storage = makePlugin<Storage>("bigquery", s.options());
  const Report good1 = fullReport(), bad = refusedReport(), good2 = received(kctest::sampleReport());
  WriteResult result = storage->write({&good1, &bad, &good2});
  REQUIRE(result.rejected.size() == 3);
  CHECK(result.rejected[0].empty());
  CHECK(result.rejected[2].empty());
  CHECK_THAT(result.rejected[1],
             Catch::Contains(bad.reportID) && Catch::Contains("invalid at workloads.total"));
  auto rows = s.bigquery.rows();
  CHECK(rows.size() == 2);
  CHECK(rows.count(good1.reportID) == 1);
  CHECK(rows.count(good2.reportID) == 1);
  // The first request was refused whole (skipInvalidRows=false); the stopped rows went again.
  CHECK(s.bigquery.insertRequests() == 2);
  CHECK(s.bigquery.problems().empty());
}

TEST_CASE("bigquery stream: tokens are renewed before they expire and after a 401", "[bigquery]") {
  Streaming s;
  s.bigquery.setTokenLifetimeSeconds(2);  // renewed after 1 s
  auto storage = makePlugin<Storage>("bigquery", s.options());
  const Report a = received(kctest::sampleReport()), b = received(kctest::sampleReport()),
               c = received(kctest::sampleReport());
  storage->write({&a});
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  storage->write({&b});
  CHECK(s.bigquery.tokenExchanges() == 2);
  s.bigquery.setTokenLifetimeSeconds(3600);
  s.bigquery.revokeTokens();
  storage->write({&c});  // 401, a new token, the same request again
  CHECK(s.bigquery.tokenExchanges() == 3);
  CHECK(s.bigquery.rows().size() == 3);
  CHECK(s.bigquery.problems().empty());
}

TEST_CASE("bigquery stream: 503 and 429 are retried, a failure that persists fails the batch", "[bigquery]") {
  Streaming s;
  auto storage = makePlugin<Storage>("bigquery", s.options());
  const Report a = received(kctest::sampleReport()), b = received(kctest::sampleReport());
  s.bigquery.failNextInserts(503, 1);
  storage->write({&a});
  s.bigquery.failNextInserts(429, 1, "1");
  storage->write({&b});
  CHECK(s.bigquery.rows().size() == 2);
  const Report c = received(kctest::sampleReport());
  s.bigquery.failNextInserts(503, 10);
  CHECK_THROWS_WITH(storage->write({&c}), Catch::Contains("HTTP 503") && Catch::Contains("after 3 attempts"));
  CHECK_FALSE(storage->health().ok);
  s.bigquery.failNextInserts(503, 0);
  storage->write({&c});
  CHECK(storage->health().ok);
  CHECK(s.bigquery.rows().size() == 3);
}

TEST_CASE("bigquery stream: a key the token endpoint refuses fails the write, naming the account",
          "[bigquery]") {
  Streaming s;
  auto storage = makePlugin<Storage>("bigquery", s.options(/*foreignKey=*/true));
  const Report a = received(kctest::sampleReport());
  CHECK_THROWS_WITH(storage->write({&a}), Catch::Contains("invalid_grant") &&
                                              Catch::Contains(FakeBigQuery::kClientEmail) &&
                                              Catch::Contains("HTTP 400"));
  CHECK(s.bigquery.rows().empty());
  CHECK(s.bigquery.insertRequests() == 0);
}

TEST_CASE("bigquery stream: configuration errors name the option and the file", "[bigquery]") {
  kctest::TempDir dir;
  CHECK_THAT(
      kctest::createError<Storage>("bigquery", {{"table", "p.d.t"}, {"credentials", dir.file("none.json")}}),
      Catch::Contains("none.json"));
  std::ofstream(dir.file("user.json")) << R"({"type": "authorized_user", "client_id": "x"})";
  CHECK_THAT(
      kctest::createError<Storage>("bigquery", {{"table", "p.d.t"}, {"credentials", dir.file("user.json")}}),
      Catch::Contains("user.json") && Catch::Contains("service_account"));
  std::ofstream(dir.file("nokey.json"))
      << R"({"type": "service_account", "client_email": "a@b", "token_uri": "https://x/t"})";
  CHECK_THAT(
      kctest::createError<Storage>("bigquery", {{"table", "p.d.t"}, {"credentials", dir.file("nokey.json")}}),
      Catch::Contains("nokey.json") && Catch::Contains("\"private_key\""));
  kctest::TempDir keys;
  FakeBigQuery bigquery(keys.path(), shippedSchema());
  CHECK_THAT(
      kctest::createError<Storage>("bigquery", {{"table", "nodots"}, {"credentials", bigquery.keyFile()}}),
      Catch::Contains("table: 'nodots'"));
  CHECK_THAT(kctest::createError<Storage>("bigquery", {{"mode", "batch"}}), Catch::Contains("mode: 'batch'"));
}

TEST_CASE("bigquery stream: table names as Spartakus wrote them, and in the key's project", "[bigquery]") {
  kctest::TempDir dir;
  FakeBigQuery bigquery(dir.path(), shippedSchema());
  for (const std::string table : {"bigquery://test-project.census.reports", "census.reports"}) {
    auto storage = makePlugin<Storage>("bigquery", {{"table", table},
                                                    {"credentials", bigquery.keyFile()},
                                                    {"base_url", bigquery.baseUrl()},
                                                    {"ca_file", bigquery.caFile()}});
    const Report a = received(kctest::sampleReport());
    storage->write({&a});
    CHECK(bigquery.rows().count(a.reportID) == 1);
  }
  CHECK(bigquery.problems().empty());
}

TEST_CASE("bigquery export: rotated gzip NDJSON files and the schema, loadable as written", "[bigquery]") {
  kctest::TempDir dir;
  auto storage = makePlugin<Storage>(
      "bigquery", {{"mode", "export"}, {"directory", dir.path()}, {"rotate_size", "1KiB"}});
  CHECK(readFile(dir.file("reports.schema.json")) == shippedSchema());
  std::vector<Report> reports;
  for (int i = 0; i < 6; ++i) reports.push_back(fullReport()), reports.back().reportID = randomUuid();
  for (const Report& report : reports) storage->write({&report});
  storage = {};
  const nlohmann::json schema = nlohmann::json::parse(shippedSchema());
  std::set<std::string> ids;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (name == "reports.schema.json") continue;
    INFO(name);
    REQUIRE(name.ends_with(".ndjson.gz"));  // nothing left unfinished
    ++files;
    std::istringstream lines(gzipDecompress(readFile(entry.path().string()), 1 << 20));
    for (std::string line; std::getline(lines, line);) {
      const nlohmann::json row = nlohmann::json::parse(line);
      CHECK_FALSE(kctest::checkRow(row, schema).has_value());
      ids.insert(row["reportID"]);
    }
  }
  CHECK(files >= 2);  // each row is over 1 KiB: rotated
  CHECK(ids.size() == 6);
}

TEST_CASE("bigquery export: files rotate on time, and a .part a crash left is finished at start",
          "[bigquery]") {
  kctest::TempDir dir;
  {
    // Two whole rows and a torn third (a batch a crash cut short, never acknowledged).
    std::ofstream(dir.file("reports-20260101T000000Z-deadbeef.ndjson.part")) << R"({"clusterID":"left"})"
                                                                             << "\n"
                                                                             << R"({"clusterID":"too"})"
                                                                             << "\n"
                                                                             << R"({"clusterID":"to)";
    std::ofstream(dir.file("reports-20251231T000000Z-cafe.ndjson.gz.tmp")) << "half a compression";
  }
  auto storage = makePlugin<Storage>(
      "bigquery",
      {{"mode", "export"}, {"directory", dir.path()}, {"rotate_interval", "300ms"}, {"compress", "false"}});
  REQUIRE(std::filesystem::exists(dir.file("reports-20260101T000000Z-deadbeef.ndjson")));
  CHECK(readFile(dir.file("reports-20260101T000000Z-deadbeef.ndjson")) ==
        "{\"clusterID\":\"left\"}\n{\"clusterID\":\"too\"}\n");
  CHECK_FALSE(std::filesystem::exists(dir.file("reports-20260101T000000Z-deadbeef.ndjson.part")));
  CHECK_FALSE(std::filesystem::exists(dir.file("reports-20251231T000000Z-cafe.ndjson.gz.tmp")));
  const Report a = fullReport();
  storage->write({&a});
  auto finished = [&] {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
      n += entry.path().extension() == ".ndjson";
    return n;
  };
  CHECK(finished() == 1);  // the leftover
  for (int i = 0; i < 100 && finished() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(finished() == 2);  // the open file was finished without another write
  CHECK(storage->health().ok);
}

TEST_CASE("bigquery schema: has a column for every field the agent may send", "[bigquery]") {
  std::set<std::string> columns;
  std::function<void(const nlohmann::json&, const std::string&)> walk = [&](const nlohmann::json& fields,
                                                                            const std::string& prefix) {
    for (const auto& field : fields) {
      columns.insert(prefix + field["name"].get<std::string>());
      if (field.contains("fields")) walk(field["fields"], prefix + field["name"].get<std::string>() + ".");
    }
  };
  walk(nlohmann::json::parse(shippedSchema()), "");
  for (const ReportField& field : reportFields()) {
    std::string column(field.path);
    for (std::size_t at; (at = column.find("[]")) != std::string::npos;) column.erase(at, 2);
    INFO(field.path);
    CHECK(columns.count(column) == 1);
  }
}
