// A thin RAII layer over libpq: a connection and results, with errors that carry
// PostgreSQL's message and SQLSTATE.
#pragma once

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

class PgConnection {
 public:
  // Throws PgError when the server cannot be reached or refuses.
  explicit PgConnection(const std::string& dsn);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  bool ok() const;    // the connection is still usable
  bool idle() const;  // usable and outside any transaction: fit to go back to a pool
  PgResult exec(const std::string& sql);
  // $1..$n as text; nullptr params are SQL NULL.
  PgResult exec(const std::string& sql, const std::vector<const char*>& params);

 private:
  PgResult check(pg_result* result, const std::string& sql);
  pg_conn* conn_;
};

}  // namespace kubecensus::postgres
