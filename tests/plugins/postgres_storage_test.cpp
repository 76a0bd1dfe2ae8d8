// The `postgres` storage plugin against a real PostgreSQL 15 started for the test.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "kubecensus/plugin/storage.h"
#include "plugins_test_support.h"
#include "stats_contract.h"
#include "support/postgres_server.h"

using namespace kubecensus;
using kctest::makePlugin;
using kctest::PostgresServer;

namespace {

Report received(Report report) {
  report.receivedAt = 1795456800000000;
  report.receivedFrom = "10.0.0.0";
  return report;
}

}  // namespace

TEST_CASE("postgres: reports are stored once, as JSONB beside typed columns", "[postgres]") {
  PostgresServer pg;
  auto storage = makePlugin<Storage>("postgres", {{"dsn", pg.dsn()}});
  const Report a = received(kctest::sampleReport());
  const Report b = received(kctest::sampleReport());
  WriteResult first = storage->write({&a, &b, &a});
  CHECK(first.duplicate == std::vector<bool>{false, false, true});
  WriteResult again = storage->write({&b});
  CHECK(again.duplicate == std::vector<bool>{true});
  CHECK(pg.query("SELECT count(*) FROM reports") == "2\n");
  CHECK(
      pg.query("SELECT report->>'reportID' = report_id, received_at = to_timestamp(1795456800), node_count, "
               "received_as FROM reports WHERE report_id = '" +
               a.reportID + "'") == "t|t|" + std::to_string(a.nodes.size()) + "|kubecensus.report/v2\n");
  CHECK(pg.query("SELECT version FROM schema_version ORDER BY version") == "1\n2\n");
  CHECK(storage->health().ok);

  // A second collector on the same database: no migration twice, same rows.
  auto other = makePlugin<Storage>("postgres", {{"dsn", pg.url()}});
  CHECK(other->write({&a}).duplicate == std::vector<bool>{true});
  CHECK(pg.query("SELECT count(*) FROM schema_version") == "2\n");
}

TEST_CASE("postgres: a database restart fails writes meanwhile, then they work again", "[postgres]") {
  PostgresServer pg;
  auto storage = makePlugin<Storage>("postgres", {{"dsn", pg.dsn()}, {"pool_size", "2"}});
  const Report before = received(kctest::sampleReport());
  storage->write({&before});

  pg.stop();
  const Report during = received(kctest::sampleReport());
  CHECK_THROWS(storage->write({&during}));
  CHECK_FALSE(storage->health().ok);
  pg.start();

  bool written = false;
  for (int i = 0; i < 100 && !written; ++i) {
    try {
      storage->write({&during});
      written = true;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the reconnect backoff
    }
  }
  CHECK(written);
  CHECK(storage->health().ok);
  CHECK(pg.query("SELECT count(*) FROM reports") == "2\n");
}

TEST_CASE("postgres: a schema newer than the collector is refused, and a bad DSN named", "[postgres]") {
  PostgresServer pg;
  pg.query("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (7)");
  CHECK_THAT(kctest::createError<Storage>("postgres", {{"dsn", pg.dsn()}}),
             Catch::Contains("schema version 7") && Catch::Contains("upgrade the collector"));
  CHECK_THAT(kctest::createError<Storage>("postgres",
                                          {{"dsn", "host=127.0.0.1 port=1 user=nobody connect_timeout=2"}}),
             Catch::Contains("cannot connect to PostgreSQL"));
}

TEST_CASE("postgres keeps the statistics' aggregates as reports arrive, are erased and expire",
          "[postgres][stats]") {
  PostgresServer pg;
  auto storage = makePlugin<Storage>("postgres", {{"dsn", pg.dsn()}});
  kctest::checkStatsContract(*storage);
}

TEST_CASE("postgres: reports stored before the statistics existed are rolled up once on migration",
          "[postgres][stats]") {
  PostgresServer pg;
  const std::vector<Report> old = {kctest::statsReport("1", "A", kctest::kDay0, 8, "v1.30.1", 3),
                                   kctest::statsReport("2", "A", kctest::kDay0, 20, "v1.31.0", 3),
                                   kctest::statsReport("3", "B", kctest::kDay0, 9, "v1.31.0", 2)};
  {
    auto storage = makePlugin<Storage>("postgres", {{"dsn", pg.dsn()}});
    storage->write({&old[0], &old[1], &old[2]});
  }
  // As a schema 1 database: the reports without the statistics' tables.
  pg.query(
      "DROP TABLE stats_clusters, stats_entries, stats_aggregates, stats_backfill; "
      "DELETE FROM schema_version WHERE version = 2");
  for (int opening = 0; opening < 2; ++opening) {  // the second opening must not count them again
    auto storage = makePlugin<Storage>("postgres", {{"dsn", pg.dsn()}});
    const auto active = kctest::clustersBy(*storage, stats::Interval::Day, stats::kActiveDimension);
    CHECK(active.at({kctest::kDay0, ""}) == 2);
    const auto versions = kctest::clustersBy(*storage, stats::Interval::Day, "masterMinor");
    CHECK(versions.at({kctest::kDay0, "1.31"}) == 2);
    CHECK(versions.count({kctest::kDay0, "1.30"}) == 0);
    CHECK(pg.query("SELECT count(*) FROM stats_backfill") == "0\n");
  }
}
