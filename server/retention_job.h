// Retention (collector.retention): reports received longer ago than the retention age are
// deleted from every storage that can delete, at start and then every retention_interval, on a
// thread of its own. Each run is logged with what each storage deleted.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace kubecensus {
class Logger;
}

namespace kubecensus::server {

class Ingestor;

class RetentionJob {
 public:
  RetentionJob(Ingestor& ingestor, std::chrono::milliseconds retention, std::chrono::milliseconds interval,
               Logger& log);
  ~RetentionJob();  // stops the thread (a run in progress stops after its current chunk)
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

  // One run now, on the caller's thread (also what the thread does).
  void runOnce();

 private:
  void loop();
  bool stopping();

  Ingestor& ingestor_;
  std::chrono::milliseconds retention_;
  std::chrono::milliseconds interval_;
  Logger& log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kubecensus::server
