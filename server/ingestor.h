#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
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

struct NamedStorage {
  std::string name;  // the config section, e.g. "storage.sqlite"
  PluginHandle<Storage> storage;
};

struct IngestSettings {
  std::size_t maxBatchReports = 500;      // reports per storage transaction at most
  std::chrono::milliseconds maxDelay{0};  // wait this long for more before a write (0: none)
  std::size_t queueCapacity = 10000;      // reports waiting at most; beyond it 503
};

// Stamps reports with what only the collector knows (receivedAt from its own clock,
// receivedFrom, the wire format) and commits them to every storage. Requests wait in a bounded
// queue; one writer thread commits what has gathered (up to maxBatchReports) in one
// transaction per storage - while one write runs the next batch forms, so batches grow with
// the load and add no wait when there is none ("group commit"). ingest() returns only after
// every storage committed its reports; it throws ApiError 503 (with Retry-After) when the queue
// is full or a storage failed, so the client retries; reports a storage refused for good are in
// Outcome::refused (the routes answer 422).
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
  Outcome ingest(std::vector<Report> reports, ReportFormat receivedAs, const std::string& receivedFrom);

  // name -> (ok, detail) for /healthz and /readyz
  std::vector<std::pair<std::string, StorageHealth>> health();

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
    const std::vector<Report>* reports;
    std::promise<Committed> committed;  // this request's part of its batch
  };
  void writeLoop();
  Committed commit(const std::vector<const Report*>& batch);

  std::vector<NamedStorage> storages_;
  Storage* statsStorage_ = nullptr;
  Logger& log_;
  Metrics* metrics_;
  IngestSettings settings_;
  std::mutex mutex_;  // guards the queue
  std::condition_variable wake_;
  std::deque<Pending*> queue_;
  std::size_t queuedReports_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace kubecensus::server
