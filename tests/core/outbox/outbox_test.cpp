// The outbox against real SQLite files in a temporary directory.
#include "kubecensus/outbox/outbox.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "kubecensus/util/logger.h"
#include "support/temp_dir.h"

using namespace kubecensus;

namespace {

constexpr std::int64_t kSecond = 1000000;

struct Fixture {
  kctest::TempDir dir;
  Logger log{"test", LogLevel::Error};
  OutboxSettings settings;

  Fixture() {
    settings.path = dir.file("outbox.db");
    settings.sinks = {"sink.a", "sink.b"};
  }
  std::unique_ptr<Outbox> open() { return std::make_unique<Outbox>(settings, log); }
};

std::vector<std::string> reportIDs(Outbox& outbox, const std::string& state = "") {
  std::vector<std::string> ids;
  for (const auto& row : outbox.rows())
    if ((state.empty() || row.state == state) && (ids.empty() || ids.back() != row.reportID))
      ids.push_back(row.reportID);
  return ids;
}

}  // namespace

TEST_CASE("each sink gets the reports in order, and a report goes once every sink has it", "[outbox]") {
  Fixture f;
  auto outbox = f.open();
  outbox->add("r1", R"({"n":1})", 10 * kSecond);
  outbox->add("r2", R"({"n":2})", 11 * kSecond);
  CHECK(outbox->pendingCount() == 4);

  auto first = outbox->next("sink.a", 20 * kSecond);
  REQUIRE(first);
  CHECK(first->reportID == "r1");
  CHECK(first->body == R"({"n":1})");
  CHECK(first->createdAt == 10 * kSecond);
  CHECK(first->attempts == 0);
  outbox->delivered(first->seq, "sink.a", "HTTP 202", 1, 2);
  CHECK(outbox->next("sink.a", 20 * kSecond)->reportID == "r2");
  CHECK(outbox->body("r1"));  // sink.b has not had it yet

  outbox->delivered(first->seq, "sink.b", "HTTP 202", 1, 2);
  CHECK_FALSE(outbox->body("r1"));
  CHECK(reportIDs(*outbox) == std::vector<std::string>{"r2"});
  CHECK(outbox->next("sink.unknown", 20 * kSecond) == std::nullopt);
}

TEST_CASE("the same report ID is kept once", "[outbox]") {
  Fixture f;
  auto outbox = f.open();
  outbox->add("r1", "{}", kSecond);
  outbox->add("r1", "{}", 2 * kSecond);
  CHECK(outbox->pendingCount() == 2);
}

TEST_CASE("a retry waits for its time and holds back that sink's later reports", "[outbox]") {
  Fixture f;
  auto outbox = f.open();
  outbox->add("r1", "{}", kSecond);
  outbox->add("r2", "{}", kSecond);
  auto head = outbox->next("sink.a", kSecond);
  outbox->retryLater(head->seq, "sink.a", 50 * kSecond, "HTTP 503");
  CHECK(outbox->next("sink.a", 49 * kSecond) == std::nullopt);
  auto again = outbox->next("sink.a", 50 * kSecond);
  REQUIRE(again);
  CHECK(again->reportID == "r1");
  CHECK(again->attempts == 1);
  CHECK(outbox->next("sink.b", kSecond)->reportID == "r1");  // the other sink is not held back
  CHECK(outbox->nextAttemptAt() == 0);                       // sink.b's head is due at once
  outbox->delivered(outbox->next("sink.b", kSecond)->seq, "sink.b", "HTTP 202", 1, 2);
  outbox->delivered(outbox->next("sink.b", kSecond)->seq, "sink.b", "HTTP 202", 1, 2);
  CHECK(outbox->nextAttemptAt() == 50 * kSecond);
  for (const auto& row : outbox->rows())
    if (row.reportID == "r1") CHECK(row.detail == "HTTP 503");
}

