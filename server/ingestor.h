#pragma once

#include <string>
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

// Stamps reports with what only the collector knows (receivedAt from its own clock,
// receivedFrom, the wire format) and commits them to every storage. Returns only after all
// storages committed; throws ApiError 503 if any failed, so the client retries.
class Ingestor {
 public:
  // `metrics` (optional) counts reports, batches and storage errors.
  Ingestor(std::vector<NamedStorage> storages, Logger& log, Metrics* metrics = nullptr);

  struct Outcome {
    std::vector<std::string> reportIDs;
    std::size_t accepted = 0;
    std::size_t duplicates = 0;
  };
  Outcome ingest(std::vector<Report> reports, ReportFormat receivedAs, const std::string& receivedFrom);

  // name -> (ok, detail) for /healthz
  std::vector<std::pair<std::string, StorageHealth>> health();

 private:
  std::vector<NamedStorage> storages_;
  Logger& log_;
  Metrics* metrics_;
};

}  // namespace kubecensus::server
