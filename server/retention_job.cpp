#include "retention_job.h"

#include <map>

#include "ingestor.h"
#include "kubecensus/report/time.h"
#include "kubecensus/util/logger.h"
#include "kubecensus/util/value_parse.h"

namespace kubecensus::server {

RetentionJob::RetentionJob(Ingestor& ingestor, std::chrono::milliseconds retention,
                           std::chrono::milliseconds interval, Logger& log)
    : ingestor_(ingestor), retention_(retention), interval_(interval), log_(log) {
  thread_ = std::thread([this] { loop(); });
}

RetentionJob::~RetentionJob() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RetentionJob::runOnce() {
  const Micros cutoff =
      nowMicros() - std::chrono::duration_cast<std::chrono::microseconds>(retention_).count();
  std::map<std::string, std::uint64_t> total;
  try {
    // Chunk by chunk until no storage has anything older left, or the collector stops.
    for (bool more = true; more && !stopping();) {
      more = false;
      for (const auto& [name, deleted] : ingestor_.deleteReceivedBefore(cutoff)) {
        if (!deleted || *deleted == 0) continue;
        total[name] += *deleted;
        more = true;
      }
    }
  } catch (const std::exception& e) {
    log_.warning(std::string("retention: deleting old reports failed (") + e.what() + "); next try in " +
                 formatDuration(interval_));
  }
  for (const auto& [name, deleted] : total)
    log_.info("retention: " + name + " deleted " + std::to_string(deleted) +
              " rows (reports, then per-cluster statistics rows) of data received before " +
              formatRfc3339(cutoff) + " (older than " + formatDuration(retention_) + ")");
}

bool RetentionJob::stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

void RetentionJob::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    runOnce();
    lock.lock();
    wake_.wait_for(lock, interval_, [&] { return stopping_; });
  }
}

}  // namespace kubecensus::server