TEST_CASE("a rejected report becomes a dead letter until purged", "[outbox]") {
  Fixture f;
  f.settings.sinks = {"sink.a"};
  auto outbox = f.open();
  outbox->add("r1", "{}", kSecond);
  outbox->add("r2", "{}", kSecond);
  outbox->rejected(outbox->next("sink.a", kSecond)->seq, "sink.a", "HTTP 400: bad report");
  CHECK(outbox->next("sink.a", kSecond)->reportID == "r2");
  CHECK(reportIDs(*outbox, "rejected") == std::vector<std::string>{"r1"});
  CHECK(outbox->rows().front().detail == "HTTP 400: bad report");
  CHECK(outbox->pendingCount() == 1);
  CHECK(outbox->purgeRejected("nope") == 0);
  CHECK(outbox->purgeRejected("r1") == 1);
  CHECK_FALSE(outbox->body("r1"));
  CHECK(reportIDs(*outbox) == std::vector<std::string>{"r2"});
}

TEST_CASE("what is waiting survives closing and reopening", "[outbox]") {
  Fixture f;
  {
    auto outbox = f.open();
    outbox->add("r1", R"({"kept":true})", kSecond);
    outbox->retryLater(outbox->next("sink.a", kSecond)->seq, "sink.a", 9 * kSecond, "down");
  }
  auto outbox = f.open();
  CHECK(outbox->quarantined().empty());
  CHECK(outbox->next("sink.a", 8 * kSecond) == std::nullopt);
  CHECK(outbox->next("sink.a", 9 * kSecond)->body == R"({"kept":true})");
  CHECK(outbox->next("sink.a", 9 * kSecond)->attempts == 1);
  outbox->retryAllNow();
  CHECK(outbox->next("sink.a", kSecond)->attempts == 1);
  CHECK(outbox->next("sink.b", kSecond)->reportID == "r1");
}

TEST_CASE("limits evict the oldest reports and count those not delivered", "[outbox]") {
  Fixture f;
  f.settings.sinks = {"sink.a"};
  SECTION("count") {
    f.settings.maxReports = 3;
    auto outbox = f.open();
    for (int i = 1; i <= 5; ++i) outbox->add("r" + std::to_string(i), "{}", i * kSecond);
    CHECK(reportIDs(*outbox) == std::vector<std::string>{"r3", "r4", "r5"});
    CHECK(outbox->evicted() == 2);
    // The next report says so, and the count starts again.
    outbox->add("r6", "{}", 6 * kSecond, 2);
    CHECK(outbox->evicted() == 1);  // r3 went to make room for r6
  }
  SECTION("bytes, never the newest") {
    f.settings.maxBytes = 25;
    auto outbox = f.open();
    outbox->add("r1", std::string(10, 'x'), kSecond);
    outbox->add("r2", std::string(10, 'x'), kSecond);
    outbox->add("r3", std::string(10, 'x'), kSecond);
    CHECK(reportIDs(*outbox) == std::vector<std::string>{"r2", "r3"});
    outbox->add("big", std::string(100, 'x'), kSecond);
    CHECK(reportIDs(*outbox) == std::vector<std::string>{"big"});
    CHECK(outbox->evicted() == 3);
  }
  SECTION("age; dead letters are not counted as lost") {
    f.settings.maxAge = std::chrono::seconds(100);
    auto outbox = f.open();
    outbox->add("dead-letter", "{}", kSecond);
    outbox->add("waiting", "{}", kSecond);
    outbox->rejected(outbox->next("sink.a", kSecond)->seq, "sink.a", "400");
    outbox->add("new", "{}", 200 * kSecond);
    CHECK(reportIDs(*outbox) == std::vector<std::string>{"new"});
    CHECK(outbox->evicted() == 1);  // "waiting"
  }
}

TEST_CASE("a corrupt outbox is moved aside and a new one started", "[outbox]") {
  Fixture f;
  {
    std::ofstream garbage(f.settings.path);
    garbage << std::string(8192, 'G');
  }
  auto outbox = f.open();
  REQUIRE_FALSE(outbox->quarantined().empty());
  CHECK(outbox->quarantined().rfind(f.settings.path + ".corrupt-", 0) == 0);
  CHECK(std::filesystem::file_size(outbox->quarantined()) == 8192);
  outbox->add("r1", "{}", kSecond);
  CHECK(outbox->pendingCount() == 2);
}

