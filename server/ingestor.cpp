#include "ingestor.h"

#include <algorithm>
#include <optional>

#include "api_error.h"
#include "kubecensus/report/format_name.h"
#include "kubecensus/report/time.h"
#include "kubecensus/stats/catalog.h"
#include "kubecensus/util/logger.h"
#include "metrics.h"
#include "storage_health.h"

namespace kubecensus::server {

namespace {

using Clock = std::chrono::steady_clock;

ApiError unavailable(const std::string& message, int retryAfter) {
  ApiError error(503, message);
  error.retryAfter = retryAfter;
  return error;
}

}  // namespace

Ingestor::Ingestor(std::vector<NamedStorage> storages, Logger& log, Metrics* metrics, IngestSettings settings)
    : storages_(std::move(storages)), log_(log), metrics_(metrics), settings_(settings) {
  if (settings_.maxBatchReports == 0) settings_.maxBatchReports = 1;
  std::vector<std::pair<std::string, Storage*>> probed;
  for (auto& named : storages_) {
    probed.emplace_back(named.name, named.storage.get());
    if (statsStorage_) continue;
    // An empty range: a storage without statistics answers nullopt without work; one that
    // keeps them answers (or fails, when its database is down now, which is still a yes).
    bool keeps = true;
    try {
      keeps = named.storage->aggregates(stats::Interval::Day, stats::kActiveDimension, 1, 0).has_value();
    } catch (const std::exception&) {
    }
    if (keeps) statsStorage_ = named.storage.get();
  }
  monitor_ = std::make_unique<StorageHealthMonitor>(std::move(probed), settings_.healthInterval,
                                                    std::chrono::milliseconds(1000), log_);
  writer_ = std::thread([this] { writeLoop(); });
  watcher_ = std::thread([this] { watchDeadlines(); });
}

Ingestor::~Ingestor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  deadlineWake_.notify_all();
  writer_.join();
  watcher_.join();
  if (abandoned_ || !monitor_->stop()) {
    // A health check is still inside a storage: the storages must outlive it.
    new std::vector<NamedStorage>(std::move(storages_));  // deliberately leaked
  }
  monitor_.reset();
}

bool Ingestor::drain(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return drained_.wait_for(lock, timeout, [&] { return queue_.empty() && writing_.empty(); });
}

bool Ingestor::stopHealthChecks() {
  // A health check stuck in a storage would still use it (and the log) after shutdown.
  if (!monitor_->stop()) abandoned_ = true;
  return !abandoned_;
}

void Ingestor::submit(std::vector<Report> reports, ReportFormat receivedAs, const std::string& receivedFrom,
                      std::chrono::milliseconds deadline, Completion done) {
  const Micros now = nowMicros();
  for (Report& report : reports) {
    report.receivedAt = now;  // never the client's clock
    if (!receivedFrom.empty())
      report.receivedFrom = receivedFrom;
    else
      report.receivedFrom.reset();  // collector.received_from = none
    report.receivedAs = receivedAs;
  }
  auto pending = std::make_shared<Pending>();
  pending->reports = std::move(reports);
  pending->receivedAs = receivedAs;
  pending->done = std::move(done);
  pending->deadline = deadline.count() > 0 ? Clock::now() + deadline : Clock::time_point::max();
  std::exception_ptr refused;
  bool firstDeadline = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t count = pending->reports.size();
    if (stopping_) {
      refused = std::make_exception_ptr(unavailable("the collector is shutting down; retry later", 5));
    } else if (queuedReports_ > 0 && queuedReports_ + count > settings_.queueCapacity) {
      refused = std::make_exception_ptr(unavailable("the collector is busy (" + std::to_string(queuedReports_) +
                                                        " reports waiting to be stored); retry later",
                                                    1));
    } else {
      // Deadlines only grow (one timeout for all), so the watcher needs waking only when it
      // has nothing to watch.
      firstDeadline = watcherIdle_;
      queue_.push_back(pending);
      queuedReports_ += count;
      if (metrics_) metrics_->setQueueDepth(static_cast<std::int64_t>(queuedReports_));
    }
  }
  if (refused) {
    complete(*pending, nullptr, refused);
    return;
  }
  wake_.notify_one();
  if (firstDeadline) deadlineWake_.notify_one();
}

