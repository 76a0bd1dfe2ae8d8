// The forwarder between a real outbox and scripted sinks.
#include "kubecensus/outbox/forwarder.h"

#include <catch2/catch.hpp>
#include <deque>
#include <nlohmann/json.hpp>

#include "kubecensus/outbox/outbox.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/util/logger.h"
#include "support/temp_dir.h"

using namespace kubecensus;
using std::chrono::milliseconds;

namespace {

constexpr std::int64_t kSecond = 1000000;

// Answers each delivery with the next scripted result (Delivered once the script runs out).
class ScriptedSink : public Sink {
 public:
  std::deque<DeliveryResult> script;
  std::vector<std::string> seen;  // report IDs, in delivery order
  DeliveryResult deliver(const Report& report) override {
    seen.push_back(report.reportID);
    if (script.empty()) return DeliveryResult::delivered();
    DeliveryResult next = script.front();
    script.pop_front();
    return next;
  }
};

// Report IDs must be UUIDs: r(1) = "00000000-0000-4000-8000-000000000001".
std::string r(int n) {
  std::string digits = std::to_string(n);
  return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
}

std::string nativeReport(const std::string& id) {
  Report report;
  report.reportID = id;
  report.clusterID = "c1";
  return encodeReport(report, ReportFormat::Native);
}

struct Fixture {
  kctest::TempDir dir;
  Logger log{"test", LogLevel::Error};
  ScriptedSink a, b;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<Forwarder> forwarder;

  Fixture() {
    OutboxSettings settings;
    settings.path = dir.file("outbox.db");
    settings.sinks = {"sink.a", "sink.b"};
    outbox = std::make_unique<Outbox>(settings, log);
    forwarder = std::make_unique<Forwarder>(*outbox, std::vector<NamedSink>{{"sink.a", &a}, {"sink.b", &b}},
                                            RetryPolicy{milliseconds(1000), milliseconds(8000)}, log);
    for (int n = 1; n <= 3; ++n) outbox->add(r(n), nativeReport(r(n)), kSecond);
  }
};

}  // namespace

TEST_CASE("forwarder: everything due goes, in order, to every sink", "[forwarder]") {
  Fixture f;
  CHECK(f.forwarder->drain(kSecond) == 6);
  CHECK(f.a.seen == std::vector<std::string>{r(1), r(2), r(3)});
  CHECK(f.b.seen == std::vector<std::string>{r(1), r(2), r(3)});
  CHECK(f.outbox->rows().empty());
}

TEST_CASE("forwarder: a retry holds back that sink only, until its time", "[forwarder]") {
  Fixture f;
  f.a.script = {DeliveryResult::retryLater("HTTP 503", std::chrono::seconds(30))};
  CHECK(f.forwarder->drain(kSecond) == 3);
  CHECK(f.a.seen == std::vector<std::string>{r(1)});
  CHECK(f.b.seen.size() == 3);
  // Retry-After 30 s is a floor over the 1 s backoff.
  REQUIRE(f.outbox->nextAttemptAt());
  CHECK(*f.outbox->nextAttemptAt() >= kSecond + 30 * kSecond);  // after the answer, which took a moment
  CHECK(*f.outbox->nextAttemptAt() < kSecond + 30 * kSecond + kSecond / 10);
  CHECK(f.forwarder->drain(30 * kSecond) == 0);
  CHECK(f.forwarder->drain(32 * kSecond) == 3);
  CHECK(f.a.seen == std::vector<std::string>{r(1), r(1), r(2), r(3)});
}

TEST_CASE("forwarder: a rejection is a dead letter and the next report goes", "[forwarder]") {
  Fixture f;
  f.a.script = {DeliveryResult::delivered(), DeliveryResult::rejected("HTTP 422: nodes[0] is bad")};
  CHECK(f.forwarder->drain(kSecond) == 5);
  CHECK(f.a.seen == std::vector<std::string>{r(1), r(2), r(3)});
  auto rows = f.outbox->rows();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].reportID == r(2));
  CHECK(rows[0].sink == "sink.a");
  CHECK(rows[0].state == "rejected");
  CHECK(rows[0].detail == "HTTP 422: nodes[0] is bad");
}

TEST_CASE("forwarder: a sink that throws is retried later", "[forwarder]") {
  Fixture f;
  class Throwing : public Sink {
   public:
    DeliveryResult deliver(const Report&) override { throw std::runtime_error("connection refused"); }
  } throwing;
  Forwarder forwarder(*f.outbox, {{"sink.a", &throwing}}, RetryPolicy{milliseconds(1000), milliseconds(8000)},
                      f.log);
  CHECK(forwarder.drain(kSecond) == 0);
  CHECK(f.outbox->rows().front().detail == "connection refused");
  CHECK(f.outbox->rows().front().attempts == 1);
}

TEST_CASE("retry policy: full jitter below a doubling ceiling, Retry-After as a floor", "[forwarder]") {
  RetryPolicy policy{milliseconds(1000), milliseconds(8000)};
  std::mt19937_64 rng(42);
  for (int attempts = 1; attempts <= 6; ++attempts) {
    const std::int64_t ceiling = std::min<std::int64_t>(8000, 1000ll << (attempts - 1));
    std::int64_t largest = 0;
    for (int i = 0; i < 500; ++i) {
      auto d = policy.delay(attempts, milliseconds(0), rng).count();
      CHECK(d >= 0);
      CHECK(d <= ceiling);
      largest = std::max(largest, d);
    }
    CHECK(largest > ceiling / 2);  // spread over the range, not stuck at the bottom
  }
  CHECK(policy.delay(1, milliseconds(60000), rng) == milliseconds(60000));
  CHECK(policy.delay(200, milliseconds(0), rng) <= milliseconds(8000));
}
