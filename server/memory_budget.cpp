#include "memory_budget.h"

#include <algorithm>

#include "api_error.h"
#include "kubecensus/report/formats.h"
#include "metrics.h"

namespace kubecensus::server {
namespace {

constexpr std::uint64_t kTreeBytesPerValue = 96;  // nlohmann: 16 a value, up to ~100 for an object

std::string mebibytes(std::uint64_t bytes) {
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB";
}

}  // namespace

std::uint64_t jsonParseCost(std::uint64_t textBytes) {
  return textBytes + kTreeBytesPerValue * std::min<std::uint64_t>(textBytes / 2 + 1, kMaxJsonValues);
}

MemoryBudget::MemoryBudget(std::uint64_t bytes, std::chrono::milliseconds wait, Metrics* metrics,
                           std::uint64_t perClientBytes)
    : limit_(bytes), perClient_(perClientBytes), wait_(wait), metrics_(metrics) {
  report();
}

void MemoryBudget::report() {
  if (metrics_) metrics_->setInflightMemory(used_, limit_);
}

std::uint64_t MemoryBudget::inUse() const {
  std::lock_guard lock(mutex_);
  return used_;
}

void MemoryBudget::take(std::uint64_t more, const std::string& client,
                        std::optional<std::chrono::steady_clock::time_point>& deadline) {
  std::unique_lock lock(mutex_);
  if (perClient_ > 0 && !client.empty()) {
    const auto held = byClient_.find(client);
    const std::uint64_t mine = held == byClient_.end() ? 0 : held->second;
    if (mine + more > perClient_) {
      ApiError busy(503, "your requests in progress hold " + mebibytes(mine) + " of the " + mebibytes(perClient_) +
                             " one client may (collector.max_inflight_memory_per_client); retry later");
      busy.retryAfter = 1;
      throw busy;
    }
  }
  const auto fits = [&] { return used_ + more <= limit_; };
  if (!fits() && !deadline) deadline = std::chrono::steady_clock::now() + wait_;
  if (!fits() && !freed_.wait_until(lock, *deadline, fits)) {
    ApiError busy(503, "the collector is busy: requests in progress hold " + mebibytes(used_) + " of its " +
                           mebibytes(limit_) + " (collector.max_inflight_memory); retry later");
    busy.retryAfter = 1;
    throw busy;
  }
  used_ += more;
  if (perClient_ > 0 && !client.empty()) byClient_[client] += more;
  report();
}

void MemoryBudget::give(std::uint64_t bytes, const std::string& client) {
  {
    std::lock_guard lock(mutex_);
    used_ -= bytes;
    if (perClient_ > 0 && !client.empty()) {
      auto held = byClient_.find(client);
      if (held != byClient_.end() && (held->second -= bytes) == 0) byClient_.erase(held);
    }
    report();
  }
  freed_.notify_all();
}

MemoryBudget::Reservation::Reservation(Reservation&& other) noexcept
    : budget_(other.budget_), client_(std::move(other.client_)), bytes_(other.bytes_), deadline_(other.deadline_) {
  other.budget_ = nullptr;
  other.bytes_ = 0;
}

MemoryBudget::Reservation& MemoryBudget::Reservation::operator=(Reservation&& other) noexcept {
  if (this == &other) return *this;
  if (budget_ && bytes_ > 0) budget_->give(bytes_, client_);
  budget_ = other.budget_;
  client_ = std::move(other.client_);
  bytes_ = other.bytes_;
  deadline_ = other.deadline_;
  other.budget_ = nullptr;
  other.bytes_ = 0;
  return *this;
}

MemoryBudget::Reservation::~Reservation() {
  if (budget_ && bytes_ > 0) budget_->give(bytes_, client_);
}

void MemoryBudget::Reservation::growTo(std::uint64_t bytes) {
  if (bytes <= bytes_) return;
  if (!budget_) {
    bytes_ = bytes;
    return;
  }
  if (bytes > budget_->limit())
    throw ApiError(413, "this request needs about " + mebibytes(bytes) +
                            " of memory to read and parse, more than " + "the collector's " +
                            mebibytes(budget_->limit()) +
                            " for all requests at once (collector.max_inflight_memory)");
  if (budget_->perClient_ > 0 && !client_.empty() && bytes > budget_->perClient_)
    throw ApiError(413, "this request needs about " + mebibytes(bytes) + " of memory to read and parse, more than the " +
                            mebibytes(budget_->perClient_) +
                            " one client's requests may hold at once (collector.max_inflight_memory_per_client)");
  budget_->take(bytes - bytes_, client_, deadline_);
  bytes_ = bytes;
}

}  // namespace kubecensus::server