Ingestor::Outcome Ingestor::ingest(std::vector<Report> reports, ReportFormat receivedAs,
                                   const std::string& receivedFrom) {
  std::mutex mutex;
  std::condition_variable answered;
  std::optional<Outcome> result;
  std::exception_ptr error;
  submit(std::move(reports), receivedAs, receivedFrom, std::chrono::milliseconds(0),
         [&](Outcome outcome, std::exception_ptr failure) {
           std::lock_guard<std::mutex> lock(mutex);
           result = std::move(outcome);
           error = failure;
           answered.notify_one();
         });
  std::unique_lock<std::mutex> lock(mutex);
  answered.wait(lock, [&] { return result.has_value(); });
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

bool Ingestor::complete(Pending& pending, const Committed* committed, std::exception_ptr error) {
  Completion done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending.answered) return false;
    pending.answered = true;
    // Taken out: what it holds (a connection's session) goes as soon as it has answered, not
    // when a hung write that still holds the reports returns.
    done = std::move(pending.done);
    pending.done = nullptr;
  }
  if (error) {
    done({}, error);
    return true;
  }
  Outcome outcome;
  for (std::size_t i = 0; i < pending.reports.size(); ++i) {
    if (!committed->rejected.empty() && !committed->rejected[i].empty()) {
      outcome.refused.emplace_back(i, committed->rejected[i]);
      continue;
    }
    outcome.reportIDs.push_back(pending.reports[i].reportID);
    (committed->duplicate[i] ? outcome.duplicates : outcome.accepted)++;
  }
  if (metrics_) metrics_->countReports(toString(pending.receivedAs), outcome.accepted, outcome.duplicates);
  done(std::move(outcome), nullptr);
  return true;
}

void Ingestor::watchDeadlines() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    // The earliest unanswered deadline: the writing batch's, then the queue's (in order).
    auto next = Clock::time_point::max();
    for (const auto& pending : writing_)
      if (!pending->answered) next = std::min(next, pending->deadline);
    for (const auto& pending : queue_) next = std::min(next, pending->deadline);
    if (next == Clock::time_point::max()) {
      watcherIdle_ = true;
      deadlineWake_.wait(lock);
      watcherIdle_ = false;
      continue;
    }
    if (deadlineWake_.wait_until(lock, next) == std::cv_status::no_timeout) continue;
    const auto now = Clock::now();
    std::vector<PendingPtr> late;
    for (const auto& pending : writing_)
      if (!pending->answered && pending->deadline <= now) late.push_back(pending);
    for (auto it = queue_.begin(); it != queue_.end();) {
      if ((*it)->deadline > now) {
        ++it;
        continue;
      }
      queuedReports_ -= (*it)->reports.size();
      late.push_back(*it);
      it = queue_.erase(it);
    }
    if (metrics_) metrics_->setQueueDepth(static_cast<std::int64_t>(queuedReports_));
    if (queue_.empty() && writing_.empty()) drained_.notify_all();
    lock.unlock();
    const auto late503 = std::make_exception_ptr(unavailable(
        "the reports were not stored within the commit deadline (collector.commit_timeout); they are not "
        "acknowledged: retry later (a retry is stored once)",
        5));
    for (const auto& pending : late)
      if (complete(*pending, nullptr, late503) && metrics_) metrics_->countRefusal("commit_timeout");
    lock.lock();
  }
}

