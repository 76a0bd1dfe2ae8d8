// Drains the outbox into the sinks. Per sink the oldest due report goes first; a sink that
// says "retry later" is left alone until its next attempt (exponential backoff with full
// jitter, never sooner than the peer's Retry-After); a rejection becomes a dead letter (kept,
// listed by `spool list`) and the next report goes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kubecensus/report/report.h"

namespace kubecensus {

class Logger;
class Outbox;
class Sink;

struct RetryPolicy {
  std::chrono::milliseconds initial{30000};  // the first retry waits up to this
  std::chrono::milliseconds max{3600000};    // no retry waits longer (unless Retry-After says so)

  // The wait before attempt `attempts` + 1 after `attempts` failed: a random duration in
  // [0, min(max, initial * 2^(attempts-1))] ("full jitter"), at least `retryAfter`.
  std::chrono::milliseconds delay(int attempts, std::chrono::milliseconds retryAfter,
                                  std::mt19937_64& rng) const;
};

struct NamedSink {
  std::string name;  // "sink.collector": the outbox keeps deliveries under this name
  Sink* sink;
};

class Forwarder {
 public:
  Forwarder(Outbox& outbox, std::vector<NamedSink> sinks, RetryPolicy policy, Logger& log);

  // Delivers everything that is due at `now`, sink by sink, until each sink is drained or
  // waits for a retry (or the agent is shutting down). Returns how many deliveries succeeded.
  std::size_t drain(std::int64_t now);

  // The report just added to the outbox, as the agent made it: its deliveries use it instead
  // of decoding the stored text again (a 5,000-node report's document is several times its
  // text). The previous one is forgotten.
  void remember(Report report) { recent_ = std::move(report); }

 private:
  Outbox& outbox_;
  std::vector<NamedSink> sinks_;
  RetryPolicy policy_;
  Logger& log_;
  std::mt19937_64 rng_;
  std::optional<Report> recent_;
};

}  // namespace kubecensus
