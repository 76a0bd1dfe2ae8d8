// The agent's durable outbox: every report is written here (SQLite, WAL) before any sink sees
// it, with a delivery state per sink, so a report survives a crash, a collector that is down
// for days, or a restart, until each sink has taken it or refused it.
//
//   reports     one row per report: its ID and native JSON, in the order they were made
//   deliveries  one row per (report, sink) not yet delivered: pending (with attempts and the
//               time of the next one) or rejected (a dead letter, kept with the peer's answer)
//
// A delivered row is deleted, and a report no row refers to any more goes with it. Limits on
// count, bytes and age evict the oldest reports first; evictions are counted until the next
// report, which says how many were lost (Outbox::evicted()).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kubecensus {

class Logger;

struct OutboxSettings {
  std::string path;                     // the SQLite file
  std::vector<std::string> sinks;       // the sinks every new report is kept for
  std::int64_t maxReports = 10000;      // reports kept, pending and dead letters together
  std::int64_t maxBytes = 256ll << 20;  // their JSON bytes
  std::chrono::seconds maxAge{30 * 24 * 3600};
  std::string synchronous = "FULL";  // SQLite's: FULL survives power loss, NORMAL a crash
  std::int64_t maxPageCount = 0;     // tests only: SQLite's max_page_count (0: no limit)
  bool inspectOnly = false;          // a command looking at the agent's outbox: never quarantine it
};

struct OutboxEntry {
  std::int64_t seq = 0;  // order of creation
  std::string reportID;
  std::string body;            // native JSON
  std::int64_t createdAt = 0;  // µs since the epoch
  int attempts = 0;            // deliveries tried so far for this sink
};

// A pending or rejected delivery, for `kubecensus-agent spool list`.
struct OutboxRow {
  std::int64_t seq = 0;
  std::string reportID;
  std::string sink;
  std::string state;  // "pending" or "rejected"
  int attempts = 0;
  std::int64_t createdAt = 0;
  std::int64_t nextAttemptAt = 0;  // pending: µs since the epoch
  std::string detail;              // the last error, or the rejection (status and body)
};

// One delivery, as `kubecensus-agent history` lists it.
struct HistoryRow {
  std::string reportID;
  std::string sink;
  std::int64_t deliveredAt = 0;  // µs since the epoch
  std::int64_t bytes = 0;        // the report as stored (native JSON)
  std::string receipt;           // the receiver's answer, e.g. HTTP 202 and its body
};

class OutboxError : public std::runtime_error {
 public:
  OutboxError(const std::string& message, bool diskFull) : std::runtime_error(message), diskFull_(diskFull) {}
  bool diskFull() const { return diskFull_; }

 private:
  bool diskFull_;
};

class Outbox {
 public:
  // Opens or creates the outbox. A file that is not a database or fails PRAGMA quick_check is
  // renamed to "<path>.corrupt-<UTC time>" (with its -wal and -shm) and a fresh one started:
  // quarantined() then names it. Throws OutboxError when the file cannot be opened at all.
  Outbox(OutboxSettings settings, Logger& log);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Where a corrupt outbox was moved at start, once; empty otherwise.
  const std::string& quarantined() const { return quarantined_; }

  // Reports evicted before delivery since the last add() that acknowledged them.
  std::int64_t evicted();
  // Keeps the report for every sink, and subtracts `evictionsReported` (what the report says
  // was lost) from the eviction count, in one transaction; then applies the limits. Throws
  // OutboxError (diskFull() for SQLITE_FULL and its kin).
  void add(const std::string& reportID, const std::string& body, std::int64_t now,
           std::int64_t evictionsReported = 0);

  // The oldest pending report of `sink` if its next attempt is due by `now`. Only the oldest:
  // a sink's reports go out in order.
  std::optional<OutboxEntry> next(const std::string& sink, std::int64_t now);
  // The delivery is remembered in the history (the last 1000) with the receiver's answer and
  // the size of what was delivered.
  void delivered(std::int64_t seq, const std::string& sink, const std::string& receipt, std::int64_t now,
                 std::int64_t bytes);
  void retryLater(std::int64_t seq, const std::string& sink, std::int64_t nextAttemptAt,
                  const std::string& detail);
  void rejected(std::int64_t seq, const std::string& sink, const std::string& detail);
  // Makes every pending delivery due now (a restarted agent tries at once what it was waiting
  // to retry: the collector may be back).
  void retryAllNow();
  // The earliest next attempt of any pending delivery of the configured sinks.
  std::optional<std::int64_t> nextAttemptAt();

  // Deliveries waiting for the configured sinks (those of a sink no longer configured stay
  // until the limits evict them, and are not counted), and dead letters.
  std::int64_t pendingCount();
  std::int64_t rejectedCount();
  // The report is still kept: waiting for some sink, or a dead letter.
  bool holds(const std::string& reportID);
  std::vector<OutboxRow> rows();      // pending and rejected, oldest first
  std::vector<HistoryRow> history();  // delivered, newest first
  // Deletes dead letters (all, or those of one report); returns how many.
  std::int64_t purgeRejected(const std::string& reportID = {});
  // The body of a kept report, if there is one.
  std::optional<std::string> body(const std::string& reportID);

 private:
  class Impl;
  std::string quarantined_;  // before impl_: Impl's constructor sets it
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubecensus
