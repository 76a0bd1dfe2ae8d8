// Shutdown without install(): install() blocks SIGINT/SIGTERM for the whole test process and
// starts a thread that never ends, so it is left to the integration tests of the executables.
// The flag is process-wide and cannot be reset, so everything is checked in one test case.
#include "kubecensus/util/shutdown.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

using namespace kubecensus;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_CASE("request() wakes a waiting thread at once and stays requested", "[shutdown]") {
  REQUIRE_FALSE(Shutdown::requested());
  CHECK(Shutdown::signal() == 0);

  // Without a request, waitFor waits out its timeout and says no.
  auto start = Clock::now();
  CHECK_FALSE(Shutdown::waitFor(50ms));
  CHECK(Clock::now() - start >= 50ms);

  // A thread waiting for a long time is woken by request() from another thread.
  auto waiter = std::async(std::launch::async, [] {
    auto begin = Clock::now();
    bool requested = Shutdown::waitFor(30s);
    return std::make_pair(requested, Clock::now() - begin);
  });
  std::this_thread::sleep_for(100ms);
  Shutdown::request();
  REQUIRE(waiter.wait_for(10s) == std::future_status::ready);
  auto [requested, waited] = waiter.get();
  CHECK(requested);
  CHECK(waited >= 90ms);
  CHECK(waited < 5s);

  // Once requested, it stays so: later waits return true immediately.
  CHECK(Shutdown::requested());
  start = Clock::now();
  CHECK(Shutdown::waitFor(30s));
  CHECK(Clock::now() - start < 1s);
  // Requested from within the program, not by a signal.
  CHECK(Shutdown::signal() == 0);
}
