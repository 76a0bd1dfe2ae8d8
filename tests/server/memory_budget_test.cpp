#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "api_error.h"
#include "memory_budget.h"
#include "metrics.h"

using namespace kubecensus::server;
using namespace std::chrono_literals;

namespace {

int statusOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const ApiError& e) {
    return e.status();
  }
  return 0;
}

}  // namespace

TEST_CASE("a reservation grows, and returns what it holds when it ends", "[memory]") {
  MemoryBudget budget(1000, 10ms);
  {
    auto first = budget.reserve();
    first.growTo(300);
    first.growTo(200);  // never shrinks
    CHECK(first.bytes() == 300);
    auto second = budget.reserve();
    second.growTo(700);
    CHECK(budget.inUse() == 1000);
    auto moved = std::move(second);
    CHECK(budget.inUse() == 1000);
  }
  CHECK(budget.inUse() == 0);
}

TEST_CASE("what is not free in time is 503 with Retry-After, what can never fit 413", "[memory]") {
  MemoryBudget budget(1000, 50ms);
  auto held = budget.reserve();
  held.growTo(900);
  auto other = budget.reserve();
  try {
    other.growTo(200);
    FAIL("granted more than the budget");
  } catch (const ApiError& e) {
    CHECK(e.status() == 503);
    CHECK(e.retryAfter == 1);
    CHECK_THAT(e.what(), Catch::Contains("collector.max_inflight_memory"));
  }
  CHECK(other.bytes() == 0);
  CHECK(statusOf([&] { other.growTo(1001); }) == 413);
  CHECK(budget.inUse() == 900);
}

TEST_CASE("a waiting request gets its memory when another finishes", "[memory]") {
  MemoryBudget budget(1000, 5s);
  auto waiting = budget.reserve();
  const auto start = std::chrono::steady_clock::now();
  std::thread finisher;
  {
    auto held = std::make_unique<MemoryBudget::Reservation>(budget.reserve());
    held->growTo(1000);
    finisher = std::thread([held = std::move(held)]() mutable {
      std::this_thread::sleep_for(100ms);
      held.reset();
    });
  }
  waiting.growTo(600);
  CHECK(std::chrono::steady_clock::now() - start >= 90ms);
  CHECK(budget.inUse() == 600);
  finisher.join();
}

TEST_CASE("a request waits for memory once, not once per step", "[memory]") {
  MemoryBudget budget(1000, 1s);
  auto held = budget.reserve();
  held.growTo(1000);
  auto waiting = budget.reserve();
  CHECK(statusOf([&] { waiting.growTo(100); }) == 503);
  const auto again = std::chrono::steady_clock::now();
  CHECK(statusOf([&] { waiting.growTo(100); }) == 503);  // its second is up: no second wait
  CHECK(std::chrono::steady_clock::now() - again < 500ms);
}

TEST_CASE("/metrics shows what the budget holds", "[memory]") {
  Metrics metrics;
  MemoryBudget budget(1000, 10ms, &metrics);
  CHECK_THAT(metrics.render(), Catch::Contains("kubecensus_collector_inflight_memory_limit_bytes 1000\n"));
  {
    auto held = budget.reserve();
    held.growTo(300);
    CHECK_THAT(metrics.render(), Catch::Contains("kubecensus_collector_inflight_memory_bytes 300\n"));
  }
  CHECK_THAT(metrics.render(), Catch::Contains("kubecensus_collector_inflight_memory_bytes 0\n"));
}

TEST_CASE("without a budget every reservation is granted", "[memory]") {
  MemoryBudget::Reservation unlimited;
  unlimited.growTo(std::uint64_t(1) << 40);
  CHECK(unlimited.bytes() == std::uint64_t(1) << 40);
}

TEST_CASE("the parse cost of a JSON text is bounded by the value limit", "[memory]") {
  CHECK(jsonParseCost(0) == 96);
  CHECK(jsonParseCost(10000) == 10000 + 96 * 5001);
  CHECK(jsonParseCost(std::uint64_t(16) << 20) == (std::uint64_t(16) << 20) + 96 * 1'000'000);
}

TEST_CASE("one client's requests hold at most its share, and others still get theirs", "[memory]") {
  MemoryBudget budget(1000, 0ms, nullptr, 400);
  auto first = budget.reserve("192.0.2.1");
  first.growTo(400);
  auto second = budget.reserve("192.0.2.1");
  CHECK(statusOf([&] { second.growTo(1); }) == 503);
  auto other = budget.reserve("192.0.2.2");
  CHECK(statusOf([&] { other.growTo(400); }) == 0);
  { auto moved = std::move(first); }  // the first request ends: its share is free again
  CHECK(statusOf([&] { second.growTo(400); }) == 0);
  CHECK(budget.inUse() == 800);
}
