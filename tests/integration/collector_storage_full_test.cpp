// The collector's SQLite database on a filesystem that fills up (docs/reliability.md#faults):
// writes that do not fit answer 503 with a JSON error and Retry-After, nothing acknowledged is
// lost, the database stays intact, and once there is space again the same running collector
// stores reports without a restart. Needs root (it mounts a small tmpfs); CI runs as root.
#include <sqlite3.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <set>

#include "collector_fixture.h"

using namespace kctest;

namespace {

// A tmpfs of `size` mounted on a fresh directory; unmounted (lazily, so never left behind) at
// the end.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(const std::string& size) : path_(dir_.file("fs")) {
    std::filesystem::create_directory(path_);
    const RunResult mounted =
        run("/bin/mount", {"-t", "tmpfs", "-o", "size=" + size, "kubecensus-test", path_});
    if (mounted.exitCode != 0) throw std::runtime_error("mount tmpfs failed: " + mounted.output);
  }
  ~SmallFilesystem() { run("/bin/umount", {"-l", path_}); }
  void resize(const std::string& size) {
    const RunResult resized = run("/bin/mount", {"-o", "remount,size=" + size, path_});
    if (resized.exitCode != 0) throw std::runtime_error("remount failed: " + resized.output);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  TempDir dir_;
  std::string path_;
};

std::string integrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return "cannot open";
  std::string result;
  sqlite3_exec(
      db, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) += values[0] ? values[0] : "";
        return 0;
      },
      &result, nullptr);
  sqlite3_close(db);
  return result;
}

// A valid report of about 16 KB as stored (the collector stores reports re-encoded, so padding
// would not count): 100 nodes with distinct OS images and kernels.
std::string bulkyReport(const std::string& reportID) {
  nlohmann::json report = nlohmann::json::parse(nativeReport(reportID));
  const nlohmann::json node = report["nodes"][0];
  report["nodes"] = nlohmann::json::array();
  for (int i = 0; i < 100; ++i) {
    nlohmann::json more = node;
    more["osImage"] = "Example Linux 1." + std::to_string(i) + " (long-term support edition, server)";
    more["kernelVersion"] = "6.1.0-" + std::to_string(i) + "-amd64";
    report["nodes"].push_back(more);
  }
  return report.dump();
}

}  // namespace

TEST_CASE(
    "storage full: 503 with Retry-After, nothing acknowledged lost, no corruption, recovery when space "
    "returns",
    "[faults][storage]") {
  if (geteuid() != 0) FAIL("mounting a small tmpfs needs root; run this test as root (CI does)");
  SmallFilesystem fs("1m");
  const std::string db = fs.file("k.db");
  Collector collector({"--database", "sqlite:" + db}, 0, /*withSqlite=*/false);

  std::set<std::string> acknowledged;
  int refusedFull = 0;
  int sent = 0;
  auto post = [&](const std::string& id) {
    ++sent;
    const HttpAnswer answer = collector.post("/api/v2/reports", bulkyReport(id));
    if (answer.status == 202) {
      acknowledged.insert(id);
      return true;
    }
    INFO(answer.status << " " << answer.body);
    REQUIRE(answer.status == 503);
    CHECK(answer.header("Retry-After") == "5");
    CHECK_THAT(nlohmann::json::parse(answer.body).at("error").at("message").get<std::string>(),
               Catch::Contains("storage storage.sqlite is unavailable"));
    ++refusedFull;
    return false;
  };
  auto id = [](int n) {
    char text[40];
    std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%012d", n);
    return std::string(text);
  };

  // Fill it: reports of ~16 KB into 1 MiB until writes are refused, then a few more refused ones.
  int n = 0;
  while (refusedFull == 0 && n < 500) post(id(n++));
  REQUIRE(refusedFull == 1);
  for (int i = 0; i < 5; ++i) post(id(n++));
  CHECK(refusedFull >= 5);
  INFO(collector.log());
  CHECK_THAT(collector.log(), Catch::Contains("database or disk is full"));
  // A failed write makes the storage unhealthy until the next observation; the health check
  // (a read) still succeeds, so /healthz is 200 again within a second: the database is well,
  // only writes are refused, each with 503.
  CHECK(eventually([&] { return collector.get("/healthz").status == 200; }, std::chrono::seconds(10)));

  // Space returns: the same collector stores again, the refused reports can be sent again.
  fs.resize("64m");
  for (int i = 0; i < n; ++i)
    if (!acknowledged.count(id(i))) CHECK(post(id(i)));
  for (int i = 0; i < 5; ++i) CHECK(post(id(n++)));
  const int stopped = collector.stop();
  INFO("the collector's log at its end:\n" << collector.log());
  CHECK(stopped == 0);

  CHECK(integrityCheck(db) == "ok");
  const auto rows = readReports(db);
  std::set<std::string> stored;
  for (const auto& row : rows) stored.insert(row.reportID);
  CHECK(rows.size() == stored.size());  // each once
  CHECK(stored == acknowledged);
  CHECK(static_cast<int>(stored.size()) == n);
}
