// A thin RAII layer over the SQLite C API: a connection, prepared statements, transactions,
// schema migrations, and errors that carry SQLite's own message and the database path. Used by
// the agent's outbox and the collector's sqlite storage.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace kubecensus::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, const std::string& value);
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, const std::optional<std::string>& value);
  void bind(int index, const std::optional<std::int64_t>& value);
  bool step();  // true: a row is available; false: done
  void reset();
  std::int64_t columnInt(int index) const;
  double columnDouble(int index) const;
  std::string columnText(int index) const;
  bool columnIsNull(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

struct ConnectionOptions {
  bool wal = true;                    // journal_mode = WAL
  std::string synchronous = "FULL";   // FULL, NORMAL or EXTRA
  std::int64_t busyTimeoutMs = 5000;  // wait this long for another writer's lock
};

class Connection {
 public:
  // Opens (creating it and its directory if needed) the database at `path`. Throws
  // SqliteError, or std::invalid_argument for an unknown `synchronous`.
  explicit Connection(const std::string& path, const ConnectionOptions& options = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);
  sqlite3* handle() const { return db_; }
  int changes() const;
  const std::string& path() const { return path_; }
  // Runs a single-value query ("SELECT count(*) ...") and returns its integer.
  std::int64_t queryInt(const std::string& sql);
  // Brings the schema to migrations.size(): migrations[i] takes version i to i + 1, each
  // recorded in a schema_version table, all in one transaction. `product` names the program
  // to upgrade when the file's schema is newer than it knows.
  void migrate(const std::vector<const char*>& migrations, const std::string& product);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE now, COMMIT on commit(), ROLLBACK when destroyed without it.
class Transaction {
 public:
  explicit Transaction(Connection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& db_;
  bool open_ = true;
};

}  // namespace kubecensus::sqlite
