#include "pg_connection.h"

#include <libpq-fe.h>

namespace kubecensus::postgres {

PgResult::PgResult(pg_result* result) : result_(result) {}
PgResult::~PgResult() {
  PQclear(result_);
}
PgResult::PgResult(PgResult&& other) noexcept : result_(other.result_) {
  other.result_ = nullptr;
}
int PgResult::rows() const {
  return PQntuples(result_);
}
bool PgResult::isNull(int row, int column) const {
  return PQgetisnull(result_, row, column) == 1;
}

std::string PgResult::value(int row, int column) const {
  return PQgetvalue(result_, row, column);
}

PgConnection::PgConnection(const std::string& dsn) : conn_(PQconnectdb(dsn.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    PQfinish(conn_);
    throw PgError("cannot connect to PostgreSQL: " + message, "", true);
  }
  // Notices ("relation already exists, skipping") are not errors; they would only clutter
  // the collector's stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() {
  PQfinish(conn_);
}

bool PgConnection::ok() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

bool PgConnection::idle() const {
  return ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

PgResult PgConnection::check(pg_result* result, const std::string& sql) {
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgResult(result);
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  PQclear(result);
  throw PgError("PostgreSQL: " + message + " (in: " + sql.substr(0, 60) + ")", state ? state : "", !ok());
}

PgResult PgConnection::exec(const std::string& sql) {
  return check(PQexec(conn_, sql.c_str()), sql);
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<const char*>& params) {
  return check(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                            nullptr, nullptr, 0),
               sql);
}

}  // namespace kubecensus::postgres
