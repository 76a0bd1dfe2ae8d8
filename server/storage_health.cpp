#include "storage_health.h"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "kubecensus/util/logger.h"

namespace kubecensus::server {

using Clock = std::chrono::steady_clock;

struct StorageHealthMonitor::State {
  struct Entry {
    std::string name;
    Storage* storage;
    StorageHealth last;                       // the latest probe or write result
    std::optional<Clock::time_point> asking;  // a probe started then and has not returned
    bool reportedBad = false;                 // logged as unhealthy, not yet as recovered
  };
  std::vector<Entry> entries;
  std::chrono::milliseconds interval, stuckAfter;
  Logger& log;
  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool finished = false;  // the probe thread has returned
  std::condition_variable finishedWake;

  State(std::chrono::milliseconds interval, std::chrono::milliseconds stuckAfter, Logger& log)
      : interval(interval), stuckAfter(stuckAfter), log(log) {}

  // With mutex held: records an observation, logging a change (the detail goes only to the log:
  // /healthz shows names and states).
  void observe(Entry& entry, StorageHealth health) {
    if (!health.ok && !entry.reportedBad) log.warning(entry.name + " is unhealthy: " + health.detail);
    if (health.ok && entry.reportedBad) log.info(entry.name + " is healthy again");
    entry.reportedBad = !health.ok;
    entry.last = std::move(health);
  }

  void probeLoop() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      for (std::size_t i = 0; i < entries.size() && !stopping; ++i) {
        entries[i].asking = Clock::now();
        Storage* storage = entries[i].storage;
        lock.unlock();
        StorageHealth health;
        try {
          health = storage->health();
        } catch (const std::exception& e) {
          health = {false, e.what()};
        }
        lock.lock();
        entries[i].asking.reset();
        observe(entries[i], std::move(health));
      }
      wake.wait_for(lock, interval, [&] { return stopping; });
    }
    finished = true;
    finishedWake.notify_all();
  }
};

StorageHealthMonitor::StorageHealthMonitor(std::vector<std::pair<std::string, Storage*>> storages,
                                           std::chrono::milliseconds interval,
                                           std::chrono::milliseconds stuckAfter, Logger& log)
    : state_(std::make_shared<State>(interval, stuckAfter, log)) {
  for (auto& [name, storage] : storages) state_->entries.push_back({name, storage, {}, {}, false});
  std::thread([state = state_] { state->probeLoop(); }).detach();
}

bool StorageHealthMonitor::stop() {
  std::unique_lock lock(state_->mutex);
  state_->stopping = true;
  state_->wake.notify_all();
  // A probe returns in milliseconds; one that does not is stuck in its storage, and waiting on it
  // would hang the shutdown (the thread holds `state_`, so leaving it is safe).
  return state_->finishedWake.wait_for(lock, std::chrono::seconds(2), [&] { return state_->finished; });
}

StorageHealthMonitor::~StorageHealthMonitor() {
  stop();
}

std::vector<std::pair<std::string, StorageHealth>> StorageHealthMonitor::snapshot() const {
  std::lock_guard lock(state_->mutex);
  const auto now = Clock::now();
  std::vector<std::pair<std::string, StorageHealth>> result;
  for (const auto& entry : state_->entries) {
    if (entry.asking && now - *entry.asking > state_->stuckAfter) {
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - *entry.asking).count();
      result.emplace_back(entry.name,
                          StorageHealth{false, "not answering its health check for " + std::to_string(seconds) + " s"});
      continue;
    }
    result.emplace_back(entry.name, entry.last);
  }
  return result;
}

void StorageHealthMonitor::observeWrite(const std::string& name, const std::string& error) {
  std::lock_guard lock(state_->mutex);
  for (auto& entry : state_->entries)
    if (entry.name == name) {
      state_->observe(entry, error.empty() ? StorageHealth{true, entry.last.ok ? entry.last.detail : ""}
                                           : StorageHealth{false, "write failed: " + error});
    }
}

}  // namespace kubecensus::server
