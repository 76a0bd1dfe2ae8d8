#include "ingestor.h"

#include "api_error.h"
#include "kubecensus/report/format_name.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/logger.h"
#include "metrics.h"

namespace kubecensus::server {

Ingestor::Ingestor(std::vector<NamedStorage> storages, Logger& log, Metrics* metrics)
    : storages_(std::move(storages)), log_(log), metrics_(metrics) {}

Ingestor::Outcome Ingestor::ingest(std::vector<Report> reports, ReportFormat receivedAs,
                                   const std::string& receivedFrom) {
  const Micros now = nowMicros();
  std::vector<const Report*> batch;
  for (Report& report : reports) {
    report.receivedAt = now;  // never the client's clock
    report.receivedFrom = receivedFrom;
    report.receivedAs = receivedAs;
    batch.push_back(&report);
  }
  // A report counts as a duplicate only if every storage already had it.
  std::vector<bool> duplicate(batch.size(), true);
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
  }
  Outcome outcome;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    outcome.reportIDs.push_back(batch[i]->reportID);
    (duplicate[i] ? outcome.duplicates : outcome.accepted)++;
  }
  if (metrics_) {
    metrics_->observeBatch(batch.size());
    metrics_->countReports(toString(receivedAs), outcome.accepted, outcome.duplicates);
  }
  return outcome;
}

std::vector<std::pair<std::string, StorageHealth>> Ingestor::health() {
  std::vector<std::pair<std::string, StorageHealth>> result;
  for (auto& [name, storage] : storages_) result.emplace_back(name, storage->health());
  return result;
}

}  // namespace kubecensus::server
