#include "kubecensus/outbox/outbox.h"

#include <sqlite3.h>

#include <ctime>
#include <filesystem>
#include <mutex>

#include "kubecensus/sqlite/database.h"
#include "kubecensus/util/logger.h"

namespace kubecensus {
namespace {

using sqlite::Connection;
using sqlite::SqliteError;
using sqlite::Statement;
using sqlite::Transaction;

const std::vector<const char*> kMigrations = {
    R"sql(
    CREATE TABLE reports (
      seq        INTEGER PRIMARY KEY AUTOINCREMENT,
      report_id  TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,          -- microseconds since the epoch
      bytes      INTEGER NOT NULL,
      body       TEXT NOT NULL             -- native JSON
    );
    CREATE TABLE deliveries (
      seq             INTEGER NOT NULL,
      sink            TEXT NOT NULL,
      state           TEXT NOT NULL CHECK (state IN ('pending', 'rejected')),
      attempts        INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0,
      detail          TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (seq, sink)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_by_sink ON deliveries (sink, state, seq);
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO counters VALUES ('evicted', 0);
    )sql",
    // 2: what was delivered, with the receiver's answer (kubecensus-agent history).
    R"sql(
    CREATE TABLE history (
      id           INTEGER PRIMARY KEY,
      report_id    TEXT NOT NULL,
      sink         TEXT NOT NULL,
      delivered_at INTEGER NOT NULL,        -- microseconds since the epoch
      bytes        INTEGER NOT NULL,        -- the stored report's size
      receipt      TEXT NOT NULL            -- what the receiver answered
    );
    )sql",
};

// Deliveries remembered in the history, newest first; older ones are forgotten.
constexpr std::int64_t kHistoryLength = 1000;

bool isCorruption(int code) {
  int primary = code & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

bool isDiskFull(int code) {
  int primary = code & 0xff;
  return primary == SQLITE_FULL || primary == SQLITE_IOERR;
}

// 20261130T221501Z
std::string utcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

}  // namespace

class Outbox::Impl {
 public:
  Impl(OutboxSettings settings, Logger& log, std::string& quarantined)
      : settings_(std::move(settings)), log_(log) {
    try {
      open();
    } catch (const SqliteError& e) {
      // Only a damaged file is moved aside: a busy or unreadable one is an error to report, and
      // a command that only looks at the outbox never moves the agent's file.
      if (!isCorruption(e.code()) || settings_.inspectOnly) throw OutboxError(e.what(), isDiskFull(e.code()));
      quarantined = quarantine(e.what());
      open();
    }
  }

