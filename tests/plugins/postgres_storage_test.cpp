// The `postgres` storage plugin against a real PostgreSQL 15 started for the test.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <future>
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

// Runs `call` on another thread and returns what it returns (or throws what it throws). Still
// running after 20 s - far past any deadline the tests set - it is hanging on the database: the
// server is thawed, so that the call and the test can end, and the test fails.
template <class Call>
auto withoutHanging(PostgresServer& pg, Call call) {
  auto future = std::async(std::launch::async, std::move(call));
  if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    pg.thaw();
    future.wait();
    FAIL("the call was still waiting on the stopped database after 20 s");
  }
  return future.get();
}

// Writes until the reconnect backoff lets a write through; false if none did in 10 s.
bool writeSoon(Storage& storage, const Report& report) {
  for (int i = 0; i < 100; ++i) {
    try {
      storage.write({&report});
      return true;
    } catch (const std::exception& e) {
      UNSCOPED_INFO("write failed: " << e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return false;
}

// What the kernel holds for this process's TCP connections to `port`: what libpq applied.
struct TcpSettings {
  int keepalive, idle, interval, count, userTimeout;
  bool operator==(const TcpSettings&) const = default;
};
std::ostream& operator<<(std::ostream& out, const TcpSettings& s) {
  return out << "{keepalive " << s.keepalive << ", idle " << s.idle << ", interval " << s.interval
             << ", count " << s.count << ", tcp_user_timeout " << s.userTimeout << "}";
}

std::vector<TcpSettings> connectionsTo(unsigned short port) {
  std::vector<TcpSettings> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::stoi(entry.path().filename());
    struct stat info {};
    sockaddr_in peer{};
    socklen_t length = sizeof peer;
    if (fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode) ||
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0 || peer.sin_family != AF_INET ||
        ntohs(peer.sin_port) != port)
      continue;
    TcpSettings s{};
    auto get = [fd](int level, int name, int& value) {
      socklen_t size = sizeof value;
      getsockopt(fd, level, name, &value, &size);
    };
    get(SOL_SOCKET, SO_KEEPALIVE, s.keepalive);
    get(IPPROTO_TCP, TCP_KEEPIDLE, s.idle);
    get(IPPROTO_TCP, TCP_KEEPINTVL, s.interval);
    get(IPPROTO_TCP, TCP_KEEPCNT, s.count);
    get(IPPROTO_TCP, TCP_USER_TIMEOUT, s.userTimeout);
    out.push_back(s);
  }
  return out;
}

// Holds the reports table's lock for 4 s on a connection of its own, so that an INSERT waits.
std::future<std::string> lockReports(const PostgresServer& pg) {
  auto locker = std::async(std::launch::async, [&pg] {
    return pg.query("BEGIN; LOCK TABLE reports IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT");
  });
  const std::string granted =
      "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'reports' "
      "AND l.mode = 'AccessExclusiveLock' AND l.granted";
  for (int i = 0; i < 200 && pg.query(granted) != "1\n"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return locker;
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

TEST_CASE(
    "postgres: a database that stops answering fails writes and health checks in time, then works again",
    "[postgres][deadline]") {
  PostgresServer pg;
  auto storage = makePlugin<Storage>("postgres",
                                     {{"dsn", pg.dsn()}, {"connect_timeout", "1s"}, {"query_timeout", "1s"}});
  const Report before = received(kctest::sampleReport());
  storage->write({&before});

  // SIGSTOP, as in a network partition: the kernel still accepts and acknowledges, nothing answers.
  pg.freeze();
  const Report during = received(kctest::sampleReport());
  // On the pooled connection, inside the batch's transaction: the round trip's deadline.
  CHECK_THROWS_WITH(withoutHanging(pg, [&] { return storage->write({&during}); }),
                    Catch::Contains("PostgreSQL did not answer within 1s; connection dropped"));
  // A new connection, whose startup packet nobody answers: the connection's deadline.
  const StorageHealth health = withoutHanging(pg, [&] { return storage->health(); });
  CHECK_FALSE(health.ok);
  CHECK_THAT(health.detail, Catch::Contains("cannot connect to PostgreSQL: it did not answer within 1s"));
  CHECK_THROWS(withoutHanging(pg, [&] { return storage->write({&during}); }));
  CHECK_FALSE(withoutHanging(pg, [&] { return storage->health(); }).ok);

  pg.thaw();
  CHECK(writeSoon(*storage, during));
  CHECK(storage->health().ok);
  CHECK(pg.query("SELECT count(*) FROM reports WHERE report_id IN ('" + before.reportID + "', '" +
                 during.reportID + "')") == "2\n");
}

TEST_CASE(
    "postgres: past statement_timeout the server cancels a statement, past query_timeout the client gives up",
    "[postgres][deadline]") {
  PostgresServer pg;
  const Report report = received(kctest::sampleReport());

  SECTION("the server cancels the INSERT waiting on a lock; the connection goes on") {
    auto storage = makePlugin<Storage>(
        "postgres", {{"dsn", pg.dsn()}, {"statement_timeout", "500ms"}, {"query_timeout", "10s"}});
    auto locker = lockReports(pg);
    CHECK_THROWS_WITH(storage->write({&report}),
                      Catch::Contains("canceling statement due to statement timeout"));
    locker.get();
    CHECK_NOTHROW(storage->write({&report}));
  }
  SECTION("the DSN's own statement_timeout wins, so the client's deadline ends the wait, mid-transaction") {
    auto storage = makePlugin<Storage>("postgres", {{"dsn", pg.dsn() + " options='-c statement_timeout=0'"},
                                                    {"statement_timeout", "500ms"},
                                                    {"query_timeout", "1s"}});
    auto locker = lockReports(pg);
    CHECK_THROWS_WITH(storage->write({&report}),
                      Catch::Contains("PostgreSQL did not answer within 1s; connection dropped") &&
                          Catch::Contains("INSERT INTO reports"));
    locker.get();
    // The transaction went with the connection; a new one stores the report, once.
    CHECK(writeSoon(*storage, report));
  }
  CHECK(pg.query("SELECT count(*) FROM reports") == "1\n");
}

TEST_CASE("postgres: keepalives and tcp_user_timeout reach the socket, and the DSN's own values win",
          "[postgres][deadline]") {
  PostgresServer pg;
  {
    auto storage = makePlugin<Storage>("postgres", {{"dsn", pg.dsn()}});
    CHECK(connectionsTo(pg.port()) == std::vector<TcpSettings>{{1, 10, 5, 3, 15000}});
  }
  {
    auto storage = makePlugin<Storage>(
        "postgres",
        {{"dsn", pg.dsn() + " keepalives_idle=42 tcp_user_timeout=7000"}, {"tcp_user_timeout", "9s"}});
    CHECK(connectionsTo(pg.port()) == std::vector<TcpSettings>{{1, 42, 5, 3, 7000}});
  }
  {
    auto storage = makePlugin<Storage>(
        "postgres", {{"dsn", pg.url() + "?keepalives_count=7"}, {"tcp_user_timeout", "9s"}});
    CHECK(connectionsTo(pg.port()) == std::vector<TcpSettings>{{1, 10, 5, 7, 9000}});
  }
}

TEST_CASE("postgres: a connect_timeout in the DSN or URL wins over the option", "[postgres][deadline]") {
  const std::string dsn = GENERATE(as<std::string>{}, "dsn", "url");
  PostgresServer pg;
  auto storage = makePlugin<Storage>(
      "postgres", {{"dsn", dsn == "dsn" ? pg.dsn() + " connect_timeout=3" : pg.url() + "?connect_timeout=3"},
                   {"connect_timeout", "1s"},
                   {"query_timeout", "1s"}});
  pg.freeze();
  CHECK_FALSE(withoutHanging(pg, [&] { return storage->health(); }).ok);  // drops the pooled connection
  const auto started = std::chrono::steady_clock::now();
  const StorageHealth health = withoutHanging(pg, [&] { return storage->health(); });  // a new one
  CHECK_FALSE(health.ok);
  CHECK_THAT(health.detail, Catch::Contains("cannot connect to PostgreSQL: it did not answer within 3s"));
  // A lower bound only: load can make it later, never sooner.
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(2900));
}

TEST_CASE("postgres: a connect_timeout or query_timeout of 0 (wait forever) is refused",
          "[postgres][deadline]") {
  for (const char* option : {"connect_timeout", "query_timeout"})
    CHECK_THAT(kctest::createError<Storage>("postgres", {{"dsn", "host=127.0.0.1 port=1"}, {option, "0"}}),
               Catch::Contains(std::string(option) + " must be more than 0"));
}
