// The collector's metrics in Prometheus' text format (GET /metrics): requests by route, method
// and status, request latency, reports accepted and duplicated by wire format, write batch
// sizes, storage errors, requests in flight, the memory request bodies hold. Thread-safe; one mutex, held for
// a few additions.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace kubecensus::server {

class Histogram {
 public:
  static constexpr std::array<double, 12> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,   0.25,   0.5,   1,    2.5};
  void observe(double value, const double* bounds, std::size_t count);
  std::string render(const std::string& name, const std::string& labels, const double* bounds,
                     std::size_t count) const;

 private:
  std::array<std::uint64_t, 16> buckets_{};  // cumulative is computed when rendering
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

class Metrics {
 public:
  // `route` is the matched route's path, or "unmatched" (so unknown paths cannot grow the
  // number of series).
  void observeRequest(const std::string& route, const std::string& method, int status, double seconds);
  void requestStarted();
  void requestFinished();
  void countReports(const std::string& format, std::uint64_t accepted, std::uint64_t duplicates);
  void observeBatch(std::size_t reports);
  void countStorageError(const std::string& storage);
  // A bound was hit: `reason` is one of a fixed set (max_connections, header_timeout, ...).
  void countRefusal(const std::string& reason);
  void connectionOpened();
  void connectionClosed();
  void setQueueDepth(std::int64_t reports);
  // What request bodies hold of collector.max_inflight_memory (MemoryBudget keeps it current).
  void setInflightMemory(std::uint64_t bytes, std::uint64_t limit);
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;                                // by route
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> reports_;  // format -> accepted, duplicates
  Histogram batches_;
  std::map<std::string, std::uint64_t> storageErrors_;
  std::map<std::string, std::uint64_t> refusals_;
  std::int64_t connections_ = 0;
  std::int64_t inFlight_ = 0;
  std::int64_t queueDepth_ = 0;
  std::uint64_t inflightMemory_ = 0;
  std::uint64_t inflightMemoryLimit_ = 0;
};

}  // namespace kubecensus::server