TEST_CASE("a damaged page inside the file is found by quick_check", "[outbox]") {
  Fixture f;
  {
    auto outbox = f.open();
    for (int i = 0; i < 200; ++i) outbox->add("r" + std::to_string(i), std::string(2000, 'x'), kSecond);
  }
  {
    // Checkpoint the WAL into the file, then scribble over a page in the middle of it.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(f.settings.path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    std::fstream file(f.settings.path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096 * 20);
    file << std::string(4096, '\xff');
  }
  auto outbox = f.open();
  CHECK_FALSE(outbox->quarantined().empty());
  CHECK(outbox->pendingCount() == 0);
}

TEST_CASE("a full disk is an OutboxError that says so, and nothing half-written stays", "[outbox]") {
  Fixture f;
  f.settings.maxPageCount = 12;
  auto outbox = f.open();
  bool full = false;
  int added = 0;
  for (; added < 200 && !full; ++added) {
    try {
      outbox->add("r" + std::to_string(added), std::string(3000, 'x'), kSecond);
    } catch (const OutboxError& e) {
      full = e.diskFull();
      CHECK_THAT(e.what(), Catch::Contains("full"));
    }
  }
  REQUIRE(full);
  // The failed add left nothing behind; the ones before it are intact.
  CHECK(outbox->pendingCount() == 2 * (added - 1));
  CHECK(outbox->next("sink.a", kSecond)->reportID == "r0");
}

TEST_CASE("a command that only inspects the outbox never moves it aside", "[outbox]") {
  Fixture f;
  {
    std::ofstream garbage(f.settings.path);
    garbage << std::string(8192, 'G');
  }
  f.settings.inspectOnly = true;
  CHECK_THROWS_AS(f.open(), OutboxError);
  CHECK(std::filesystem::file_size(f.settings.path) == 8192);
  for (const auto& entry : std::filesystem::directory_iterator(f.dir.path()))
    CHECK(entry.path().filename().string().find("corrupt") == std::string::npos);
}

TEST_CASE("deliveries are remembered, newest first, with the receiver's answer and the size", "[outbox]") {
  Fixture f;
  auto outbox = f.open();
  outbox->add("r1", R"({"n":1})", kSecond);
  outbox->add("r2", R"({"n":22})", 2 * kSecond);
  outbox->delivered(outbox->next("sink.a", 3 * kSecond)->seq, "sink.a", "HTTP 202: {\"accepted\":1}",
                    4 * kSecond, 7);
  outbox->delivered(outbox->next("sink.a", 3 * kSecond)->seq, "sink.a", "HTTP 202: {\"duplicates\":1}",
                    5 * kSecond, 8);
  const auto history = outbox->history();
  REQUIRE(history.size() == 2);
  CHECK(history[0].reportID == "r2");
  CHECK(history[0].sink == "sink.a");
  CHECK(history[0].deliveredAt == 5 * kSecond);
  CHECK(history[0].bytes == 8);
  CHECK(history[0].receipt == "HTTP 202: {\"duplicates\":1}");
  CHECK(history[1].reportID == "r1");
  // Still there after the report itself left the outbox (sink.b took it too), and after a reopen.
  outbox->delivered(outbox->next("sink.b", 3 * kSecond)->seq, "sink.b", "written", 6 * kSecond, 7);
  outbox.reset();
  outbox = f.open();
  CHECK(outbox->history().size() == 3);
  CHECK(outbox->history()[0].receipt == "written");
}

TEST_CASE("the history keeps the last 1000 deliveries", "[outbox]") {
  Fixture f;
  auto outbox = f.open();
  for (int i = 0; i < 1005; ++i) {
    outbox->add("r" + std::to_string(i), "{}", kSecond);
    outbox->delivered(outbox->next("sink.a", kSecond)->seq, "sink.a", "ok", kSecond + i, 2);
  }
  const auto history = outbox->history();
  CHECK(history.size() == 1000);
  CHECK(history.front().reportID == "r1004");
  CHECK(history.back().reportID == "r5");
}
