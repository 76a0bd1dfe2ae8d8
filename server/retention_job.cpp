#include "retention_job.h"

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
  try {
    for (const auto& [name, deleted] : ingestor_.deleteReceivedBefore(cutoff)) {
      if (deleted && *deleted > 0)
        log_.info("retention: " + name + " deleted " + std::to_string(*deleted) +
                  " reports received before " + formatRfc3339(cutoff) + " (older than " +
                  formatDuration(retention_) + ")");
    }
  } catch (const std::exception& e) {
    log_.warning(std::string("retention: deleting old reports failed (") + e.what() + "); next try in " +
                 formatDuration(interval_));
  }
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
