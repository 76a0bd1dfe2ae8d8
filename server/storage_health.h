// What the collector knows of its storages' health, kept current without anyone waiting on
// them: a thread asks every storage's health() each interval, the writer reports each write's
// result, and the latest observation wins. A probe that has not returned within `stuckAfter`
// makes its storage unhealthy ("not answering"), so a hung database turns /readyz to 503 within
// about a second while the probe itself is still waiting.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kubecensus/plugin/storage.h"

namespace kubecensus {
class Logger;
}

namespace kubecensus::server {

class StorageHealthMonitor {
 public:
  StorageHealthMonitor(std::vector<std::pair<std::string, Storage*>> storages, std::chrono::milliseconds interval,
                       std::chrono::milliseconds stuckAfter, Logger& log);
  // Stops the probe thread, waiting up to 2 s for it; false when it is stuck in a storage (then
  // it is left behind, and the storages must outlive it). The destructor stops it too.
  bool stop();
  ~StorageHealthMonitor();
  StorageHealthMonitor(const StorageHealthMonitor&) = delete;
  StorageHealthMonitor& operator=(const StorageHealthMonitor&) = delete;

  std::vector<std::pair<std::string, StorageHealth>> snapshot() const;
  // From the writer: a write to `name` succeeded (empty `error`) or failed.
  void observeWrite(const std::string& name, const std::string& error);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace kubecensus::server
