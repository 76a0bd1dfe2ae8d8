#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kubecensus/plugin/registry.h"
#include "kubecensus/plugin/storage.h"
#include "kubecensus/report/report.h"

namespace kubecensus {
class Logger;
}

namespace kubecensus::server {

class Metrics;
class StorageHealthMonitor;

struct NamedStorage {
  std::string name;  // the config section, e.g. "storage.sqlite"
  PluginHandle<Storage> storage;
};

struct IngestSettings {
  std::size_t maxBatchReports = 500;      // reports per storage transaction at most
  std::chrono::milliseconds maxDelay{0};  // wait this long for more before a write (0: none)
  std::size_t queueCapacity = 10000;      // reports waiting at most; beyond it 503
  std::chrono::milliseconds healthInterval{1000};  // how often every storage's health is asked
};

// Stamps reports with what only the collector knows (receivedAt from its own clock,
// receivedFrom, the wire format) and commits them to every storage. Requests wait in a bounded
// queue; one writer thread commits what has gathered (up to maxBatchReports) in one
// transaction per storage - while one write runs the next batch forms, so batches grow with
// the load and add no wait when there is none ("group commit"). A submission is answered once:
// after every storage committed its reports, or with ApiError 503 (Retry-After) when the queue
// is full, a storage failed or its deadline passed first - then the reports are not
// acknowledged, and if their commit still lands, the client's retry is a duplicate by report ID,
// stored once. Reports a storage refused for good are in Outcome::refused (the routes answer 422).
// Health (health()) is what the monitor and the writer last saw, never a wait on storage.
class Ingestor {
 public:
  Ingestor(std::vector<NamedStorage> storages, Logger& log, Metrics* metrics = nullptr,
           IngestSettings settings = {});
  ~Ingestor();  // commits what is queued, then stops the writer
  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  struct Outcome {
    std::vector<std::string> reportIDs;
    std::size_t accepted = 0;
    std::size_t duplicates = 0;
    // Reports a storage refused for good: (index in the request, "storage ...: why"). The
    // others are committed and counted above.
    std::vector<std::pair<std::size_t, std::string>> refused;
    // Throws ApiError 422 naming the first refused report (and how many), if any.
    void throwIfRefused() const;
  };
  // Called exactly once, from the writer's or the deadline watcher's thread: with the outcome, or
  // with an exception (ApiError 503) and an empty outcome.
  using Completion = std::function<void(Outcome, std::exception_ptr)>;
  // Queues the reports and returns at once; `done` is called when they are committed or
  // `deadline` passed (0: no deadline).
  void submit(std::vector<Report> reports, ReportFormat receivedAs, const std::string& receivedFrom,
              std::chrono::milliseconds deadline, Completion done);
  // submit() and wait, without a deadline (bundle import, whose caller is not an I/O thread).
  Outcome ingest(std::vector<Report> reports, ReportFormat receivedAs, const std::string& receivedFrom);

  // name -> (ok, detail) for /healthz and /readyz: what the health monitor last saw.
  std::vector<std::pair<std::string, StorageHealth>> health() const;
  // Commits what is queued within `timeout`; false when a storage did not answer in time (then
  // the writer is left behind: the process should exit rather than wait on it).
  bool drain(std::chrono::milliseconds timeout);
  // At shutdown: false when a health check is stuck in a storage (the same advice).
  bool stopHealthChecks();

  // Per storage: how many reports it deleted, or nullopt when it cannot delete. Throws what a
  // storage throws (the caller answers 503).
  using Deleted = std::vector<std::pair<std::string, std::optional<std::uint64_t>>>;
  Deleted eraseCluster(const std::string& clusterID);
  Deleted deleteReceivedBefore(Micros cutoff);

  // The first storage that keeps statistics (docs/stats.md), or nullptr.
  Storage* statsStorage() { return statsStorage_; }

 private:
  struct Committed {
    std::vector<bool> duplicate;        // per report: every storage already had it
    std::vector<std::string> rejected;  // per report, or empty: "storage: why" when refused
  };
  struct Pending {
    std::vector<Report> reports;
    ReportFormat receivedAs;
    Completion done;
    std::chrono::steady_clock::time_point deadline;  // max(): none
    bool answered = false;                           // guarded by mutex_
  };
  using PendingPtr = std::shared_ptr<Pending>;
  void writeLoop();
  void watchDeadlines();
  Committed commit(const std::vector<const Report*>& batch);
  // Answers `pending` unless it was answered already (by the watcher, or the writer).
  // True when this call answered.
  bool complete(Pending& pending, const Committed* committed, std::exception_ptr error);

  std::vector<NamedStorage> storages_;
  Storage* statsStorage_ = nullptr;
  Logger& log_;
  Metrics* metrics_;
  IngestSettings settings_;
  std::mutex mutex_;  // guards the queue
  std::condition_variable wake_;
  std::condition_variable deadlineWake_;
  std::condition_variable drained_;
  std::deque<PendingPtr> queue_;
  std::vector<PendingPtr> writing_;  // the batch being committed
  std::size_t queuedReports_ = 0;
  bool stopping_ = false;
  bool watcherIdle_ = false;
  bool abandoned_ = false;  // a health check stuck in a storage at stopHealthChecks()  // the deadline watcher waits for a submission to watch
  std::unique_ptr<StorageHealthMonitor> monitor_;
  std::thread writer_;
  std::thread watcher_;
};

}  // namespace kubecensus::server
