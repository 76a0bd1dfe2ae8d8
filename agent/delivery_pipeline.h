// Where a report goes after collect(): into the outbox, and from there to the sinks through
// the forwarder. When the outbox cannot be opened or written (a full disk, a broken volume),
// reports are delivered directly and what does not go is held in memory, and the outbox is
// tried again at every pass: the agent degrades, it does not crash-loop on its own state.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kubecensus/outbox/forwarder.h"
#include "kubecensus/outbox/outbox.h"
#include "kubecensus/report/report.h"

namespace kubecensus {
class Logger;
}

namespace kubecensus::agent {

class AgentRuntime;

struct PipelineStatus {
  bool healthy = true;
  std::vector<std::string> problems;  // why not healthy
  std::int64_t waiting = 0;           // deliveries waiting in the outbox
  std::int64_t deadLetters = 0;
  std::size_t heldInMemory = 0;
};

class DeliveryPipeline {
 public:
  // `retryNow`: make what waits for a retry due at once (a restarted agent: the collector may
  // be back); not after a configuration reload, which keeps the collector's Retry-After.
  DeliveryPipeline(OutboxSettings settings, RetryPolicy policy, AgentRuntime& runtime, Logger& log,
                   bool retryNow);

  const std::string& outboxPath() const { return settings_.path; }
  // Adds to the report what the outbox lost (evictions, a replaced corrupt file) and keeps it.
  void keep(Report report, std::int64_t now);
  // Delivers what is due; a delivery in flight at SIGTERM gets a grace period, then the
  // process exits (the report stays in the outbox).
  void drain();
  // The report reached every sink (it is neither waiting nor a dead letter nor in memory).
  bool settled(const std::string& reportID);
  std::optional<std::int64_t> nextAttemptAt();
  PipelineStatus status();

 private:
  bool ensureOutbox();
  void holdInMemory(const std::string& why);

  OutboxSettings settings_;
  RetryPolicy policy_;
  AgentRuntime& runtime_;
  Logger& log_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Forwarder> forwarder_;
  std::string outboxProblem_;  // why the outbox is not usable now; empty when it is
  bool reportQuarantine_ = false;
  std::deque<Report> inMemory_;
};

}  // namespace kubecensus::agent