void Ingestor::writeLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    if (settings_.maxDelay.count() > 0 && queuedReports_ < settings_.maxBatchReports && !stopping_)
      wake_.wait_for(lock, settings_.maxDelay,
                     [&] { return stopping_ || queuedReports_ >= settings_.maxBatchReports; });
    // What gathered, up to maxBatchReports (always at least one request, however large).
    std::size_t count = 0;
    while (!queue_.empty() &&
           (writing_.empty() || count + queue_.front()->reports.size() <= settings_.maxBatchReports)) {
      count += queue_.front()->reports.size();
      writing_.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    queuedReports_ -= count;
    if (metrics_) metrics_->setQueueDepth(static_cast<std::int64_t>(queuedReports_));
    const std::vector<PendingPtr> taken = writing_;
    lock.unlock();

    std::vector<const Report*> batch;
    batch.reserve(count);
    for (const auto& pending : taken)
      for (const Report& report : pending->reports) batch.push_back(&report);
    try {
      const Committed committed = commit(batch);
      std::size_t at = 0;
      for (const auto& pending : taken) {
        const std::size_t n = pending->reports.size();
        const auto from = static_cast<std::ptrdiff_t>(at), to = static_cast<std::ptrdiff_t>(at + n);
        Committed part;
        part.duplicate.assign(committed.duplicate.begin() + from, committed.duplicate.begin() + to);
        if (!committed.rejected.empty())
          part.rejected.assign(committed.rejected.begin() + from, committed.rejected.begin() + to);
        complete(*pending, &part, nullptr);
        at += n;
      }
    } catch (...) {
      const std::exception_ptr error = std::current_exception();
      for (const auto& pending : taken) complete(*pending, nullptr, error);
    }
    lock.lock();
    writing_.clear();
    if (queue_.empty()) drained_.notify_all();
  }
}

Ingestor::Committed Ingestor::commit(const std::vector<const Report*>& batch) {
  // A report counts as a duplicate only if every storage already had it.
  Committed committed;
  std::vector<bool>& duplicate = committed.duplicate;
  duplicate.assign(batch.size(), true);
  for (auto& [name, storage] : storages_) {
    WriteResult result;
    try {
      result = storage->write(batch);
      monitor_->observeWrite(name, "");
    } catch (const std::exception& e) {
      log_.error(name + ": write failed: " + e.what());
      monitor_->observeWrite(name, e.what());
      if (metrics_) metrics_->countStorageError(name);
      ApiError error(503, "storage " + name + " is unavailable; retry later");
      error.retryAfter = 5;
      throw error;
    }
    for (std::size_t i = 0; i < batch.size() && i < result.duplicate.size(); ++i)
      duplicate[i] = duplicate[i] && result.duplicate[i];
    for (std::size_t i = 0; i < batch.size() && i < result.rejected.size(); ++i) {
      if (result.rejected[i].empty()) continue;
      log_.error(name + ": refused report " + batch[i]->reportID + ": " + result.rejected[i]);
      if (metrics_) metrics_->countStorageError(name);
      if (committed.rejected.empty()) committed.rejected.resize(batch.size());
      if (committed.rejected[i].empty())
        committed.rejected[i] = "storage " + name + " refused it: " + result.rejected[i];
    }
  }
  if (metrics_) metrics_->observeBatch(batch.size());
  return committed;
}

std::vector<std::pair<std::string, StorageHealth>> Ingestor::health() const {
  return monitor_->snapshot();
}

void Ingestor::Outcome::throwIfRefused() const {
  if (refused.empty()) return;
  const bool alone = refused.size() == 1 && reportIDs.empty();  // the request's only report
  std::string message =
      alone ? refused[0].second : "report " + std::to_string(refused[0].first) + ": " + refused[0].second;
  if (refused.size() > 1) message += " (and " + std::to_string(refused.size() - 1) + " more refused)";
  if (!reportIDs.empty())
    message += "; the other " + std::to_string(reportIDs.size()) + " reports are stored";
  throw ApiError(422, message);
}

Ingestor::Deleted Ingestor::eraseCluster(const std::string& clusterID) {
  Deleted deleted;
  for (auto& [name, storage] : storages_) deleted.emplace_back(name, storage->eraseCluster(clusterID));
  return deleted;
}

Ingestor::Deleted Ingestor::deleteReceivedBefore(Micros cutoff) {
  Deleted deleted;
  for (auto& [name, storage] : storages_) deleted.emplace_back(name, storage->deleteReceivedBefore(cutoff));
  return deleted;
}

}  // namespace kubecensus::server
