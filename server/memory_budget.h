// How much memory request bodies may hold at once, raw, inflated and parsed
// (collector.max_inflight_memory), in all and per client. Without it 16 worker threads each
// parsing a small gzip body that inflates to 16 MiB of "[0,0,0,...]" held 4.5 GiB at once
// (measured, docs/reliability.md). A request reserves what it will need as it reads, inflates and
// before it parses; one that cannot get it waits up to `wait` (the HTTP front end: none) for
// others to finish, then gets 503 with Retry-After; one that could never fit gets 413.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace kubecensus::server {

class Metrics;

class MemoryBudget {
 public:
  // `metrics`, if given, is told what is reserved whenever it changes. `perClientBytes` (0: no
  // such bound) is what the requests of one client may hold at once, so one client's bodies
  // cannot make everyone else wait.
  MemoryBudget(std::uint64_t bytes, std::chrono::milliseconds wait, Metrics* metrics = nullptr,
               std::uint64_t perClientBytes = 0);

  // What one request holds; returned to the budget when it goes out of scope.
  class Reservation {
   public:
    Reservation() = default;  // without a budget: every growTo is granted
    Reservation(MemoryBudget* budget, std::string client) : budget_(budget), client_(std::move(client)) {}
    Reservation(Reservation&& other) noexcept;
    Reservation& operator=(Reservation&& other) noexcept;  // gives back what this one held
    ~Reservation();
    // Holds at least `bytes` in all. Throws ApiError 413 when `bytes` exceeds the whole budget,
    // 503 (Retry-After) when it is not free within the budget's wait, counted from the first
    // time this reservation had to wait (so a request waits that long in all, not per call).
    void growTo(std::uint64_t bytes);
    std::uint64_t bytes() const { return bytes_; }

   private:
    MemoryBudget* budget_ = nullptr;
    std::string client_;  // whose share it counts against; empty: none
    std::uint64_t bytes_ = 0;
    std::optional<std::chrono::steady_clock::time_point> deadline_;  // set by the first wait
  };

  // `client`: the client key (http/client_key.h) of the request's sender.
  Reservation reserve(std::string client = {}) { return Reservation(this, std::move(client)); }
  std::uint64_t inUse() const;
  std::uint64_t limit() const { return limit_; }

 private:
  void take(std::uint64_t more, const std::string& client,
            std::optional<std::chrono::steady_clock::time_point>& deadline);
  void give(std::uint64_t bytes, const std::string& client);

  void report();  // to metrics_; with mutex_ held

  const std::uint64_t limit_;
  const std::uint64_t perClient_;
  std::unordered_map<std::string, std::uint64_t> byClient_;  // with mutex_
  const std::chrono::milliseconds wait_;
  Metrics* const metrics_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::uint64_t used_ = 0;
};

// What parsing a JSON text of `textBytes` may cost: the text and its tree, at most ~96 bytes a
// value and at most one value per two bytes of text (kMaxJsonValues in all).
std::uint64_t jsonParseCost(std::uint64_t textBytes);

}  // namespace kubecensus::server
