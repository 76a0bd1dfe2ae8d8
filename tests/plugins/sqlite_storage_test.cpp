// The `sqlite` storage plugin (plugins/storage/sqlite), checked through the database it writes.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kubecensus/plugin/storage.h"
#include "kubecensus/report/formats.h"
#include "plugins_test_support.h"
#include "stats_contract.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using kctest::makePlugin;
using kctest::sampleReport;

namespace {

using Row = std::vector<std::optional<std::string>>;

// Runs a query on the database file with a connection of the test's own.
std::vector<Row> query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  INFO(path << ": " << sqlite3_errstr(rc));
  REQUIRE(rc == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  INFO(sql << ": " << sqlite3_errmsg(db));
  REQUIRE(rc == SQLITE_OK);
  std::vector<Row> rows;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    Row row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.push_back(text ? std::optional<std::string>(reinterpret_cast<const char*>(text)) : std::nullopt);
    }
    rows.push_back(std::move(row));
  }
  CHECK(rc == SQLITE_DONE);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

std::string single(const std::string& path, const std::string& sql) {
  auto rows = query(path, sql);
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].size() == 1);
  REQUIRE(rows[0][0].has_value());
  return *rows[0][0];
}

// Runs SQL on the database file through the sqlite3 C API (not the product's code).
void execute(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  INFO(sqlite3_errmsg(db));
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

std::int64_t countReports(const std::string& path) {
  return std::stoll(single(path, "SELECT count(*) FROM reports"));
}

PluginHandle<Storage> openStorage(const std::string& path, std::map<std::string, std::string> options = {}) {
  options["path"] = path;
  return makePlugin<Storage>("sqlite", options);
}

std::vector<bool> writeAll(Storage& storage, const std::vector<Report>& reports) {
  std::vector<const Report*> batch;
  for (const auto& report : reports) batch.push_back(&report);
  return storage.write(batch).duplicate;
}

}  // namespace

TEST_CASE("sqlite stores a report once and says which ones it already had", "[sqlite]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("k.db");
  auto storage = openStorage(path);
  Report a = sampleReport(), b = sampleReport(), c = sampleReport();

  CHECK(writeAll(*storage, {a, b}) == std::vector<bool>{false, false});
  CHECK(countReports(path) == 2);
  CHECK(writeAll(*storage, {a, b}) == std::vector<bool>{true, true});
  CHECK(writeAll(*storage, {c, a}) == std::vector<bool>{false, true});
  CHECK(countReports(path) == 3);
  // The same ID twice in one batch: the second is the duplicate.
  Report d = sampleReport();
  CHECK(writeAll(*storage, {d, d}) == std::vector<bool>{false, true});
  CHECK(countReports(path) == 4);
  CHECK(writeAll(*storage, {}).empty());

  // A re-sent report with other content does not overwrite the first one.
  Report changed = a;
  changed.masterVersion = "v9.9.9";
  CHECK(writeAll(*storage, {changed}) == std::vector<bool>{true});
  CHECK(single(path, "SELECT master_version FROM reports WHERE report_id = '" + a.reportID + "'") ==
        "v1.31.2");

  StorageHealth health = storage->health();
  CHECK(health.ok);
  CHECK(health.detail == path);
}

TEST_CASE("a stored row has the collector's columns and the report as native JSON", "[sqlite]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("k.db");
  auto storage = openStorage(path);

  Report legacy = sampleReport();
  legacy.receivedAt = 1795456801000000;
  legacy.receivedFrom = "192.0.2.145";
  legacy.receivedAs = ReportFormat::SpartakusV1;
  Report bare;  // what a minimal native report leaves out is stored as NULL
  bare.reportID = randomUuid();
  bare.clusterID = "c2";
  bare.receivedAt = 1795456802000000;
  writeAll(*storage, {legacy, bare});

  auto rows =
      query(path,
            "SELECT cluster_id, received_at, received_from, received_as, generated_at, master_version, "
            "node_count, report FROM reports WHERE report_id = '" +
                legacy.reportID + "'");
  REQUIRE(rows.size() == 1);
  const Row& row = rows[0];
  CHECK(row[0] == legacy.clusterID);
  CHECK(row[1] == "1795456801000000");
  CHECK(row[2] == "192.0.2.145");
  CHECK(row[3] == "spartakus-v1");
  CHECK(row[4] == "1795456800123456");
  CHECK(row[5] == "v1.31.2");
  CHECK(row[6] == "1");
  REQUIRE(row[7]);
  CHECK(nlohmann::json::parse(*row[7]) == toNativeJson(legacy));

  rows = query(
      path,
      "SELECT cluster_id, received_at, received_from, received_as, generated_at, master_version, node_count "
      "FROM reports WHERE report_id = '" +
          bare.reportID + "'");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] ==
        Row{"c2", "1795456802000000", std::nullopt, "kubecensus.report/v2", std::nullopt, std::nullopt, "0"});
}

