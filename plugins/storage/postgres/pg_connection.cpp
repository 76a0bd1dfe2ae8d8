#include "pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <utility>

#include "kubecensus/util/value_parse.h"

namespace kubecensus::postgres {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

std::string inSql(const std::string& sql) {
  return " (in: " + sql.substr(0, 60) + ")";
}

// Waits until the socket is ready as asked or the deadline passes (false). An error or a hangup
// counts as ready: libpq's next call reports it.
bool waitFor(int socket, bool forRead, bool forWrite, Clock::time_point deadline) {
  if (socket < 0) return true;  // libpq has already failed; its next call says why
  for (;;) {
    const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd fd{socket, static_cast<short>((forRead ? POLLIN : 0) | (forWrite ? POLLOUT : 0)), 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR)
      throw PgError(std::string("PostgreSQL: poll() failed: ") + std::strerror(errno), "", true);
  }
}

// The network settings the plugin adds. They go before the user's string in libpq's keyword
// arrays, so a keyword the DSN or URL sets itself overrides them (libpq keeps the last value).
std::vector<std::pair<std::string, std::string>> networkDefaults(const PgTimeouts& timeouts) {
  // Keepalives find a peer that vanished while the connection sits idle in the pool (10 s idle,
  // then 3 probes 5 s apart); tcp_user_timeout bounds data sent but never acknowledged.
  std::vector<std::pair<std::string, std::string>> out = {{"keepalives", "1"},
                                                          {"keepalives_idle", "10"},
                                                          {"keepalives_interval", "5"},
                                                          {"keepalives_count", "3"}};
  if (timeouts.tcpUser.count() > 0)
    out.emplace_back("tcp_user_timeout", std::to_string(timeouts.tcpUser.count()));
  return out;
}

// connect_timeout as the user gave it (DSN, PGCONNECT_TIMEOUT or a service file), read back from
// the connection: libpq ignores it when connecting asynchronously, so the deadline is ours.
milliseconds connectDeadline(pg_conn* conn, milliseconds fallback) {
  PQconninfoOption* options = PQconninfo(conn);
  milliseconds out = fallback;
  for (PQconninfoOption* o = options; o && o->keyword; ++o) {
    if (std::strcmp(o->keyword, "connect_timeout") != 0 || !o->val || !*o->val) continue;
    long long seconds = 0;
    const char* end = o->val + std::strlen(o->val);
    // 0 or less is libpq's "wait forever", which is what this plugin must never do.
    if (std::from_chars(o->val, end, seconds).ptr == end && seconds > 0) out = milliseconds(seconds * 1000);
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace

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

PgConnection::PgConnection(const std::string& dsn, const PgTimeouts& timeouts) : timeouts_(timeouts) {
  try {
    connect(dsn);
    // Notices ("relation already exists, skipping") are not errors; they would only clutter
    // the collector's stderr.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    // Nonblocking, so that sending a large batch to a server that reads nothing cannot block
    // in send() once the socket's buffers are full: the deadline covers sending too. PQfinish's
    // goodbye message is then never waited for either.
    if (PQsetnonblocking(conn_, 1) != 0) fail("PQsetnonblocking");
    // The server cancels a statement past it (an error the caller sees, the connection stays);
    // unless the user's own options (DSN, PGOPTIONS) set it. A SET rather than a startup
    // option: PgBouncer refuses a startup parameter it does not track, statement_timeout included.
    const char* options = PQoptions(conn_);
    if (timeouts_.statement.count() > 0 && !(options && std::strstr(options, "statement_timeout")))
      exec("SET statement_timeout = " + std::to_string(timeouts_.statement.count()));
  } catch (...) {
    drop();
    throw;
  }
}

void PgConnection::connect(const std::string& dsn) {
  const auto defaults = networkDefaults(timeouts_);
  std::vector<const char*> keywords, values;
  for (const auto& [keyword, value] : defaults) {
    keywords.push_back(keyword.c_str());
    values.push_back(value.c_str());
  }
  // expand_dbname: the user's string, keyword/value or postgres:// URL, is expanded in place
  // and overrides the defaults before it. An empty one leaves libpq's PG* variables.
  keywords.push_back("dbname");
  values.push_back(dsn.c_str());
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectStartParams(keywords.data(), values.data(), 1);
  if (!conn_) throw PgError("cannot connect to PostgreSQL: out of memory", "", true);
  const milliseconds timeout = connectDeadline(conn_, timeouts_.connect);
  const auto deadline = Clock::now() + timeout;
  // Host names are resolved inside libpq, blocking (the resolver's own timeouts bound that);
  // everything after - TCP, TLS, the startup packet, authentication - is waited for here.
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (PQstatus(conn_) != CONNECTION_BAD && state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
    const bool reading = state == PGRES_POLLING_READING, writing = state == PGRES_POLLING_WRITING;
    if ((reading || writing) && !waitFor(PQsocket(conn_), reading, writing, deadline))
      throw PgError("cannot connect to PostgreSQL: it did not answer within " + formatDuration(timeout), "",
                    true);
    state = PQconnectPoll(conn_);
  }
  if (PQstatus(conn_) != CONNECTION_OK)
    throw PgError("cannot connect to PostgreSQL: " + trimmed(PQerrorMessage(conn_)), "", true);
}

PgConnection::~PgConnection() {
  drop();
}

void PgConnection::drop() {
  // PQfinish only sends a Terminate message and closes: it never waits for the server. A
  // PQcancel would (it connects anew, to a postmaster that may be the one not answering).
  PQfinish(conn_);
  conn_ = nullptr;
}

bool PgConnection::ok() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

bool PgConnection::idle() const {
  return ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void PgConnection::fail(const std::string& sql) {
  throw PgError("PostgreSQL: " + trimmed(PQerrorMessage(conn_)) + inSql(sql), "", !ok());
}

void PgConnection::timedOut(const std::string& sql) {
  // The statement's fate is unknown (a COMMIT may yet happen): nothing was acknowledged to anyone,
  // and reports are keyed by their ID, so a retry cannot store one twice.
  drop();
  throw PgError("PostgreSQL did not answer within " + formatDuration(timeouts_.query) +
                    "; connection dropped" + inSql(sql),
                "", true);
}

PgResult PgConnection::check(pg_result* result, const std::string& sql) {
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgResult(result);
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string message = trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  const std::string sqlState = state ? state : "";
  PQclear(result);
  throw PgError("PostgreSQL: " + message + inSql(sql), sqlState, !ok());
}

PgResult PgConnection::exec(const std::string& sql) {
  if (!conn_) throw PgError("PostgreSQL: the connection was dropped" + inSql(sql), "", true);
  return finish(sql, PQsendQuery(conn_, sql.c_str()) == 1);
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<const char*>& params) {
  if (!conn_) throw PgError("PostgreSQL: the connection was dropped" + inSql(sql), "", true);
  return finish(sql, PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                       params.data(), nullptr, nullptr, 0) == 1);
}

// What PQexec does, with a deadline: send, then read every result, keeping the first error or
// else the last result.
PgResult PgConnection::finish(const std::string& sql, bool sent) {
  if (!sent) fail(sql);
  const auto deadline = Clock::now() + timeouts_.query;
  for (;;) {
    const int flushed = PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) fail(sql);
    if (!waitFor(PQsocket(conn_), true, true, deadline)) timedOut(sql);
    // The server may answer (an error) before it has read everything; libpq must read that
    // for the server to go on reading.
    if (PQconsumeInput(conn_) == 0) fail(sql);
  }
  std::unique_ptr<pg_result, void (*)(pg_result*)> kept(nullptr, PQclear);
  for (;;) {
    while (PQisBusy(conn_)) {
      if (!waitFor(PQsocket(conn_), true, false, deadline)) timedOut(sql);
      if (PQconsumeInput(conn_) == 0) fail(sql);
    }
    pg_result* next = PQgetResult(conn_);
    if (!next) break;
    const ExecStatusType status = PQresultStatus(next);
    if (kept && PQresultStatus(kept.get()) == PGRES_FATAL_ERROR)
      PQclear(next);  // after an error, the rest of a multi-statement string did not run
    else
      kept.reset(next);
    if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) break;  // unused
  }
  return check(kept.release(), sql);
}

}  // namespace kubecensus::postgres
