// Faults around the collector: what it acknowledged survives its sudden death.
#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include "collector_fixture.h"

using namespace kctest;

TEST_CASE("fault: the collector killed with SIGKILL under load keeps every report it acknowledged",
          "[fault]") {
  Collector collector;
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> serial{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      while (!stop) {
        char id[40];
        std::snprintf(id, sizeof id, "f0f0f0f0-0000-4000-8000-%012d", ++serial);
        try {
          HttpAnswer answer = collector.post("/api/v2/reports", nativeReport(id));
          if (answer.status == 202) {
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged.insert(id);
          }
        } catch (const std::exception&) {
          // The collector is gone: this report was never acknowledged.
        }
      }
    });
  }
  // Let the load build up, then kill it without warning.
  eventually(
      [&] {
        std::lock_guard<std::mutex> lock(mutex);
        return acknowledged.size() >= 300;
      },
      std::chrono::seconds(20));
  ::kill(collector.process().pid(), SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  for (auto& client : clients) client.join();
  CHECK(collector.process().wait(std::chrono::seconds(5)) == 128 + SIGKILL);

  // The SQLite file as the dead collector left it (WAL and all): every acknowledged report is there.
  std::set<std::string> stored;
  for (const auto& row : collector.reports()) stored.insert(row.reportID);
  INFO(acknowledged.size() << " acknowledged, " << stored.size() << " stored");
  REQUIRE(acknowledged.size() >= 300);
  for (const auto& id : acknowledged) {
    INFO(id);
    CHECK(stored.count(id));
  }
}
