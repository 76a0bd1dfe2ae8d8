#include "delivery_pipeline.h"

#include <cstdlib>
#include <future>

#include "kubecensus/agent/agent_runtime.h"
#include "kubecensus/report/formats.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/util/shutdown.h"
#include "kubecensus/util/value_parse.h"

namespace kubecensus::agent {
namespace {

using std::chrono::milliseconds;

constexpr const char* kOutboxSource = "agent.outbox";
constexpr std::size_t kMaxReportsInMemory = 100;
constexpr milliseconds kShutdownGrace{3000};

}  // namespace

DeliveryPipeline::DeliveryPipeline(OutboxSettings settings, RetryPolicy policy, AgentRuntime& runtime,
                                   Logger& log, bool retryNow)
    : settings_(std::move(settings)), policy_(policy), runtime_(runtime), log_(log) {
  if (ensureOutbox() && retryNow) outbox_->retryAllNow();
}

bool DeliveryPipeline::ensureOutbox() {
  if (outbox_) return true;
  try {
    outbox_ = std::make_unique<Outbox>(settings_, log_);
    reportQuarantine_ = !outbox_->quarantined().empty();
    forwarder_ = std::make_unique<Forwarder>(*outbox_, runtime_.namedSinks(), policy_, log_);
    if (!outboxProblem_.empty()) log_.info("the outbox " + settings_.path + " works again");
    outboxProblem_.clear();
    return true;
  } catch (const std::exception& e) {
    outboxProblem_ = e.what();
    return false;
  }
}

void DeliveryPipeline::keep(Report report, std::int64_t now) {
  const bool haveOutbox = ensureOutbox();
  std::int64_t evicted = 0;
  if (haveOutbox) {
    try {
      evicted = outbox_->evicted();
    } catch (const OutboxError&) {
    }
  }
  if (evicted > 0)
    report.errors.push_back({kOutboxSource, std::to_string(evicted) +
                                                " earlier reports were evicted from the outbox before they "
                                                "were delivered (outbox limits)"});
  if (reportQuarantine_)
    report.errors.push_back(
        {kOutboxSource, "the outbox was corrupt and was replaced; undelivered reports it held are lost"});
  inMemory_.push_back(std::move(report));
  if (!haveOutbox) return holdInMemory(outboxProblem_);
  while (!inMemory_.empty()) {
    try {
      outbox_->add(inMemory_.front().reportID, encodeReport(inMemory_.front(), ReportFormat::Native), now,
                   evicted);
      log_.info("report " + inMemory_.front().reportID + " kept in the outbox");
      evicted = 0;
      reportQuarantine_ = false;
      if (forwarder_) forwarder_->remember(std::move(inMemory_.front()));
      inMemory_.pop_front();
    } catch (const OutboxError& e) {
      outboxProblem_ = e.what();
      return holdInMemory(outboxProblem_);
    }
  }
  outboxProblem_.clear();
}

void DeliveryPipeline::holdInMemory(const std::string& why) {
  // Without the outbox, deliver directly; what does not go stays in memory only.
  for (auto it = inMemory_.begin(); it != inMemory_.end();)
    it = runtime_.deliver(*it) ? inMemory_.erase(it) : it + 1;
  while (inMemory_.size() > kMaxReportsInMemory) inMemory_.pop_front();
  log_.error("cannot keep reports in the outbox " + settings_.path + " (" + why + "); delivering directly, " +
             std::to_string(inMemory_.size()) +
             " undelivered reports held in memory only, lost if the agent stops");
}

void DeliveryPipeline::drain() {
  if (!forwarder_) return;
  // On a worker thread, so that SIGTERM is not held up by a slow collector. The outbox stays
  // consistent when the process exits mid-delivery: a delivery is recorded only once its
  // answer came, and SQLite's WAL survives the exit.
  auto drained = std::async(std::launch::async, [&] {
    try {
      forwarder_->drain(nowMicros());
    } catch (const OutboxError& e) {
      outboxProblem_ = e.what();
      log_.error("outbox: " + outboxProblem_);
    }
  });
  while (drained.wait_for(milliseconds(100)) != std::future_status::ready) {
    if (!Shutdown::requested()) continue;
    if (drained.wait_for(kShutdownGrace) == std::future_status::ready) break;
    log_.warning("stopped (signal " + std::to_string(Shutdown::signal()) +
                 ") with a delivery in flight after " + formatDuration(kShutdownGrace) +
                 "; it stays in the outbox and goes again at the next start");
    std::_Exit(0);
  }
  drained.get();  // anything but an OutboxError is the caller's to see
}

bool DeliveryPipeline::settled(const std::string& reportID) {
  for (const auto& report : inMemory_)
    if (report.reportID == reportID) return false;
  if (!outbox_) return true;
  try {
    return !outbox_->holds(reportID);
  } catch (const OutboxError&) {
    return false;
  }
}

std::optional<std::int64_t> DeliveryPipeline::nextAttemptAt() {
  if (!outbox_) return std::nullopt;
  try {
    return outbox_->nextAttemptAt();
  } catch (const OutboxError&) {
    return std::nullopt;
  }
}

PipelineStatus DeliveryPipeline::status() {
  PipelineStatus status;
  status.heldInMemory = inMemory_.size();
  if (!outboxProblem_.empty()) status.problems.push_back("outbox " + settings_.path + ": " + outboxProblem_);
  if (!inMemory_.empty())
    status.problems.push_back(std::to_string(inMemory_.size()) + " undelivered reports held in memory only");
  if (outbox_) {
    try {
      status.waiting = outbox_->pendingCount();
      status.deadLetters = outbox_->rejectedCount();
    } catch (const OutboxError& e) {
      status.problems.push_back(std::string("outbox: ") + e.what());
    }
  }
  status.healthy = status.problems.empty();
  return status;
}

}  // namespace kubecensus::agent
