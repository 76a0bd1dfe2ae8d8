#include "metrics.h"

#include <cstdio>

namespace kubecensus::server {
namespace {

constexpr std::array<double, 8> kBatchBounds = {1, 2, 5, 10, 50, 100, 500, 1000};

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string label(const char* name, const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return std::string(name) + "=\"" + escaped + "\"";
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void Histogram::observe(double value, const double* bounds, std::size_t count) {
  std::size_t i = 0;
  while (i < count && value > bounds[i]) ++i;
  ++buckets_[i];  // i == count: only in +Inf
  ++count_;
  sum_ += value;
}

std::string Histogram::render(const std::string& name, const std::string& labels, const double* bounds,
                              std::size_t count) const {
  std::string out;
  std::uint64_t cumulative = 0;
  const std::string prefix = labels.empty() ? "" : labels + ",";
  for (std::size_t i = 0; i < count; ++i) {
    cumulative += buckets_[i];
    out +=
        name + "_bucket{" + prefix + "le=\"" + number(bounds[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + prefix + "le=\"+Inf\"} " + std::to_string(count_) + "\n";
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + number(sum_) + "\n";
  out += name + "_count" + braces + " " + std::to_string(count_) + "\n";
  return out;
}

void Metrics::observeRequest(const std::string& route, const std::string& method, int status,
                             double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, method, status}];
  latency_[route].observe(seconds, Histogram::kLatencyBounds.data(), Histogram::kLatencyBounds.size());
}

void Metrics::requestStarted() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++inFlight_;
}

void Metrics::requestFinished() {
  std::lock_guard<std::mutex> lock(mutex_);
  --inFlight_;
}

void Metrics::countReports(const std::string& format, std::uint64_t accepted, std::uint64_t duplicates) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& counts = reports_[format];
  counts.first += accepted;
  counts.second += duplicates;
}

void Metrics::observeBatch(std::size_t reports) {
  std::lock_guard<std::mutex> lock(mutex_);
  batches_.observe(static_cast<double>(reports), kBatchBounds.data(), kBatchBounds.size());
}

void Metrics::setQueueDepth(std::int64_t reports) {
  std::lock_guard<std::mutex> lock(mutex_);
  queueDepth_ = reports;
}

void Metrics::setInflightMemory(std::uint64_t bytes, std::uint64_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  inflightMemory_ = bytes;
  inflightMemoryLimit_ = limit;
}

void Metrics::countRefusal(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++refusals_[reason];
}

void Metrics::connectionOpened() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++connections_;
}

void Metrics::connectionClosed() {
  std::lock_guard<std::mutex> lock(mutex_);
  --connections_;
}

void Metrics::countStorageError(const std::string& storage) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++storageErrors_[storage];
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  header(out, "kubecensus_collector_requests_total", "counter", "HTTP requests by route, method and status.");
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "kubecensus_collector_requests_total{" + label("route", route) + "," + label("method", method) +
           "," + label("status", std::to_string(status)) + "} " + std::to_string(count) + "\n";
  }
  header(out, "kubecensus_collector_request_duration_seconds", "histogram",
         "Time from reading a request to the end of its answer, by route.");
  for (const auto& [route, histogram] : latency_)
    out += histogram.render("kubecensus_collector_request_duration_seconds", label("route", route),
                            Histogram::kLatencyBounds.data(), Histogram::kLatencyBounds.size());
  header(out, "kubecensus_collector_requests_in_flight", "gauge", "Requests being handled now.");
  out += "kubecensus_collector_requests_in_flight " + std::to_string(inFlight_) + "\n";
  header(out, "kubecensus_collector_reports_total", "counter",
         "Reports committed to every storage, by wire format and outcome (accepted, duplicate).");
  for (const auto& [format, counts] : reports_) {
    out += "kubecensus_collector_reports_total{" + label("format", format) + ",outcome=\"accepted\"} " +
           std::to_string(counts.first) + "\n";
    out += "kubecensus_collector_reports_total{" + label("format", format) + ",outcome=\"duplicate\"} " +
           std::to_string(counts.second) + "\n";
  }
  header(out, "kubecensus_collector_ingest_queue_reports", "gauge", "Reports waiting to be written.");
  out += "kubecensus_collector_ingest_queue_reports " + std::to_string(queueDepth_) + "\n";
  header(out, "kubecensus_collector_inflight_memory_bytes", "gauge",
         "Memory reserved by the request bodies being handled (raw, inflated, parsed).");
  out += "kubecensus_collector_inflight_memory_bytes " + std::to_string(inflightMemory_) + "\n";
  header(out, "kubecensus_collector_inflight_memory_limit_bytes", "gauge", "collector.max_inflight_memory.");
  out += "kubecensus_collector_inflight_memory_limit_bytes " + std::to_string(inflightMemoryLimit_) + "\n";
  header(out, "kubecensus_collector_write_batch_reports", "histogram", "Reports per storage write.");
  out += batches_.render("kubecensus_collector_write_batch_reports", "", kBatchBounds.data(),
                         kBatchBounds.size());
  header(out, "kubecensus_collector_storage_errors_total", "counter", "Failed storage writes, by storage.");
  for (const auto& [storage, count] : storageErrors_)
    out += "kubecensus_collector_storage_errors_total{" + label("storage", storage) + "} " +
           std::to_string(count) + "\n";
  header(out, "kubecensus_collector_connections", "gauge", "Client connections open now.");
  out += "kubecensus_collector_connections " + std::to_string(connections_) + "\n";
  header(out, "kubecensus_collector_refusals_total", "counter",
         "Connections and requests refused or cut off at a bound, by bound (docs/reliability.md).");
  for (const auto& [reason, count] : refusals_)
    out += "kubecensus_collector_refusals_total{" + label("reason", reason) + "} " + std::to_string(count) + "\n";
  return out;
}

}  // namespace kubecensus::server
