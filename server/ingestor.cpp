#include "ingestor.h"

#include "api_error.h"
#include "kubecensus/report/format_name.h"
#include "kubecensus/report/time.h"
#include "kubecensus/stats/catalog.h"
#include "kubecensus/util/logger.h"
#include "metrics.h"

namespace kubecensus::server {

Ingestor::Ingestor(std::vector<NamedStorage> storages, Logger& log, Metrics* metrics, IngestSettings settings)
    : storages_(std::move(storages)), log_(log), metrics_(metrics), settings_(settings) {
  if (settings_.maxBatchReports == 0) settings_.maxBatchReports = 1;
  for (auto& named : storages_) {
    // An empty range: a storage without statistics answers nullopt without work; one that
    // keeps them answers (or fails, when its database is down now, which is still a yes).
    bool keeps = true;
    try {
      keeps = named.storage->aggregates(stats::Interval::Day, stats::kActiveDimension, 1, 0).has_value();
    } catch (const std::exception&) {
    }
    if (keeps) {
      statsStorage_ = named.storage.get();
      break;
    }
  }
  writer_ = std::thread([this] { writeLoop(); });
}

Ingestor::~Ingestor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

Ingestor::Outcome Ingestor::ingest(std::vector<Report> reports, ReportFormat receivedAs,
                                   const std::string& receivedFrom) {
  const Micros now = nowMicros();
  for (Report& report : reports) {
    report.receivedAt = now;  // never the client's clock
    if (!receivedFrom.empty())
      report.receivedFrom = receivedFrom;
    else
      report.receivedFrom.reset();  // collector.received_from = none
    report.receivedAs = receivedAs;
  }
  Pending pending{&reports, {}};
  std::future<Committed> done = pending.committed.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      ApiError closing(503, "the collector is shutting down; retry later");
      closing.retryAfter = 5;
      throw closing;
    }
    if (queuedReports_ > 0 && queuedReports_ + reports.size() > settings_.queueCapacity) {
      ApiError full(503, "the collector is busy (" + std::to_string(queuedReports_) +
                             " reports waiting to be stored); retry later");
      full.retryAfter = 1;
      throw full;
    }
    queue_.push_back(&pending);
    queuedReports_ += reports.size();
    if (metrics_) metrics_->setQueueDepth(static_cast<std::int64_t>(queuedReports_));
  }
  wake_.notify_one();
  const Committed committed = done.get();  // rethrows the writer's ApiError
  Outcome outcome;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    if (!committed.rejected.empty() && !committed.rejected[i].empty()) {
      outcome.refused.emplace_back(i, committed.rejected[i]);
      continue;
    }
    outcome.reportIDs.push_back(reports[i].reportID);
    (committed.duplicate[i] ? outcome.duplicates : outcome.accepted)++;
  }
  if (metrics_) metrics_->countReports(toString(receivedAs), outcome.accepted, outcome.duplicates);
  return outcome;
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
    std::vector<Pending*> taken;
    std::size_t count = 0;
    while (!queue_.empty() &&
           (taken.empty() || count + queue_.front()->reports->size() <= settings_.maxBatchReports)) {
      count += queue_.front()->reports->size();
      taken.push_back(queue_.front());
      queue_.pop_front();
    }
    queuedReports_ -= count;
    if (metrics_) metrics_->setQueueDepth(static_cast<std::int64_t>(queuedReports_));
    lock.unlock();

    std::vector<const Report*> batch;
    batch.reserve(count);
    for (Pending* pending : taken)
      for (const Report& report : *pending->reports) batch.push_back(&report);
    std::size_t answered = 0;  // requests whose promise is set: a promise is never set twice
    try {
      const Committed committed = commit(batch);
      std::size_t at = 0;
      for (Pending* pending : taken) {
        const std::size_t n = pending->reports->size();
        const auto from = static_cast<std::ptrdiff_t>(at), to = static_cast<std::ptrdiff_t>(at + n);
        Committed part;
        part.duplicate.assign(committed.duplicate.begin() + from, committed.duplicate.begin() + to);
        if (!committed.rejected.empty())
          part.rejected.assign(committed.rejected.begin() + from, committed.rejected.begin() + to);
        pending->committed.set_value(std::move(part));
        at += n;
        ++answered;
      }
    } catch (...) {
      for (std::size_t i = answered; i < taken.size(); ++i)
        taken[i]->committed.set_exception(std::current_exception());
    }
    lock.lock();
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
    } catch (const std::exception& e) {
      log_.error(name + ": write failed: " + e.what());
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

std::vector<std::pair<std::string, StorageHealth>> Ingestor::health() {
  std::vector<std::pair<std::string, StorageHealth>> result;
  for (auto& [name, storage] : storages_) result.emplace_back(name, storage->health());
  return result;
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