TEST_CASE("the database is in WAL mode at schema version 3, migrated once", "[sqlite]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("k.db");
  { auto storage = openStorage(path); }
  CHECK(single(path, "PRAGMA journal_mode") == "wal");
  CHECK(query(path, "SELECT version FROM schema_version") == std::vector<Row>{{"1"}, {"2"}, {"3"}});
  // Opening an existing database neither migrates again nor loses data.
  {
    auto storage = openStorage(path);
    writeAll(*storage, {sampleReport()});
  }
  {
    auto storage = openStorage(path);
    CHECK(countReports(path) == 1);
  }
  CHECK(query(path, "SELECT version FROM schema_version") == std::vector<Row>{{"1"}, {"2"}, {"3"}});
}

TEST_CASE("a version 1 database (reports WITHOUT ROWID) is migrated with its rows kept", "[sqlite]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("v1.db");
  const Report old = kctest::sampleReport();
  {
    const std::string v1 =
        "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);"
        "CREATE TABLE reports (report_id TEXT PRIMARY KEY, cluster_id TEXT NOT NULL, received_at INTEGER NOT "
        "NULL,"
        " received_from TEXT, received_as TEXT NOT NULL, generated_at INTEGER, master_version TEXT,"
        " node_count INTEGER NOT NULL, report TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE INDEX reports_by_received_at ON reports (received_at);"
        "CREATE INDEX reports_by_cluster ON reports (cluster_id, received_at);"
        "INSERT INTO reports VALUES ('" +
        old.reportID +
        "', 'c1', 1795456800000000, '10.0.0.0', 'spartakus-v1',"
        " NULL, 'v1.3.5', 1, '{}');";
    execute(path, v1);
  }
  auto storage = openStorage(path);
  CHECK(query(path, "SELECT version FROM schema_version") == std::vector<Row>{{"1"}, {"2"}, {"3"}});
  CHECK(query(path, "SELECT report_id, cluster_id, received_as, master_version FROM reports") ==
        std::vector<Row>{{old.reportID, "c1", "spartakus-v1", "v1.3.5"}});
  CHECK(writeAll(*storage, {old}) == std::vector<bool>{true});  // still recognised by its ID
  CHECK(single(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports'") ==
        "3");
}

TEST_CASE("a database with a newer schema is refused, untouched", "[sqlite]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("future.db");
  {
    execute(path,
            "CREATE TABLE schema_version (version INTEGER NOT NULL);"
            "INSERT INTO schema_version VALUES (99);");
  }
  std::string message = kctest::createError<Storage>("sqlite", {{"path", path}});
  CHECK_THAT(message,
             Catch::Contains(path) && Catch::Contains("schema version 99") && Catch::Contains("(3)"));
  CHECK(query(path, "SELECT name FROM sqlite_master WHERE name = 'reports'").empty());
  CHECK(query(path, "SELECT version FROM schema_version") == std::vector<Row>{{"99"}});
}

TEST_CASE("the synchronous option takes FULL, NORMAL or EXTRA in any case", "[sqlite]") {
  kctest::TempDir tmp;
  for (const char* ok : {"FULL", "normal", "Extra"}) {
    INFO(ok);
    CHECK_NOTHROW(openStorage(tmp.file(std::string(ok) + ".db"), {{"synchronous", ok}}));
  }
  for (const char* bad : {"SOMETIMES", "OFF", ""}) {
    INFO(bad);
    std::string message =
        kctest::createError<Storage>("sqlite", {{"path", tmp.file("x.db")}, {"synchronous", bad}});
    CHECK_THAT(message, Catch::Contains("synchronous") && Catch::Contains(std::string("'") + bad + "'"));
  }
}

TEST_CASE("missing parent directories of the database are created", "[sqlite]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("var/lib/kubecensus/k.db");
  auto storage = openStorage(path);
  writeAll(*storage, {sampleReport()});
  CHECK(std::filesystem::is_regular_file(path));
  CHECK(countReports(path) == 1);
}

TEST_CASE("a database that cannot be opened is a create error naming it", "[sqlite]") {
  kctest::TempDir tmp;
  tmp.write("file", "x");
  std::string path = tmp.file("file/k.db");  // under a regular file: impossible even for root
  CHECK_THAT(kctest::createError<Storage>("sqlite", {{"path", path}}), Catch::Contains(tmp.file("file")));
}

TEST_CASE("a batch is written all or nothing", "[sqlite]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("k.db");
  auto storage = openStorage(path);
  Report good = sampleReport();
  Report bad = sampleReport();
  bad.clusterID = "refused";
  {  // the second insert of the batch fails
    execute(path,
            "CREATE TRIGGER refuse BEFORE INSERT ON reports WHEN NEW.cluster_id = 'refused' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  }
  CHECK_THROWS_WITH(writeAll(*storage, {good, bad}), Catch::Contains("refused by the test"));
  CHECK(countReports(path) == 0);
  // The storage is still usable and the good report was not stored before.
  CHECK(writeAll(*storage, {good}) == std::vector<bool>{false});
  CHECK(countReports(path) == 1);
}

TEST_CASE("concurrent writers store every report exactly once", "[sqlite]") {
  kctest::TempDir tmp;
  std::string path = tmp.file("k.db");
  // Two instances on one file, as two collectors would have, each written by four threads.
  auto first = openStorage(path, {{"synchronous", "NORMAL"}});
  auto second = openStorage(path, {{"synchronous", "NORMAL"}});
  std::vector<Report> shared;
  for (int i = 0; i < 40; ++i) shared.push_back(sampleReport());

  constexpr int kThreads = 8;
  constexpr int kOwn = 5;
  std::vector<int> stored(kThreads, 0);
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Storage& storage = t % 2 ? *second : *first;
      try {
        // Every thread sends all the shared reports, starting at a different place, in batches of 4,
        // plus a few reports only it has.
        std::vector<Report> mine;
        for (int i = 0; i < 40; ++i) mine.push_back(shared[(i + t * 5) % 40]);
        for (int i = 0; i < kOwn; ++i) mine.push_back(sampleReport());
        for (std::size_t start = 0; start < mine.size(); start += 4) {
          std::vector<Report> batch(mine.begin() + start, mine.begin() + std::min(start + 4, mine.size()));
          for (bool duplicate : writeAll(storage, batch)) stored[t] += duplicate ? 0 : 1;
        }
      } catch (const std::exception& e) {
        failures[t] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) CHECK(failure.empty());
  int total = 0;
  for (int n : stored) total += n;
  CHECK(total == 40 + kThreads * kOwn);  // each report counted as new by exactly one writer
  CHECK(countReports(path) == 40 + kThreads * kOwn);
  CHECK(single(path, "SELECT count(DISTINCT report_id) FROM reports") ==
        std::to_string(40 + kThreads * kOwn));
}

TEST_CASE("sqlite keeps the statistics' aggregates as reports arrive, are erased and expire",
          "[sqlite][stats]") {
  kctest::TempDir tmp;
  auto storage = openStorage(tmp.file("stats.db"));
  kctest::checkStatsContract(*storage);
}

TEST_CASE("reports stored before the statistics existed are rolled up once when the database is migrated",
          "[sqlite][stats]") {
  kctest::TempDir tmp;
  const std::string path = tmp.file("v2.db");
  {
    // A schema 2 database as an earlier collector left it: three reports of two clusters, one
    // row that cannot be read back.
    auto storage = openStorage(path);
  }
  execute(path,
          "DROP TABLE stats_clusters; DROP TABLE stats_entries; DROP TABLE stats_aggregates; DROP TABLE "
          "stats_backfill;"
          "DELETE FROM schema_version WHERE version = 3;");
  const std::vector<Report> old = {kctest::statsReport("1", "A", kctest::kDay0, 8, "v1.30.1", 3),
                                   kctest::statsReport("2", "A", kctest::kDay0, 20, "v1.31.0", 3),
                                   kctest::statsReport("3", "B", kctest::kDay0, 9, "v1.31.0", 2)};
  std::string insert;
  for (const Report& report : old) {
    std::string json = encodeNativeJson(report);
    insert +=
        "INSERT INTO reports (report_id, cluster_id, received_at, received_as, node_count, report) VALUES "
        "('" +
        report.reportID + "', '" + report.clusterID + "', " + std::to_string(*report.receivedAt) +
        ", 'kubecensus.report/v2', 3, '" + json + "');";
  }
  insert +=
      "INSERT INTO reports (report_id, cluster_id, received_at, received_as, node_count, report) "
      "VALUES ('x', 'C', 1, 'kubecensus.report/v2', 0, '{}');";
  execute(path, insert);
  for (int opening = 0; opening < 2; ++opening) {  // the second opening must not count them again
    auto storage = openStorage(path);
    const auto active = kctest::clustersBy(*storage, stats::Interval::Day, stats::kActiveDimension);
    CHECK(active.at({kctest::kDay0, ""}) == 2);
    const auto versions = kctest::clustersBy(*storage, stats::Interval::Day, "masterMinor");
    CHECK(versions.at({kctest::kDay0, "1.31"}) == 2);
    CHECK(versions.count({kctest::kDay0, "1.30"}) == 0);
    CHECK(single(path, "SELECT count(*) FROM stats_backfill") == "0");
  }
  CHECK(countReports(path) == 4);  // the unreadable one is kept
}
