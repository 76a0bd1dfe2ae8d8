// What the collector's unit tests share: a storage in memory that can be made to hang (as a
// database behind a network partition does) and released again, and a way to wait for an
// asynchronous answer with a safety net that names what never happened.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "kubecensus/plugin/storage.h"

namespace kctest {

class GateStorage : public kubecensus::Storage {
 public:
  kubecensus::WriteResult write(const std::vector<const kubecensus::Report*>& batch) override {
    {
      std::lock_guard lock(mutex_);
      ++started_;
    }
    waitWhileClosed();
    std::lock_guard lock(mutex_);
    kubecensus::WriteResult result;
    for (const auto* report : batch) {
      result.duplicate.push_back(!ids_.insert(report->reportID).second);
      lastAccount_ = report->accountID.value_or("(none)");
    }
    ++writes_;
    return result;
  }
  kubecensus::StorageHealth health() override {
    waitWhileClosed();
    return {healthy_, detail_};
  }
  // Writes and health checks wait until open() (a hung database).
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      closed_ = false;
    }
    opened_.notify_all();
  }
  void setHealth(bool healthy, std::string detail) {
    std::lock_guard lock(mutex_);
    healthy_ = healthy;
    detail_ = std::move(detail);
  }
  std::size_t stored() {
    std::lock_guard lock(mutex_);
    return ids_.size();
  }
  std::size_t writes() {
    std::lock_guard lock(mutex_);
    return writes_;
  }
  std::string lastAccount() {
    std::lock_guard lock(mutex_);
    return lastAccount_;
  }
  std::size_t writesStarted() {
    std::lock_guard lock(mutex_);
    return started_;
  }

 private:
  void waitWhileClosed() {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [&] { return !closed_; });
  }
  std::mutex mutex_;
  std::condition_variable opened_;
  bool closed_ = false;
  bool healthy_ = true;
  std::string detail_;
  std::set<std::string> ids_;
  std::size_t writes_ = 0;
  std::size_t started_ = 0;
  std::string lastAccount_;
};

// The future's value; fails naming `what` if it did not come within the safety net (not a
// timing assertion: the behaviour under test happens far sooner).
template <class T>
T awaitOrFail(std::future<T>& future, const std::string& what,
              std::chrono::seconds safetyNet = std::chrono::seconds(30)) {
  if (future.wait_for(safetyNet) != std::future_status::ready) FAIL("never happened: " << what);
  return future.get();
}

// Polls `condition` until it holds; fails naming `what` after the safety net.
template <class Condition>
void eventuallyOrFail(Condition&& condition, const std::string& what,
                      std::chrono::seconds safetyNet = std::chrono::seconds(30)) {
  const auto until = std::chrono::steady_clock::now() + safetyNet;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) FAIL("never happened: " << what);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

inline kubecensus::Report reportWithID(const std::string& id) {
  kubecensus::Report report;
  report.reportID = id;
  report.clusterID = "c0ffee00-0000-4000-8000-000000000001";
  return report;
}

}  // namespace kctest
