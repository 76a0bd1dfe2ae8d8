// A thin RAII layer over the SQLite C API: a connection, prepared statements, and errors
// that carry SQLite's own message and the database path.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

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
  void bind(int index, const std::optional<std::string>& value);
  void bind(int index, const std::optional<std::int64_t>& value);
  bool step();  // true: a row is available; false: done
  void reset();
  std::int64_t columnInt(int index) const;
  std::string columnText(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Connection {
 public:
  explicit Connection(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);
  sqlite3* handle() const { return db_; }
  int changes() const;
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace kubecensus::sqlite
