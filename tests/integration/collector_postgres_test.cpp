// The collector on a real PostgreSQL: the seeds stored and read back, two collectors on one
// database, and a database restart under load that loses nothing acknowledged.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "collector_fixture.h"
#include "kubecensus/report/uuid.h"
#include "support/postgres_server.h"

using namespace kctest;

namespace {

std::set<std::string> storedIDs(const PostgresServer& pg) {
  std::set<std::string> ids;
  std::istringstream lines(pg.query("SELECT report_id FROM reports"));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) ids.insert(line);
  return ids;
}

}  // namespace

TEST_CASE("postgres: the seed examples posted verbatim are stored and read back", "[postgres]") {
  PostgresServer pg;
  Collector collector({"--database", pg.url()});
  CHECK(collector.post("/api/v1", fixture("seeds/spartakus-v1.json")).status == 204);
  CHECK(collector.post("/api/v1", fixture("seeds/tectonic.json")).status == 204);
  CHECK(pg.query("SELECT received_as FROM reports ORDER BY received_as") == "spartakus-v1\ntectonic\n");
  CHECK(pg.query("SELECT report->>'reportID' = report_id, report ? 'accountSecret' FROM reports "
                 "WHERE received_as = 'tectonic'") == "t|f\n");
  CHECK(pg.query("SELECT received_from FROM reports LIMIT 1") == "127.0.0.0\n");
}

TEST_CASE("postgres: two collectors on one database, the same reports to both at once: each stored once",
          "[postgres]") {
  PostgresServer pg;
  Collector first({"--database", pg.url()});
  Collector second({"--database", pg.url()});
  std::vector<std::string> reports;
  for (int i = 0; i < 40; ++i) reports.push_back(nativeReport(kubecensus::randomUuid()));
  auto postAll = [&](Collector& collector) {
    for (const auto& report : reports) CHECK(collector.post("/api/v2/reports", report).status == 202);
  };
  std::thread a([&] { postAll(first); });
  std::thread b([&] { postAll(second); });
  a.join();
  b.join();
  CHECK(pg.query("SELECT count(*), count(DISTINCT report_id) FROM reports") == "40|40\n");
}

TEST_CASE("postgres: a database restart under load answers 503 meanwhile and loses nothing acknowledged",
          "[postgres]") {
  PostgresServer pg;
  Collector collector({"--database", pg.url()});
  std::atomic<bool> stop{false};
  std::mutex mutex;  // guards acknowledged and unavailable
  std::set<std::string> acknowledged;
  std::size_t unavailable = 0;
  auto acknowledgedCount = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return acknowledged.size();
  };
  std::thread client([&] {
    while (!stop) {
      const std::string id = kubecensus::randomUuid();
      HttpAnswer answer = collector.post("/api/v2/reports", nativeReport(id));
      std::lock_guard<std::mutex> lock(mutex);
      if (answer.status == 202) acknowledged.insert(id);
      if (answer.status == 503) {
        ++unavailable;
        CHECK(!answer.header("Retry-After").empty());
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  pg.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  pg.start();
  const std::size_t before = acknowledgedCount();
  REQUIRE(eventually([&] { return acknowledgedCount() > before + 20; }, std::chrono::seconds(20)));
  stop = true;
  client.join();
  CHECK(unavailable > 0);
  const std::set<std::string> stored = storedIDs(pg);
  for (const auto& id : acknowledged) CHECK(stored.count(id) == 1);
  CHECK(pg.query("SELECT count(*) = count(DISTINCT report_id) FROM reports") == "t\n");
}

TEST_CASE("postgres: /readyz turns 503 while the database is down, and back", "[postgres]") {
  PostgresServer pg;
  Collector collector({"--database", pg.url()});
  CHECK(collector.get("/readyz").status == 200);
  pg.stop();
  // Answered from what the health monitor saw (asked each second), never by waiting on storage.
  HttpAnswer down;
  CHECK(eventually(
      [&] {
        down = collector.get("/readyz");
        return down.status == 503;
      },
      std::chrono::seconds(10)));
  CHECK(down.header("Retry-After") == "5");
  CHECK(down.body.find("storage.postgres") != std::string::npos);
  pg.start();
  CHECK(eventually([&] { return collector.get("/readyz").status == 200; }, std::chrono::seconds(20)));
}

TEST_CASE("postgres: a database that stops answering (SIGSTOP) gets 503 at the commit deadline, probes answer, "
          "and the same process stores again after SIGCONT",
          "[postgres][deadline]") {
  PostgresServer pg;
  Collector collector({"--database", pg.url(), "--set", "collector.commit_timeout=2s"});
  const std::string first = kubecensus::randomUuid();
  REQUIRE(collector.post("/api/v2/reports", nativeReport(first)).status == 202);
  pg.freeze();
  // The POST is not acknowledged: 503 with Retry-After (the client's timeout is the safety net).
  const std::string frozen = kubecensus::randomUuid();
  HttpAnswer refused = collector.post("/api/v2/reports", nativeReport(frozen));
  INFO(refused.body);
  CHECK(refused.status == 503);
  CHECK_FALSE(refused.header("Retry-After").empty());
  // The probes answer from what the monitor saw, while the database still hangs.
  // (each answer comes at once; `eventually` waits for the monitor to see the hang)
  CHECK(eventually([&] { return collector.get("/healthz").status == 503; }, std::chrono::seconds(10)));
  HttpAnswer ready;
  CHECK(eventually(
      [&] {
        ready = collector.get("/readyz");
        return ready.status == 503;
      },
      std::chrono::seconds(10)));
  CHECK(ready.body.find("127.0.0.1") == std::string::npos);  // no connection detail to anyone
  CHECK(collector.get("/version").status == 200);
  CHECK(collector.get("/metrics").status == 200);
  pg.thaw();
  // The same process stores again; the client's retry of the unacknowledged report is stored once.
  HttpAnswer retried;
  REQUIRE(eventually(
      [&] {
        retried = collector.post("/api/v2/reports", nativeReport(frozen));
        return retried.status == 202;
      },
      std::chrono::seconds(60)));
  REQUIRE(eventually([&] { return collector.get("/readyz").status == 200; }, std::chrono::seconds(30)));
  const std::set<std::string> stored = storedIDs(pg);
  CHECK(stored.count(first) == 1);
  CHECK(stored.count(frozen) == 1);
  CHECK(pg.query("SELECT count(*) FROM reports WHERE report_id = '" + frozen + "'") == "1\n");
  CHECK(collector.stop() == 0);
}

TEST_CASE("postgres: a database that never answers cannot keep the collector from exiting on SIGTERM",
          "[postgres][deadline]") {
  PostgresServer pg;
  Collector collector({"--database", pg.url(), "--set", "collector.commit_timeout=1s", "--set",
                       "collector.shutdown_timeout=2s"});
  REQUIRE(collector.post("/api/v2/reports", nativeReport(kubecensus::randomUuid())).status == 202);
  pg.freeze();
  // A report now waits in a write that hangs: its POST gets 503, the writer stays stuck.
  CHECK(collector.post("/api/v2/reports", nativeReport(kubecensus::randomUuid())).status == 503);
  // The stop's own bound is the safety net (the fixture kills after it and returns 128 + 9).
  const int code = collector.stop(std::chrono::seconds(30));
  pg.thaw();
  INFO(collector.log());
  CHECK(code == 0);
  CHECK_THAT(collector.log(), Catch::Contains("exiting without waiting"));
}