  std::int64_t evicted() {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&] { return db_->queryInt("SELECT value FROM counters WHERE name = 'evicted'"); });
  }

  void add(const std::string& reportID, const std::string& body, std::int64_t now,
           std::int64_t reportedEvictions) {
    std::lock_guard<std::mutex> lock(mutex_);
    guarded([&] {
      Transaction transaction(*db_);
      Statement insert(db_->handle(),
                       "INSERT INTO reports (report_id, created_at, bytes, body) VALUES (?1, ?2, ?3, ?4) "
                       "ON CONFLICT (report_id) DO NOTHING");
      insert.bind(1, reportID);
      insert.bind(2, now);
      insert.bind(3, static_cast<std::int64_t>(body.size()));
      insert.bind(4, body);
      insert.step();
      if (db_->changes() == 0) return 0;  // kept already
      const std::int64_t seq = sqlite3_last_insert_rowid(db_->handle());
      Statement deliver(db_->handle(),
                        "INSERT INTO deliveries (seq, sink, state) VALUES (?1, ?2, 'pending')");
      for (const std::string& sink : settings_.sinks) {
        deliver.reset();
        deliver.bind(1, seq);
        deliver.bind(2, sink);
        deliver.step();
      }
      Statement acknowledge(db_->handle(),
                            "UPDATE counters SET value = max(0, value - ?1) WHERE name = 'evicted'");
      acknowledge.bind(1, reportedEvictions);
      acknowledge.step();
      enforceLimits(seq, now);
      transaction.commit();
      return 0;
    });
  }

  std::optional<OutboxEntry> next(const std::string& sink, std::int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&]() -> std::optional<OutboxEntry> {
      Statement head(db_->handle(), R"sql(
          SELECT r.seq, r.report_id, r.body, r.created_at, d.attempts, d.next_attempt_at
          FROM deliveries d JOIN reports r ON r.seq = d.seq
          WHERE d.sink = ?1 AND d.state = 'pending' ORDER BY d.seq LIMIT 1)sql");
      head.bind(1, sink);
      if (!head.step() || head.columnInt(5) > now) return std::nullopt;
      return OutboxEntry{head.columnInt(0), head.columnText(1), head.columnText(2), head.columnInt(3),
                         static_cast<int>(head.columnInt(4))};
    });
  }

  void delivered(std::int64_t seq, const std::string& sink, const std::string& receipt, std::int64_t now,
                 std::int64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    guarded([&] {
      Transaction transaction(*db_);
      Statement remember(db_->handle(), R"sql(
          INSERT INTO history (report_id, sink, delivered_at, bytes, receipt)
          SELECT report_id, ?2, ?3, ?5, ?4 FROM reports WHERE seq = ?1)sql");
      remember.bind(1, seq);
      remember.bind(2, sink);
      remember.bind(3, now);
      remember.bind(4, receipt);
      remember.bind(5, bytes);
      remember.step();
      Statement forget(db_->handle(), "DELETE FROM history WHERE id <= (SELECT max(id) FROM history) - ?1");
      forget.bind(1, kHistoryLength);
      forget.step();
      Statement remove(db_->handle(), "DELETE FROM deliveries WHERE seq = ?1 AND sink = ?2");
      remove.bind(1, seq);
      remove.bind(2, sink);
      remove.step();
      dropUnreferenced();
      transaction.commit();
      return 0;
    });
  }

  void update(std::int64_t seq, const std::string& sink, const char* state, std::int64_t nextAttemptAt,
              const std::string& detail) {
    std::lock_guard<std::mutex> lock(mutex_);
    guarded([&] {
      Statement change(db_->handle(), R"sql(
          UPDATE deliveries SET state = ?3, attempts = attempts + 1, next_attempt_at = ?4, detail = ?5
          WHERE seq = ?1 AND sink = ?2)sql");
      change.bind(1, seq);
      change.bind(2, sink);
      change.bind(3, std::string(state));
      change.bind(4, nextAttemptAt);
      change.bind(5, detail);
      change.step();
      return 0;
    });
  }

  void retryAllNow() {
    std::lock_guard<std::mutex> lock(mutex_);
    guarded([&] {
      db_->exec("UPDATE deliveries SET next_attempt_at = 0 WHERE state = 'pending'");
      return 0;
    });
  }

  std::optional<std::int64_t> nextAttemptAt() {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&]() -> std::optional<std::int64_t> {
      std::optional<std::int64_t> earliest;
      Statement head(db_->handle(),
                     "SELECT next_attempt_at FROM deliveries WHERE sink = ?1 AND state = 'pending' "
                     "ORDER BY seq LIMIT 1");
      for (const std::string& sink : settings_.sinks) {
        head.reset();
        head.bind(1, sink);
        if (head.step() && (!earliest || head.columnInt(0) < *earliest)) earliest = head.columnInt(0);
      }
      return earliest;
    });
  }

  std::int64_t count(const char* state, bool configuredSinksOnly) {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&] {
      if (!configuredSinksOnly || settings_.sinks.empty())
        return db_->queryInt(std::string("SELECT count(*) FROM deliveries WHERE state = '") + state + "'");
      Statement query(db_->handle(), "SELECT count(*) FROM deliveries WHERE state = ?1 AND sink = ?2");
      std::int64_t total = 0;
      for (const std::string& sink : settings_.sinks) {
        query.reset();
        query.bind(1, std::string(state));
        query.bind(2, sink);
        query.step();
        total += query.columnInt(0);
      }
      return total;
    });
  }

  bool holds(const std::string& reportID) {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&] {
      Statement find(db_->handle(), "SELECT 1 FROM reports WHERE report_id = ?1");
      find.bind(1, reportID);
      return find.step();
    });
  }

  std::vector<OutboxRow> rows() {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&] {
      std::vector<OutboxRow> out;
      Statement all(db_->handle(), R"sql(
          SELECT r.seq, r.report_id, d.sink, d.state, d.attempts, r.created_at, d.next_attempt_at, d.detail
          FROM deliveries d JOIN reports r ON r.seq = d.seq ORDER BY d.seq, d.sink)sql");
      while (all.step())
        out.push_back({all.columnInt(0), all.columnText(1), all.columnText(2), all.columnText(3),
                       static_cast<int>(all.columnInt(4)), all.columnInt(5), all.columnInt(6),
                       all.columnText(7)});
      return out;
    });
  }

  std::vector<HistoryRow> history() {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&] {
      std::vector<HistoryRow> out;
      Statement all(db_->handle(),
                    "SELECT report_id, sink, delivered_at, bytes, receipt FROM history ORDER BY id DESC");
      while (all.step())
        out.push_back(
            {all.columnText(0), all.columnText(1), all.columnInt(2), all.columnInt(3), all.columnText(4)});
      return out;
    });
  }

  std::int64_t purgeRejected(const std::string& reportID) {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&] {
      Transaction transaction(*db_);
      Statement purge(db_->handle(), R"sql(
          DELETE FROM deliveries WHERE state = 'rejected'
            AND (?1 = '' OR seq IN (SELECT seq FROM reports WHERE report_id = ?1)))sql");
      purge.bind(1, reportID);
      purge.step();
      const std::int64_t purged = db_->changes();
      dropUnreferenced();
      transaction.commit();
      return purged;
    });
  }

  std::optional<std::string> body(const std::string& reportID) {
    std::lock_guard<std::mutex> lock(mutex_);
    return guarded([&]() -> std::optional<std::string> {
      Statement find(db_->handle(), "SELECT body FROM reports WHERE report_id = ?1");
      find.bind(1, reportID);
      if (!find.step()) return std::nullopt;
      return find.columnText(0);
    });
  }

 private:
  void open() {
    sqlite::ConnectionOptions options;
    options.synchronous = settings_.synchronous;
    db_ = std::make_unique<Connection>(settings_.path, options);
    std::string verdict;
    {
      // Finished before the migration's write transaction: an open read would block it.
      Statement check(db_->handle(), "PRAGMA quick_check");
      verdict = check.step() ? check.columnText(0) : std::string("no answer");
    }
    if (verdict != "ok")
      throw SqliteError(settings_.path + ": PRAGMA quick_check: " + verdict, SQLITE_CORRUPT);
    db_->migrate(kMigrations, "agent");
    if (settings_.maxPageCount > 0)
      db_->exec("PRAGMA max_page_count = " + std::to_string(settings_.maxPageCount));
  }

  // Moves the damaged file (and its journal) aside; returns its new name.
  std::string quarantine(const std::string& why) {
    db_.reset();
    const std::string target = settings_.path + ".corrupt-" + utcStamp();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code error;
      if (std::filesystem::exists(settings_.path + suffix, error))
        std::filesystem::rename(settings_.path + suffix, target + suffix, error);
      if (error)
        throw OutboxError("the outbox " + settings_.path + " is corrupt (" + why +
                              ") and cannot be moved aside: " + error.message(),
                          false);
    }
    log_.error("the outbox " + settings_.path + " is corrupt (" + why + "); moved it to " + target +
               " and started a new one: reports it held that were not delivered are lost");
    return target;
  }

  // Every database call goes through here, so SQLite's errors become OutboxErrors that say
  // whether the disk is full.
  template <class Action>
  auto guarded(Action&& action) -> decltype(action()) {
    try {
      return action();
    } catch (const SqliteError& e) {
      throw OutboxError(std::string("outbox ") + e.what(), isDiskFull(e.code()));
    }
  }

  void dropUnreferenced() { db_->exec("DELETE FROM reports WHERE seq NOT IN (SELECT seq FROM deliveries)"); }

  // Evicts the oldest reports (never `newest`) beyond the age, count and byte limits.
  void enforceLimits(std::int64_t newest, std::int64_t now) {
    std::int64_t through = 0;  // evict every report with seq <= through
    {
      Statement old(db_->handle(), "SELECT max(seq) FROM reports WHERE created_at < ?1 AND seq < ?2");
      old.bind(1, now - std::chrono::duration_cast<std::chrono::microseconds>(settings_.maxAge).count());
      old.bind(2, newest);
      if (old.step() && !old.columnIsNull(0)) through = old.columnInt(0);
    }
    // Walking from the newest down, the first report that does not fit and all older ones go.
    Statement walk(db_->handle(), "SELECT seq, bytes FROM reports WHERE seq > ?1 ORDER BY seq DESC");
    walk.bind(1, through);
    std::int64_t count = 0, bytes = 0;
    while (walk.step()) {
      ++count;
      bytes += walk.columnInt(1);
      const std::int64_t seq = walk.columnInt(0);
      if (seq != newest && (count > settings_.maxReports || bytes > settings_.maxBytes)) {
        through = seq;
        break;
      }
    }
    if (through == 0) return;
    Statement lost(db_->handle(),
                   "SELECT count(DISTINCT seq) FROM deliveries WHERE state = 'pending' AND seq <= ?1");
    lost.bind(1, through);
    lost.step();
    const std::int64_t undelivered = lost.columnInt(0);
    Statement dropDeliveries(db_->handle(), "DELETE FROM deliveries WHERE seq <= ?1");
    dropDeliveries.bind(1, through);
    dropDeliveries.step();
    Statement dropReports(db_->handle(), "DELETE FROM reports WHERE seq <= ?1");
    dropReports.bind(1, through);
    dropReports.step();
    const std::int64_t dropped = db_->changes();
    Statement count2(db_->handle(), "UPDATE counters SET value = value + ?1 WHERE name = 'evicted'");
    count2.bind(1, undelivered);
    count2.step();
    log_.warning("outbox full (limits: " + std::to_string(settings_.maxReports) + " reports, " +
                 std::to_string(settings_.maxBytes) + " bytes, " + std::to_string(settings_.maxAge.count()) +
                 " s): evicted the " + std::to_string(dropped) + " oldest reports, " +
                 std::to_string(undelivered) + " of them not delivered");
  }

  OutboxSettings settings_;
  Logger& log_;
  std::mutex mutex_;
  std::unique_ptr<Connection> db_;
};

