#include "kubecensus/outbox/forwarder.h"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "kubecensus/outbox/outbox.h"
#include "kubecensus/plugin/sink.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/util/value_parse.h"

namespace kubecensus {

std::chrono::milliseconds RetryPolicy::delay(int attempts, std::chrono::milliseconds retryAfter,
                                             std::mt19937_64& rng) const {
  const int doublings = std::clamp(attempts - 1, 0, 40);
  const long double ceiling = std::min<long double>(
      static_cast<long double>(max.count()),
      static_cast<long double>(initial.count()) * static_cast<long double>(1ull << doublings));
  std::uniform_int_distribution<std::int64_t> spread(0, static_cast<std::int64_t>(ceiling));
  return std::max(std::chrono::milliseconds(spread(rng)), retryAfter);
}

Forwarder::Forwarder(Outbox& outbox, std::vector<NamedSink> sinks, RetryPolicy policy, Logger& log)
    : outbox_(outbox), sinks_(std::move(sinks)), policy_(policy), log_(log), rng_(std::random_device{}()) {}

std::size_t Forwarder::drain(std::int64_t now) {
  std::size_t delivered = 0;
  for (const NamedSink& target : sinks_) {
    while (!Shutdown::requested()) {
      std::optional<OutboxEntry> entry = outbox_.next(target.name, now);
      if (!entry) break;
      DeliveryResult result;
      const auto started = std::chrono::steady_clock::now();
      std::optional<Report> decoded;
      const Report* report = nullptr;
      if (recent_ && recent_->reportID == entry->reportID) {
        report = &*recent_;
      } else {
        try {
          decoded = fromNativeJson(parseJson(entry->body));
          report = &*decoded;
        } catch (const ReportError& e) {
          result = DeliveryResult::rejected(std::string("the stored report cannot be read: ") + e.what());
        }
      }
      try {
        if (report) result = target.sink->deliver(*report);
      } catch (const std::exception& e) {
        result = DeliveryResult::retryLater(e.what());
      }
      const std::string about = target.name + ": report " + entry->reportID;
      const std::string detail = result.detail.empty() ? "" : " (" + result.detail + ")";
      if (result.outcome == DeliveryResult::Outcome::Delivered) {
        outbox_.delivered(entry->seq, target.name, result.detail, nowMicros(),
                          static_cast<std::int64_t>(entry->body.size()));
        log_.info(about + " delivered" + detail);
        ++delivered;
        continue;
      }
      if (result.outcome == DeliveryResult::Outcome::Rejected) {
        outbox_.rejected(entry->seq, target.name, result.detail);
        log_.error(about + " rejected" + detail + "; kept as a dead letter (kubecensus-agent spool list)");
        continue;
      }
      const auto wait =
          policy_.delay(entry->attempts + 1,
                        std::chrono::duration_cast<std::chrono::milliseconds>(result.retryAfter), rng_);
      // Counted from the answer, not from the start of the attempt: Retry-After means "after
      // this response".
      const auto took =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
      outbox_.retryLater(entry->seq, target.name, now + took.count() + wait.count() * 1000, result.detail);
      log_.warning(about + " not delivered" + detail + "; attempt " + std::to_string(entry->attempts + 2) +
                   " in " + formatDuration(wait) +
                   (result.retryAfter.count() > 0
                        ? " (Retry-After " + std::to_string(result.retryAfter.count()) + " s)"
                        : ""));
      break;  // this sink's reports go in order: the rest wait behind this one
    }
  }
  return delivered;
}

}  // namespace kubecensus
