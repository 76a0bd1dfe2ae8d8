#pragma once

#include <chrono>
#include <string>

#include "kubecensus/plugin/abi.h"
#include "kubecensus/plugin/plugin.h"
#include "kubecensus/report/report.h"

namespace kubecensus {

// A sink only says what happened; retry timing and buffering belong to the agent.
struct DeliveryResult {
  enum class Outcome { Delivered, RetryLater, Rejected };
  Outcome outcome = Outcome::Delivered;
  std::chrono::seconds retryAfter{0};  // RetryLater: the peer's Retry-After, 0 if none given
  std::string detail;                  // for logs: status line, error text, peer's message

  static DeliveryResult delivered(std::string detail = {}) {
    return {Outcome::Delivered, std::chrono::seconds{0}, std::move(detail)};
  }
  static DeliveryResult retryLater(std::string detail, std::chrono::seconds after = {}) {
    return {Outcome::RetryLater, after, std::move(detail)};
  }
  static DeliveryResult rejected(std::string detail) {
    return {Outcome::Rejected, std::chrono::seconds{0}, std::move(detail)};
  }
};

const char* toString(DeliveryResult::Outcome outcome);

class Sink : public Plugin {
 public:
  static constexpr PluginKind kKind = PluginKind::Sink;

  virtual DeliveryResult deliver(const Report& report) = 0;
};

}  // namespace kubecensus