Outbox::Outbox(OutboxSettings settings, Logger& log)
    : impl_(std::make_unique<Impl>(std::move(settings), log, quarantined_)) {}
Outbox::~Outbox() = default;

std::int64_t Outbox::evicted() {
  return impl_->evicted();
}
void Outbox::add(const std::string& reportID, const std::string& body, std::int64_t now,
                 std::int64_t evictionsReported) {
  impl_->add(reportID, body, now, evictionsReported);
}
std::optional<OutboxEntry> Outbox::next(const std::string& sink, std::int64_t now) {
  return impl_->next(sink, now);
}
void Outbox::delivered(std::int64_t seq, const std::string& sink, const std::string& receipt,
                       std::int64_t now, std::int64_t bytes) {
  impl_->delivered(seq, sink, receipt, now, bytes);
}
std::vector<HistoryRow> Outbox::history() {
  return impl_->history();
}
void Outbox::retryLater(std::int64_t seq, const std::string& sink, std::int64_t nextAttemptAt,
                        const std::string& detail) {
  impl_->update(seq, sink, "pending", nextAttemptAt, detail);
}
void Outbox::rejected(std::int64_t seq, const std::string& sink, const std::string& detail) {
  impl_->update(seq, sink, "rejected", 0, detail);
}
void Outbox::retryAllNow() {
  impl_->retryAllNow();
}
std::optional<std::int64_t> Outbox::nextAttemptAt() {
  return impl_->nextAttemptAt();
}
std::int64_t Outbox::pendingCount() {
  return impl_->count("pending", true);
}
std::int64_t Outbox::rejectedCount() {
  return impl_->count("rejected", false);
}
bool Outbox::holds(const std::string& reportID) {
  return impl_->holds(reportID);
}
std::vector<OutboxRow> Outbox::rows() {
  return impl_->rows();
}
std::int64_t Outbox::purgeRejected(const std::string& reportID) {
  return impl_->purgeRejected(reportID);
}
std::optional<std::string> Outbox::body(const std::string& reportID) {
  return impl_->body(reportID);
}

}  // namespace kubecensus
