// A thin RAII layer over libpq: a connection and results, with errors that carry
// PostgreSQL's message and SQLSTATE. Every round trip has a deadline, because a database that
// stops answering (a network partition, a frozen host) otherwise blocks the caller forever:
// the kernel keeps accepting and acknowledging, nothing ever answers.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace kubecensus::postgres {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlState, bool connectionLost)
      : std::runtime_error(message), sqlState_(std::move(sqlState)), connectionLost_(connectionLost) {}
  const std::string& sqlState() const { return sqlState_; }
  bool connectionLost() const { return connectionLost_; }

 private:
  std::string sqlState_;
  bool connectionLost_;
};

class PgResult {
 public:
  explicit PgResult(pg_result* result);
  ~PgResult();
  PgResult(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  int rows() const;
  std::string value(int row, int column) const;
  bool isNull(int row, int column) const;

 private:
  pg_result* result_;
};

// The plugin's timeouts (its options of the same names, which hold the defaults). A value the
// DSN itself sets wins.
struct PgTimeouts {
  std::chrono::milliseconds connect;    // the whole connection attempt, client side
  std::chrono::milliseconds statement;  // the session's statement_timeout; 0: the server's own
  std::chrono::milliseconds query;      // each round trip, client side
  std::chrono::milliseconds tcpUser;    // libpq's tcp_user_timeout; 0: the kernel's
};

class PgConnection {
 public:
  // Throws PgError when the server cannot be reached, refuses, or does not answer in time.
  PgConnection(const std::string& dsn, const PgTimeouts& timeouts);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  bool ok() const;    // the connection is still usable
  bool idle() const;  // usable and outside any transaction: fit to go back to a pool
  // Both throw PgError; past the query deadline the connection is closed (ok() is false after).
  PgResult exec(const std::string& sql);
  // $1..$n as text; nullptr params are SQL NULL.
  PgResult exec(const std::string& sql, const std::vector<const char*>& params);

 private:
  void connect(const std::string& dsn);
  PgResult finish(const std::string& sql, bool sent);
  PgResult check(pg_result* result, const std::string& sql);
  [[noreturn]] void fail(const std::string& sql);
  [[noreturn]] void timedOut(const std::string& sql);
  void drop();

  PgTimeouts timeouts_;
  pg_conn* conn_ = nullptr;
};

}  // namespace kubecensus::postgres
